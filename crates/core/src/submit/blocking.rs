//! The submit body the blocking strategies (sequential, threads, rayon) share: K submitter
//! threads hand [`Job`]s to the strategy's `hand` (a channel to its worker threads, or its
//! pool's `spawn`), each burst's results coming back on the submitter's own channel — the
//! `concurrent.futures` shape. None of them can take a submission back, so they refuse the
//! cancel cases (their reason is the caller's).

use std::sync::Arc;
use std::time::Duration;

use super::{Ledger, Slots, SubmitOutcome, SubmitSpec, SubmitterReport, Unit, UnitResult};
use crate::RunError;

/// One unit handed to a blocking strategy: run it on any thread.
pub struct Job {
    slots: Arc<Slots>,
    id: u64,
    wait: Option<Duration>,
    reply: crossbeam_channel::Sender<(u64, u64)>,
}

impl Job {
    /// Stamps its start, waits (a task's `thread::sleep`), records its id and sends its result
    /// back to its submitter.
    pub fn run(self) {
        self.run_with(std::thread::sleep)
    }

    /// [`run`](Self::run) with the task's wait given (a coroutine runtime's own sleep).
    pub fn run_with(self, sleep: fn(Duration)) {
        let started = self.slots.now_ns();
        if let Some(d) = self.wait {
            sleep(d);
        }
        self.slots.record(self.id);
        let _ = self.reply.send((self.id, started));
    }
}

/// Runs the K submitters on plain OS threads of their own; `hand` gives the strategy one job.
pub fn run_blocking(
    spec: &SubmitSpec,
    hand: impl Fn(Job) -> Result<(), RunError> + Sync,
) -> Result<SubmitOutcome, RunError> {
    let ledger = Ledger::new(spec);
    let reports = std::thread::scope(|s| {
        let mut handles = Vec::with_capacity(spec.submitters);
        let mut refused = None;
        for k in 0..spec.submitters {
            let (slots, hand) = (ledger.submitter(k), &hand);
            let spawned = std::thread::Builder::new()
                .name(format!("submitter-{k}"))
                .spawn_scoped(s, move || submit(spec, k, slots, hand));
            match spawned {
                Ok(handle) => handles.push(handle),
                Err(err) => {
                    refused = Some(RunError::spawn(k, spec.submitters, &err));
                    break;
                }
            }
        }
        join_submitters(handles, refused)
    })?;
    Ok(ledger.finish(reports))
}

/// Joins every submitter thread that started (a panic becomes its error), then gives the first
/// refusal to start one, or the first submitter's error, or every report in order.
pub fn join_submitters(
    handles: Vec<std::thread::ScopedJoinHandle<'_, Result<SubmitterReport, RunError>>>,
    refused: Option<RunError>,
) -> Result<Vec<SubmitterReport>, RunError> {
    let reports: Vec<Result<SubmitterReport, RunError>> = handles
        .into_iter()
        .map(|handle| {
            handle.join().unwrap_or_else(|payload| Err(RunError::panicked("a submitter thread", payload)))
        })
        .collect();
    match refused {
        Some(err) => Err(err),
        None => reports.into_iter().collect(),
    }
}

/// One submitter: a burst of jobs, then their results, until its ids are done.
fn submit(
    spec: &SubmitSpec,
    k: usize,
    slots: Arc<Slots>,
    hand: &(impl Fn(Job) -> Result<(), RunError> + Sync),
) -> Result<SubmitterReport, RunError> {
    let ids = spec.submitter_ids(k);
    let wait = match spec.unit {
        Unit::Callback => None,
        Unit::Task(d) => Some(d),
    };
    let mut submitted = vec![0u64; (ids.end - ids.start) as usize];
    let mut results = Vec::with_capacity(submitted.len());
    let mut next = ids.start;
    while next < ids.end {
        let end = (next + spec.burst_len() as u64).min(ids.end);
        // A channel per burst, held only by its jobs: a job dropped unrun closes it.
        let (reply, replies) = crossbeam_channel::unbounded();
        for id in next..end {
            submitted[(id - ids.start) as usize] = slots.now_ns();
            hand(Job { slots: Arc::clone(&slots), id, wait, reply: reply.clone() })?;
        }
        drop(reply);
        for _ in next..end {
            let (id, started) = replies.recv().map_err(|_| {
                RunError::failed(format!("submitter {k}: a unit's result never came back (its worker died)"))
            })?;
            let submitted_ns = submitted[(id - ids.start) as usize];
            results.push(UnitResult { id, submitted_ns, cancel_requested: false, started_ns: Some(started) });
        }
        next = end;
    }
    Ok(SubmitterReport { results })
}

/// `workers` OS threads draining one crossbeam channel of jobs (sequential: one, the asyncio
/// loop's shape; threads: W, a `ThreadPoolExecutor`), fed by [`run_blocking`]'s submitters.
/// The workers are spawned when the call starts, so their start (tens of µs) is inside the
/// time; they are joined once the channel closes.
pub fn run_on_workers(spec: &SubmitSpec, workers: usize) -> Result<SubmitOutcome, RunError> {
    let (tx, rx) = crossbeam_channel::unbounded::<Job>();
    let mut pool = Vec::with_capacity(workers);
    for w in 0..workers {
        let rx = rx.clone();
        let spawned = std::thread::Builder::new().name(format!("submit-worker-{w}")).spawn(move || {
            for job in rx {
                job.run();
            }
        });
        match spawned {
            Ok(handle) => pool.push(handle),
            Err(err) => {
                drop(tx); // the started workers see the channel close and end
                let _ = crate::blocking::join_threads(pool, "a worker thread");
                return Err(RunError::spawn(w, workers, &err));
            }
        }
    }
    drop(rx);
    let outcome = run_blocking(spec, |job| {
        tx.send(job)
            .map_err(|_| RunError::failed("every worker thread died; a unit could not be handed over"))
    });
    drop(tx);
    let joined = crate::blocking::join_threads(pool, "a worker thread");
    let outcome = outcome?;
    joined?;
    Ok(outcome)
}
