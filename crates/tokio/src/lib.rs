//! The tokio strategy: a multi-thread runtime with W workers, built once. Every concurrent
//! unit is a spawned task; the calling thread only `block_on`s the final join.

use shootout_core::{
    FanOutOutcome, FanOutSpec, HttpOutcome, HttpSpec, Overlap, QueueOutcome, QueueSpec, RunError,
    SleepOutcome, SleepSpec, Strategy, Target,
};

mod fanout;
mod http;
mod queue;
mod sleep;

pub const NAME: &str = "tokio";

/// tokio's default cap on `spawn_blocking` threads; we keep the default (idiomatic use).
pub const MAX_BLOCKING_THREADS: usize = 512;

/// Timers are unbounded; blocking waits share the blocking pool.
pub fn overlap(_workers: usize) -> Overlap {
    Overlap { timer: None, blocking: Some(MAX_BLOCKING_THREADS) }
}

pub struct Tokio {
    rt: tokio::runtime::Runtime,
    workers: usize,
}

impl Tokio {
    pub fn new(workers: usize) -> Result<Self, RunError> {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(workers)
            .max_blocking_threads(MAX_BLOCKING_THREADS)
            .thread_name("tokio-worker")
            .enable_all()
            .build()
            .map_err(|e| RunError::build("tokio runtime", e))?;
        Ok(Tokio { rt, workers })
    }

    pub fn runtime(&self) -> &tokio::runtime::Runtime {
        &self.rt
    }

    /// Awaits every handle in order on the runtime (the `gather`), turning a failed task into
    /// a `RunError` instead of a panic.
    pub fn join_all<T: Send + 'static>(
        &self,
        handles: Vec<tokio::task::JoinHandle<T>>,
    ) -> Result<Vec<T>, RunError> {
        self.rt.block_on(async {
            let mut out = Vec::with_capacity(handles.len());
            for handle in handles {
                out.push(handle.await.map_err(|e| RunError::failed(format!("tokio task failed: {e}")))?);
            }
            Ok(out)
        })
    }
}

impl Strategy for Tokio {
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
