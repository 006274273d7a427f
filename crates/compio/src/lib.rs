//! The compio strategy (compio 0.19, its newest release; 0.20 is a beta): W compio runtimes,
//! thread-per-core, each built and driven by its own OS thread, as [`shootout_async::Runtime`]
//! through the shared glue [`shootout_async::local`]. Units go to the runtimes round-robin and
//! stay there (no work stealing); each comes back through a join slot (the glue's one channel
//! hop per unit). The workloads themselves are `shootout_async`'s.
//!
//! - **Driver:** io_uring only. compio's `polling` feature (which would fall back to epoll
//!   silently) is left off, so a kernel or sandbox that refuses io_uring makes the strategy
//!   `unsupported` with the OS's reason instead of measuring another driver under this name.
//! - **Timers:** `compio::time::{sleep, sleep_until, timeout_at}`: deadlines in the runtime's
//!   own ordered map, the ring waits exactly until the nearest (sub-millisecond).
//! - **Blocking:** `compio::runtime::spawn_blocking`, the runtime's own thread pool (created
//!   lazily, 256 threads at most per runtime, compio's default).
//! - **Channel and semaphore:** async-channel (the shared bodies) and `async_lock::Semaphore`:
//!   compio has no cross-thread channel of its own, and both wake tasks from any thread, which
//!   compio supports natively.
//! - **HTTP:** hyper 1 over compio's `TcpStream` (a completion-based socket), adapted to
//!   futures-io by compio's own `io::compat::AsyncStream` and to hyper by smol-hyper's
//!   `FuturesIo`, the socket kept on its runtime thread ([`shootout_async::local::ThreadBound`]).

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

use compio::io::compat::AsyncStream;
use compio::net::TcpStream;
use shootout_async::local::{self, Job, LocalPool, LocalRuntime, RemoteTask, ThreadBound};
use shootout_async::{Async, Runtime};
use shootout_core::{Overlap, RunError};
use smol_hyper::rt::FuturesIo;

pub const NAME: &str = "compio";

/// compio's default cap on each runtime's blocking pool (`ProactorBuilder::thread_pool_limit`).
pub const BLOCKING_THREADS_PER_RUNTIME: usize = 256;

/// The strategy: W compio runtimes behind the shared async workloads.
pub fn build(workers: usize) -> Result<Async<Compio>, RunError> {
    Ok(Async::new(Compio { pool: LocalPool::start(workers, ())? }))
}

pub struct Compio {
    pool: LocalPool<CompioThread>,
}

/// One thread's runtime. `Runtime::new()` builds the io_uring proactor; its error is the
/// kernel's answer.
pub struct CompioThread(compio::runtime::Runtime);

impl LocalRuntime for CompioThread {
    const NAME: &'static str = NAME;
    type Config = ();

    fn build(_index: usize, _config: &()) -> Result<Self, RunError> {
        compio::runtime::Runtime::new().map(CompioThread).map_err(|e| local::refused(NAME, &e))
    }

    fn block_on(&mut self, future: impl Future<Output = ()>) {
        self.0.block_on(future)
    }

    fn spawn_local(job: Job) {
        // Dropping a compio JoinHandle would cancel the task; the job reports through its slot.
        compio::runtime::spawn(job).detach();
    }
}

impl Runtime for Compio {
    type Task<T: Send + 'static> = RemoteTask<T>;
    type Permits = async_lock::Semaphore;
    type Io = FuturesIo<ThreadBound<AsyncStream<TcpStream>>>;

    const NAME: &'static str = NAME;

    /// Timers are unbounded; each runtime has its own blocking pool, and units are spread
    /// evenly over the W runtimes.
    fn overlap(workers: usize) -> Overlap {
        Overlap { timer: None, blocking: Some(BLOCKING_THREADS_PER_RUNTIME * workers) }
    }

    shootout_async::local_pool_methods!();

    async fn spawn_blocking<T, F>(f: F) -> Result<T, RunError>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        // compio does not catch a panic on its pool thread (the call would never finish).
        let job = move || catch_unwind(AssertUnwindSafe(f));
        let joined = local::on_thread(move || compio::runtime::spawn_blocking(job)).await;
        local::blocking_result(NAME, joined)
    }

    fn sleep(duration: Duration) -> impl Future<Output = ()> + Send {
        local::on_thread(move || compio::time::sleep(duration))
    }

    fn sleep_until(deadline: Instant) -> impl Future<Output = ()> + Send {
        local::on_thread(move || compio::time::sleep_until(deadline))
    }

    /// compio's own combinator; it polls the future before the timer.
    fn timeout_at<F>(deadline: Instant, future: F) -> impl Future<Output = Option<F::Output>> + Send
    where
        F: Future + Send,
        F::Output: Send,
    {
        let timed = local::on_thread(move || compio::time::timeout_at(deadline, future));
        async move { timed.await.ok() }
    }

    fn connect(addr: SocketAddr) -> impl Future<Output = io::Result<Self::Io>> + Send {
        local::on_thread(move || async move {
            let stream = TcpStream::connect(addr).await?;
            stream.set_nodelay(true)?;
            Ok::<_, io::Error>(FuturesIo::new(ThreadBound::new(AsyncStream::new(stream))))
        })
    }
}
