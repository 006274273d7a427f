//! The tokio-current-thread strategy: one tokio `current_thread` runtime as
//! [`shootout_async::Runtime`]. Units are tasks spawned on it, and nothing runs them until the
//! final `block_on`: the calling thread drives every task (tokio's model for this flavour, so
//! W is 1 whatever the harness asks). Blocking calls go to the runtime's own blocking pool
//! (`spawn_blocking`), timers and `timeout_at` are `tokio::time`, the semaphore is
//! `tokio::sync::Semaphore`, and TCP is `TcpStream` through hyper-util's `TokioIo`. The
//! workloads themselves are `shootout_async`'s.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use futures_util::FutureExt;
use hyper_util::rt::TokioIo;
use shootout_async::{Async, Permits, Runtime, Task};
use shootout_core::{Overlap, RunError};

/// tokio's default cap on `spawn_blocking` threads; we keep the default (idiomatic use).
pub const MAX_BLOCKING_THREADS: usize = 512;

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
            .max_blocking_threads(MAX_BLOCKING_THREADS)
            .enable_all()
            .build()
            .map_err(|e| RunError::build("tokio current_thread runtime", e))?;
        Ok(TokioCurrentThread { rt })
    }
}

impl Runtime for TokioCurrentThread {
    type Task<T: Send + 'static> = CurrentThreadTask<T>;
    type Permits = TokioPermits;
    type Io = TokioIo<tokio::net::TcpStream>;

    const NAME: &'static str = "tokio-current-thread";

    /// Timers are unbounded; blocking waits share the blocking pool.
    fn overlap(_workers: usize) -> Overlap {
        Overlap { timer: None, blocking: Some(MAX_BLOCKING_THREADS) }
    }

    /// One thread, the one that calls `block_on`, runs every task.
    fn workers(&self) -> usize {
        1
    }

    fn spawn<F>(&self, future: F) -> CurrentThreadTask<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        // Queued on the runtime; it first runs inside the final `block_on`.
        CurrentThreadTask(self.rt.spawn(future))
    }

    fn detach(&self, future: impl Future<Output = ()> + Send + 'static) {
        // Dropping a JoinHandle detaches the task.
        drop(self.rt.spawn(future));
    }

    /// Drives the join and, while it waits, every spawned task: the model, not a second job.
    fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.rt.block_on(future)
    }

    async fn spawn_blocking<T, F>(f: F) -> Result<T, RunError>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        // Called inside a task, so this is the runtime's own blocking pool.
        tokio::task::spawn_blocking(f).await.map_err(join_error)
    }

    fn sleep(duration: Duration) -> impl Future<Output = ()> + Send {
        tokio::time::sleep(duration)
    }

    fn sleep_until(deadline: Instant) -> impl Future<Output = ()> + Send {
        tokio::time::sleep_until(deadline.into())
    }

    async fn timeout_at<F>(deadline: Instant, future: F) -> Option<F::Output>
    where
        F: Future + Send,
        F::Output: Send,
    {
        tokio::time::timeout_at(deadline.into(), future).await.ok()
    }

    async fn connect(addr: SocketAddr) -> io::Result<Self::Io> {
        let stream = tokio::net::TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(TokioIo::new(stream))
    }
}

/// A tokio `JoinHandle` whose failure (a panic, or a cancel) is a `RunError`.
pub struct CurrentThreadTask<T>(tokio::task::JoinHandle<T>);

impl<T: Send + 'static> Future for CurrentThreadTask<T> {
    type Output = Result<T, RunError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.0).poll(cx).map(|r| r.map_err(join_error))
    }
}

impl<T: Send + 'static> Task<T> for CurrentThreadTask<T> {
    fn cancel(self) -> impl Future<Output = ()> + Send {
        // `abort` asks now; awaiting the handle returns once the task has stopped.
        self.0.abort();
        self.0.map(drop)
    }
}

fn join_error(err: tokio::task::JoinError) -> RunError {
    match err.try_into_panic() {
        Ok(payload) => RunError::panicked("a tokio task", payload),
        Err(err) => RunError::failed(format!("a tokio task failed: {err}")),
    }
}

/// `tokio::sync::Semaphore`. Never closed, so `acquire` never fails; were it closed, no permit
/// would be held and verify's peak-in-flight check would say so.
pub struct TokioPermits(tokio::sync::Semaphore);

impl Permits for TokioPermits {
    type Permit<'a> = Option<tokio::sync::SemaphorePermit<'a>>;

    fn new(permits: usize) -> Self {
        TokioPermits(tokio::sync::Semaphore::new(permits))
    }

    async fn acquire(&self) -> Self::Permit<'_> {
        self.0.acquire().await.ok()
    }
}
