//! The sleep cases of each preset: one entry per case.

use std::time::Duration;

use super::{SleepMode, SleepSpec};
use crate::case::{Case, Preset, TUTORIAL_REPEAT};

/// The full-preset cases its worker sweep re-runs at every W (the scaling charts); see
/// [`Case::scaling`]. `catalog`'s tests check each name exists.
pub const SCALING: &[&str] = &["sleep/timer/n=10000/d=10ms"];

/// The sleep cases of a preset.
///
/// - `sleep/{timer,blocking}/n=…/d=10ms`: the tutorial's "five sleeps take one", scaled.
/// - `sleep/memory/n=…`: every task waits until 100 ms after the last spawn (`Release`), so
///   all N are alive at once and peak RSS over the runtime's own baseline divided by N is the
///   memory of one waiting task; memory mode records nothing per task, so that is the task's
///   memory, not the harness's.
/// - `sleep/baseline/d=…`: one task, so the measured time minus d is the timer's oversleep.
pub fn cases(preset: Preset) -> Vec<Case> {
    let d10 = Duration::from_millis(10);
    let mut cases = Vec::new();
    let sizes: &[usize] = match preset {
        Preset::Quick => &[100, 10_000],
        Preset::Full => &[1, 10, 100, 1_000, 10_000, 100_000],
    };
    for mode in [SleepMode::Timer, SleepMode::Blocking] {
        for &n in sizes {
            let spec = SleepSpec::new(n, d10, mode);
            cases.push(Case::new(spec.case_name(), crate::Spec::Sleep(spec)));
        }
    }
    let memory: &[usize] = match preset {
        Preset::Quick => &[1_000, 10_000, 100_000],
        Preset::Full => &[1_000, 10_000, 100_000, 1_000_000],
    };
    for &n in memory {
        let spec = SleepSpec::new(n, Duration::from_millis(100), SleepMode::Memory);
        cases.push(Case::new(spec.case_name(), crate::Spec::Sleep(spec)).runner_only());
    }
    for ms in [1, 10] {
        let spec = SleepSpec::new(1, Duration::from_millis(ms), SleepMode::Timer);
        cases.push(Case::new(format!("sleep/baseline/d={ms}ms"), crate::Spec::Sleep(spec)));
    }
    if preset == Preset::Full {
        cases.extend(tutorial_cases());
    }
    cases
}

/// The tutorials' own first figure, at their size: five tasks that each sleep 1 s (sequential
/// 5 s, `asyncio.gather` 1 s). Full preset only; three timed repetitions, since each run is
/// 1 s (5 s for sequential) of waiting whose spread is milliseconds. The decision guide's
/// "coming from asyncio" lines read this case by name.
pub fn tutorial_cases() -> Vec<Case> {
    let spec = SleepSpec::new(5, Duration::from_secs(1), SleepMode::Timer);
    vec![Case::new(spec.case_name(), crate::Spec::Sleep(spec)).max_repeat(TUTORIAL_REPEAT)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tutorial_case_is_in_full_only() {
        let name = "sleep/timer/n=5/d=1s";
        assert_eq!(tutorial_cases()[0].name, name);
        assert!(cases(Preset::Full).iter().any(|c| c.name == name && c.max_repeat == Some(TUTORIAL_REPEAT)));
        assert!(!cases(Preset::Quick).iter().any(|c| c.name == name));
        for case in tutorial_cases() {
            case.spec.validate().unwrap();
        }
    }
}
