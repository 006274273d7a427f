//! Rayon HTTP: `par_iter` over the request ids on the strategy's pool, one shared ureq agent
//! (its pool keeps a connection per pool thread). Each blocking request holds a pool thread,
//! so at most W requests are in flight whatever C is — the honest finding. Pieces of at least
//! ⌈M/C⌉ ids keep it within C too when C < W.

use rayon::prelude::*;
use shootout_core::{HttpOutcome, HttpSpec, RunError, Target};
use shootout_http::{Plan, blocking};

pub(crate) fn run(
    strategy: &crate::Rayon,
    spec: &HttpSpec,
    target: &Target,
) -> Result<HttpOutcome, RunError> {
    let plan = Plan::new(spec, target)?;
    let agent = blocking::agent(&plan, strategy.workers.min(spec.concurrency));
    let min_len = spec.requests.div_ceil(spec.concurrency);
    let results: Vec<_> = strategy.pool().install(|| {
        (0..spec.requests)
            .into_par_iter()
            .with_min_len(min_len)
            .map(|id| blocking::request(&plan, &agent, id as u64))
            .collect()
    });
    plan.finish([results])
}
