//! The fan-out workload on may: a coroutine per unit, each running core's blocking unit body
//! (`FanOutSpec::run_blocking_with`) with may's sleep, so the units are threads' own, carried by
//! coroutines. A limit L is may's `Semphore(L)`, taken inside the unit before its clock starts
//! (asyncio's `Semaphore`). Fail-fast is the rule every strategy follows — a unit checks the
//! gate before its work, the failing unit raises it — on [`MayGate`], whose waits park the
//! coroutine. Input order joins the coroutines in order; completion order drains a channel each
//! unit sends to as it finishes.

use std::sync::Arc;

use crossbeam_channel::Sender;
use may::sync::Semphore;
use shootout_core::fanout::{Gate, Handed, Order, Recorder, UnitResult};
use shootout_core::{FanOutOutcome, FanOutSpec, RunError};

use crate::gate::MayGate;

pub(crate) fn run(_strategy: &crate::May, spec: &FanOutSpec) -> Result<FanOutOutcome, RunError> {
    let n = spec.units;
    let shared = Arc::new(Shared {
        spec: spec.clone(),
        recorder: Recorder::new(n),
        // Also how a refused spawn stops the units already running from starting their work.
        gate: MayGate::new(),
        permits: spec.limit.map(Semphore::new),
    });
    let completion = spec.order == Order::Completion;
    let (tx, rx) = crossbeam_channel::unbounded::<Handed>();

    let mut handles = Vec::with_capacity(n);
    let mut refusal = None;
    // Every unit is spawned, as on every other strategy, even after a fail-fast stop: each unit
    // checks the gate itself. A spawn loop that stopped at the gate skipped ~99,000 spawns on
    // `fan-out/errors/n=100000/…/fail-fast`, 12 ms against tokio's 271 ms.
    for index in 0..n {
        let unit = Arc::clone(&shared);
        let tx = completion.then(|| tx.clone());
        match crate::spawn(None, move || unit.run(index, tx)) {
            Ok(handle) => handles.push(handle),
            Err(err) => {
                refusal = Some(crate::refused(index, n, &err));
                shared.gate.cancel_from(0);
                break;
            }
        }
    }
    drop(tx);
    let spawned = handles.len();

    let mut handed = if completion { spec.hand_over_as_completed(rx.iter()) } else { Vec::new() };
    // Every coroutine is joined, so none outlives the call: after a fail-fast stop the gate has
    // woken the waiting ones and the rest return before their work.
    let mut results: Vec<Option<UnitResult>> = vec![None; n];
    let mut panicked = None;
    for (index, handle) in handles.into_iter().enumerate() {
        match handle.join() {
            Ok(result) => results[index] = result,
            Err(payload) => {
                panicked.get_or_insert_with(|| RunError::panicked("a may fan-out coroutine", payload));
            }
        }
    }
    if let Some(err) = refusal.or(panicked) {
        return Err(err);
    }
    if !completion {
        handed = spec.hand_over_in_order(results);
    }
    Ok(shared.recorder.outcome(handed, Some(spawned)))
}

/// What every unit's coroutine shares.
struct Shared {
    spec: FanOutSpec,
    recorder: Recorder,
    gate: MayGate,
    permits: Option<Semphore>,
}

impl Shared {
    fn run(&self, index: usize, tx: Option<Sender<Handed>>) -> Option<UnitResult> {
        let _permit = self.permits.as_ref().map(Permit::take);
        if self.gate.is_cancelled(index) {
            return None;
        }
        let deliver = |h: Handed| {
            if let Some(tx) = &tx {
                // Unbounded: never blocks; after a fail-fast stop the gather just stops reading.
                let _ = tx.send(h);
            }
        };
        let deliver: Option<&dyn Fn(Handed)> = if tx.is_some() { Some(&deliver) } else { None };
        let gate: Option<&dyn Gate> = if self.spec.fail_fast() { Some(&self.gate) } else { None };
        self.spec.run_blocking_with(index, &self.recorder, gate, deliver, may::coroutine::sleep)
    }
}

/// One of the limit's permits, returned when the unit is done.
struct Permit<'a>(&'a Semphore);

impl<'a> Permit<'a> {
    fn take(permits: &'a Semphore) -> Self {
        permits.wait();
        Permit(permits)
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        self.0.post();
    }
}
