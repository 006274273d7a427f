//! Sleep verification: every task id once, in task order (the `gather` contract), and a
//! possible peak of waiting tasks.

use super::{SleepOutcome, SleepSpec};
use crate::spec::Summary;

/// Checks a strategy's outcome; `Err` says what is wrong.
pub(super) fn verify(spec: &SleepSpec, outcome: &SleepOutcome) -> Result<Summary, String> {
    if outcome.ids.len() != spec.tasks {
        return Err(format!("expected {} task ids, got {}", spec.tasks, outcome.ids.len()));
    }
    if let Some((at, (got, want))) =
        outcome.ids.iter().zip(spec.expected_ids()).enumerate().find(|(_, (got, want))| **got != *want)
    {
        return Err(format!("result {at} is task {got}, expected task {want}"));
    }
    if outcome.peak_waiting == 0 || outcome.peak_waiting > spec.tasks {
        return Err(format!("peak waiting {} is impossible for {} tasks", outcome.peak_waiting, spec.tasks));
    }
    Ok(Summary { peak_in_flight: Some(outcome.peak_waiting), ..Summary::default() })
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::super::SleepMode;
    use super::*;
    use crate::WorkloadSpec;

    fn spec(n: usize) -> SleepSpec {
        SleepSpec::new(n, Duration::from_millis(5), SleepMode::Timer)
    }

    #[test]
    fn verify_accepts_the_expected_answer() {
        let s = spec(4);
        let ok = SleepOutcome { ids: vec![0, 1, 2, 3], peak_waiting: 4 };
        assert_eq!(s.verify(&ok).unwrap().peak_in_flight, Some(4));
    }

    #[test]
    fn verify_rejects_wrong_answers() {
        let s = spec(4);
        let cases = [
            SleepOutcome { ids: vec![0, 1, 2], peak_waiting: 3 },
            SleepOutcome { ids: vec![0, 1, 3, 2], peak_waiting: 4 },
            SleepOutcome { ids: vec![0, 1, 1, 3], peak_waiting: 4 },
            SleepOutcome { ids: vec![0, 1, 2, 3], peak_waiting: 0 },
            SleepOutcome { ids: vec![0, 1, 2, 3], peak_waiting: 5 },
        ];
        for bad in cases {
            assert!(s.verify(&bad).is_err(), "{bad:?} verified");
        }
    }
}
