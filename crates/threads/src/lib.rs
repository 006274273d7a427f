//! The threads strategy: `std::thread`, a thread per concurrent unit where units wait (the OS
//! scheduler is the runtime), W scoped threads over chunks where units compute, and
//! crossbeam-channel between threads.

use shootout_core::{Overlap, RunError, Strategy};

mod fanout;
mod http;
mod queue;
mod sleep;
mod submit;

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

    shootout_core::workload_modules!();
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
    spawn_join_all_then(count, body, || {})
}

/// [`spawn_join_all`], calling `spawned` between the last spawn (or the refused one) and the
/// first join.
pub fn spawn_join_all_then<T, F>(count: usize, body: F, spawned: impl FnOnce()) -> Result<Vec<T>, RunError>
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
    spawned();
    let joined = shootout_core::blocking::join_threads(handles, "a thread");
    match refused {
        Some(err) => Err(err),
        None => joined,
    }
}
