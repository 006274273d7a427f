//! How far two runs of the same cases agree about the strategies, for `compare`: the share of
//! rows whose × best is the same within 5 %, and, for every pair of strategies on a case, whether
//! the two runs order them the same way. Two back-to-back runs on a quiet machine should never
//! give opposite verdicts (A faster in one, B faster in the other) unless one of them says
//! "can't tell": a flip is a ranking the machine made, not the runtimes.

use shootout_core::results::Results;

use crate::report::cases::{CaseView, case_views, measured};
use crate::report::format::{count, ratio};
use crate::report::tie::{MIN_EFFECT, Verdict, compare_rows};

/// × best counts as the same in both runs within this fraction.
pub const SAME_X_BEST: f64 = 0.05;

#[derive(Debug, Default, Clone, PartialEq)]
pub struct Agreement {
    /// Rows verified in both runs, and those whose × best is within 5 %.
    pub rows: usize,
    pub rows_within: usize,
    /// Strategy pairs on a case, both verified in both runs.
    pub pairs: usize,
    /// Both runs tell the pair apart, the same way.
    pub same_order: usize,
    /// At least one run cannot tell the pair apart.
    pub one_cant_tell: usize,
    /// "case: x faster in A, y faster in B".
    pub opposite: Vec<String>,
}

fn order(view: &CaseView<'_>, x: &str, y: &str) -> Option<Verdict> {
    let (rx, ry) = (view.competing(x)?, view.competing(y)?);
    measured(rx)?;
    measured(ry)?;
    compare_rows(rx, ry, MIN_EFFECT).map(|(_, v)| v)
}

pub fn agreement(a: &Results, b: &Results) -> Agreement {
    let (views_a, views_b) = (case_views(a), case_views(b));
    let mut out = Agreement::default();
    for va in &views_a {
        let Some(vb) = views_b.iter().find(|v| v.name == va.name) else { continue };
        let strategies: Vec<&str> =
            va.rows.iter().map(|r| r.strategy.as_str()).filter(|s| vb.row(s).is_some()).collect();
        for s in &strategies {
            let (Some(ra), Some(rb)) = (va.competing(s), vb.competing(s)) else { continue };
            if let (Some(xa), Some(xb)) = (va.x_best(ra), vb.x_best(rb)) {
                out.rows += 1;
                if (xa / xb - 1.0).abs() <= SAME_X_BEST {
                    out.rows_within += 1;
                }
            }
        }
        for (i, x) in strategies.iter().enumerate() {
            for y in &strategies[i + 1..] {
                let (Some(oa), Some(ob)) = (order(va, x, y), order(vb, x, y)) else { continue };
                out.pairs += 1;
                match (oa, ob) {
                    (Verdict::Tie, _) | (_, Verdict::Tie) => out.one_cant_tell += 1,
                    (p, q) if p == q => out.same_order += 1,
                    (p, _) => {
                        let (first, second) = if p == Verdict::Faster { (*y, *x) } else { (*x, *y) };
                        out.opposite
                            .push(format!("{}: {first} faster in one run, {second} in the other", va.name));
                    }
                }
            }
        }
    }
    out
}

impl Agreement {
    /// The lines `compare` prints under a run's verdict.
    pub fn lines(&self, la: &str, lb: &str) -> Vec<String> {
        if self.rows == 0 {
            return Vec::new();
        }
        let share = |n: usize, of: usize| ratio(100.0 * n as f64 / of.max(1) as f64);
        let mut lines = vec![format!(
            "Agreement of {lb} with {la}: × best within {} % on {} % of {} rows; of {} strategy pairs, \
             the same order in both runs on {}, can't tell in at least one on {}, opposite on {}.",
            (SAME_X_BEST * 100.0) as u32,
            share(self.rows_within, self.rows),
            count(self.rows as u64),
            count(self.pairs as u64),
            count(self.same_order as u64),
            count(self.one_cant_tell as u64),
            self.opposite.len()
        )];
        lines.extend(self.opposite.iter().take(10).map(|o| format!("  opposite: {o}")));
        if self.opposite.len() > 10 {
            lines.push(format!("  … and {} more", self.opposite.len() - 10));
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    use shootout_core::results::{CaseResult, Env, Stats, Status};

    use super::*;

    fn run(times: &[(&str, u64)]) -> Results {
        let mut results = Results::new(Env { workers: 2, ..Env::default() });
        for &(strategy, ms) in times {
            let mut r =
                CaseResult::empty("sleep", "sleep/timer/n=10/d=10ms", serde_json::json!({}), strategy, 3);
            r.status = Status::Ok;
            r.verified = true;
            r.samples_ns = vec![ms * 1_000_000 - 10_000, ms * 1_000_000, ms * 1_000_000 + 10_000];
            r.wall_ns = Stats::of(&r.samples_ns);
            results.cases.push(r);
        }
        results
    }

    #[test]
    fn a_pair_ordered_both_ways_is_an_opposite_verdict() {
        let a = run(&[("tokio", 100), ("smol", 120), ("threads", 200)]);
        let b = run(&[("tokio", 120), ("smol", 100), ("threads", 201)]);
        let g = agreement(&a, &b);
        assert_eq!((g.rows, g.pairs), (3, 3));
        assert_eq!(g.opposite, ["sleep/timer/n=10/d=10ms: tokio faster in one run, smol in the other"]);
        // threads is slower than both in both runs.
        assert_eq!(g.same_order, 2);
        // × best: tokio 1.00 → 1.20, smol 1.20 → 1.00, threads 2.00 → 2.01.
        assert_eq!(g.rows_within, 1);
        let lines = g.lines("A", "B");
        assert!(lines[0].contains("on 33.3 % of 3 rows") && lines[0].contains("opposite on 1"), "{lines:?}");
    }

    #[test]
    fn a_pair_one_run_cannot_tell_apart_is_not_a_flip() {
        let a = run(&[("tokio", 100), ("smol", 101)]);
        let b = run(&[("tokio", 110), ("smol", 100)]);
        let g = agreement(&a, &b);
        assert_eq!((g.pairs, g.one_cant_tell, g.opposite.len()), (1, 1, 0));
        assert!(agreement(&a, &a).opposite.is_empty());
    }
}
