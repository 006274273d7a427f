//! The queue spec: what a case asks for (M messages, P producers, C consumers, capacity B, a
//! per-message cost, pacing) and its validation, the id fingerprint and CPU work every strategy
//! shares, and the reports a strategy answers with.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::check_range;
use crate::spec::{Context, Summary, Workload, WorkloadSpec};
use crate::strategy::Overlap;
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
/// About how many messages carry a timestamp: enough for a stable p99 (20 or more samples
/// above it), few enough that reading the clock stays out of the throughput numbers. At
/// 16,384 (one message in 32 at M = 1M) the stamps alone cost async-channel's fast runs 30 %
/// against a program without them; at 2,048 the difference is within the runs' noise.
pub const LATENCY_SAMPLES: u64 = 2_048;
/// Open loop: every message has a due time, held for the run (8 bytes each) — a million
/// messages is 1 s of schedule at the highest rate, 17 minutes at 1,000/s.
pub const MAX_OPEN_LOOP_MESSAGES: usize = 1_000_000;

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

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
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
    /// Python's `task_done` / `join()`: every consumer acknowledges every message on one shared
    /// count, and the run ends when the count is complete. Without it (throughput cases) the
    /// run ends when the producers are done and the consumers have drained the closed channel,
    /// with nothing shared per message.
    #[serde(default)]
    pub join: bool,
    /// Open loop: the run's message i (over all producers) is due at start + i/R, and its
    /// latency runs from then to its consumer's acknowledgement (`None`: closed loop, each
    /// producer puts as fast as the queue takes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<crate::http::Rate>,
    /// Whether consumers also add up [`id_hash`] of every id, the part of the exactly-once
    /// fingerprint that count and sum cannot fake. On for the verify pass and in tests; off in
    /// timed runs ([`timed`](Self::timed)), which still check count, sum and the timed ids:
    /// on a bounded channel that 1-ns hash per message cost threads 12–17 % of the row
    /// (METHODOLOGY, "The exactly-once hash is checked in the verify pass").
    #[serde(default = "hash_ids_by_default")]
    pub hash_ids: bool,
}

fn hash_ids_by_default() -> bool {
    true
}

/// One message on the channel: its id, nothing else (8 bytes, as in a channel's own benchmark).
/// Latency samples are stamped by the producer and the consumer in their own tallies and
/// matched by id after the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Message {
    pub id: u64,
}

/// What one producer reports when it is joined.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProducerReport {
    /// Messages this producer's sends completed.
    pub sent: u64,
    /// The longest queue it saw right after its timed sends.
    pub peak_depth: usize,
    /// (id, ns since the run began) just before each timed send; open loop: its due time.
    pub sent_at: Vec<(u64, u64)>,
    /// Open loop: when this producer's puts started against their due times.
    pub starts: Option<crate::http::rate::Starts>,
}

/// What one consumer reports when it is joined: an order-independent record of the ids it
/// processed (count, sum, and with `hash_ids` the sum of [`id_hash`], else 0) and the
/// latencies of its timed messages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConsumerReport {
    pub processed: u64,
    pub id_sum: u64,
    pub id_hash: u64,
    /// (id, ns since the run began) when it finished each timed message.
    pub received_at: Vec<(u64, u64)>,
    /// When it was busy with a message (start, end; ns since the run began), one span per
    /// message when the cost is not none: the peak of busy consumers is derived from them
    /// after the run.
    pub busy_ns: Vec<(u64, u64)>,
    /// It stopped because it found the channel closed (not abandoned, not still running).
    pub saw_close: bool,
}

impl ConsumerReport {
    /// Adds one processed id to the record; `hash` adds its [`id_hash`] too.
    #[inline]
    pub fn count(&mut self, id: u64, hash: bool) {
        self.processed += 1;
        self.id_sum = self.id_sum.wrapping_add(id);
        if hash {
            self.id_hash = self.id_hash.wrapping_add(id_hash(id));
        }
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
    /// Producers and consumers still holding the run's [`Board`](super::Board) when the strategy returned:
    /// a leaked thread or task (one still running, or never dropped) keeps its reference.
    pub units_alive: usize,
    /// With join: how many acknowledgements the shared count received.
    pub acked: Option<u64>,
    /// One id in `stride` was timed.
    pub stride: u64,
    /// The consumers added up [`id_hash`] (the spec's `hash_ids`).
    pub ids_hashed: bool,
}

impl QueueOutcome {
    /// The most consumers processing a message at once, from their busy spans.
    pub fn peak_busy(&self) -> usize {
        crate::peak_overlap(self.consumers.iter().flat_map(|c| c.busy_ns.iter().copied()))
    }
}

/// A 64-bit mix of an id (splitmix64): summed over the processed ids it makes a fingerprint
/// that count and sum alone cannot fake (two duplicates and two losses with the same sum
/// still change it). One multiply and a fold (`x ^ (x >> 29)` of `id × K`) was tried as a
/// cheaper mix and fails that: {23, 23} and {0, 46} share a hash sum (the test below).
#[inline]
pub fn id_hash(id: u64) -> u64 {
    crate::splitmix::splitmix64(id)
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
        QueueSpec {
            messages,
            producers,
            consumers,
            capacity,
            cost: Cost::None,
            pacing: Duration::ZERO,
            join: false,
            rate: None,
            hash_ids: true,
        }
    }

    /// The same case as a timed run measures it: without [`id_hash`] in the consumers
    /// (see `hash_ids`).
    pub fn timed(self) -> Self {
        QueueSpec { hash_ids: false, ..self }
    }

    /// The same messages put open-loop at `rate`.
    pub fn with_rate(mut self, rate: crate::http::Rate) -> Self {
        self.rate = Some(rate);
        self
    }

    /// The "with join" variant: `task_done` per message, `join()` before closing.
    pub fn with_join(mut self) -> Self {
        self.join = true;
        self
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

    /// `queue/mpsc/p=4/c=1/b=1024/m=200000`, then `/cpu=K` or `/wait=D`, then `/pace=D`, then
    /// `/join`, then the rate (`/rate=2000`).
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
        if self.join {
            name.push_str("/join");
        }
        if let Some(rate) = &self.rate {
            name.push_str(&rate.suffix());
        }
        name
    }

    /// The ids producer `p` sends: its contiguous block of `0..M`; open loop, every P-th id
    /// from `p` (id i is the run's message i, due at i/R, so the producers take turns).
    pub fn producer_ids(&self, p: usize) -> std::iter::StepBy<std::ops::Range<u64>> {
        let m = self.messages as u64;
        if self.rate.is_some() {
            ((p as u64).min(m)..m).step_by(self.producers)
        } else {
            self.producer_block(p).step_by(1)
        }
    }

    /// Closed loop: producer `p`'s contiguous block of `0..M`.
    pub fn producer_block(&self, p: usize) -> std::ops::Range<u64> {
        let (m, n, p) = (self.messages as u64, self.producers as u64, p as u64);
        (p * m / n)..((p + 1) * m / n)
    }

    /// One id in `stride` is timed (ids that are multiples of it): a power of two, so a
    /// consumer tells a timed id with a mask, not a division; 2,048 to 4,095 samples.
    pub fn stride(&self) -> u64 {
        let s = (self.messages as u64 / LATENCY_SAMPLES).max(1);
        1 << s.ilog2()
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
        if let Some(rate) = &self.rate {
            rate.validate()?;
            check_range("--messages (with --rate)", self.messages as u64, 1, MAX_OPEN_LOOP_MESSAGES as u64)?;
            if !self.pacing.is_zero() {
                return Err(SpecError::new(
                    "--pacing and --rate both set when puts happen: give one (--rate puts message i at i/R)",
                ));
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
        super::verify::verify(self, outcome)
    }

    fn ideal(&self, ctx: &Context) -> Option<Duration> {
        super::ideal::ideal(self, ctx)
    }

    fn predict(&self, overlap: Overlap, ctx: &Context) -> Option<Duration> {
        super::ideal::predict(self, overlap, ctx)
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
            "rate": self.rate.map(|r| r.per_sec),
            "arrival": self.rate.map(|r| r.arrival),
        })
    }

    fn units(&self) -> u64 {
        (self.producers + self.consumers) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(m: usize, p: usize, c: usize) -> QueueSpec {
        QueueSpec::new(m, p, c, Capacity::Bounded(4))
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
        // Open loop: a valid rate, at most a million due times, and no pacing besides.
        let rate = crate::http::Rate::fixed(100.0);
        assert!(ok.with_rate(rate).validate().is_ok());
        assert!(ok.with_rate(crate::http::Rate::fixed(0.0)).validate().is_err());
        let huge = QueueSpec { messages: MAX_OPEN_LOOP_MESSAGES + 1, ..ok }.with_rate(rate);
        assert!(huge.validate().unwrap_err().to_string().starts_with("--messages (with --rate)"));
        let paced = ok.with_pacing(Duration::from_millis(1)).with_rate(rate);
        assert!(paced.validate().unwrap_err().to_string().contains("--pacing and --rate"));
        assert_eq!(ok.with_rate(rate).case_name(), "queue/spsc/p=1/c=1/b=4/m=10/rate=100");
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
    fn producers_split_the_ids() {
        let s = spec(10, 3, 1);
        let ids = |s: &QueueSpec| (0..3).map(|p| s.producer_ids(p).collect()).collect::<Vec<Vec<u64>>>();
        assert_eq!(ids(&s), vec![vec![0, 1, 2], vec![3, 4, 5], vec![6, 7, 8, 9]]);
        // Open loop: the producers take turns, so ids come due in order across them.
        let open = s.with_rate(crate::http::Rate::fixed(100.0));
        assert_eq!(ids(&open), vec![vec![0, 3, 6, 9], vec![1, 4, 7], vec![2, 5, 8]]);
        assert_eq!(s.expected_fingerprint().1, 45);
        assert_eq!(spec(7, 1, 1).expected_fingerprint().1, 21);
    }
}
