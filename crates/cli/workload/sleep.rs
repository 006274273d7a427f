//! The sleep workload's flags: N tasks each waiting once, by timer or blocking.

use std::time::Duration;

use clap::Args;
use shootout_core::{Case, SleepMode, SleepSpec, Spec, SpecError};

#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Sleep workload (replaces the preset's sleep cases)")]
pub struct SleepFlags {
    /// Number of tasks N, each waiting once [default: 100]
    #[arg(long, value_name = "N", value_parser = super::count, allow_hyphen_values = true)]
    pub tasks: Option<u64>,
    /// How long each task waits, e.g. 10ms, 1s, 250us [default: 10ms]
    #[arg(long, value_name = "DUR", value_parser = super::duration, allow_hyphen_values = true)]
    pub sleep: Option<Duration>,
    /// timer (the runtime's own sleep) or blocking (thread::sleep, offloaded) [default: both]
    #[arg(long, value_name = "MODE", value_parser = ["timer", "blocking"])]
    pub mode: Option<String>,
}

impl SleepFlags {
    /// The first of this workload's flags that was given, for messages.
    pub fn first_given(&self) -> Option<&'static str> {
        [
            ("--tasks", self.tasks.is_some()),
            ("--sleep", self.sleep.is_some()),
            ("--mode", self.mode.is_some()),
        ]
        .into_iter()
        .find_map(|(flag, given)| given.then_some(flag))
    }

    pub fn cases(&self) -> Result<Vec<Case>, SpecError> {
        let tasks = super::to_usize("--tasks", self.tasks.unwrap_or(100))?;
        let duration = self.sleep.unwrap_or(Duration::from_millis(10));
        let modes = match &self.mode {
            Some(m) => vec![SleepMode::parse(m)?],
            None => vec![SleepMode::Timer, SleepMode::Blocking],
        };
        modes
            .into_iter()
            .map(|mode| {
                let spec = SleepSpec::new(tasks, duration, mode);
                shootout_core::WorkloadSpec::validate(&spec)?;
                Ok(Case::new(spec.case_name(), Spec::Sleep(spec)))
            })
            .collect()
    }
}
