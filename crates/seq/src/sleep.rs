//! The sleep workload on the calling thread: a loop of waits.

use shootout_core::{InFlight, RunError, SleepOutcome, SleepSpec};

/// A loop of `thread::sleep`: both modes are the same blocking wait.
pub(crate) fn run(_strategy: &crate::Sequential, spec: &SleepSpec) -> Result<SleepOutcome, RunError> {
    let waiting = InFlight::default();
    let mut ids = Vec::with_capacity(spec.tasks);
    for id in 0..spec.tasks {
        let _waiting = waiting.enter();
        std::thread::sleep(spec.duration);
        ids.push(id);
    }
    Ok(SleepOutcome { ids, peak_waiting: waiting.peak() })
}
