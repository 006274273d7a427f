//! The sleep workload on the calling thread: a loop of waits.

use std::time::Instant;

use shootout_core::{RunError, SleepMode, SleepOutcome, SleepSpec, Span};

/// A loop of `thread::sleep`: every mode is the same blocking wait.
pub(crate) fn run(_strategy: &crate::Sequential, spec: &SleepSpec) -> Result<SleepOutcome, RunError> {
    let record = spec.mode != SleepMode::Memory;
    let mut ids = Vec::with_capacity(spec.tasks);
    let mut waits = Vec::with_capacity(if record { spec.tasks } else { 0 });
    for id in 0..spec.tasks {
        let start = Instant::now();
        std::thread::sleep(spec.duration);
        if record {
            waits.push(Span::since(start));
        }
        ids.push(id);
    }
    Ok(SleepOutcome { ids, waits })
}
