//! The sleep workload on rayon: `par_iter` over the task ids on its pool.

use std::time::Instant;

use rayon::prelude::*;
use shootout_core::{RunError, SleepMode, SleepOutcome, SleepSpec, Span};

/// `par_iter` over task ids on the pool, each `thread::sleep`ing: a sleeping unit holds its
/// pool thread, so at most W tasks wait at once in any mode (memory mode, which needs all N
/// alive, is unsupported). Each unit returns its own span.
pub(crate) fn run(strategy: &crate::Rayon, spec: &SleepSpec) -> Result<SleepOutcome, RunError> {
    let d = spec.duration;
    if spec.mode == SleepMode::Memory {
        return Err(RunError::Unsupported(format!(
            "a unit holds its pool thread while it waits, so at most W = {} of the {} tasks are \
             alive at once; memory per task needs them all alive",
            strategy.workers, spec.tasks
        )));
    }
    let pairs: Vec<(usize, Span)> = strategy.pool().install(|| {
        (0..spec.tasks)
            .into_par_iter()
            .map(|id| {
                let start = Instant::now();
                std::thread::sleep(d);
                (id, Span::since(start))
            })
            .collect()
    });
    Ok(SleepOutcome::from_pairs(pairs))
}
