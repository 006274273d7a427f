//! Peak concurrency from timestamps: each unit notes when it entered and left its region in its
//! own slot or result, and the peak is derived after the clock stops — no counter shared by
//! every unit in the timed region, so the parallel strategies pay nothing the sequential one
//! does not.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// When one unit was inside its region (waiting, running, busy, in flight).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: Instant,
    pub end: Instant,
}

impl Span {
    /// The span from `start` until now.
    pub fn since(start: Instant) -> Span {
        Span { start, end: Instant::now() }
    }

    /// The span from a [`Stamp`] until now.
    pub fn since_stamp(start: Stamp) -> Span {
        Span::since(start.instant())
    }
}

/// An instant in 8 bytes: nanoseconds since the process's first stamp. For a start a task holds
/// across an await, where an `Instant` (16 bytes) would grow the task itself: tokio aligns a
/// task's cell to 128 bytes, and 16 bytes more took the sleep task past that edge, costing
/// 10,000 tasks 3–4 ms of a 20 ms run (METHODOLOGY, Fidelity: "the sleep task's start in 8
/// bytes").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Stamp(u64);

/// The origin every [`Stamp`] counts from, set by the first.
static STAMP_ORIGIN: OnceLock<Instant> = OnceLock::new();

impl Stamp {
    pub fn now() -> Stamp {
        let origin = *STAMP_ORIGIN.get_or_init(Instant::now);
        Stamp(Instant::now().saturating_duration_since(origin).as_nanos() as u64)
    }

    /// The instant this stamp stands for.
    pub fn instant(self) -> Instant {
        // Set: a stamp exists only once `now` has set the origin.
        STAMP_ORIGIN.get().copied().unwrap_or_else(Instant::now) + Duration::from_nanos(self.0)
    }
}

/// The most spans that overlap at one instant (1 for any non-empty set). A span that ends at
/// the very instant another starts does not overlap it (the conservative reading: a limit of L
/// is never reported broken by the hand-over of one permit).
pub fn peak_overlap<T: Ord + Copy>(spans: impl IntoIterator<Item = (T, T)>) -> usize {
    let mut events: Vec<(T, bool)> = Vec::new();
    for (start, end) in spans {
        // `false` sorts first: at equal times every end is counted before any start.
        events.push((start, true));
        events.push((end.max(start), false));
    }
    events.sort_unstable();
    let (mut now, mut peak) = (0isize, 0isize);
    for &(_, starts) in &events {
        now += if starts { 1 } else { -1 };
        peak = peak.max(now);
    }
    // A lone zero-length span still ran.
    (peak as usize).max(usize::from(!events.is_empty()))
}

/// The peak of [`Span`]s.
pub fn peak_of(spans: &[Span]) -> usize {
    peak_overlap(spans.iter().map(|s| (s.start, s.end)))
}

/// A run's clock origin, for timestamps that fit a `u64` slot: nanoseconds since the origin,
/// plus one, so that 0 means "never stamped".
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    origin: Instant,
}

impl Default for Clock {
    fn default() -> Self {
        Clock { origin: Instant::now() }
    }
}

impl Clock {
    /// The instant `ns` on this clock stands for (an open-loop schedule starts at the origin).
    pub fn instant(&self, ns: u64) -> Instant {
        self.origin + Duration::from_nanos(ns.saturating_sub(1))
    }

    pub fn now_ns(&self) -> u64 {
        self.since(Instant::now())
    }

    /// `at` on this clock.
    pub fn since(&self, at: Instant) -> u64 {
        at.saturating_duration_since(self.origin).as_nanos() as u64 + 1
    }

    /// Writes now into a slot only this unit writes (relaxed: it is read after the unit joined).
    pub fn stamp(&self, slot: &AtomicU64) {
        slot.store(self.now_ns(), Ordering::Relaxed);
    }
}

/// A slot's stamp, `None` if never stamped.
pub fn read(slot: &AtomicU64) -> Option<u64> {
    Some(slot.load(Ordering::Relaxed)).filter(|&t| t > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stamp_is_the_instant_it_was_taken_in_8_bytes() {
        assert_eq!(std::mem::size_of::<Stamp>(), 8);
        let before = Instant::now();
        let stamp = Stamp::now();
        let after = Instant::now();
        let at = stamp.instant();
        assert!(before <= at && at <= after, "{before:?} ≤ {at:?} ≤ {after:?}");
        std::thread::sleep(Duration::from_millis(2));
        let span = Span::since_stamp(stamp);
        assert_eq!(span.start, at);
        assert!(span.end >= at + Duration::from_millis(2));
    }

    #[test]
    fn peak_counts_overlap_and_not_touching_ends() {
        assert_eq!(peak_overlap([(0, 10), (5, 15), (9, 20)]), 3);
        assert_eq!(peak_overlap([(0, 10), (10, 20), (20, 30)]), 1);
        assert_eq!(peak_overlap([(0, 10), (11, 20)]), 1);
        assert_eq!(peak_overlap(Vec::<(u64, u64)>::new()), 0);
        // An end stamped before its start (clock reads on two cores) is read as zero length,
        // and zero-length spans never add to an overlap, but one alone still counts.
        assert_eq!(peak_overlap([(5, 3), (4, 6)]), 1);
        assert_eq!(peak_overlap([(5, 5)]), 1);
    }

    #[test]
    fn spans_peak_with_instants() {
        let t = Instant::now();
        let ms = std::time::Duration::from_millis;
        let spans = [Span { start: t, end: t + ms(2) }, Span { start: t + ms(1), end: t + ms(3) }];
        assert_eq!(peak_of(&spans), 2);
        let clock = Clock::default();
        let slot = AtomicU64::new(0);
        assert_eq!(read(&slot), None);
        clock.stamp(&slot);
        assert!(read(&slot).is_some());
    }
}
