//! The fan-out workload on rayon: `par_iter` over the units on its pool.

use std::sync::{Condvar, Mutex};

use rayon::prelude::*;
use shootout_core::fanout::{CancelGate, Handed, Order, Recorder, UnitResult};
use shootout_core::{FanOutOutcome, FanOutSpec, RunError, Strategy};

/// `par_iter().map(unit).collect()` on the pool. A waiting unit holds its pool thread, so at
/// most W units wait at once (the honest cost of blocking waits on a CPU pool), and a limit
/// L >= W is already met by the pool; L < W takes a blocking semaphore inside each unit.
///
/// Fail-fast is cooperative, as rayon's own short-circuiting `collect::<Result<_, _>>()` is:
/// a failing unit raises a [`CancelGate`], units not yet started are skipped and waits are cut
/// short. In input order the gate only cancels units after the failing one, so the lowest-index
/// error always runs and is the one handed over. Completion order runs the `par_iter` as a job
/// on the pool while the calling thread drains a crossbeam channel of finished results.
pub(crate) fn run(strategy: &crate::Rayon, spec: &FanOutSpec) -> Result<FanOutOutcome, RunError> {
    let n = spec.units;
    let recorder = Recorder::new(n);
    let gate = CancelGate::new();
    let permits = spec.limit.filter(|&l| l < strategy.workers()).map(Semaphore::new);
    let unit = |index: usize, deliver: Option<&dyn Fn(Handed)>| -> Option<UnitResult> {
        let _permit = permits.as_ref().map(Semaphore::acquire);
        let gate = spec.fail_fast().then_some(&gate);
        spec.run_blocking(index, &recorder, gate, deliver)
    };

    let handed = match spec.order {
        Order::Input => {
            let results: Vec<Option<UnitResult>> =
                strategy.pool().install(|| (0..n).into_par_iter().map(|i| unit(i, None)).collect());
            spec.hand_over_in_order(results)
        }
        Order::Completion => {
            let (tx, rx) = crossbeam_channel::unbounded::<Handed>();
            strategy.pool().in_place_scope(|scope| {
                let unit = &unit;
                scope.spawn(move |_| {
                    (0..n).into_par_iter().for_each_with(tx, |tx, i| {
                        // The receiver outlives the scope; after a fail-fast stop it stops reading.
                        let deliver = |h: Handed| {
                            let _ = tx.send(h);
                        };
                        unit(i, Some(&deliver));
                    });
                });
                spec.hand_over_as_completed(rx.iter())
            })
        }
    };
    Ok(recorder.outcome(handed, None))
}

/// A counting semaphore that blocks the pool thread waiting for a permit.
struct Semaphore {
    free: Mutex<usize>,
    released: Condvar,
}

struct Permit<'a>(&'a Semaphore);

impl Semaphore {
    fn new(permits: usize) -> Self {
        Semaphore { free: Mutex::new(permits), released: Condvar::new() }
    }

    fn acquire(&self) -> Permit<'_> {
        let mut free = self.free.lock().unwrap_or_else(|p| p.into_inner());
        while *free == 0 {
            free = self.released.wait(free).unwrap_or_else(|p| p.into_inner());
        }
        *free -= 1;
        Permit(self)
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        *self.0.free.lock().unwrap_or_else(|p| p.into_inner()) += 1;
        self.0.released.notify_one();
    }
}
