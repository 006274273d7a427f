//! The fan-out workload on std::thread: a thread per waiting unit, W chunked threads for CPU work.

use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

use crossbeam_channel::Sender;
use shootout_core::fanout::{CancelGate, Handed, Order, Recorder, UnitResult};
use shootout_core::{FanOutOutcome, FanOutSpec, RunError, Strategy};

/// How the units are spread over threads.
#[derive(Debug, Clone, Copy)]
enum Layout {
    /// Units wait: a thread per unit, since a blocking wait holds its thread and only
    /// one thread per wait lets every wait overlap.
    ThreadPerUnit,
    /// Units wait under a limit L: a fixed pool of L threads taking the next unit from a
    /// shared counter (Python's `ThreadPoolExecutor(max_workers=L)`).
    Pool(usize),
    /// CPU only: min(W, L) scoped threads over contiguous chunks; more threads than cores
    /// would only add switches.
    Chunks(usize),
}

impl Layout {
    fn of(spec: &FanOutSpec, workers: usize) -> Self {
        let limit = spec.limit.unwrap_or(usize::MAX);
        match (spec.waits(), spec.limit) {
            (true, None) => Layout::ThreadPerUnit,
            (true, Some(limit)) => Layout::Pool(limit.min(spec.units)),
            (false, _) => Layout::Chunks(workers.max(1).min(limit).min(spec.units)),
        }
    }

    fn threads(self, units: usize) -> usize {
        match self {
            Layout::ThreadPerUnit => units,
            Layout::Pool(threads) | Layout::Chunks(threads) => threads,
        }
    }
}

/// std::thread with the layout above. Waits are `thread::sleep` up to the unit's deadline
/// (cooperative timeout), or, under fail-fast, a condvar wait on a [`CancelGate`] that the
/// first error wakes. Input order is gathered after the join from each thread's results;
/// completion order is a crossbeam channel the calling thread drains while the units run.
pub(crate) fn run(strategy: &crate::Threads, spec: &FanOutSpec) -> Result<FanOutOutcome, RunError> {
    let n = spec.units;
    let layout = Layout::of(spec, strategy.workers());
    let threads = layout.threads(n);
    let recorder = Recorder::new(n);
    // Also how a refused spawn stops the threads already running from starting more units.
    let gate = CancelGate::new();
    let next = AtomicUsize::new(0);
    let completion = spec.order == Order::Completion;
    let (tx, rx) = crossbeam_channel::unbounded::<Handed>();

    thread::scope(|scope| {
        let mut handles = Vec::with_capacity(threads);
        let mut refused = None;
        for t in 0..threads {
            let unit = Unit { spec, recorder: &recorder, gate: &gate, tx: completion.then(|| tx.clone()) };
            let next = &next;
            let body = move || match layout {
                Layout::ThreadPerUnit => unit.run_range(t..t + 1),
                Layout::Pool(_) => unit.run_claimed(next),
                Layout::Chunks(threads) => {
                    let chunk = n.div_ceil(threads);
                    unit.run_range(t * chunk..((t + 1) * chunk).min(n))
                }
            };
            match thread::Builder::new().spawn_scoped(scope, body) {
                Ok(handle) => handles.push(handle),
                Err(err) => {
                    refused = Some(RunError::spawn(t, threads, &err));
                    gate.cancel_from(0);
                    break;
                }
            }
        }
        drop(tx);
        // A thread per unit is a spawn per unit; a pool or chunks are not.
        let spawned = matches!(layout, Layout::ThreadPerUnit).then_some(handles.len());

        let mut handed = if completion { spec.hand_over_as_completed(rx.iter()) } else { Vec::new() };
        let mut results: Vec<Option<UnitResult>> = vec![None; n];
        let mut panicked = None;
        for handle in handles {
            match handle.join() {
                Ok(done) => {
                    for (index, result) in done {
                        results[index] = Some(result);
                    }
                }
                Err(payload) => {
                    panicked.get_or_insert_with(|| RunError::panicked("a fan-out thread", payload));
                }
            }
        }
        if let Some(err) = refused.or(panicked) {
            return Err(err);
        }
        if !completion {
            handed = spec.hand_over_in_order(results);
        }
        Ok(recorder.outcome(handed, spawned))
    })
}

/// What one thread needs to run units.
struct Unit<'a> {
    spec: &'a FanOutSpec,
    recorder: &'a Recorder,
    gate: &'a CancelGate,
    tx: Option<Sender<Handed>>,
}

impl Unit<'_> {
    fn run_one(&self, index: usize) -> Option<UnitResult> {
        if self.gate.is_cancelled(index) {
            return None;
        }
        let deliver = |h: Handed| {
            if let Some(tx) = &self.tx {
                // The receiver outlives every thread; after a fail-fast stop it just stops reading.
                let _ = tx.send(h);
            }
        };
        let gate = self.spec.fail_fast().then_some(self.gate);
        let deliver: Option<&dyn Fn(Handed)> = if self.tx.is_some() { Some(&deliver) } else { None };
        self.spec.run_blocking(index, self.recorder, gate, deliver)
    }

    /// Units in ascending order; once one is cancelled, every later one is too.
    fn run_range(&self, units: Range<usize>) -> Vec<(usize, UnitResult)> {
        let mut done = Vec::with_capacity(units.len());
        for index in units {
            match self.run_one(index) {
                Some(result) => done.push((index, result)),
                None => break,
            }
        }
        done
    }

    fn run_claimed(&self, next: &AtomicUsize) -> Vec<(usize, UnitResult)> {
        let mut done = Vec::new();
        loop {
            let index = next.fetch_add(1, Ordering::SeqCst);
            if index >= self.spec.units {
                return done;
            }
            match self.run_one(index) {
                Some(result) => done.push((index, result)),
                None => return done,
            }
        }
    }
}
