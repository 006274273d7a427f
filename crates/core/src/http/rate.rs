//! Open-loop load, the one method every strategy and workload (HTTP requests, queue messages)
//! shares: the arrival schedule (item i is due at start + i/R, or at Poisson arrivals of rate
//! R), and, after the clock stops, each item's latency from its *intended* time (corrected for
//! coordinated omission, as wrk2 does), the late starts and the achieved rate, summarised by an
//! HDR histogram.

use std::time::Duration;

use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};

use crate::SpecError;
use crate::spec::Latency;
use crate::splitmix::splitmix64;

/// A million arrivals a second: past what one client process on this project's boxes sends.
pub const MAX_RATE: f64 = 1e6;
/// An item that starts more than this after its due time started late: above the 1 ms timer
/// granularity of tokio (the coarsest of the runtimes), so a rate that is kept reports none.
pub const LATE_AFTER: Duration = Duration::from_millis(1);
/// A rate is kept when the achieved rate is at least this share of the target.
pub const KEPT_SHARE: f64 = 0.95;

/// How arrivals are spaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Arrival {
    /// Exactly 1/R apart (wrk2's schedule).
    Fixed,
    /// Exponential gaps of mean 1/R from a fixed seed (a Poisson process, the same every run).
    Poisson,
}

impl Arrival {
    pub fn parse(text: &str) -> Result<Arrival, SpecError> {
        match text.trim() {
            "fixed" | "uniform" => Ok(Arrival::Fixed),
            "poisson" => Ok(Arrival::Poisson),
            other => Err(SpecError::new(format!("unknown --arrival {other:?}; valid: fixed, poisson"))),
        }
    }
}

/// An open-loop arrival rate: R items per second, spaced by `arrival`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Rate {
    pub per_sec: f64,
    pub arrival: Arrival,
}

impl Rate {
    pub fn fixed(per_sec: f64) -> Rate {
        Rate { per_sec, arrival: Arrival::Fixed }
    }

    pub fn validate(&self) -> Result<(), SpecError> {
        if !(self.per_sec.is_finite() && self.per_sec > 0.0 && self.per_sec <= MAX_RATE) {
            return Err(SpecError::new(format!(
                "--rate must be a number of items per second above 0 and at most {MAX_RATE}, got {}",
                self.per_sec
            )));
        }
        Ok(())
    }

    /// `/rate=200`, `/rate=200/poisson`: the suffix of a case name.
    pub fn suffix(&self) -> String {
        match self.arrival {
            Arrival::Fixed => format!("/rate={}", self.per_sec),
            Arrival::Poisson => format!("/rate={}/poisson", self.per_sec),
        }
    }

    /// The due time of each of `n` items, from the schedule's start.
    pub fn schedule(&self, n: usize) -> Schedule {
        let interval = 1e9 / self.per_sec;
        let due_ns = match self.arrival {
            Arrival::Fixed => (0..n).map(|i| (i as f64 * interval).round() as u64).collect(),
            Arrival::Poisson => {
                let mut at = 0.0f64;
                (0..n)
                    .map(|i| {
                        let due = at.round() as u64;
                        // A uniform in (0, 1] from the top 53 bits: ln never sees 0.
                        let u = ((splitmix64(i as u64 ^ 0x0a11_0a11) >> 11) + 1) as f64 / (1u64 << 53) as f64;
                        at += -u.ln() * interval;
                        due
                    })
                    .collect()
            }
        };
        Schedule { due_ns }
    }

    /// The time the schedule itself takes for `n` items (the last one's due time: Poisson
    /// arrivals' actual span, which differs from (n − 1)/R by a few per cent at n = 300).
    pub fn span(&self, n: usize) -> Duration {
        match self.arrival {
            Arrival::Fixed => Duration::from_secs_f64(n.saturating_sub(1) as f64 / self.per_sec),
            Arrival::Poisson => self.schedule(n).due(n.saturating_sub(1)),
        }
    }
}

/// When each item is due, in ns from the schedule's start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    due_ns: Vec<u64>,
}

impl Schedule {
    /// Item `i`'s due time from the start (the last one's for an index past the end).
    pub fn due(&self, i: usize) -> Duration {
        Duration::from_nanos(self.due_ns.get(i).or(self.due_ns.last()).copied().unwrap_or(0))
    }

    pub fn due_ns(&self, i: usize) -> u64 {
        self.due(i).as_nanos() as u64
    }

    pub fn len(&self) -> usize {
        self.due_ns.len()
    }

    pub fn is_empty(&self) -> bool {
        self.due_ns.is_empty()
    }
}

/// What an open-loop run did against its schedule, computed after the clock stops.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenLoop {
    /// Latency from each item's due time to its end (p50 … max, p99.9 included).
    pub latency: Option<Latency>,
    pub target_per_s: f64,
    /// Items started per second, first to last start.
    pub achieved_per_s: f64,
    /// Items that started more than [`LATE_AFTER`] after they were due.
    pub late: u64,
    /// The latest start past its due time, and the 99th percentile of that lateness.
    pub late_max_ns: u64,
    pub late_p99_ns: u64,
    /// Whether the achieved rate reached [`KEPT_SHARE`] of the target.
    pub kept: bool,
}

impl OpenLoop {
    /// The facts a row's notes carry under `rate`.
    pub fn note(&self) -> serde_json::Value {
        serde_json::json!({
            "target_per_s": self.target_per_s,
            "achieved_per_s": (self.achieved_per_s * 10.0).round() / 10.0,
            "kept": self.kept,
            "late": self.late,
            "late_p99_ns": self.late_p99_ns,
            "late_max_ns": self.late_max_ns,
        })
    }

    /// One line for a rate that was not kept: reported, never silently lowered.
    pub fn warning(&self) -> Option<String> {
        (!self.kept).then(|| {
            format!(
                "rate not kept: {:.1}/s achieved of {}/s asked; {} started late, by up to {}",
                self.achieved_per_s,
                self.target_per_s,
                self.late,
                crate::duration::human(self.late_max_ns as f64)
            )
        })
    }
}

/// Nearest-rank style percentiles from an HDR histogram (3 significant digits, 1 ns to 1 h).
pub fn hdr_latency(values: impl IntoIterator<Item = u64>) -> Option<Latency> {
    let mut h = Histogram::<u64>::new_with_bounds(1, 3_600_000_000_000, 3).ok()?;
    for v in values {
        h.saturating_record(v.max(1));
    }
    if h.is_empty() {
        return None;
    }
    Some(Latency {
        p50: h.value_at_quantile(0.50),
        p90: h.value_at_quantile(0.90),
        p99: h.value_at_quantile(0.99),
        p999: Some(h.value_at_quantile(0.999)),
        max: h.max(),
    })
}

/// One item as the run saw it, all on the run's clock (ns since its origin, plus one, as
/// [`crate::inflight::Clock`] stamps): its index in the schedule, when it actually started,
/// when it ended, and whether its latency counts (failed items start but have no latency).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Item {
    pub index: usize,
    pub start_ns: u64,
    pub end_ns: u64,
    pub counted: bool,
}

/// The starts of items against their schedule, tallied where they happen (one per queue
/// producer, merged after the run) or from every item at once ([`analyse`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Starts {
    pub count: u64,
    /// The first and last start, on the run's clock.
    pub first_ns: u64,
    pub last_ns: u64,
    /// Starts more than [`LATE_AFTER`] after their due time, and the latest of all.
    pub late: u64,
    pub late_max_ns: u64,
    /// How late the sampled starts were (every start in [`analyse`], the timed messages of a
    /// queue): their 99th percentile is the row's `late_p99_ns`.
    pub late_samples: Vec<u64>,
}

impl Default for Starts {
    fn default() -> Self {
        Starts { count: 0, first_ns: u64::MAX, last_ns: 0, late: 0, late_max_ns: 0, late_samples: Vec::new() }
    }
}

impl Starts {
    /// One start at `start_ns` of an item due at `due_ns` (both on the run's clock); `sample`
    /// keeps its lateness for the percentile.
    #[inline]
    pub fn record(&mut self, start_ns: u64, due_ns: u64, sample: bool) {
        let late = start_ns.saturating_sub(due_ns);
        self.count += 1;
        self.first_ns = self.first_ns.min(start_ns);
        self.last_ns = self.last_ns.max(start_ns);
        if late > LATE_AFTER.as_nanos() as u64 {
            self.late += 1;
        }
        self.late_max_ns = self.late_max_ns.max(late);
        if sample {
            self.late_samples.push(late);
        }
    }

    /// Adds another tally's starts (another producer's).
    pub fn merge(&mut self, other: &Starts) {
        self.count += other.count;
        self.first_ns = self.first_ns.min(other.first_ns);
        self.last_ns = self.last_ns.max(other.last_ns);
        self.late += other.late;
        self.late_max_ns = self.late_max_ns.max(other.late_max_ns);
        self.late_samples.extend_from_slice(&other.late_samples);
    }

    /// Items started per second, first to last start (the target when there is no span).
    pub fn achieved_per_s(&self, rate: &Rate) -> f64 {
        let (n, first, last) = (self.count, self.first_ns, self.last_ns);
        if n > 1 && last > first { (n - 1) as f64 / ((last - first) as f64 / 1e9) } else { rate.per_sec }
    }
}

impl OpenLoop {
    /// The summary of a run: `latencies` from each (sampled) item's due time to its end, and
    /// its starts.
    pub fn summarise(rate: &Rate, latencies: impl IntoIterator<Item = u64>, starts: &Starts) -> OpenLoop {
        let achieved_per_s = starts.achieved_per_s(rate);
        OpenLoop {
            latency: hdr_latency(latencies),
            target_per_s: rate.per_sec,
            achieved_per_s,
            late: starts.late,
            late_max_ns: starts.late_max_ns,
            late_p99_ns: hdr_latency(starts.late_samples.iter().copied()).map_or(0, |h| h.p99),
            kept: achieved_per_s >= KEPT_SHARE * rate.per_sec,
        }
    }
}

/// Each item's latency from its due time (not from when a worker got to it), its lateness,
/// and the achieved rate. The schedule's start is the clock's origin.
pub fn analyse(rate: &Rate, schedule: &Schedule, items: impl IntoIterator<Item = Item>) -> OpenLoop {
    let mut latencies = Vec::new();
    let mut starts = Starts::default();
    for item in items {
        let due = schedule.due_ns(item.index) + 1;
        starts.record(item.start_ns, due, true);
        if item.counted {
            latencies.push(item.end_ns.saturating_sub(due));
        }
    }
    OpenLoop::summarise(rate, latencies, &starts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_and_poisson_schedules() {
        let s = Rate::fixed(200.0).schedule(5);
        assert_eq!(s.due(4), Duration::from_millis(20));
        assert_eq!(Rate::fixed(200.0).span(5), Duration::from_millis(20));
        let p = Rate { per_sec: 1000.0, arrival: Arrival::Poisson }.schedule(20_000);
        // Mean gap 1 ms: 20,000 arrivals span about 20 s (within 3 %), and the same every time.
        let span = p.due(19_999).as_secs_f64();
        assert!((span - 20.0).abs() < 0.6, "{span}");
        assert_eq!(p, Rate { per_sec: 1000.0, arrival: Arrival::Poisson }.schedule(20_000));
        assert_eq!(Rate { per_sec: 1000.0, arrival: Arrival::Poisson }.span(20_000), p.due(19_999));
        assert!((1..p.len()).all(|i| p.due(i) >= p.due(i - 1)));
    }

    #[test]
    fn bad_rates_are_refused() {
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY, 2e6] {
            assert!(Rate::fixed(bad).validate().is_err(), "{bad}");
        }
        assert!(Rate::fixed(0.5).validate().is_ok());
        assert!(Arrival::parse("poisson").is_ok() && Arrival::parse("burst").is_err());
    }

    #[test]
    fn a_kept_schedule_has_no_late_starts() {
        let rate = Rate::fixed(1000.0);
        let s = rate.schedule(100);
        let items = (0..100).map(|i| {
            let start = s.due_ns(i) + 1 + 50_000;
            Item { index: i, start_ns: start, end_ns: start + 2_000_000, counted: true }
        });
        let r = analyse(&rate, &s, items);
        assert!(r.kept && r.warning().is_none());
        assert_eq!(r.late, 0);
        let l = r.latency.unwrap();
        assert!((2_040_000..2_060_000).contains(&l.p50), "{l:?}");
    }

    /// wrk2's method, re-implemented independently of [`analyse`]: each of C connections sends
    /// at R/C, keeps a count of the requests it has completed, and records each response's
    /// latency from `start + phase + completed × C/R` (wrk2's `expected_latency_start`), with
    /// connection j's phase j/R. A simulated client (connection j sends ids j, j+C, …, each
    /// when due or when its previous answer arrives) behind a server that stalls every 50th
    /// request for 200 ms gives the same percentiles either way.
    #[test]
    fn matches_wrk2s_per_connection_schedule() {
        let (c, m, per_sec) = (4usize, 2_000usize, 400.0);
        let rate = Rate::fixed(per_sec);
        let schedule = rate.schedule(m);
        let service = |id: usize| if id % 50 == 7 { 200_000_000 } else { 3_000_000u64 };
        let mut items = Vec::new();
        let mut wrk2 = Vec::new();
        let mut closed = Vec::new();
        for conn in 0..c {
            let mut free_at = 1u64;
            for (completed, id) in (conn..m).step_by(c).enumerate() {
                let start = free_at.max(schedule.due_ns(id) + 1);
                let end = start + service(id);
                free_at = end;
                items.push(Item { index: id, start_ns: start, end_ns: end, counted: true });
                let interval = 1e9 / (per_sec / c as f64);
                let expected = 1 + (conn as f64 * 1e9 / per_sec + completed as f64 * interval).round() as u64;
                wrk2.push(end - expected);
                closed.push(end - start);
            }
        }
        let ours = analyse(&rate, &schedule, items).latency.unwrap();
        let theirs = hdr_latency(wrk2).unwrap();
        assert_eq!(ours, theirs);
        // The correction matters here: measured from the actual send, the stalls' backlog
        // vanishes from the p90 (the coordinated omission wrk2 was written to fix).
        let naive = hdr_latency(closed).unwrap();
        assert!(ours.p90 > 5 * naive.p90, "{ours:?} vs {naive:?}");
    }
}
