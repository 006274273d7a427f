//! shootout-async: the workloads written once for every async runtime.
//!
//! The async strategies differ only in the primitives a runtime provides, so each workload body
//! ([`sleep`], [`fanout`], [`queue`], [`http`], [`submit`]) is generic over [`Runtime`]: spawn and a join
//! handle ([`Task`]) and a spawn from foreign threads, sleep, a deadline, spawn_blocking, a semaphore ([`Permits`]), `block_on`
//! and a TCP stream hyper can drive. A runtime's crate implements [`Runtime`] with its own
//! idiom (tokio's `timeout_at` and `Semaphore`, smol's `Executor` and `Task::cancel`, ...) and
//! wraps it in [`Async`], which is the `Strategy`. Everything else — the channels
//! (async-channel everywhere, fairness rule 4), the gather, fail-fast, the queue's join — is
//! here, once, so a fairness fix lands once. [`local`] is the glue that fits thread-per-core
//! runtimes (monoio, compio, glommio) to `Runtime`: a thread per runtime, fed through channels.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use shootout_core::{
    FanOutOutcome, FanOutSpec, HttpOutcome, HttpSpec, Notes, Overlap, QueueOutcome, QueueSpec, RunError,
    SleepOutcome, SleepSpec, Strategy, SubmitOutcome, SubmitSpec, Target,
};

pub mod fanout;
pub mod http;
pub mod local;
pub mod queue;
pub mod sleep;
pub mod submit;

/// What a workload needs from an async runtime. Time and blocking primitives are associated
/// functions (they need no handle inside a task of the runtime), so a unit carries nothing of
/// the harness's beyond its own state.
pub trait Runtime: Send + Sync + Sized + 'static {
    /// A spawned task. Awaiting it gives its output, or the task's panic as a `RunError`.
    type Task<T: Send + 'static>: Task<T>;
    /// A counting semaphore, for fan-out's limit (`asyncio.Semaphore`).
    type Permits: Permits;
    /// A connected TCP stream, wrapped for hyper.
    type Io: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static;

    /// The strategy's name in the registry and the tables.
    const NAME: &'static str;

    /// How many waits it can overlap with W workers (see [`Overlap`]); the registry reads it
    /// without building the runtime.
    fn overlap(workers: usize) -> Overlap;

    /// W, the worker threads this runtime was built with.
    fn workers(&self) -> usize;

    /// What every row should say about how this runtime ran (see [`Strategy::notes`]).
    fn notes(&self) -> Notes {
        Notes::new()
    }

    /// Spawns a task on the runtime's workers.
    fn spawn<F>(&self, future: F) -> Self::Task<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static;

    /// Spawns from a thread that is not the runtime's (a plain OS thread:
    /// `run_coroutine_threadsafe`). The default is [`Runtime::spawn`], for runtimes whose spawn
    /// already works from any thread; one whose executor belongs to one thread overrides it.
    fn spawn_remote<F>(&self, future: F) -> Self::Task<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.spawn(future)
    }

    /// Spawns a task nobody awaits (a connection's driver).
    fn detach(&self, future: impl Future<Output = ()> + Send + 'static);

    /// Returns once every task spawned so far exists on the runtime. Nothing to wait for where
    /// `spawn` creates the task itself (the default); a pool that hands spawns to its threads
    /// through channels waits until each thread has taken all of them (sleep's memory mode
    /// opens its release only then, so all N tasks are alive at once).
    fn settle(&self) {}

    /// Runs the final join on the calling thread. Nothing else runs inside it (fairness rule 3).
    fn block_on<F: Future>(&self, future: F) -> F::Output;

    /// `asyncio.to_thread`: runs `f` on the runtime's blocking pool.
    fn spawn_blocking<T, F>(f: F) -> impl Future<Output = Result<T, RunError>> + Send
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static;

    fn sleep(duration: Duration) -> impl Future<Output = ()> + Send;

    fn sleep_until(deadline: Instant) -> impl Future<Output = ()> + Send;

    /// `asyncio.wait_for`: `None` when the deadline came first (the future is then dropped).
    /// The default races the future against [`Runtime::sleep_until`], polling the future first
    /// so one that is ready at its deadline still returns; a runtime with its own timeout
    /// combinator uses it instead.
    fn timeout_at<F>(deadline: Instant, future: F) -> impl Future<Output = Option<F::Output>> + Send
    where
        F: Future + Send,
        F::Output: Send,
    {
        futures_lite::future::or(async { Some(future.await) }, async move {
            Self::sleep_until(deadline).await;
            None
        })
    }

    /// A TCP connection to `addr` with `TCP_NODELAY` set, wrapped for hyper.
    fn connect(addr: SocketAddr) -> impl Future<Output = io::Result<Self::Io>> + Send;
}

/// A spawned task's handle.
pub trait Task<T>: Future<Output = Result<T, RunError>> + Send + 'static {
    /// Asks the task to stop; the returned future completes once it has stopped (a result it
    /// produced first is dropped). The request is made when `cancel` is called or first polled.
    fn cancel(self) -> impl Future<Output = ()> + Send;

    /// Asks the task to stop now and completes once it has: `Some(output)` when it finished
    /// first (the cancel lost the race), `None` when it never will.
    fn try_cancel(self) -> impl Future<Output = Result<Option<T>, RunError>> + Send;
}

/// A counting semaphore.
pub trait Permits: Send + Sync + 'static {
    type Permit<'a>: Send
    where
        Self: 'a;

    fn new(permits: usize) -> Self;

    fn acquire(&self) -> impl Future<Output = Self::Permit<'_>> + Send;
}

/// async-lock's semaphore: what smol re-exports as `smol::lock`, and what async-std users take
/// (async-std has none of its own).
impl Permits for async_lock::Semaphore {
    type Permit<'a> = async_lock::SemaphoreGuard<'a>;

    fn new(permits: usize) -> Self {
        async_lock::Semaphore::new(permits)
    }

    fn acquire(&self) -> impl Future<Output = Self::Permit<'_>> + Send {
        async_lock::Semaphore::acquire(self)
    }
}

/// Awaits every task (all of them, even after a failure: no unit outlives the call) and
/// returns their outputs in order, or the first failure.
pub async fn join_all<T, K: Task<T>>(tasks: Vec<K>) -> Result<Vec<T>, RunError> {
    let mut out = Vec::with_capacity(tasks.len());
    let mut failed = None;
    for task in tasks {
        match task.await {
            Ok(value) => out.push(value),
            Err(err) => {
                failed.get_or_insert(err);
            }
        }
    }
    failed.map_or(Ok(out), Err)
}

/// An async runtime as a [`Strategy`]: every workload runs its one generic body.
pub struct Async<R: Runtime> {
    runtime: Arc<R>,
}

impl<R: Runtime> Async<R> {
    pub fn new(runtime: R) -> Self {
        Async { runtime: Arc::new(runtime) }
    }

    pub fn runtime(&self) -> &Arc<R> {
        &self.runtime
    }
}

impl<R: Runtime> Strategy for Async<R> {
    fn name(&self) -> &'static str {
        R::NAME
    }

    fn workers(&self) -> usize {
        self.runtime.workers()
    }

    fn overlap(&self) -> Overlap {
        R::overlap(self.runtime.workers())
    }

    fn notes(&self) -> Notes {
        self.runtime.notes()
    }

    fn sleep(&self, spec: &SleepSpec) -> Result<SleepOutcome, RunError> {
        sleep::run(&*self.runtime, spec)
    }

    fn fan_out(&self, spec: &FanOutSpec) -> Result<FanOutOutcome, RunError> {
        fanout::run(&*self.runtime, spec)
    }

    fn http(&self, spec: &HttpSpec, target: &Target) -> Result<HttpOutcome, RunError> {
        http::run(&self.runtime, spec, target)
    }

    fn queue(&self, spec: &QueueSpec) -> Result<QueueOutcome, RunError> {
        queue::run(&*self.runtime, spec)
    }

    fn submit(&self, spec: &SubmitSpec) -> Result<SubmitOutcome, RunError> {
        submit::run(&*self.runtime, spec)
    }
}
