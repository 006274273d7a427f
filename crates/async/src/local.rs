//! The runtime-neutral glue that lets a thread-per-core runtime (monoio, compio, glommio) be a
//! [`Runtime`](crate::Runtime): W threads, each building its own runtime on itself, fed Send
//! futures through a channel and answering through a join slot.
//!
//! Why it exists: `Runtime` wants `spawn(F: Send)` from any thread, a `Send` task handle and
//! `Send` timers and sockets, while these runtimes are thread-local (their runtime cannot move
//! to another thread, their spawn works only on their own thread, and their timers, sockets and
//! join handles are `!Send`). So:
//!
//! - [`LocalPool::start`] spawns W threads; each calls [`LocalRuntime::build`] *on itself* and
//!   reports `Ok`/`Err` before `start` returns, so a refused io_uring is the build's error (an
//!   [`RunError::Unsupported`] through [`refused`]), never a panic in a thread nobody joins.
//! - Each thread then `block_on`s a pump that spawns, natively, every boxed future it receives.
//!   [`LocalPool::spawn`] hands units out round-robin (as tokio-per-core does): no stealing.
//! - A unit's result comes back through a [`RemoteTask`] (one shared slot per unit): the price of
//!   driving a thread-local runtime from a foreign thread, the same channel hop and oneshot that
//!   compio's own dispatcher pays. The unit runs under `catch_unwind` (monoio and glommio do not
//!   catch a task's panic: it would unwind their runtime thread) and checks its cancel flag
//!   before every poll.
//! - [`on_thread`] and [`ThreadBound`] satisfy `Runtime`'s `Send` bounds without `unsafe`: the
//!   `!Send` timer, join handle or socket is built lazily, on the thread that first polls it, and
//!   kept in a `send_wrapper::SendWrapper`, which checks at run time that it never leaves it.

use std::cell::Cell;
use std::future::Future;
use std::io;
use std::marker::PhantomData;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, mpsc};
use std::task::{Context, Poll, Waker};
use std::thread::JoinHandle;

use futures_util::FutureExt;
use send_wrapper::SendWrapper;
use shootout_core::{Notes, RunError};

use crate::Task;

/// A unit as it crosses to a runtime thread.
pub type Job = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// What a thread-per-core runtime gives the pool. Everything here runs on the runtime's own
/// thread.
pub trait LocalRuntime: Sized + 'static {
    /// The strategy's name: thread names and error messages.
    const NAME: &'static str;

    /// What every thread's build shares (monoio's blocking pool); `()` when nothing.
    type Config: Clone + Send + 'static;

    /// Builds the runtime on the calling thread, the `index`-th of the pool. A kernel that
    /// refuses io_uring is an `Unsupported` error ([`refused`]).
    fn build(index: usize, config: &Self::Config) -> Result<Self, RunError>;

    /// Runs `future` on this thread to completion, driving every task spawned meanwhile.
    fn block_on(&mut self, future: impl Future<Output = ()>);

    /// Spawns a detached task on the runtime running on the calling thread (called only from
    /// inside [`LocalRuntime::block_on`]).
    fn spawn_local(job: Job);

    /// Anything a reader of the run should know about this thread's runtime (monoio's driver
    /// when it fell back to epoll).
    fn note(&self) -> Option<String> {
        None
    }
}

/// An io_uring setup error, as the row should show it: a kernel or sandbox that refuses io_uring
/// (EPERM/EACCES from seccomp or `io_uring_disabled`, ENOSYS on an old kernel, EOPNOTSUPP, ENOMEM
/// from a locked-memory limit) makes the strategy unsupported here, with the OS's reason; any
/// other error is a failed build.
pub fn refused(runtime: &str, err: &io::Error) -> RunError {
    match err.kind() {
        io::ErrorKind::PermissionDenied | io::ErrorKind::Unsupported | io::ErrorKind::OutOfMemory => {
            RunError::Unsupported(format!("{runtime}: io_uring refused by the kernel: {err}"))
        }
        _ => RunError::build(&format!("{runtime} runtime"), err),
    }
}

/// Distinguishes pools, so [`LocalPool::detach`] knows whether the calling thread is one of its
/// own (0: not a pool thread).
static NEXT_POOL: AtomicUsize = AtomicUsize::new(1);

thread_local! {
    /// The pool whose runtime this thread runs, set by its pump.
    static CURRENT_POOL: Cell<usize> = const { Cell::new(0) };
}

/// W threads, each owning one runtime `L`, fed through one channel each.
pub struct LocalPool<L: LocalRuntime> {
    id: usize,
    /// In thread order; `spawn` picks them in turn. Dropping them ends every pump.
    senders: Vec<async_channel::Sender<Job>>,
    next: AtomicUsize,
    threads: Vec<JoinHandle<()>>,
    notes: Vec<String>,
    _runtime: PhantomData<fn() -> L>,
}

impl<L: LocalRuntime> LocalPool<L> {
    /// Starts W threads and returns once every one has built its runtime, or with the first
    /// build's error (the threads already started are then stopped and joined).
    pub fn start(workers: usize, config: L::Config) -> Result<Self, RunError> {
        let id = NEXT_POOL.fetch_add(1, Ordering::Relaxed);
        let mut pool = LocalPool {
            id,
            senders: Vec::with_capacity(workers),
            next: AtomicUsize::new(0),
            threads: Vec::with_capacity(workers),
            notes: Vec::new(),
            _runtime: PhantomData,
        };
        let (ready, built) = mpsc::channel::<Result<Option<String>, RunError>>();
        for index in 0..workers {
            let (sender, jobs) = async_channel::unbounded::<Job>();
            // Pushed before the thread exists, so a failure below still stops the others.
            pool.senders.push(sender);
            let ready = ready.clone();
            let config = config.clone();
            let thread = std::thread::Builder::new()
                .name(format!("{}-{index}", L::NAME))
                .spawn(move || {
                    let mut runtime = match L::build(index, &config) {
                        Ok(runtime) => runtime,
                        Err(err) => {
                            let _ = ready.send(Err(err));
                            return;
                        }
                    };
                    let _ = ready.send(Ok(runtime.note()));
                    drop(ready);
                    runtime.block_on(pump::<L>(id, jobs));
                })
                .map_err(|e| RunError::build(&format!("{} thread", L::NAME), e))?;
            pool.threads.push(thread);
        }
        drop(ready);
        for _ in 0..workers {
            match built.recv() {
                Ok(Ok(note)) => pool.notes.extend(note),
                Ok(Err(err)) => return Err(err),
                // Every sender is gone without a word: a build panicked.
                Err(_) => {
                    return Err(RunError::failed(format!("a {} thread died building its runtime", L::NAME)));
                }
            }
        }
        Ok(pool)
    }

    pub fn workers(&self) -> usize {
        self.senders.len()
    }

    /// What the threads' runtimes said about themselves ([`LocalRuntime::note`]), deduplicated.
    pub fn notes(&self) -> Vec<String> {
        let mut notes = self.notes.clone();
        notes.sort();
        notes.dedup();
        notes
    }

    /// [`LocalPool::notes`] as every row carries them: under `runtime`, when there are any.
    pub fn row_notes(&self) -> Notes {
        let notes = self.notes();
        let mut row = Notes::new();
        if !notes.is_empty() {
            row.insert("runtime".to_string(), notes.join("; ").into());
        }
        row
    }

    /// Sends `future` to the next runtime thread in turn; its result comes back in the slot.
    pub fn spawn<F>(&self, future: F) -> RemoteTask<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let slot = Arc::new(Slot::new(L::NAME));
        self.send(unit(future, Arc::clone(&slot)));
        RemoteTask { slot }
    }

    /// A task nobody awaits (a connection's driver): on the calling thread's own runtime when it
    /// is one of this pool's, beside the socket it drives; otherwise the next one in turn.
    pub fn detach(&self, future: impl Future<Output = ()> + Send + 'static) {
        if CURRENT_POOL.with(Cell::get) == self.id {
            L::spawn_local(Box::pin(future));
        } else {
            self.send(Box::pin(future));
        }
    }

    /// [`Runtime::settle`](crate::Runtime::settle): a marker through each thread's channel,
    /// answered once its pump has spawned every job ahead of it. A thread whose pump has ended
    /// drops the marker unanswered, which ends the wait too: never a hang.
    pub fn settle(&self) {
        let (answer, answers) = mpsc::channel::<()>();
        for sender in &self.senders {
            let answer = answer.clone();
            let _ = sender.try_send(Box::pin(async move {
                let _ = answer.send(());
            }));
        }
        drop(answer);
        // Ends after W answers, or early once every marker is gone (answered or dropped).
        while answers.recv().is_ok() {}
    }

    fn send(&self, job: Job) {
        let i = self.next.fetch_add(1, Ordering::Relaxed) % self.senders.len();
        // Unbounded, so it fails only once that thread's pump has ended (its runtime died): the
        // job is dropped here, and a unit's dropped slot answers its awaiter with an error.
        let _ = self.senders[i].try_send(job);
    }
}

impl<L: LocalRuntime> Drop for LocalPool<L> {
    fn drop(&mut self) {
        // Closing the channels ends every pump; each thread then drops its runtime, and any task
        // left in it, on itself.
        self.senders.clear();
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

/// How many arrivals the pump spawns before it lets the runtime run what it spawned: `recv`
/// on a non-empty channel never yields, so a steady stream from other threads (the submit
/// workload) would otherwise keep the runtime spawning and never running.
const PUMP_BATCH: usize = 64;

/// A runtime thread's main future: spawns natively whatever arrives, until the pool is dropped.
async fn pump<L: LocalRuntime>(pool: usize, jobs: async_channel::Receiver<Job>) {
    CURRENT_POOL.with(|current| current.set(pool));
    let mut spawned = 0usize;
    while let Ok(job) = jobs.recv().await {
        L::spawn_local(job);
        spawned += 1;
        if spawned.is_multiple_of(PUMP_BATCH) {
            futures_lite::future::yield_now().await;
        }
    }
}

/// `future`, made into a job that reports to `slot`: it runs under `catch_unwind`, checks the
/// cancel flag before each poll, drops the future before saying it is done (so a `cancel` returns
/// once the unit has stopped), and says so even if the job itself is dropped unfinished.
fn unit<F>(future: F, slot: Arc<Slot<F::Output>>) -> Job
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    // Built outside the async block, so a job dropped before its first poll still reports.
    let report = Report(slot);
    // Boxed here, not pinned inside the block: a block keeps the future it captured beside any
    // local it is moved into, so the unit was laid out (and copied) twice per job.
    let mut future = Box::pin(AssertUnwindSafe(future).catch_unwind());
    Box::pin(async move {
        let outcome = {
            std::future::poll_fn(|cx| {
                if report.0.cancel_requested(cx.waker()) {
                    return Poll::Ready(None);
                }
                future.as_mut().poll(cx).map(Some)
            })
            .await
        };
        report.finish(outcome);
    })
}

/// Reports the job's end to its slot; dropped unfinished (its runtime shut down, or never
/// polled), it still marks the slot done so no awaiter waits forever.
struct Report<T>(Arc<Slot<T>>);

impl<T> Report<T> {
    fn finish(self, outcome: Option<std::thread::Result<T>>) {
        let mut state = self.0.lock();
        state.result = outcome;
        state.done = true;
        let joiner = state.joiner.take();
        // The unit's own waker is dropped here, on its runtime's thread, not with the slot on
        // the awaiter's: glommio 0.9 corrupts a task's reference count when its last waker is
        // dropped on another thread while the task completes ("Waker invariant broken").
        let unit = state.unit.take();
        drop(state);
        drop(unit);
        if let Some(waker) = joiner {
            waker.wake();
        }
    }
}

impl<T> Drop for Report<T> {
    fn drop(&mut self) {
        let mut state = self.0.lock();
        if !state.done {
            state.done = true;
            let joiner = state.joiner.take();
            // As in `finish`: the unit's waker goes on the unit's thread.
            let unit = state.unit.take();
            drop(state);
            drop(unit);
            if let Some(waker) = joiner {
                waker.wake();
            }
        }
    }
}

/// One unit's rendezvous: its result, whether it is done, whether a cancel was asked, and the
/// wakers of its awaiter and of the unit itself (a cancel must wake a unit that is waiting).
struct Slot<T> {
    runtime: &'static str,
    state: Mutex<State<T>>,
}

struct State<T> {
    result: Option<std::thread::Result<T>>,
    done: bool,
    cancel: bool,
    joiner: Option<Waker>,
    unit: Option<Waker>,
}

impl<T> Slot<T> {
    fn new(runtime: &'static str) -> Self {
        let state = State { result: None, done: false, cancel: false, joiner: None, unit: None };
        Slot { runtime, state: Mutex::new(state) }
    }

    fn lock(&self) -> MutexGuard<'_, State<T>> {
        // A panic never happens while the lock is held; were it poisoned, the state is intact.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Called by the unit before each poll: true once a cancel was asked; otherwise it keeps
    /// the unit's waker for the cancel to wake.
    fn cancel_requested(&self, waker: &Waker) -> bool {
        let mut state = self.lock();
        if state.cancel {
            return true;
        }
        match &mut state.unit {
            Some(kept) if kept.will_wake(waker) => {}
            kept => *kept = Some(waker.clone()),
        }
        false
    }

    /// Raises the cancel flag and wakes the unit, so it sees the flag now, not at its next wake.
    fn request_cancel(&self) {
        let mut state = self.lock();
        state.cancel = true;
        if let Some(waker) = state.unit.take() {
            drop(state);
            waker.wake();
        }
    }

    /// The unit's end, once it is done: its result (`None` when cancelled or dropped).
    fn poll_done(&self, cx: &mut Context<'_>) -> Poll<Option<std::thread::Result<T>>> {
        let mut state = self.lock();
        if state.done {
            return Poll::Ready(state.result.take());
        }
        match &mut state.joiner {
            Some(kept) if kept.will_wake(cx.waker()) => {}
            kept => *kept = Some(cx.waker().clone()),
        }
        Poll::Pending
    }

    fn panicked(&self, payload: Box<dyn std::any::Any + Send>) -> RunError {
        RunError::panicked(&format!("a {} task", self.runtime), payload)
    }
}

/// The handle of a unit sent to a runtime thread: awaiting it gives the unit's output, its panic
/// as a `RunError`, or an error if its runtime went away first.
pub struct RemoteTask<T> {
    slot: Arc<Slot<T>>,
}

impl<T: Send + 'static> Future for RemoteTask<T> {
    type Output = Result<T, RunError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let slot = &self.slot;
        slot.poll_done(cx).map(|end| match end {
            Some(Ok(value)) => Ok(value),
            Some(Err(payload)) => Err(slot.panicked(payload)),
            None => Err(RunError::failed(format!(
                "a {} task was dropped unfinished: its runtime thread stopped",
                slot.runtime
            ))),
        })
    }
}

impl<T: Send + 'static> Task<T> for RemoteTask<T> {
    fn cancel(self) -> impl Future<Output = ()> + Send {
        // Asked now; the future completes once the unit has been dropped (or had finished).
        self.slot.request_cancel();
        let slot = self.slot;
        std::future::poll_fn(move |cx| slot.poll_done(cx).map(drop))
    }

    fn try_cancel(self) -> impl Future<Output = Result<Option<T>, RunError>> + Send {
        self.slot.request_cancel();
        let slot = self.slot;
        std::future::poll_fn(move |cx| {
            slot.poll_done(cx).map(|end| match end {
                Some(Ok(value)) => Ok(Some(value)),
                Some(Err(payload)) => Err(slot.panicked(payload)),
                None => Ok(None),
            })
        })
    }
}

/// A `!Send` future made on first poll by `make`, on the thread that polls it, and polled only
/// there: how a thread-local runtime's timer or join handle satisfies `Runtime`'s `Send` bounds.
/// Every body polls it inside a task of the runtime, so nothing is ever moved off its thread (a
/// poll or drop elsewhere would be a panic, not undefined behaviour).
///
/// Built from `lazy` and `flatten`, not as an `async fn`: an `async fn` keeps its argument
/// (`make`, which for `timeout_at` holds the whole unit) beside the future it makes for its
/// whole life, so each nested use doubled the unit's size. monoio's fan-out unit was 6.5 KB
/// (compio's 2.0 KB), copied and held per unit: 13 KiB a unit and 8 × tokio's time at
/// N = 100,000, where monoio fed from a foreign thread without the glue needs 187 B.
///
/// The made future is boxed, on the runtime thread that makes it: a unit then carries a
/// pointer, not the timer (monoio's `Sleep` is 640 B), so the job the calling thread allocates
/// stays small. Jobs over glibc's 1 KiB per-thread cache, allocated on the calling thread and
/// freed on a runtime thread, contended on the allocator's arena lock once per unit.
pub fn on_thread<M, F>(make: M) -> impl Future<Output = F::Output> + Send
where
    M: FnOnce() -> F + Send,
    F: Future,
{
    futures_util::future::lazy(move |_| SendWrapper::new(Box::pin(make()))).flatten()
}

/// A `!Send` stream kept on the thread that made it (a runtime's socket), for hyper: it forwards
/// hyper's `Read`/`Write` or futures-io's `AsyncRead`/`AsyncWrite`, whichever the stream has.
pub struct ThreadBound<S>(SendWrapper<Pin<Box<S>>>);

impl<S> ThreadBound<S> {
    /// Call on the runtime thread that owns `stream`.
    pub fn new(stream: S) -> Self {
        ThreadBound(SendWrapper::new(Box::pin(stream)))
    }

    fn stream(self: Pin<&mut Self>) -> Pin<&mut S> {
        let this = Pin::into_inner(self);
        let inner: &mut Pin<Box<S>> = &mut this.0;
        inner.as_mut()
    }
}

impl<S: hyper::rt::Read> hyper::rt::Read for ThreadBound<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: hyper::rt::ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        hyper::rt::Read::poll_read(self.stream(), cx, buf)
    }
}

impl<S: hyper::rt::Write> hyper::rt::Write for ThreadBound<S> {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        hyper::rt::Write::poll_write(self.stream(), cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        hyper::rt::Write::poll_flush(self.stream(), cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        hyper::rt::Write::poll_shutdown(self.stream(), cx)
    }
}

impl<S: futures_lite::io::AsyncRead> futures_lite::io::AsyncRead for ThreadBound<S> {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        futures_lite::io::AsyncRead::poll_read(self.stream(), cx, buf)
    }
}

impl<S: futures_lite::io::AsyncWrite> futures_lite::io::AsyncWrite for ThreadBound<S> {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        futures_lite::io::AsyncWrite::poll_write(self.stream(), cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        futures_lite::io::AsyncWrite::poll_flush(self.stream(), cx)
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        futures_lite::io::AsyncWrite::poll_close(self.stream(), cx)
    }
}

/// A blocking call's result as the runtimes hand it back: the closure ran under `catch_unwind`
/// (a panic on a pool thread must not hang or kill anything), inside the runtime's own join
/// result, whose error type differs per runtime.
pub fn blocking_result<T, E: std::fmt::Debug>(
    runtime: &str,
    joined: Result<std::thread::Result<T>, E>,
) -> Result<T, RunError> {
    match joined {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(payload)) => Err(RunError::panicked(&format!("a {runtime} blocking call"), payload)),
        Err(err) => Err(RunError::failed(format!("a {runtime} blocking call failed: {err:?}"))),
    }
}

/// The `Runtime` methods every thread-per-core strategy delegates to its [`LocalPool`] (a field
/// named `pool`): its W, spawn, detach and settle through the pool, and a plain futures-lite `block_on`
/// on the calling thread, which only awaits join slots and channels (the runtimes' own threads
/// run the tasks). One definition, so compio, monoio and glommio cannot drift apart here.
#[macro_export]
macro_rules! local_pool_methods {
    () => {
        fn workers(&self) -> usize {
            self.pool.workers()
        }

        fn notes(&self) -> ::shootout_core::Notes {
            self.pool.row_notes()
        }

        fn spawn<F>(&self, future: F) -> $crate::local::RemoteTask<F::Output>
        where
            F: ::std::future::Future + Send + 'static,
            F::Output: Send + 'static,
        {
            self.pool.spawn(future)
        }

        fn detach(&self, future: impl ::std::future::Future<Output = ()> + Send + 'static) {
            self.pool.detach(future);
        }

        fn settle(&self) {
            self.pool.settle();
        }

        fn block_on<F: ::std::future::Future>(&self, future: F) -> F::Output {
            $crate::local::block_on_here(future)
        }
    };
}

/// Runs `future` to completion on the calling thread (`local_pool_methods!`'s `block_on`).
pub fn block_on_here<F: Future>(future: F) -> F::Output {
    futures_lite::future::block_on(future)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A wrapped future is laid out once, and what it makes is boxed: as an `async fn`,
    /// `on_thread` kept the closure that makes the future beside the future it made, and each
    /// nesting doubled a unit's size (monoio's fan-out unit was 6.5 KB, copied per unit).
    #[test]
    fn a_future_made_on_its_thread_is_held_once_not_twice() {
        const PAYLOAD: usize = 4096;
        let payload = [7u8; PAYLOAD];
        let wrapped = on_thread(move || async move { std::hint::black_box(payload)[0] });
        assert!(
            std::mem::size_of_val(&wrapped) < PAYLOAD * 3 / 2,
            "{} B for a {PAYLOAD} B future",
            std::mem::size_of_val(&wrapped)
        );
        assert_eq!(futures_lite::future::block_on(wrapped), 7);
        // What it makes lives in a box on the runtime thread: a unit carries a pointer, not
        // the timer.
        let made_big = on_thread(|| async {
            let big = [9u8; PAYLOAD];
            futures_lite::future::yield_now().await;
            std::hint::black_box(big)[0]
        });
        assert!(std::mem::size_of_val(&made_big) <= 64, "{} B", std::mem::size_of_val(&made_big));
        assert_eq!(futures_lite::future::block_on(made_big), 9);
    }

    /// A runtime for tests: jobs are polled in turn with a no-op waker (a busy loop), and each
    /// `spawn_local` takes a while, so a pump lags the thread feeding it.
    struct SlowToSpawn;

    static SPAWNED_LOCAL: AtomicUsize = AtomicUsize::new(0);

    thread_local! {
        static JOBS: std::cell::RefCell<Vec<Job>> = const { std::cell::RefCell::new(Vec::new()) };
    }

    impl LocalRuntime for SlowToSpawn {
        const NAME: &'static str = "slow-to-spawn";
        type Config = ();

        fn build(_index: usize, _config: &()) -> Result<Self, RunError> {
            Ok(SlowToSpawn)
        }

        fn block_on(&mut self, future: impl Future<Output = ()>) {
            let mut future = std::pin::pin!(future);
            let mut cx = Context::from_waker(Waker::noop());
            while future.as_mut().poll(&mut cx).is_pending() {
                let mut jobs = JOBS.with(|jobs| std::mem::take(&mut *jobs.borrow_mut()));
                jobs.retain_mut(|job| job.as_mut().poll(&mut cx).is_pending());
                JOBS.with(|queued| queued.borrow_mut().extend(jobs));
                std::thread::yield_now();
            }
        }

        fn spawn_local(job: Job) {
            std::thread::sleep(std::time::Duration::from_micros(20));
            SPAWNED_LOCAL.fetch_add(1, Ordering::SeqCst);
            JOBS.with(|jobs| jobs.borrow_mut().push(job));
        }
    }

    /// Memory mode opens its release after `settle`: by then every unit handed to the pool must
    /// exist on its runtime, however far behind the pumps are.
    #[test]
    fn settle_returns_once_every_thread_has_spawned_what_it_was_sent() {
        const UNITS: usize = 2_000;
        let pool = LocalPool::<SlowToSpawn>::start(2, ()).unwrap();
        let tasks: Vec<RemoteTask<usize>> = (0..UNITS).map(|i| pool.spawn(async move { i })).collect();
        let right_after = SPAWNED_LOCAL.load(Ordering::SeqCst);
        pool.settle();
        let settled = SPAWNED_LOCAL.load(Ordering::SeqCst);
        assert!(right_after < UNITS, "the pumps lag their senders ({right_after}), or this proves nothing");
        assert!(settled >= UNITS + 2, "{settled} spawned after settle: the units and both markers");
        let ids = futures_lite::future::block_on(crate::join_all(tasks)).unwrap();
        assert_eq!(ids, (0..UNITS).collect::<Vec<_>>());
    }

    #[test]
    fn a_kernel_refusal_is_unsupported_with_the_os_reason_and_anything_else_a_failure() {
        // EPERM (seccomp, io_uring_disabled=2), EACCES, ENOSYS (no io_uring), EOPNOTSUPP, ENOMEM.
        for errno in [1, 13, 38, 95, 12] {
            let err = io::Error::from_raw_os_error(errno);
            match refused("compio", &err) {
                RunError::Unsupported(why) => {
                    assert!(
                        why.contains("io_uring refused") && why.contains(&format!("os error {errno}")),
                        "{why}"
                    )
                }
                other => panic!("errno {errno}: {other:?}"),
            }
        }
        // EINVAL: a bad parameter is our bug or the runtime's, not the kernel's refusal.
        match refused("compio", &io::Error::from_raw_os_error(22)) {
            RunError::Failed(why) => assert!(why.contains("could not build compio runtime"), "{why}"),
            other => panic!("EINVAL: {other:?}"),
        }
    }

    #[test]
    fn a_blocking_panic_or_join_error_is_a_run_error() {
        assert_eq!(blocking_result::<_, ()>("monoio", Ok(Ok(7))), Ok(7));
        let panicked =
            blocking_result::<u8, ()>("monoio", Ok(Err(Box::new("boom") as Box<dyn std::any::Any + Send>)));
        assert_eq!(panicked, Err(RunError::failed("a monoio blocking call panicked: boom")));
        let cancelled = blocking_result::<u8, &str>("monoio", Err("Canceled"));
        assert!(matches!(cancelled, Err(RunError::Failed(why)) if why.contains("Canceled")));
    }
}
