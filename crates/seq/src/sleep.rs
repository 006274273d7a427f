//! The sleep workload on the calling thread: a loop of waits.

use std::time::Instant;

use shootout_core::{RunError, SleepMode, SleepOutcome, SleepSpec, Span};

/// A loop of `thread::sleep`: timer and blocking mode are the same blocking wait. Memory mode
/// needs all N tasks alive at once, which a loop never has.
pub(crate) fn run(_strategy: &crate::Sequential, spec: &SleepSpec) -> Result<SleepOutcome, RunError> {
    if spec.mode == SleepMode::Memory {
        return Err(RunError::Unsupported(
            "one task at a time: its tasks are never all alive at once, which memory per task needs".into(),
        ));
    }
    let pairs = (0..spec.tasks)
        .map(|id| {
            let start = Instant::now();
            std::thread::sleep(spec.duration);
            (id, Span::since(start))
        })
        .collect();
    Ok(SleepOutcome::from_pairs(pairs))
}
