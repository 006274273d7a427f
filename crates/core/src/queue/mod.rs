//! The queue workload: P producers put M message ids into a channel of capacity B, C consumers
//! take them, process each (no cost, CPU work or a wait) and acknowledge it — Python's
//! `Queue.put` / `get` / `task_done`. The run waits until every message is acknowledged
//! (`queue.join()`), then closes the channel so every consumer stops (the tutorial's cancel),
//! and joins every producer and consumer.
//!
//! Strategies share the bookkeeping in this module ([`Board`], [`ProducerTally`],
//! [`ConsumerTally`]) so that every strategy pays for exactly the same measurement: a
//! timestamp and a queue-length read on one message in `stride`, one counter update per
//! acknowledgement.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::case::{Case, Preset};
use crate::error::check_range;
use crate::inflight::{Guard, InFlight};
use crate::spec::{Context, Latency, Summary, Throughput, Workload, WorkloadSpec};
use crate::strategy::{Overlap, WaitKind};
use crate::{RunError, SpecError, Strategy, Target, format_duration, parse_duration};

/// 50 million messages: ten times the full preset. A sequential or unbounded run may hold all
/// of them at once (16 bytes each, 800 MB); past that the input is a typo.
pub const MAX_MESSAGES: usize = 50_000_000;
/// Threads spawn one OS thread per producer and per consumer.
pub const MAX_PRODUCERS: usize = 10_000;
pub const MAX_CONSUMERS: usize = 10_000;
/// crossbeam-channel allocates a bounded channel's slots up front (16 bytes each).
pub const MAX_CAPACITY: usize = 10_000_000;
/// CPU cost per message: a billion messages' worth of work is not a queue benchmark.
pub const MAX_CPU_ITERATIONS: u32 = 10_000_000;
/// A consumer wait or producer pacing longer than a second per message is a typo.
pub const MAX_WAIT: Duration = Duration::from_secs(1);
/// About how many messages carry a timestamp: enough for a stable p99, few enough that
/// reading the clock stays out of the throughput numbers.
pub const LATENCY_SAMPLES: u64 = 16_384;

/// The channel's capacity B.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Capacity {
    /// At most B messages wait; a producer blocks (or awaits) on a full queue.
    Bounded(usize),
    /// Producers never wait; the queue grows as far as producers run ahead.
    Unbounded,
}

impl Capacity {
    /// `1`, `1024`, `unbounded`.
    pub fn parse(text: &str) -> Result<Capacity, SpecError> {
        let t = text.trim();
        if t.eq_ignore_ascii_case("unbounded") {
            return Ok(Capacity::Unbounded);
        }
        t.replace('_', "").parse::<usize>().map(Capacity::Bounded).map_err(|_| {
            SpecError::new(format!(
                "invalid --capacity {text:?}: expected a number of messages (at least 1) or \"unbounded\""
            ))
        })
    }

    pub fn name(self) -> String {
        match self {
            Capacity::Bounded(b) => b.to_string(),
            Capacity::Unbounded => "unbounded".to_string(),
        }
    }

    /// The most messages that can wait in the queue for a run of `messages`.
    pub fn limit(self, messages: usize) -> usize {
        match self {
            Capacity::Bounded(b) => b.min(messages),
            Capacity::Unbounded => messages,
        }
    }
}

/// What a consumer does with each message before acknowledging it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Cost {
    /// Nothing: the channel and the scheduler are all that is measured.
    None,
    /// `k` iterations of [`cpu_work`] on the consumer's thread.
    Cpu(u32),
    /// The tutorial's `await asyncio.sleep(d)`: the strategy's native wait (a runtime timer on
    /// async strategies, `thread::sleep` on blocking ones).
    Wait(#[serde(with = "crate::duration::serde_text")] Duration),
}

impl Cost {
    /// `none`, `cpu:2000` (iterations), `wait:1ms`; `=` works in place of `:`.
    pub fn parse(text: &str) -> Result<Cost, SpecError> {
        let t = text.trim();
        let bad = || {
            SpecError::new(format!(
                "invalid --cost {text:?}: expected none, cpu:ITERATIONS (e.g. cpu:2000) or wait:DURATION (e.g. wait:1ms)"
            ))
        };
        if t == "none" {
            return Ok(Cost::None);
        }
        let (kind, value) = t.split_once([':', '=']).ok_or_else(bad)?;
        match kind.trim() {
            "cpu" => value.trim().replace('_', "").parse::<u32>().map(Cost::Cpu).map_err(|_| bad()),
            "wait" => parse_duration(value).map(Cost::Wait),
            _ => Err(bad()),
        }
    }

    pub fn name(self) -> String {
        match self {
            Cost::None => "none".to_string(),
            Cost::Cpu(k) => format!("cpu:{k}"),
            Cost::Wait(d) => format!("wait:{}", format_duration(d)),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueSpec {
    /// M: how many messages, ids `0..M`, split into contiguous blocks among the producers.
    pub messages: usize,
    /// P.
    pub producers: usize,
    /// C.
    pub consumers: usize,
    /// B.
    pub capacity: Capacity,
    pub cost: Cost,
    /// A wait before every put (the tutorial's producer sleeps between items); zero for none.
    #[serde(with = "crate::duration::serde_text")]
    pub pacing: Duration,
}

/// One message on the channel: its id and, for one id in `stride`, when the producer sent it
/// (nanoseconds since the run began, plus one, so that 0 means "not timed").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Message {
    pub id: u64,
    pub sent_ns: u64,
}

/// What one producer reports when it is joined.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProducerReport {
    /// Messages this producer's sends completed.
    pub sent: u64,
    /// The longest queue it saw right after its timed sends.
    pub peak_depth: usize,
}

/// What one consumer reports when it is joined: an order-independent record of the ids it
/// processed (count, sum, sum of [`id_hash`]) and the latencies of its timed messages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConsumerReport {
    pub processed: u64,
    pub id_sum: u64,
    pub id_hash: u64,
    /// Enqueue → processed, in nanoseconds, for the timed messages it processed.
    pub latencies_ns: Vec<u64>,
    /// It stopped because it found the channel closed (not abandoned, not still running).
    pub saw_close: bool,
}

impl ConsumerReport {
    /// Adds one processed id to the record.
    pub fn count(&mut self, id: u64) {
        self.processed += 1;
        self.id_sum = self.id_sum.wrapping_add(id);
        self.id_hash = self.id_hash.wrapping_add(id_hash(id));
    }
}

/// What a strategy reports after it has joined every producer and consumer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueOutcome {
    pub producers: Vec<ProducerReport>,
    /// One report per consumer that was joined.
    pub consumers: Vec<ConsumerReport>,
    /// How many consumers began running; more than were joined means one was left behind.
    pub consumers_started: usize,
    /// Producers and consumers still holding the run's [`Board`] when the strategy returned:
    /// a leaked thread or task (one still running, or never dropped) keeps its reference.
    pub units_alive: usize,
    /// The most consumers processing a message at once (tracked when the cost is not none).
    pub peak_busy: Option<usize>,
    /// One id in `stride` was timed.
    pub stride: u64,
}

/// A 64-bit mix of an id (splitmix64's finaliser): summed over the processed ids it makes a
/// fingerprint that count and sum alone cannot fake (two duplicates and two losses with the
/// same sum still change it).
pub fn id_hash(id: u64) -> u64 {
    let mut z = id.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The CPU cost of one message: `iterations` rounds of xorshift, seeded by the id, so the
/// compiler cannot fold it away and every strategy runs the same instructions.
pub fn cpu_work(iterations: u32, seed: u64) -> u64 {
    let mut x = seed | 1;
    for _ in 0..iterations {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    std::hint::black_box(x)
}

impl QueueSpec {
    /// Throughput shape: no consumer cost, no pacing.
    pub fn new(messages: usize, producers: usize, consumers: usize, capacity: Capacity) -> Self {
        QueueSpec { messages, producers, consumers, capacity, cost: Cost::None, pacing: Duration::ZERO }
    }

    pub fn with_cost(mut self, cost: Cost) -> Self {
        self.cost = cost;
        self
    }

    pub fn with_pacing(mut self, pacing: Duration) -> Self {
        self.pacing = pacing;
        self
    }

    /// `spsc`, `mpsc`, `spmc` or `mpmc`.
    pub fn shape(&self) -> &'static str {
        match (self.producers > 1, self.consumers > 1) {
            (false, false) => "spsc",
            (true, false) => "mpsc",
            (false, true) => "spmc",
            (true, true) => "mpmc",
        }
    }

    /// `queue/mpsc/p=4/c=1/b=1024/m=200000`, then `/cpu=K` or `/wait=D`, then `/pace=D`.
    pub fn case_name(&self) -> String {
        let mut name = format!(
            "queue/{}/p={}/c={}/b={}/m={}",
            self.shape(),
            self.producers,
            self.consumers,
            self.capacity.name(),
            self.messages
        );
        match self.cost {
            Cost::None => {}
            Cost::Cpu(k) => name.push_str(&format!("/cpu={k}")),
            Cost::Wait(d) => name.push_str(&format!("/wait={}", format_duration(d))),
        }
        if !self.pacing.is_zero() {
            name.push_str(&format!("/pace={}", format_duration(self.pacing)));
        }
        name
    }

    /// The ids producer `p` sends: its contiguous block of `0..M`.
    pub fn producer_ids(&self, p: usize) -> std::ops::Range<u64> {
        let m = self.messages as u64;
        let n = self.producers as u64;
        let p = p as u64;
        (p * m / n)..((p + 1) * m / n)
    }

    /// One id in `stride` is timed (ids that are multiples of it).
    pub fn stride(&self) -> u64 {
        (self.messages as u64 / LATENCY_SAMPLES).max(1)
    }

    /// How many messages carry a timestamp.
    pub fn timed_messages(&self) -> u64 {
        (self.messages as u64).div_ceil(self.stride())
    }

    /// The fingerprint of `0..M` processed exactly once: (count, sum, hash).
    pub fn expected_fingerprint(&self) -> (u64, u64, u64) {
        let m = self.messages as u64;
        // Consumers add ids with wrapping arithmetic; the truncating cast matches it (and M is
        // far too small to wrap anyway).
        let sum = (u128::from(m) * u128::from(m.saturating_sub(1)) / 2) as u64;
        let hash = (0..m).fold(0u64, |h, id| h.wrapping_add(id_hash(id)));
        (m, sum, hash)
    }
}

impl WorkloadSpec for QueueSpec {
    type Outcome = QueueOutcome;
    const WORKLOAD: Workload = Workload::Queue;

    fn validate(&self) -> Result<(), SpecError> {
        check_range("--messages", self.messages as u64, 1, MAX_MESSAGES as u64)?;
        check_range("--producers", self.producers as u64, 1, MAX_PRODUCERS as u64)?;
        check_range("--consumers", self.consumers as u64, 1, MAX_CONSUMERS as u64)?;
        if let Capacity::Bounded(b) = self.capacity {
            check_range("--capacity", b as u64, 1, MAX_CAPACITY as u64)?;
        }
        match self.cost {
            Cost::None => {}
            Cost::Cpu(k) => check_range("--cost cpu", k as u64, 1, MAX_CPU_ITERATIONS as u64)?,
            Cost::Wait(d) => {
                if d.is_zero() || d > MAX_WAIT {
                    return Err(SpecError::new(format!(
                        "--cost wait must be between 1ns and {}, got {} (use --cost none for no wait)",
                        format_duration(MAX_WAIT),
                        format_duration(d)
                    )));
                }
            }
        }
        if self.pacing > MAX_WAIT {
            return Err(SpecError::new(format!(
                "--pacing must be at most {}, got {}",
                format_duration(MAX_WAIT),
                format_duration(self.pacing)
            )));
        }
        Ok(())
    }

    fn run(&self, strategy: &dyn Strategy, _target: Option<&Target>) -> Result<QueueOutcome, RunError> {
        strategy.queue(self)
    }

    fn verify(&self, outcome: &QueueOutcome) -> Result<Summary, String> {
        // Every producer joined and every put completed.
        if outcome.producers.len() != self.producers {
            return Err(format!(
                "expected {} producers joined, got {}",
                self.producers,
                outcome.producers.len()
            ));
        }
        let sent: u64 = outcome.producers.iter().map(|p| p.sent).sum();
        if sent != self.messages as u64 {
            return Err(format!("producers sent {sent} messages, expected {}", self.messages));
        }

        // Clean shutdown: every consumer that started was joined, stopped because the channel
        // closed, and no unit outlived the run.
        if outcome.consumers.is_empty() {
            return Err("no consumer was joined".to_string());
        }
        if outcome.consumers_started != outcome.consumers.len() {
            return Err(format!(
                "{} consumers started but {} were joined: a consumer was left running",
                outcome.consumers_started,
                outcome.consumers.len()
            ));
        }
        if let Some(at) = outcome.consumers.iter().position(|c| !c.saw_close) {
            return Err(format!("consumer {at} stopped without seeing the channel close"));
        }
        if outcome.units_alive != 0 {
            return Err(format!(
                "{} producer or consumer units were still alive after the run (leaked thread or task)",
                outcome.units_alive
            ));
        }

        // Exactly once: count, sum and hash of the processed ids match 0..M.
        let (want_count, want_sum, want_hash) = self.expected_fingerprint();
        let count: u64 = outcome.consumers.iter().map(|c| c.processed).sum();
        if count != want_count {
            return Err(format!("consumers processed {count} messages, expected {want_count}"));
        }
        let sum = outcome.consumers.iter().fold(0u64, |s, c| s.wrapping_add(c.id_sum));
        let hash = outcome.consumers.iter().fold(0u64, |h, c| h.wrapping_add(c.id_hash));
        if sum != want_sum || hash != want_hash {
            return Err(format!(
                "the processed ids are not 0..{} exactly once (a message was duplicated and another lost)",
                self.messages
            ));
        }

        if outcome.stride != self.stride() {
            return Err(format!(
                "timed one message in {}, expected one in {}",
                outcome.stride,
                self.stride()
            ));
        }
        let mut latencies: Vec<u64> =
            outcome.consumers.iter().flat_map(|c| c.latencies_ns.iter().copied()).collect();
        if latencies.len() as u64 != self.timed_messages() {
            return Err(format!(
                "{} timed messages were processed, expected {}",
                latencies.len(),
                self.timed_messages()
            ));
        }

        let peak_depth = outcome.producers.iter().map(|p| p.peak_depth).max().unwrap_or(0);
        let limit = self.capacity.limit(self.messages);
        if peak_depth > limit {
            return Err(format!("queue depth {peak_depth} exceeds its capacity {limit}"));
        }
        match (self.cost, outcome.peak_busy) {
            (Cost::None, _) => {}
            (_, Some(busy)) if busy >= 1 && busy <= outcome.consumers.len() => {}
            (_, busy) => {
                return Err(format!(
                    "{busy:?} consumers busy at once is impossible for {} consumers",
                    outcome.consumers.len()
                ));
            }
        }

        latencies.sort_unstable();
        let shares: Vec<u64> = outcome.consumers.iter().map(|c| c.processed).collect();
        let mut notes = std::collections::BTreeMap::new();
        notes.insert("peak_queue_depth".to_string(), serde_json::json!(peak_depth));
        notes.insert("consumer_shares".to_string(), serde_json::json!(shares));
        notes.insert("consumers_joined".to_string(), serde_json::json!(outcome.consumers.len()));
        notes.insert("latency_samples".to_string(), serde_json::json!(latencies.len()));
        notes.insert("latency_stride".to_string(), serde_json::json!(outcome.stride));
        Ok(Summary {
            peak_in_flight: outcome.peak_busy.filter(|_| self.cost != Cost::None),
            throughput: Some(Throughput { unit: "msg/s".to_string(), count: self.messages as u64 }),
            latency: Some(Latency {
                p50: percentile(&latencies, 0.50),
                p90: percentile(&latencies, 0.90),
                p99: percentile(&latencies, 0.99),
                max: latencies.last().copied().unwrap_or(0),
            }),
            notes,
        })
    }

    fn ideal(&self, _ctx: &Context) -> Option<Duration> {
        // Throughput cases have no physical floor (the channel is what is measured). Waits do:
        // C consumers each wait d per message, and P producers each wait the pacing before each
        // put, after which the last message still needs its own wait.
        let m = self.messages as u32;
        let consume = match self.cost {
            Cost::Wait(d) => Some(d * m.div_ceil(self.consumers as u32)),
            _ => None,
        };
        let produce = (!self.pacing.is_zero()).then(|| {
            let last = match self.cost {
                Cost::Wait(d) => d,
                _ => Duration::ZERO,
            };
            self.pacing * m.div_ceil(self.producers as u32) + last
        });
        match (consume, produce) {
            (None, None) => None,
            (a, b) => Some(a.unwrap_or_default().max(b.unwrap_or_default())),
        }
    }

    fn predict(&self, overlap: Overlap, _ctx: &Context) -> Option<Duration> {
        let wait = match self.cost {
            Cost::Wait(d) => d,
            _ => Duration::ZERO,
        };
        if wait.is_zero() && self.pacing.is_zero() {
            return None;
        }
        let m = self.messages as u32;
        if overlap.effective(WaitKind::Timer, self.producers + self.consumers) == 1 {
            // One wait at a time: every pacing wait and every consumer wait in a row.
            return Some((wait + self.pacing) * m);
        }
        let consumers = overlap.effective(WaitKind::Timer, self.consumers) as u32;
        let producers = overlap.effective(WaitKind::Timer, self.producers) as u32;
        Some((wait * m.div_ceil(consumers)).max(self.pacing * m.div_ceil(producers) + wait))
    }

    fn params(&self) -> serde_json::Value {
        serde_json::json!({
            "messages": self.messages,
            "producers": self.producers,
            "consumers": self.consumers,
            "capacity": self.capacity.name(),
            "cost": self.cost.name(),
            "pacing_ms": self.pacing.as_secs_f64() * 1e3,
            "latency_stride": self.stride(),
        })
    }

    fn units(&self) -> u64 {
        (self.producers + self.consumers) as u64
    }
}

/// Nearest-rank percentile of sorted samples.
fn percentile(sorted: &[u64], q: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

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

impl QueueSpec {
    /// One blocking producer's body, as threads and rayon run it on a plain OS thread: its
    /// block of ids, paced with `thread::sleep`, each handed to `send` (false once no consumer
    /// is left). `alarm` fires if the body unwinds before finishing, so the joiner is woken
    /// instead of waiting forever; `depth` reads the channel's length after a timed send.
    pub fn produce_blocking(
        &self,
        index: usize,
        board: &Arc<Board>,
        alarm: impl FnOnce(),
        mut send: impl FnMut(Message) -> bool,
        depth: impl Fn() -> usize,
    ) -> ProducerReport {
        let alarm = Tripwire::new(alarm);
        let mut tally = board.producer();
        for id in self.producer_ids(index) {
            if !self.pacing.is_zero() {
                std::thread::sleep(self.pacing);
            }
            let message = tally.message(id);
            if !send(message) {
                break; // no consumer is left; the joiner reports why
            }
            tally.sent(&message, &depth);
        }
        alarm.disarm();
        tally.finish()
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

/// The queue cases of a preset.
///
/// - Throughput: spsc (1→1), mpsc (4→1), mpmc (4→4) × bounded(1), bounded(1024), unbounded,
///   tiny messages, no cost. Quick uses fewer messages for bounded(1), where every hand-off is a
///   wake-up (a context switch on a 2-core machine).
/// - Latency-bound: the tutorial's consumer that sleeps per item, 1 producer, B = 100,
///   wait 1 ms, C consumers: more consumers should help in proportion.
pub fn cases(preset: Preset) -> Vec<Case> {
    let (m_rendezvous, m, m_wait, sweep): (usize, usize, usize, &[usize]) = match preset {
        Preset::Quick => (QUICK_BOUNDED_1, QUICK_MESSAGES, QUICK_WAIT_MESSAGES, &[1, 10]),
        Preset::Full => (5_000_000, 5_000_000, 1_000, &[1, 2, 5, 10, 20, 50, 100]),
    };
    let mut cases = Vec::new();
    for (p, c) in [(1, 1), (4, 1), (4, 4)] {
        for capacity in [Capacity::Bounded(1), Capacity::Bounded(1024), Capacity::Unbounded] {
            let messages = if capacity == Capacity::Bounded(1) { m_rendezvous } else { m };
            cases.push(QueueSpec::new(messages, p, c, capacity));
        }
    }
    for &c in sweep {
        let spec = QueueSpec::new(m_wait, 1, c, Capacity::Bounded(100))
            .with_cost(Cost::Wait(Duration::from_millis(1)));
        cases.push(spec);
    }
    cases.into_iter().map(|spec| Case::new(spec.case_name(), crate::Spec::Queue(spec))).collect()
}

/// Quick-preset sizes. The whole quick queue run (11 cases × 6 strategies × 4 runs) must fit in
/// about 20 s on 2 cores, busy or not. Measured with the runner: the throughput cases cost
/// 0.5–1 s each at 200,000 messages; through a capacity of 1 every hand-off is a wake-up (a
/// context switch for blocking threads, ~10 µs on a loaded 2-core VM), so those run 20,000. A
/// latency-bound run cannot beat M × 1 ms / C: at M = 1,000 the C = 1 case alone would take
/// ~28 s (tokio rounds each 1 ms sleep up to ~2 ms); M = 200 keeps the C = 1 vs C = 10
/// comparison (200 vs 20 rounds of waits) at ~7 s. The full preset runs M = 1,000.
pub const QUICK_MESSAGES: usize = 200_000;
pub const QUICK_BOUNDED_1: usize = 20_000;
pub const QUICK_WAIT_MESSAGES: usize = 200;

/// Calibrations this workload's ideal times need, measured once per run on this machine
/// (recorded in the results `env.calibration`, passed back in [`Context::calibration`]).
/// The queue's floors need none: throughput cases have no floor, wait cases are pure waits.
pub fn calibrate() -> Vec<(String, f64)> {
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(m: usize, p: usize, c: usize) -> QueueSpec {
        QueueSpec::new(m, p, c, Capacity::Bounded(4))
    }

    /// A correct outcome built by hand: consumer k takes the ids congruent to k mod C.
    fn honest(s: &QueueSpec) -> QueueOutcome {
        let board = Board::new(s);
        let mut producers: Vec<ProducerTally> = (0..s.producers).map(|_| board.producer()).collect();
        let mut consumers: Vec<ConsumerTally> = (0..s.consumers).map(|_| board.consumer()).collect();
        for (p, producer) in producers.iter_mut().enumerate() {
            for id in s.producer_ids(p) {
                let message = producer.message(id);
                producer.sent(&message, || 1);
                let consumer = &mut consumers[id as usize % s.consumers];
                drop(consumer.busy());
                let _ = consumer.processed(message);
            }
        }
        let producers = producers.into_iter().map(ProducerTally::finish).collect();
        let consumers = consumers.into_iter().map(|c| c.finish(true)).collect();
        board.finish(producers, consumers)
    }

    #[test]
    fn verify_accepts_the_expected_answer() {
        let s = spec(1000, 3, 4);
        let summary = s.verify(&honest(&s)).unwrap();
        assert_eq!(summary.throughput.unwrap().count, 1000);
        assert_eq!(summary.notes["consumer_shares"], serde_json::json!([250, 250, 250, 250]));
        assert_eq!(summary.notes["latency_samples"], serde_json::json!(1000));
        assert!(summary.latency.is_some());
    }

    #[test]
    fn verify_rejects_duplicates_and_losses() {
        let s = spec(100, 1, 2);
        let good = honest(&s);

        let mut missing = good.clone();
        let c = &mut missing.consumers[0];
        c.processed -= 1;
        c.id_sum -= 42;
        c.id_hash = c.id_hash.wrapping_sub(id_hash(42));
        c.latencies_ns.pop();
        assert!(s.verify(&missing).unwrap_err().contains("processed 99"));

        let mut duplicate = good.clone();
        let c = &mut duplicate.consumers[1];
        c.count(3); // 3 twice, 42 never
        c.processed -= 1;
        c.id_sum -= 42;
        c.id_hash = c.id_hash.wrapping_sub(id_hash(42));
        assert!(s.verify(&duplicate).unwrap_err().contains("exactly once"));

        // 10 and 20 twice, 14 and 16 never: count and sum agree, only the hash differs.
        let mut forged = good.clone();
        let c = &mut forged.consumers[0];
        for id in [10, 20] {
            c.count(id);
        }
        for id in [14u64, 16] {
            c.processed -= 1;
            c.id_sum -= id;
            c.id_hash = c.id_hash.wrapping_sub(id_hash(id));
        }
        assert!(s.verify(&forged).unwrap_err().contains("exactly once"));
    }

    #[test]
    fn verify_rejects_unclean_shutdown() {
        let s = spec(50, 2, 2);
        let good = honest(&s);
        assert!(s.verify(&good).is_ok());

        let mut leaked = good.clone();
        leaked.units_alive = 1;
        assert!(s.verify(&leaked).unwrap_err().contains("still alive"));

        let mut unjoined = good.clone();
        unjoined.consumers_started = 3;
        assert!(s.verify(&unjoined).unwrap_err().contains("left running"));

        let mut abandoned = good.clone();
        abandoned.consumers[1].saw_close = false;
        assert!(s.verify(&abandoned).unwrap_err().contains("without seeing the channel close"));

        let mut lost_producer = good.clone();
        lost_producer.producers.pop();
        assert!(s.verify(&lost_producer).is_err());

        let mut overfull = good;
        overfull.producers[0].peak_depth = 5;
        assert!(s.verify(&overfull).unwrap_err().contains("capacity"));
    }

    #[test]
    fn validation_refuses_zeros_and_absurd_sizes() {
        let ok = spec(10, 1, 1);
        assert!(ok.validate().is_ok());
        let zero_messages = QueueSpec { messages: 0, ..ok };
        let zero_producers = QueueSpec { producers: 0, ..ok };
        let zero_consumers = QueueSpec { consumers: 0, ..ok };
        let zero_capacity = QueueSpec { capacity: Capacity::Bounded(0), ..ok };
        for (bad, flag) in [
            (zero_messages, "--messages"),
            (zero_producers, "--producers"),
            (zero_consumers, "--consumers"),
            (zero_capacity, "--capacity"),
        ] {
            let err = bad.validate().unwrap_err().to_string();
            assert!(err.starts_with(flag) && !err.contains('\n'), "{err}");
        }
        assert!(QueueSpec { messages: MAX_MESSAGES + 1, ..ok }.validate().is_err());
        assert!(QueueSpec { consumers: MAX_CONSUMERS + 1, ..ok }.validate().is_err());
        assert!(QueueSpec { capacity: Capacity::Bounded(MAX_CAPACITY + 1), ..ok }.validate().is_err());
        assert!(ok.with_cost(Cost::Wait(Duration::ZERO)).validate().is_err());
        assert!(ok.with_cost(Cost::Wait(Duration::from_secs(2))).validate().is_err());
        assert!(ok.with_cost(Cost::Cpu(0)).validate().is_err());
        assert!(ok.with_pacing(Duration::from_secs(2)).validate().is_err());
    }

    #[test]
    fn parses_capacity_and_cost() {
        assert_eq!(Capacity::parse("1024").unwrap(), Capacity::Bounded(1024));
        assert_eq!(Capacity::parse("unbounded").unwrap(), Capacity::Unbounded);
        assert!(Capacity::parse("-1").is_err());
        assert!(Capacity::parse("lots").is_err());
        assert_eq!(Cost::parse("none").unwrap(), Cost::None);
        assert_eq!(Cost::parse("cpu:2000").unwrap(), Cost::Cpu(2000));
        assert_eq!(Cost::parse("wait=1ms").unwrap(), Cost::Wait(Duration::from_millis(1)));
        for bad in ["", "cpu", "cpu:x", "wait:10", "sleep:1ms"] {
            assert!(Cost::parse(bad).is_err(), "{bad:?} parsed");
        }
        for cost in [Cost::None, Cost::Cpu(7), Cost::Wait(Duration::from_micros(250))] {
            assert_eq!(Cost::parse(&cost.name()).unwrap(), cost);
        }
    }

    #[test]
    fn producers_time_exactly_the_multiples_of_the_stride() {
        let s = spec(100_000, 3, 1);
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

    #[test]
    fn producers_split_the_ids() {
        let s = spec(10, 3, 1);
        let ranges: Vec<_> = (0..3).map(|p| s.producer_ids(p)).collect();
        assert_eq!(ranges, vec![0..3, 3..6, 6..10]);
        assert_eq!(s.expected_fingerprint().1, 45);
        assert_eq!(spec(7, 1, 1).expected_fingerprint().1, 21);
    }

    #[test]
    fn ideal_and_prediction() {
        let ctx = Context::default();
        let wait = QueueSpec::new(1000, 1, 10, Capacity::Bounded(100))
            .with_cost(Cost::Wait(Duration::from_millis(1)));
        assert_eq!(wait.ideal(&ctx), Some(Duration::from_millis(100)));
        assert_eq!(QueueSpec::new(1000, 1, 1, Capacity::Unbounded).ideal(&ctx), None);
        let seq = Overlap { timer: Some(1), blocking: Some(1) };
        let rayon = Overlap { timer: Some(2), blocking: Some(2) };
        let tokio = Overlap { timer: None, blocking: Some(512) };
        assert_eq!(wait.predict(seq, &ctx), Some(Duration::from_secs(1)));
        assert_eq!(wait.predict(rayon, &ctx), Some(Duration::from_millis(500)));
        assert_eq!(wait.predict(tokio, &ctx), Some(Duration::from_millis(100)));
        let paced = QueueSpec::new(100, 2, 4, Capacity::Unbounded).with_pacing(Duration::from_millis(1));
        assert_eq!(paced.ideal(&ctx), Some(Duration::from_millis(50)));
    }

    #[test]
    fn case_names_are_unique_and_readable() {
        let quick = cases(Preset::Quick);
        assert!(quick.iter().any(|c| c.name == "queue/mpsc/p=4/c=1/b=1024/m=200000"));
        assert!(quick.iter().any(|c| c.name == "queue/spmc/p=1/c=10/b=100/m=200/wait=1ms"));
        let mut names: Vec<_> = quick.iter().map(|c| c.name.clone()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), quick.len());
    }
}
