//! Submit on may: core's K submitter OS threads each spawn a coroutine per unit (may's spawn
//! works from any thread), whose wait is may's sleep. A spawned coroutine cannot be taken back
//! safely, so the cancel cases are refused.

use shootout_core::submit::{Job, run_blocking};
use shootout_core::{RunError, SubmitOutcome, SubmitSpec};

pub(crate) fn run(_strategy: &crate::May, spec: &SubmitSpec) -> Result<SubmitOutcome, RunError> {
    spec.refuse_cancel(
        crate::NAME,
        "a spawned coroutine cannot be taken back safely: may's `Coroutine::cancel` is unsafe and unwinds it at its next yield",
    )?;
    run_blocking(spec, |job: Job| {
        // The handle is dropped: the coroutine runs detached and its result comes back on the
        // job's own channel to its submitter.
        crate::spawn(None, move || job.run_with(may::coroutine::sleep)).map(drop).map_err(|err| {
            RunError::failed(format!("could not spawn a coroutine for a submitted unit: {err}"))
        })
    })
}
