//! Sequential HTTP: one ureq agent on the calling thread, one keep-alive connection, requests
//! one after another (C = 1 whatever the spec says: that is what sequential means).

use shootout_core::{HttpOutcome, HttpSpec, RunError, Target};
use shootout_http::{Plan, blocking};

pub(crate) fn run(
    _strategy: &crate::Sequential,
    spec: &HttpSpec,
    target: &Target,
) -> Result<HttpOutcome, RunError> {
    let plan = Plan::new(spec, target)?;
    let agent = blocking::agent(&plan, 1);
    let results = blocking::worker(&plan, &agent, 0, 1);
    plan.finish([results])
}
