//! What a fan-out run did, as its strategy records it while units run ([`Recorder`]: finish
//! tickets, the in-flight peak, the completion-order delivery lock, cancel latencies), and
//! the error a strategy reports when a unit fails to join. `verify` checks what was recorded.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

use super::{FanOutOutcome, Handed};
use crate::{InFlight, RunError};

/// The bookkeeping every strategy shares: finish tickets, the in-flight counter, the
/// completion-order delivery lock and the cancel latencies.
#[derive(Debug)]
pub struct Recorder {
    clock: AtomicU64,
    finished: Vec<AtomicU64>,
    /// Enter when a unit starts (after its limit permit), leave when it ends or is dropped.
    pub in_flight: InFlight,
    delivery: Mutex<()>,
    cancel_latency_ns: Mutex<Vec<u64>>,
}

impl Recorder {
    pub fn new(units: usize) -> Self {
        Recorder {
            clock: AtomicU64::new(0),
            finished: (0..units).map(|_| AtomicU64::new(0)).collect(),
            in_flight: InFlight::default(),
            delivery: Mutex::new(()),
            cancel_latency_ns: Mutex::new(Vec::new()),
        }
    }

    /// Stamps unit `index` finished and returns its ticket (1, 2, ...).
    pub fn finish(&self, index: usize) -> u64 {
        let ticket = self.clock.fetch_add(1, Ordering::SeqCst) + 1;
        if let Some(slot) = self.finished.get(index) {
            slot.store(ticket, Ordering::SeqCst);
        }
        ticket
    }

    /// Stamps unit `index` finished and hands its result to the gather's queue in one step
    /// (`deliver` must not block), so the queue's order is the tickets' order.
    pub fn finish_into<R>(&self, index: usize, deliver: impl FnOnce() -> R) -> R {
        let _order = lock(&self.delivery);
        self.finish(index);
        deliver()
    }

    /// A unit stopped at `stopped_at` because its deadline `deadline_at` passed.
    pub fn timed_out(&self, deadline_at: Instant, stopped_at: Instant) {
        let late = stopped_at.saturating_duration_since(deadline_at).as_nanos() as u64;
        lock(&self.cancel_latency_ns).push(late);
    }

    /// The outcome, once every unit has finished or been cancelled and awaited.
    pub fn outcome(&self, handed: Vec<Handed>) -> FanOutOutcome {
        let finished =
            self.finished.iter().map(|t| Some(t.load(Ordering::SeqCst)).filter(|&t| t > 0)).collect();
        FanOutOutcome {
            handed,
            finished,
            peak_in_flight: self.in_flight.peak(),
            cancel_latency_ns: lock(&self.cancel_latency_ns).clone(),
        }
    }
}

pub(super) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panicking unit is reported by its strategy; the data here stays usable.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Turns a strategy's join failure into a `RunError` naming the strategy.
pub fn join_failed(strategy: &str, why: impl std::fmt::Display) -> RunError {
    RunError::failed(format!("{strategy}: a fan-out unit failed to join: {why}"))
}
