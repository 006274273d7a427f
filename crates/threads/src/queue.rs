//! P producer threads and C consumer threads on one crossbeam-channel (bounded(B) or
//! unbounded). The calling thread is the joiner: with join it first waits until every message
//! is acknowledged (`queue.join()`); then it joins the producers, drops its sender so the
//! channel disconnects, and joins the consumers once they have drained it.

use std::sync::Arc;

use shootout_core::blocking::{consume_blocking, join_threads};
use shootout_core::queue::{Board, Capacity, ConsumerReport, Message, ProducerReport};
use shootout_core::{QueueOutcome, QueueSpec, RunError};

pub(crate) fn run(_strategy: &crate::Threads, spec: &QueueSpec) -> Result<QueueOutcome, RunError> {
    let board = Board::new(spec);
    let (tx, rx) = match spec.capacity {
        Capacity::Bounded(b) => crossbeam_channel::bounded::<Message>(b),
        Capacity::Unbounded => crossbeam_channel::unbounded(),
    };
    // With join, woken once: by the consumer whose acknowledgement completes the run, or by a
    // unit that died (its tripwire), so a failure never leaves the joiner waiting.
    let (wake, woken) = crossbeam_channel::unbounded::<()>();
    let total = spec.producers + spec.consumers;

    let mut refused = None;
    let mut consumers = Vec::with_capacity(spec.consumers);
    for index in 0..spec.consumers {
        let (board, rx, wake) = (Arc::clone(&board), rx.clone(), wake.clone());
        let cost = spec.cost;
        let spawned = std::thread::Builder::new().name(format!("queue-consumer-{index}")).spawn(move || {
            let wake = || {
                let _ = wake.send(());
            };
            consume_blocking(&board, || rx.recv().ok(), cost, &wake).finish(true)
        });
        match spawned {
            Ok(handle) => consumers.push(handle),
            Err(err) => {
                refused = Some(RunError::spawn(index, total, &err));
                break;
            }
        }
    }
    // Only consumers hold receivers: if they all died, a producer's send fails instead of
    // blocking forever.
    drop(rx);
    let mut producers = Vec::with_capacity(spec.producers);
    for index in 0..spec.producers {
        if refused.is_some() {
            break;
        }
        let (spec, board, tx, wake) = (*spec, Arc::clone(&board), tx.clone(), wake.clone());
        let spawned = std::thread::Builder::new().name(format!("queue-producer-{index}")).spawn(move || {
            spec.produce_blocking(
                index,
                &board,
                move || {
                    let _ = wake.send(());
                },
                |message| tx.send(message).is_ok(),
                || tx.len(),
            )
        });
        match spawned {
            Ok(handle) => producers.push(handle),
            Err(err) => refused = Some(RunError::spawn(spec.consumers + index, total, &err)),
        }
    }
    drop(wake);

    if spec.join && refused.is_none() {
        // join(): every message processed, or some unit died and said so.
        let _ = woken.recv();
    }
    let producers: Result<Vec<ProducerReport>, RunError> = join_threads(producers, "a queue producer");
    // Close: with the producers' senders gone, every consumer sees the disconnect once the
    // channel is drained.
    drop(tx);
    let consumers: Result<Vec<ConsumerReport>, RunError> = join_threads(consumers, "a queue consumer");
    if let Some(err) = refused {
        return Err(err);
    }
    Ok(board.finish(producers?, consumers?))
}
