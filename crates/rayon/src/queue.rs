//! C consumers as jobs on the pool (`scope.spawn`), each taking messages from the channel until
//! it closes: at most min(C, W) run at once, never more than C — the same C as every other
//! strategy, with rayon's own limit of W threads (fairness rule 10; `par_bridge` would consume
//! on all W threads whatever C is).
//!
//! Producers are P plain threads outside the pool. Inside the pool they could deadlock it: a
//! consumer job blocks its pool thread in `recv`, so once consumers hold all W threads on an
//! empty queue, producers queued as pool jobs never run; and producers blocked on a full
//! bounded queue hold threads the consumers need. Outside the pool a producer always has its
//! own thread, so no P, C, B combination can stall (the no-deadlock test runs P + C > W with
//! B = 1, and fails under a watchdog when the producers are moved into the pool).
//!
//! The calling thread is the joiner: inside `in_place_scope` it waits, with join, until every
//! message is acknowledged; it joins the producers, drops its sender (the channel
//! disconnects), and the scope joins the consumers once they have drained it.

use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use crossbeam_channel::Sender;
use shootout_core::blocking::{consume_blocking, join_threads};
use shootout_core::queue::{Board, Capacity, ConsumerReport, Message, ProducerReport};
use shootout_core::{QueueOutcome, QueueSpec, RunError};

pub(crate) fn run(strategy: &crate::Rayon, spec: &QueueSpec) -> Result<QueueOutcome, RunError> {
    let board = Board::new(spec);
    let (tx, rx) = match spec.capacity {
        Capacity::Bounded(b) => crossbeam_channel::bounded::<Message>(b),
        Capacity::Unbounded => crossbeam_channel::unbounded(),
    };
    // With join, woken by the acknowledgement that completes the run, or by a unit that died.
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

    let reports = Mutex::new(Vec::with_capacity(spec.consumers));
    let cost = spec.cost;
    let scoped = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        strategy.pool().in_place_scope(|scope| {
            for _ in 0..spec.consumers {
                let (board, rx, wake, reports) = (&board, rx.clone(), wake.clone(), &reports);
                scope.spawn(move |_| {
                    let wake = || {
                        let _ = wake.send(());
                    };
                    let report = consume_blocking(board, || rx.recv().ok(), cost, &wake).finish(true);
                    reports.lock().unwrap_or_else(|e| e.into_inner()).push(report);
                });
            }
            // Only consumers hold receivers: if they all died, a producer's send fails.
            drop(rx);
            // join() and the producers' join run here, on the calling thread, never on a pool
            // thread.
            if spec.join {
                let _ = woken.recv();
            }
            let producers = join_threads(producers, "a queue producer");
            drop(tx);
            producers
        })
    }));
    let producers = match scoped {
        Ok(producers) => producers,
        Err(payload) => return Err(RunError::panicked("a rayon queue consumer", payload)),
    };
    let consumers: Vec<ConsumerReport> = reports.into_inner().unwrap_or_else(|e| e.into_inner());
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
