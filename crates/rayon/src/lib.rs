//! The rayon strategy: `par_iter` on its own `ThreadPool` of W threads (criterion's analysis
//! uses rayon's global pool, so ours is separate). Rayon is built for CPU work: a unit that
//! blocks holds a pool thread, so at most W waits overlap. That is the honest finding.

use shootout_core::{Overlap, RunError, Strategy};

mod fanout;
mod http;
mod queue;
mod sleep;
mod submit;

pub const NAME: &str = "rayon";

/// Every wait holds one of the W pool threads.
pub fn overlap(workers: usize) -> Overlap {
    Overlap { timer: Some(workers), blocking: Some(workers) }
}

pub struct Rayon {
    pool: rayon::ThreadPool,
    workers: usize,
}

impl Rayon {
    pub fn new(workers: usize) -> Result<Self, RunError> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(workers)
            .thread_name(|i| format!("rayon-{i}"))
            .build()
            .map_err(|e| RunError::build("rayon thread pool", e))?;
        Ok(Rayon { pool, workers })
    }

    pub fn pool(&self) -> &rayon::ThreadPool {
        &self.pool
    }
}

impl Strategy for Rayon {
    fn name(&self) -> &'static str {
        NAME
    }

    fn workers(&self) -> usize {
        self.workers
    }

    fn overlap(&self) -> Overlap {
        overlap(self.workers)
    }

    shootout_core::workload_modules!();
}
