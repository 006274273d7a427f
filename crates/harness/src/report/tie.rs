//! The tie rule: whether a run can tell two strategies' times apart. A bootstrap confidence
//! interval of the ratio of their medians, and a minimum effect: two times differ only when
//! the whole interval lies beyond the minimum effect (METHODOLOGY.md, "Ties").

use shootout_core::results::CaseResult;

/// The smallest difference worth a verdict: 3 %.
pub const MIN_EFFECT: f64 = 0.03;
/// Resamples per interval: enough that the 2.5 % and 97.5 % quantiles are stable to the
/// printed precision.
const RESAMPLES: usize = 2_000;
/// A fixed seed: the same files always give the same verdicts.
const SEED: u64 = 0x5EED_0F5A_3D00_0001;

/// `b`'s median ÷ `a`'s, with its 95 % bootstrap interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    pub ratio: f64,
    pub lo: f64,
    pub hi: f64,
}

/// What a run says about `b` against `a`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// `b` is faster by more than the minimum effect, beyond the interval.
    Faster,
    /// `b` is slower by more than the minimum effect, beyond the interval.
    Slower,
    /// The interval reaches into ±the minimum effect: can't tell apart.
    Tie,
}

fn median(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    if n % 2 == 1 { sorted[n / 2] } else { (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0 }
}

fn median_of(samples: &[f64]) -> f64 {
    let mut s = samples.to_vec();
    s.sort_by(f64::total_cmp);
    median(&s)
}

/// The ratio of medians `b ÷ a` with a 95 % percentile-bootstrap interval: each resample draws
/// as many samples as each side has, with replacement, from that side. `None` when a side has
/// no sample. One sample per side gives an interval of the point itself (no noise estimate).
pub fn ratio_interval(a: &[f64], b: &[f64]) -> Option<Interval> {
    if a.is_empty() || b.is_empty() {
        return None;
    }
    let ratio = median_of(b) / median_of(a).max(f64::MIN_POSITIVE);
    let mut rng = fastrand::Rng::with_seed(SEED);
    let mut draw = |from: &[f64], into: &mut Vec<f64>| {
        into.clear();
        into.extend((0..from.len()).map(|_| from[rng.usize(..from.len())]));
        into.sort_by(f64::total_cmp);
        median(into)
    };
    let (mut xa, mut xb) = (Vec::with_capacity(a.len()), Vec::with_capacity(b.len()));
    let mut ratios: Vec<f64> = (0..RESAMPLES)
        .map(|_| {
            let ma = draw(a, &mut xa);
            draw(b, &mut xb) / ma.max(f64::MIN_POSITIVE)
        })
        .collect();
    ratios.sort_by(f64::total_cmp);
    let at = |q: f64| ratios[((q * RESAMPLES as f64) as usize).min(RESAMPLES - 1)];
    Some(Interval { ratio, lo: at(0.025), hi: at(0.975) })
}

/// The median of one sample (paired ratios) with the same 95 % percentile-bootstrap interval:
/// [`ratio_interval`] against a side that is always 1.
pub fn median_interval(samples: &[f64]) -> Option<Interval> {
    ratio_interval(&[1.0], samples)
}

/// The verdict on an interval: different only when the whole interval lies beyond the minimum
/// effect — below 1 ÷ (1 + e) or above 1 + e.
pub fn verdict(interval: Interval, min_effect: f64) -> Verdict {
    if interval.hi < 1.0 / (1.0 + min_effect) {
        Verdict::Faster
    } else if interval.lo > 1.0 + min_effect {
        Verdict::Slower
    } else {
        Verdict::Tie
    }
}

/// A row's timed samples in nanoseconds; a file without them falls back to its median.
pub fn samples(row: &CaseResult) -> Vec<f64> {
    if row.samples_ns.is_empty() {
        row.wall_ns.map(|w| vec![w.median as f64]).unwrap_or_default()
    } else {
        row.samples_ns.iter().map(|&s| s as f64).collect()
    }
}

/// Repetitions spread wider than this (slowest ÷ fastest) say the row has more than one mode:
/// on two cores a hand-off through a capacity-1 channel takes 5 ms or 25 ms for the same
/// 20,000 messages depending on whether the OS put both threads on one core, and which mode a
/// run lands in can persist over its few samples, so a bootstrap over them is confidently
/// wrong. Such a row gets no bootstrap verdict (see [`compare_rows`]).
pub const UNSTABLE_SPREAD: f64 = 1.5;

/// (fastest, slowest) of a row's samples.
fn range(samples: &[f64]) -> (f64, f64) {
    samples.iter().fold((f64::INFINITY, 0.0f64), |(lo, hi), &x| (lo.min(x), hi.max(x)))
}

/// Slowest ÷ fastest.
fn spread(samples: &[f64]) -> f64 {
    let (lo, hi) = range(samples);
    hi / lo.max(f64::MIN_POSITIVE)
}

/// Whether a row's samples spread past [`UNSTABLE_SPREAD`].
pub fn unstable(samples: &[f64]) -> bool {
    samples.len() >= 2 && spread(samples) > UNSTABLE_SPREAD
}

/// `b` against `a` (two rows), with the given minimum effect; `None` without samples.
///
/// When either row is unstable (see [`UNSTABLE_SPREAD`]) the bootstrap is not trusted, and the
/// verdict needs the two rows' ranges apart by more than the wider spread seen in either: a
/// mode the run did not sample could lie anywhere within a spread like the one it did, but a
/// row 50 × slower than the best in every sample is slower whichever modes the two rows were
/// in. Without this, an unstable row tied with everything and "within noise of the best"
/// covered 54 × (python-asyncio on a queue case).
pub fn compare_rows(a: &CaseResult, b: &CaseResult, min_effect: f64) -> Option<(Interval, Verdict)> {
    let (sa, sb) = (samples(a), samples(b));
    let interval = ratio_interval(&sa, &sb)?;
    if unstable(&sa) || unstable(&sb) {
        let gap = spread(&sa).max(spread(&sb));
        let ((a_lo, a_hi), (b_lo, b_hi)) = (range(&sa), range(&sb));
        let verdict = if b_lo > a_hi * gap {
            Verdict::Slower
        } else if a_lo > b_hi * gap {
            Verdict::Faster
        } else {
            Verdict::Tie
        };
        return Some((interval, verdict));
    }
    Some((interval, verdict(interval, min_effect)))
}

#[cfg(test)]
mod tests {
    use shootout_core::results::{Stats, Status};

    /// A verified queue row with these timed samples.
    fn row(samples: &[u64]) -> CaseResult {
        let mut r = CaseResult::empty("queue", "q", serde_json::json!({}), "x", 3);
        r.status = Status::Ok;
        r.verified = true;
        r.samples_ns = samples.to_vec();
        r.wall_ns = Stats::of(samples);
        r
    }

    #[test]
    fn a_row_with_two_modes_gets_no_verdict() {
        // quick runs of queue/spsc/p=1/c=1/b=1/m=20000 (ms): rayon's samples in two modes.
        let (rayon, smol) = (row(&[9_500, 5_000, 5_000]), row(&[13_000, 14_300, 12_900]));
        assert_eq!(compare_rows(&smol, &rayon, MIN_EFFECT).unwrap().1, Verdict::Tie);
        assert_eq!(compare_rows(&rayon, &smol, MIN_EFFECT).unwrap().1, Verdict::Tie);
        // The same medians from steady samples are told apart.
        let steady = row(&[5_100, 5_000, 5_050]);
        assert_eq!(compare_rows(&smol, &steady, MIN_EFFECT).unwrap().1, Verdict::Faster);
        assert!(!unstable(&[10.0, 14.9]) && unstable(&[10.0, 15.1]) && !unstable(&[10.0]));
        // The second quick run's rayon, [18, 29, 49] ms, against the same smol: still no verdict.
        let rayon_slow = row(&[18_000, 29_000, 49_000]);
        assert_eq!(compare_rows(&smol, &rayon_slow, MIN_EFFECT).unwrap().1, Verdict::Tie);
    }

    #[test]
    fn an_unstable_row_far_beyond_its_spread_still_gets_a_verdict() {
        // queue/mpsc/p=4/c=1/b=1/m=1000000 in the published run (ms): the best row (rayon)
        // spreads 2.7 ×; python-asyncio's one sample is 22 × its slowest. Slower, not "within
        // noise of the best", which is what the guide said before this rule.
        let best = row(&[652_400, 295_800, 405_000, 314_700, 245_800]);
        let python = row(&[14_209_600]);
        assert_eq!(compare_rows(&best, &python, MIN_EFFECT).unwrap().1, Verdict::Slower);
        assert_eq!(compare_rows(&python, &best, MIN_EFFECT).unwrap().1, Verdict::Faster);
        // Two unstable rows far apart.
        let (low, high) = (row(&[300, 480, 310]), row(&[12_000, 20_000, 16_000]));
        assert_eq!(compare_rows(&low, &high, MIN_EFFECT).unwrap().1, Verdict::Slower);
        // Ranges apart by less than the spread: no verdict.
        let (near, wide) = (row(&[100, 105, 102]), row(&[130, 200, 150]));
        assert_eq!(compare_rows(&near, &wide, MIN_EFFECT).unwrap().1, Verdict::Tie);
    }

    use super::*;

    #[test]
    fn the_interval_is_deterministic_and_brackets_the_ratio() {
        let a = [10.0, 10.2, 10.1, 9.9, 10.0];
        let b = [12.0, 12.3, 11.8, 12.1, 12.2];
        let i = ratio_interval(&a, &b).unwrap();
        assert_eq!(Some(i), ratio_interval(&a, &b));
        assert!(i.lo <= i.ratio && i.ratio <= i.hi, "{i:?}");
        assert!((i.ratio - 12.1 / 10.0).abs() < 1e-9, "{i:?}");
        assert_eq!(verdict(i, MIN_EFFECT), Verdict::Slower);
        assert_eq!(verdict(ratio_interval(&b, &a).unwrap(), MIN_EFFECT), Verdict::Faster);
    }

    #[test]
    fn small_or_noisy_differences_are_ties() {
        // 2 % apart with no overlap at all: under the minimum effect.
        let a = [10.0, 10.0, 10.05];
        let b = [10.2, 10.2, 10.25];
        assert_eq!(verdict(ratio_interval(&a, &b).unwrap(), MIN_EFFECT), Verdict::Tie);
        // 20 % apart at the medians, but the samples scatter across both.
        let noisy = [8.0, 12.0, 10.0, 14.0, 7.0];
        assert_eq!(verdict(ratio_interval(&a, &noisy).unwrap(), MIN_EFFECT), Verdict::Tie);
        // A larger minimum effect turns a clear 10 % into a tie.
        let c = [11.0, 11.0, 11.05];
        assert_eq!(verdict(ratio_interval(&a, &c).unwrap(), MIN_EFFECT), Verdict::Slower);
        assert_eq!(verdict(ratio_interval(&a, &c).unwrap(), 0.15), Verdict::Tie);
        assert_eq!(ratio_interval(&[], &c), None);
    }
}
