//! The submit workload on every registered strategy (W = 2): every unit handed over from
//! foreign threads completes exactly once and comes back to its submitter, in bursts or all at
//! once, callbacks and tasks; cancels either win or lose the race and both verify, or the
//! strategy refuses them with its reason; a lost or duplicated unit fails verify.

use std::time::Duration;

use shootout_core::submit::Unit;
use shootout_core::{RunError, Strategy, SubmitOutcome, SubmitSpec, WorkloadSpec};
use shootout_harness::STRATEGIES;
use shootout_harness::external::EXTERNAL_SUBMIT;

const W: usize = 2;

fn build_all() -> Vec<Box<dyn Strategy>> {
    STRATEGIES
        .iter()
        .map(|entry| (entry.build)(W).unwrap_or_else(|e| panic!("{}: {e}", entry.name)))
        .collect()
}

/// Runs `spec` on `strategy` on a watched thread: a deadlock fails the test instead of hanging.
fn run(strategy: &dyn Strategy, spec: &SubmitSpec) -> Result<SubmitOutcome, RunError> {
    spec.validate().unwrap();
    let (done, finished) = std::sync::mpsc::channel();
    std::thread::scope(|s| {
        s.spawn(move || {
            let _ = done.send(strategy.submit(spec));
        });
        finished
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|_| panic!("{} on {}: no answer within 60 s", strategy.name(), spec.case_name()))
    })
}

fn note(summary: &shootout_core::Summary, key: &str) -> u64 {
    summary.notes[key].as_u64().unwrap_or_else(|| panic!("note {key}"))
}

#[test]
fn every_strategy_completes_every_submission_exactly_once() {
    let ms = Duration::from_millis;
    let specs = [
        SubmitSpec::new(2_000, 1, Unit::Callback),
        SubmitSpec::new(2_000, 3, Unit::Callback).with_burst(7),
        SubmitSpec::new(300, 2, Unit::Callback).with_burst(1),
        SubmitSpec::new(20, 2, Unit::Task(ms(5))),
    ];
    for strategy in build_all() {
        for spec in &specs {
            let outcome = match run(strategy.as_ref(), spec) {
                Ok(outcome) => outcome,
                // An external program says why, on every submit case (nothing is faked).
                Err(RunError::Unsupported(why)) if why.contains(EXTERNAL_SUBMIT) => continue,
                Err(e) => panic!("{} on {}: {e}", strategy.name(), spec.case_name()),
            };
            let summary = spec
                .verify(&outcome)
                .unwrap_or_else(|e| panic!("{} on {}: {e}", strategy.name(), spec.case_name()));
            assert_eq!(note(&summary, "completed"), spec.units as u64, "{}", strategy.name());
            assert!(outcome.recorded.iter().all(|&r| r == 1), "{}", strategy.name());
            assert_eq!(summary.throughput.unwrap().count, spec.units as u64);
            assert!(summary.latency.is_some());
        }
    }
}

#[test]
fn cancels_win_or_lose_the_race_and_both_verify_or_are_refused_with_a_reason() {
    let callbacks = SubmitSpec::new(2_000, 2, Unit::Callback).with_cancel_every(3);
    // A task that waits 200 ms is still waiting when its cancel arrives: the cancel wins.
    let waits = SubmitSpec::new(20, 2, Unit::Task(Duration::from_millis(200))).with_cancel_every(2);
    for strategy in build_all() {
        for spec in [&callbacks, &waits] {
            let outcome = match run(strategy.as_ref(), spec) {
                Ok(outcome) => outcome,
                Err(RunError::Unsupported(why)) => {
                    assert!(
                        why.contains("has no cancel (") || why.contains(EXTERNAL_SUBMIT),
                        "{}: {why}",
                        strategy.name()
                    );
                    continue;
                }
                Err(e) => panic!("{} on {}: {e}", strategy.name(), spec.case_name()),
            };
            let summary = spec
                .verify(&outcome)
                .unwrap_or_else(|e| panic!("{} on {}: {e}", strategy.name(), spec.case_name()));
            let requested = note(&summary, "cancels_requested");
            let won = note(&summary, "cancels_won");
            assert_eq!(requested, (spec.units / spec.cancel_every as usize) as u64);
            // A cancel that lost the race is a completed unit, not an error.
            assert_eq!(note(&summary, "completed") + won, spec.units as u64, "{}", strategy.name());
            let recorded: u64 = outcome.recorded.iter().map(|&r| u64::from(r)).sum();
            assert_eq!(
                recorded,
                spec.units as u64 - won,
                "{}: a cancelled unit recorded its id",
                strategy.name()
            );
            if spec.unit != Unit::Callback {
                assert_eq!(won, requested, "{}: a cancel lost to a unit still waiting", strategy.name());
            }
        }
    }
}

#[test]
fn a_lost_or_duplicated_unit_fails_verify_and_a_lost_race_counts_as_completed() {
    let spec = SubmitSpec::new(400, 2, Unit::Callback).with_cancel_every(4);
    let strategy = (shootout_harness::registry::find("tokio").unwrap().build)(W).unwrap();
    let good = run(strategy.as_ref(), &spec).unwrap();
    let summary = spec.verify(&good).unwrap();

    let mut lost = good.clone();
    lost.submitters[0].results.pop();
    assert!(spec.verify(&lost).unwrap_err().contains("exactly once"));

    let mut duplicated = good.clone();
    let again = duplicated.submitters[1].results[0];
    duplicated.submitters[1].results[1] = again;
    assert!(spec.verify(&duplicated).unwrap_err().contains("exactly once"));

    let mut ran_twice = good.clone();
    ran_twice.recorded[10] += 1;
    assert!(spec.verify(&ran_twice).unwrap_err().contains("2 times"));

    // Every cancel this run made, replayed as lost races: each unit ran, recorded its id and
    // reported its start. Verify counts them completed, never as errors.
    let mut lost_races = good.clone();
    for report in &mut lost_races.submitters {
        for r in report.results.iter_mut().filter(|r| r.cancel_requested) {
            r.started_ns.get_or_insert(r.submitted_ns);
            lost_races.recorded[r.id as usize] = 1;
        }
    }
    let replayed = spec.verify(&lost_races).unwrap();
    assert_eq!(note(&replayed, "cancels_won"), 0);
    assert_eq!(note(&replayed, "completed"), 400);
    assert_eq!(note(&summary, "completed") + note(&summary, "cancels_won"), 400);
}
