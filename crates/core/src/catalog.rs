//! The case catalog: every case of every preset, gathered from each workload's cases file, and
//! the calibrations their ideal times need.

use crate::Workload;
pub use crate::case::{Case, Preset};

/// Every case of `preset` for one workload.
pub fn cases_of(workload: Workload, preset: Preset) -> Vec<Case> {
    let (cases, scaling) = match workload {
        Workload::Sleep => (crate::sleep::cases(preset), crate::sleep::SCALING),
        Workload::FanOut => (crate::fanout::cases(preset), crate::fanout::SCALING),
        Workload::Http => (crate::http::cases(preset), crate::http::SCALING),
        Workload::Queue => (crate::queue::cases(preset), crate::queue::SCALING),
        Workload::Submit => (crate::submit::cases(preset), crate::submit::SCALING),
    };
    // Only the full preset sweeps W by default.
    let sweeps = preset == Preset::Full;
    cases
        .into_iter()
        .map(|c| if sweeps && scaling.contains(&c.name.as_str()) { c.scaling() } else { c })
        .collect()
}

/// Every case of `preset`, workload by workload.
pub fn cases(preset: Preset) -> Vec<Case> {
    Workload::ALL.into_iter().flat_map(|w| cases_of(w, preset)).collect()
}

/// Runs the calibrations the selected workloads' ideal times need (once per run).
pub fn calibrate(workloads: &[Workload]) -> std::collections::BTreeMap<String, f64> {
    let mut out = std::collections::BTreeMap::new();
    for w in workloads {
        let found = match w {
            Workload::Sleep => Vec::new(),
            Workload::FanOut => crate::fanout::calibrate(),
            Workload::Http => crate::http::calibrate(),
            Workload::Queue => crate::queue::calibrate(),
            Workload::Submit => crate::submit::calibrate(),
        };
        out.extend(found);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_case_is_valid_and_uniquely_named() {
        for preset in [Preset::Quick, Preset::Full] {
            let all = cases(preset);
            let mut names = HashSet::new();
            for case in &all {
                case.spec.validate().unwrap_or_else(|e| panic!("{}: {e}", case.name));
                assert!(names.insert(case.name.clone()), "duplicate case {}", case.name);
                assert!(case.name.starts_with(case.workload().name()), "{}", case.name);
            }
        }
        // Every scaling name is a full-preset case, so a renamed case cannot drop out of the sweep.
        let full = cases(Preset::Full);
        for w in Workload::ALL {
            let marked = full.iter().filter(|c| c.workload() == w && c.scaling).count();
            let named = match w {
                Workload::Sleep => crate::sleep::SCALING.len(),
                Workload::FanOut => crate::fanout::SCALING.len(),
                Workload::Http => crate::http::SCALING.len(),
                Workload::Queue => crate::queue::SCALING.len(),
                Workload::Submit => crate::submit::SCALING.len(),
            };
            assert_eq!(marked, named, "{w:?}: a SCALING name is not a full-preset case");
            assert!(marked > 0, "{w:?} has no scaling case");
        }
        assert!(cases(Preset::Quick).iter().all(|c| !c.scaling));
    }
}
