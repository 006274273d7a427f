//! P producer threads and C consumer threads on one crossbeam-channel (bounded(B) or
//! unbounded). The calling thread is the joiner: it waits until every message is acknowledged
//! (`queue.join()`), drops its sender so the channel disconnects once the producers have
//! dropped theirs, and joins every thread.

use std::sync::Arc;
use std::thread::JoinHandle;

use crossbeam_channel::{Receiver, Sender};
use shootout_core::queue::{
    Board, Capacity, ConsumerReport, Cost, Message, ProducerReport, Tripwire, cpu_work,
};
use shootout_core::{QueueOutcome, QueueSpec, RunError};

pub(crate) fn run(_strategy: &crate::Threads, spec: &QueueSpec) -> Result<QueueOutcome, RunError> {
    let board = Board::new(spec);
    let (tx, rx) = match spec.capacity {
        Capacity::Bounded(b) => crossbeam_channel::bounded::<Message>(b),
        Capacity::Unbounded => crossbeam_channel::unbounded(),
    };
    // Woken once: by the consumer whose acknowledgement completes the run, or by a unit that
    // died (its tripwire), so a failure never leaves the joiner waiting.
    let (wake, woken) = crossbeam_channel::unbounded::<()>();
    let total = spec.producers + spec.consumers;

    let mut refused = None;
    let mut consumers = Vec::with_capacity(spec.consumers);
    for index in 0..spec.consumers {
        let (board, rx, wake) = (Arc::clone(&board), rx.clone(), wake.clone());
        let cost = spec.cost;
        let spawned = std::thread::Builder::new()
            .name(format!("queue-consumer-{index}"))
            .spawn(move || consume(&board, &rx, cost, &wake));
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

    if refused.is_none() {
        // join(): every message processed, or some unit died and said so.
        let _ = woken.recv();
    }
    // Close: once the producers' senders are gone too, every consumer sees the disconnect.
    drop(tx);

    let producers: Result<Vec<ProducerReport>, RunError> = join_all(producers, "a queue producer");
    let consumers: Result<Vec<ConsumerReport>, RunError> = join_all(consumers, "a queue consumer");
    if let Some(err) = refused {
        return Err(err);
    }
    Ok(board.finish(producers?, consumers?))
}

/// A consumer: take, process, acknowledge, until the channel is closed and drained.
fn consume(board: &Arc<Board>, rx: &Receiver<Message>, cost: Cost, wake: &Sender<()>) -> ConsumerReport {
    let alarm = Tripwire::new(|| {
        let _ = wake.send(());
    });
    let mut tally = board.consumer();
    while let Ok(message) = rx.recv() {
        {
            let _busy = tally.busy();
            match cost {
                Cost::None => {}
                Cost::Cpu(k) => {
                    cpu_work(k, message.id);
                }
                Cost::Wait(d) => std::thread::sleep(d),
            }
        }
        if tally.processed(message) {
            let _ = wake.send(());
        }
    }
    alarm.disarm();
    tally.finish(true)
}

/// Joins every handle (all of them, even after a failure) and reports the first panic.
fn join_all<T>(handles: Vec<JoinHandle<T>>, what: &str) -> Result<Vec<T>, RunError> {
    let mut out = Vec::with_capacity(handles.len());
    let mut panicked = None;
    for handle in handles {
        match handle.join() {
            Ok(value) => out.push(value),
            Err(payload) => {
                panicked.get_or_insert_with(|| RunError::panicked(what, payload));
            }
        }
    }
    panicked.map_or(Ok(out), Err)
}
