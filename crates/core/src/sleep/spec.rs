//! The sleep spec: N tasks, the wait d and its mode (timer or blocking), its validation, and
//! the outcome a strategy answers with.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::check_range;
use crate::spec::{Context, Summary, Workload, WorkloadSpec};
use crate::strategy::{Overlap, WaitKind};
use crate::{RunError, Span, SpecError, Strategy, Target, format_duration};

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
    /// The timer wait with nothing recorded per task: each task holds what a minimal gather
    /// holds (its handle and its id), so peak RSS ÷ N measures the task. Every task waits
    /// until d after the last spawn ([`Release`](super::Release)), so all N are alive at once.
    Memory,
}

impl SleepMode {
    pub fn name(self) -> &'static str {
        match self {
            SleepMode::Timer => "timer",
            SleepMode::Blocking => "blocking",
            SleepMode::Memory => "memory",
        }
    }

    pub fn parse(text: &str) -> Result<SleepMode, SpecError> {
        match text.trim() {
            "timer" => Ok(SleepMode::Timer),
            "blocking" => Ok(SleepMode::Blocking),
            "memory" => Ok(SleepMode::Memory),
            other => {
                Err(SpecError::new(format!("unknown sleep mode {other:?}; valid: timer, blocking, memory")))
            }
        }
    }

    pub fn wait_kind(self) -> WaitKind {
        match self {
            SleepMode::Timer | SleepMode::Memory => WaitKind::Timer,
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
/// when each task waited (its own record, in task order; none in memory mode). `verify`
/// derives the peak of waiting tasks from the spans, after the clock has stopped. Memory mode
/// reports instead the span from its release (the last spawn) to the join: when it lasted d,
/// every task was alive at its start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SleepOutcome {
    pub ids: Vec<usize>,
    pub waits: Vec<Span>,
    pub held: Option<Span>,
}

impl SleepOutcome {
    /// The ids and spans of tasks that each returned `(id, span)`.
    pub fn from_pairs(pairs: Vec<(usize, Span)>) -> SleepOutcome {
        let (ids, waits) = pairs.into_iter().unzip();
        SleepOutcome { ids, waits, held: None }
    }

    /// Memory mode's answer: the ids, and the span from the release to the join.
    pub fn held(ids: Vec<usize>, held: Span) -> SleepOutcome {
        SleepOutcome { ids, waits: Vec::new(), held: Some(held) }
    }
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
        super::verify::verify(self, outcome)
    }

    fn ideal(&self, ctx: &Context) -> Option<Duration> {
        super::ideal::ideal(self, ctx)
    }

    fn predict(&self, overlap: Overlap, ctx: &Context) -> Option<Duration> {
        super::ideal::predict(self, overlap, ctx)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(n: usize) -> SleepSpec {
        SleepSpec::new(n, Duration::from_millis(5), SleepMode::Timer)
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
    fn case_names() {
        assert_eq!(spec(100).case_name(), "sleep/timer/n=100/d=5ms");
    }
}
