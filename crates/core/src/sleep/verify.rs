//! Sleep verification: every task id once, in task order (the `gather` contract), and a
//! possible peak of waiting tasks, derived from every task's span — or in memory mode, proof
//! that all N were alive at once.

use super::{SleepMode, SleepOutcome, SleepSpec};
use crate::peak_of;
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
    if spec.mode == SleepMode::Memory {
        return verify_held(spec, outcome);
    }
    if outcome.waits.len() != spec.tasks {
        return Err(format!(
            "expected a wait span for each of {} tasks, got {}",
            spec.tasks,
            outcome.waits.len()
        ));
    }
    if let Some(at) = outcome.waits.iter().position(|w| w.end < w.start + spec.duration) {
        return Err(format!("task {at} waited less than {:?}", spec.duration));
    }
    let peak = peak_of(&outcome.waits);
    if peak == 0 || peak > spec.tasks {
        return Err(format!("peak waiting {peak} is impossible for {} tasks", spec.tasks));
    }
    Ok(Summary { peak_in_flight: Some(peak), ..Summary::default() })
}

/// Memory mode records nothing per task. Each task waits until d after the last spawn, and no
/// task can end before it starts waiting, so a join at least d after the release means every
/// task was alive at the release: the peak is N.
fn verify_held(spec: &SleepSpec, outcome: &SleepOutcome) -> Result<Summary, String> {
    if !outcome.waits.is_empty() {
        return Err(format!("memory mode records nothing per task, got {} spans", outcome.waits.len()));
    }
    let Some(held) = outcome.held else {
        return Err("memory mode must report the span from its last spawn to its join".into());
    };
    if held.end < held.start + spec.duration {
        return Err(format!(
            "the join came {:?} after the last spawn, under d = {:?}: the tasks did not wait for the \
             last spawn, so they were not all alive at once",
            held.end.saturating_duration_since(held.start),
            spec.duration
        ));
    }
    Ok(Summary { peak_in_flight: Some(spec.tasks), ..Summary::default() })
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::super::SleepMode;
    use super::*;
    use crate::{Span, WorkloadSpec};

    const D: Duration = Duration::from_millis(5);

    fn spec(n: usize) -> SleepSpec {
        SleepSpec::new(n, D, SleepMode::Timer)
    }

    /// `n` waits of d, the i-th starting `stagger × i` after the first.
    fn waits(n: usize, stagger: Duration) -> Vec<Span> {
        let t = Instant::now();
        (0..n as u32).map(|i| Span { start: t + stagger * i, end: t + stagger * i + D }).collect()
    }

    fn outcome(ids: Vec<usize>, waits: Vec<Span>) -> SleepOutcome {
        SleepOutcome { ids, waits, held: None }
    }

    /// Memory mode's answer, joined `after` its release.
    fn held(ids: Vec<usize>, after: Duration) -> SleepOutcome {
        let t = Instant::now();
        SleepOutcome::held(ids, Span { start: t, end: t + after })
    }

    #[test]
    fn verify_accepts_the_expected_answer() {
        let s = spec(4);
        let ok = outcome(vec![0, 1, 2, 3], waits(4, Duration::ZERO));
        assert_eq!(s.verify(&ok).unwrap().peak_in_flight, Some(4));
        let one_at_a_time = outcome(vec![0, 1, 2, 3], waits(4, D));
        assert_eq!(s.verify(&one_at_a_time).unwrap().peak_in_flight, Some(1));
        let memory = SleepSpec::new(4, D, SleepMode::Memory);
        assert_eq!(memory.verify(&held(vec![0, 1, 2, 3], D)).unwrap().peak_in_flight, Some(4));
    }

    #[test]
    fn verify_rejects_wrong_answers() {
        let s = spec(4);
        let short = {
            let mut w = waits(4, Duration::ZERO);
            w[2].end = w[2].start + D / 2;
            w
        };
        let cases = [
            outcome(vec![0, 1, 2], waits(3, Duration::ZERO)),
            outcome(vec![0, 1, 3, 2], waits(4, Duration::ZERO)),
            outcome(vec![0, 1, 1, 3], waits(4, Duration::ZERO)),
            outcome(vec![0, 1, 2, 3], vec![]),
            outcome(vec![0, 1, 2, 3], waits(5, Duration::ZERO)),
            outcome(vec![0, 1, 2, 3], short),
        ];
        for bad in cases {
            assert!(s.verify(&bad).is_err(), "{bad:?} verified");
        }
        let memory = SleepSpec::new(4, D, SleepMode::Memory);
        assert!(memory.verify(&held(vec![0, 1, 3, 2], D)).is_err());
        let mut with_spans = held(vec![0, 1, 2, 3], D);
        with_spans.waits = waits(4, Duration::ZERO);
        assert!(memory.verify(&with_spans).is_err());
        assert!(memory.verify(&outcome(vec![0, 1, 2, 3], vec![])).is_err(), "no release span");
        let early = memory.verify(&held(vec![0, 1, 2, 3], D / 2)).unwrap_err();
        assert!(early.contains("not all alive at once"), "{early}");
    }
}
