//! The submit ideal-time model: callbacks have no floor (the hand-over is what is measured);
//! tasks do — each submitter's bursts run one after another, a burst's waits overlap — and the
//! prediction for a strategy that overlaps fewer waits.

use std::time::Duration;

use super::{SubmitSpec, Unit};
use crate::spec::Context;
use crate::strategy::{Overlap, WaitKind};

/// How many bursts the busiest submitter waits for in turn.
fn rounds(spec: &SubmitSpec) -> u32 {
    spec.units.div_ceil(spec.submitters).div_ceil(spec.burst_len()) as u32
}

/// The physical floor, where the case has one.
pub(super) fn ideal(spec: &SubmitSpec, _ctx: &Context) -> Option<Duration> {
    match spec.unit {
        Unit::Callback => None,
        Unit::Task(d) => Some(d * rounds(spec)),
    }
}

/// The expected time for a strategy that overlaps `overlap` waits, for the budget rule.
pub(super) fn predict(spec: &SubmitSpec, overlap: Overlap, _ctx: &Context) -> Option<Duration> {
    let Unit::Task(d) = spec.unit else { return None };
    let at_once = overlap.effective(WaitKind::Timer, spec.submitters * spec.burst_len());
    Some((d * rounds(spec)).max(d * spec.units.div_ceil(at_once) as u32))
}

/// The submit floors need no calibration.
pub fn calibrate() -> Vec<(String, f64)> {
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::WorkloadSpec;

    #[test]
    fn ideal_and_prediction() {
        let ctx = Context::default();
        let ms = Duration::from_millis;
        let tasks = SubmitSpec::new(100, 2, Unit::Task(ms(10)));
        assert_eq!(tasks.ideal(&ctx), Some(ms(10)));
        assert_eq!(tasks.with_burst(10).ideal(&ctx), Some(ms(50)));
        assert_eq!(SubmitSpec::new(100, 2, Unit::Callback).ideal(&ctx), None);
        let seq = Overlap { timer: Some(1), blocking: Some(1) };
        let tokio = Overlap { timer: None, blocking: Some(512) };
        assert_eq!(tasks.predict(seq, &ctx), Some(ms(1000)));
        assert_eq!(tasks.predict(tokio, &ctx), Some(ms(10)));
    }
}
