//! The sleep workload on std::thread: a thread per task.

use std::sync::Arc;

use shootout_core::{InFlight, RunError, SleepOutcome, SleepSpec};

/// A thread per task, each `thread::sleep`ing: both modes are the same blocking wait.
pub(crate) fn run(_strategy: &crate::Threads, spec: &SleepSpec) -> Result<SleepOutcome, RunError> {
    let waiting: Arc<InFlight> = InFlight::new();
    let d = spec.duration;
    let counter = Arc::clone(&waiting);
    let ids = crate::spawn_join_all(spec.tasks, move |id| {
        let _waiting = counter.enter();
        std::thread::sleep(d);
        id
    })?;
    Ok(SleepOutcome { ids, peak_waiting: waiting.peak() })
}
