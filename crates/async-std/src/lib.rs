//! The async-std strategy: async-std's global executor on W threads. async-std was
//! discontinued upstream in 2025 (smol is its successor); it stays as a comparison point.
//!
//! async-std runs one process-global executor, configured once: we initialise it with exactly
//! W threads (what `ASYNC_STD_THREAD_COUNT=W` does) before anything touches async-std. A second
//! strategy with another W in the same process is refused, not silently given the first W.

use std::sync::OnceLock;

use shootout_core::{
    FanOutOutcome, FanOutSpec, HttpOutcome, HttpSpec, Overlap, QueueOutcome, QueueSpec, RunError,
    SleepOutcome, SleepSpec, Strategy, Target,
};

mod fanout;
mod http;
mod queue;
mod sleep;

pub const NAME: &str = "async-std";

/// The `blocking` crate's default thread cap (`BLOCKING_MAX_THREADS`), behind `spawn_blocking`.
pub const MAX_BLOCKING_THREADS: usize = 500;

pub fn overlap(_workers: usize) -> Overlap {
    Overlap { timer: None, blocking: Some(MAX_BLOCKING_THREADS) }
}

static GLOBAL_WORKERS: OnceLock<usize> = OnceLock::new();

#[derive(Debug)]
pub struct AsyncStd {
    workers: usize,
}

impl AsyncStd {
    pub fn new(workers: usize) -> Result<Self, RunError> {
        let configured = *GLOBAL_WORKERS.get_or_init(|| {
            async_global_executor::init_with_config(
                async_global_executor::GlobalExecutorConfig::default()
                    .with_min_threads(workers)
                    .with_max_threads(workers)
                    .with_thread_name_fn(|| "async-std-worker".to_string()),
            );
            workers
        });
        if configured != workers {
            return Err(RunError::build(
                "async-std executor",
                format!(
                    "its global executor already runs {configured} threads in this process; W = {workers} needs a new process"
                ),
            ));
        }
        Ok(AsyncStd { workers })
    }

    /// Awaits every handle in order (the `gather`).
    pub fn join_all<T: Send + 'static>(&self, handles: Vec<async_std::task::JoinHandle<T>>) -> Vec<T> {
        async_std::task::block_on(async {
            let mut out = Vec::with_capacity(handles.len());
            for handle in handles {
                out.push(handle.await);
            }
            out
        })
    }
}

impl Strategy for AsyncStd {
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
