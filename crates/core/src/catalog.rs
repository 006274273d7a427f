//! The case catalog: every case of every preset, gathered from each workload's cases file, and
//! the calibrations their ideal times need.

use crate::Workload;
pub use crate::case::{Case, Preset};

/// Every case of `preset` for one workload.
pub fn cases_of(workload: Workload, preset: Preset) -> Vec<Case> {
    match workload {
        Workload::Sleep => crate::sleep::cases(preset),
        Workload::FanOut => crate::fanout::cases(preset),
        Workload::Http => crate::http::cases(preset),
        Workload::Queue => crate::queue::cases(preset),
        Workload::Submit => crate::submit::cases(preset),
    }
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
    }
}
