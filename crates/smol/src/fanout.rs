use std::sync::Arc;
use std::time::Instant;

use shootout_core::fanout::{Handed, Order, Recorder, UnitError, UnitResult};
use shootout_core::{FanOutOutcome, FanOutSpec, RunError};
use smol::Task;
use smol::lock::Semaphore;

/// A task per unit on the executor: `async_lock::Semaphore` (smol's `lock`) for a limit,
/// `smol::Timer` for the wait, and for the deadline a race of the unit against a timer
/// (`future::or`): when the timer wins, the unit's future is dropped. Input order awaits the
/// tasks in order; completion order drains an async-channel that each unit sends to as it
/// finishes. Fail-fast cancels every task not yet gathered (`Task::cancel`, which returns once
/// the task has stopped).
pub(crate) fn run(strategy: &crate::Smol, spec: &FanOutSpec) -> Result<FanOutOutcome, RunError> {
    let n = spec.units;
    let shared = Arc::new(Shared {
        spec: spec.clone(),
        recorder: Recorder::new(n),
        permits: spec.limit.map(Semaphore::new),
    });
    let (tx, rx) = async_channel::unbounded::<Handed>();
    let completion = spec.order == Order::Completion;
    let ex = strategy.executor();
    let tasks: Vec<Task<UnitResult>> = (0..n)
        .map(|index| ex.spawn(unit(Arc::clone(&shared), index, completion.then(|| tx.clone()))))
        .collect();
    drop(tx);

    let handed = smol::block_on(async {
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
                let result = task.await;
                handed.push(Handed { index, result });
                if fail_fast && result.is_err() {
                    stopped = true;
                    break;
                }
            }
        }
        let rest: Vec<Task<UnitResult>> = tasks.collect();
        if stopped {
            // `cancel` asks on its first poll and returns once the task has stopped; polling
            // them together asks every task at once.
            futures_util::future::join_all(rest.into_iter().map(Task::cancel)).await;
        } else {
            for task in rest {
                // Its result came through the channel; awaiting means no unit outlives the call.
                let _ = task.await;
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
            smol::Timer::after(wait).await;
        }
        spec.compute(index)
    };
    let result = match spec.deadline {
        Some(t) => {
            let deadline_at = start + t;
            let deadline = async {
                smol::Timer::at(deadline_at).await;
                None
            };
            // `or` polls the unit first, so a unit that is ready at its deadline still returns.
            match smol::future::or(async { Some(body.await) }, deadline).await {
                Some(result) => result,
                None => {
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
