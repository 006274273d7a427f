//! The queue ideal-time model: throughput cases have no floor; waits do (consumer waits
//! spread over C consumers, producer pacing over P producers), and the prediction for a
//! strategy that overlaps fewer waits. Open loop, nothing ends before the last message is due
//! and processed.

use std::time::Duration;

use super::{Cost, QueueSpec};
use crate::spec::Context;
use crate::strategy::{Overlap, WaitKind};

/// The physical floor, where the case has one.
pub(super) fn ideal(spec: &QueueSpec, _ctx: &Context) -> Option<Duration> {
    // Throughput cases have no physical floor (the channel is what is measured). Waits do:
    // C consumers each wait d per message, and P producers each wait the pacing before each
    // put, after which the last message still needs its own wait.
    let m = spec.messages as u32;
    let consume = match spec.cost {
        Cost::Wait(d) => Some(d * m.div_ceil(spec.consumers as u32)),
        _ => None,
    };
    let produce = (!spec.pacing.is_zero()).then(|| {
        let last = match spec.cost {
            Cost::Wait(d) => d,
            _ => Duration::ZERO,
        };
        spec.pacing * m.div_ceil(spec.producers as u32) + last
    });
    let closed = match (consume, produce) {
        (None, None) => None,
        (a, b) => Some(a.unwrap_or_default().max(b.unwrap_or_default())),
    };
    open_loop_floor(spec, closed)
}

/// Open loop: at least the schedule's span plus the last message's wait.
fn open_loop_floor(spec: &QueueSpec, closed: Option<Duration>) -> Option<Duration> {
    let Some(rate) = spec.rate else { return closed };
    let last = match spec.cost {
        Cost::Wait(d) => d,
        _ => Duration::ZERO,
    };
    Some(closed.unwrap_or_default().max(rate.span(spec.messages) + last))
}

/// The expected time for a strategy that overlaps `overlap` waits, for the budget rule.
pub(super) fn predict(spec: &QueueSpec, overlap: Overlap, _ctx: &Context) -> Option<Duration> {
    let wait = match spec.cost {
        Cost::Wait(d) => d,
        _ => Duration::ZERO,
    };
    if wait.is_zero() && spec.pacing.is_zero() {
        return open_loop_floor(spec, None);
    }
    let m = spec.messages as u32;
    if overlap.effective(WaitKind::Timer, spec.producers + spec.consumers) == 1 {
        // One wait at a time: every pacing wait and every consumer wait in a row.
        return open_loop_floor(spec, Some((wait + spec.pacing) * m));
    }
    let consumers = overlap.effective(WaitKind::Timer, spec.consumers) as u32;
    let producers = overlap.effective(WaitKind::Timer, spec.producers) as u32;
    open_loop_floor(
        spec,
        Some((wait * m.div_ceil(consumers)).max(spec.pacing * m.div_ceil(producers) + wait)),
    )
}

/// Calibrations this workload's ideal times need, measured once per run on this machine
/// (recorded in the results `env.calibration`, passed back in [`Context::calibration`]).
/// The queue's floors need none: throughput cases have no floor, wait cases are pure waits.
pub fn calibrate() -> Vec<(String, f64)> {
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::super::Capacity;
    use super::*;
    use crate::WorkloadSpec;

    #[test]
    fn ideal_and_prediction() {
        let ctx = Context::default();
        let wait = QueueSpec::new(1000, 1, 10, Capacity::Bounded(100))
            .with_cost(Cost::Wait(Duration::from_millis(1)));
        assert_eq!(wait.ideal(&ctx), Some(Duration::from_millis(100)));
        assert_eq!(QueueSpec::new(1000, 1, 1, Capacity::Unbounded).ideal(&ctx), None);
        let seq = Overlap { timer: Some(1), blocking: Some(1) };
        let rayon = Overlap { timer: Some(2), blocking: Some(2) };
        let tokio = Overlap { timer: None, blocking: Some(512) };
        assert_eq!(wait.predict(seq, &ctx), Some(Duration::from_secs(1)));
        assert_eq!(wait.predict(rayon, &ctx), Some(Duration::from_millis(500)));
        assert_eq!(wait.predict(tokio, &ctx), Some(Duration::from_millis(100)));
        let paced = QueueSpec::new(100, 2, 4, Capacity::Unbounded).with_pacing(Duration::from_millis(1));
        assert_eq!(paced.ideal(&ctx), Some(Duration::from_millis(50)));
        // Open loop: 400 messages at 1,000/s are due over 399 ms, the last then waits 1 ms.
        let open = QueueSpec::new(400, 1, 4, Capacity::Bounded(1024))
            .with_cost(Cost::Wait(Duration::from_millis(1)))
            .with_rate(crate::http::Rate::fixed(1000.0));
        assert_eq!(open.ideal(&ctx), Some(Duration::from_millis(400)));
        assert_eq!(open.predict(seq, &ctx), Some(Duration::from_millis(400)));
        let free =
            QueueSpec::new(400, 1, 4, Capacity::Bounded(1024)).with_rate(crate::http::Rate::fixed(1000.0));
        assert_eq!(free.predict(tokio, &ctx), Some(Duration::from_millis(399)));
    }
}
