use std::sync::Arc;
use std::time::Instant;

use shootout_core::fanout::{Handed, Order, Recorder, UnitError, UnitResult, join_failed};
use shootout_core::{FanOutOutcome, FanOutSpec, RunError};
use tokio::sync::Semaphore;
use tokio::task::JoinHandle;

/// A spawned task per unit: `tokio::sync::Semaphore` for a limit, `tokio::time::sleep` for the
/// wait, `tokio::time::timeout_at` for the deadline (the unit's future is dropped when it
/// fires). Input order awaits the join handles in order; completion order drains an
/// async-channel that each unit sends to as it finishes. Fail-fast aborts every handle not yet
/// gathered and awaits them, so no unit outlives the call.
pub(crate) fn run(strategy: &crate::Tokio, spec: &FanOutSpec) -> Result<FanOutOutcome, RunError> {
    let n = spec.units;
    let shared = Arc::new(Shared {
        spec: spec.clone(),
        recorder: Recorder::new(n),
        permits: spec.limit.map(Semaphore::new),
    });
    let (tx, rx) = async_channel::unbounded::<Handed>();
    let completion = spec.order == Order::Completion;
    let rt = strategy.runtime();
    let handles: Vec<JoinHandle<UnitResult>> = (0..n)
        .map(|index| rt.spawn(unit(Arc::clone(&shared), index, completion.then(|| tx.clone()))))
        .collect();
    drop(tx);

    let handed = rt.block_on(async {
        let fail_fast = spec.fail_fast();
        let mut handles = handles.into_iter();
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
            for (index, handle) in handles.by_ref().enumerate() {
                let result = handle.await.map_err(|e| join_failed("tokio", e))?;
                handed.push(Handed { index, result });
                if fail_fast && result.is_err() {
                    stopped = true;
                    break;
                }
            }
        }
        let rest: Vec<JoinHandle<UnitResult>> = handles.collect();
        if stopped {
            rest.iter().for_each(JoinHandle::abort);
        }
        for handle in rest {
            match handle.await {
                // A result that came through the channel (or after the stop): only its end matters.
                Ok(_) => {}
                Err(e) if e.is_cancelled() => {}
                Err(e) => return Err(join_failed("tokio", e)),
            }
        }
        Ok(handed)
    })?;
    Ok(shared.recorder.outcome(handed))
}

struct Shared {
    spec: FanOutSpec,
    recorder: Recorder,
    permits: Option<Semaphore>,
}

async fn unit(shared: Arc<Shared>, index: usize, tx: Option<async_channel::Sender<Handed>>) -> UnitResult {
    let Shared { spec, recorder, permits } = &*shared;
    // The semaphore is never closed, so acquire only fails if it were; then no permit is held
    // and verify's peak-in-flight check would say so.
    let _permit = match permits {
        Some(permits) => permits.acquire().await.ok(),
        None => None,
    };
    let _in_flight = recorder.in_flight.enter();
    let start = Instant::now();
    let wait = spec.wait_of(index);
    let body = async {
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
        spec.compute(index)
    };
    let result = match spec.deadline {
        Some(t) => {
            let deadline_at = start + t;
            match tokio::time::timeout_at(deadline_at.into(), body).await {
                Ok(result) => result,
                Err(_) => {
                    recorder.timed_out(deadline_at, Instant::now());
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
    result
}
