//! The fan-out workload on any async runtime: a spawned task per unit, gathered as asyncio's
//! `gather` does. The runtime's semaphore for a limit, its sleep for the wait, its
//! `timeout_at` for the deadline (the unit's future is dropped when it fires). Input order
//! awaits the tasks in order; completion order drains an async-channel that each unit sends to
//! as it finishes (`as_completed`).
//!
//! Fail-fast follows asyncio's `TaskGroup`: the failing unit itself raises the cancel gate
//! (input order: every later unit; completion order: all), and a unit checks the gate before
//! its work — the same rule the blocking strategies follow in `FanOutSpec::run_blocking`, so no
//! strategy keeps starting units after the first error just because its gather had not yet
//! reached it. The gather then cancels every task not yet gathered and waits until they have
//! stopped, so no unit outlives the call.

use std::sync::Arc;
use std::time::Instant;

use shootout_core::fanout::{CancelGate, Handed, Order, Recorder, UnitError, UnitResult};
use shootout_core::{FanOutOutcome, FanOutSpec, RunError};

use crate::{Permits, Runtime, Task};

pub fn run<R: Runtime>(rt: &R, spec: &FanOutSpec) -> Result<FanOutOutcome, RunError> {
    let n = spec.units;
    let shared = Arc::new(Shared::<R> {
        spec: spec.clone(),
        recorder: Recorder::new(n),
        permits: spec.limit.map(R::Permits::new),
        gate: spec.fail_fast().then(CancelGate::new),
    });
    let (tx, rx) = async_channel::unbounded::<Handed>();
    let completion = spec.order == Order::Completion;
    let tasks: Vec<R::Task<Option<UnitResult>>> = (0..n)
        .map(|index| rt.spawn(unit(Arc::clone(&shared), index, completion.then(|| tx.clone()))))
        .collect();
    drop(tx);
    let spawned = tasks.len();

    let handed = rt.block_on(async {
        let fail_fast = spec.fail_fast();
        let mut tasks = tasks.into_iter();
        let mut handed = Vec::with_capacity(n);
        let mut stopped = false;
        if completion {
            while let Ok(h) = rx.recv().await {
                stopped = fail_fast && h.result.is_err();
                handed.push(h);
                if stopped {
                    break;
                }
            }
        } else {
            for (index, task) in tasks.by_ref().enumerate() {
                // Cancelled by the gate: only units after the first error are, so it was
                // already handed over and the loop has stopped; never reached otherwise.
                let Some(result) = task.await? else { break };
                handed.push(Handed { index, result });
                if fail_fast && result.is_err() {
                    stopped = true;
                    break;
                }
            }
        }
        let rest: Vec<R::Task<Option<UnitResult>>> = tasks.collect();
        if stopped {
            // Polled together, every task is asked at once.
            futures_util::future::join_all(rest.into_iter().map(Task::cancel)).await;
        } else {
            for task in rest {
                // Its result came through the channel; awaiting means no unit outlives the call.
                let _ = task.await?;
            }
        }
        Ok::<_, RunError>(handed)
    })?;
    Ok(shared.recorder.outcome(handed, Some(spawned)))
}

struct Shared<R: Runtime> {
    spec: FanOutSpec,
    recorder: Recorder,
    permits: Option<R::Permits>,
    /// Fail-fast only: raised by the failing unit.
    gate: Option<CancelGate>,
}

async fn unit<R: Runtime>(
    shared: Arc<Shared<R>>,
    index: usize,
    tx: Option<async_channel::Sender<Handed>>,
) -> Option<UnitResult> {
    let Shared { spec, recorder, permits, gate } = &*shared;
    let _permit = match permits {
        Some(permits) => Some(permits.acquire().await),
        None => None,
    };
    if gate.as_ref().is_some_and(|g| g.is_cancelled(index)) {
        return None;
    }
    let _in_flight = recorder.enter(index);
    let start = Instant::now();
    let wait = spec.wait_of(index);
    let body = async {
        if !wait.is_zero() {
            R::sleep(wait).await;
        }
        spec.compute(index)
    };
    let result = match spec.deadline {
        Some(t) => {
            let deadline_at = start + t;
            match R::timeout_at(deadline_at, body).await {
                Some(result) => result,
                None => {
                    recorder.timed_out(index, deadline_at, Instant::now());
                    Err(UnitError::TimedOut { index })
                }
            }
        }
        None => body.await,
    };
    match tx {
        Some(tx) => recorder.finish_into(index, || {
            // Unbounded: never full; after a fail-fast stop the gather just stops reading.
            let _ = tx.try_send(Handed { index, result });
        }),
        None => {
            recorder.finish(index);
        }
    }
    if let (Some(gate), Err(_)) = (gate, result) {
        match spec.order {
            Order::Input => gate.cancel_from(index + 1),
            Order::Completion => gate.cancel_from(0),
        }
    }
    Some(result)
}
