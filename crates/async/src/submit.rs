//! The submit workload on any async runtime: K plain OS threads (none of the runtime's) each
//! hand their units to the already-running runtime with [`Runtime::spawn_remote`] — asyncio's
//! `run_coroutine_threadsafe` — and hold the join handle as their `concurrent.futures.Future`:
//! a cancelled submission is [`Task::try_cancel`]led right away (which says whether the cancel
//! won, backed by the unit's own completion cell), the rest are awaited burst by burst from the submitter's thread. The calling thread
//! only `block_on`s until every submitter is done, which is what drives the runtimes whose
//! tasks run inside `block_on` (tokio-current-thread, smol-local): their loop runs while
//! foreign threads feed it, the asyncio shape.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use futures_lite::future::block_on;
use shootout_core::submit::{Ledger, Slots, SubmitterReport, Unit, UnitResult, join_submitters};
use shootout_core::{RunError, SubmitOutcome, SubmitSpec};

use crate::{Runtime, Task};

pub fn run<R: Runtime>(rt: &R, spec: &SubmitSpec) -> Result<SubmitOutcome, RunError> {
    let ledger = Ledger::new(spec);
    // Nobody sends on it: it closes when the last submitter drops its sender (also on a panic).
    let (alive, all_done) = async_channel::bounded::<()>(1);
    let reports = std::thread::scope(|s| {
        let mut handles = Vec::with_capacity(spec.submitters);
        let mut refused = None;
        for k in 0..spec.submitters {
            let (slots, alive) = (ledger.submitter(k), alive.clone());
            let spawned =
                std::thread::Builder::new().name(format!("submitter-{k}")).spawn_scoped(s, move || {
                    let report = submit(rt, spec, k, slots);
                    drop(alive);
                    report
                });
            match spawned {
                Ok(handle) => handles.push(handle),
                Err(err) => {
                    refused = Some(RunError::spawn(k, spec.submitters, &err));
                    break;
                }
            }
        }
        drop(alive);
        rt.block_on(async {
            let _ = all_done.recv().await;
        });
        join_submitters(handles, refused)
    })?;
    Ok(ledger.finish(reports))
}

/// One submitter on its own OS thread: spawn a burst (cancelling the marked units at once),
/// then wait for the burst's results, until its ids are done. Every handle is awaited even
/// after a failure, so no unit outlives the run.
fn submit<R: Runtime>(
    rt: &R,
    spec: &SubmitSpec,
    k: usize,
    slots: Arc<Slots>,
) -> Result<SubmitterReport, RunError> {
    let ids = spec.submitter_ids(k);
    let burst = spec.burst_len();
    let mut results = Vec::with_capacity((ids.end - ids.start) as usize);
    let mut pending: Vec<(u64, u64, R::Task<u64>)> = Vec::with_capacity(burst);
    let mut failed = None;
    let mut in_burst = 0;
    for id in ids.clone() {
        if spec.cancels(id) {
            // The unit also leaves its start in a cell of its own: async-task (smol, async-std)
            // drops an output produced while the cancel was being asked and reports `None`,
            // though the unit completed. Once `try_cancel` returns the unit has stopped, so
            // the cell is final.
            let done = Arc::new(AtomicU64::new(0));
            let submitted_ns = slots.now_ns();
            let task = rt.spawn_remote(unit::<R>(Arc::clone(&slots), id, spec.unit, Some(Arc::clone(&done))));
            // Right after submission, as `future.cancel()`; waits until the unit has stopped.
            match block_on(task.try_cancel()) {
                Ok(started) => {
                    let started_ns = started.or_else(|| done.load(Ordering::Acquire).checked_sub(1));
                    results.push(UnitResult { id, submitted_ns, cancel_requested: true, started_ns })
                }
                Err(err) => {
                    failed.get_or_insert(err);
                }
            }
        } else {
            let submitted_ns = slots.now_ns();
            let task = rt.spawn_remote(unit::<R>(Arc::clone(&slots), id, spec.unit, None));
            pending.push((id, submitted_ns, task));
        }
        in_burst += 1;
        if in_burst == burst || id + 1 == ids.end {
            for (id, submitted_ns, task) in pending.drain(..) {
                match block_on(task) {
                    Ok(started) => results.push(UnitResult {
                        id,
                        submitted_ns,
                        cancel_requested: false,
                        started_ns: Some(started),
                    }),
                    Err(err) => {
                        failed.get_or_insert(err);
                    }
                }
            }
            in_burst = 0;
        }
    }
    failed.map_or(Ok(SubmitterReport { results }), Err)
}

/// One unit: stamps its start, waits (a task) with the runtime's timer, records its id; a
/// unit that may be cancelled also leaves its start (+ 1) in `done`.
async fn unit<R: Runtime>(slots: Arc<Slots>, id: u64, unit: Unit, done: Option<Arc<AtomicU64>>) -> u64 {
    let started = slots.now_ns();
    if let Unit::Task(d) = unit {
        R::sleep(d).await;
    }
    slots.record(id);
    if let Some(done) = done {
        done.store(started + 1, Ordering::Release);
    }
    started
}
