//! The smol strategy: one `async_executor::Executor` run by W threads of our own (smol's global
//! executor has one thread unless `SMOL_THREADS` is set), smol's timers (async-io),
//! `smol::unblock` (the `blocking` crate's pool) for blocking calls, `async_lock`'s semaphore
//! (`smol::lock`), and `smol::net::TcpStream` through smol-hyper's `FuturesIo`. The workloads
//! themselves are `shootout_async`'s. [`local`] is smol-local, the calling thread's
//! `LocalExecutor`, on the same glue.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use async_executor::Executor;
use futures_lite::FutureExt;
use shootout_async::{Async, Runtime, Task};
use shootout_core::{Overlap, RunError};
use smol_hyper::rt::FuturesIo;

pub mod local;

/// The `blocking` crate's default thread cap (`BLOCKING_MAX_THREADS`), behind `unblock`.
pub const MAX_BLOCKING_THREADS: usize = 500;

/// The strategy: smol's executor behind the shared async workloads.
pub fn build(workers: usize) -> Result<Async<Smol>, RunError> {
    Ok(Async::new(Smol::new(workers)?))
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

/// smol's timer as a `Future<Output = ()>` with nothing around it: an `async fn` wrapper would
/// add its own state to every sleeping task (36 B a task in the memory case, measured against a
/// minimal gather), a cost of the harness, not of smol.
pub struct Sleep(smol::Timer);

impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        Pin::new(&mut self.0).poll(cx).map(drop)
    }
}

/// The primitives smol's executors share, as `Runtime` items: `unblock` (the `blocking`
/// crate's pool), async-io's timers, and `smol::net::TcpStream` through smol-hyper's
/// `FuturesIo`. One definition for the W-thread executor and the local one.
macro_rules! smol_primitives {
    () => {
        async fn spawn_blocking<T, F>(f: F) -> Result<T, RunError>
        where
            T: Send + 'static,
            F: FnOnce() -> T + Send + 'static,
        {
            AssertUnwindSafe(smol::unblock(f)).catch_unwind().await.map_err($crate::blocking_panicked)
        }

        fn sleep(duration: Duration) -> impl Future<Output = ()> + Send {
            $crate::Sleep(smol::Timer::after(duration))
        }

        fn sleep_until(deadline: Instant) -> impl Future<Output = ()> + Send {
            $crate::Sleep(smol::Timer::at(deadline))
        }

        async fn connect(addr: SocketAddr) -> io::Result<Self::Io> {
            let stream = smol::net::TcpStream::connect(addr).await?;
            stream.set_nodelay(true)?;
            Ok(FuturesIo::new(stream))
        }
    };
}
pub(crate) use smol_primitives;

impl Runtime for Smol {
    type Task<T: Send + 'static> = SmolTask<T>;
    type Permits = smol::lock::Semaphore;
    type Io = FuturesIo<smol::net::TcpStream>;

    const NAME: &'static str = "smol";

    /// Timers are unbounded; blocking waits share the blocking pool.
    fn overlap(_workers: usize) -> Overlap {
        Overlap { timer: None, blocking: Some(MAX_BLOCKING_THREADS) }
    }

    fn workers(&self) -> usize {
        self.workers
    }

    fn spawn<F>(&self, future: F) -> SmolTask<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        // A smol task re-raises its panic in its awaiter; caught here it becomes a RunError.
        SmolTask(self.executor.spawn(AssertUnwindSafe(future).catch_unwind()))
    }

    fn detach(&self, future: impl Future<Output = ()> + Send + 'static) {
        self.executor.spawn(future).detach();
    }

    fn block_on<F: Future>(&self, future: F) -> F::Output {
        smol::block_on(future)
    }

    smol_primitives!();
}

pub(crate) fn blocking_panicked(payload: Box<dyn std::any::Any + Send>) -> RunError {
    RunError::panicked("a smol blocking call", payload)
}

/// A `smol::Task` whose panic is a `RunError`; `cancel` is `Task::cancel`, which returns once
/// the task has stopped.
pub struct SmolTask<T>(pub(crate) smol::Task<std::thread::Result<T>>);

impl<T: Send + 'static> Future for SmolTask<T> {
    type Output = Result<T, RunError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.0)
            .poll(cx)
            .map(|r| r.map_err(|payload| RunError::panicked("a smol task", payload)))
    }
}

impl<T: Send + 'static> Task<T> for SmolTask<T> {
    async fn cancel(self) {
        self.0.cancel().await;
    }

    async fn try_cancel(self) -> Result<Option<T>, RunError> {
        // `Task::cancel` gives the output if the task finished first.
        match self.0.cancel().await {
            Some(Ok(value)) => Ok(Some(value)),
            Some(Err(payload)) => Err(RunError::panicked("a smol task", payload)),
            None => Ok(None),
        }
    }
}
