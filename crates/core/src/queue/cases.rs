//! The queue cases of each preset: one entry per case, and the quick preset's sizes.

use std::time::Duration;

use super::{Capacity, Cost, QueueSpec};
use crate::case::{Case, Preset};

/// The full-preset cases its worker sweep re-runs at every W (the scaling charts); see
/// [`Case::scaling`]. `catalog`'s tests check each name exists.
pub const SCALING: &[&str] = &["queue/mpmc/p=4/c=4/b=1024/m=5000000"];

/// The queue cases of a preset.
///
/// - Throughput: spsc (1→1), mpsc (4→1), mpmc (4→4) × bounded(1), bounded(1024), unbounded,
///   tiny messages, no cost. Both presets use fewer messages for bounded(1), where every
///   hand-off is a wake-up (a context switch on a 2-core machine): full runs 1M there (4–5 s a
///   run on the slower strategies, 16 s on python-asyncio) and 5M elsewhere.
/// - With join: mpmc (4→4) bounded(1024) with the tutorial's `task_done` / `join()`, the one
///   case that pays for a count shared by every acknowledgement (its cost is the point).
/// - Latency-bound: the tutorial's consumer that sleeps per item, 1 producer, B = 100,
///   wait 10 ms, C consumers: more consumers should help in proportion. 10 ms, not 1 ms: tokio
///   rounds each sleep up to the next millisecond, so at 1 ms its timer, not its scheduling,
///   would decide the case.
/// - Fine-grained waits (full preset only): the same at 1 ms, C = 1 and 10, where the timer's
///   granularity is the finding. The report shows them beside the ranking, not in it.
pub fn cases(preset: Preset) -> Vec<Case> {
    let (m_rendezvous, m, m_wait, sweep): (usize, usize, usize, &[usize]) = match preset {
        Preset::Quick => (QUICK_BOUNDED_1, QUICK_MESSAGES, QUICK_WAIT_MESSAGES, &[1, 10]),
        Preset::Full => (1_000_000, 5_000_000, 200, &[1, 2, 5, 10, 20, 50, 100]),
    };
    let mut cases = Vec::new();
    for (p, c) in [(1, 1), (4, 1), (4, 4)] {
        for capacity in [Capacity::Bounded(1), Capacity::Bounded(1024), Capacity::Unbounded] {
            let messages = if capacity == Capacity::Bounded(1) { m_rendezvous } else { m };
            cases.push(QueueSpec::new(messages, p, c, capacity));
        }
    }
    cases.push(QueueSpec::new(m, 4, 4, Capacity::Bounded(1024)).with_join());
    for &c in sweep {
        let spec = QueueSpec::new(m_wait, 1, c, Capacity::Bounded(100))
            .with_cost(Cost::Wait(Duration::from_millis(10)));
        cases.push(spec);
    }
    if preset == Preset::Full {
        for c in [1, 10] {
            let spec = QueueSpec::new(1_000, 1, c, Capacity::Bounded(100))
                .with_cost(Cost::Wait(Duration::from_millis(1)));
            cases.push(spec);
        }
    }
    if preset == Preset::Full {
        cases.extend(rate_sweep());
    }
    cases.into_iter().map(|spec| Case::new(spec.case_name(), crate::Spec::Queue(spec))).collect()
}

/// The full preset's open-loop sweep: 1 producer → 4 consumers, B = 1024, each consumer waits
/// 10 ms per message (the tutorial's consumer), so capacity is about C / 10 ms = 400 msg/s for
/// a strategy that overlaps 4 waits, W / 10 ms for rayon, 1 / 10 ms for sequential. 10 ms, not
/// 1 ms: tokio rounds each sleep up to the next millisecond, so at 1 ms its timer, not its
/// scheduling, set its saturation (1,000/s against 4,000/s for threads and smol in the run of
/// 2026-11-27, whose sweep was at 1 ms). Rates 50 … 1,600 msg/s, M = R/8 between 100 and 400
/// (at least 100 samples for the p99; the top rates are bursts past saturation): about 2
/// minutes over the full preset's strategies, python-asyncio saying unsupported.
pub fn rate_sweep() -> Vec<QueueSpec> {
    [50.0, 100.0, 200.0, 400.0, 800.0, 1_600.0]
        .into_iter()
        .map(|per_sec: f64| {
            let m = ((per_sec / 8.0) as usize).clamp(100, 400);
            QueueSpec::new(m, 1, 4, Capacity::Bounded(1024))
                .with_cost(Cost::Wait(Duration::from_millis(10)))
                .with_rate(crate::http::Rate::fixed(per_sec))
        })
        .collect()
}

/// Quick-preset sizes. The whole quick queue run (11 cases × 6 strategies × 4 runs) must fit in
/// about 20 s on 2 cores, busy or not. Measured with the runner: the throughput cases cost
/// 0.5–1 s each at 200,000 messages; through a capacity of 1 every hand-off is a wake-up (a
/// context switch for blocking threads, ~10 µs on a loaded 2-core VM), so those run 20,000. A
/// latency-bound run cannot beat M × 10 ms / C: M = 10 keeps the C = 1 vs C = 10 comparison
/// (10 rounds of waits against 1) at ~0.1 s a run, so the quick run, with the submit workload
/// added, stays within 90 s. The full preset runs M = 200.
pub const QUICK_MESSAGES: usize = 200_000;
pub const QUICK_BOUNDED_1: usize = 20_000;
pub const QUICK_WAIT_MESSAGES: usize = 10;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_names_are_unique_and_readable() {
        let quick = cases(Preset::Quick);
        assert!(quick.iter().any(|c| c.name == "queue/mpsc/p=4/c=1/b=1024/m=200000"));
        assert!(quick.iter().any(|c| c.name == "queue/spmc/p=1/c=10/b=100/m=10/wait=10ms"));
        assert!(quick.iter().any(|c| c.name == "queue/mpmc/p=4/c=4/b=1024/m=200000/join"));
        let mut names: Vec<_> = quick.iter().map(|c| c.name.clone()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), quick.len());
    }

    #[test]
    fn the_rate_sweep_is_in_full_only() {
        let full = cases(Preset::Full);
        for name in [
            "queue/spmc/p=1/c=4/b=1024/m=100/wait=10ms/rate=50",
            "queue/spmc/p=1/c=4/b=1024/m=200/wait=10ms/rate=1600",
        ] {
            assert!(full.iter().any(|c| c.name == name), "{name} missing");
        }
        assert_eq!(full.iter().filter(|c| c.name.contains("/rate=")).count(), 6);
        assert!(!cases(Preset::Quick).iter().any(|c| c.name.contains("/rate=")));
        for spec in rate_sweep() {
            crate::WorkloadSpec::validate(&spec).unwrap();
        }
    }
}
