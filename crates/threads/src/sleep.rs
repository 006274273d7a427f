//! The sleep workload on std::thread: a thread per task.

use std::time::Instant;

use shootout_core::{RunError, SleepMode, SleepOutcome, SleepSpec, Span};

/// A thread per task, each `thread::sleep`ing: every mode is the same blocking wait. Each
/// thread returns its own span; memory mode returns the id alone.
pub(crate) fn run(_strategy: &crate::Threads, spec: &SleepSpec) -> Result<SleepOutcome, RunError> {
    let d = spec.duration;
    if spec.mode == SleepMode::Memory {
        let ids = crate::spawn_join_all(spec.tasks, move |id| {
            std::thread::sleep(d);
            id
        })?;
        return Ok(SleepOutcome { ids, waits: Vec::new() });
    }
    let pairs = crate::spawn_join_all(spec.tasks, move |id| {
        let start = Instant::now();
        std::thread::sleep(d);
        (id, Span::since(start))
    })?;
    Ok(SleepOutcome::from_pairs(pairs))
}
