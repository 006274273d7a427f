//! The queue workload on may: P producer and C consumer coroutines on one `may::sync::mpmc`
//! channel, core's blocking bodies with may's sleep. may's mpmc is unbounded (its senders never
//! block), so bounded(B) is mpmc plus a `Semphore(B)`: a producer takes a permit before each
//! send, a consumer returns it after each receive, so at most B messages are between the two.
//! The calling thread is the joiner: with join it first waits until every message is
//! acknowledged; then it joins the producers, drops its sender so the channel disconnects, and
//! joins the consumers once they have drained it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use may::sync::{Semphore, mpmc};
use shootout_core::blocking::consume_with;
use shootout_core::queue::{Board, Capacity, ConsumerReport, Message, ProducerReport};
use shootout_core::{QueueOutcome, QueueSpec, RunError};

pub(crate) fn run(_strategy: &crate::May, spec: &QueueSpec) -> Result<QueueOutcome, RunError> {
    let board = Board::new(spec);
    let (tx, rx) = mpmc::channel::<Message>();
    let line = Arc::new(Line {
        permits: match spec.capacity {
            Capacity::Bounded(b) => Some(Semphore::new(b)),
            Capacity::Unbounded => None,
        },
        queued: AtomicUsize::new(0),
        consumers_left: AtomicUsize::new(spec.consumers),
        closed: AtomicBool::new(false),
        producers: spec.producers,
    });
    // With join, woken once: by the consumer whose acknowledgement completes the run, or by a
    // unit that died (its tripwire), so a failure never leaves the joiner waiting.
    let (wake, woken) = crossbeam_channel::unbounded::<()>();
    let total = spec.producers + spec.consumers;

    let mut refusal = None;
    let mut consumers = Vec::with_capacity(spec.consumers);
    for index in 0..spec.consumers {
        let (board, rx, wake, line) = (Arc::clone(&board), rx.clone(), wake.clone(), Arc::clone(&line));
        let cost = spec.cost;
        let spawned = crate::spawn(None, move || {
            let _leaving = Leaving(Arc::clone(&line));
            let wake = || {
                let _ = wake.send(());
            };
            consume_with(&board, || line.take(&rx), cost, &wake, may::coroutine::sleep).finish(true)
        });
        match spawned {
            Ok(handle) => consumers.push(handle),
            Err(err) => {
                refusal = Some(crate::refused(index, total, &err));
                break;
            }
        }
    }
    // Only consumers hold receivers: if they all died, a producer's send fails instead of
    // sending into a channel nobody reads.
    drop(rx);
    let mut producers = Vec::with_capacity(spec.producers);
    for index in 0..spec.producers {
        if refusal.is_some() {
            break;
        }
        let (spec, board, tx, wake, line) =
            (*spec, Arc::clone(&board), tx.clone(), wake.clone(), Arc::clone(&line));
        let spawned = crate::spawn(None, move || {
            spec.produce_with(
                index,
                &board,
                move || {
                    let _ = wake.send(());
                },
                |message| line.put(&tx, message),
                || line.queued.load(Ordering::Relaxed),
                may::coroutine::sleep,
            )
        });
        match spawned {
            Ok(handle) => producers.push(handle),
            Err(err) => refusal = Some(crate::refused(spec.consumers + index, total, &err)),
        }
    }
    drop(wake);

    if spec.join && refusal.is_none() {
        // join(): every message processed, or some unit died and said so.
        let _ = woken.recv();
    }
    let producers: Result<Vec<ProducerReport>, RunError> = crate::join_all(producers, "a queue producer");
    // Close: with the producers' senders gone, every consumer sees the disconnect once the
    // channel is drained.
    drop(tx);
    let consumers: Result<Vec<ConsumerReport>, RunError> = crate::join_all(consumers, "a queue consumer");
    if let Some(err) = refusal {
        return Err(err);
    }
    Ok(board.finish(producers?, consumers?))
}

/// The channel's bound and bookkeeping, shared by every producer and consumer.
struct Line {
    /// bounded(B): B permits, one held by each message between its send and its receive.
    permits: Option<Semphore>,
    /// Messages sent (or being sent) and not yet received: the depth a producer reports.
    queued: AtomicUsize,
    consumers_left: AtomicUsize,
    /// Set when the last consumer has left: a producer waiting for a permit stops.
    closed: AtomicBool,
    producers: usize,
}

impl Line {
    /// One put: a permit first when bounded; false once no consumer is left.
    fn put(&self, tx: &mpmc::Sender<Message>, message: Message) -> bool {
        if let Some(permits) = &self.permits {
            permits.wait();
        }
        if self.closed.load(Ordering::Acquire) {
            return false;
        }
        self.queued.fetch_add(1, Ordering::Relaxed);
        if tx.send(message).is_err() {
            self.queued.fetch_sub(1, Ordering::Relaxed);
            return false;
        }
        true
    }

    /// One take; `None` once the channel is closed and drained.
    fn take(&self, rx: &mpmc::Receiver<Message>) -> Option<Message> {
        let message = rx.recv().ok()?;
        self.queued.fetch_sub(1, Ordering::Relaxed);
        if let Some(permits) = &self.permits {
            permits.post();
        }
        Some(message)
    }
}

/// Dropped when a consumer leaves, normally or by a panic. The last one closes the line and
/// wakes every producer that may be waiting for a permit, so none waits forever.
struct Leaving(Arc<Line>);

impl Drop for Leaving {
    fn drop(&mut self) {
        let line = &self.0;
        if line.consumers_left.fetch_sub(1, Ordering::AcqRel) == 1 {
            line.closed.store(true, Ordering::Release);
            if let Some(permits) = &line.permits {
                for _ in 0..line.producers {
                    permits.post();
                }
            }
        }
    }
}
