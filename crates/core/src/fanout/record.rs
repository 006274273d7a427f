//! What a fan-out run did, as each unit records it in its own slot while it runs
//! ([`Recorder`]: when it started and left, when it handed its result over, its cancel
//! latency), and the error a strategy reports when a unit fails to join. No slot is written by
//! two units, so the timed region has no shared counter; `verify` derives the finish order and
//! the in-flight peak from the stamps after the clock stops.

use std::sync::atomic::AtomicU64;
use std::time::Instant;

use super::{FanOutOutcome, Finish, Handed};
use crate::RunError;
use crate::inflight::{Clock, read};

/// One unit's stamps (ns since the run began, plus one; 0 = never).
#[derive(Debug, Default)]
struct Slot {
    start: AtomicU64,
    end: AtomicU64,
    handing: AtomicU64,
    handed: AtomicU64,
    late_ns: AtomicU64,
}

/// Every unit's slot and the run's clock.
#[derive(Debug)]
pub struct Recorder {
    clock: Clock,
    slots: Vec<Slot>,
}

impl Recorder {
    pub fn new(units: usize) -> Self {
        Recorder { clock: Clock::default(), slots: (0..units).map(|_| Slot::default()).collect() }
    }

    /// Unit `index` starts (after its limit permit); it is in flight until the guard drops, so
    /// a cancelled future (dropped mid-wait) leaves too.
    pub fn enter(&self, index: usize) -> Running<'_> {
        self.clock.stamp(&self.slots[index].start);
        Running { recorder: self, index }
    }

    /// Stamps unit `index` finished (its result is returned, not sent).
    pub fn finish(&self, index: usize) {
        let slot = &self.slots[index];
        self.clock.stamp(&slot.handing);
        self.clock.stamp(&slot.handed);
    }

    /// Unit `index` hands its result to the gather's queue (`deliver`); the stamps bracket the
    /// hand-over, so `verify` can prove the queue's order is consistent with them without a
    /// lock shared by every unit.
    pub fn finish_into<R>(&self, index: usize, deliver: impl FnOnce() -> R) -> R {
        let slot = &self.slots[index];
        self.clock.stamp(&slot.handing);
        let out = deliver();
        self.clock.stamp(&slot.handed);
        out
    }

    /// Unit `index` stopped at `stopped_at` because its deadline `deadline_at` passed.
    pub fn timed_out(&self, index: usize, deadline_at: Instant, stopped_at: Instant) {
        let late = stopped_at.saturating_duration_since(deadline_at).as_nanos() as u64;
        // +1: 0 means "did not time out".
        self.slots[index].late_ns.store(late + 1, std::sync::atomic::Ordering::Relaxed);
    }

    /// The outcome, once every unit has finished or been cancelled and awaited; `spawned` is
    /// [`FanOutOutcome::spawned`].
    pub fn outcome(&self, handed: Vec<Handed>, spawned: Option<usize>) -> FanOutOutcome {
        let finished = self
            .slots
            .iter()
            .map(|s| match (read(&s.handing), read(&s.handed)) {
                (Some(handing), Some(handed)) => Some(Finish { handing, handed }),
                _ => None,
            })
            .collect();
        // A unit that started and never left (leaked) is in flight to the end.
        let in_flight = self
            .slots
            .iter()
            .map(|s| read(&s.start).map(|t| (t, read(&s.end).unwrap_or(u64::MAX))))
            .collect();
        let cancel_latency_ns = self.slots.iter().filter_map(|s| read(&s.late_ns)).map(|l| l - 1).collect();
        FanOutOutcome { handed, finished, in_flight, cancel_latency_ns, spawned }
    }
}

/// A unit in flight; stamps its end when dropped.
pub struct Running<'a> {
    recorder: &'a Recorder,
    index: usize,
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        self.recorder.clock.stamp(&self.recorder.slots[self.index].end);
    }
}

/// Turns a strategy's join failure into a `RunError` naming the strategy.
pub fn join_failed(strategy: &str, why: impl std::fmt::Display) -> RunError {
    RunError::failed(format!("{strategy}: a fan-out unit failed to join: {why}"))
}
