//! Every strategy × every sleep mode: verified ids in order, and the peak number of tasks
//! waiting at once — the structural proof of concurrency, which no timing can give.

use std::time::Duration;

use shootout_core::{SleepMode, SleepSpec, Spec, WaitKind, WorkloadSpec};
use shootout_harness::STRATEGIES;

/// W for every strategy in this process (async-std's executor is configured once per process).
const W: usize = 2;
const N: usize = 64;
/// Long enough that spawning 64 units finishes well before the first wait ends, even on a
/// loaded CI machine; short enough that sequential's 64 waits take about 1.3 s.
const D: Duration = Duration::from_millis(20);

/// `None` when the strategy cannot run here (an external one without its interpreter).
fn peak(strategy: &str, mode: SleepMode) -> Option<usize> {
    let entry = STRATEGIES.iter().find(|e| e.name == strategy).unwrap();
    let s = shootout_harness::registry::build_here(entry, W)?;
    let spec = SleepSpec::new(N, D, mode);
    let outcome = s.sleep(&spec).unwrap_or_else(|e| panic!("{strategy} {mode:?}: {e}"));
    let summary = spec.verify(&outcome).unwrap_or_else(|e| panic!("{strategy} {mode:?}: {e}"));
    summary.peak_in_flight
}

#[test]
fn sequential_waits_one_at_a_time() {
    for mode in [SleepMode::Timer, SleepMode::Blocking] {
        assert_eq!(peak("sequential", mode), Some(1), "{mode:?}");
    }
}

#[test]
fn rayon_overlaps_at_most_w_waits() {
    for mode in [SleepMode::Timer, SleepMode::Blocking] {
        let p = peak("rayon", mode).unwrap();
        assert!((1..=W).contains(&p), "{mode:?}: peak {p}");
    }
}

#[test]
fn threads_overlap_every_wait() {
    for mode in [SleepMode::Timer, SleepMode::Blocking] {
        assert_eq!(peak("threads", mode), Some(N), "{mode:?}");
    }
}

/// The async runtimes, read from the registry by what they claim: every timer overlaps, and
/// blocking waits go to a pool with a cap above W (threads overlaps both without one; a runtime
/// whose cap is W has no pool: see `a_blocking_call_holds_a_worker_where_no_pool_takes_it`).
fn async_runtimes() -> Vec<&'static str> {
    let names: Vec<&str> = STRATEGIES
        .iter()
        .filter(|e| {
            let o = (e.overlap)(W);
            o.timer.is_none() && o.blocking.is_some_and(|cap| cap > W)
        })
        .map(|e| e.name)
        .collect();
    assert!(names.contains(&"tokio") && names.contains(&"smol"), "{names:?}");
    names
}

#[test]
fn async_runtimes_overlap_every_timer() {
    for name in async_runtimes() {
        let Some(p) = peak(name, SleepMode::Timer) else { continue };
        assert_eq!(p, N, "{name}");
    }
}

/// Blocking waits are offloaded: far more of them wait at once than there are workers, so no
/// worker is blocked — and never more than the blocking pool's cap.
#[test]
fn async_runtimes_offload_blocking_waits() {
    for name in async_runtimes() {
        let entry = STRATEGIES.iter().find(|e| e.name == name).unwrap();
        let cap = (entry.overlap)(W).of(WaitKind::Blocking).unwrap();
        let Some(p) = peak(name, SleepMode::Blocking) else { continue };
        assert!(p > W && p <= cap.min(N), "{name}: peak {p}, W {W}, cap {cap}");
    }
}

/// A runtime with no blocking pool (may: a coroutine that calls `thread::sleep` holds the worker
/// thread it runs on): every timer overlaps, but blocking waits overlap at most W — one per
/// worker, the rest queued behind them.
#[test]
fn a_blocking_call_holds_a_worker_where_no_pool_takes_it() {
    let names: Vec<&str> = STRATEGIES
        .iter()
        .filter(|e| {
            let o = (e.overlap)(W);
            o.timer.is_none() && o.blocking == Some(W)
        })
        .map(|e| e.name)
        .collect();
    assert!(names.contains(&"may"), "{names:?}");
    for name in names {
        let Some(timer) = peak(name, SleepMode::Timer) else { continue };
        assert_eq!(timer, N, "{name}: timer waits");
        let blocking = peak(name, SleepMode::Blocking).unwrap();
        assert!((1..=W).contains(&blocking), "{name}: peak {blocking} blocking waits with W {W}");
    }
}

/// Memory mode needs all N tasks alive at once: every strategy that can overlap N waits holds
/// them until d after its last spawn (verify checks the join came d after that release, and the
/// peak is N); one that cannot (sequential, rayon) says `unsupported` rather than measuring
/// something else.
#[test]
fn memory_mode_holds_every_task_alive_at_once_or_is_unsupported() {
    let spec = SleepSpec::new(N, D, SleepMode::Memory);
    for entry in STRATEGIES.iter() {
        let Some(s) = shootout_harness::registry::build_here(entry, W) else { continue };
        let can = (entry.overlap)(W).effective(WaitKind::Timer, N) == N;
        match s.sleep(&spec) {
            Ok(outcome) => {
                assert!(can, "{}: overlaps fewer than N waits, yet answered", entry.name);
                let summary = spec.verify(&outcome).unwrap_or_else(|e| panic!("{}: {e}", entry.name));
                assert_eq!(summary.peak_in_flight, Some(N), "{}", entry.name);
            }
            Err(shootout_core::RunError::Unsupported(why)) => {
                assert!(!can && why.contains("alive at once"), "{}: {why}", entry.name)
            }
            Err(e) => panic!("{}: {e}", entry.name),
        }
    }
}

#[test]
fn every_strategy_reports_its_name_workers_and_overlap() {
    for entry in STRATEGIES.iter() {
        let Some(s) = shootout_harness::registry::build_here(entry, W) else { continue };
        assert_eq!(s.name(), entry.name);
        assert_eq!(s.overlap(), (entry.overlap)(W));
        // A fixed W (sequential, the runtimes driven by the final block_on) whatever W is asked.
        let expected_workers = entry.fixed_workers.unwrap_or(W);
        assert_eq!(s.workers(), expected_workers, "{}", entry.name);
    }
}

#[test]
fn a_single_sleep_takes_at_least_its_duration() {
    // Not a speed target: a wait that returns early would be a wrong answer.
    for entry in STRATEGIES.iter() {
        let Some(s) = shootout_harness::registry::build_here(entry, W) else { continue };
        for mode in [SleepMode::Timer, SleepMode::Blocking] {
            let spec = Spec::Sleep(SleepSpec::new(1, Duration::from_millis(5), mode));
            let timed = spec.run_timed(s.as_ref(), None).unwrap();
            assert!(timed.wall_ns >= 5_000_000, "{} {mode:?}: {} ns", entry.name, timed.wall_ns);
        }
    }
}
