//! Submit verification: every id comes back to the submitter that handed it over, exactly
//! once; a unit that was not cancelled completed; a cancel either won (the unit never recorded
//! its id) or lost the race (the unit completed, and counts as completed, not as an error);
//! nothing recorded an id twice — checked against the units' own records, not the strategy's
//! word.

use super::{SubmitOutcome, SubmitSpec};
use crate::spec::{Latency, Summary, Throughput};

/// Checks a strategy's outcome; `Err` says what is wrong.
pub(super) fn verify(spec: &SubmitSpec, outcome: &SubmitOutcome) -> Result<Summary, String> {
    if outcome.submitters.len() != spec.submitters {
        return Err(format!(
            "expected {} submitters' results, got {}",
            spec.submitters,
            outcome.submitters.len()
        ));
    }
    if outcome.recorded.len() != spec.units {
        return Err(format!("{} id records for {} units", outcome.recorded.len(), spec.units));
    }
    let (mut requested, mut won) = (0u64, 0u64);
    let mut latencies = Vec::with_capacity(spec.units);
    for (k, report) in outcome.submitters.iter().enumerate() {
        let mut ids: Vec<u64> = report.results.iter().map(|r| r.id).collect();
        ids.sort_unstable();
        if !ids.iter().copied().eq(spec.submitter_ids(k)) {
            let want = spec.submitter_ids(k);
            return Err(format!(
                "submitter {k} got {} results, not ids {}..{} exactly once (a unit was lost, duplicated or came back to another submitter)",
                ids.len(),
                want.start,
                want.end
            ));
        }
        for r in &report.results {
            let times = outcome.recorded[r.id as usize];
            if times > 1 {
                return Err(format!("unit {} recorded its id {times} times", r.id));
            }
            if r.cancel_requested != spec.cancels(r.id) {
                return Err(format!(
                    "unit {} was {}cancelled, but the case {} it",
                    r.id,
                    if r.cancel_requested { "" } else { "not " },
                    if spec.cancels(r.id) { "cancels" } else { "does not cancel" }
                ));
            }
            if r.cancel_requested {
                requested += 1;
            }
            match r.started_ns {
                Some(started) => {
                    // Completed: not cancelled, or its cancel lost the race. Either way it ran.
                    if times != 1 {
                        return Err(format!("unit {} reported complete but never recorded its id", r.id));
                    }
                    if started < r.submitted_ns {
                        return Err(format!("unit {} started before it was submitted", r.id));
                    }
                    latencies.push(started - r.submitted_ns);
                }
                None if !r.cancel_requested => {
                    return Err(format!("unit {} was not cancelled but has no result", r.id));
                }
                None => {
                    if times != 0 {
                        return Err(format!("unit {} was cancelled yet recorded its id", r.id));
                    }
                    won += 1;
                }
            }
        }
    }

    latencies.sort_unstable();
    let mut notes = std::collections::BTreeMap::new();
    notes.insert("cancels_requested".to_string(), serde_json::json!(requested));
    notes.insert("cancels_won".to_string(), serde_json::json!(won));
    if requested > 0 {
        notes.insert("cancel_won_share".to_string(), serde_json::json!(won as f64 / requested as f64));
    }
    notes.insert("completed".to_string(), serde_json::json!(latencies.len()));
    Ok(Summary {
        peak_in_flight: None,
        throughput: Some(Throughput { unit: "units/s".to_string(), count: spec.units as u64 }),
        latency: Some(Latency::of_sorted(&latencies, true)),
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::super::{Ledger, SubmitterReport, Unit, UnitResult};
    use super::*;
    use crate::WorkloadSpec;

    /// A correct outcome built by hand: every unit runs at once; cancels win on even ids and
    /// lose the race on odd ones.
    fn honest(s: &SubmitSpec) -> SubmitOutcome {
        let ledger = Ledger::new(s);
        let reports = (0..s.submitters)
            .map(|k| {
                let slots = ledger.submitter(k);
                let results = s
                    .submitter_ids(k)
                    .map(|id| {
                        let cancel_requested = s.cancels(id);
                        let runs = !cancel_requested || id % 2 == 1;
                        if runs {
                            slots.record(id);
                        }
                        UnitResult {
                            id,
                            submitted_ns: id,
                            cancel_requested,
                            started_ns: runs.then_some(id + 5),
                        }
                    })
                    .collect();
                SubmitterReport { results }
            })
            .collect();
        ledger.finish(reports)
    }

    fn spec() -> SubmitSpec {
        SubmitSpec::new(40, 2, Unit::Callback).with_cancel_every(4)
    }

    #[test]
    fn verify_accepts_the_expected_answer_and_counts_lost_races_as_completed() {
        let s = spec();
        let summary = s.verify(&honest(&s)).unwrap();
        // Cancelled: 3, 7, ..., 39 (10 ids, all odd): every cancel lost the race.
        assert_eq!(summary.notes["cancels_requested"], serde_json::json!(10));
        assert_eq!(summary.notes["cancels_won"], serde_json::json!(0));
        assert_eq!(summary.notes["completed"], serde_json::json!(40));
        assert_eq!(summary.latency.unwrap().p99, 5);
        // A cancel that won: unit 3 never recorded its id and has no result.
        let mut won = honest(&s);
        won.recorded[3] = 0;
        won.submitters[0].results[3].started_ns = None;
        let summary = s.verify(&won).unwrap();
        assert_eq!(summary.notes["cancels_won"], serde_json::json!(1));
        assert_eq!(summary.notes["cancel_won_share"], serde_json::json!(0.1));
    }

    #[test]
    fn verify_rejects_lost_duplicated_and_misdelivered_units() {
        let s = spec();
        let good = honest(&s);

        let mut lost = good.clone();
        lost.submitters[1].results.pop();
        assert!(s.verify(&lost).unwrap_err().contains("exactly once"));

        let mut duplicated = good.clone();
        let again = duplicated.submitters[0].results[0];
        duplicated.submitters[0].results[1] = again;
        assert!(s.verify(&duplicated).unwrap_err().contains("exactly once"));

        let mut ran_twice = good.clone();
        ran_twice.recorded[5] = 2;
        assert!(s.verify(&ran_twice).unwrap_err().contains("2 times"));

        let mut swapped = good.clone();
        let (a, b) = (swapped.submitters[0].results[0], swapped.submitters[1].results[0]);
        swapped.submitters[0].results[0] = b;
        swapped.submitters[1].results[0] = a;
        assert!(s.verify(&swapped).unwrap_err().contains("another submitter"));

        let mut never_ran = good.clone();
        never_ran.recorded[0] = 0;
        assert!(s.verify(&never_ran).unwrap_err().contains("never recorded"));
    }

    #[test]
    fn verify_rejects_a_cancel_that_claims_to_win_after_the_unit_ran() {
        let s = spec();
        let mut liar = honest(&s);
        liar.submitters[0].results[3].started_ns = None; // unit 3 recorded its id
        assert!(s.verify(&liar).unwrap_err().contains("cancelled yet recorded"));

        let mut dropped = honest(&s);
        dropped.submitters[0].results[0].started_ns = None; // never cancelled
        dropped.recorded[0] = 0;
        assert!(s.verify(&dropped).unwrap_err().contains("not cancelled but has no result"));

        let mut uninvited = honest(&SubmitSpec::new(40, 2, Unit::Callback));
        uninvited.submitters[0].results[3].cancel_requested = true;
        assert!(SubmitSpec::new(40, 2, Unit::Callback).verify(&uninvited).unwrap_err().contains("cancel"));
    }
}
