//! The sleep workload on rayon: `par_iter` over the task ids on its pool.

use rayon::prelude::*;
use shootout_core::{InFlight, RunError, SleepOutcome, SleepSpec};

/// `par_iter` over task ids on the pool, each `thread::sleep`ing: a sleeping unit holds its
/// pool thread, so at most W tasks wait at once in either mode.
pub(crate) fn run(strategy: &crate::Rayon, spec: &SleepSpec) -> Result<SleepOutcome, RunError> {
    let waiting = InFlight::default();
    let ids = strategy.pool().install(|| {
        (0..spec.tasks)
            .into_par_iter()
            .map(|id| {
                let _waiting = waiting.enter();
                std::thread::sleep(spec.duration);
                id
            })
            .collect()
    });
    Ok(SleepOutcome { ids, peak_waiting: waiting.peak() })
}
