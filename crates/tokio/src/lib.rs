//! The tokio strategy: a multi-thread runtime with W workers, built once, as
//! [`shootout_async::Runtime`]. Everything tokio-specific is here: `tokio::spawn` with its
//! `JoinHandle` (abort to cancel), `tokio::time` (`timeout_at` for deadlines),
//! `tokio::sync::Semaphore`, `spawn_blocking` on its blocking pool, and `TcpStream` through
//! hyper-util's `TokioIo`. The workloads themselves are `shootout_async`'s.
//!
//! tokio's other topologies are here too, sharing that glue: [`current_thread`] (one
//! `current_thread` runtime, driven by the final `block_on`) and [`per_core`] (W of them, one
//! per thread, units round-robin). A topology is a constructor choice of the same runtime.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use futures_util::FutureExt;

pub mod current_thread;
pub mod per_core;
use hyper_util::rt::TokioIo;
use shootout_async::{Async, Permits, Runtime, Task};
use shootout_core::{Overlap, RunError};

/// tokio's default cap on `spawn_blocking` threads; we keep the default (idiomatic use).
pub const MAX_BLOCKING_THREADS: usize = 512;

/// The strategy: tokio's runtime behind the shared async workloads.
pub fn build(workers: usize) -> Result<Async<Tokio>, RunError> {
    Ok(Async::new(Tokio::new(workers)?))
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
}

/// The primitives every tokio topology shares, as `Runtime` items: `spawn_blocking` on the
/// blocking pool of the runtime the calling task runs on, `tokio::time` for sleeps and
/// `timeout_at`, and `TcpStream` through hyper-util's `TokioIo`. One definition for the
/// multi-thread, current-thread and per-core runtimes, which differ only in who runs tasks.
macro_rules! tokio_primitives {
    () => {
        async fn spawn_blocking<T, F>(f: F) -> Result<T, RunError>
        where
            T: Send + 'static,
            F: FnOnce() -> T + Send + 'static,
        {
            // Called inside a task of the runtime, like `asyncio.to_thread` inside a coroutine.
            tokio::task::spawn_blocking(f).await.map_err($crate::join_error)
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
    };
}
pub(crate) use tokio_primitives;

impl Runtime for Tokio {
    type Task<T: Send + 'static> = TokioTask<T>;
    type Permits = TokioPermits;
    type Io = TokioIo<tokio::net::TcpStream>;

    const NAME: &'static str = "tokio";

    /// Timers are unbounded; blocking waits share the blocking pool.
    fn overlap(_workers: usize) -> Overlap {
        Overlap { timer: None, blocking: Some(MAX_BLOCKING_THREADS) }
    }

    fn workers(&self) -> usize {
        self.workers
    }

    fn spawn<F>(&self, future: F) -> TokioTask<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        TokioTask(self.rt.spawn(future))
    }

    fn detach(&self, future: impl Future<Output = ()> + Send + 'static) {
        // Dropping a JoinHandle detaches the task.
        drop(self.rt.spawn(future));
    }

    fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.rt.block_on(future)
    }

    tokio_primitives!();
}

/// A tokio `JoinHandle` whose failure (a panic, or a cancel) is a `RunError`.
pub struct TokioTask<T>(pub(crate) tokio::task::JoinHandle<T>);

impl<T: Send + 'static> Future for TokioTask<T> {
    type Output = Result<T, RunError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.0).poll(cx).map(|r| r.map_err(join_error))
    }
}

impl<T: Send + 'static> Task<T> for TokioTask<T> {
    fn cancel(self) -> impl Future<Output = ()> + Send {
        // `abort` asks now, not on the first poll; awaiting the handle returns once the task
        // has stopped.
        self.0.abort();
        self.0.map(drop)
    }

    fn try_cancel(self) -> impl Future<Output = Result<Option<T>, RunError>> + Send {
        // `abort` asks now; the handle then yields the output if the task finished first.
        self.0.abort();
        self.0.map(|r| match r {
            Ok(value) => Ok(Some(value)),
            Err(err) if err.is_cancelled() => Ok(None),
            Err(err) => Err(join_error(err)),
        })
    }
}

pub(crate) fn join_error(err: tokio::task::JoinError) -> RunError {
    match err.try_into_panic() {
        Ok(payload) => RunError::panicked("a tokio task", payload),
        Err(err) => RunError::failed(format!("a tokio task failed: {err}")),
    }
}

/// `tokio::sync::Semaphore`, tokio's own. Its `acquire` fails only once closed, and it is never
/// closed; were it, no permit would be held and verify's peak-in-flight check would say so.
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The timer-mode sleep task holds what the minimal gather's task holds plus its wait's
    /// 8-byte start: a 16-byte `Instant` there took tokio's task cell past a 128-byte edge and
    /// cost 10,000 tasks 3–4 ms (METHODOLOGY, Fidelity: "the sleep task's start in 8 bytes").
    #[test]
    fn the_sleep_task_is_the_minimal_gathers_plus_an_8_byte_start() {
        let (id, d) = (std::hint::black_box(7usize), Duration::from_millis(1));
        let minimal = async move {
            tokio::time::sleep(d).await;
            id
        };
        let shootout = shootout_async::sleep::timer_task::<Tokio>(id, d);
        let (ours, theirs) = (size_of_val(&shootout), size_of_val(&minimal));
        assert!(ours <= theirs + size_of::<shootout_core::Stamp>(), "{ours} bytes, the minimal's {theirs}");
    }
}
