//! The sleep workload on any async runtime: N spawned tasks, gathered in order. Timer mode
//! awaits the runtime's sleep; blocking mode is `asyncio.to_thread`: each task awaits
//! `spawn_blocking(thread::sleep)`, so no worker ever blocks. Each task returns its id and its
//! own wait span (no shared counter; [`timer_task`]); memory mode's task is the minimal
//! gather's — it sleeps and returns its id, nothing else — except that it sleeps until d after
//! the last spawn (core's `Release`), so all N are alive at once.

use std::sync::Arc;
use std::time::{Duration, Instant};

use shootout_core::sleep::Release;
use shootout_core::{RunError, SleepMode, SleepOutcome, SleepSpec, Span, Stamp};

use crate::{Runtime, join_all};

/// A blocking-mode task's output: `spawn_blocking`'s own result of (id, span).
type Offloaded = Result<(usize, Span), RunError>;

pub fn run<R: Runtime>(rt: &R, spec: &SleepSpec) -> Result<SleepOutcome, RunError> {
    let d = spec.duration;
    match spec.mode {
        SleepMode::Memory => {
            let release = Arc::new(Release::arm(d));
            let tasks: Vec<R::Task<usize>> = (0..spec.tasks)
                .map(|id| {
                    let release = Arc::clone(&release);
                    rt.spawn(async move {
                        while let Some(wait) = release.next_wait() {
                            R::sleep(wait).await;
                        }
                        id
                    })
                })
                .collect();
            rt.settle();
            release.open();
            let ids = rt.block_on(join_all(tasks))?;
            Ok(SleepOutcome::held(ids, release.held_until(Instant::now())))
        }
        SleepMode::Timer => {
            let tasks: Vec<R::Task<(usize, Span)>> =
                (0..spec.tasks).map(|id| rt.spawn(timer_task::<R>(id, d))).collect();
            Ok(SleepOutcome::from_pairs(rt.block_on(join_all(tasks))?))
        }
        SleepMode::Blocking => {
            let tasks: Vec<R::Task<Offloaded>> = (0..spec.tasks)
                .map(|id| {
                    rt.spawn(R::spawn_blocking(move || {
                        let start = Instant::now();
                        std::thread::sleep(d);
                        (id, Span::since(start))
                    }))
                })
                .collect();
            let pairs = rt.block_on(join_all(tasks))?.into_iter().collect::<Result<Vec<_>, _>>()?;
            Ok(SleepOutcome::from_pairs(pairs))
        }
    }
}

/// A timer-mode task: the minimal gather's task, plus its wait's start as an 8-byte [`Stamp`]
/// (an `Instant` held across the await grew tokio's task past its 128-byte cell edge).
/// Not an `async fn`: its future keeps the arguments in slots of their own, 16 bytes more,
/// which is past the edge again.
#[allow(clippy::manual_async_fn)]
pub fn timer_task<R: Runtime>(id: usize, d: Duration) -> impl Future<Output = (usize, Span)> + Send {
    async move {
        let start = Stamp::now();
        R::sleep(d).await;
        (id, Span::since_stamp(start))
    }
}
