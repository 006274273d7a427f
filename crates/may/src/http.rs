//! HTTP on may: C coroutines, each with its own ureq agent over may's sockets (so its own
//! keep-alive connection), each sending its share of the request ids; an open-loop wait is
//! may's sleep. The client code is the blocking strategies' (`shootout_http::blocking`).

use shootout_core::{HttpOutcome, HttpSpec, RunError, Target};
use shootout_http::{Plan, blocking};

use crate::net::MayConnector;

pub(crate) fn run(_strategy: &crate::May, spec: &HttpSpec, target: &Target) -> Result<HttpOutcome, RunError> {
    let plan = Plan::new(spec, target)?;
    let shared = plan.clone();
    let c = spec.concurrency;
    let batches = crate::spawn_join_all(c, Some(crate::HTTP_STACK_WORDS), move |w| {
        let agent = blocking::agent_with(&shared, 1, MayConnector);
        blocking::worker_with(&shared, &agent, w, c, may::coroutine::sleep)
    })?;
    plan.finish(batches)
}
