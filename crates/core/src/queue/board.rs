//! What a queue run's producers and consumers record while they run: the shared [`Board`]
//! (clock origin, acknowledgements behind `join()`, busy consumers, leak count), each unit's
//! tally, and the [`Tripwire`] that wakes the joiner if a unit dies. Every strategy pays for
//! exactly the same measurement: a timestamp and a queue-length read on one message in
//! `stride`, one counter update per acknowledgement.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Instant;

use super::{ConsumerReport, Cost, Message, ProducerReport, QueueOutcome, QueueSpec};
use crate::inflight::{Guard, InFlight};

/// What every producer and consumer of one run share: the clock origin, the acknowledgement
/// counter behind `join()`, and the busy-consumer counter. Every unit holds an `Arc` of it, so
/// the count of references left when the strategy finishes is the count of leaked units.
#[derive(Debug)]
pub struct Board {
    origin: Instant,
    stride: u64,
    messages: u64,
    acked: AtomicU64,
    consumers_started: AtomicUsize,
    busy: Option<InFlight>,
}

impl Board {
    pub fn new(spec: &QueueSpec) -> Arc<Board> {
        Arc::new(Board {
            origin: Instant::now(),
            stride: spec.stride(),
            messages: spec.messages as u64,
            acked: AtomicU64::new(0),
            consumers_started: AtomicUsize::new(0),
            // Counting busy consumers costs shared atomics per message: only where there is a
            // cost to overlap.
            busy: (spec.cost != Cost::None).then(InFlight::default),
        })
    }

    fn now_ns(&self) -> u64 {
        self.origin.elapsed().as_nanos() as u64 + 1
    }

    /// A producer's tally; it holds a reference to the board until it is finished.
    pub fn producer(self: &Arc<Self>) -> ProducerTally {
        ProducerTally { board: Arc::clone(self), report: ProducerReport::default(), next_timed: 0 }
    }

    /// A consumer's tally: counts the consumer as started.
    pub fn consumer(self: &Arc<Self>) -> ConsumerTally {
        self.consumers_started.fetch_add(1, Ordering::Relaxed);
        ConsumerTally { board: Arc::clone(self), report: ConsumerReport::default() }
    }

    /// Every message has been acknowledged (`queue.join()` would return).
    pub fn all_acked(&self) -> bool {
        self.acked.load(Ordering::Acquire) == self.messages
    }

    /// The outcome, once the strategy has joined every unit it started.
    pub fn finish(
        self: Arc<Self>,
        producers: Vec<ProducerReport>,
        consumers: Vec<ConsumerReport>,
    ) -> QueueOutcome {
        QueueOutcome {
            producers,
            consumers,
            consumers_started: self.consumers_started.load(Ordering::Acquire),
            units_alive: Arc::strong_count(&self) - 1,
            peak_busy: self.busy.as_ref().map(InFlight::peak),
            stride: self.stride,
        }
    }
}

pub struct ProducerTally {
    board: Arc<Board>,
    report: ProducerReport,
    /// The next id that will carry a timestamp.
    next_timed: u64,
}

impl ProducerTally {
    /// The message for `id`, timestamped if `id` is a multiple of the stride. A producer sends
    /// its ids in increasing order, so this divides once per timed message instead of once per
    /// message (a 64-bit division would cost as much as a channel hand-off's bookkeeping).
    pub fn message(&mut self, id: u64) -> Message {
        if id < self.next_timed {
            return Message { id, sent_ns: 0 };
        }
        let stride = self.board.stride;
        self.next_timed = (id / stride + 1) * stride;
        let sent_ns = if id.is_multiple_of(stride) { self.board.now_ns() } else { 0 };
        Message { id, sent_ns }
    }

    /// Counts a completed send; for a timed message, reads the queue's length through `depth`.
    pub fn sent(&mut self, message: &Message, depth: impl FnOnce() -> usize) {
        self.report.sent += 1;
        if message.sent_ns != 0 {
            self.report.peak_depth = self.report.peak_depth.max(depth());
        }
    }

    pub fn finish(self) -> ProducerReport {
        self.report
    }
}

pub struct ConsumerTally {
    board: Arc<Board>,
    report: ConsumerReport,
}

impl ConsumerTally {
    /// Marks this consumer busy for as long as the guard lives (when busy consumers are counted).
    pub fn busy(&self) -> Option<Guard<'_>> {
        self.board.busy.as_ref().map(InFlight::enter)
    }

    /// Records a processed message and acknowledges it (`task_done`). Returns true for the one
    /// acknowledgement that completes the run: that consumer wakes the joiner.
    #[must_use]
    pub fn processed(&mut self, message: Message) -> bool {
        self.report.count(message.id);
        if message.sent_ns != 0 {
            self.report.latencies_ns.push(self.board.now_ns().saturating_sub(message.sent_ns));
        }
        self.board.acked.fetch_add(1, Ordering::AcqRel) + 1 == self.board.messages
    }

    /// The report, when the consumer stops: `saw_close` says it stopped because the channel
    /// was closed.
    pub fn finish(mut self, saw_close: bool) -> ConsumerReport {
        self.report.saw_close = saw_close;
        self.report
    }
}

/// Calls its alarm when dropped unless disarmed: a producer or consumer that panics (or whose
/// task is dropped) wakes the joiner instead of leaving it waiting for acknowledgements that
/// will never come.
pub struct Tripwire<F: FnOnce()>(Option<F>);

impl<F: FnOnce()> Tripwire<F> {
    pub fn new(alarm: F) -> Self {
        Tripwire(Some(alarm))
    }

    pub fn disarm(mut self) {
        self.0 = None;
    }
}

impl<F: FnOnce()> Drop for Tripwire<F> {
    fn drop(&mut self) {
        if let Some(alarm) = self.0.take() {
            alarm();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::Capacity;
    use super::*;

    #[test]
    fn producers_time_exactly_the_multiples_of_the_stride() {
        let s = QueueSpec::new(100_000, 3, 1, Capacity::Bounded(4));
        let board = Board::new(&s);
        assert_eq!(s.stride(), 6);
        let mut timed = Vec::new();
        for p in 0..3 {
            let mut producer = board.producer();
            timed.extend(s.producer_ids(p).filter(|&id| producer.message(id).sent_ns != 0));
        }
        let want: Vec<u64> = (0..100_000).step_by(6).collect();
        assert_eq!(timed, want);
        assert_eq!(want.len() as u64, s.timed_messages());
    }
}
