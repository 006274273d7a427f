//! The fan-out workload's flags: one custom case from `--units --work --wait` and the options.

use std::time::Duration;

use clap::Args;
use shootout_core::fanout::{ErrorPolicy, Order, Skew};
use shootout_core::{Case, FanOutSpec, Spec, SpecError, WorkloadSpec};

#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Fan-out workload (replaces the preset's fan-out cases)")]
pub struct FanOutFlags {
    /// Number of units N [default: 1000]
    #[arg(long, value_name = "N", value_parser = super::count, allow_hyphen_values = true)]
    pub units: Option<u64>,
    /// CPU work per unit: k iterations of the kernel, ~1 ns each [default: 1000]
    #[arg(long, value_name = "K", value_parser = super::count, allow_hyphen_values = true)]
    pub work: Option<u64>,
    /// Each unit's wait before its work, e.g. 10ms (0s: CPU only) [default: 0s]
    #[arg(long, value_name = "DUR", value_parser = super::duration, allow_hyphen_values = true)]
    pub wait: Option<Duration>,
    /// Units with i % 4 == 3 wait 4× longer
    #[arg(long)]
    pub slow: bool,
    /// Every M-th unit fails after its work (M >= 2)
    #[arg(long, value_name = "M", value_parser = super::count, allow_hyphen_values = true)]
    pub errors: Option<u64>,
    /// With --errors: collect (every result, errors in place) or fail-fast [default: collect]
    #[arg(long, value_name = "POLICY", value_parser = ["collect", "fail-fast"])]
    pub policy: Option<String>,
    /// At most L units in flight (a semaphore)
    #[arg(long, value_name = "L", value_parser = super::count, allow_hyphen_values = true)]
    pub limit: Option<u64>,
    /// Per-unit timeout: a unit still waiting this long after it started is cancelled
    #[arg(long, value_name = "DUR", value_parser = super::duration, allow_hyphen_values = true)]
    pub deadline: Option<Duration>,
    /// input (gather) or completion (as_completed) [default: input]
    #[arg(long, value_name = "ORDER", value_parser = ["input", "completion"])]
    pub order: Option<String>,
    /// A quarter of the units do 10× the work: striped (i % 4 == 3, lined up with a round-robin
    /// split) or scattered (picked by a hash)
    #[arg(long, value_name = "PATTERN", value_parser = ["striped", "scattered"])]
    pub skew: Option<String>,
}

impl FanOutFlags {
    /// The first of this workload's flags that was given, for messages.
    pub fn first_given(&self) -> Option<&'static str> {
        [
            ("--units", self.units.is_some()),
            ("--work", self.work.is_some()),
            ("--wait", self.wait.is_some()),
            ("--slow", self.slow),
            ("--errors", self.errors.is_some()),
            ("--policy", self.policy.is_some()),
            ("--limit", self.limit.is_some()),
            ("--deadline", self.deadline.is_some()),
            ("--order", self.order.is_some()),
            ("--skew", self.skew.is_some()),
        ]
        .into_iter()
        .find_map(|(flag, given)| given.then_some(flag))
    }

    pub fn cases(&self) -> Result<Vec<Case>, SpecError> {
        let units = super::to_usize("--units", self.units.unwrap_or(1_000))?;
        let mut spec =
            FanOutSpec::new(units, self.work.unwrap_or(1_000), self.wait.unwrap_or(Duration::ZERO));
        if self.slow {
            spec = spec.with_slow();
        }
        match (self.errors, self.policy.as_deref()) {
            (Some(every), policy) => {
                let policy = policy.map(ErrorPolicy::parse).transpose()?.unwrap_or(ErrorPolicy::Collect);
                spec = spec.with_errors(super::to_usize("--errors", every)?, policy);
            }
            (None, Some(_)) => {
                return Err(SpecError::new("--policy needs --errors M (every M-th unit fails)"));
            }
            (None, None) => {}
        }
        if let Some(limit) = self.limit {
            spec = spec.with_limit(super::to_usize("--limit", limit)?);
        }
        if let Some(deadline) = self.deadline {
            spec = spec.with_deadline(deadline);
        }
        if let Some(order) = &self.order {
            spec = spec.with_order(Order::parse(order)?);
        }
        if let Some(skew) = &self.skew {
            spec = spec.with_skew(Skew::parse(skew)?);
        }
        spec.validate()?;
        Ok(vec![Case::new(spec.case_name("custom"), Spec::FanOut(spec))])
    }
}
