//! The sleep workload on std::thread: a thread per task.

use std::sync::Arc;
use std::time::Instant;

use shootout_core::sleep::Release;
use shootout_core::{RunError, SleepMode, SleepOutcome, SleepSpec, Span};

/// A thread per task, each `thread::sleep`ing: every mode is the same blocking wait. Each
/// thread returns its own span; memory mode returns the id alone, after waiting until d after
/// the last thread was spawned (core's `Release`).
pub(crate) fn run(_strategy: &crate::Threads, spec: &SleepSpec) -> Result<SleepOutcome, RunError> {
    let d = spec.duration;
    if spec.mode == SleepMode::Memory {
        let release = Arc::new(Release::arm(d));
        let waiting = Arc::clone(&release);
        let ids = crate::spawn_join_all_then(
            spec.tasks,
            move |id| {
                waiting.wait_with(std::thread::sleep);
                id
            },
            || {
                release.open();
            },
        )?;
        return Ok(SleepOutcome::held(ids, release.held_until(Instant::now())));
    }
    let pairs = crate::spawn_join_all(spec.tasks, move |id| {
        let start = Instant::now();
        std::thread::sleep(d);
        (id, Span::since(start))
    })?;
    Ok(SleepOutcome::from_pairs(pairs))
}
