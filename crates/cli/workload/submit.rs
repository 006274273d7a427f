//! The submit workload's flags: N submissions from K submitter threads, in bursts or all at
//! once, callbacks or tasks that wait, and the share that is cancelled right after submission.

use clap::Args;
use shootout_core::submit::Unit;
use shootout_core::{Case, Spec, SpecError, SubmitSpec, WorkloadSpec};

#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Submit workload (replaces the preset's submit cases)")]
pub struct SubmitFlags {
    /// Number of submissions N, ids 0..N split among the submitters [default: 10_000]
    #[arg(long, value_name = "N", value_parser = super::count, allow_hyphen_values = true)]
    pub submissions: Option<u64>,
    /// Submitter threads K (plain OS threads); a comma-separated list runs one case each, e.g. 1,2 [default: 1]
    #[arg(long, value_name = "K,..", value_parser = super::count, value_delimiter = ',', allow_hyphen_values = true)]
    pub submitters: Vec<u64>,
    /// Each submitter hands over B units, then waits for their results; 1 is one at a time [default: all of its units]
    #[arg(long, value_name = "B", value_parser = super::count, allow_hyphen_values = true)]
    pub burst: Option<u64>,
    /// What a unit is: callback (records its id) or task:DURATION (waits, then records) [default: callback]
    #[arg(long, value_name = "UNIT", allow_hyphen_values = true)]
    pub unit: Option<String>,
    /// Cancel every M-th submission right after submitting it; 0 for none [default: 0]
    #[arg(long, value_name = "M", value_parser = super::count, allow_hyphen_values = true)]
    pub cancel_every: Option<u64>,
}

impl SubmitFlags {
    /// The first of this workload's flags that was given, for messages.
    pub fn first_given(&self) -> Option<&'static str> {
        [
            ("--submissions", self.submissions.is_some()),
            ("--submitters", !self.submitters.is_empty()),
            ("--burst", self.burst.is_some()),
            ("--unit", self.unit.is_some()),
            ("--cancel-every", self.cancel_every.is_some()),
        ]
        .into_iter()
        .find_map(|(flag, given)| given.then_some(flag))
    }

    pub fn cases(&self) -> Result<Vec<Case>, SpecError> {
        let units = super::to_usize("--submissions", self.submissions.unwrap_or(10_000))?;
        let unit = Unit::parse(self.unit.as_deref().unwrap_or("callback"))?;
        let submitters = if self.submitters.is_empty() { vec![1] } else { self.submitters.clone() };
        submitters
            .into_iter()
            .map(|k| {
                let mut spec = SubmitSpec::new(units, super::to_usize("--submitters", k)?, unit)
                    .with_cancel_every(self.cancel_every.unwrap_or(0));
                if let Some(b) = self.burst {
                    spec = spec.with_burst(super::to_usize("--burst", b)?);
                }
                spec.validate()?;
                Ok(Case::new(spec.case_name(), Spec::Submit(spec)))
            })
            .collect()
    }
}
