//! The http ideal-time model: ⌈M / C⌉ × L, and the prediction for a strategy that overlaps
//! fewer requests, with the per-request costs measured on the reference box.

use std::time::Duration;

use super::{Connection, HttpSpec};
use crate::spec::Context;
use crate::strategy::Overlap;

/// Per-request costs the prediction adds to L (measured on the reference 2-core box with the
/// server in another process, rounded up so the budget rule errs towards skipping rather than
/// overrunning): the server's tokio timer fires 1–1.5 ms after L; a keep-alive request costs
/// 20–30 µs of client and server CPU; a fresh connection adds the TCP handshake and teardown
/// (70–120 µs in all).
const TIMER_SLACK: Duration = Duration::from_micros(1_500);
const REUSE_OVERHEAD: Duration = Duration::from_micros(50);
const FRESH_OVERHEAD: Duration = Duration::from_micros(150);

/// The physical floor, where the case has one.
pub(super) fn ideal(spec: &HttpSpec, _ctx: &Context) -> Option<Duration> {
    // With L = 0 the floor is the client's and server's own overhead: no physical floor.
    if spec.latency.is_zero() {
        return None;
    }
    let closed = spec.latency * spec.requests.div_ceil(spec.concurrency) as u32;
    // Open loop: nothing is sent before it is due, so the last request ends L after its due time.
    Some(spec.rate.map_or(closed, |r| closed.max(r.span(spec.requests) + spec.latency)))
}

/// The expected time for a strategy that overlaps `overlap` requests, for the budget rule.
pub(super) fn predict(spec: &HttpSpec, overlap: Overlap, _ctx: &Context) -> Option<Duration> {
    let lanes = spec.effective_concurrency(overlap);
    let slack = if spec.latency.is_zero() { Duration::ZERO } else { TIMER_SLACK };
    let overhead = match spec.connection {
        Connection::Reuse => REUSE_OVERHEAD,
        Connection::Fresh => FRESH_OVERHEAD,
    };
    let per_request = spec.latency + slack + overhead;
    let stalls = spec.faults.count(spec.requests).stalls as usize;
    let rounds = spec.requests.div_ceil(lanes) as u32;
    let stalled_rounds = stalls.div_ceil(lanes) as u32;
    let closed = per_request * rounds + spec.timeout * stalled_rounds;
    Some(spec.rate.map_or(closed, |r| closed.max(r.span(spec.requests) + per_request)))
}

/// Calls the system-call probe times; the fastest of [`SYSCALL_ROUNDS`] rounds is kept.
const SYSCALL_CALLS: u32 = 100_000;
const SYSCALL_ROUNDS: usize = 3;

/// Calibrations this workload records: the cost of one system call (`http.syscall_ns`, a
/// `getpid` round trip into the kernel). No ideal or prediction reads it (the ideal is
/// ⌈M/C⌉ × L; the prediction's per-request overheads are constants above); it is in `env` so
/// two runs' L = 0 rows, which are system-call bound, can be told apart from a machine whose
/// kernel entry got dearer (this VM's moved between boots; METHODOLOGY, "Fidelity").
pub fn calibrate() -> Vec<(String, f64)> {
    let fastest = (0..SYSCALL_ROUNDS)
        .map(|_| {
            let started = std::time::Instant::now();
            for _ in 0..SYSCALL_CALLS {
                // glibc has not cached getpid since 2.25: each call enters the kernel.
                std::hint::black_box(std::process::id());
            }
            started.elapsed()
        })
        .min()
        .unwrap_or_default();
    vec![("http.syscall_ns".to_string(), fastest.as_nanos() as f64 / f64::from(SYSCALL_CALLS))]
}

#[cfg(test)]
mod tests {
    use super::super::Faults;
    use super::*;
    use crate::WorkloadSpec;

    #[test]
    fn the_system_call_probe_times_a_kernel_entry() {
        let found = calibrate();
        assert_eq!(found.len(), 1);
        let (name, ns) = &found[0];
        assert_eq!(name, "http.syscall_ns");
        // A kernel entry costs tens to hundreds of ns; a cached or optimised-away call would
        // read under 5 ns, a broken timer 0 or NaN.
        assert!(ns.is_finite() && *ns > 5.0 && *ns < 100_000.0, "{ns} ns");
    }

    #[test]
    fn ideal_and_prediction_follow_overlap() {
        let s = HttpSpec::new(1_000, 100, Duration::from_millis(10));
        let ctx = Context { workers: 2, ..Context::default() };
        assert_eq!(s.ideal(&ctx), Some(Duration::from_millis(100)));
        assert_eq!(HttpSpec::new(10, 1, Duration::ZERO).ideal(&ctx), None);
        let seq = Overlap { timer: Some(1), blocking: Some(1) };
        let rayon = Overlap { timer: Some(2), blocking: Some(2) };
        let tokio = Overlap { timer: None, blocking: Some(512) };
        let per = Duration::from_micros(11_550);
        assert_eq!(s.predict(seq, &ctx), Some(per * 1_000));
        assert_eq!(s.predict(rayon, &ctx), Some(per * 500));
        assert_eq!(s.predict(tokio, &ctx), Some(per * 10));
        // Sequential at M = 1,000 × 10 ms is over the quick budget of 10 s.
        assert!(s.predict(seq, &ctx).unwrap() > Duration::from_secs(10));
        let stalls = Faults { stall_rate: 0.1, ..Faults::none() };
        let stalled = s.clone().with_faults(stalls).with_timeout(Duration::from_secs(1));
        assert!(stalled.predict(tokio, &ctx).unwrap() >= Duration::from_secs(1));
    }
}
