//! The sequential strategy: every unit runs on the calling thread, one after another — the
//! tutorials' "before" picture, and the floor any concurrency must beat.

use shootout_core::{
    FanOutOutcome, FanOutSpec, HttpOutcome, HttpSpec, Overlap, QueueOutcome, QueueSpec, RunError,
    SleepOutcome, SleepSpec, Strategy, Target,
};

mod fanout;
mod http;
mod queue;
mod sleep;

pub const NAME: &str = "sequential";

/// One unit at a time, whatever the wait.
pub fn overlap(_workers: usize) -> Overlap {
    Overlap { timer: Some(1), blocking: Some(1) }
}

#[derive(Debug, Default)]
pub struct Sequential;

impl Sequential {
    pub fn new() -> Self {
        Sequential
    }
}

impl Strategy for Sequential {
    fn name(&self) -> &'static str {
        NAME
    }

    fn workers(&self) -> usize {
        1
    }

    fn overlap(&self) -> Overlap {
        overlap(1)
    }

    fn sleep(&self, spec: &SleepSpec) -> Result<SleepOutcome, RunError> {
        sleep::run(self, spec)
    }

    fn fan_out(&self, spec: &FanOutSpec) -> Result<FanOutOutcome, RunError> {
        fanout::run(self, spec)
    }

    fn http(&self, spec: &HttpSpec, target: &Target) -> Result<HttpOutcome, RunError> {
        http::run(self, spec, target)
    }

    fn queue(&self, spec: &QueueSpec) -> Result<QueueOutcome, RunError> {
        queue::run(self, spec)
    }
}
