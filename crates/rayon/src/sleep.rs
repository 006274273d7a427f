//! The sleep workload on rayon: `par_iter` over the task ids on its pool.

use std::time::Instant;

use rayon::prelude::*;
use shootout_core::{RunError, SleepMode, SleepOutcome, SleepSpec, Span};

/// `par_iter` over task ids on the pool, each `thread::sleep`ing: a sleeping unit holds its
/// pool thread, so at most W tasks wait at once in any mode. Each unit returns its own span.
pub(crate) fn run(strategy: &crate::Rayon, spec: &SleepSpec) -> Result<SleepOutcome, RunError> {
    let d = spec.duration;
    if spec.mode == SleepMode::Memory {
        let ids = strategy.pool().install(|| {
            (0..spec.tasks)
                .into_par_iter()
                .map(|id| {
                    std::thread::sleep(d);
                    id
                })
                .collect()
        });
        return Ok(SleepOutcome { ids, waits: Vec::new() });
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
