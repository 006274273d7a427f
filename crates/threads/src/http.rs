//! Threads HTTP: C threads, each with its own ureq agent (so its own keep-alive connection),
//! taking request ids from the plan's shared counter until none are left.

use shootout_core::{HttpOutcome, HttpSpec, RunError, Target};
use shootout_http::{Plan, blocking};

pub(crate) fn run(
    _strategy: &crate::Threads,
    spec: &HttpSpec,
    target: &Target,
) -> Result<HttpOutcome, RunError> {
    let plan = Plan::new(spec, target)?;
    let shared = plan.clone();
    // If the OS refuses a thread, the ones running finish the ids and the refusal is the error.
    let batches = crate::spawn_join_all(spec.concurrency, move |_| {
        let agent = blocking::agent(&shared, 1);
        blocking::worker(&shared, &agent)
    })?;
    plan.finish(batches)
}
