//! The http cases of each preset: one entry per case.

use std::time::Duration;

use super::{Connection, HttpSpec};
use crate::case::{Case, Preset};

/// The full-preset cases its worker sweep re-runs at every W (the scaling charts); see
/// [`Case::scaling`]. `catalog`'s tests check each name exists.
pub const SCALING: &[&str] = &["http/reuse/m=10000/c=100/l=0s"];

/// The http cases of a preset.
///
/// Quick (about 33 s of the quick run, 23 s of it rayon's M/W × L in the first case): the
/// tutorial's request storm `m=1000/c=100/l=10ms` on keep-alive connections — sequential is
/// predicted at ~11.6 s and skipped by the 10 s budget — and fresh connections at a size where
/// sequential still runs (`m=100/c=50`, ~1.2 s).
/// Full adds fresh at M = 1,000, the serial-versus-concurrent contrast (C = 1 vs C = 100 at
/// M = 200), M = 10,000 at C ∈ {1, 10, 100, 1,000} with L = 0 (client overhead bound) and
/// M = 10,000 at C = 1,000 with L = 10 ms (the scale case).
pub fn cases(preset: Preset) -> Vec<Case> {
    let ms10 = Duration::from_millis(10);
    let mut specs = vec![HttpSpec::new(1_000, 100, ms10)];
    match preset {
        Preset::Quick => {
            specs.push(HttpSpec::new(100, 50, ms10).with_connection(Connection::Fresh));
        }
        Preset::Full => {
            specs.push(HttpSpec::new(1_000, 100, ms10).with_connection(Connection::Fresh));
            specs.push(HttpSpec::new(200, 1, ms10));
            specs.push(HttpSpec::new(200, 100, ms10));
            for c in [1, 10, 100, 1_000] {
                specs.push(HttpSpec::new(10_000, c, Duration::ZERO));
            }
            specs.push(HttpSpec::new(10_000, 1_000, ms10));
            specs.extend(rate_sweep());
        }
    }
    let tutorial = if preset == Preset::Full { tutorial_cases() } else { Vec::new() };
    specs
        .into_iter()
        .map(|spec| Case::new(spec.case_name(), crate::Spec::Http(spec)))
        .chain(tutorial)
        .collect()
}

/// The tutorials' HTTP figures at their size: M = 1,000 and M = 10,000 calls to a server that
/// sleeps L = 1 s, all at once (C = M, the tutorials' `gather` over every call), so the floor is
/// 1 s. Serial (≈ M s) is the sequential row, which the budget skips with its prediction.
///
/// Keep-alive (`reuse`), as the tutorials' one `aiohttp.ClientSession` does; at C = M each
/// connection carries exactly one request, so this differs from `fresh` only in who closes
/// first. aiohttp's default connector admits 100 connections at a time (`TCPConnector(limit=100)`),
/// which would make the tutorial's own code take ⌈M/100⌉ × L (10 s, 100 s), not ≈ 1 s: C = M
/// measures the figure the tutorials state. Full preset only, with three timed repetitions at
/// M = 1,000 and two at M = 10,000 (each run is 1 s of waiting plus M connects).
pub fn tutorial_cases() -> Vec<Case> {
    [1_000, 10_000]
        .into_iter()
        .map(|m| {
            let spec = HttpSpec::new(m, m, Duration::from_secs(1));
            // 10,000 connects make each run 3–6 s (python-asyncio ~15 s) on 2 loaded cores:
            // two timed runs keep the three figures near 4 minutes over the full preset.
            let repeat =
                if m >= 10_000 { crate::case::TUTORIAL_REPEAT - 1 } else { crate::case::TUTORIAL_REPEAT };
            Case::new(spec.case_name(), crate::Spec::Http(spec)).max_repeat(repeat)
        })
        .collect()
}

/// The full preset's open-loop sweep at L = 10 ms, C ≤ 100 (capacity C/L = 10,000 req/s):
/// 100, 400, 1,600, 6,400 and 25,600 requests per second, M = R/8 between 50 and 400 (an
/// eighth of a second of schedule; the top rates are short bursts past saturation). Estimated
/// on 2 cores with the full preset's repetitions: ~6 s per strategy that keeps up, ~40 s for
/// rayon (W in flight, ~170 req/s) and ~77 s for sequential (~87 req/s, M/87 s a run): about
/// 2.5 minutes over the six.
pub fn rate_sweep() -> Vec<HttpSpec> {
    [100.0, 400.0, 1_600.0, 6_400.0, 25_600.0]
        .into_iter()
        .map(|per_sec: f64| {
            let m = ((per_sec / 8.0) as usize).clamp(50, 400);
            HttpSpec::new(m, m.min(100), Duration::from_millis(10)).with_rate(super::Rate::fixed(per_sec))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::Faults;
    use super::*;

    fn spec(m: usize, c: usize) -> HttpSpec {
        HttpSpec::new(m, c, Duration::from_millis(10))
    }

    #[test]
    fn case_names_and_presets() {
        assert_eq!(spec(1_000, 100).case_name(), "http/reuse/m=1000/c=100/l=10ms");
        let f = spec(10, 2)
            .with_connection(Connection::Fresh)
            .with_faults(Faults { error_rate: 0.1, ..Faults::none() });
        assert_eq!(f.case_name(), "http/fresh/m=10/c=2/l=10ms/error=0.1");
        for preset in [Preset::Quick, Preset::Full] {
            for case in cases(preset) {
                case.spec.validate().unwrap();
            }
        }
        assert!(cases(Preset::Quick).iter().any(|c| c.name == "http/reuse/m=1000/c=100/l=10ms"));
        assert!(cases(Preset::Full).iter().any(|c| c.name == "http/reuse/m=400/c=100/l=10ms/rate=25600"));
        assert!(!cases(Preset::Quick).iter().any(|c| c.name.contains("/rate=")));
    }

    #[test]
    fn the_tutorial_cases_are_in_full_only() {
        let names = ["http/reuse/m=1000/c=1000/l=1s", "http/reuse/m=10000/c=10000/l=1s"];
        let tutorial: Vec<String> = tutorial_cases().into_iter().map(|c| c.name).collect();
        assert_eq!(tutorial, names);
        for name in names {
            assert!(cases(Preset::Full).iter().any(|c| c.name == name && c.max_repeat.is_some()));
            assert!(!cases(Preset::Quick).iter().any(|c| c.name == name));
        }
    }
}
