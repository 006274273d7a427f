//! The may strategy: may's stackful coroutines on its scheduler of W worker threads, a
//! coroutine per unit, written as blocking code (may 0.3). Each workload, in may's idiom:
//!
//! - **sleep**: a coroutine per task. Timer mode is `may::coroutine::sleep` (the coroutine
//!   parks, its worker runs others). Blocking mode is `std::thread::sleep` inside the
//!   coroutine: may has no `spawn_blocking`, and a blocking call holds the worker thread it runs
//!   on (may's own first caveat: "Don't call thread blocking APIs"), so at most W blocking waits
//!   overlap. That is the finding, not a bug.
//! - **fan-out**: a coroutine per unit running core's blocking unit body with may's sleep; a
//!   limit is may's `Semphore(L)`; fail-fast is the rule every strategy shares (a unit checks the
//!   gate before its work, the failing unit raises it) on [`gate::MayGate`], a twin of core's
//!   `CancelGate` whose wait is may's sleep in 1 ms slices, checking the gate between them.
//! - **queue**: `may::sync::mpmc`, which is unbounded (its senders never block); bounded(B) adds
//!   a `Semphore(B)`: a producer takes a permit before each send, a consumer returns it after
//!   each receive.
//! - **submit**: K plain OS threads (core's submitters) each spawn a coroutine per unit. A
//!   spawned coroutine cannot be taken back safely (`Coroutine::cancel` is `unsafe`), so the
//!   cancel cases are refused.
//! - **HTTP**: ureq 3, the blocking strategies' client, over may's `TcpStream`
//!   ([`net::MayConnector`]): a coroutine per connection, each with its own agent. ureq's default
//!   std socket would block a worker.
//!
//! may's scheduler is process-global and configured once, before its first coroutine
//! (docs.rs may `Config`: "successive call would not take effect"): a second, different W in the
//! same process is refused with that reason instead of silently running on the first W.

use std::io;
use std::sync::OnceLock;

use may::coroutine::{Builder, JoinHandle};
use shootout_core::{Overlap, RunError, Strategy};

mod fanout;
pub mod gate;
mod http;
pub mod net;
mod queue;
mod sleep;
mod submit;

pub const NAME: &str = "may";

/// The stack of an HTTP coroutine, in machine words as may's `Builder::stack_size` takes it
/// (256 KiB): ureq's request path and the client's 16 KiB read buffer live on it, beyond may's
/// default of 0x1000 words (32 KiB), which every other coroutine here keeps. A may stack does not
/// grow: an overflow is a crash, not an error.
pub const HTTP_STACK_WORDS: usize = 0x8000;

/// Timers overlap without bound; a blocking call holds one of the W workers.
pub fn overlap(workers: usize) -> Overlap {
    Overlap { timer: None, blocking: Some(workers) }
}

/// The W may's scheduler was configured with and started on in this process, or why it could
/// not start.
static GLOBAL_WORKERS: OnceLock<Result<usize, String>> = OnceLock::new();

#[derive(Debug)]
pub struct May {
    workers: usize,
}

impl May {
    /// Configures may's scheduler with W workers and starts it, once per process. may starts
    /// its workers, timer thread and event loops lazily with the first coroutine (13.7 ms here);
    /// one empty coroutine run now keeps that out of the first timed run, as every other
    /// strategy's runtime is built before the clock starts (a 10 ms sleep measured 31 ms
    /// before this, 10.2 ms after).
    pub fn new(workers: usize) -> Result<Self, RunError> {
        let configured = GLOBAL_WORKERS.get_or_init(|| {
            may::config().set_workers(workers);
            let started = spawn(None, || ()).map_err(|e| e.to_string())?;
            started.join().map_err(|_| "its first coroutine panicked".to_string())?;
            Ok(workers)
        });
        let configured = match configured {
            Ok(w) => *w,
            Err(why) => return Err(RunError::build("may's scheduler", why)),
        };
        if configured != workers {
            return Err(RunError::Unsupported(format!(
                "may's scheduler is process-global and already runs {configured} workers in this \
                 process (it is configured once, before its first coroutine); W = {workers} needs a new process"
            )));
        }
        Ok(May { workers })
    }
}

impl Strategy for May {
    fn name(&self) -> &'static str {
        NAME
    }

    fn workers(&self) -> usize {
        self.workers
    }

    fn overlap(&self) -> Overlap {
        overlap(self.workers)
    }

    shootout_core::workload_modules!();
}

/// Spawns `body` as a may coroutine, with may's default stack or `stack_words` words.
pub(crate) fn spawn<T, F>(stack_words: Option<usize>, body: F) -> io::Result<JoinHandle<T>>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    let builder = match stack_words {
        Some(words) => Builder::new().stack_size(words),
        None => Builder::new(),
    };
    // SAFETY: may's spawn is `unsafe` for two reasons (docs.rs may `coroutine::spawn`). (1)
    // Thread-local storage: a coroutine may resume on another worker after a yield, so a TLS
    // reference held across a yield would point at the wrong thread's. The bodies spawned here
    // hold none: core has no `thread_local!`, and every place they yield is may's own (its sleep,
    // Semphore, mpmc, JoinHandle and TcpStream); crossbeam's unbounded `send`
    // never blocks. (2) The stack does not grow: the bodies are shallow loops over core's unit
    // bodies, within may's 32 KiB default, and the one deep path, ureq's HTTP request, runs on
    // `HTTP_STACK_WORDS` (the conformance tests run every workload in a debug build, whose
    // frames are the largest).
    unsafe { builder.spawn(body) }
}

/// A coroutine may refused to spawn: `index` of `total`, with may's own words.
pub(crate) fn refused(index: usize, total: usize, err: &io::Error) -> RunError {
    RunError::failed(format!("could not spawn coroutine {} of {total}: {err}", index + 1))
}

/// Joins every coroutine, in order, even after a panic (may catches a coroutine's panic and
/// hands it to `join`), so none is left running.
pub(crate) fn join_all<T>(handles: Vec<JoinHandle<T>>, what: &str) -> Result<Vec<T>, RunError> {
    shootout_core::blocking::join_each(handles, JoinHandle::join, what)
}

/// Spawns `count` coroutines running `body(index)` and joins them all, in index order. A
/// refused spawn stops spawning; the coroutines already running are joined and the refusal is
/// the error.
pub(crate) fn spawn_join_all<T, F>(
    count: usize,
    stack_words: Option<usize>,
    body: F,
) -> Result<Vec<T>, RunError>
where
    T: Send + 'static,
    F: Fn(usize) -> T + Send + Clone + 'static,
{
    spawn_join_all_then(count, stack_words, body, || {})
}

/// [`spawn_join_all`], calling `spawned` between the last spawn (or the refused one) and the
/// first join.
pub(crate) fn spawn_join_all_then<T, F>(
    count: usize,
    stack_words: Option<usize>,
    body: F,
    spawned: impl FnOnce(),
) -> Result<Vec<T>, RunError>
where
    T: Send + 'static,
    F: Fn(usize) -> T + Send + Clone + 'static,
{
    let mut handles = Vec::with_capacity(count);
    let mut refusal = None;
    for index in 0..count {
        let body = body.clone();
        match spawn(stack_words, move || body(index)) {
            Ok(handle) => handles.push(handle),
            Err(err) => {
                refusal = Some(refused(index, count, &err));
                break;
            }
        }
    }
    spawned();
    let joined = join_all(handles, "a may coroutine");
    match refusal {
        Some(err) => Err(err),
        None => joined,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Built means started (fairness: runtimes are built outside timing): may's W workers
    /// exist once `new` returns, not at the first timed coroutine. The only test in this
    /// process, so no other test's threads come and go while it counts.
    #[test]
    fn the_scheduler_starts_when_built_and_a_second_w_is_refused_with_the_reason() {
        let threads = || shootout_core::metrics::proc_status(None).unwrap().threads;
        let before = threads();
        let first = May::new(2).unwrap();
        assert!(threads() >= before + 2, "{before} threads before, {} after", threads());
        assert_eq!((first.workers(), first.overlap()), (2, Overlap { timer: None, blocking: Some(2) }));
        assert!(May::new(2).is_ok(), "the same W again is the same scheduler");
        match May::new(3) {
            Err(RunError::Unsupported(why)) => assert!(why.contains("W = 3 needs a new process"), "{why}"),
            other => panic!("expected unsupported, got {other:?}"),
        }
    }
}
