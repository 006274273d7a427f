//! The smol-local strategy, smol's counterpart of tokio's current-thread runtime: the calling
//! thread's `async_executor::LocalExecutor`, as [`shootout_async::Runtime`]. Units are spawned
//! onto it by the calling thread and nothing runs them until the final `block_on`, which runs
//! the executor (`smol::block_on(executor.run(join))`, the LocalExecutor idiom): one thread
//! drives every task, so W is 1 whatever the harness asks. Timers are async-io's
//! (`smol::Timer`), blocking calls go to `smol::unblock` (the `blocking` crate's pool), the
//! semaphore is `smol::lock`'s, and TCP is `smol::net::TcpStream` through smol-hyper's
//! `FuturesIo`. The workloads themselves are `shootout_async`'s.
//!
//! A `LocalExecutor` cannot be shared between threads, so it lives in a thread-local of the
//! thread that uses the strategy: `spawn` and `block_on` must be called on the same thread,
//! as every workload body does (both happen inside one `Strategy` call). The other way to fit
//! `Runtime::spawn` — a dedicated thread owning the executor and receiving futures through a
//! channel — would be an `Executor` run by one thread (what `smol` is at W = 1), not a local
//! one.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use async_executor::LocalExecutor;
use futures_lite::FutureExt;
use shootout_async::{Async, Runtime, Task};
use shootout_core::{Overlap, RunError};
use smol_hyper::rt::FuturesIo;

/// The `blocking` crate's default thread cap (`BLOCKING_MAX_THREADS`), behind `unblock`.
pub const MAX_BLOCKING_THREADS: usize = 500;

thread_local! {
    /// This thread's executor: what it spawns, its `block_on` runs.
    static EXECUTOR: LocalExecutor<'static> = const { LocalExecutor::new() };
}

/// The strategy. `_workers` is ignored: one thread runs a local executor.
pub fn build(_workers: usize) -> Result<Async<SmolLocal>, RunError> {
    Ok(Async::new(SmolLocal))
}

/// The handle the harness holds; the executor itself is the calling thread's.
pub struct SmolLocal;

impl Runtime for SmolLocal {
    type Task<T: Send + 'static> = SmolLocalTask<T>;
    type Permits = smol::lock::Semaphore;
    type Io = FuturesIo<smol::net::TcpStream>;

    const NAME: &'static str = "smol-local";

    /// Timers are unbounded; blocking waits share the blocking pool.
    fn overlap(_workers: usize) -> Overlap {
        Overlap { timer: None, blocking: Some(MAX_BLOCKING_THREADS) }
    }

    /// One thread, the one that calls `block_on`, runs every task.
    fn workers(&self) -> usize {
        1
    }

    fn spawn<F>(&self, future: F) -> SmolLocalTask<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        // A smol task re-raises its panic in its awaiter; caught here it becomes a RunError.
        EXECUTOR.with(|executor| SmolLocalTask(executor.spawn(AssertUnwindSafe(future).catch_unwind())))
    }

    fn detach(&self, future: impl Future<Output = ()> + Send + 'static) {
        // Called from a task, i.e. inside `block_on` on the thread that owns the executor.
        EXECUTOR.with(|executor| executor.spawn(future).detach());
    }

    /// Runs the executor until the join completes: the model, not a second job.
    fn block_on<F: Future>(&self, future: F) -> F::Output {
        // `smol::block_on` (async-io's) also drives the reactor when this thread idles.
        EXECUTOR.with(|executor| smol::block_on(executor.run(future)))
    }

    async fn spawn_blocking<T, F>(f: F) -> Result<T, RunError>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        AssertUnwindSafe(smol::unblock(f)).catch_unwind().await.map_err(blocking_panicked)
    }

    async fn sleep(duration: Duration) {
        smol::Timer::after(duration).await;
    }

    async fn sleep_until(deadline: Instant) {
        smol::Timer::at(deadline).await;
    }

    async fn connect(addr: SocketAddr) -> io::Result<Self::Io> {
        let stream = smol::net::TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(FuturesIo::new(stream))
    }
}

fn blocking_panicked(payload: Box<dyn std::any::Any + Send>) -> RunError {
    RunError::panicked("a smol blocking call", payload)
}

/// A local executor's task (Send, since its output is), whose panic is a `RunError`; `cancel`
/// is `Task::cancel`, which returns once the task has stopped.
pub struct SmolLocalTask<T>(async_executor::Task<std::thread::Result<T>>);

impl<T: Send + 'static> Future for SmolLocalTask<T> {
    type Output = Result<T, RunError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.0)
            .poll(cx)
            .map(|r| r.map_err(|payload| RunError::panicked("a smol task", payload)))
    }
}

impl<T: Send + 'static> Task<T> for SmolLocalTask<T> {
    async fn cancel(self) {
        self.0.cancel().await;
    }
}
