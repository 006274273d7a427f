//! A fidelity row's verdict: its ratio's 95 % interval against the 10 % tolerance.

use shootout_harness::report::tie;

use super::modes;

/// How far shootout may be from the minimal program and still measure the runtime: 10 %.
const TOLERANCE: f64 = 0.10;

/// shootout ÷ minimal against the tolerance: within it only when the whole 95 % interval is,
/// beyond it only when the whole interval is; otherwise, where a side's runs spread over 1.5 ×,
/// the ratio within each of the two modes (`modes`), and "can't tell" when that cannot settle.
pub(super) fn judge(interval: tie::Interval, shootout: &[f64], minimal: &[f64]) -> String {
    let whole = judge_whole(interval, shootout, minimal);
    if whole.contains("two modes") {
        // A mixture's median moves with the share of runs in each mode; compare within modes.
        return modes::judge(shootout, minimal, TOLERANCE).unwrap_or(whole);
    }
    whole
}

/// [`judge`] on the whole sample of each side, without looking for modes.
pub(super) fn judge_whole(interval: tie::Interval, shootout: &[f64], minimal: &[f64]) -> String {
    match against_tolerance(interval) {
        Some(verdict) => verdict.into(),
        None if tie::unstable(shootout) || tie::unstable(minimal) => {
            "can't tell: runs spread over 1.5 × (two modes)".into()
        }
        None => "can't tell".into(),
    }
}

/// The verdict on a paired row's per-process ratios.
pub(super) fn judge_paired(interval: tie::Interval, ratios: &[f64]) -> String {
    match against_tolerance(interval) {
        Some(verdict) => format!("{verdict} (paired)"),
        None if tie::unstable(ratios) => "can't tell: paired ratios spread over 1.5 ×".into(),
        None => "can't tell (paired)".into(),
    }
}

/// Within the tolerance only when the whole interval is, beyond it only when the whole
/// interval is; `None` when it straddles an edge.
fn against_tolerance(interval: tie::Interval) -> Option<&'static str> {
    let (lo, hi) = (1.0 - TOLERANCE, 1.0 + TOLERANCE);
    if interval.lo >= lo && interval.hi <= hi {
        Some("within 10 %")
    } else if interval.lo > hi || interval.hi < lo {
        Some("differs by more than 10 %")
    } else {
        None
    }
}
