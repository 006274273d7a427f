//! The async-std strategy: async-std's global executor on W threads. async-std was
//! discontinued upstream in 2025 (smol is its successor); it stays as a frozen comparison point.
//! Everything async-std-specific is here: `task::spawn` with its `JoinHandle` (`cancel`),
//! `task::sleep`, `future::timeout` for deadlines, `task::spawn_blocking`, and
//! `async_std::net::TcpStream` through smol-hyper's `FuturesIo`. It has no semaphore of its
//! own; async-lock's is the one its users take. The workloads themselves are `shootout_async`'s.
//!
//! async-std runs one process-global executor, configured once: we initialise it with exactly
//! W threads (what `ASYNC_STD_THREAD_COUNT=W` does) before anything touches async-std. A second
//! strategy with another W in the same process is refused, not silently given the first W.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::OnceLock;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use futures_util::FutureExt;
use shootout_async::{Async, Runtime, Task};
use shootout_core::{Overlap, RunError};
use smol_hyper::rt::FuturesIo;

/// The `blocking` crate's default thread cap (`BLOCKING_MAX_THREADS`), behind `spawn_blocking`.
pub const MAX_BLOCKING_THREADS: usize = 500;

/// The strategy: async-std's global executor behind the shared async workloads.
pub fn build(workers: usize) -> Result<Async<AsyncStd>, RunError> {
    Ok(Async::new(AsyncStd::new(workers)?))
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
}

impl Runtime for AsyncStd {
    type Task<T: Send + 'static> = AsyncStdTask<T>;
    type Permits = async_lock::Semaphore;
    type Io = FuturesIo<async_std::net::TcpStream>;

    const NAME: &'static str = "async-std";

    /// Timers are unbounded; blocking waits share the blocking pool.
    fn overlap(_workers: usize) -> Overlap {
        Overlap { timer: None, blocking: Some(MAX_BLOCKING_THREADS) }
    }

    fn workers(&self) -> usize {
        self.workers
    }

    fn spawn<F>(&self, future: F) -> AsyncStdTask<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        // An async-std task re-raises its panic in its awaiter; caught here it becomes a RunError.
        AsyncStdTask(async_std::task::spawn(AssertUnwindSafe(future).catch_unwind()))
    }

    fn detach(&self, future: impl Future<Output = ()> + Send + 'static) {
        // Dropping the handle detaches the task.
        drop(async_std::task::spawn(future));
    }

    fn block_on<F: Future>(&self, future: F) -> F::Output {
        async_std::task::block_on(future)
    }

    async fn spawn_blocking<T, F>(f: F) -> Result<T, RunError>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        AssertUnwindSafe(async_std::task::spawn_blocking(f))
            .catch_unwind()
            .await
            .map_err(|payload| RunError::panicked("an async-std blocking call", payload))
    }

    fn sleep(duration: Duration) -> impl Future<Output = ()> + Send {
        async_std::task::sleep(duration)
    }

    fn sleep_until(deadline: Instant) -> impl Future<Output = ()> + Send {
        async_std::task::sleep(deadline.saturating_duration_since(Instant::now()))
    }

    fn timeout_at<F>(deadline: Instant, future: F) -> impl Future<Output = Option<F::Output>> + Send
    where
        F: Future + Send,
        F::Output: Send,
    {
        async_std::future::timeout(deadline.saturating_duration_since(Instant::now()), future).map(Result::ok)
    }

    async fn connect(addr: SocketAddr) -> io::Result<Self::Io> {
        let stream = async_std::net::TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(FuturesIo::new(stream))
    }
}

/// An async-std `JoinHandle` whose panic is a `RunError`; `cancel` is `JoinHandle::cancel`,
/// which returns once the task has stopped.
pub struct AsyncStdTask<T>(async_std::task::JoinHandle<std::thread::Result<T>>);

impl<T: Send + 'static> Future for AsyncStdTask<T> {
    type Output = Result<T, RunError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.0)
            .poll(cx)
            .map(|r| r.map_err(|payload| RunError::panicked("an async-std task", payload)))
    }
}

impl<T: Send + 'static> Task<T> for AsyncStdTask<T> {
    async fn cancel(self) {
        self.0.cancel().await;
    }

    async fn try_cancel(self) -> Result<Option<T>, RunError> {
        // `JoinHandle::cancel` gives the output if the task finished first.
        match self.0.cancel().await {
            Some(Ok(value)) => Ok(Some(value)),
            Some(Err(payload)) => Err(RunError::panicked("an async-std task", payload)),
            None => Ok(None),
        }
    }
}
