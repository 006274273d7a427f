//! The fan-out spec: what a case asks for and its validation, the per-unit rules every
//! strategy and `verify` share (which units fail, are slow or time out), and the outcome a
//! strategy answers with.

use std::hint::black_box;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::kernel::{Expect, kernel};
use crate::error::check_range;
use crate::spec::{Context, Summary, Workload, WorkloadSpec};
use crate::strategy::Overlap;
use crate::{RunError, SpecError, Strategy, Target, format_duration};

/// Far past the thread-per-unit limit of this machine, well within reach of async runtimes.
pub const MAX_UNITS: usize = 1_000_000;
/// One unit's kernel iterations: about a second of CPU at ~1 ns an iteration.
pub const MAX_WORK: u64 = 1_000_000_000;
/// All units' iterations together: a couple of minutes of CPU; past it the input is a typo.
pub const MAX_TOTAL_WORK: u128 = 100_000_000_000;
/// A unit's wait (and a deadline): a benchmark case waits milliseconds, not minutes.
pub const MAX_WAIT: Duration = Duration::from_secs(60);
/// How far a deadline must be from every unit's wait (d, and 4d for slow units), so which units
/// time out does not depend on timer rounding (tokio rounds to 1 ms) or a short stall.
pub const DEADLINE_MARGIN: Duration = Duration::from_millis(2);
/// Slow units (i % 4 == 3, when `slow` is set) wait this many times longer.
pub const SLOW_FACTOR: u32 = 4;
/// Heavy units (a quarter of them, when `skew` is set) do this many times the work.
pub const HEAVY_FACTOR: u64 = 10;

/// Which quarter of the units is heavy (does `HEAVY_FACTOR` × k iterations).
///
/// The two patterns have the same total work and differ only in where the heavy units sit.
/// `Striped` (i % 4 == 3) lines up with a round-robin assignment over an even W: one worker
/// gets every heavy unit, so only a scheduler that moves work between workers (stealing, or
/// a shared queue) stays near total CPU / W. `Scattered` picks the heavy units by a hash of
/// i, so any static assignment is balanced on average and stealing has little to win.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Skew {
    Striped,
    Scattered,
}

impl Skew {
    pub fn name(self) -> &'static str {
        match self {
            Skew::Striped => "striped",
            Skew::Scattered => "scattered",
        }
    }

    pub fn parse(text: &str) -> Result<Skew, SpecError> {
        match text.trim() {
            "striped" => Ok(Skew::Striped),
            "scattered" => Ok(Skew::Scattered),
            other => Err(SpecError::new(format!("unknown skew {other:?}; valid: striped, scattered"))),
        }
    }

    fn is_heavy(self, index: usize) -> bool {
        match self {
            Skew::Striped => index % 4 == 3,
            Skew::Scattered => crate::splitmix::mix(index as u64 ^ 0x5eed) % 4 == 3,
        }
    }
}

/// What happens after the first unit error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorPolicy {
    /// Every unit's result in its place, errors included (`return_exceptions=True`).
    Collect,
    /// The first error ends the gather; the units still running are cancelled (async: dropped;
    /// blocking: told to stop at their next wait) and awaited, as a `TaskGroup` does.
    FailFast,
}

impl ErrorPolicy {
    pub fn name(self) -> &'static str {
        match self {
            ErrorPolicy::Collect => "collect",
            ErrorPolicy::FailFast => "fail-fast",
        }
    }

    pub fn parse(text: &str) -> Result<ErrorPolicy, SpecError> {
        match text.trim() {
            "collect" => Ok(ErrorPolicy::Collect),
            "fail-fast" => Ok(ErrorPolicy::FailFast),
            other => {
                Err(SpecError::new(format!("unknown error policy {other:?}; valid: collect, fail-fast")))
            }
        }
    }
}

/// Unit i fails iff `i % every == every - 1`: the m-th, 2m-th, ... unit (counting from 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Errors {
    pub every: usize,
    pub policy: ErrorPolicy,
}

/// The order the gather hands results over in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Order {
    /// Unit i at position i (`gather`).
    #[default]
    Input,
    /// As units finish (`as_completed`).
    Completion,
}

impl Order {
    pub fn name(self) -> &'static str {
        match self {
            Order::Input => "input",
            Order::Completion => "completion",
        }
    }

    pub fn parse(text: &str) -> Result<Order, SpecError> {
        match text.trim() {
            "input" => Ok(Order::Input),
            "completion" => Ok(Order::Completion),
            other => Err(SpecError::new(format!("unknown order {other:?}; valid: input, completion"))),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FanOutSpec {
    /// N.
    pub units: usize,
    /// k: kernel iterations per unit.
    pub work: u64,
    /// d: each unit's wait before its work (zero: CPU only).
    #[serde(with = "crate::duration::serde_text")]
    pub wait: Duration,
    /// Unit i with i % 4 == 3 waits 4 d.
    #[serde(default)]
    pub slow: bool,
    #[serde(default)]
    pub errors: Option<Errors>,
    /// L: at most this many units in flight.
    #[serde(default)]
    pub limit: Option<usize>,
    /// t: a unit still waiting t after it started is cancelled and reports `TimedOut`.
    #[serde(default, with = "crate::duration::serde_opt_text")]
    pub deadline: Option<Duration>,
    #[serde(default)]
    pub order: Order,
    /// A quarter of the units do `HEAVY_FACTOR` × k iterations, placed by the pattern.
    #[serde(default)]
    pub skew: Option<Skew>,
}

/// Why a unit has no value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnitError {
    /// An error unit: it did its work and then failed.
    Failed { index: usize },
    /// Cancelled at its deadline while it was still waiting.
    TimedOut { index: usize },
}

impl UnitError {
    pub fn index(&self) -> usize {
        match *self {
            UnitError::Failed { index } | UnitError::TimedOut { index } => index,
        }
    }
}

pub type UnitResult = Result<u64, UnitError>;

/// One result as the gather handed it over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Handed {
    pub index: usize,
    pub result: UnitResult,
}

/// What a strategy reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FanOutOutcome {
    /// The gather's results in hand-over order. Order `input`: unit i at position i, ending at
    /// the first error under fail-fast. Order `completion`: as the units finished.
    pub handed: Vec<Handed>,
    /// Per unit, when it finished (with a value, an error or a timeout), as the unit stamped
    /// it in its own slot; `None` if it was cancelled first or never started.
    pub finished: Vec<Option<Finish>>,
    /// Per unit, when it was in flight (start, end; ns since the run began); `None` if it
    /// never started.
    pub in_flight: Vec<Option<(u64, u64)>>,
    /// For every unit that timed out: its deadline to the moment it actually stopped, ns.
    pub cancel_latency_ns: Vec<u64>,
    /// How many units the strategy spawned as their own task, thread or coroutine, counted by
    /// its spawn loop; `None` where units are not spawned one by one (sequential's loop,
    /// rayon's `par_iter`, threads' pool or chunks). Where it is `Some`, it must be N: fail-fast
    /// never stops the spawning, each unit checks the gate itself (fairness rule 9).
    pub spawned: Option<usize>,
}

/// When a unit handed its result over, in ns since the run began: it stamped `handing` just
/// before putting its result in the gather's queue and `handed` just after (both the same
/// instant when nothing is put in a queue). Whatever the queue's order, a result ahead of
/// another was put in before it, so its `handing` is not after the other's `handed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Finish {
    pub handing: u64,
    pub handed: u64,
}

impl FanOutOutcome {
    /// The most units in flight at once, from their spans.
    pub fn peak_in_flight(&self) -> usize {
        crate::peak_overlap(self.in_flight.iter().flatten().copied())
    }
}

/// The expected value of any unit: one jump-ahead map for k, one for the heavy units' work.
pub(super) struct Expectations {
    light: Expect,
    heavy: Expect,
}

impl Expectations {
    pub(super) fn new(spec: &FanOutSpec) -> Self {
        Expectations { light: Expect::new(spec.work), heavy: Expect::new(spec.work * HEAVY_FACTOR) }
    }

    fn value(&self, spec: &FanOutSpec, index: usize) -> u64 {
        if spec.is_heavy(index) { self.heavy.value(index) } else { self.light.value(index) }
    }
}

impl FanOutSpec {
    /// N units, k iterations each, after a wait d; every other option off, input order.
    pub fn new(units: usize, work: u64, wait: Duration) -> Self {
        FanOutSpec {
            units,
            work,
            wait,
            slow: false,
            errors: None,
            limit: None,
            deadline: None,
            order: Order::Input,
            skew: None,
        }
    }

    pub fn with_skew(mut self, skew: Skew) -> Self {
        self.skew = Some(skew);
        self
    }

    pub fn with_slow(mut self) -> Self {
        self.slow = true;
        self
    }

    pub fn with_errors(mut self, every: usize, policy: ErrorPolicy) -> Self {
        self.errors = Some(Errors { every, policy });
        self
    }

    pub fn with_limit(mut self, limit: usize) -> Self {
        self.limit = Some(limit);
        self
    }

    pub fn with_deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    pub fn with_order(mut self, order: Order) -> Self {
        self.order = order;
        self
    }

    /// `fan-out/<variant>/n=…/k=…[/d=…][/slow][/l=…][/m=…-policy][/t=…][/order=completion]`.
    pub fn case_name(&self, variant: &str) -> String {
        let mut name = format!("fan-out/{variant}/n={}/k={}", self.units, self.work);
        if !self.wait.is_zero() {
            name += &format!("/d={}", format_duration(self.wait));
        }
        if self.slow {
            name += "/slow";
        }
        if let Some(limit) = self.limit {
            name += &format!("/l={limit}");
        }
        if let Some(errors) = self.errors {
            name += &format!("/m={}-{}", errors.every, errors.policy.name());
        }
        if let Some(t) = self.deadline {
            name += &format!("/t={}", format_duration(t));
        }
        if self.order == Order::Completion {
            name += "/order=completion";
        }
        if let Some(skew) = self.skew {
            name += &format!("/skew={}", skew.name());
        }
        name
    }

    pub fn fail_fast(&self) -> bool {
        matches!(self.errors, Some(Errors { policy: ErrorPolicy::FailFast, .. }))
    }

    pub fn is_slow(&self, index: usize) -> bool {
        self.slow && index % 4 == 3
    }

    pub fn fails(&self, index: usize) -> bool {
        self.errors.is_some_and(|e| index % e.every == e.every - 1)
    }

    /// Unit `index`'s wait: d, or 4 d for a slow unit.
    pub fn wait_of(&self, index: usize) -> Duration {
        if self.is_slow(index) { self.wait * SLOW_FACTOR } else { self.wait }
    }

    /// Whether unit `index` is one of the skewed quarter that does `HEAVY_FACTOR` × k work.
    pub fn is_heavy(&self, index: usize) -> bool {
        self.skew.is_some_and(|s| s.is_heavy(index))
    }

    /// Unit `index`'s kernel iterations: k, or `HEAVY_FACTOR` × k for a heavy unit.
    pub fn work_of(&self, index: usize) -> u64 {
        if self.is_heavy(index) { self.work * HEAVY_FACTOR } else { self.work }
    }

    /// Kernel iterations over every unit.
    pub fn total_work(&self) -> u128 {
        (0..self.units).map(|i| self.work_of(i) as u128).sum()
    }

    /// Whether unit `index` is still waiting at its deadline.
    pub fn times_out(&self, index: usize) -> bool {
        self.deadline.is_some_and(|t| self.wait_of(index) > t)
    }

    /// The part of a unit after its wait: the kernel, then success or failure. An error unit
    /// still does its work (the value is discarded through `black_box`, so it is computed).
    pub fn compute(&self, index: usize) -> UnitResult {
        let value = kernel(index, self.work_of(index));
        if self.fails(index) {
            black_box(value);
            Err(UnitError::Failed { index })
        } else {
            Ok(value)
        }
    }

    /// The expected result of every unit, in input order.
    pub fn expected(&self) -> impl Iterator<Item = UnitResult> + '_ {
        let expect = Expectations::new(self);
        (0..self.units).map(move |i| self.expected_with(&expect, i))
    }

    pub(super) fn expected_with(&self, expect: &Expectations, index: usize) -> UnitResult {
        if self.times_out(index) {
            Err(UnitError::TimedOut { index })
        } else if self.fails(index) {
            Err(UnitError::Failed { index })
        } else {
            Ok(expect.value(self, index))
        }
    }

    /// The lowest-index unit expected to end in an error, if any: where an input-order
    /// fail-fast gather must stop.
    pub fn first_error(&self) -> Option<usize> {
        (0..self.units).find(|&i| self.times_out(i) || self.fails(i))
    }

    /// Whether units wait at all (a blocking strategy then needs a thread per overlapping wait).
    pub fn waits(&self) -> bool {
        !self.wait.is_zero()
    }
}

impl WorkloadSpec for FanOutSpec {
    type Outcome = FanOutOutcome;
    const WORKLOAD: Workload = Workload::FanOut;

    fn validate(&self) -> Result<(), SpecError> {
        check_range("--units", self.units as u64, 1, MAX_UNITS as u64)?;
        let heavy = if self.skew.is_some() { HEAVY_FACTOR } else { 1 };
        check_range("--work", self.work, 0, MAX_WORK / heavy)?;
        let total = self.units as u128 * self.work as u128 * heavy as u128;
        if total > MAX_TOTAL_WORK {
            return Err(SpecError::new(format!(
                "--units × --work{} must be at most {MAX_TOTAL_WORK} kernel iterations (a few minutes of CPU), got {total}",
                if self.skew.is_some() { " × 10 (skew)" } else { "" }
            )));
        }
        let longest = if self.slow { self.wait * SLOW_FACTOR } else { self.wait };
        if longest > MAX_WAIT {
            return Err(SpecError::new(format!(
                "--wait must be at most {}{}, got {}",
                format_duration(if self.slow { MAX_WAIT / SLOW_FACTOR } else { MAX_WAIT }),
                if self.slow { " with --slow (slow units wait 4×)" } else { "" },
                format_duration(self.wait)
            )));
        }
        if let Some(errors) = self.errors {
            check_range("--errors (every m-th unit fails)", errors.every as u64, 2, MAX_UNITS as u64)?;
        }
        if let Some(limit) = self.limit {
            check_range("--limit", limit as u64, 1, MAX_UNITS as u64)?;
        }
        if let Some(t) = self.deadline {
            if t > MAX_WAIT {
                return Err(SpecError::new(format!(
                    "--deadline must be at most {}, got {}",
                    format_duration(MAX_WAIT),
                    format_duration(t)
                )));
            }
            let mut waits = vec![self.wait];
            if self.slow {
                waits.push(self.wait * SLOW_FACTOR);
            }
            for w in waits {
                let gap = t.abs_diff(w);
                if gap < DEADLINE_MARGIN {
                    return Err(SpecError::new(format!(
                        "--deadline {} is within {} of a unit's wait {}: which units time out would depend on timer rounding",
                        format_duration(t),
                        format_duration(DEADLINE_MARGIN),
                        format_duration(w)
                    )));
                }
            }
        }
        Ok(())
    }

    fn run(&self, strategy: &dyn Strategy, _target: Option<&Target>) -> Result<FanOutOutcome, RunError> {
        strategy.fan_out(self)
    }

    fn verify(&self, outcome: &FanOutOutcome) -> Result<Summary, String> {
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
            "units": self.units,
            "work": self.work,
            "wait_ms": self.wait.as_secs_f64() * 1e3,
            "slow": self.slow,
            "errors_every": self.errors.map(|e| e.every),
            "policy": self.errors.map(|e| e.policy.name()),
            "limit": self.limit,
            "deadline_ms": self.deadline.map(|t| t.as_secs_f64() * 1e3),
            "order": self.order.name(),
            "skew": self.skew.map(|s| s.name()),
        })
    }

    fn units(&self) -> u64 {
        self.units as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_bounds() {
        let ok = FanOutSpec::new(10, 10, Duration::from_millis(5));
        assert!(ok.validate().is_ok());
        assert!(FanOutSpec::new(0, 10, Duration::ZERO).validate().is_err());
        assert!(FanOutSpec::new(MAX_UNITS + 1, 10, Duration::ZERO).validate().is_err());
        assert!(FanOutSpec::new(10, MAX_WORK + 1, Duration::ZERO).validate().is_err());
        assert!(FanOutSpec::new(1_000_000, 1_000_000, Duration::ZERO).validate().is_err());
        assert!(FanOutSpec::new(1, 1, Duration::from_secs(61)).validate().is_err());
        assert!(FanOutSpec::new(1, 1, Duration::from_secs(20)).with_slow().validate().is_err());
        assert!(ok.clone().with_errors(1, ErrorPolicy::Collect).validate().is_err());
        assert!(ok.clone().with_errors(2, ErrorPolicy::Collect).validate().is_ok());
        assert!(ok.clone().with_limit(0).validate().is_err());
        assert!(ok.clone().with_deadline(Duration::from_millis(6)).validate().is_err());
        assert!(ok.clone().with_slow().with_deadline(Duration::from_millis(19)).validate().is_err());
        assert!(ok.clone().with_slow().with_deadline(Duration::from_millis(8)).validate().is_ok());
    }

    #[test]
    fn skewed_units_do_ten_times_the_work_and_verify_expects_it() {
        for skew in [Skew::Striped, Skew::Scattered] {
            let spec = FanOutSpec::new(400, 50, Duration::ZERO).with_skew(skew);
            let heavy: Vec<usize> = (0..spec.units).filter(|&i| spec.is_heavy(i)).collect();
            // A quarter of the units, give or take the hash.
            assert!((80..=120).contains(&heavy.len()), "{skew:?}: {} heavy", heavy.len());
            for (i, want) in spec.expected().enumerate() {
                assert_eq!(want, Ok(kernel(i, spec.work_of(i))), "{skew:?} unit {i}");
                assert_eq!(spec.compute(i), want);
            }
            // A heavy unit that did only k iterations is a wrong answer.
            let i = heavy[0];
            assert_ne!(Ok(kernel(i, spec.work)), spec.expected().nth(i).unwrap());
        }
        let striped = FanOutSpec::new(8, 1, Duration::ZERO).with_skew(Skew::Striped);
        assert_eq!((0..8).filter(|&i| striped.is_heavy(i)).collect::<Vec<_>>(), [3, 7]);
        // Scattered heavy units fall evenly on both halves of a round-robin split over W = 2.
        let scattered = FanOutSpec::new(2_000, 1, Duration::ZERO).with_skew(Skew::Scattered);
        let odd = (0..2_000).filter(|&i| scattered.is_heavy(i) && i % 2 == 1).count();
        let even = (0..2_000).filter(|&i| scattered.is_heavy(i) && i % 2 == 0).count();
        assert!(odd.abs_diff(even) < 60, "odd {odd}, even {even}");
        assert_eq!(striped.case_name("skew"), "fan-out/skew/n=8/k=1/skew=striped");
    }

    #[test]
    fn spec_round_trips_through_json() {
        let spec = FanOutSpec::new(10, 5, Duration::from_millis(3))
            .with_slow()
            .with_deadline(Duration::from_millis(7))
            .with_errors(5, ErrorPolicy::FailFast)
            .with_limit(4)
            .with_order(Order::Completion)
            .with_skew(Skew::Scattered);
        let json = serde_json::to_string(&crate::Spec::FanOut(spec.clone())).unwrap();
        let back: crate::Spec = serde_json::from_str(&json).unwrap();
        assert!(matches!(back, crate::Spec::FanOut(s) if s == spec));
    }
}
