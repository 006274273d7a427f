//! What the harness needs from every workload, so it can run, verify, time and tabulate any
//! case without knowing which workload it is.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::strategy::Overlap;
use crate::{FanOutSpec, HttpSpec, QueueSpec, RunError, SleepSpec, SpecError, Strategy, SubmitSpec, Target};

/// The workload families.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Workload {
    Sleep,
    FanOut,
    Http,
    Queue,
    Submit,
}

impl Workload {
    pub const ALL: [Workload; 5] =
        [Workload::Sleep, Workload::FanOut, Workload::Http, Workload::Queue, Workload::Submit];

    pub fn name(self) -> &'static str {
        match self {
            Workload::Sleep => "sleep",
            Workload::FanOut => "fan-out",
            Workload::Http => "http",
            Workload::Queue => "queue",
            Workload::Submit => "submit",
        }
    }

    pub fn parse(text: &str) -> Result<Workload, SpecError> {
        let t = text.trim().to_ascii_lowercase();
        Workload::ALL
            .into_iter()
            .find(|w| w.name() == t || (t == "fanout" && *w == Workload::FanOut))
            .ok_or_else(|| {
                SpecError::new(format!(
                    "unknown workload {text:?}; valid: sleep, fan-out, http, queue, submit"
                ))
            })
    }
}

impl fmt::Display for Workload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Facts about this run that ideal times depend on.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Context {
    /// W, the worker count every parallel strategy shares.
    pub workers: usize,
    /// Calibrations measured once per run on this machine (e.g. `"fan-out.unit_ns"`: the CPU
    /// cost of one fan-out kernel iteration). Recorded in the results `env`.
    pub calibration: BTreeMap<String, f64>,
}

/// What verification learned from an outcome, beyond "it is right".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// The most units in progress at once (the structural proof of concurrency).
    pub peak_in_flight: Option<usize>,
    /// How many items the case completed, for a rate: `count / wall`.
    pub throughput: Option<Throughput>,
    /// Per-item latency percentiles, where the workload measures them.
    pub latency: Option<Latency>,
    /// Workload facts a reader needs: errors by kind, cancel latency, consumer shares...
    pub notes: BTreeMap<String, serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Throughput {
    /// e.g. "req/s", "msg/s", "units/s".
    pub unit: String,
    pub count: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Latency {
    pub p50: u64,
    pub p90: u64,
    pub p99: u64,
    pub max: u64,
    /// p99.9, where an HDR histogram measured it (open-loop rows).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p999: Option<u64>,
}

impl Latency {
    /// Nearest-rank percentiles of sorted samples (all zero without any); p99.9 when asked for.
    pub fn of_sorted(sorted: &[u64], with_p999: bool) -> Latency {
        let at = |q: f64| {
            let rank = (q * sorted.len() as f64).ceil() as usize;
            sorted.get(rank.clamp(1, sorted.len().max(1)) - 1).copied().unwrap_or(0)
        };
        Latency {
            p50: at(0.50),
            p90: at(0.90),
            p99: at(0.99),
            max: sorted.last().copied().unwrap_or(0),
            p999: with_p999.then(|| at(0.999)),
        }
    }
}

/// One workload's half of the contract. Implemented by each spec type in core.
pub trait WorkloadSpec: Clone + fmt::Debug + Serialize + DeserializeOwned {
    type Outcome;

    const WORKLOAD: Workload;

    /// Refuses out-of-range sizes with one line a person can act on.
    fn validate(&self) -> Result<(), SpecError>;

    /// Runs the spec on a strategy. `target` is the HTTP server, for workloads that use one.
    fn run(&self, strategy: &dyn Strategy, target: Option<&Target>) -> Result<Self::Outcome, RunError>;

    /// Checks an outcome against the expected answer. `Err` says what is wrong.
    fn verify(&self, outcome: &Self::Outcome) -> Result<Summary, String>;

    /// The physical floor of this case (DESIGN.md, "Ideal time"), if it has one.
    fn ideal(&self, ctx: &Context) -> Option<Duration>;

    /// The time a strategy with this overlap is expected to need, for the budget rule.
    fn predict(&self, overlap: Overlap, ctx: &Context) -> Option<Duration>;

    /// The parameters as they appear in the results' `params`.
    fn params(&self) -> serde_json::Value;

    /// The number of concurrent units, the denominator of memory per task.
    fn units(&self) -> u64;
}

/// Any workload's spec. The harness passes these around, serialises them to its child
/// processes, and dispatches with [`Spec::run_timed`]-style matches.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "workload", rename_all = "kebab-case")]
pub enum Spec {
    Sleep(SleepSpec),
    FanOut(FanOutSpec),
    Http(HttpSpec),
    Queue(QueueSpec),
    Submit(SubmitSpec),
}

/// Dispatches one expression over the spec types, binding the inner spec to `$s`.
#[macro_export]
macro_rules! with_spec {
    ($spec:expr, $s:ident => $body:expr) => {
        match $spec {
            $crate::Spec::Sleep($s) => $body,
            $crate::Spec::FanOut($s) => $body,
            $crate::Spec::Http($s) => $body,
            $crate::Spec::Queue($s) => $body,
            $crate::Spec::Submit($s) => $body,
        }
    };
}

impl Spec {
    /// The spec as a timed run measures it. A verify pass (and every test) runs the spec as
    /// built, with every check; a timed run leaves out the two checks whose cost moved a
    /// number: the queue consumers' id hash ([`QueueSpec::hash_ids`]) and the HTTP clients'
    /// body digest ([`HttpSpec::digest_bodies`]).
    pub fn timed(&self) -> Spec {
        match self {
            Spec::Queue(q) => Spec::Queue(q.timed()),
            Spec::Http(h) => Spec::Http(h.clone().timed()),
            other => other.clone(),
        }
    }

    pub fn workload(&self) -> Workload {
        match self {
            Spec::Sleep(_) => Workload::Sleep,
            Spec::FanOut(_) => Workload::FanOut,
            Spec::Http(_) => Workload::Http,
            Spec::Queue(_) => Workload::Queue,
            Spec::Submit(_) => Workload::Submit,
        }
    }

    pub fn validate(&self) -> Result<(), SpecError> {
        with_spec!(self, s => s.validate())
    }

    pub fn ideal(&self, ctx: &Context) -> Option<Duration> {
        with_spec!(self, s => s.ideal(ctx))
    }

    pub fn predict(&self, overlap: Overlap, ctx: &Context) -> Option<Duration> {
        with_spec!(self, s => s.predict(overlap, ctx))
    }

    pub fn params(&self) -> serde_json::Value {
        with_spec!(self, s => s.params())
    }

    pub fn units(&self) -> u64 {
        with_spec!(self, s => s.units())
    }

    /// Runs once and verifies, timing only the strategy call (wall and this process's CPU).
    /// Verification happens after the clock stops; an unverified outcome never yields a time.
    pub fn run_timed(&self, strategy: &dyn Strategy, target: Option<&Target>) -> Result<Timed, CaseError> {
        let timed = with_spec!(self, s => timed(s, strategy, target))?;
        // The ids of a sleep are echoed, so verify cannot see whether anything waited; the
        // clock can: every task waits d, so no honest run ends sooner.
        if let Spec::Sleep(s) = self
            && timed.wall_ns < s.duration.as_nanos() as u64
        {
            return Err(CaseError::Wrong(format!(
                "finished in {} but every task sleeps {}: nothing can have waited",
                crate::format_duration(Duration::from_nanos(timed.wall_ns)),
                crate::format_duration(s.duration)
            )));
        }
        Ok(timed)
    }
}

/// One verified run: its wall time, the CPU time this process spent in it, and the summary.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Timed {
    pub wall_ns: u64,
    pub cpu_ns: u64,
    pub summary: Summary,
}

/// Why one run has no time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CaseError {
    Unsupported(String),
    Failed(String),
    /// The strategy finished but its answer is wrong.
    Wrong(String),
}

impl fmt::Display for CaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CaseError::Unsupported(why) => write!(f, "unsupported: {why}"),
            CaseError::Failed(why) => f.write_str(why),
            CaseError::Wrong(why) => write!(f, "wrong answer: {why}"),
        }
    }
}

impl From<RunError> for CaseError {
    fn from(e: RunError) -> Self {
        match e {
            RunError::Unsupported(why) => CaseError::Unsupported(why),
            RunError::Failed(why) => CaseError::Failed(why),
        }
    }
}

fn timed<S: WorkloadSpec>(
    spec: &S,
    strategy: &dyn Strategy,
    target: Option<&Target>,
) -> Result<Timed, CaseError> {
    let cpu0 = crate::metrics::cpu_time();
    let t0 = std::time::Instant::now();
    let outcome = spec.run(strategy, target);
    let wall = t0.elapsed();
    let cpu = crate::metrics::cpu_time().saturating_sub(cpu0);
    // An external program timed itself (its start-up left out) and ran in another process.
    let own = strategy.own_measure();
    let (wall, cpu) = own.as_ref().map_or((wall, cpu), |m| (m.wall, m.cpu));
    let outcome = outcome?;
    let mut summary = spec.verify(&outcome).map_err(CaseError::Wrong)?;
    summary.notes.extend(own.into_iter().flat_map(|m| m.notes));
    summary.notes.extend(strategy.notes());
    Ok(Timed { wall_ns: wall.as_nanos() as u64, cpu_ns: cpu.as_nanos() as u64, summary })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{SleepMode, SleepOutcome};

    /// Echoes every id at once, waiting for nothing, with forged spans: the answer verify sees
    /// is perfect; only the clock can tell.
    struct NeverWaits;

    impl Strategy for NeverWaits {
        fn name(&self) -> &'static str {
            "never-waits"
        }

        fn workers(&self) -> usize {
            1
        }

        fn overlap(&self) -> Overlap {
            Overlap { timer: None, blocking: None }
        }

        fn sleep(&self, spec: &SleepSpec) -> Result<SleepOutcome, RunError> {
            // Spans forged to claim every task waited d, all at once: verify's checks pass.
            let now = std::time::Instant::now();
            let forged = crate::Span { start: now, end: now + spec.duration };
            Ok(SleepOutcome { ids: (0..spec.tasks).collect(), waits: vec![forged; spec.tasks], held: None })
        }
    }

    #[test]
    fn latency_is_the_nearest_rank_of_sorted_samples() {
        let samples: Vec<u64> = (1..=1000).collect();
        let l = Latency::of_sorted(&samples, true);
        assert_eq!((l.p50, l.p90, l.p99, l.p999, l.max), (500, 900, 990, Some(999), 1000));
        assert_eq!(Latency::of_sorted(&[7], false), Latency { p50: 7, p90: 7, p99: 7, max: 7, p999: None });
        assert_eq!(Latency::of_sorted(&[], false).max, 0);
    }

    #[test]
    fn a_sleep_that_ends_before_its_duration_is_wrong() {
        let spec = Spec::Sleep(SleepSpec::new(10, Duration::from_millis(50), SleepMode::Timer));
        match spec.run_timed(&NeverWaits, None) {
            Err(CaseError::Wrong(why)) => assert!(why.contains("nothing can have waited"), "{why}"),
            other => panic!("expected a wrong answer, got {other:?}"),
        }
    }

    #[test]
    fn a_workload_a_strategy_does_not_implement_is_unsupported_with_its_reason() {
        let spec = Spec::Queue(crate::QueueSpec::new(10, 1, 1, crate::queue::Capacity::Unbounded));
        match spec.run_timed(&NeverWaits, None) {
            Err(CaseError::Unsupported(why)) => {
                assert_eq!(why, "never-waits does not implement the queue workload")
            }
            other => panic!("expected unsupported, got {other:?}"),
        }
    }
}
