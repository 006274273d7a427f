//! What a submit run records with: one clock for every stamp, and per submitter the slots its
//! units record their ids in — the unit's own side effect, so verify sees a unit that ran
//! even when a strategy's cancel claims it did not.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Instant;

use super::{SubmitOutcome, SubmitSpec, SubmitterReport};

/// One run's ledger: the clock and one [`Slots`] per submitter.
pub struct Ledger {
    slots: Vec<Arc<Slots>>,
}

/// One submitter's ids: a slot per id that its unit bumps when it records the id. Each
/// submitter has its own, so a unit's handle (an `Arc` clone) is shared only with its own
/// submitter, never with every other unit of the run (fairness rule 9).
pub struct Slots {
    epoch: Instant,
    first: u64,
    runs: Box<[AtomicU32]>,
}

impl Ledger {
    /// Starts the clock; every stamp of the run is ns since now.
    pub fn new(spec: &SubmitSpec) -> Self {
        let epoch = Instant::now();
        let slots = (0..spec.submitters)
            .map(|k| {
                let ids = spec.submitter_ids(k);
                let runs = ids.clone().map(|_| AtomicU32::new(0)).collect();
                Arc::new(Slots { epoch, first: ids.start, runs })
            })
            .collect();
        Ledger { slots }
    }

    /// Submitter `k`'s slots, for it to hand to its units.
    pub fn submitter(&self, k: usize) -> Arc<Slots> {
        Arc::clone(&self.slots[k])
    }

    /// The outcome: the submitters' reports beside what the units recorded.
    pub fn finish(self, submitters: Vec<SubmitterReport>) -> SubmitOutcome {
        let recorded =
            self.slots.iter().flat_map(|s| s.runs.iter().map(|r| r.load(Ordering::Acquire))).collect();
        SubmitOutcome { submitters, recorded }
    }
}

impl Slots {
    /// Ns since the run began.
    #[inline]
    pub fn now_ns(&self) -> u64 {
        self.epoch.elapsed().as_nanos() as u64
    }

    /// The unit's work: it records its id (once; a second run would show as 2).
    #[inline]
    pub fn record(&self, id: u64) {
        self.runs[(id - self.first) as usize].fetch_add(1, Ordering::Release);
    }
}
