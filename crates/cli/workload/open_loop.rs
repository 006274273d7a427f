//! The open-loop flags the http and queue workloads share: `--rate R[,R..]` (one case per
//! rate) and `--arrival`. Given alone, they run both workloads open-loop.

use clap::Args;
use shootout_core::SpecError;
use shootout_core::http::{Arrival, Rate};

#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Open loop (http and queue)")]
pub struct OpenLoopFlags {
    /// Open loop: requests or messages per second on a fixed schedule (item i due at i/R), a list (200,400) runs one case per rate; latency runs from each item's due time
    #[arg(long, value_name = "R,..", allow_hyphen_values = true)]
    pub rate: Option<String>,
    /// Open-loop arrivals: fixed (1/R apart) or poisson [default: fixed]
    #[arg(long, value_name = "KIND", value_parser = ["fixed", "poisson"])]
    pub arrival: Option<String>,
}

impl OpenLoopFlags {
    /// The first of these flags that was given.
    pub fn first_given(&self) -> Option<&'static str> {
        [("--rate", self.rate.is_some()), ("--arrival", self.arrival.is_some())]
            .into_iter()
            .find_map(|(flag, given)| given.then_some(flag))
    }

    /// One open-loop rate per case (`[None]` without `--rate`: one closed-loop case). A rate
    /// list must be numbers above 0, each given once.
    pub fn rates(&self) -> Result<Vec<Option<Rate>>, SpecError> {
        let arrival = self.arrival.as_deref().map(Arrival::parse).transpose()?;
        let Some(list) = self.rate.as_deref() else {
            if arrival.is_some() {
                return Err(SpecError::new("--arrival needs --rate (arrivals of which rate?)"));
            }
            return Ok(vec![None]);
        };
        let mut rates = Vec::new();
        for part in list.split(',') {
            let per_sec: f64 = part.trim().parse().map_err(|_| {
                SpecError::new(format!(
                    "--rate expects requests or messages per second like 200 or 200,400, got {part:?}"
                ))
            })?;
            let rate = Rate { per_sec, arrival: arrival.unwrap_or(Arrival::Fixed) };
            rate.validate()?;
            if rates.contains(&Some(rate)) {
                return Err(SpecError::new(format!("--rate lists {per_sec} twice")));
            }
            rates.push(Some(rate));
        }
        Ok(rates)
    }
}
