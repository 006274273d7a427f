//! The sleep cases of each preset: one entry per case.

use std::time::Duration;

use super::{SleepMode, SleepSpec};
use crate::case::{Case, Preset};

/// The full-preset cases its worker sweep re-runs at every W (the scaling charts); see
/// [`Case::scaling`]. `catalog`'s tests check each name exists.
pub const SCALING: &[&str] = &["sleep/timer/n=10000/d=10ms"];

/// The sleep cases of a preset.
///
/// - `sleep/{timer,blocking}/n=…/d=10ms`: the tutorial's "five sleeps take one", scaled.
/// - `sleep/memory/n=…`: long enough waits (100 ms) that every task is alive at once, so peak
///   RSS over the runtime's own baseline divided by N is the memory of one waiting task; memory
///   mode records nothing per task, so that is the task's memory, not the harness's.
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
    cases
}
