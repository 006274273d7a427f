//! Threads HTTP: C threads, each with its own ureq agent (so its own keep-alive connection),
//! each sending its share of the request ids (fixed before the run).

use shootout_core::{HttpOutcome, HttpSpec, RunError, Target};
use shootout_http::{Plan, blocking};

pub(crate) fn run(
    _strategy: &crate::Threads,
    spec: &HttpSpec,
    target: &Target,
) -> Result<HttpOutcome, RunError> {
    let plan = Plan::new(spec, target)?;
    let shared = plan.clone();
    // If the OS refuses a thread, the ones running finish their ids and the refusal is the error.
    let c = spec.concurrency;
    let batches = crate::spawn_join_all(c, move |w| {
        let agent = blocking::agent(&shared, 1);
        blocking::worker(&shared, &agent, w, c)
    })?;
    plan.finish(batches)
}
