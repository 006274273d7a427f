//! Submit on the threads strategy: a channel to a pool of W worker threads (Python's
//! `ThreadPoolExecutor.submit`); a task's wait blocks its worker. A queued unit cannot be
//! taken back, so the cancel cases are unsupported.

use shootout_core::submit::run_on_workers;
use shootout_core::{RunError, SubmitOutcome, SubmitSpec};

pub(crate) fn run(strategy: &crate::Threads, spec: &SubmitSpec) -> Result<SubmitOutcome, RunError> {
    spec.refuse_cancel(crate::NAME, "a queued unit cannot be taken back")?;
    run_on_workers(spec, strategy.workers)
}
