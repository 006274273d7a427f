//! async-std HTTP: C spawned worker tasks running the shared hyper client over async-std's
//! `TcpStream` (smol-hyper's `FuturesIo`), each with its own keep-alive connection, taking
//! request ids from the plan's shared counter.

use shootout_core::{HttpOutcome, HttpSpec, RunError, Target};
use shootout_http::Plan;
use shootout_http::asynchronous::{AsyncStdNet, worker};

pub(crate) fn run(
    strategy: &crate::AsyncStd,
    spec: &HttpSpec,
    target: &Target,
) -> Result<HttpOutcome, RunError> {
    let plan = Plan::new(spec, target)?;
    let handles =
        (0..spec.concurrency).map(|_| async_std::task::spawn(worker(AsyncStdNet, plan.clone()))).collect();
    let batches = strategy.join_all(handles);
    plan.finish(batches)
}
