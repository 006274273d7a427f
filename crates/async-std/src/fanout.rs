use std::sync::Arc;
use std::time::Instant;

use async_lock::Semaphore;
use async_std::task::JoinHandle;
use shootout_core::fanout::{Handed, Order, Recorder, UnitError, UnitResult};
use shootout_core::{FanOutOutcome, FanOutSpec, RunError};

/// A spawned task per unit: `async_lock::Semaphore` for a limit (async-std has none of its
/// own), `async_std::task::sleep` for the wait, `async_std::future::timeout` for the deadline
/// (the unit's future is dropped when it fires). Input order awaits the join handles in order;
/// completion order drains an async-channel that each unit sends to as it finishes.
/// Fail-fast cancels every handle not yet gathered (`JoinHandle::cancel`, which returns once
/// the task has stopped).
pub(crate) fn run(_strategy: &crate::AsyncStd, spec: &FanOutSpec) -> Result<FanOutOutcome, RunError> {
    let n = spec.units;
    let shared = Arc::new(Shared {
        spec: spec.clone(),
        recorder: Recorder::new(n),
        permits: spec.limit.map(Semaphore::new),
    });
    let (tx, rx) = async_channel::unbounded::<Handed>();
    let completion = spec.order == Order::Completion;
    let handles: Vec<JoinHandle<UnitResult>> = (0..n)
        .map(|index| async_std::task::spawn(unit(Arc::clone(&shared), index, completion.then(|| tx.clone()))))
        .collect();
    drop(tx);

    let handed = async_std::task::block_on(async {
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
                let result = handle.await;
                handed.push(Handed { index, result });
                if fail_fast && result.is_err() {
                    stopped = true;
                    break;
                }
            }
        }
        let rest: Vec<JoinHandle<UnitResult>> = handles.collect();
        if stopped {
            // `cancel` asks on its first poll and returns once the task has stopped; polling
            // them together asks every task at once.
            futures_util::future::join_all(rest.into_iter().map(JoinHandle::cancel)).await;
        } else {
            for handle in rest {
                // Its result came through the channel; awaiting means no unit outlives the call.
                let _ = handle.await;
            }
        }
        handed
    });
    Ok(shared.recorder.outcome(handed))
}

struct Shared {
    spec: FanOutSpec,
    recorder: Recorder,
    permits: Option<Semaphore>,
}

async fn unit(shared: Arc<Shared>, index: usize, tx: Option<async_channel::Sender<Handed>>) -> UnitResult {
    let Shared { spec, recorder, permits } = &*shared;
    let _permit = match permits {
        Some(permits) => Some(permits.acquire().await),
        None => None,
    };
    let _in_flight = recorder.in_flight.enter();
    let start = Instant::now();
    let wait = spec.wait_of(index);
    let body = async {
        if !wait.is_zero() {
            async_std::task::sleep(wait).await;
        }
        spec.compute(index)
    };
    let result = match spec.deadline {
        Some(t) => match async_std::future::timeout(t, body).await {
            Ok(result) => result,
            Err(_) => {
                recorder.timed_out(start + t, Instant::now());
                Err(UnitError::TimedOut { index })
            }
        },
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
