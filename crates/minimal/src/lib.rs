//! shootout-minimal: each workload written once more, the idiomatic way, with nothing of the
//! harness — no spec, no recorder, no verification inside — so `shootout fidelity` can run it
//! beside the matching shootout case and print how much the harness adds. Each program returns
//! only what a user would want back (the ids, a count and a sum, a count of answers), which
//! the fidelity test compares with the shootout case's verified answer.
//!
//! The runtimes are built by the caller, outside any timing, with the same W workers the
//! shootout strategies use ([`tokio_runtime`], [`SmolPool`]; async-std's global executor reads
//! `ASYNC_STD_THREAD_COUNT`).

pub mod http;
pub mod queue;
pub mod sleep;

pub use tokio::runtime::Runtime as TokioRuntime;

use std::sync::Arc;
use std::thread::JoinHandle;

/// tokio's multi-thread runtime with `workers` worker threads.
pub fn tokio_runtime(workers: usize) -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread().worker_threads(workers).enable_all().build()
}

/// smol's documented multi-threaded setup: one `Executor` run by `workers` threads until the
/// pool is dropped.
pub struct SmolPool {
    pub ex: Arc<smol::Executor<'static>>,
    stop: Option<smol::channel::Sender<()>>,
    threads: Vec<JoinHandle<()>>,
}

impl SmolPool {
    pub fn new(workers: usize) -> SmolPool {
        let ex = Arc::new(smol::Executor::new());
        let (stop, stopped) = smol::channel::unbounded::<()>();
        let threads = (0..workers)
            .map(|_| {
                let (ex, stopped) = (ex.clone(), stopped.clone());
                std::thread::spawn(move || {
                    let _ = smol::block_on(ex.run(stopped.recv()));
                })
            })
            .collect();
        SmolPool { ex, stop: Some(stop), threads }
    }
}

impl Drop for SmolPool {
    fn drop(&mut self) {
        drop(self.stop.take());
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}
