//! The fan-out ideal-time model: the calibrated cost of a kernel iteration, the floor of a
//! case (max of the longest unit and total CPU / W, limited by slots), and the prediction for
//! a strategy that overlaps fewer waits.

use std::hint::black_box;
use std::time::{Duration, Instant};

use super::kernel::kernel;
use super::{FanOutSpec, Order};
use crate::spec::Context;
use crate::strategy::{Overlap, WaitKind};

/// The calibration key: nanoseconds of one [`kernel`] iteration on this machine.
pub const CALIBRATION_KEY: &str = "fan-out.unit_ns";

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

/// The physical floor: every unit overlapped, total CPU spread over W cores.
pub(super) fn ideal(spec: &FanOutSpec, ctx: &Context) -> Option<Duration> {
    let cpu = spec.iteration_ns(ctx)?;
    Some(spec.time_with(cpu, spec.limit, ctx.workers.max(1), spec.order == Order::Completion))
}

/// The expected time for a strategy that overlaps `overlap` waits, for the budget rule.
pub(super) fn predict(spec: &FanOutSpec, overlap: Overlap, ctx: &Context) -> Option<Duration> {
    // Uncalibrated, the CPU part counts as zero: the waits alone still bound the time.
    let cpu = spec.iteration_ns(ctx).unwrap_or(0.0);
    let slots = overlap.effective(WaitKind::Timer, spec.units).min(spec.limit.unwrap_or(usize::MAX));
    let cores = ctx.workers.max(1).min(slots);
    let slots = Some(slots);
    // A strategy that overlaps less than everything runs completion order like input order.
    let completion = spec.order == Order::Completion && overlap.timer.is_none();
    Some(spec.time_with(cpu, slots, cores, completion))
}

impl FanOutSpec {
    /// Per unit: (effective wait, whether it runs its CPU work). A unit that times out waits
    /// only until its deadline and never computes.
    fn busy(&self, index: usize) -> (Duration, bool) {
        match self.deadline {
            Some(t) if self.times_out(index) => (t, false),
            _ => (self.wait_of(index), true),
        }
    }

    /// The CPU cost of one kernel iteration in ns, from the calibration; `None` if work needs
    /// one and the run has none.
    fn iteration_ns(&self, ctx: &Context) -> Option<f64> {
        if self.work == 0 {
            return Some(0.0);
        }
        ctx.calibration.get(CALIBRATION_KEY).copied()
    }

    /// A lower bound on running `units` with at most `slots` in flight on `cores` cores: the
    /// longest unit; total CPU / cores after the first wait that ends in work (a unit computes
    /// only after its wait, so for d = 10 ms and CPU / W = 5 ms the floor is 15 ms, not 10);
    /// and with fewer slots than units, max(Σ busy / slots, ⌈count / slots⌉ × the shortest).
    fn floor(
        &self,
        units: impl Iterator<Item = usize>,
        iteration_ns: f64,
        slots: Option<usize>,
        cores: usize,
    ) -> Duration {
        let (mut count, mut sum_busy, mut max_busy, mut min_busy, mut sum_cpu) =
            (0usize, 0.0, 0.0f64, f64::INFINITY, 0.0);
        let mut first_work = f64::INFINITY;
        for i in units {
            let (wait, computes) = self.busy(i);
            let wait = wait.as_nanos() as f64;
            let cpu = if computes { iteration_ns * self.work_of(i) as f64 } else { 0.0 };
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
    fn time_with(
        &self,
        iteration_ns: f64,
        slots: Option<usize>,
        cores: usize,
        completion_floor: bool,
    ) -> Duration {
        match (self.fail_fast(), self.first_error()) {
            (true, Some(_)) if completion_floor => (0..self.units)
                .filter(|&i| self.times_out(i) || self.fails(i))
                .map(|i| self.floor(std::iter::once(i), iteration_ns, None, cores))
                .min()
                .unwrap_or_default(),
            (true, Some(first)) => self.floor(0..=first, iteration_ns, slots, cores),
            _ => self.floor(0..self.units, iteration_ns, slots, cores),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::ErrorPolicy;
    use super::*;
    use crate::WorkloadSpec;

    fn ctx(workers: usize) -> Context {
        Context { workers, calibration: [(CALIBRATION_KEY.to_string(), 1.0)].into() }
    }

    #[test]
    fn calibration_is_positive() {
        let found = calibrate();
        assert_eq!(found[0].0, CALIBRATION_KEY);
        assert!(found[0].1 > 0.0 && found[0].1.is_finite());
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
        // Skew: a quarter of the units do 10 × the work; the floor is total CPU / W either way.
        let skewed = FanOutSpec::new(1_000, 1_000_000, Duration::ZERO).with_skew(super::super::Skew::Striped);
        assert_eq!(skewed.ideal(&c), Some(Duration::from_micros(1_625_000)));
        // Fail-fast in input order: only units up to the first error must finish.
        let ff = FanOutSpec::new(100, 0, Duration::from_millis(1)).with_errors(10, ErrorPolicy::FailFast);
        assert_eq!(ff.predict(seq, &c), Some(Duration::from_millis(10)));
    }
}
