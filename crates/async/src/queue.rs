//! The queue workload on any async runtime: P producer tasks and C consumer tasks on one
//! async-channel (the same channel on every async runtime, so runtimes are compared, not
//! channels). The calling thread only `block_on`s the final join: with join, wait until every
//! message is acknowledged (`queue.join()`); await the producers, close the channel (every
//! consumer's `recv` then fails once the queue is empty), and await the consumers. Open loop,
//! a producer sleeps until each message is due (`Runtime::sleep_until`) before its put.

use std::sync::Arc;

use async_channel::{Receiver, Sender};
use shootout_core::queue::{
    Board, Capacity, ConsumerReport, Cost, Message, ProducerReport, QueueSpec, Tripwire, cpu_work,
};
use shootout_core::{QueueOutcome, RunError};

use crate::{Runtime, join_all};

pub fn run<R: Runtime>(rt: &R, spec: &QueueSpec) -> Result<QueueOutcome, RunError> {
    let board = Board::new(spec);
    let (tx, rx) = match spec.capacity {
        Capacity::Bounded(b) => async_channel::bounded::<Message>(b),
        Capacity::Unbounded => async_channel::unbounded(),
    };
    // With join, woken by the acknowledgement that completes the run, or by a task that died.
    let (wake, woken) = async_channel::unbounded::<()>();

    let consumers: Vec<R::Task<ConsumerReport>> = (0..spec.consumers)
        .map(|_| rt.spawn(consume::<R>(Arc::clone(&board), rx.clone(), spec.cost, wake.clone())))
        .collect();
    drop(rx);
    let producers: Vec<R::Task<ProducerReport>> = (0..spec.producers)
        .map(|index| {
            let (board, tx, wake) = (Arc::clone(&board), tx.clone(), wake.clone());
            let ids = spec.producer_ids(index);
            let pacing = spec.pacing;
            rt.spawn(async move {
                let alarm = Tripwire::new(move || {
                    let _ = wake.try_send(());
                });
                let mut tally = board.producer();
                let (paced, open_loop) = (!pacing.is_zero(), board.open_loop());
                for id in ids {
                    if paced {
                        R::sleep(pacing).await;
                    }
                    // A put that is late (this producer behind, or blocked on a full queue)
                    // still counts from its due time: verify measures from there.
                    if let Some(due) = if open_loop { board.due(id) } else { None } {
                        R::sleep_until(due).await;
                    }
                    let message = tally.message(id);
                    if tx.send(message).await.is_err() {
                        break; // the joiner closed the channel after a failure
                    }
                    tally.sent(&message, || tx.len());
                }
                alarm.disarm();
                tally.finish()
            })
        })
        .collect();
    drop(wake);

    let join = spec.join;
    let (producers, consumers) = rt.block_on(async move {
        if join {
            let _ = woken.recv().await;
        }
        let producers = join_all(producers).await;
        tx.close();
        (producers, join_all(consumers).await)
    });
    Ok(board.finish(producers?, consumers?))
}

/// A consumer task: take, process, acknowledge, until the channel is closed and drained.
async fn consume<R: Runtime>(
    board: Arc<Board>,
    rx: Receiver<Message>,
    cost: Cost,
    wake: Sender<()>,
) -> ConsumerReport {
    let alarm = Tripwire::new(|| {
        let _ = wake.try_send(());
    });
    let mut tally = board.consumer();
    while let Ok(message) = rx.recv().await {
        {
            let _busy = tally.busy();
            match cost {
                Cost::None => {}
                Cost::Cpu(k) => {
                    cpu_work(k, message.id);
                }
                Cost::Wait(d) => R::sleep(d).await,
            }
        }
        if tally.processed(message) {
            let _ = wake.try_send(());
        }
    }
    alarm.disarm();
    tally.finish(true)
}
