//! The peak-concurrency counter: how a test proves that waits overlapped without timing them.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Counts units currently inside a region and remembers the most there ever were at once.
/// Enter before the wait starts, leave when it ends; the guard leaves on drop, so a cancelled
/// future (dropped mid-wait) is counted out too.
#[derive(Debug, Default)]
pub struct InFlight {
    now: AtomicUsize,
    peak: AtomicUsize,
}

impl InFlight {
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    pub fn enter(&self) -> Guard<'_> {
        self.arrive();
        Guard(self)
    }

    /// For `'static` tasks that cannot borrow the counter.
    pub fn enter_owned(self: &Arc<Self>) -> OwnedGuard {
        self.arrive();
        OwnedGuard(Arc::clone(self))
    }

    fn arrive(&self) {
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
    }

    fn leave(&self) {
        self.now.fetch_sub(1, Ordering::SeqCst);
    }

    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }

    pub fn current(&self) -> usize {
        self.now.load(Ordering::SeqCst)
    }
}

pub struct Guard<'a>(&'a InFlight);

impl Drop for Guard<'_> {
    fn drop(&mut self) {
        self.0.leave();
    }
}

pub struct OwnedGuard(Arc<InFlight>);

impl Drop for OwnedGuard {
    fn drop(&mut self) {
        self.0.leave();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peak_tracks_overlap() {
        let f = InFlight::new();
        let a = f.enter_owned();
        {
            let _b = f.enter();
            assert_eq!(f.current(), 2);
        }
        drop(a);
        let _c = f.enter();
        assert_eq!(f.peak(), 2);
        assert_eq!(f.current(), 1);
    }
}
