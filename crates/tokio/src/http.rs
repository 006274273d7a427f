//! Tokio HTTP: C spawned worker tasks running the shared hyper client
//! (`shootout_http::asynchronous::worker`), each with its own keep-alive connection, taking
//! request ids from the plan's shared counter. Connection drivers are tasks on the same runtime.

use shootout_core::{HttpOutcome, HttpSpec, RunError, Target};
use shootout_http::Plan;
use shootout_http::asynchronous::{TokioNet, worker};

pub(crate) fn run(
    strategy: &crate::Tokio,
    spec: &HttpSpec,
    target: &Target,
) -> Result<HttpOutcome, RunError> {
    let plan = Plan::new(spec, target)?;
    let rt = strategy.runtime();
    let net = TokioNet::new(rt.handle().clone());
    let handles = (0..spec.concurrency).map(|_| rt.spawn(worker(net.clone(), plan.clone()))).collect();
    let batches = strategy.join_all(handles)?;
    plan.finish(batches)
}
