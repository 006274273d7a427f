//! Consumers are rayon's own idiom for a channel: `receiver.into_iter().par_bridge()` on the
//! pool, so the pool's W threads take messages from the channel, whatever C is (rayon decides
//! how many threads consume; each `fold` split is one consumer in the report).
//!
//! Producers are P plain threads outside the pool. Inside the pool they could deadlock it:
//! `par_bridge` calls the blocking `recv` while holding its iterator lock, and a pool thread
//! blocked there (or on that lock) runs nothing else. Once the consumers hold all W threads on
//! an empty queue, producers queued as pool jobs never run; and producers blocked on a full
//! bounded queue hold threads the consumers need. Outside the pool a producer always has its
//! own thread, so no P, C, B combination can stall (the no-deadlock test runs P + C > W with
//! B = 1, and fails under a watchdog when the producers are moved into the pool).
//!
//! The calling thread is the joiner: inside `in_place_scope` it waits until every message is
//! acknowledged, drops its sender (the channel disconnects once the producers are done, and
//! the bridge ends), and the scope joins the consumers; then it joins the producers.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;

use crossbeam_channel::Sender;
use rayon::prelude::*;
use shootout_core::blocking::{join_threads, process_blocking};
use shootout_core::queue::{
    Board, Capacity, ConsumerReport, ConsumerTally, Message, ProducerReport, Tripwire,
};
use shootout_core::{QueueOutcome, QueueSpec, RunError};

pub(crate) fn run(strategy: &crate::Rayon, spec: &QueueSpec) -> Result<QueueOutcome, RunError> {
    let board = Board::new(spec);
    let (tx, rx) = match spec.capacity {
        Capacity::Bounded(b) => crossbeam_channel::bounded::<Message>(b),
        Capacity::Unbounded => crossbeam_channel::unbounded(),
    };
    // Woken by the acknowledgement that completes the run, or by a unit that died.
    let (wake, woken) = crossbeam_channel::unbounded::<()>();

    let mut producers = Vec::with_capacity(spec.producers);
    let mut refused = None;
    for index in 0..spec.producers {
        match spawn_producer(spec, index, &board, &tx, &wake) {
            Ok(handle) => producers.push(handle),
            Err(err) => {
                refused = Some(RunError::spawn(index, spec.producers, &err));
                break;
            }
        }
    }
    if let Some(err) = refused {
        // No consumer will run: dropping the receiver makes the started producers' sends fail.
        drop((rx, tx));
        let _ = join_threads(producers, "a queue producer");
        return Err(err);
    }

    let closed = AtomicBool::new(false);
    let bridge = std::sync::Mutex::new(Vec::new());
    let cost = spec.cost;
    let scoped = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        strategy.pool().in_place_scope(|scope| {
            let (board, wake, closed, bridge) = (&board, &wake, &closed, &bridge);
            // The receiver moves into the job: when the consumers end, so does every receiver.
            scope.spawn(move |_| {
                let alarm = Tripwire::new(|| {
                    let _ = wake.send(());
                });
                let messages = std::iter::from_fn(|| match rx.recv() {
                    Ok(message) => Some(message),
                    Err(_) => {
                        closed.store(true, Ordering::Release);
                        None
                    }
                });
                let tallies: Vec<ConsumerTally> = messages
                    .par_bridge()
                    .fold(
                        || board.consumer(),
                        |mut tally, message| {
                            process_blocking(&mut tally, message, cost, &|| {
                                let _ = wake.send(());
                            });
                            tally
                        },
                    )
                    .collect();
                alarm.disarm();
                // The bridge ends only when the iterator does, and that is only on disconnect.
                let saw_close = closed.load(Ordering::Acquire);
                let reports = tallies.into_iter().map(|t| t.finish(saw_close)).collect();
                *bridge.lock().unwrap_or_else(|e| e.into_inner()) = reports;
            });
            // join() runs here, on the calling thread, never on a pool thread.
            let _ = woken.recv();
            drop(tx);
        })
    }));
    let producers = join_threads(producers, "a queue producer");
    if let Err(payload) = scoped {
        return Err(RunError::panicked("a rayon queue consumer", payload));
    }
    let consumers: Vec<ConsumerReport> = bridge.into_inner().unwrap_or_else(|e| e.into_inner());
    Ok(board.finish(producers?, consumers))
}

fn spawn_producer(
    spec: &QueueSpec,
    index: usize,
    board: &Arc<Board>,
    tx: &Sender<Message>,
    wake: &Sender<()>,
) -> std::io::Result<JoinHandle<ProducerReport>> {
    let (spec, board, tx, wake) = (*spec, Arc::clone(board), tx.clone(), wake.clone());
    std::thread::Builder::new().name(format!("queue-producer-{index}")).spawn(move || {
        spec.produce_blocking(
            index,
            &board,
            move || {
                let _ = wake.send(());
            },
            |message| tx.send(message).is_ok(),
            || tx.len(),
        )
    })
}
