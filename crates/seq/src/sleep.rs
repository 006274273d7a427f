use shootout_core::{InFlight, RunError, SleepOutcome, SleepSpec};

/// A loop of `thread::sleep`: both modes are the same blocking wait.
pub(crate) fn run(_strategy: &crate::Sequential, spec: &SleepSpec) -> Result<SleepOutcome, RunError> {
    let waiting = InFlight::default();
    let ids = (0..spec.tasks)
        .map(|id| {
            let _waiting = waiting.enter();
            std::thread::sleep(spec.duration);
            id
        })
        .collect();
    Ok(SleepOutcome { ids, peak_waiting: waiting.peak() })
}
