//! The fan-out workload: N units, each optionally waits and then computes, and the results are
//! gathered — Python's `gather` (input order), `gather(return_exceptions=True)` (collect every
//! error in place), plain `gather` / `TaskGroup` (fail fast), `wait_for` (a per-unit deadline),
//! `as_completed` (completion order) and `Semaphore(L)` (a limit on units in flight).
//!
//! A unit is: take a limit permit (if any), start its clock, wait (the strategy's native wait;
//! unit i with i % 4 == 3 waits 4× longer when `slow` is set), run `work` iterations of
//! [`kernel`], then succeed with the kernel's value or fail if it is an error unit. Under a
//! deadline, a unit still waiting when the deadline passes is cancelled and reports `TimedOut`.
//!
//! Core owns everything that must be identical across strategies: the kernel and its expected
//! value, which units fail or are slow, the blocking unit body that sequential, threads and
//! rayon share ([`FanOutSpec::run_blocking`]), the [`Recorder`] that stamps finish order, and
//! `verify`, which checks every result, its place, the fail-fast and completion-order rules.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::case::{Case, Preset};
use crate::error::check_range;
use crate::spec::{Context, Summary, Throughput, Workload, WorkloadSpec};
use crate::strategy::{Overlap, WaitKind};
use crate::{InFlight, RunError, SpecError, Strategy, Target, format_duration};

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
/// The calibration key: nanoseconds of one [`kernel`] iteration on this machine.
pub const CALIBRATION_KEY: &str = "fan-out.unit_ns";

// ---------------------------------------------------------------------------------------------
// The kernel

const LCG_MUL: u64 = 6_364_136_223_846_793_005;
const LCG_INC: u64 = 1_442_695_040_888_963_407;

fn mix(mut z: u64) -> u64 {
    // splitmix64's finaliser: a bijection that spreads every input bit over the output.
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn seed(index: usize) -> u64 {
    mix((index as u64).wrapping_add(0x9E37_79B9_7F4A_7C15))
}

/// The unit's CPU work: `work` steps of a 64-bit LCG seeded by the unit's index, then mixed.
///
/// Every step is a multiply-add that depends on the previous one, so the loop cannot be
/// vectorised or shortened and costs ~4 cycles (~1 ns) a step; `black_box` keeps the compiler from
/// knowing the index or the count. The LCG has a known jump-ahead, which lets `verify` compute
/// the expected value of any unit in O(log k) (see [`Expect`]) while the unit pays O(k).
pub fn kernel(index: usize, work: u64) -> u64 {
    // The constants go through `black_box` too: with them known, the optimiser composes
    // unrolled steps into one (A^8 x + C'), skipping 7 of every 8.
    let (mul, inc) = black_box((LCG_MUL, LCG_INC));
    let mut x = seed(black_box(index));
    for _ in 0..black_box(work) {
        x = x.wrapping_mul(mul).wrapping_add(inc);
    }
    mix(x)
}

/// `work` LCG steps as one affine map `x -> mult * x + plus` (Brown's jump-ahead), so the
/// expected value of every unit costs O(1) once the map is built.
#[derive(Debug, Clone, Copy)]
struct Expect {
    mult: u64,
    plus: u64,
}

impl Expect {
    fn new(mut work: u64) -> Self {
        let (mut mult, mut plus) = (1u64, 0u64);
        let (mut step_mult, mut step_plus) = (LCG_MUL, LCG_INC);
        while work > 0 {
            if work & 1 == 1 {
                mult = mult.wrapping_mul(step_mult);
                plus = plus.wrapping_mul(step_mult).wrapping_add(step_plus);
            }
            step_plus = step_mult.wrapping_add(1).wrapping_mul(step_plus);
            step_mult = step_mult.wrapping_mul(step_mult);
            work >>= 1;
        }
        Expect { mult, plus }
    }

    fn value(&self, index: usize) -> u64 {
        mix(self.mult.wrapping_mul(seed(index)).wrapping_add(self.plus))
    }
}

/// Measures the cost of one kernel iteration on this machine, in ns (the fastest of several
/// runs, so a busy moment does not inflate it).
pub fn calibrate() -> Vec<(String, f64)> {
    const ITERATIONS: u64 = 4_000_000;
    let mut best = f64::INFINITY;
    for round in 0..8 {
        let t0 = Instant::now();
        black_box(kernel(round, ITERATIONS));
        best = best.min(t0.elapsed().as_nanos() as f64 / ITERATIONS as f64);
    }
    vec![(CALIBRATION_KEY.to_string(), best)]
}

// ---------------------------------------------------------------------------------------------
// The spec

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
    #[serde(default, with = "opt_duration_text")]
    pub deadline: Option<Duration>,
    #[serde(default)]
    pub order: Order,
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
    /// Per unit, its finish ticket: the value of one shared counter the unit took when it
    /// finished (with a value, an error or a timeout); `None` if it was cancelled first or
    /// never started. In completion order the ticket is taken in the same step that puts the
    /// result in the gather's queue, so ticket order is the order results became available.
    pub finished: Vec<Option<u64>>,
    /// The most units between start and finish at once.
    pub peak_in_flight: usize,
    /// For every unit that timed out: its deadline to the moment it actually stopped, ns.
    pub cancel_latency_ns: Vec<u64>,
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
        }
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

    /// Whether unit `index` is still waiting at its deadline.
    pub fn times_out(&self, index: usize) -> bool {
        self.deadline.is_some_and(|t| self.wait_of(index) > t)
    }

    /// The part of a unit after its wait: the kernel, then success or failure. An error unit
    /// still does its work (the value is discarded through `black_box`, so it is computed).
    pub fn compute(&self, index: usize) -> UnitResult {
        let value = kernel(index, self.work);
        if self.fails(index) {
            black_box(value);
            Err(UnitError::Failed { index })
        } else {
            Ok(value)
        }
    }

    /// The expected result of every unit, in input order.
    pub fn expected(&self) -> impl Iterator<Item = UnitResult> + '_ {
        let expect = Expect::new(self.work);
        (0..self.units).map(move |i| self.expected_with(&expect, i))
    }

    fn expected_with(&self, expect: &Expect, index: usize) -> UnitResult {
        if self.times_out(index) {
            Err(UnitError::TimedOut { index })
        } else if self.fails(index) {
            Err(UnitError::Failed { index })
        } else {
            Ok(expect.value(index))
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

    /// Hands blocking strategies' per-unit results over in input order: all of them, or up to
    /// and including the first error under fail-fast. Stops at a unit with no result (a bug
    /// `verify` will name as a missing unit).
    pub fn hand_over_in_order(&self, results: Vec<Option<UnitResult>>) -> Vec<Handed> {
        let fail_fast = self.fail_fast();
        let mut handed = Vec::with_capacity(results.len());
        for (index, result) in results.into_iter().enumerate() {
            let Some(result) = result else { break };
            handed.push(Handed { index, result });
            if fail_fast && result.is_err() {
                break;
            }
        }
        handed
    }

    /// One unit on the calling thread, for the blocking strategies (sequential, threads,
    /// rayon): the same body everywhere, so they differ only in how they schedule units.
    ///
    /// The wait is `thread::sleep`, or with a [`CancelGate`] a condvar wait that the gate can
    /// cut short. A deadline is cooperative, like `recv_timeout`: the unit waits until
    /// min(its wait, its deadline) and, if the deadline came first, stops there and reports
    /// `TimedOut` with the cancel latency (its wake-up past the deadline). Returns `None` if
    /// the gate cancelled the unit before or during its wait. On an error under fail-fast the
    /// unit itself raises the gate: input order cancels the units after it (they cannot be
    /// the first error), completion order cancels all.
    ///
    /// `deliver` is the completion-order hand-over: called with the result under the
    /// recorder's delivery lock, right after the finish ticket is taken.
    pub fn run_blocking(
        &self,
        index: usize,
        recorder: &Recorder,
        gate: Option<&CancelGate>,
        deliver: Option<&dyn Fn(Handed)>,
    ) -> Option<UnitResult> {
        if gate.is_some_and(|g| g.is_cancelled(index)) {
            return None;
        }
        let _in_flight = recorder.in_flight.enter();
        let start = Instant::now();
        let wait = self.wait_of(index);
        let deadline_at = self.deadline.filter(|&t| t < wait).map(|t| start + t);
        let until = deadline_at.unwrap_or(start + wait);
        if !wait.is_zero() {
            match gate {
                Some(gate) => {
                    if !gate.sleep_until(index, until) {
                        return None;
                    }
                }
                None => sleep_until(until),
            }
        }
        let result = match deadline_at {
            Some(deadline_at) => {
                recorder.timed_out(deadline_at, Instant::now());
                Err(UnitError::TimedOut { index })
            }
            None => self.compute(index),
        };
        match deliver {
            Some(deliver) => recorder.finish_into(index, || deliver(Handed { index, result })),
            None => {
                recorder.finish(index);
            }
        }
        if let (true, Some(gate), Err(_)) = (self.fail_fast(), gate, result) {
            match self.order {
                Order::Input => gate.cancel_from(index + 1),
                Order::Completion => gate.cancel_from(0),
            }
        }
        Some(result)
    }

    /// Per unit: (effective wait, whether it runs its CPU work). A unit that times out waits
    /// only until its deadline and never computes.
    fn busy(&self, index: usize) -> (Duration, bool) {
        match self.deadline {
            Some(t) if self.times_out(index) => (t, false),
            _ => (self.wait_of(index), true),
        }
    }

    /// The CPU cost of one unit's work in ns, from the calibration; `None` if work needs one
    /// and the run has none.
    fn unit_cpu_ns(&self, ctx: &Context) -> Option<f64> {
        if self.work == 0 {
            return Some(0.0);
        }
        ctx.calibration.get(CALIBRATION_KEY).map(|ns| ns * self.work as f64)
    }

    /// A lower bound on running `units` with at most `slots` in flight on `cores` cores: the
    /// longest unit; total CPU / cores after the first wait that ends in work (a unit computes
    /// only after its wait, so for d = 10 ms and CPU / W = 5 ms the floor is 15 ms, not 10);
    /// and with fewer slots than units, max(Σ busy / slots, ⌈count / slots⌉ × the shortest).
    fn floor(
        &self,
        units: impl Iterator<Item = usize>,
        cpu_ns: f64,
        slots: Option<usize>,
        cores: usize,
    ) -> Duration {
        let (mut count, mut sum_busy, mut max_busy, mut min_busy, mut sum_cpu) =
            (0usize, 0.0, 0.0f64, f64::INFINITY, 0.0);
        let mut first_work = f64::INFINITY;
        for i in units {
            let (wait, computes) = self.busy(i);
            let wait = wait.as_nanos() as f64;
            let cpu = if computes { cpu_ns } else { 0.0 };
            if computes {
                first_work = first_work.min(wait);
            }
            let busy = wait + cpu;
            count += 1;
            sum_busy += busy;
            sum_cpu += cpu;
            max_busy = max_busy.max(busy);
            min_busy = min_busy.min(busy);
        }
        if count == 0 {
            return Duration::ZERO;
        }
        let cpu_floor = if sum_cpu > 0.0 { first_work + sum_cpu / cores.max(1) as f64 } else { 0.0 };
        let mut floor = max_busy.max(cpu_floor);
        if let Some(slots) = slots.filter(|&s| s < count) {
            let rounds = count.div_ceil(slots) as f64;
            floor = floor.max(sum_busy / slots as f64).max(rounds * min_busy);
        }
        Duration::from_nanos(floor.round() as u64)
    }

    /// The floor for a case whose units run with `slots` in flight on `cores` cores. Under
    /// fail-fast, only the units up to the first error must finish (input order), or only
    /// the quickest error unit (completion order: any error may come first).
    fn time_with(&self, cpu_ns: f64, slots: Option<usize>, cores: usize, completion_floor: bool) -> Duration {
        match (self.fail_fast(), self.first_error()) {
            (true, Some(_)) if completion_floor => (0..self.units)
                .filter(|&i| self.times_out(i) || self.fails(i))
                .map(|i| self.floor(std::iter::once(i), cpu_ns, None, cores))
                .min()
                .unwrap_or_default(),
            (true, Some(first)) => self.floor(0..=first, cpu_ns, slots, cores),
            _ => self.floor(0..self.units, cpu_ns, slots, cores),
        }
    }
}

fn sleep_until(until: Instant) {
    let now = Instant::now();
    if until > now {
        std::thread::sleep(until - now);
    }
}

// ---------------------------------------------------------------------------------------------
// Shared run-time helpers

/// The bookkeeping every strategy shares: finish tickets, the in-flight counter, the
/// completion-order delivery lock and the cancel latencies.
#[derive(Debug)]
pub struct Recorder {
    clock: AtomicU64,
    finished: Vec<AtomicU64>,
    /// Enter when a unit starts (after its limit permit), leave when it ends or is dropped.
    pub in_flight: InFlight,
    delivery: Mutex<()>,
    cancel_latency_ns: Mutex<Vec<u64>>,
}

impl Recorder {
    pub fn new(units: usize) -> Self {
        Recorder {
            clock: AtomicU64::new(0),
            finished: (0..units).map(|_| AtomicU64::new(0)).collect(),
            in_flight: InFlight::default(),
            delivery: Mutex::new(()),
            cancel_latency_ns: Mutex::new(Vec::new()),
        }
    }

    /// Stamps unit `index` finished and returns its ticket (1, 2, ...).
    pub fn finish(&self, index: usize) -> u64 {
        let ticket = self.clock.fetch_add(1, Ordering::SeqCst) + 1;
        if let Some(slot) = self.finished.get(index) {
            slot.store(ticket, Ordering::SeqCst);
        }
        ticket
    }

    /// Stamps unit `index` finished and hands its result to the gather's queue in one step
    /// (`deliver` must not block), so the queue's order is the tickets' order.
    pub fn finish_into<R>(&self, index: usize, deliver: impl FnOnce() -> R) -> R {
        let _order = lock(&self.delivery);
        self.finish(index);
        deliver()
    }

    /// A unit stopped at `stopped_at` because its deadline `deadline_at` passed.
    pub fn timed_out(&self, deadline_at: Instant, stopped_at: Instant) {
        let late = stopped_at.saturating_duration_since(deadline_at).as_nanos() as u64;
        lock(&self.cancel_latency_ns).push(late);
    }

    /// The outcome, once every unit has finished or been cancelled and awaited.
    pub fn outcome(&self, handed: Vec<Handed>) -> FanOutOutcome {
        let finished =
            self.finished.iter().map(|t| Some(t.load(Ordering::SeqCst)).filter(|&t| t > 0)).collect();
        FanOutOutcome {
            handed,
            finished,
            peak_in_flight: self.in_flight.peak(),
            cancel_latency_ns: lock(&self.cancel_latency_ns).clone(),
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panicking unit is reported by its strategy; the data here stays usable.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Cooperative cancellation for blocking strategies: units with index >= `cancel_from` are
/// cancelled. A unit checks before it starts, and its wait is a condvar wait that a
/// cancellation wakes at once.
#[derive(Debug)]
pub struct CancelGate {
    from: AtomicUsize,
    state: Mutex<usize>,
    wake: Condvar,
}

impl Default for CancelGate {
    fn default() -> Self {
        CancelGate { from: AtomicUsize::new(usize::MAX), state: Mutex::new(usize::MAX), wake: Condvar::new() }
    }
}

impl CancelGate {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn is_cancelled(&self, index: usize) -> bool {
        index >= self.from.load(Ordering::SeqCst)
    }

    /// Cancels every unit with index >= `from` (never un-cancels) and wakes their waits.
    pub fn cancel_from(&self, from: usize) {
        let mut state = lock(&self.state);
        if from < *state {
            *state = from;
            self.from.store(from, Ordering::SeqCst);
            self.wake.notify_all();
        }
    }

    /// Waits until `until`; `false` if unit `index` was cancelled first.
    pub fn sleep_until(&self, index: usize, until: Instant) -> bool {
        let mut state = lock(&self.state);
        loop {
            if index >= *state {
                return false;
            }
            let now = Instant::now();
            if now >= until {
                return true;
            }
            state =
                self.wake.wait_timeout(state, until - now).unwrap_or_else(|poisoned| poisoned.into_inner()).0;
        }
    }
}

/// Turns a strategy's join failure into a `RunError` naming the strategy.
pub fn join_failed(strategy: &str, why: impl std::fmt::Display) -> RunError {
    RunError::failed(format!("{strategy}: a fan-out unit failed to join: {why}"))
}

// ---------------------------------------------------------------------------------------------
// Verification and the contract

impl WorkloadSpec for FanOutSpec {
    type Outcome = FanOutOutcome;
    const WORKLOAD: Workload = Workload::FanOut;

    fn validate(&self) -> Result<(), SpecError> {
        check_range("--units", self.units as u64, 1, MAX_UNITS as u64)?;
        check_range("--work", self.work, 0, MAX_WORK)?;
        if self.units as u128 * self.work as u128 > MAX_TOTAL_WORK {
            return Err(SpecError::new(format!(
                "--units × --work must be at most {MAX_TOTAL_WORK} kernel iterations (a few minutes of CPU), got {}",
                self.units as u128 * self.work as u128
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
        let n = self.units;
        if outcome.finished.len() != n {
            return Err(format!("expected finish records for {n} units, got {}", outcome.finished.len()));
        }
        // Tickets: distinct, each in 1..=n (one per finished unit).
        let mut ticket_seen = vec![false; n + 1];
        for (i, ticket) in outcome.finished.iter().enumerate() {
            if let Some(t) = *ticket {
                let t = t as usize;
                if t == 0 || t > n || std::mem::replace(&mut ticket_seen[t], true) {
                    return Err(format!("unit {i} has an impossible or repeated finish ticket {t}"));
                }
            }
        }
        let expect = Expect::new(self.work);
        let mut unit_seen = vec![false; n];
        for (at, h) in outcome.handed.iter().enumerate() {
            if h.index >= n {
                return Err(format!("result {at} names unit {}, but there are {n} units", h.index));
            }
            if std::mem::replace(&mut unit_seen[h.index], true) {
                return Err(format!("unit {} was handed over twice", h.index));
            }
            let want = self.expected_with(&expect, h.index);
            if h.result != want {
                return Err(format!("unit {} returned {:?}, expected {want:?}", h.index, h.result));
            }
            if outcome.finished[h.index].is_none() {
                return Err(format!("unit {} was handed over but never finished", h.index));
            }
        }

        let first_error = if self.fail_fast() { self.first_error() } else { None };
        let handed = &outcome.handed;
        match self.order {
            Order::Input => {
                let want_len = first_error.map_or(n, |e| e + 1);
                if let Some((at, h)) = handed.iter().enumerate().find(|(at, h)| h.index != *at) {
                    return Err(format!("result {at} is unit {}, expected unit {at} (input order)", h.index));
                }
                if handed.len() != want_len {
                    return Err(match first_error {
                        Some(e) => format!(
                            "fail-fast in input order must hand over units 0..={e} (unit {e} is the first error), got {} results",
                            handed.len()
                        ),
                        None => format!("expected all {n} results, got {}", handed.len()),
                    });
                }
            }
            Order::Completion => {
                let tickets: Vec<u64> = handed.iter().filter_map(|h| outcome.finished[h.index]).collect();
                if let Some(at) = tickets.windows(2).position(|w| w[0] >= w[1]) {
                    return Err(format!(
                        "unit {} finished before unit {} but was handed over after it (completion order)",
                        handed[at + 1].index,
                        handed[at].index
                    ));
                }
                match first_error {
                    None => {
                        if handed.len() != n {
                            return Err(format!("expected all {n} results, got {}", handed.len()));
                        }
                    }
                    Some(_) => {
                        let Some(last) = handed.last().filter(|h| h.result.is_err()) else {
                            return Err("fail-fast must end the gather at the first error to finish; no error was handed over".into());
                        };
                        if let Some(h) = handed[..handed.len() - 1].iter().find(|h| h.result.is_err()) {
                            return Err(format!(
                                "the gather went on past the error of unit {} (fail-fast)",
                                h.index
                            ));
                        }
                        let last_ticket = outcome.finished[last.index].unwrap_or(0);
                        let before = outcome.finished.iter().flatten().filter(|&&t| t <= last_ticket).count();
                        if before != handed.len() {
                            return Err(format!(
                                "{before} units finished up to the first error (unit {}), but {} were handed over",
                                last.index,
                                handed.len()
                            ));
                        }
                    }
                }
            }
        }

        if outcome.peak_in_flight == 0 || outcome.peak_in_flight > n {
            return Err(format!("peak in flight {} is impossible for {n} units", outcome.peak_in_flight));
        }
        if let Some(limit) = self.limit.filter(|&l| outcome.peak_in_flight > l) {
            return Err(format!(
                "{} units were in flight at once, over the limit {limit}",
                outcome.peak_in_flight
            ));
        }
        let handed_timeouts =
            handed.iter().filter(|h| matches!(h.result, Err(UnitError::TimedOut { .. }))).count();
        let expected_timeouts = (0..n).filter(|&i| self.times_out(i)).count();
        let latencies = outcome.cancel_latency_ns.len();
        if latencies < handed_timeouts || latencies > expected_timeouts {
            return Err(format!(
                "{latencies} cancel latencies for {handed_timeouts} timed-out results ({expected_timeouts} slow units)"
            ));
        }

        let mut notes = BTreeMap::new();
        let failed = handed.iter().filter(|h| matches!(h.result, Err(UnitError::Failed { .. }))).count();
        notes.insert("handed_over".into(), handed.len().into());
        notes.insert("failed".into(), failed.into());
        if self.deadline.is_some() {
            notes.insert("timed_out".into(), handed_timeouts.into());
            let mut lat = outcome.cancel_latency_ns.clone();
            lat.sort_unstable();
            if !lat.is_empty() {
                notes.insert(
                    "cancel_latency_ns".into(),
                    serde_json::json!({
                        "count": lat.len(),
                        "p50": lat[lat.len() / 2],
                        "max": lat[lat.len() - 1],
                    }),
                );
            }
        }
        if self.fail_fast() {
            let not_finished = outcome.finished.iter().filter(|t| t.is_none()).count();
            notes.insert("stopped_early".into(), (handed.len() < n).into());
            notes.insert("not_finished".into(), not_finished.into());
            if let Some(err) = handed.last().filter(|h| h.result.is_err()) {
                let at = outcome.finished[err.index].unwrap_or(0);
                let after = outcome.finished.iter().flatten().filter(|&&t| t > at).count();
                notes.insert("first_error_unit".into(), err.index.into());
                notes.insert("completed_after_error".into(), after.into());
            }
        }
        Ok(Summary {
            peak_in_flight: Some(outcome.peak_in_flight),
            throughput: Some(Throughput { unit: "units/s".into(), count: handed.len() as u64 }),
            latency: None,
            notes,
        })
    }

    fn ideal(&self, ctx: &Context) -> Option<Duration> {
        let cpu = self.unit_cpu_ns(ctx)?;
        Some(self.time_with(cpu, self.limit, ctx.workers.max(1), self.order == Order::Completion))
    }

    fn predict(&self, overlap: Overlap, ctx: &Context) -> Option<Duration> {
        // Uncalibrated, the CPU part counts as zero: the waits alone still bound the time.
        let cpu = self.unit_cpu_ns(ctx).unwrap_or(0.0);
        let slots = overlap.effective(WaitKind::Timer, self.units).min(self.limit.unwrap_or(usize::MAX));
        let cores = ctx.workers.max(1).min(slots);
        let slots = Some(slots);
        // A strategy that overlaps less than everything runs completion order like input order.
        let completion = self.order == Order::Completion && overlap.timer.is_none();
        Some(self.time_with(cpu, slots, cores, completion))
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
        })
    }

    fn units(&self) -> u64 {
        self.units as u64
    }
}

/// Serde for `Option<Duration>` as text (`"8ms"`) or null.
mod opt_duration_text {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::time::Duration;

    pub fn serialize<S: Serializer>(d: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_str(&crate::format_duration(*d)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|text| crate::parse_duration(&text).map_err(serde::de::Error::custom))
            .transpose()
    }
}

// ---------------------------------------------------------------------------------------------
// Cases

/// Kernel iterations for ~20 µs of CPU a unit at ~1 ns an iteration (so the CPU case is
/// ~200 ms sequential); the calibration records the real cost next to every result.
const K_20US: u64 = 20_000;

/// The fan-out cases of a preset. Sizes keep the quick preset's fan-out share near 20 s on two
/// cores (every case × 6 strategies × 4 runs); the full preset sweeps N and k.
///
/// - `cpu`: CPU only; the parallel strategies should reach total CPU / W.
/// - `wait`: waits with tiny work; only strategies that overlap every wait reach d.
/// - `mixed`: a wait then ~100 µs of CPU a unit; waits overlap, CPU still needs cores.
/// - `limit`: L = 10 units in flight, so the floor is ⌈N / L⌉ waits.
/// - `errors`: every 100th unit fails, `collect` vs `fail-fast` on the same units.
/// - `deadline`: slow units (i % 4 == 3) wait 4 d, past the deadline t; exactly they time out.
/// - `completion`: slow units finish last; results are handed over as they finish.
pub fn cases(preset: Preset) -> Vec<Case> {
    let ms = Duration::from_millis;
    let mut specs: Vec<(&str, FanOutSpec)> = Vec::new();
    match preset {
        Preset::Quick => {
            specs.push(("cpu", FanOutSpec::new(10_000, K_20US, Duration::ZERO)));
            specs.push(("wait", FanOutSpec::new(100, 100, ms(10))));
            specs.push(("mixed", FanOutSpec::new(100, 5 * K_20US, ms(2))));
            specs.push(("limit", FanOutSpec::new(100, 100, ms(2)).with_limit(10)));
            for policy in [ErrorPolicy::Collect, ErrorPolicy::FailFast] {
                specs.push((
                    "errors",
                    FanOutSpec::new(10_000, K_20US / 2, Duration::ZERO).with_errors(100, policy),
                ));
            }
            specs.push(("deadline", FanOutSpec::new(40, 100, ms(5)).with_slow().with_deadline(ms(8))));
            specs.push((
                "completion",
                FanOutSpec::new(100, 100, ms(1)).with_slow().with_order(Order::Completion),
            ));
        }
        Preset::Full => {
            // Crossover of per-task cost and unit cost: k swept at N = 10,000, N swept at k = 1,000.
            for k in [10, 100, 1_000, 10_000, 100_000] {
                specs.push(("cpu", FanOutSpec::new(10_000, k, Duration::ZERO)));
            }
            for n in [100, 1_000, 100_000] {
                specs.push(("cpu", FanOutSpec::new(n, 1_000, Duration::ZERO)));
            }
            for n in [10, 100, 1_000, 10_000] {
                specs.push(("wait", FanOutSpec::new(n, 100, ms(10))));
            }
            // Waits of 10 ms: 200 × 10 ms is 2 s sequential; k from wait-bound to CPU-bound.
            for k in [10_000, 100_000, 1_000_000] {
                specs.push(("mixed", FanOutSpec::new(200, k, ms(10))));
            }
            for limit in [1, 10, 100] {
                specs.push(("limit", FanOutSpec::new(100, 100, ms(10)).with_limit(limit)));
            }
            for policy in [ErrorPolicy::Collect, ErrorPolicy::FailFast] {
                specs.push((
                    "errors",
                    FanOutSpec::new(100_000, 1_000, Duration::ZERO).with_errors(100, policy),
                ));
                specs.push(("errors", FanOutSpec::new(200, 1_000, ms(2)).with_errors(10, policy)));
            }
            specs.push(("deadline", FanOutSpec::new(200, 100, ms(10)).with_slow().with_deadline(ms(25))));
            specs.push((
                "completion",
                FanOutSpec::new(200, 100, ms(5)).with_slow().with_order(Order::Completion),
            ));
            specs.push((
                "completion",
                FanOutSpec::new(10_000, 10_000, Duration::ZERO).with_order(Order::Completion),
            ));
        }
    }
    specs
        .into_iter()
        .map(|(variant, spec)| Case::new(spec.case_name(variant), crate::Spec::FanOut(spec)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a correct sequential run reports (tickets in input order, one unit in flight).
    fn simulate(spec: &FanOutSpec) -> FanOutOutcome {
        let recorder = Recorder::new(spec.units);
        let mut results = Vec::new();
        for i in 0..spec.units {
            let r = if spec.times_out(i) {
                recorder.timed_out(Instant::now(), Instant::now());
                Err(UnitError::TimedOut { index: i })
            } else {
                spec.compute(i)
            };
            recorder.finish(i);
            let _g = recorder.in_flight.enter();
            results.push(Some(r));
            if spec.fail_fast() && r.is_err() {
                break;
            }
        }
        let handed = spec.hand_over_in_order(results);
        recorder.outcome(handed)
    }

    fn ctx(workers: usize) -> Context {
        Context { workers, calibration: [(CALIBRATION_KEY.to_string(), 1.0)].into() }
    }

    #[test]
    fn jump_ahead_matches_the_kernel() {
        for work in [0, 1, 2, 3, 7, 64, 1_000, 12_345] {
            let expect = Expect::new(work);
            for index in [0, 1, 2, 99, 123_456] {
                assert_eq!(expect.value(index), kernel(index, work), "index {index} work {work}");
            }
        }
    }

    #[test]
    fn kernel_depends_on_index_and_work() {
        assert_ne!(kernel(1, 100), kernel(2, 100));
        assert_ne!(kernel(1, 100), kernel(1, 101));
    }

    #[test]
    fn calibration_is_positive() {
        let found = calibrate();
        assert_eq!(found[0].0, CALIBRATION_KEY);
        assert!(found[0].1 > 0.0 && found[0].1.is_finite());
    }

    #[test]
    fn verify_accepts_the_expected_answer() {
        let plain = FanOutSpec::new(20, 50, Duration::ZERO);
        let summary = plain.verify(&simulate(&plain)).unwrap();
        assert_eq!(summary.peak_in_flight, Some(1));
        let collect = plain.clone().with_errors(3, ErrorPolicy::Collect);
        let outcome = simulate(&collect);
        assert_eq!(outcome.handed.len(), 20);
        assert_eq!(outcome.handed[2].result, Err(UnitError::Failed { index: 2 }));
        collect.verify(&outcome).unwrap();
        let fail_fast = plain.clone().with_errors(3, ErrorPolicy::FailFast);
        let summary = fail_fast.verify(&simulate(&fail_fast)).unwrap();
        assert_eq!(summary.notes["first_error_unit"], 2);
        assert_eq!(summary.notes["completed_after_error"], 0);
        assert_eq!(summary.notes["stopped_early"], true);
        let deadline = FanOutSpec::new(8, 10, Duration::from_millis(5))
            .with_slow()
            .with_deadline(Duration::from_millis(10));
        let summary = deadline.verify(&simulate(&deadline)).unwrap();
        assert_eq!(summary.notes["timed_out"], 2);
        let completion = plain.with_order(Order::Completion);
        completion.verify(&simulate(&completion)).unwrap();
    }

    #[test]
    fn verify_rejects_wrong_answers() {
        let spec = FanOutSpec::new(6, 10, Duration::ZERO).with_errors(4, ErrorPolicy::Collect);
        let good = simulate(&spec);
        let mut forged = Vec::new();
        let mut o = good.clone();
        o.handed.swap(0, 1);
        forged.push(("reordered", o));
        let mut o = good.clone();
        o.handed.pop();
        forged.push(("missing", o));
        let mut o = good.clone();
        o.handed[5] = o.handed[4];
        forged.push(("duplicated", o));
        let mut o = good.clone();
        o.handed[0].result = Ok(1);
        forged.push(("wrong value", o));
        let mut o = good.clone();
        o.handed[3].result = Ok(kernel(3, 10));
        forged.push(("error dropped", o));
        let mut o = good.clone();
        o.finished[0] = None;
        forged.push(("handed but never finished", o));
        let mut o = good.clone();
        o.finished[1] = o.finished[0];
        forged.push(("repeated ticket", o));
        let mut o = good.clone();
        o.peak_in_flight = 0;
        forged.push(("no peak", o));
        for (what, bad) in forged {
            assert!(spec.verify(&bad).is_err(), "{what} verified");
        }

        let limited = FanOutSpec::new(6, 10, Duration::ZERO).with_limit(2);
        let mut o = simulate(&limited);
        o.peak_in_flight = 3;
        assert!(limited.verify(&o).is_err(), "over the limit verified");

        // Fail-fast must stop exactly at the first error and not go on.
        let ff = FanOutSpec::new(10, 10, Duration::ZERO).with_errors(3, ErrorPolicy::FailFast);
        let all = simulate(&FanOutSpec {
            errors: Some(Errors { every: 3, policy: ErrorPolicy::Collect }),
            ..ff.clone()
        });
        assert!(ff.verify(&all).is_err(), "fail-fast that went on verified");
        let mut short = simulate(&ff);
        short.handed.truncate(2);
        assert!(ff.verify(&short).is_err(), "fail-fast that stopped before the error verified");
    }

    #[test]
    fn completion_order_follows_finish_tickets() {
        let spec = FanOutSpec::new(4, 10, Duration::ZERO).with_order(Order::Completion);
        let mut o = simulate(&spec);
        // Units finished 2, 0, 3, 1 and were handed over in that order: fine.
        o.finished = vec![Some(2), Some(4), Some(1), Some(3)];
        o.handed = [2, 0, 3, 1].map(|i| Handed { index: i, result: Ok(kernel(i, 10)) }).to_vec();
        spec.verify(&o).unwrap();
        // Handed over in input order although they finished otherwise: rejected.
        o.handed.sort_by_key(|h| h.index);
        assert!(spec.verify(&o).is_err());

        // Fail-fast in completion order: everything that finished before the first error, then it.
        let ff = FanOutSpec::new(4, 10, Duration::ZERO)
            .with_errors(2, ErrorPolicy::FailFast)
            .with_order(Order::Completion);
        let ok = |i: usize| Handed { index: i, result: Ok(kernel(i, 10)) };
        let err = |i: usize| Handed { index: i, result: Err(UnitError::Failed { index: i }) };
        let mut o = simulate(&ff);
        o.finished = vec![Some(1), None, Some(2), Some(3)];
        o.handed = vec![ok(0), ok(2), err(3)];
        let summary = ff.verify(&o).unwrap();
        assert_eq!(summary.notes["first_error_unit"], 3);
        // An earlier finished unit left out: rejected.
        o.handed = vec![ok(2), err(3)];
        assert!(ff.verify(&o).is_err());
    }

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
    fn ideal_and_prediction() {
        // 100 units of 1 ms wait and 1,000 ns of CPU (1 ns an iteration).
        let spec = FanOutSpec::new(100, 1_000, Duration::from_millis(1));
        let c = ctx(2);
        assert_eq!(spec.ideal(&c), Some(Duration::from_micros(1_050)));
        assert_eq!(spec.ideal(&Context::default()), None);
        let seq = Overlap { timer: Some(1), blocking: Some(1) };
        let rayon = Overlap { timer: Some(2), blocking: Some(2) };
        let tokio = Overlap { timer: None, blocking: Some(512) };
        assert_eq!(spec.predict(seq, &c), Some(Duration::from_micros(100_100)));
        assert_eq!(spec.predict(rayon, &c), Some(Duration::from_micros(50_050)));
        assert_eq!(spec.predict(tokio, &c), Some(Duration::from_micros(1_050)));
        // CPU bound: total CPU / W.
        let cpu = FanOutSpec::new(1_000, 1_000_000, Duration::ZERO);
        assert_eq!(cpu.ideal(&c), Some(Duration::from_millis(500)));
        assert_eq!(cpu.predict(seq, &c), Some(Duration::from_secs(1)));
        // A limit: ⌈N / L⌉ waits.
        let limited = FanOutSpec::new(100, 0, Duration::from_millis(2)).with_limit(10);
        assert_eq!(limited.ideal(&c), Some(Duration::from_millis(20)));
        // Deadline: slow units stop at t.
        let deadline = FanOutSpec::new(4, 0, Duration::from_millis(5))
            .with_slow()
            .with_deadline(Duration::from_millis(8));
        assert_eq!(deadline.predict(seq, &c), Some(Duration::from_millis(23)));
        // Fail-fast in input order: only units up to the first error must finish.
        let ff = FanOutSpec::new(100, 0, Duration::from_millis(1)).with_errors(10, ErrorPolicy::FailFast);
        assert_eq!(ff.predict(seq, &c), Some(Duration::from_millis(10)));
    }

    #[test]
    fn cases_are_valid_and_named() {
        for preset in [Preset::Quick, Preset::Full] {
            for case in cases(preset) {
                case.spec.validate().unwrap_or_else(|e| panic!("{}: {e}", case.name));
            }
        }
        let names: Vec<String> = cases(Preset::Quick).into_iter().map(|c| c.name).collect();
        assert!(names.contains(&"fan-out/deadline/n=40/k=100/d=5ms/slow/t=8ms".to_string()), "{names:?}");
    }

    #[test]
    fn spec_round_trips_through_json() {
        let spec = FanOutSpec::new(10, 5, Duration::from_millis(3))
            .with_slow()
            .with_deadline(Duration::from_millis(7))
            .with_errors(5, ErrorPolicy::FailFast)
            .with_limit(4)
            .with_order(Order::Completion);
        let json = serde_json::to_string(&crate::Spec::FanOut(spec.clone())).unwrap();
        let back: crate::Spec = serde_json::from_str(&json).unwrap();
        assert!(matches!(back, crate::Spec::FanOut(s) if s == spec));
    }
}
