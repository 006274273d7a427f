//! The sleep workload: N tasks each wait d and report their id — Python's
//! `gather(*(asyncio.sleep(d) for _ in range(n)))`, and with `mode = blocking`, its
//! `to_thread(time.sleep, d)`.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::case::{Case, Preset};
use crate::error::check_range;
use crate::spec::{Context, Summary, Workload, WorkloadSpec};
use crate::strategy::{Overlap, WaitKind};
use crate::{RunError, SpecError, Strategy, Target, format_duration};

/// 10 million tasks: far past what any strategy here survives on 24 GiB for threads, and
/// well within reach of the async runtimes (~100–400 bytes a task).
pub const MAX_TASKS: usize = 10_000_000;
/// A sleep case is about waiting, not about an afternoon; past a minute the input is a typo.
pub const MAX_DURATION: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SleepMode {
    /// The strategy's native wait (`tokio::time::sleep`, `smol::Timer`, `thread::sleep` on a thread).
    Timer,
    /// `std::thread::sleep` in every task; async strategies must offload it
    /// (`spawn_blocking`, `unblock`) and never block a worker.
    Blocking,
}

impl SleepMode {
    pub fn name(self) -> &'static str {
        match self {
            SleepMode::Timer => "timer",
            SleepMode::Blocking => "blocking",
        }
    }

    pub fn parse(text: &str) -> Result<SleepMode, SpecError> {
        match text.trim() {
            "timer" => Ok(SleepMode::Timer),
            "blocking" => Ok(SleepMode::Blocking),
            other => Err(SpecError::new(format!("unknown sleep mode {other:?}; valid: timer, blocking"))),
        }
    }

    pub fn wait_kind(self) -> WaitKind {
        match self {
            SleepMode::Timer => WaitKind::Timer,
            SleepMode::Blocking => WaitKind::Blocking,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SleepSpec {
    pub tasks: usize,
    #[serde(with = "crate::duration::serde_text")]
    pub duration: Duration,
    pub mode: SleepMode,
}

/// What a strategy reports: the id of every task, in task order (the `gather` contract), and
/// the most tasks that were waiting at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SleepOutcome {
    pub ids: Vec<usize>,
    pub peak_waiting: usize,
}

impl SleepSpec {
    pub fn new(tasks: usize, duration: Duration, mode: SleepMode) -> Self {
        SleepSpec { tasks, duration, mode }
    }

    /// `sleep/timer/n=100/d=10ms`.
    pub fn case_name(&self) -> String {
        format!("sleep/{}/n={}/d={}", self.mode.name(), self.tasks, format_duration(self.duration))
    }

    /// The expected answer: every id once, in order.
    pub fn expected_ids(&self) -> impl Iterator<Item = usize> {
        0..self.tasks
    }
}

impl WorkloadSpec for SleepSpec {
    type Outcome = SleepOutcome;
    const WORKLOAD: Workload = Workload::Sleep;

    fn validate(&self) -> Result<(), SpecError> {
        check_range("--tasks", self.tasks as u64, 1, MAX_TASKS as u64)?;
        if self.duration > MAX_DURATION {
            return Err(SpecError::new(format!(
                "--sleep must be at most {}, got {}",
                format_duration(MAX_DURATION),
                format_duration(self.duration)
            )));
        }
        Ok(())
    }

    fn run(&self, strategy: &dyn Strategy, _target: Option<&Target>) -> Result<SleepOutcome, RunError> {
        strategy.sleep(self)
    }

    fn verify(&self, outcome: &SleepOutcome) -> Result<Summary, String> {
        if outcome.ids.len() != self.tasks {
            return Err(format!("expected {} task ids, got {}", self.tasks, outcome.ids.len()));
        }
        if let Some((at, (got, want))) =
            outcome.ids.iter().zip(self.expected_ids()).enumerate().find(|(_, (got, want))| **got != *want)
        {
            return Err(format!("result {at} is task {got}, expected task {want}"));
        }
        if outcome.peak_waiting == 0 || outcome.peak_waiting > self.tasks {
            return Err(format!(
                "peak waiting {} is impossible for {} tasks",
                outcome.peak_waiting, self.tasks
            ));
        }
        Ok(Summary { peak_in_flight: Some(outcome.peak_waiting), ..Summary::default() })
    }

    fn ideal(&self, _ctx: &Context) -> Option<Duration> {
        // Every wait overlaps: the floor is one wait.
        Some(self.duration)
    }

    fn predict(&self, overlap: Overlap, _ctx: &Context) -> Option<Duration> {
        let wait = self.mode.wait_kind();
        let rounds = self.tasks.div_ceil(overlap.effective(wait, self.tasks));
        Some(self.duration * rounds as u32)
    }

    fn params(&self) -> serde_json::Value {
        serde_json::json!({
            "tasks": self.tasks,
            "sleep_ms": self.duration.as_secs_f64() * 1e3,
            "mode": self.mode.name(),
        })
    }

    fn units(&self) -> u64 {
        self.tasks as u64
    }
}

/// The sleep cases of a preset.
///
/// - `sleep/{timer,blocking}/n=…/d=10ms`: the tutorial's "five sleeps take one", scaled.
/// - `sleep/memory/n=…`: long enough waits (100 ms) that every task is alive at once, so peak
///   RSS over the runtime's own baseline divided by N is the memory of one waiting task.
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
        let spec = SleepSpec::new(n, Duration::from_millis(100), SleepMode::Timer);
        cases.push(Case::new(format!("sleep/memory/n={n}/d=100ms"), crate::Spec::Sleep(spec)).runner_only());
    }
    for ms in [1, 10] {
        let spec = SleepSpec::new(1, Duration::from_millis(ms), SleepMode::Timer);
        cases.push(Case::new(format!("sleep/baseline/d={ms}ms"), crate::Spec::Sleep(spec)));
    }
    cases
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn validation_bounds() {
        assert!(spec(0).validate().is_err());
        assert!(spec(MAX_TASKS + 1).validate().is_err());
        assert!(spec(1).validate().is_ok());
        let long = SleepSpec::new(1, Duration::from_secs(61), SleepMode::Timer);
        assert!(long.validate().is_err());
    }

    #[test]
    fn prediction_follows_overlap() {
        let s = SleepSpec::new(100, Duration::from_millis(10), SleepMode::Timer);
        let ctx = Context::default();
        let seq = Overlap { timer: Some(1), blocking: Some(1) };
        let rayon = Overlap { timer: Some(2), blocking: Some(2) };
        let tokio = Overlap { timer: None, blocking: Some(512) };
        assert_eq!(s.predict(seq, &ctx), Some(Duration::from_secs(1)));
        assert_eq!(s.predict(rayon, &ctx), Some(Duration::from_millis(500)));
        assert_eq!(s.predict(tokio, &ctx), Some(Duration::from_millis(10)));
    }

    #[test]
    fn case_names() {
        assert_eq!(spec(100).case_name(), "sleep/timer/n=100/d=5ms");
    }
}
