//! The sequential strategy: every unit runs on the calling thread, one after another — the
//! tutorials' "before" picture, and the floor any concurrency must beat.

use shootout_core::{Overlap, Strategy};

mod fanout;
mod http;
mod queue;
mod sleep;
mod submit;

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

    shootout_core::workload_modules!();
}
