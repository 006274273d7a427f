//! The one contract every strategy implements ([`Strategy`]), what a unit waits on, and how many waits a strategy can overlap.

use serde::{Deserialize, Serialize};

use crate::{
    FanOutOutcome, FanOutSpec, HttpOutcome, HttpSpec, QueueOutcome, QueueSpec, RunError, SleepOutcome,
    SleepSpec, SubmitOutcome, SubmitSpec, Target,
};

/// What a unit waits on: the strategy's native timer, or a blocking call (`thread::sleep`, a
/// blocking syscall) that an async strategy must move off its workers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WaitKind {
    Timer,
    Blocking,
}

/// At most how many waits of each kind a strategy can have in progress at once; `None` when
/// every unit can wait at the same time. Sequential 1/1, rayon W/W, threads unbounded, tokio
/// unbounded timers and 512 blocking threads, async-std and smol unbounded timers and the
/// `blocking` crate's 500 threads. Used to predict a case's time (the budget rule) and by tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overlap {
    pub timer: Option<usize>,
    pub blocking: Option<usize>,
}

impl Overlap {
    pub fn of(&self, wait: WaitKind) -> Option<usize> {
        match wait {
            WaitKind::Timer => self.timer,
            WaitKind::Blocking => self.blocking,
        }
    }

    /// How many of `units` waits overlap.
    pub fn effective(&self, wait: WaitKind, units: usize) -> usize {
        self.of(wait).map_or(units, |cap| cap.min(units)).max(1)
    }
}

/// One way of running concurrent work. Built once (runtime, pool) outside any timing, with the
/// worker count W that every parallel strategy shares.
///
/// Every method is synchronous from the caller's side (an async strategy blocks on its own
/// runtime), so one harness times every strategy the same way. A method returns the raw
/// outcome; core's `verify` decides whether it is right.
pub trait Strategy: Send + Sync {
    /// "sequential", "threads", "rayon", "tokio", "async-std", "smol".
    fn name(&self) -> &'static str;

    /// The worker count W this strategy was built with (1 for sequential).
    fn workers(&self) -> usize;

    /// How many waits this strategy can overlap (see [`Overlap`]).
    fn overlap(&self) -> Overlap;

    // A workload a strategy cannot run keeps the default: `Unsupported`, which the tables show.

    fn sleep(&self, _spec: &SleepSpec) -> Result<SleepOutcome, RunError> {
        Err(unsupported(self.name(), "sleep"))
    }

    fn fan_out(&self, _spec: &FanOutSpec) -> Result<FanOutOutcome, RunError> {
        Err(unsupported(self.name(), "fan-out"))
    }

    fn http(&self, _spec: &HttpSpec, _target: &Target) -> Result<HttpOutcome, RunError> {
        Err(unsupported(self.name(), "http"))
    }

    fn queue(&self, _spec: &QueueSpec) -> Result<QueueOutcome, RunError> {
        Err(unsupported(self.name(), "queue"))
    }

    fn submit(&self, _spec: &SubmitSpec) -> Result<SubmitOutcome, RunError> {
        Err(unsupported(self.name(), "submit"))
    }

    /// What the strategy measured of its last run itself, in place of the harness's clock:
    /// only an external program, whose own start/end stamps leave its interpreter's start-up
    /// out, and whose CPU and threads live in another process. `None` for every Rust strategy.
    fn own_measure(&self) -> Option<OwnMeasure> {
        None
    }

    /// What every row of this strategy should say about how it ran, when that differs from
    /// what its name promises: monoio on its epoll fallback where the kernel refused io_uring.
    fn notes(&self) -> Notes {
        Notes::new()
    }
}

/// What a row says about how it ran, by key (`CaseResult::notes`).
pub type Notes = std::collections::BTreeMap<String, serde_json::Value>;

/// An external strategy's own measurement of one run (see [`Strategy::own_measure`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OwnMeasure {
    /// From the program's start stamp to its end stamp.
    pub wall: std::time::Duration,
    /// The program's process CPU time over the run (read by the caller, not reported by it).
    pub cpu: std::time::Duration,
    /// The program's threads at the end of the run.
    pub threads: usize,
    /// What the row should say about how the program ran (e.g. which HTTP client it used).
    pub notes: std::collections::BTreeMap<String, serde_json::Value>,
}

fn unsupported(strategy: &str, workload: &str) -> RunError {
    RunError::Unsupported(format!("{strategy} does not implement the {workload} workload"))
}

/// The workload methods of a strategy crate laid out the usual way, one module per
/// workload with a `run` function: `sleep::run(self, spec)`, `fanout::run(self, spec)`,
/// `http::run(self, spec, target)`, `queue::run(self, spec)`, `submit::run(self, spec)`. Use inside `impl Strategy`; a
/// crate that lacks a workload writes its methods by hand instead (or keeps the default).
#[macro_export]
macro_rules! workload_modules {
    () => {
        fn sleep(&self, spec: &$crate::SleepSpec) -> Result<$crate::SleepOutcome, $crate::RunError> {
            sleep::run(self, spec)
        }

        fn fan_out(&self, spec: &$crate::FanOutSpec) -> Result<$crate::FanOutOutcome, $crate::RunError> {
            fanout::run(self, spec)
        }

        fn http(
            &self,
            spec: &$crate::HttpSpec,
            target: &$crate::Target,
        ) -> Result<$crate::HttpOutcome, $crate::RunError> {
            http::run(self, spec, target)
        }

        fn queue(&self, spec: &$crate::QueueSpec) -> Result<$crate::QueueOutcome, $crate::RunError> {
            queue::run(self, spec)
        }

        fn submit(&self, spec: &$crate::SubmitSpec) -> Result<$crate::SubmitOutcome, $crate::RunError> {
            submit::run(self, spec)
        }
    };
}
