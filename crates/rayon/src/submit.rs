//! Submit on the rayon strategy: each submitter thread calls `ThreadPool::spawn` on the
//! strategy's pool of W (a job pushed into its global injector from outside the pool); a
//! task's wait blocks a pool thread. `spawn` returns no handle, so the cancel cases are
//! unsupported.

use shootout_core::submit::run_blocking;
use shootout_core::{RunError, SubmitOutcome, SubmitSpec};

pub(crate) fn run(strategy: &crate::Rayon, spec: &SubmitSpec) -> Result<SubmitOutcome, RunError> {
    spec.refuse_cancel(crate::NAME, "spawn returns no handle")?;
    run_blocking(spec, |job| {
        strategy.pool().spawn(move || job.run());
        Ok(())
    })
}
