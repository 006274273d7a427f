//! Ranking: which rows compete, the best of a case and each row's ratio to it, and each
//! strategy's place in a workload family (rebar's geometric mean of × best, ties decided by the
//! tie rule).

use std::collections::BTreeMap;

use shootout_core::results::{CaseResult, Status};

use super::cases::{CaseView, measured, param_f64, param_text};
use super::format::ratio;

/// The single-thread floor: plain sequential code, no hand-off at all.
pub const FLOOR: &str = "sequential";

/// Whether a workload's point is moving work between threads or tasks, so that a loop on one
/// thread is its floor rather than a contender. The rule: every queue case (producers hand each
/// message to consumers; the sequential loop alternates put and take with no hand-off, no
/// blocking and no wake-up). Sleep, fan-out and HTTP cases rank sequential like any strategy:
/// there it does the same waits or work, only without overlapping them.
pub fn hands_off(workload: &str) -> bool {
    workload == "queue"
}

/// A row that is the single-thread floor of a hand-off case: shown beside the case, never its
/// best, never the yardstick of the others' × best, never ranked.
pub fn is_floor(row: &CaseResult) -> bool {
    row.strategy == FLOOR && hands_off(&row.workload)
}

/// Sets `x_best` on the rows of one case: median ÷ the best median among the competing
/// verified rows (the floor's own ratio is against that best too, and may be below 1).
pub fn set_x_best(rows: &mut [CaseResult]) {
    let best = rows.iter().filter(|r| !is_floor(r)).filter_map(measured).map(|s| s.median).min();
    for row in rows.iter_mut() {
        row.x_best = match (best, measured(row)) {
            (Some(best), Some(m)) => Some(m.median as f64 / best.max(1) as f64),
            _ => None,
        };
    }
}

/// The single-thread floor over a family of cases: (cases where it was measured, geometric mean
/// of its × best against the competing best), when it appears in any.
pub fn floor_summary(views: &[&CaseView<'_>]) -> Option<(usize, usize, f64)> {
    let floors: Vec<&CaseResult> = views.iter().filter_map(|v| v.floor()).collect();
    let ratios: Vec<f64> = views.iter().filter_map(|v| v.x_best(v.floor()?)).collect();
    Some((ratios.len(), floors.len(), geomean(&ratios)?))
}

pub fn geomean(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    Some((values.iter().map(|v| v.ln()).sum::<f64>() / values.len() as f64).exp())
}

/// One strategy's place in a workload family.
#[derive(Debug, Clone, PartialEq)]
pub struct Standing {
    pub strategy: String,
    /// 1-based; `None` when the strategy completed none of the family's cases.
    pub rank: Option<usize>,
    /// Shares its rank with another strategy (equal scores as printed).
    pub tied: bool,
    /// Geometric mean of × best, counting a case where the strategy is within noise of the
    /// best as 1.0: what the ranking sorts by.
    pub score: Option<f64>,
    /// Plain geometric mean of × best over the cases the strategy completed.
    pub geomean: Option<f64>,
    pub completed: usize,
    pub within_noise: usize,
    pub cases: usize,
    /// Cases not completed, by status.
    pub not_ok: BTreeMap<&'static str, usize>,
}

/// Whether a case counts in its workload's ranking: a single-sleep baseline measures the timer,
/// not concurrency (fairness rule 7 publishes it beside the sleep tables).
pub fn ranked(view: &CaseView<'_>) -> bool {
    let baseline = view.workload == "sleep" && view.variant() == "baseline";
    !baseline && !fine_grained(view) && !view.other_w && !open_loop(view)
}

/// An open-loop case (a fixed arrival rate): its wall time is the schedule's for every strategy
/// that keeps up, so it is judged by latency and the saturation rate (`guide_rate`), not ranked.
pub fn open_loop(view: &CaseView<'_>) -> bool {
    view.rows.first().and_then(|r| param_f64(r, "rate")).is_some()
}

/// Waits under this decide a case by each runtime's timer granularity (tokio rounds a sleep up
/// to the next millisecond), not by how it schedules: such cases are shown beside the ranking,
/// never in it (fairness rule 7).
pub const FINE_WAIT_MS: f64 = 10.0;

/// Whether the shortest wait of a case — a sleep, a unit's wait or deadline, a consumer's wait,
/// a producer's pacing, a server's latency — is under [`FINE_WAIT_MS`].
pub fn fine_grained(view: &CaseView<'_>) -> bool {
    let Some(row) = view.rows.first() else { return false };
    let mut waits: Vec<f64> = ["sleep_ms", "wait_ms", "deadline_ms", "pacing_ms", "latency_ms"]
        .iter()
        .filter_map(|k| param_f64(row, k))
        .collect();
    if let Some(cost) = param_text(row, "cost") {
        waits.extend(
            cost.strip_prefix("wait:")
                .and_then(|d| shootout_core::parse_duration(d).ok())
                .map(|d| d.as_secs_f64() * 1e3),
        );
    }
    waits.into_iter().any(|ms| ms > 0.0 && ms < FINE_WAIT_MS)
}

/// The ranking of one family of cases, best first (rebar's `rank`: the geometric mean of
/// × best over the cases each strategy completed), with noise respected: on a case where the
/// tie rule cannot tell a strategy from the best, it counts as the best. Strategies that
/// completed every case rank before those that did not; strategies whose scores print the
/// same (in the same tier) share a rank. The single-thread floor of a hand-off case is not
/// ranked there.
pub fn ranking(views: &[&CaseView<'_>], strategies: &[&str]) -> Vec<Standing> {
    let mut standings: Vec<Standing> = Vec::new();
    for &name in strategies {
        let mut raw = Vec::new();
        let mut adjusted = Vec::new();
        let mut within = 0;
        let mut cases = 0;
        let mut not_ok: BTreeMap<&'static str, usize> = BTreeMap::new();
        for v in views {
            let Some(row) = v.competing(name) else { continue };
            cases += 1;
            match v.x_best(row) {
                Some(x) => {
                    raw.push(x);
                    if v.within_noise(row) {
                        within += 1;
                        adjusted.push(1.0);
                    } else {
                        adjusted.push(x);
                    }
                }
                None => {
                    *not_ok
                        .entry(if row.status == Status::Ok { "unverified" } else { row.status.name() })
                        .or_default() += 1
                }
            }
        }
        if cases == 0 {
            continue;
        }
        standings.push(Standing {
            strategy: name.to_string(),
            rank: None,
            tied: false,
            score: geomean(&adjusted),
            geomean: geomean(&raw),
            completed: raw.len(),
            within_noise: within,
            cases,
            not_ok,
        });
    }
    // A strategy that could not complete every case ranks after every one that did: a score
    // over only the easy cases would flatter it. Within a tier: by score, then by plain
    // geomean; the sort is stable, so equal strategies keep the file's order.
    let tier = |s: &Standing| match s.score {
        Some(_) if s.completed == s.cases => 0,
        Some(_) => 1,
        None => 2,
    };
    standings.sort_by(|a, b| {
        tier(a).cmp(&tier(b)).then_with(|| match (a.score, b.score) {
            (Some(x), Some(y)) => {
                x.total_cmp(&y).then(a.geomean.unwrap_or(0.0).total_cmp(&b.geomean.unwrap_or(0.0)))
            }
            _ => std::cmp::Ordering::Equal,
        })
    });
    let printed: Vec<Option<(u8, String)>> =
        standings.iter().map(|s| s.score.map(|x| (tier(s), ratio(x)))).collect();
    for i in 0..standings.len() {
        if printed[i].is_none() {
            continue;
        }
        let first_equal = (0..i).find(|&j| printed[j] == printed[i]).unwrap_or(i);
        standings[i].rank = Some(first_equal + 1);
        let tied = printed.iter().enumerate().any(|(j, p)| j != i && *p == printed[i]);
        standings[i].tied = tied;
    }
    standings
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view_of(row: &CaseResult) -> CaseView<'_> {
        CaseView::of(vec![row]).expect("one row is a case")
    }

    /// Rule 7: a case whose shortest wait is under 10 ms is decided by timer granularity, so it
    /// is shown but not ranked; waits of 10 ms or more, and no wait at all, are ranked.
    #[test]
    fn waits_under_10_ms_are_shown_beside_the_ranking_not_in_it() {
        let row = |workload: &str, params: serde_json::Value| {
            CaseResult::empty(workload, &format!("{workload}/x/y"), params, "tokio", 3)
        };
        let fine = [
            row("queue", serde_json::json!({"cost": "wait:1ms", "pacing_ms": 0.0})),
            row("fan-out", serde_json::json!({"wait_ms": 2.0, "deadline_ms": null})),
            row("fan-out", serde_json::json!({"wait_ms": 10.0, "deadline_ms": 8.0})),
            row("sleep", serde_json::json!({"sleep_ms": 1.0, "tasks": 100})),
        ];
        for r in &fine {
            assert!(fine_grained(&view_of(r)) && !ranked(&view_of(r)), "{:?}", r.params);
        }
        let coarse = [
            row("queue", serde_json::json!({"cost": "wait:10ms", "pacing_ms": 0.0})),
            row("queue", serde_json::json!({"cost": "none", "pacing_ms": 0.0})),
            row("fan-out", serde_json::json!({"wait_ms": 0.0, "deadline_ms": null})),
            row("http", serde_json::json!({"latency_ms": 10.0})),
        ];
        for r in &coarse {
            assert!(!fine_grained(&view_of(r)) && ranked(&view_of(r)), "{:?}", r.params);
        }
    }
}
