//! The monoio strategy (monoio 0.2.4 with features `sync` and `poll-io`, monoio-compat 0.2.2 for
//! hyper): W monoio runtimes, thread-per-core, each built and driven by its own OS thread, as
//! [`shootout_async::Runtime`] through the shared glue [`shootout_async::local`]. Units go to the
//! runtimes round-robin and stay there (no work stealing); each comes back through a join slot
//! (the glue's one channel hop per unit). The workloads themselves are `shootout_async`'s.
//!
//! - **Driver:** each thread builds `RuntimeBuilder::<IoUringDriver>` explicitly; if the kernel
//!   refuses io_uring it builds `LegacyDriver` (epoll), monoio's documented fallback, and says so
//!   on stderr and in [`Monoio::driver`]. Not `FusionDriver`: it swallows the reason and caches
//!   its answer for the process.
//! - **Wakes from other threads** (the harness's join, async-channel, a cancel) need `sync`;
//!   without it monoio panics on a foreign wake.
//! - **Timers:** `monoio::time::{sleep, sleep_until, timeout_at}`, tokio's wheel at millisecond
//!   granularity, on each runtime.
//! - **Blocking:** `monoio::spawn_blocking` on one `DefaultThreadPool` of 512 threads (tokio's
//!   cap) shared by the W runtimes. It starts every thread up front (the `threadpool` crate), and
//!   without a pool attached monoio's `spawn_blocking` panics.
//! - **Channel and semaphore:** async-channel (the shared bodies) and `async_lock::Semaphore`;
//!   monoio has no cross-thread channel of its own.
//! - **HTTP:** hyper 1 over monoio's `TcpStream` turned into its poll-based twin
//!   (`into_poll_io`: readiness through io_uring's `PollAdd`, then `recv`/`send`), adapted by
//!   monoio-compat's `MonoioIo`, the socket kept on its runtime thread
//!   ([`shootout_async::local::ThreadBound`]).

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

use monoio::blocking::DefaultThreadPool;
use monoio::io::IntoPollIo;
use monoio::time::TimeDriver;
use monoio::{IoUringDriver, LegacyDriver, RuntimeBuilder};
use monoio_compat::hyper::MonoioIo;
use shootout_async::local::{self, Job, LocalPool, LocalRuntime, RemoteTask, ThreadBound};
use shootout_async::{Async, Runtime};
use shootout_core::{Overlap, RunError};

pub const NAME: &str = "monoio";

/// The blocking pool's size: tokio's cap, so the two pools compare like for like.
pub const BLOCKING_THREADS: usize = 512;

/// monoio's poll-based TCP stream (`TcpStreamPoll`).
type PollStream = <monoio::net::TcpStream as IntoPollIo>::PollIo;

/// The strategy: W monoio runtimes behind the shared async workloads.
pub fn build(workers: usize) -> Result<Async<Monoio>, RunError> {
    let pool = LocalPool::start(workers, DefaultThreadPool::new(BLOCKING_THREADS))?;
    let monoio = Monoio { pool };
    if monoio.driver() != "io_uring" {
        eprintln!("monoio: {}", monoio.driver());
    }
    Ok(Async::new(monoio))
}

pub struct Monoio {
    pool: LocalPool<MonoioThread>,
}

impl Monoio {
    /// The driver the runtimes run on: `io_uring`, or the fallback and the kernel's reason.
    pub fn driver(&self) -> String {
        let notes = self.pool.notes();
        if notes.is_empty() { "io_uring".to_string() } else { notes.join("; ") }
    }
}

/// One thread's runtime, on whichever driver the kernel allowed.
pub struct MonoioThread {
    runtime: Driven,
    fallback: Option<String>,
}

enum Driven {
    Uring(monoio::Runtime<TimeDriver<IoUringDriver>>),
    Legacy(monoio::Runtime<TimeDriver<LegacyDriver>>),
}

impl LocalRuntime for MonoioThread {
    const NAME: &'static str = NAME;
    type Config = DefaultThreadPool;

    fn build(_index: usize, blocking: &DefaultThreadPool) -> Result<Self, RunError> {
        let uring = RuntimeBuilder::<IoUringDriver>::new()
            .enable_timer()
            .attach_thread_pool(Box::new(blocking.clone()))
            .build();
        match uring {
            Ok(runtime) => Ok(MonoioThread { runtime: Driven::Uring(runtime), fallback: None }),
            Err(refused) => {
                let runtime = RuntimeBuilder::<LegacyDriver>::new()
                    .enable_timer()
                    .attach_thread_pool(Box::new(blocking.clone()))
                    .build()
                    .map_err(|e| RunError::build("monoio legacy (epoll) runtime", e))?;
                let why = format!("io_uring refused ({refused}); running the legacy epoll driver");
                Ok(MonoioThread { runtime: Driven::Legacy(runtime), fallback: Some(why) })
            }
        }
    }

    fn block_on(&mut self, future: impl Future<Output = ()>) {
        match &mut self.runtime {
            Driven::Uring(runtime) => runtime.block_on(future),
            Driven::Legacy(runtime) => runtime.block_on(future),
        }
    }

    fn spawn_local(job: Job) {
        // Dropping a monoio JoinHandle detaches the task; the job reports through its slot.
        drop(monoio::spawn(job));
    }

    fn note(&self) -> Option<String> {
        self.fallback.clone()
    }
}

impl Runtime for Monoio {
    type Task<T: Send + 'static> = RemoteTask<T>;
    type Permits = async_lock::Semaphore;
    type Io = ThreadBound<MonoioIo<PollStream>>;

    const NAME: &'static str = NAME;

    /// Timers are unbounded; blocking waits share the one pool.
    fn overlap(_workers: usize) -> Overlap {
        Overlap { timer: None, blocking: Some(BLOCKING_THREADS) }
    }

    shootout_async::local_pool_methods!();

    async fn spawn_blocking<T, F>(f: F) -> Result<T, RunError>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        // Caught on the pool thread: what a panic there does to the handle is unspecified.
        let job = move || catch_unwind(AssertUnwindSafe(f));
        let joined = local::on_thread(move || monoio::spawn_blocking(job)).await;
        local::blocking_result(NAME, joined)
    }

    fn sleep(duration: Duration) -> impl Future<Output = ()> + Send {
        local::on_thread(move || monoio::time::sleep(duration))
    }

    fn sleep_until(deadline: Instant) -> impl Future<Output = ()> + Send {
        local::on_thread(move || monoio::time::sleep_until(monoio::time::Instant::from_std(deadline)))
    }

    /// monoio's own combinator (tokio's): it polls the future before the timer.
    fn timeout_at<F>(deadline: Instant, future: F) -> impl Future<Output = Option<F::Output>> + Send
    where
        F: Future + Send,
        F::Output: Send,
    {
        let deadline = monoio::time::Instant::from_std(deadline);
        let timed = local::on_thread(move || monoio::time::timeout_at(deadline, future));
        async move { timed.await.ok() }
    }

    fn connect(addr: SocketAddr) -> impl Future<Output = io::Result<Self::Io>> + Send {
        local::on_thread(move || async move {
            let stream = monoio::net::TcpStream::connect(addr).await?;
            stream.set_nodelay(true)?;
            let stream = stream.into_poll_io()?;
            Ok::<_, io::Error>(ThreadBound::new(MonoioIo::new(stream)))
        })
    }
}
