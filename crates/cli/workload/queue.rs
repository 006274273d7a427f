//! The queue workload's flags: P producers, C consumers, a channel of capacity B, M messages,
//! a consumer cost per message and optional producer pacing; open loop (`--rate`), one case per
//! rate, with one second of schedule unless --messages says otherwise.

use std::time::Duration;

use clap::Args;
use shootout_core::queue::{Capacity, Cost, MAX_OPEN_LOOP_MESSAGES};
use shootout_core::{Case, QueueSpec, Spec, SpecError, WorkloadSpec};

#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Queue workload (replaces the preset's queue cases)")]
pub struct QueueFlags {
    /// Number of messages M, ids 0..M split among the producers [default: 200_000; with --rate R, R (one second of schedule)]
    #[arg(long, value_name = "M", value_parser = super::count, allow_hyphen_values = true)]
    pub messages: Option<u64>,
    /// Number of producers P [default: 1]
    #[arg(long, value_name = "P", value_parser = super::count, allow_hyphen_values = true)]
    pub producers: Option<u64>,
    /// Number of consumers C; a comma-separated list runs one case each, e.g. 1,10 [default: 1]
    #[arg(long, value_name = "C,..", value_parser = super::count, value_delimiter = ',', allow_hyphen_values = true)]
    pub consumers: Vec<u64>,
    /// Channel capacity B (at least 1) or "unbounded" [default: 1024]
    #[arg(long, value_name = "B", allow_hyphen_values = true)]
    pub capacity: Option<String>,
    /// What a consumer does per message: none, cpu:ITERATIONS or wait:DURATION (e.g. wait:1ms) [default: none]
    #[arg(long, value_name = "COST", allow_hyphen_values = true)]
    pub cost: Option<String>,
    /// A wait before each put by every producer, e.g. 100us [default: none]
    #[arg(long, value_name = "DUR", value_parser = super::duration, allow_hyphen_values = true)]
    pub pacing: Option<Duration>,
}

impl QueueFlags {
    /// The first of this workload's flags that was given, for messages.
    pub fn first_given(&self) -> Option<&'static str> {
        [
            ("--messages", self.messages.is_some()),
            ("--producers", self.producers.is_some()),
            ("--consumers", !self.consumers.is_empty()),
            ("--capacity", self.capacity.is_some()),
            ("--cost", self.cost.is_some()),
            ("--pacing", self.pacing.is_some()),
        ]
        .into_iter()
        .find_map(|(flag, given)| given.then_some(flag))
    }

    /// The cases, one per consumer count and open-loop rate in `open`.
    pub fn cases(&self, open: &super::open_loop::OpenLoopFlags) -> Result<Vec<Case>, SpecError> {
        let messages = self.messages.map(|m| super::to_usize("--messages", m)).transpose()?;
        let producers = super::to_usize("--producers", self.producers.unwrap_or(1))?;
        let capacity = Capacity::parse(self.capacity.as_deref().unwrap_or("1024"))?;
        let cost_text = self.cost.as_deref().unwrap_or("none");
        // Cost's own message may name only the duration; the user needs the flag.
        let cost = Cost::parse(cost_text).map_err(|e| {
            if e.0.contains("--cost") {
                e
            } else {
                SpecError::new(format!("invalid --cost {cost_text:?}: {e}"))
            }
        })?;
        let pacing = self.pacing.unwrap_or(Duration::ZERO);
        let consumers = if self.consumers.is_empty() { vec![1] } else { self.consumers.clone() };
        let rates = open.rates()?;
        let mut cases = Vec::new();
        for c in consumers {
            let consumers = super::to_usize("--consumers", c)?;
            for rate in &rates {
                let messages = messages.unwrap_or(match rate {
                    Some(r) => (r.per_sec.round() as usize).clamp(1, MAX_OPEN_LOOP_MESSAGES),
                    None => 200_000,
                });
                let mut spec = QueueSpec::new(messages, producers, consumers, capacity)
                    .with_cost(cost)
                    .with_pacing(pacing);
                spec.rate = *rate;
                spec.validate()?;
                cases.push(Case::new(spec.case_name(), Spec::Queue(spec)));
            }
        }
        Ok(cases)
    }
}
