//! What a queue run's producers and consumers record while they run: the shared, read-only
//! [`Board`] (clock origin, stride, leak count; the acknowledgement count behind `join()` only
//! in the "with join" variant), each unit's own tally (counts, fingerprint, latency samples,
//! busy spans), and the [`Tripwire`] that wakes the joiner if a unit dies. Nothing shared is
//! written per message except the "with join" acknowledgement, whose cost is that variant's
//! point. Every strategy pays for exactly the same measurement: on one message in `stride`, a
//! timestamp in the producer's tally, a queue-length read, and a timestamp in the consumer's
//! (matched by id in `verify`); two timestamps per message when the cost is not none. Open
//! loop, the producer's stamp is the message's due time (computed, not read), and each
//! producer tallies its own late starts.

use std::ops::Range;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use super::{ConsumerReport, Cost, Message, ProducerReport, QueueOutcome, QueueSpec};
use crate::http::rate::{Schedule, Starts};

/// What every producer and consumer of one run share: the clock origin and, with join, the
/// acknowledgement count behind `join()`. Every unit holds an `Arc` of it, so the count of
/// references left when the strategy finishes is the count of leaked units.
#[derive(Debug)]
pub struct Board {
    origin: Instant,
    stride: u64,
    messages: u64,
    join: bool,
    acked: AtomicU64,
    /// Written once per consumer, not per message.
    consumers_started: AtomicUsize,
    track_busy: bool,
    /// Open loop: when each message is due, from `origin`.
    schedule: Option<Schedule>,
    hash_ids: bool,
}

impl Board {
    pub fn new(spec: &QueueSpec) -> Arc<Board> {
        // Computed before the origin, so message 0 is not late by the schedule's own making.
        let schedule = spec.rate.map(|r| r.schedule(spec.messages));
        Arc::new(Board {
            schedule,
            origin: Instant::now(),
            stride: spec.stride(),
            messages: spec.messages as u64,
            join: spec.join,
            acked: AtomicU64::new(0),
            consumers_started: AtomicUsize::new(0),
            // Busy spans cost two clock reads per message: only where there is a cost to overlap.
            track_busy: spec.cost != Cost::None,
            hash_ids: spec.hash_ids,
        })
    }

    fn now_ns(&self) -> u64 {
        self.origin.elapsed().as_nanos() as u64 + 1
    }

    /// A producer's tally; it holds a reference to the board until it is finished.
    pub fn producer(self: &Arc<Self>) -> ProducerTally {
        let report = ProducerReport {
            starts: self.schedule.as_ref().map(|_| Starts::default()),
            ..Default::default()
        };
        ProducerTally { board: Arc::clone(self), timed_mask: self.stride - 1, report }
    }

    /// Whether messages have due times (an open-loop run): a producer reads this once, before
    /// its loop, rather than asking [`due`](Self::due) for every message.
    pub fn open_loop(&self) -> bool {
        self.schedule.is_some()
    }

    /// Open loop: the instant message `id` is due (`None` in a closed-loop run). A producer
    /// waits for it before the put; a put that starts later is late, and its latency still
    /// counts from here.
    #[inline]
    pub fn due(&self, id: u64) -> Option<Instant> {
        let schedule = self.schedule.as_ref()?;
        Some(self.origin + Duration::from_nanos(schedule.due_ns(id as usize)))
    }

    /// Blocks the calling thread until message `id` is due (at once in a closed-loop run).
    #[inline]
    pub fn wait_due(&self, id: u64) {
        self.wait_due_with(id, std::thread::sleep)
    }

    /// [`wait_due`](Self::wait_due) with the wait given (a coroutine runtime's own sleep).
    #[inline]
    pub fn wait_due_with(&self, id: u64, sleep: fn(Duration)) {
        if let Some(due) = self.due(id) {
            let now = Instant::now();
            if due > now {
                sleep(due - now);
            }
        }
    }

    /// A consumer's tally: counts the consumer as started.
    pub fn consumer(self: &Arc<Self>) -> ConsumerTally {
        self.consumers_started.fetch_add(1, Ordering::Relaxed);
        ConsumerTally {
            board: Arc::clone(self),
            timed_mask: self.stride - 1,
            join: self.join,
            track_busy: self.track_busy,
            hash_ids: self.hash_ids,
            report: ConsumerReport::default(),
        }
    }

    /// With join: the run ends when every message is acknowledged (`queue.join()`), not when
    /// the producers are done.
    pub fn joins(&self) -> bool {
        self.join
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
            acked: self.join.then(|| self.acked.load(Ordering::Acquire)),
            stride: self.stride,
            ids_hashed: self.hash_ids,
        }
    }
}

/// A tally keeps its own copies of the board's constants: the board holds atomics, so the
/// compiler cannot assume its fields unchanged and would reload each one through the `Arc` on
/// every message.
pub struct ProducerTally {
    board: Arc<Board>,
    timed_mask: u64,
    report: ProducerReport,
}

impl ProducerTally {
    /// The message for `id`; if `id` is a multiple of the stride, this producer notes when
    /// it is about to send it. Open loop (called once the message is due), it notes the
    /// message's due time instead, and tallies how late this put starts.
    #[inline]
    pub fn message(&mut self, id: u64) -> Message {
        let timed = id & self.timed_mask == 0;
        // One branch on the tally's own field: the closed-loop path stays as it was.
        if let Some(starts) = &mut self.report.starts {
            // `starts` exists only with a schedule (see `Board::producer`).
            let due = self.board.schedule.as_ref().map_or(0, |s| s.due_ns(id as usize)) + 1;
            starts.record(self.board.now_ns(), due, timed);
            if timed {
                self.report.sent_at.push((id, due));
            }
        } else if timed {
            self.report.sent_at.push((id, self.board.now_ns()));
        }
        Message { id }
    }

    /// Counts a completed send; for a timed message, reads the queue's length through `depth`.
    #[inline]
    pub fn sent(&mut self, message: &Message, depth: impl FnOnce() -> usize) {
        self.report.sent += 1;
        if message.id & self.timed_mask == 0 {
            self.report.peak_depth = self.report.peak_depth.max(depth());
        }
    }

    /// Closed loop and unpaced (the throughput case): sends every id of `ids` in order, as
    /// [`message`](Self::message) and [`sent`](Self::sent) around each send would, stopping at
    /// the first failed send. The ids between two timed ones go out in a loop that does
    /// nothing else, as a minimal producer's does: the per-message checks and counter of the
    /// general loop cost ~1.7 ns a message on this machine, a quarter of an uncontended
    /// crossbeam send (METHODOLOGY, "Fidelity").
    #[inline]
    pub fn send_all(
        &mut self,
        ids: Range<u64>,
        mut send: impl FnMut(Message) -> bool,
        depth: impl Fn() -> usize,
    ) {
        debug_assert!(self.report.starts.is_none(), "open loop needs the general loop");
        let mut id = ids.start;
        while id < ids.end {
            // The next timed id (a multiple of the stride) at or after `id`, or the end.
            let timed = id.next_multiple_of(self.timed_mask + 1).min(ids.end);
            for plain in id..timed {
                if !send(Message { id: plain }) {
                    self.report.sent += plain - id;
                    return;
                }
            }
            self.report.sent += timed - id;
            if timed == ids.end {
                return;
            }
            let message = self.message(timed);
            if !send(message) {
                return;
            }
            self.sent(&message, &depth);
            id = timed + 1;
        }
    }

    pub fn finish(self) -> ProducerReport {
        self.report
    }
}

pub struct ConsumerTally {
    board: Arc<Board>,
    timed_mask: u64,
    join: bool,
    track_busy: bool,
    hash_ids: bool,
    report: ConsumerReport,
}

impl ConsumerTally {
    /// Marks this consumer busy for as long as the guard lives (when busy spans are recorded):
    /// the span goes into this consumer's own report.
    #[inline]
    pub fn busy(&mut self) -> Option<Busy<'_>> {
        if !self.track_busy {
            return None;
        }
        let start = self.board.now_ns();
        Some(Busy { tally: self, start })
    }

    /// Records a processed message and, with join, acknowledges it (`task_done`). Returns true
    /// for the one acknowledgement that completes the run: that consumer wakes the joiner.
    #[must_use]
    #[inline]
    pub fn processed(&mut self, message: Message) -> bool {
        self.report.count(message.id, self.hash_ids);
        if message.id & self.timed_mask == 0 {
            self.report.received_at.push((message.id, self.board.now_ns()));
        }
        self.join && self.board.acked.fetch_add(1, Ordering::AcqRel) + 1 == self.board.messages
    }

    /// No cost and no join (the throughput case): takes messages from `recv` until it returns
    /// `None` and records each as [`processed`](Self::processed) would, with the counters in
    /// locals rather than in the tally, so they stay in registers across `recv` (the tally's
    /// address reaches the timestamp log's push, which pins its fields to memory: a store and
    /// a reload a message). Without `hash_ids` the loop has no hash in it at all, not a branch
    /// around one.
    #[inline]
    pub fn drain(&mut self, recv: impl FnMut() -> Option<Message>) {
        debug_assert!(!self.join && !self.track_busy, "join and busy spans need `processed`");
        if self.hash_ids { self.drain_loop::<true>(recv) } else { self.drain_loop::<false>(recv) }
    }

    #[inline]
    fn drain_loop<const HASH: bool>(&mut self, mut recv: impl FnMut() -> Option<Message>) {
        let (mut processed, mut id_sum, mut id_hash) = (0u64, 0u64, 0u64);
        let timed_mask = self.timed_mask;
        while let Some(message) = recv() {
            processed += 1;
            id_sum = id_sum.wrapping_add(message.id);
            if HASH {
                id_hash = id_hash.wrapping_add(super::id_hash(message.id));
            }
            if message.id & timed_mask == 0 {
                self.report.received_at.push((message.id, self.board.now_ns()));
            }
        }
        let report = &mut self.report;
        report.processed += processed;
        report.id_sum = report.id_sum.wrapping_add(id_sum);
        report.id_hash = report.id_hash.wrapping_add(id_hash);
    }

    /// Whether [`drain`](Self::drain) may stand for the general loop: no cost, no join.
    pub fn drains(&self) -> bool {
        !self.join && !self.track_busy
    }

    /// The report, when the consumer stops: `saw_close` says it stopped because the channel
    /// was closed.
    pub fn finish(mut self, saw_close: bool) -> ConsumerReport {
        self.report.saw_close = saw_close;
        self.report
    }
}

/// A consumer busy with one message; records the span when dropped.
pub struct Busy<'a> {
    tally: &'a mut ConsumerTally,
    start: u64,
}

impl Drop for Busy<'_> {
    fn drop(&mut self) {
        let end = self.tally.board.now_ns();
        self.tally.report.busy_ns.push((self.start, end));
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
        assert_eq!(s.stride(), 32);
        let mut timed = Vec::new();
        for p in 0..3 {
            let mut producer = board.producer();
            for id in s.producer_ids(p) {
                producer.message(id);
            }
            timed.extend(producer.finish().sent_at.iter().map(|&(id, _)| id));
        }
        let want: Vec<u64> = (0..100_000).step_by(32).collect();
        assert_eq!(timed, want);
        assert_eq!(want.len() as u64, s.timed_messages());
    }

    /// The closed-loop fast path sends what the general loop sends, in order, stamps the same
    /// ids, and counts only the sends that completed when one fails.
    #[test]
    fn send_all_is_the_general_loop_without_its_per_message_checks() {
        let s = QueueSpec::new(100_000, 3, 1, Capacity::Bounded(4));
        let board = Board::new(&s);
        for p in 0..3 {
            let (mut fast, mut general) = (board.producer(), board.producer());
            let mut sent = Vec::new();
            fast.send_all(
                s.producer_block(p),
                |m| {
                    sent.push(m.id);
                    true
                },
                || 7,
            );
            for id in s.producer_ids(p) {
                let message = general.message(id);
                general.sent(&message, || 7);
            }
            let (fast, general) = (fast.finish(), general.finish());
            assert_eq!(sent, s.producer_ids(p).collect::<Vec<_>>());
            assert_eq!(fast.sent, general.sent);
            assert_eq!(fast.peak_depth, 7);
            let ids = |r: &ProducerReport| r.sent_at.iter().map(|&(id, _)| id).collect::<Vec<_>>();
            assert_eq!(ids(&fast), ids(&general));
        }
        // The consumers are gone at the 40th send (a timed id, then a plain one): 39 sent.
        for stop in [32, 40] {
            let mut producer = board.producer();
            let mut calls = 0;
            producer.send_all(
                0..1_000,
                |_| {
                    calls += 1;
                    calls <= stop
                },
                || 1,
            );
            assert_eq!(producer.finish().sent, stop as u64, "stopped at send {}", stop + 1);
        }
    }

    /// A draining consumer records what one calling `processed` per message records: the whole
    /// fingerprint for the verify pass, and no hash at all in a timed run.
    #[test]
    fn drain_records_what_processed_records() {
        let s = QueueSpec::new(10_000, 1, 2, Capacity::Unbounded);
        let (count, sum, hash) = s.expected_fingerprint();
        for (spec, want_hash) in [(s, hash), (s.timed(), 0)] {
            let board = Board::new(&spec);
            let (mut fast, mut general) = (board.consumer(), board.consumer());
            assert!(fast.drains());
            let mut ids = (0..10_000u64).rev().map(|id| Message { id });
            fast.drain(|| ids.next());
            for id in (0..10_000u64).rev() {
                assert!(!general.processed(Message { id }));
            }
            let (fast, general) = (fast.finish(true), general.finish(true));
            assert_eq!((fast.processed, fast.id_sum, fast.id_hash), (count, sum, want_hash));
            assert_eq!((general.processed, general.id_sum, general.id_hash), (count, sum, want_hash));
            let stamped = |r: &ConsumerReport| r.received_at.iter().map(|&(id, _)| id).collect::<Vec<_>>();
            assert_eq!(stamped(&fast), stamped(&general));
            assert_eq!(stamped(&fast).len() as u64, s.timed_messages());
        }
        // With join or a cost, the general loop is the one that records them.
        assert!(!Board::new(&QueueSpec { join: true, ..s }).consumer().drains());
        assert!(!Board::new(&QueueSpec { cost: Cost::Cpu(10), ..s }).consumer().drains());
    }
}
