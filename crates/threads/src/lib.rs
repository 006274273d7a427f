//! The threads strategy: `std::thread`, a thread per concurrent unit where units wait (the OS
//! scheduler is the runtime), W scoped threads over chunks where units compute, and
//! crossbeam-channel between threads.

use shootout_core::{
    FanOutOutcome, FanOutSpec, HttpOutcome, HttpSpec, Overlap, QueueOutcome, QueueSpec, RunError,
    SleepOutcome, SleepSpec, Strategy, Target,
};

mod fanout;
mod http;
mod queue;
mod sleep;

pub const NAME: &str = "threads";

/// A thread per waiting unit: every wait overlaps, until the OS refuses a thread.
pub fn overlap(_workers: usize) -> Overlap {
    Overlap { timer: None, blocking: None }
}

#[derive(Debug)]
pub struct Threads {
    workers: usize,
}

impl Threads {
    pub fn new(workers: usize) -> Result<Self, RunError> {
        Ok(Threads { workers })
    }
}

impl Strategy for Threads {
    fn name(&self) -> &'static str {
        NAME
    }

    fn workers(&self) -> usize {
        self.workers
    }

    fn overlap(&self) -> Overlap {
        overlap(self.workers)
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

/// Spawns `count` threads running `body(index)` and joins them all, in index order.
///
/// The OS may refuse a thread (EAGAIN near the thread or mapping limit): then no more are
/// spawned, the ones already running are joined (so none is leaked), and the error names the
/// thread and the OS's reason. A thread that panicked is reported too.
pub fn spawn_join_all<T, F>(count: usize, body: F) -> Result<Vec<T>, RunError>
where
    T: Send + 'static,
    F: Fn(usize) -> T + Send + Sync + Clone + 'static,
{
    let mut handles = Vec::with_capacity(count);
    let mut refused = None;
    for index in 0..count {
        let body = body.clone();
        match std::thread::Builder::new().spawn(move || body(index)) {
            Ok(handle) => handles.push(handle),
            Err(err) => {
                refused = Some(RunError::spawn(index, count, &err));
                break;
            }
        }
    }
    let mut results = Vec::with_capacity(handles.len());
    let mut panicked = None;
    for handle in handles {
        match handle.join() {
            Ok(value) => results.push(value),
            Err(payload) => {
                panicked.get_or_insert_with(|| RunError::panicked("a thread", payload));
            }
        }
    }
    match refused.or(panicked) {
        Some(err) => Err(err),
        None => Ok(results),
    }
}
