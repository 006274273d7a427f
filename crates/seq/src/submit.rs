//! Submit on the sequential strategy: one worker thread draining a channel, the asyncio event
//! loop's shape (`call_soon_threadsafe` appends to its ready queue); a task's wait blocks that
//! one thread. A queued unit cannot be taken back, so the cancel cases are unsupported.

use shootout_core::submit::run_on_workers;
use shootout_core::{RunError, SubmitOutcome, SubmitSpec};

pub(crate) fn run(_strategy: &crate::Sequential, spec: &SubmitSpec) -> Result<SubmitOutcome, RunError> {
    spec.refuse_cancel(crate::NAME, "a queued unit cannot be taken back")?;
    run_on_workers(spec, 1)
}
