//! Cooperative cancellation for the blocking strategies: fail-fast raises the gate, and
//! waiting units wake at once and stop.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::Instant;

/// Cooperative cancellation for blocking strategies: units with index >= `cancel_from` are
/// cancelled. A unit checks before it starts, and its wait is a condvar wait that a
/// cancellation wakes at once.
#[derive(Debug)]
pub struct CancelGate {
    from: AtomicUsize,
    state: Mutex<usize>,
    wake: Condvar,
}

impl Default for CancelGate {
    fn default() -> Self {
        CancelGate { from: AtomicUsize::new(usize::MAX), state: Mutex::new(usize::MAX), wake: Condvar::new() }
    }
}

impl CancelGate {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn is_cancelled(&self, index: usize) -> bool {
        index >= self.from.load(Ordering::SeqCst)
    }

    /// Cancels every unit with index >= `from` (never un-cancels) and wakes their waits.
    pub fn cancel_from(&self, from: usize) {
        let mut state = lock(&self.state);
        if from < *state {
            *state = from;
            self.from.store(from, Ordering::SeqCst);
            self.wake.notify_all();
        }
    }

    /// Waits until `until`; `false` if unit `index` was cancelled first.
    pub fn sleep_until(&self, index: usize, until: Instant) -> bool {
        let mut state = lock(&self.state);
        loop {
            if index >= *state {
                return false;
            }
            let now = Instant::now();
            if now >= until {
                return true;
            }
            state =
                self.wake.wait_timeout(state, until - now).unwrap_or_else(|poisoned| poisoned.into_inner()).0;
        }
    }
}
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panicking unit is reported by its strategy; the gate's state stays usable.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// What a blocking unit body needs from its cancel gate
/// ([`FanOutSpec::run_blocking_with`](super::FanOutSpec::run_blocking_with)): [`CancelGate`] on
/// OS threads, or a twin whose wait parks a coroutine instead of its thread (may's, whose
/// scheduler a `std::sync::Condvar` wait would stall).
pub trait Gate: Sync {
    /// Whether unit `index` was cancelled.
    fn is_cancelled(&self, index: usize) -> bool;
    /// Cancels every unit with index >= `from` (never un-cancels) and wakes their waits.
    fn cancel_from(&self, from: usize);
    /// Waits until `until`; `false` if unit `index` was cancelled first.
    fn sleep_until(&self, index: usize, until: Instant) -> bool;
}

impl Gate for CancelGate {
    fn is_cancelled(&self, index: usize) -> bool {
        CancelGate::is_cancelled(self, index)
    }

    fn cancel_from(&self, from: usize) {
        CancelGate::cancel_from(self, from)
    }

    fn sleep_until(&self, index: usize, until: Instant) -> bool {
        CancelGate::sleep_until(self, index, until)
    }
}
