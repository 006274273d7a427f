//! Two-mode rows of `shootout fidelity`: where both sides' runs fall into the same two clusters
//! (on two cores a bounded channel or a C = 100 HTTP loop lands, fresh process to fresh process,
//! in a fast or a slow mode), shootout ÷ minimal is compared within each mode, and how often
//! each side landed in each mode is shown beside it.
//!
//! Why: the ratio of medians over a mixture depends mostly on how many runs of each side landed
//! in which mode, so 15 runs a side cannot pin it to ±10 % (METHODOLOGY, "Fidelity"). Within a
//! mode the runs are steady, and the harness's own cost shows there. Which mode a process lands
//! in is the OS's placement of its threads; the shares are printed so a harness that made the
//! slow mode likelier would still show.

use shootout_harness::report::tie;

/// The slow mode's fastest run must be at least this far above the fast mode's slowest: a real
/// gap between two clusters, not a split drawn through one wide cluster.
const MIN_GAP: f64 = 1.15;
/// Runs of each side a mode needs before its ratio is judged: fewer, and a bootstrap over them
/// settles on noise.
const MIN_RUNS: usize = 5;

/// One side's runs split at the pooled gap: `[lower, higher]` values.
#[derive(Debug, Clone, PartialEq)]
pub struct Split {
    pub lower: [Vec<f64>; 2],
    pub higher: [Vec<f64>; 2],
}

/// Splits the pooled values of both sides (`sides[0]`, `sides[1]`) at the boundary that best
/// separates two clusters of their logarithms (largest between-cluster variance, as Otsu's
/// threshold), if the two clusters are apart by [`MIN_GAP`] and each holds [`MIN_RUNS`] runs
/// of each side. `None` otherwise: one cluster, or modes too sparsely sampled to judge.
pub fn split(sides: [&[f64]; 2]) -> Option<Split> {
    let mut pooled: Vec<f64> = sides.iter().flat_map(|s| s.iter().copied()).filter(|v| *v > 0.0).collect();
    pooled.sort_by(f64::total_cmp);
    let logs: Vec<f64> = pooled.iter().map(|v| v.ln()).collect();
    let n = logs.len();
    if n < 2 * MIN_RUNS {
        return None;
    }
    let total: f64 = logs.iter().sum();
    let mut best: Option<(f64, usize)> = None;
    let mut left = 0.0;
    for k in 1..n {
        left += logs[k - 1];
        let (nl, nr) = (k as f64, (n - k) as f64);
        let between = nl * nr * (left / nl - (total - left) / nr).powi(2);
        if best.is_none_or(|(b, _)| between > b) {
            best = Some((between, k));
        }
    }
    let (_, k) = best?;
    if pooled[k] < pooled[k - 1] * MIN_GAP {
        return None;
    }
    let boundary = pooled[k - 1];
    let part = |side: &[f64], lower: bool| -> Vec<f64> {
        side.iter().copied().filter(|v| (*v <= boundary) == lower).collect()
    };
    let s = Split {
        lower: [part(sides[0], true), part(sides[1], true)],
        higher: [part(sides[0], false), part(sides[1], false)],
    };
    let enough = s.lower.iter().chain(s.higher.iter()).all(|v| v.len() >= MIN_RUNS);
    enough.then_some(s)
}

/// shootout ÷ minimal within each mode (`shootout` is side 0), judged against `tolerance`:
/// "within" only when both modes' intervals lie inside it, "differs" when either lies wholly
/// outside; `None` when a mode's interval straddles it, or the runs do not split.
pub fn judge(shootout: &[f64], minimal: &[f64], tolerance: f64) -> Option<String> {
    let s = split([shootout, minimal])?;
    let (lo, hi) = (1.0 - tolerance, 1.0 + tolerance);
    let lower = tie::ratio_interval(&s.lower[1], &s.lower[0])?;
    let higher = tie::ratio_interval(&s.higher[1], &s.higher[0])?;
    let inside = |i: &tie::Interval| i.lo >= lo && i.hi <= hi;
    let outside = |i: &tie::Interval| i.lo > hi || i.hi < lo;
    let shares = format!(
        "lower mode: shootout {} of {} runs, minimal {} of {}",
        s.lower[0].len(),
        shootout.len(),
        s.lower[1].len(),
        minimal.len()
    );
    let per_mode = format!(
        "{:.2} ({:.2}–{:.2}) in the lower mode, {:.2} ({:.2}–{:.2}) in the higher",
        lower.ratio, lower.lo, lower.hi, higher.ratio, higher.lo, higher.hi
    );
    let pct = (tolerance * 100.0).round();
    if inside(&lower) && inside(&higher) {
        Some(format!("within {pct} % in each mode: {per_mode}; {shares}"))
    } else if outside(&lower) || outside(&higher) {
        Some(format!("differs by more than {pct} % in a mode: {per_mode}; {shares}"))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `n` runs near `at`, spread ±1 %.
    fn around(at: f64, n: usize) -> Vec<f64> {
        (0..n).map(|i| at * (0.99 + 0.02 * i as f64 / n.max(2) as f64)).collect()
    }

    fn both(a: &[f64], b: &[f64]) -> Vec<f64> {
        a.iter().chain(b).copied().collect()
    }

    #[test]
    fn two_clusters_split_at_their_gap_and_each_side_keeps_its_own_runs() {
        let shootout = both(&around(0.15, 6), &around(0.45, 9));
        let minimal = both(&around(0.16, 8), &around(0.44, 7));
        let s = split([&shootout, &minimal]).expect("two modes");
        assert_eq!([s.lower[0].len(), s.lower[1].len()], [6, 8]);
        assert_eq!([s.higher[0].len(), s.higher[1].len()], [9, 7]);
        assert!(s.lower.iter().flatten().all(|v| *v < 0.2));
    }

    #[test]
    fn one_wide_cluster_or_a_sparse_mode_does_not_split() {
        // Evenly spread over 1.5 ×: no gap of 15 % anywhere.
        let wide: Vec<f64> = (0..15).map(|i| 1.0 + 0.5 * i as f64 / 14.0).collect();
        assert_eq!(split([&wide, &wide]), None);
        // A real gap, but the minimal side has only two runs in the higher mode.
        let shootout = both(&around(0.15, 6), &around(0.45, 9));
        let minimal = both(&around(0.16, 13), &around(0.44, 2));
        assert_eq!(split([&shootout, &minimal]), None);
    }

    #[test]
    fn the_verdict_holds_in_each_mode_or_names_the_mode_that_differs() {
        let minimal = both(&around(0.15, 7), &around(0.45, 8));
        // The same modes (2 % apart), different shares: within 10 % in each.
        let close = both(&around(0.153, 10), &around(0.459, 5));
        let v = judge(&close, &minimal, 0.10).expect("a verdict");
        assert!(v.starts_with("within 10 % in each mode"), "{v}");
        assert!(v.contains("shootout 10 of 15 runs, minimal 7 of 15"), "{v}");
        // The harness 30 % slower in the fast mode only: differs.
        let slower = both(&around(0.195, 7), &around(0.45, 8));
        let v = judge(&slower, &minimal, 0.10).expect("a verdict");
        assert!(v.starts_with("differs by more than 10 % in a mode"), "{v}");
        // No split: no per-mode verdict.
        assert_eq!(judge(&around(1.0, 15), &around(1.0, 15), 0.10), None);
    }
}
