//! smol HTTP: C worker tasks on the strategy's executor running the shared hyper client over
//! smol's `TcpStream` (smol-hyper's `FuturesIo`), each with its own keep-alive connection,
//! taking request ids from the plan's shared counter.

use shootout_core::{HttpOutcome, HttpSpec, RunError, Target};
use shootout_http::Plan;
use shootout_http::asynchronous::{SmolNet, worker};

pub(crate) fn run(strategy: &crate::Smol, spec: &HttpSpec, target: &Target) -> Result<HttpOutcome, RunError> {
    let plan = Plan::new(spec, target)?;
    let ex = strategy.executor();
    let net = SmolNet::new(ex.clone());
    let tasks = (0..spec.concurrency).map(|_| ex.spawn(worker(net.clone(), plan.clone()))).collect();
    let batches = strategy.join_all(tasks);
    plan.finish(batches)
}
