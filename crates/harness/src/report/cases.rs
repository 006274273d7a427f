//! A results file read as cases: each case's rows, its verified times, its parameters, and the
//! strategies and workloads in the order the file holds them.

use shootout_core::results::{CaseResult, Results, Stats, Status};

use super::ranking::is_floor;
use super::tie::{MIN_EFFECT, Verdict, compare_rows};

/// A verified time: every ratio, ranking and chart is computed from these alone.
pub fn measured(row: &CaseResult) -> Option<Stats> {
    if row.status == Status::Ok && row.verified { row.wall_ns } else { None }
}

/// The variant of a case name, `<workload>/<variant>/<params>`: `timer` in `sleep/timer/n=1`.
pub fn variant(case: &str) -> &str {
    case.split('/').nth(1).unwrap_or("")
}

/// The size a case scales with: tasks, units, requests or messages.
pub fn size_of(row: &CaseResult) -> Option<u64> {
    ["tasks", "units", "requests", "messages"]
        .iter()
        .find_map(|k| row.params.get(*k).and_then(|v| v.as_u64()))
}

/// Whether a memory row held its N tasks alive at once. Its verify proves it since each task
/// waits until d after the last spawn, and says so as a peak in flight of N. Rows measured
/// before that (no peak) slept d from each task's own spawn, so where spawning took longer
/// than d (wall over 2 × d: wall ≈ spawn + d) the first tasks had finished before the last
/// started, and ÷ N counted finished tasks as waiting ones (METHODOLOGY, "Memory per task").
pub fn all_alive_at_once(row: &CaseResult) -> bool {
    if let Some(peak) = row.peak_in_flight {
        return size_of(row) == Some(peak as u64);
    }
    let wall = row.wall_ns.as_ref().map(|w| w.median as f64);
    let d_ns = param_f64(row, "sleep_ms").map(|ms| ms * 1e6);
    matches!((wall, d_ns), (Some(wall), Some(d)) if wall <= 2.0 * d)
}

pub fn param_f64(row: &CaseResult, key: &str) -> Option<f64> {
    row.params.get(key).and_then(|v| v.as_f64())
}

pub fn param_text(row: &CaseResult, key: &str) -> Option<String> {
    match row.params.get(key)? {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Null => None,
        other => Some(other.to_string()),
    }
}

/// One case: its rows and the best (lowest median) verified row among those that compete.
#[derive(Debug, Clone)]
pub struct CaseView<'a> {
    pub name: &'a str,
    pub workload: &'a str,
    pub rows: Vec<&'a CaseResult>,
    /// The best competing row: verified, and not the single-thread floor of a hand-off case.
    pub best_row: Option<&'a CaseResult>,
    pub best: Option<Stats>,
    /// A case of a worker sweep at a W other than the run's first (`…/w=1` in a run whose
    /// first W is 2): shown in the tables and the scaling charts, kept out of the rankings and
    /// the guide, so each question is answered once, at the run's W.
    pub other_w: bool,
}

/// The W of a worker-sweep case (`…/w=2`), from its name.
pub fn sweep_w(case: &str) -> Option<usize> {
    case.rsplit_once("/w=").and_then(|(_, w)| w.parse().ok())
}

/// A case name without its worker-sweep suffix.
pub fn sweep_base(case: &str) -> &str {
    match case.rsplit_once("/w=") {
        Some((base, w)) if w.parse::<usize>().is_ok() => base,
        _ => case,
    }
}

impl<'a> CaseView<'a> {
    /// A view of rows that all belong to one case (the first row names it).
    pub fn of(rows: Vec<&'a CaseResult>) -> Option<Self> {
        let first = *rows.first()?;
        let best_row = rows
            .iter()
            .copied()
            .filter(|r| !is_floor(r))
            .filter_map(|r| Some((r, measured(r)?)))
            .min_by_key(|(_, s)| s.median)
            .map(|(r, _)| r);
        Some(CaseView {
            name: &first.case,
            workload: &first.workload,
            best: best_row.and_then(measured),
            best_row,
            rows,
            other_w: false,
        })
    }

    /// Median ÷ the best median of this case, for a verified row.
    pub fn x_best(&self, row: &CaseResult) -> Option<f64> {
        let (m, b) = (measured(row)?, self.best?);
        Some(m.median as f64 / b.median.max(1) as f64)
    }

    /// Whether `row` is the best row itself.
    pub fn is_best(&self, row: &CaseResult) -> bool {
        self.best_row.is_some_and(|b| std::ptr::eq(b, row))
    }

    /// A verified competing row this run cannot tell apart from the best row (the best row
    /// included): the tie rule of `tie`, at the minimum effect.
    pub fn within_noise(&self, row: &CaseResult) -> bool {
        let Some(best) = self.best_row else { return false };
        if measured(row).is_none() || is_floor(row) {
            return false;
        }
        self.is_best(row) || compare_rows(best, row, MIN_EFFECT).is_some_and(|(_, v)| v == Verdict::Tie)
    }

    pub fn row(&self, strategy: &str) -> Option<&'a CaseResult> {
        self.rows.iter().copied().find(|r| r.strategy == strategy)
    }

    /// The row of `strategy` when it competes in this case (not the single-thread floor).
    pub fn competing(&self, strategy: &str) -> Option<&'a CaseResult> {
        self.row(strategy).filter(|r| !is_floor(r))
    }

    /// The single-thread floor's row, in a case whose point is handing work off.
    pub fn floor(&self) -> Option<&'a CaseResult> {
        self.rows.iter().copied().find(|r| is_floor(r))
    }

    pub fn variant(&self) -> &'a str {
        variant(self.name)
    }

    pub fn size(&self) -> Option<u64> {
        self.rows.first().and_then(|r| size_of(r))
    }
}

/// Every case of a results file in first-seen order.
pub fn case_views(results: &Results) -> Vec<CaseView<'_>> {
    let mut groups: Vec<Vec<&CaseResult>> = Vec::new();
    for row in &results.cases {
        match groups.iter_mut().find(|g| g[0].case == row.case) {
            Some(g) => g.push(row),
            None => groups.push(vec![row]),
        }
    }
    let primary = results.env.workers;
    groups
        .into_iter()
        .filter_map(CaseView::of)
        .map(|mut v| {
            v.other_w = sweep_w(v.name).is_some_and(|w| w != primary);
            v
        })
        .collect()
}

/// The rows of one case, in the order they were measured.
pub fn rows_of(results: &Results, case: &str) -> Vec<CaseResult> {
    results.cases.iter().filter(|r| r.case == case).cloned().collect()
}

/// Names in first-seen order, without repeats.
pub(crate) fn first_seen<'a>(names: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    for name in names {
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// Strategy names in first-seen order (the registry's order when the runner wrote the file).
pub fn strategies(results: &Results) -> Vec<&str> {
    first_seen(
        results
            .cases
            .iter()
            .map(|r| r.strategy.as_str())
            .chain(results.baselines.iter().map(|b| b.strategy.as_str())),
    )
}

/// Case names in first-seen order.
pub fn case_names(results: &Results) -> Vec<&str> {
    first_seen(results.cases.iter().map(|r| r.case.as_str()))
}

/// Workload names in first-seen order.
pub fn workloads(results: &Results) -> Vec<&str> {
    first_seen(results.cases.iter().map(|r| r.workload.as_str()))
}
