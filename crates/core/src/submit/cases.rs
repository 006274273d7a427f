//! The submit cases of each preset: one entry per case, and the quick preset's sizes.

use std::time::Duration;

use super::{SubmitSpec, Unit};
use crate::case::{Case, Preset};

/// The submit cases of a preset: K = 1 and K = 2 (W on the 2-core reference machine; any K
/// with `--submitters`) submitter threads; callbacks (the hand-over itself) and 10 ms tasks
/// (hand-over plus a timer); without cancel and with every fourth submission cancelled. The
/// full preset adds one-at-a-time submission (burst 1: submit, wait for the result, repeat —
/// `run_coroutine_threadsafe(...).result()` in a loop), a pure round-trip latency case. The
/// quick preset keeps three (K = 2; callbacks without and with cancel, tasks with cancel) to
/// stay within its 90 s.
/// The full-preset cases its worker sweep re-runs at every W (the scaling charts); see
/// [`Case::scaling`]. `catalog`'s tests check each name exists.
pub const SCALING: &[&str] = &["submit/callback/k=2/n=200000"];

pub fn cases(preset: Preset) -> Vec<Case> {
    let (callbacks, tasks) = match preset {
        Preset::Quick => (QUICK_CALLBACKS, QUICK_TASKS),
        Preset::Full => (200_000, 400),
    };
    let wait = Unit::Task(Duration::from_millis(10));
    let mut specs = Vec::new();
    match preset {
        Preset::Quick => {
            specs.push(SubmitSpec::new(callbacks, 2, Unit::Callback));
            specs.push(SubmitSpec::new(callbacks, 2, Unit::Callback).with_cancel_every(4));
            specs.push(SubmitSpec::new(tasks, 2, wait).with_cancel_every(4));
        }
        Preset::Full => {
            for k in [1, 2] {
                for unit in [Unit::Callback, wait] {
                    let n = if unit == Unit::Callback { callbacks } else { tasks };
                    specs.push(SubmitSpec::new(n, k, unit));
                    specs.push(SubmitSpec::new(n, k, unit).with_cancel_every(4));
                }
            }
            specs.push(SubmitSpec::new(20_000, 1, Unit::Callback).with_burst(1));
        }
    }
    specs.into_iter().map(|spec| Case::new(spec.case_name(), crate::Spec::Submit(spec))).collect()
}

/// Quick-preset sizes. The whole quick submit run (3 cases × 6 strategies × 4 runs) must fit in
/// about 6 s on 2 cores. 10,000 callbacks cost a few ms to a few tens of ms per run; the task
/// cases are bound by the waits where a strategy runs fewer at once: 20 tasks of 10 ms are
/// 200 ms sequential, 100 ms on two threads, one 10 ms round on the async runtimes. Blocking
/// strategies refuse the cancel cases at once.
pub const QUICK_CALLBACKS: usize = 10_000;
pub const QUICK_TASKS: usize = 20;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_names_are_unique_and_readable() {
        let quick = cases(Preset::Quick);
        assert!(quick.iter().any(|c| c.name == "submit/callback/k=2/n=10000/cancel=1in4"));
        assert!(quick.iter().any(|c| c.name == "submit/task=10ms/k=2/n=20/cancel=1in4"));
        let full = cases(Preset::Full);
        assert!(full.iter().any(|c| c.name == "submit/callback/k=1/n=20000/burst=1"));
        for all in [quick, full] {
            let mut names: Vec<_> = all.iter().map(|c| c.name.clone()).collect();
            names.sort();
            names.dedup();
            assert_eq!(names.len(), all.len());
        }
    }
}
