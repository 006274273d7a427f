//! core's cancel gate for may: the same rule as `CancelGate` (units with index >= `from` are
//! cancelled, and a waiting unit stops), its wait in slices of may's own sleep, which parks the
//! coroutine. A `std::sync::Condvar` wait would hold one of may's W worker threads for the whole
//! wait. A waiting unit sees a cancellation within one slice (1 ms): a wait on may's `Condvar`,
//! woken at once, hung the fail-fast tests here (left for later), so the gate polls.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use shootout_core::fanout::Gate;

/// How often a waiting unit looks at the gate.
const SLICE: Duration = Duration::from_millis(1);

#[derive(Debug)]
pub struct MayGate {
    from: AtomicUsize,
}

impl Default for MayGate {
    fn default() -> Self {
        MayGate { from: AtomicUsize::new(usize::MAX) }
    }
}

impl MayGate {
    pub fn new() -> Self {
        Self::default()
    }
}

impl Gate for MayGate {
    fn is_cancelled(&self, index: usize) -> bool {
        index >= self.from.load(Ordering::SeqCst)
    }

    fn cancel_from(&self, from: usize) {
        self.from.fetch_min(from, Ordering::SeqCst);
    }

    fn sleep_until(&self, index: usize, until: Instant) -> bool {
        loop {
            if self.is_cancelled(index) {
                return false;
            }
            let now = Instant::now();
            if now >= until {
                return true;
            }
            may::coroutine::sleep((until - now).min(SLICE));
        }
    }
}
