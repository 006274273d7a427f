//! The fan-out cases of each preset: one entry per case.

use std::time::Duration;

use super::{ErrorPolicy, FanOutSpec, Order, Skew};
use crate::case::{Case, Preset};

/// Kernel iterations for ~20 µs of CPU a unit at ~1 ns an iteration (so the CPU case is
/// ~200 ms sequential); the calibration records the real cost next to every result.
const K_20US: u64 = 20_000;

/// The full-preset cases its worker sweep re-runs at every W (the scaling charts); see
/// [`Case::scaling`]. `catalog`'s tests check each name exists.
pub const SCALING: &[&str] = &["fan-out/cpu/n=10000/k=100000", "fan-out/mixed/n=200/k=100000/d=10ms"];

/// The fan-out cases of a preset. Every wait is 10 ms or more: tokio rounds a sleep up to the
/// next millisecond, so at 1–2 ms its timer's granularity, not its scheduling, would decide the
/// case (that granularity is published as the sleep baselines). Sizes keep the quick preset's fan-out share near 20 s on two
/// cores (every case × 6 strategies × 4 runs); the full preset sweeps N and k.
///
/// - `cpu`: CPU only; the parallel strategies should reach total CPU / W.
/// - `wait`: waits with tiny work; only strategies that overlap every wait reach d.
/// - `mixed`: a wait then ~100 µs of CPU a unit; waits overlap, CPU still needs cores.
/// - `limit`: L = 10 units in flight, so the floor is ⌈N / L⌉ waits.
/// - `errors`: every 100th unit fails, `collect` vs `fail-fast` on the same units.
/// - `deadline`: slow units (i % 4 == 3) wait 4 d, past the deadline t; exactly they time out.
/// - `completion`: slow units finish last; results are handed over as they finish.
/// - `skew` (full only): CPU only, a quarter of the units 10 × longer; `striped` puts every
///   heavy unit on one worker of a round-robin assignment (work stealing matters),
///   `scattered` spreads them by a hash (it does not): tokio against tokio-per-core.
pub fn cases(preset: Preset) -> Vec<Case> {
    let ms = Duration::from_millis;
    let mut specs: Vec<(&str, FanOutSpec)> = Vec::new();
    match preset {
        Preset::Quick => {
            specs.push(("cpu", FanOutSpec::new(10_000, K_20US, Duration::ZERO)));
            specs.push(("wait", FanOutSpec::new(100, 100, ms(10))));
            specs.push(("mixed", FanOutSpec::new(50, 5 * K_20US, ms(10))));
            specs.push(("limit", FanOutSpec::new(50, 100, ms(10)).with_limit(10)));
            for policy in [ErrorPolicy::Collect, ErrorPolicy::FailFast] {
                specs.push((
                    "errors",
                    FanOutSpec::new(10_000, K_20US / 2, Duration::ZERO).with_errors(100, policy),
                ));
            }
            specs.push(("deadline", FanOutSpec::new(20, 100, ms(10)).with_slow().with_deadline(ms(25))));
            specs.push((
                "completion",
                FanOutSpec::new(20, 100, ms(10)).with_slow().with_order(Order::Completion),
            ));
        }
        Preset::Full => {
            // Crossover of per-task cost and unit cost: k swept at N = 10,000, N swept at k = 1,000.
            for k in [10, 100, 1_000, 10_000, 100_000] {
                specs.push(("cpu", FanOutSpec::new(10_000, k, Duration::ZERO)));
            }
            for n in [100, 1_000, 100_000] {
                specs.push(("cpu", FanOutSpec::new(n, 1_000, Duration::ZERO)));
            }
            for n in [10, 100, 1_000, 10_000] {
                specs.push(("wait", FanOutSpec::new(n, 100, ms(10))));
            }
            // Waits of 10 ms: 200 × 10 ms is 2 s sequential; k from wait-bound to CPU-bound.
            for k in [10_000, 100_000, 1_000_000] {
                specs.push(("mixed", FanOutSpec::new(200, k, ms(10))));
            }
            for limit in [1, 10, 100] {
                specs.push(("limit", FanOutSpec::new(100, 100, ms(10)).with_limit(limit)));
            }
            for policy in [ErrorPolicy::Collect, ErrorPolicy::FailFast] {
                specs.push((
                    "errors",
                    FanOutSpec::new(100_000, 1_000, Duration::ZERO).with_errors(100, policy),
                ));
                specs.push(("errors", FanOutSpec::new(200, 1_000, ms(10)).with_errors(10, policy)));
            }
            specs.push(("deadline", FanOutSpec::new(200, 100, ms(10)).with_slow().with_deadline(ms(25))));
            specs.push((
                "completion",
                FanOutSpec::new(200, 100, ms(10)).with_slow().with_order(Order::Completion),
            ));
            specs.push((
                "completion",
                FanOutSpec::new(10_000, 10_000, Duration::ZERO).with_order(Order::Completion),
            ));
            // ~0.65 s of CPU in all: light units 100 µs, heavy ones 1 ms.
            for skew in [Skew::Striped, Skew::Scattered] {
                specs.push(("skew", FanOutSpec::new(2_000, 100_000, Duration::ZERO).with_skew(skew)));
            }
        }
    }
    specs
        .into_iter()
        .map(|(variant, spec)| Case::new(spec.case_name(variant), crate::Spec::FanOut(spec)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases_are_valid_and_named() {
        for preset in [Preset::Quick, Preset::Full] {
            for case in cases(preset) {
                case.spec.validate().unwrap_or_else(|e| panic!("{}: {e}", case.name));
            }
        }
        let names: Vec<String> = cases(Preset::Quick).into_iter().map(|c| c.name).collect();
        assert!(names.contains(&"fan-out/deadline/n=20/k=100/d=10ms/slow/t=25ms".to_string()), "{names:?}");
    }
}
