//! The tokio-per-core strategy (thread-per-core; in the tokio crate, sharing its glue): W tokio `current_thread` runtimes, each
//! driven by its own OS thread, as [`shootout_async::Runtime`]. Units are assigned to the
//! runtimes round-robin when spawned and stay there: no work stealing. Whatever a task spawns
//! (an HTTP connection's driver) stays on its own runtime, so each runtime owns its
//! connections; async-channel queues cross runtimes. The calling thread's final join is a plain
//! futures-lite `block_on` awaiting the join handles. Each runtime has tokio's default
//! blocking pool; time, the semaphore and TCP are tokio's as in the tokio strategy. The
//! workloads themselves are `shootout_async`'s.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use hyper_util::rt::TokioIo;
use shootout_async::{Async, Runtime};
use shootout_core::{Overlap, RunError};
use tokio::runtime::Handle;
use tokio::sync::oneshot;

use crate::{TokioPermits, TokioTask};

/// The strategy: W current-thread runtimes behind the shared async workloads.
pub fn build(workers: usize) -> Result<Async<TokioPerCore>, RunError> {
    Ok(Async::new(TokioPerCore::new(workers)?))
}

pub struct TokioPerCore {
    /// One per runtime, in thread order; `spawn` picks them in turn.
    handles: Vec<Handle>,
    next: AtomicUsize,
    /// Sending (or dropping) one ends its thread's `block_on`, which then drops its runtime.
    stops: Vec<oneshot::Sender<()>>,
    threads: Vec<JoinHandle<()>>,
}

impl TokioPerCore {
    pub fn new(workers: usize) -> Result<Self, RunError> {
        let mut per_core = TokioPerCore {
            handles: Vec::with_capacity(workers),
            next: AtomicUsize::new(0),
            stops: Vec::with_capacity(workers),
            threads: Vec::with_capacity(workers),
        };
        for i in 0..workers {
            let rt = tokio::runtime::Builder::new_current_thread()
                .max_blocking_threads(crate::MAX_BLOCKING_THREADS)
                .enable_all()
                .build()
                .map_err(|e| RunError::build("tokio current_thread runtime", e))?;
            let (stop, stopped) = oneshot::channel::<()>();
            per_core.handles.push(rt.handle().clone());
            // Pushed before the thread exists, so a failure below still stops the others.
            per_core.stops.push(stop);
            // The thread blocks on the stop signal, which drives every task spawned onto it.
            let thread = std::thread::Builder::new()
                .name(format!("tokio-core-{i}"))
                .spawn(move || {
                    let _ = rt.block_on(stopped);
                })
                .map_err(|e| RunError::build("tokio per-core thread", e))?;
            per_core.threads.push(thread);
        }
        Ok(per_core)
    }

    fn next_handle(&self) -> &Handle {
        let i = self.next.fetch_add(1, Ordering::Relaxed) % self.handles.len();
        &self.handles[i]
    }
}

impl Drop for TokioPerCore {
    fn drop(&mut self) {
        // Dropping a sender completes its receiver; each thread then drops its runtime.
        self.stops.clear();
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

impl Runtime for TokioPerCore {
    type Task<T: Send + 'static> = TokioTask<T>;
    type Permits = TokioPermits;
    type Io = TokioIo<tokio::net::TcpStream>;

    const NAME: &'static str = "tokio-per-core";

    /// Timers are unbounded; each runtime has its own blocking pool, and units are spread
    /// evenly over the W runtimes.
    fn overlap(workers: usize) -> Overlap {
        Overlap { timer: None, blocking: Some(crate::MAX_BLOCKING_THREADS * workers) }
    }

    fn workers(&self) -> usize {
        self.handles.len()
    }

    fn spawn<F>(&self, future: F) -> TokioTask<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        TokioTask(self.next_handle().spawn(future))
    }

    fn detach(&self, future: impl Future<Output = ()> + Send + 'static) {
        // Inside a task (a connection's driver): its own runtime, beside the I/O it drives.
        // Dropping a JoinHandle detaches the task.
        match Handle::try_current() {
            Ok(own) => drop(own.spawn(future)),
            Err(_) => drop(self.next_handle().spawn(future)),
        }
    }

    /// A plain executor on the calling thread: it only awaits handles and channels, which
    /// need no tokio context; the runtimes' own threads run the tasks.
    fn block_on<F: Future>(&self, future: F) -> F::Output {
        futures_lite::future::block_on(future)
    }

    crate::tokio_primitives!();
}
