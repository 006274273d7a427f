//! The smol-local strategy (in the smol crate, sharing its glue), smol's counterpart of tokio's current-thread runtime: the calling
//! thread's `async_executor::LocalExecutor`, as [`shootout_async::Runtime`]. Units are spawned
//! onto it by the calling thread and nothing runs them until the final `block_on`, which runs
//! the executor (`smol::block_on(executor.run(join))`, the LocalExecutor idiom): one thread
//! drives every task, so W is 1 whatever the harness asks. Timers are async-io's
//! (`smol::Timer`), blocking calls go to `smol::unblock` (the `blocking` crate's pool), the
//! semaphore is `smol::lock`'s, and TCP is `smol::net::TcpStream` through smol-hyper's
//! `FuturesIo`. The workloads themselves are `shootout_async`'s.
//!
//! A foreign thread (the submit workload) cannot reach that thread-local, so
//! [`Runtime::spawn_remote`] makes the task with `async_task::spawn` and schedules it through a
//! channel into the executor's thread: the final `block_on` runs, beside the executor, a pump
//! that runs whatever arrives (asyncio's `call_soon_threadsafe`: a ready queue and a wake-up).
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
use std::time::{Duration, Instant};

use async_executor::LocalExecutor;
use futures_lite::FutureExt;
use shootout_async::{Async, Runtime};
use shootout_core::{Overlap, RunError};
use smol_hyper::rt::FuturesIo;

use crate::SmolTask;

thread_local! {
    /// This thread's executor: what it spawns, its `block_on` runs.
    static EXECUTOR: LocalExecutor<'static> = const { LocalExecutor::new() };
}

/// The strategy. `_workers` is ignored: one thread runs a local executor.
pub fn build(_workers: usize) -> Result<Async<SmolLocal>, RunError> {
    let (remote, arrivals) = async_channel::unbounded();
    Ok(Async::new(SmolLocal { remote, arrivals }))
}

/// The handle the harness holds; the executor itself is the calling thread's. The channel
/// carries tasks scheduled from other threads into that thread's `block_on`.
pub struct SmolLocal {
    remote: async_channel::Sender<async_task::Runnable>,
    arrivals: async_channel::Receiver<async_task::Runnable>,
}

impl Runtime for SmolLocal {
    type Task<T: Send + 'static> = SmolTask<T>;
    type Permits = smol::lock::Semaphore;
    type Io = FuturesIo<smol::net::TcpStream>;

    const NAME: &'static str = "smol-local";

    /// Timers are unbounded; blocking waits share the blocking pool.
    fn overlap(_workers: usize) -> Overlap {
        Overlap { timer: None, blocking: Some(crate::MAX_BLOCKING_THREADS) }
    }

    /// One thread, the one that calls `block_on`, runs every task.
    fn workers(&self) -> usize {
        1
    }

    fn spawn<F>(&self, future: F) -> SmolTask<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        // A smol task re-raises its panic in its awaiter; caught here it becomes a RunError.
        EXECUTOR.with(|executor| SmolTask(executor.spawn(AssertUnwindSafe(future).catch_unwind())))
    }

    fn spawn_remote<F>(&self, future: F) -> SmolTask<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        // Every wake-up sends the task back to the executor's thread; once the strategy is
        // gone the send fails and the dropped runnable cancels the task.
        let remote = self.remote.clone();
        let schedule = move |runnable| {
            let _ = remote.try_send(runnable);
        };
        let (runnable, task) = async_task::spawn(AssertUnwindSafe(future).catch_unwind(), schedule);
        runnable.schedule();
        SmolTask(task)
    }

    fn detach(&self, future: impl Future<Output = ()> + Send + 'static) {
        // Called from a task, i.e. inside `block_on` on the thread that owns the executor.
        EXECUTOR.with(|executor| executor.spawn(future).detach());
    }

    /// Runs the executor until the join completes: the model, not a second job.
    fn block_on<F: Future>(&self, future: F) -> F::Output {
        // `smol::block_on` (async-io's) also drives the reactor when this thread idles.
        let arrivals = self.arrivals.clone();
        let pump = async move {
            // Tasks other threads scheduled run here, on the executor's thread, in turn with
            // its own tasks; the channel never closes while `self` lives.
            while let Ok(runnable) = arrivals.recv().await {
                runnable.run();
                futures_lite::future::yield_now().await;
            }
            std::future::pending().await
        };
        EXECUTOR.with(|executor| smol::block_on(executor.run(future.or(pump))))
    }

    crate::smol_primitives!();
}
