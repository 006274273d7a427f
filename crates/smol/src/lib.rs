//! The smol strategy: one `async_executor::Executor` run by W threads of our own (smol's
//! global executor has one thread unless `SMOL_THREADS` is set), smol's timers (async-io),
//! and `smol::unblock` (the `blocking` crate's pool) for blocking calls.

use std::sync::Arc;
use std::thread::JoinHandle;

use async_executor::Executor;
use shootout_core::{
    FanOutOutcome, FanOutSpec, HttpOutcome, HttpSpec, Overlap, QueueOutcome, QueueSpec, RunError,
    SleepOutcome, SleepSpec, Strategy, Target,
};

mod fanout;
mod http;
mod queue;
mod sleep;

pub const NAME: &str = "smol";

/// The `blocking` crate's default thread cap (`BLOCKING_MAX_THREADS`), behind `unblock`.
pub const MAX_BLOCKING_THREADS: usize = 500;

pub fn overlap(_workers: usize) -> Overlap {
    Overlap { timer: None, blocking: Some(MAX_BLOCKING_THREADS) }
}

pub struct Smol {
    executor: Arc<Executor<'static>>,
    stop: Option<async_channel::Sender<()>>,
    threads: Vec<JoinHandle<()>>,
    workers: usize,
}

impl Smol {
    pub fn new(workers: usize) -> Result<Self, RunError> {
        let executor = Arc::new(Executor::new());
        let (stop, stopped) = async_channel::bounded::<()>(1);
        let mut smol = Smol { executor, stop: Some(stop), threads: Vec::new(), workers };
        for i in 0..workers {
            let executor = Arc::clone(&smol.executor);
            let stopped = stopped.clone();
            // `smol::block_on` (async-io's) also drives the reactor when this thread idles.
            let thread = std::thread::Builder::new()
                .name(format!("smol-{i}"))
                .spawn(move || smol::block_on(executor.run(stopped.recv())).unwrap_or(()))
                .map_err(|e| RunError::build("smol executor thread", e))?;
            smol.threads.push(thread);
        }
        Ok(smol)
    }

    pub fn executor(&self) -> &Arc<Executor<'static>> {
        &self.executor
    }

    /// Awaits every task in order (the `gather`).
    pub fn join_all<T: Send + 'static>(&self, tasks: Vec<smol::Task<T>>) -> Vec<T> {
        smol::block_on(async {
            let mut out = Vec::with_capacity(tasks.len());
            for task in tasks {
                out.push(task.await);
            }
            out
        })
    }
}

impl Drop for Smol {
    fn drop(&mut self) {
        // Closing the channel ends every `executor.run`.
        drop(self.stop.take());
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

impl Strategy for Smol {
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
