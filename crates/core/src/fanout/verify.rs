//! Fan-out verification: every handed-over result against the expected answer, its place in
//! input or completion order, the fail-fast stop, the limit, the timeouts and their cancel
//! latencies, checked without trusting the strategy's recorder.

use std::collections::BTreeMap;

use super::spec::Expectations;
use super::{FanOutOutcome, FanOutSpec, Order, UnitError};
use crate::spec::{Summary, Throughput};

/// Checks a strategy's outcome; `Err` says what is wrong.
pub(super) fn verify(spec: &FanOutSpec, outcome: &FanOutOutcome) -> Result<Summary, String> {
    let n = spec.units;
    if outcome.finished.len() != n || outcome.in_flight.len() != n {
        return Err(format!(
            "expected finish and in-flight records for {n} units, got {} and {}",
            outcome.finished.len(),
            outcome.in_flight.len()
        ));
    }
    // A finish is stamped by a unit that started, and brackets its hand-over.
    for (i, finish) in outcome.finished.iter().enumerate() {
        if let Some(f) = finish {
            let Some((start, _)) = outcome.in_flight[i] else {
                return Err(format!("unit {i} finished but never started"));
            };
            if f.handing > f.handed || f.handing < start {
                return Err(format!("unit {i} has impossible finish stamps {f:?}"));
            }
        }
    }
    if let Some(spawned) = outcome.spawned.filter(|&s| s != n) {
        return Err(format!(
            "spawned {spawned} of {n} units: every unit is spawned and checks the fail-fast gate itself, \
             on every strategy"
        ));
    }
    let expect = Expectations::new(spec);
    let mut unit_seen = vec![false; n];
    for (at, h) in outcome.handed.iter().enumerate() {
        if h.index >= n {
            return Err(format!("result {at} names unit {}, but there are {n} units", h.index));
        }
        if std::mem::replace(&mut unit_seen[h.index], true) {
            return Err(format!("unit {} was handed over twice", h.index));
        }
        let want = spec.expected_with(&expect, h.index);
        if h.result != want {
            return Err(format!("unit {} returned {:?}, expected {want:?}", h.index, h.result));
        }
        if outcome.finished[h.index].is_none() {
            return Err(format!("unit {} was handed over but never finished", h.index));
        }
    }

    let first_error = if spec.fail_fast() { spec.first_error() } else { None };
    let handed = &outcome.handed;
    match spec.order {
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
            // Ahead in the queue means put in first: so a result's `handing` cannot come after
            // the `handed` of any result behind it (exact, whatever the threads' timing).
            let mut latest: Option<(usize, u64)> = None;
            for h in handed {
                let Some(f) = outcome.finished[h.index] else { continue };
                if let Some((ahead, _)) = latest.filter(|&(_, t)| t > f.handed) {
                    return Err(format!(
                        "unit {} finished before unit {ahead} but was handed over after it (completion order)",
                        h.index
                    ));
                }
                if latest.is_none_or(|(_, t)| f.handing > t) {
                    latest = Some((h.index, f.handing));
                }
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
                    // Every unit that had put its result in before the error's began is ahead
                    // of the error in the queue, so it must have been handed over.
                    let error_handing = outcome.finished[last.index].map_or(0, |f| f.handing);
                    let mut in_handed = vec![false; n];
                    for h in handed {
                        in_handed[h.index] = true;
                    }
                    let left_out = (0..n).find(|&i| {
                        !in_handed[i] && outcome.finished[i].is_some_and(|f| f.handed < error_handing)
                    });
                    if let Some(i) = left_out {
                        return Err(format!(
                            "unit {i} finished before the first error (unit {}) but was not handed over",
                            last.index
                        ));
                    }
                }
            }
        }
    }

    let peak = outcome.peak_in_flight();
    if peak == 0 || peak > n {
        return Err(format!("peak in flight {peak} is impossible for {n} units"));
    }
    if let Some(limit) = spec.limit.filter(|&l| peak > l) {
        return Err(format!("{peak} units were in flight at once, over the limit {limit}"));
    }
    let handed_timeouts =
        handed.iter().filter(|h| matches!(h.result, Err(UnitError::TimedOut { .. }))).count();
    let expected_timeouts = (0..n).filter(|&i| spec.times_out(i)).count();
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
    if spec.deadline.is_some() {
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
    if spec.fail_fast() {
        let not_finished = outcome.finished.iter().filter(|t| t.is_none()).count();
        notes.insert("stopped_early".into(), (handed.len() < n).into());
        notes.insert("not_finished".into(), not_finished.into());
        if let Some(err) = handed.last().filter(|h| h.result.is_err()) {
            // Finished after the error's hand-over was complete.
            let at = outcome.finished[err.index].map_or(0, |f| f.handed);
            let after = outcome.finished.iter().flatten().filter(|f| f.handing > at).count();
            notes.insert("first_error_unit".into(), err.index.into());
            notes.insert("completed_after_error".into(), after.into());
        }
    }
    Ok(Summary {
        peak_in_flight: Some(peak),
        throughput: Some(Throughput { unit: "units/s".into(), count: handed.len() as u64 }),
        latency: None,
        notes,
    })
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::super::{ErrorPolicy, Errors, Finish, Handed, Recorder, kernel};
    use super::*;
    use crate::WorkloadSpec;

    /// What a correct sequential run reports (finished in input order, one unit in flight).
    fn simulate(spec: &FanOutSpec) -> FanOutOutcome {
        let recorder = Recorder::new(spec.units);
        let mut results = Vec::new();
        for i in 0..spec.units {
            let running = recorder.enter(i);
            let r = if spec.times_out(i) {
                recorder.timed_out(i, Instant::now(), Instant::now());
                Err(UnitError::TimedOut { index: i })
            } else {
                spec.compute(i)
            };
            recorder.finish(i);
            drop(running);
            results.push(Some(r));
            if spec.fail_fast() && r.is_err() {
                break;
            }
        }
        let handed = spec.hand_over_in_order(results);
        recorder.outcome(handed, None)
    }

    /// may's spawn loop once stopped at the fail-fast gate: a strategy that spawns its units one
    /// by one must have spawned every one.
    #[test]
    fn verify_rejects_a_spawn_loop_that_stopped_early() {
        let spec = FanOutSpec::new(20, 5, Duration::ZERO).with_errors(4, ErrorPolicy::FailFast);
        let mut outcome = simulate(&spec);
        assert!(spec.verify(&outcome).is_ok(), "no spawn count: nothing to check");
        outcome.spawned = Some(20);
        assert!(spec.verify(&outcome).is_ok());
        outcome.spawned = Some(4);
        let why = spec.verify(&outcome).unwrap_err();
        assert!(why.contains("spawned 4 of 20 units"), "{why}");
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
        o.in_flight[1] = None;
        forged.push(("finished but never started", o));
        let mut o = good.clone();
        o.finished[1] = o.finished[1].map(|f| Finish { handing: f.handed + 1, handed: f.handed });
        forged.push(("hand-over stamps reversed", o));
        let mut o = good.clone();
        o.in_flight = vec![None; 6];
        o.finished = vec![None; 6];
        forged.push(("nothing in flight", o));
        for (what, bad) in forged {
            assert!(spec.verify(&bad).is_err(), "{what} verified");
        }

        let limited = FanOutSpec::new(6, 10, Duration::ZERO).with_limit(2);
        let mut o = simulate(&limited);
        limited.verify(&o).unwrap();
        // Units 0..3 all in flight over the same nanoseconds: three at once.
        for i in 0..3 {
            o.in_flight[i] = Some((10, 100));
            o.finished[i] = Some(Finish { handing: 50, handed: 50 });
        }
        assert_eq!(o.peak_in_flight(), 3);
        assert!(limited.verify(&o).is_err(), "over the limit verified");
        // Back to back (one ends at the very instant the next starts): within the limit.
        for i in 0..6 {
            o.in_flight[i] = Some((10 * i as u64 + 1, 10 * i as u64 + 11));
            o.finished[i] = Some(Finish { handing: 10 * i as u64 + 5, handed: 10 * i as u64 + 5 });
        }
        limited.verify(&o).unwrap();

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
    fn completion_order_follows_the_hand_over_stamps() {
        let spec = FanOutSpec::new(4, 10, Duration::ZERO).with_order(Order::Completion);
        let mut o = simulate(&spec);
        let at = |handing: u64, handed: u64| Some(Finish { handing, handed });
        o.in_flight = vec![Some((1, 100)); 4];
        // Units finished 2, 0, 3, 1 and were handed over in that order: fine.
        o.finished = vec![at(20, 21), at(40, 41), at(10, 11), at(30, 31)];
        o.handed = [2, 0, 3, 1].map(|i| Handed { index: i, result: Ok(kernel(i, 10)) }).to_vec();
        spec.verify(&o).unwrap();
        // Overlapping hand-overs (both under way at once) may be queued either way: fine.
        o.finished = vec![at(20, 26), at(40, 41), at(10, 11), at(25, 31)];
        o.handed = [2, 3, 0, 1].map(|i| Handed { index: i, result: Ok(kernel(i, 10)) }).to_vec();
        spec.verify(&o).unwrap();
        // Handed over in input order although they finished otherwise: rejected.
        o.finished = vec![at(20, 21), at(40, 41), at(10, 11), at(30, 31)];
        o.handed.sort_by_key(|h| h.index);
        let err = spec.verify(&o).unwrap_err();
        assert!(err.contains("handed over after"), "{err}");

        // Fail-fast in completion order: everything that finished before the first error, then it.
        let ff = FanOutSpec::new(4, 10, Duration::ZERO)
            .with_errors(2, ErrorPolicy::FailFast)
            .with_order(Order::Completion);
        let ok = |i: usize| Handed { index: i, result: Ok(kernel(i, 10)) };
        let err = |i: usize| Handed { index: i, result: Err(UnitError::Failed { index: i }) };
        let mut o = simulate(&ff);
        o.in_flight = vec![Some((1, 100)); 4];
        o.finished = vec![at(10, 11), None, at(20, 21), at(30, 31)];
        o.handed = vec![ok(0), ok(2), err(3)];
        let summary = ff.verify(&o).unwrap();
        assert_eq!(summary.notes["first_error_unit"], 3);
        assert_eq!(summary.notes["completed_after_error"], 0);
        // A unit finishing after the error's hand-over is counted.
        o.finished[1] = at(50, 51);
        assert_eq!(ff.verify(&o).unwrap().notes["completed_after_error"], 1);
        // An earlier finished unit left out: rejected.
        o.handed = vec![ok(2), err(3)];
        assert!(ff.verify(&o).is_err());
    }
}
