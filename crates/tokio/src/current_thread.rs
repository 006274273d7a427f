//! The tokio-current-thread strategy (in the tokio crate, sharing its glue): one tokio `current_thread` runtime as
//! [`shootout_async::Runtime`]. Units are tasks spawned on it, and nothing runs them until the
//! final `block_on`: the calling thread drives every task (tokio's model for this flavour, so
//! W is 1 whatever the harness asks). Blocking calls go to the runtime's own blocking pool
//! (`spawn_blocking`), timers and `timeout_at` are `tokio::time`, the semaphore is
//! `tokio::sync::Semaphore`, and TCP is `TcpStream` through hyper-util's `TokioIo`. The
//! workloads themselves are `shootout_async`'s.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use hyper_util::rt::TokioIo;
use shootout_async::{Async, Runtime};
use shootout_core::{Overlap, RunError};

use crate::{TokioPermits, TokioTask};

/// The strategy. `_workers` is ignored: one thread drives a current-thread runtime.
pub fn build(_workers: usize) -> Result<Async<TokioCurrentThread>, RunError> {
    Ok(Async::new(TokioCurrentThread::new()?))
}

pub struct TokioCurrentThread {
    rt: tokio::runtime::Runtime,
}

impl TokioCurrentThread {
    pub fn new() -> Result<Self, RunError> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .max_blocking_threads(crate::MAX_BLOCKING_THREADS)
            .enable_all()
            .build()
            .map_err(|e| RunError::build("tokio current_thread runtime", e))?;
        Ok(TokioCurrentThread { rt })
    }
}

impl Runtime for TokioCurrentThread {
    type Task<T: Send + 'static> = TokioTask<T>;
    type Permits = TokioPermits;
    type Io = TokioIo<tokio::net::TcpStream>;

    const NAME: &'static str = "tokio-current-thread";

    /// Timers are unbounded; blocking waits share the blocking pool.
    fn overlap(_workers: usize) -> Overlap {
        Overlap { timer: None, blocking: Some(crate::MAX_BLOCKING_THREADS) }
    }

    /// One thread, the one that calls `block_on`, runs every task.
    fn workers(&self) -> usize {
        1
    }

    fn spawn<F>(&self, future: F) -> TokioTask<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        // Queued on the runtime; it first runs inside the final `block_on`.
        TokioTask(self.rt.spawn(future))
    }

    fn detach(&self, future: impl Future<Output = ()> + Send + 'static) {
        // Dropping a JoinHandle detaches the task.
        drop(self.rt.spawn(future));
    }

    /// Drives the join and, while it waits, every spawned task: the model, not a second job.
    fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.rt.block_on(future)
    }

    crate::tokio_primitives!();
}
