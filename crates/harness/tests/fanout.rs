//! The fan-out workload on every strategy of the registry (W = 2): gather order, errors
//! collected and fail-fast, the limit, the deadline and completion order. Each test checks the
//! behaviour directly and also runs core's `verify`, so a strategy that passes here passes the
//! runner's verify pass.

use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use shootout_core::fanout::{ErrorPolicy, FanOutOutcome, Order, UnitError, kernel};
use shootout_core::{FanOutSpec, Strategy, Summary, WorkloadSpec};
use shootout_harness::STRATEGIES;

const W: usize = 2;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Every strategy, built once with W = 2 (async-std's executor is global to the process).
fn strategies() -> &'static [Box<dyn Strategy>] {
    static BUILT: OnceLock<Vec<Box<dyn Strategy>>> = OnceLock::new();
    BUILT.get_or_init(|| {
        STRATEGIES.iter().filter_map(|e| shootout_harness::registry::build_here(e, W)).collect()
    })
}

/// The tests wait on timers with millisecond margins; one at a time keeps two cores free.
fn serial() -> MutexGuard<'static, ()> {
    static SERIAL: Mutex<()> = Mutex::new(());
    SERIAL.lock().unwrap_or_else(|p| p.into_inner())
}

/// Runs `spec` on every strategy, verifies it, and applies `check`; reports every failure at once.
fn on_every_strategy(
    spec: &FanOutSpec,
    check: impl Fn(&dyn Strategy, &FanOutOutcome, &Summary) -> Result<(), String>,
) {
    let _serial = serial();
    spec.validate().expect("test spec is valid");
    let mut failures = Vec::new();
    for strategy in strategies() {
        let name = strategy.name();
        let outcome = match strategy.fan_out(spec) {
            Ok(outcome) => outcome,
            Err(err) => {
                failures.push(format!("{name}: run failed: {err}"));
                continue;
            }
        };
        match spec.verify(&outcome) {
            Ok(summary) => {
                if let Err(why) = check(strategy.as_ref(), &outcome, &summary) {
                    failures.push(format!("{name}: {why}"));
                }
            }
            Err(why) => failures.push(format!("{name}: verify: {why}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn ensure(ok: bool, why: impl FnOnce() -> String) -> Result<(), String> {
    if ok { Ok(()) } else { Err(why()) }
}

#[test]
fn ordered_results_equal_the_expected_answer() {
    for spec in [FanOutSpec::new(2_000, 2_000, Duration::ZERO), FanOutSpec::new(20, 300, ms(2))] {
        let expected: Vec<_> = spec.expected().collect();
        on_every_strategy(&spec, |_, o, _| {
            let got: Vec<_> = o.handed.iter().map(|h| h.result).collect();
            ensure(got == expected, || "results differ from the expected answer".into())?;
            ensure(o.handed.iter().enumerate().all(|(i, h)| h.index == i), || "not in input order".into())
        });
    }
}

#[test]
fn collect_returns_each_error_in_its_place() {
    let spec = FanOutSpec::new(30, 100, ms(1)).with_errors(4, ErrorPolicy::Collect);
    on_every_strategy(&spec, |_, o, summary| {
        ensure(o.handed.len() == 30, || format!("{} results, expected 30", o.handed.len()))?;
        for (i, h) in o.handed.iter().enumerate() {
            let want = if i % 4 == 3 { Err(UnitError::Failed { index: i }) } else { Ok(kernel(i, 100)) };
            ensure(h.index == i && h.result == want, || format!("result {i} is {h:?}, expected {want:?}"))?;
        }
        ensure(summary.notes["failed"] == 7, || format!("failed = {}", summary.notes["failed"]))
    });
}

#[test]
fn fail_fast_returns_the_first_error_and_cancels_the_rest() {
    // Units 1, 5, 9, 13 fail after a 20 ms wait; units 3, 7, 11, 15 are slow (80 ms) and fail
    // too, so they can only be absent if the stop at the first error cancelled them.
    let base = FanOutSpec::new(16, 100, ms(20)).with_slow().with_errors(2, ErrorPolicy::FailFast);
    let slow_cancelled = |o: &FanOutOutcome| {
        let ran: Vec<usize> = [3, 7, 11, 15].into_iter().filter(|&i| o.finished[i].is_some()).collect();
        ensure(ran.is_empty(), || format!("slow units {ran:?} ran to the end after the first error"))
    };

    on_every_strategy(&base, |_, o, summary| {
        let last = o.handed.last().map(|h| h.result);
        ensure(last == Some(Err(UnitError::Failed { index: 1 })), || {
            format!("the gather ended with {last:?}")
        })?;
        ensure(o.handed.len() == 2, || {
            format!("{} results handed over, expected units 0 and 1", o.handed.len())
        })?;
        ensure(summary.notes["stopped_early"] == true, || "no early stop reported".into())?;
        ensure(summary.notes.contains_key("completed_after_error"), || "no completed_after_error".into())?;
        slow_cancelled(o)
    });

    let completion = base.clone().with_order(Order::Completion);
    on_every_strategy(&completion, |_, o, summary| {
        let last = o.handed.last().map(|h| h.result);
        let fast_error = matches!(last, Some(Err(UnitError::Failed { index })) if index % 4 == 1);
        ensure(fast_error, || format!("the gather ended with {last:?}, expected a fast failing unit"))?;
        ensure(o.handed.len() < 16, || "every unit was handed over".into())?;
        ensure(summary.notes["stopped_early"] == true, || "no early stop reported".into())?;
        slow_cancelled(o)
    });
}

#[test]
fn peak_in_flight_stays_within_the_limit() {
    let one = FanOutSpec::new(8, 100, ms(2)).with_limit(1);
    on_every_strategy(&one, |_, o, _| {
        ensure(o.peak_in_flight() == 1, || format!("peak {} with L = 1", o.peak_in_flight()))
    });

    let three = FanOutSpec::new(24, 100, ms(5)).with_limit(3);
    on_every_strategy(&three, |s, o, _| {
        ensure(o.peak_in_flight() <= 3, || format!("peak {} over L = 3", o.peak_in_flight()))?;
        // Every strategy but sequential overlaps at least two waits (rayon: W = 2).
        let overlaps = s.name() != shootout_seq::NAME;
        ensure(!overlaps || o.peak_in_flight() >= 2, || {
            format!("peak {}: the waits never overlapped", o.peak_in_flight())
        })
    });
}

#[test]
fn exactly_the_slow_units_time_out() {
    // Fast units wait 5 ms, slow ones (i % 4 == 3) 20 ms, the deadline is 10 ms.
    let spec = FanOutSpec::new(16, 100, ms(5)).with_slow().with_deadline(ms(10));
    on_every_strategy(&spec, |_, o, summary| {
        for (i, h) in o.handed.iter().enumerate() {
            let want = if i % 4 == 3 { Err(UnitError::TimedOut { index: i }) } else { Ok(kernel(i, 100)) };
            ensure(h.result == want, || format!("unit {i}: {:?}, expected {want:?}", h.result))?;
        }
        ensure(o.cancel_latency_ns.len() == 4, || {
            format!("{} cancel latencies for 4 timeouts", o.cancel_latency_ns.len())
        })?;
        ensure(summary.notes.contains_key("cancel_latency_ns"), || "no cancel latency in the notes".into())
    });
}

#[test]
fn completion_order_hands_over_every_result_once_as_it_finishes() {
    // Slow units (i % 4 == 3) wait 20 ms, the rest 5 ms.
    let spec = FanOutSpec::new(16, 100, ms(5)).with_slow().with_order(Order::Completion);
    on_every_strategy(&spec, |s, o, _| {
        let mut indices: Vec<usize> = o.handed.iter().map(|h| h.index).collect();
        if s.overlap().timer.is_none() {
            // Every wait overlaps, so the slow units finish last.
            let tail: Vec<usize> = indices[12..].to_vec();
            ensure(tail.iter().all(|i| i % 4 == 3), || {
                format!("handed over {indices:?}: slow units not last")
            })?;
        }
        indices.sort_unstable();
        ensure(indices == (0..16).collect::<Vec<_>>(), || format!("units handed over: {indices:?}"))?;
        // A forged hand-over (the first and the last result swapped: their hand-overs cannot
        // have overlapped) must not verify. Two hand-overs under way at the same instant may be
        // queued either way, so only a swap the stamps rule out is a forgery.
        let mut forged = o.clone();
        forged.handed.swap(0, 15);
        ensure(spec.verify(&forged).is_err(), || "a swapped hand-over verified".into())
    });
}

/// Fail-fast stops units from *starting* their work, never the spawning (rule 9): every
/// strategy that spawns a task, thread or coroutine per unit spawns all N, each unit checking
/// the gate itself. may's spawn loop once stopped at the gate and skipped ~99,000 spawns that
/// every other strategy paid. `verify` fails any count other than N; this checks that every
/// strategy but the two that spawn nothing per unit reports its count, so the check is live.
#[test]
fn fail_fast_spawns_every_unit_on_every_strategy_that_spawns_units() {
    for order in [Order::Input, Order::Completion] {
        // Units wait, so threads runs a thread per unit; the first error is unit 9, at once.
        let spec = FanOutSpec::new(400, 0, ms(5)).with_errors(10, ErrorPolicy::FailFast).with_order(order);
        on_every_strategy(&spec, |strategy, outcome, _| match (strategy.name(), outcome.spawned) {
            ("sequential" | "rayon", None) => Ok(()),
            (_, Some(n)) if n == spec.units => Ok(()),
            (_, spawned) => Err(format!("{order:?}: spawned {spawned:?} of {}", spec.units)),
        });
    }
}

/// asyncio's `TaskGroup` rule for every strategy: the failing unit raises the cancel gate and
/// a unit checks it before its work, so after the first error a strategy finishes only the
/// units already running (at most one per worker, plus a few racing the gate) — not every unit
/// its gather had not reached yet (tokio finished 91,029 of these before the rule).
#[test]
fn fail_fast_stops_starting_units_after_the_first_error_on_every_strategy() {
    for order in [Order::Input, Order::Completion] {
        let spec = FanOutSpec::new(100_000, 1_000, Duration::ZERO)
            .with_errors(100, ErrorPolicy::FailFast)
            .with_order(order);
        on_every_strategy(&spec, |_, _, summary| {
            let after = summary.notes.get("completed_after_error").and_then(|v| v.as_u64());
            match after {
                Some(after) if after <= 100 => Ok(()),
                Some(after) => Err(format!("{order:?}: {after} units completed after the first error")),
                None => Err(format!("{order:?}: no completed_after_error note")),
            }
        });
    }
}
