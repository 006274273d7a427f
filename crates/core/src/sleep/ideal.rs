//! The sleep ideal-time model: one wait d (every wait overlaps), and ⌈N / overlap⌉ waits for
//! a strategy that overlaps fewer.

use std::time::Duration;

use super::{SleepMode, SleepSpec};
use crate::spec::Context;
use crate::strategy::Overlap;

/// The physical floor: one wait.
pub(super) fn ideal(spec: &SleepSpec, _ctx: &Context) -> Option<Duration> {
    // Every wait overlaps: the floor is one wait.
    Some(spec.duration)
}

/// The expected time for a strategy that overlaps `overlap` waits, for the budget rule.
pub(super) fn predict(spec: &SleepSpec, overlap: Overlap, _ctx: &Context) -> Option<Duration> {
    let wait = spec.mode.wait_kind();
    let overlapping = overlap.effective(wait, spec.tasks);
    if spec.mode == SleepMode::Memory && overlapping < spec.tasks {
        // It cannot hold N tasks at once: no prediction, so it runs and says `unsupported`
        // rather than being skipped as if it were merely slow.
        return None;
    }
    let rounds = spec.tasks.div_ceil(overlapping);
    Some(spec.duration * rounds as u32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::WorkloadSpec;

    #[test]
    fn prediction_follows_overlap() {
        let s = SleepSpec::new(100, Duration::from_millis(10), SleepMode::Timer);
        let ctx = Context::default();
        let seq = Overlap { timer: Some(1), blocking: Some(1) };
        let rayon = Overlap { timer: Some(2), blocking: Some(2) };
        let tokio = Overlap { timer: None, blocking: Some(512) };
        assert_eq!(s.predict(seq, &ctx), Some(Duration::from_secs(1)));
        assert_eq!(s.predict(rayon, &ctx), Some(Duration::from_millis(500)));
        assert_eq!(s.predict(tokio, &ctx), Some(Duration::from_millis(10)));
        let memory = SleepSpec::new(100, Duration::from_millis(10), SleepMode::Memory);
        assert_eq!(memory.predict(rayon, &ctx), None, "a pool of W never holds N");
        assert_eq!(memory.predict(tokio, &ctx), Some(Duration::from_millis(10)));
    }
}
