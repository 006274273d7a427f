//! The "scaling with W" chart of each workload that has a worker sweep: how fast each
//! strategy runs the workload's sweep cases at each W, relative to the best row at W = 1.
//!
//! A row's W is its `workers` field, so a strategy whose W is fixed (sequential,
//! tokio-current-thread: 1) sits at W = 1 whichever round measured it, and is drawn flat across
//! the sweep as a reference. Per strategy and W, the point is the geometric mean over the
//! cases it completed at every W of (the best median at W = 1 ÷ its median): 2 × at W = 2 is
//! twice as fast as the best single-worker run.

use std::collections::BTreeMap;

use shootout_core::results::{CaseResult, Results};

use super::axis::{Axis, Scale};
use super::{Better, Body, Chart, Ideal, Panel, Point, Series};
use crate::report::{geomean, measured, sweep_base, sweep_w};

/// Per base case: its rows at every W (W from the row's `workers`).
type Sweep<'a> = BTreeMap<&'a str, Vec<&'a CaseResult>>;

fn swept_cases<'a>(results: &'a Results, workload: &str) -> Sweep<'a> {
    let mut cases: Sweep<'a> = BTreeMap::new();
    for r in results.cases.iter().filter(|r| r.workload == workload && sweep_w(&r.case).is_some()) {
        cases.entry(sweep_base(&r.case)).or_default().push(r);
    }
    // A case measured in one round only has nothing to scale (its fixed-W rows aside).
    cases.retain(|_, rows| {
        let mut ws: Vec<usize> = rows.iter().filter_map(|r| sweep_w(&r.case)).collect();
        ws.sort();
        ws.dedup();
        ws.len() >= 2
    });
    cases
}

pub(super) fn scaling_charts(results: &Results, strategies: &[&str], charts: &mut Vec<Chart>) {
    let workloads = crate::report::workloads(results);
    for workload in workloads {
        let cases = swept_cases(results, workload);
        if cases.is_empty() {
            continue;
        }
        let mut all_ws: Vec<usize> = cases.values().flatten().filter_map(|r| r.workers).collect();
        all_ws.sort();
        all_ws.dedup();
        // Reference per case: the best verified median among its W = 1 rows.
        let reference: BTreeMap<&str, f64> = cases
            .iter()
            .filter_map(|(base, rows)| {
                let best = rows
                    .iter()
                    .filter(|r| r.workers == Some(1))
                    .filter_map(|r| measured(r))
                    .map(|m| m.median)
                    .min()?;
                Some((*base, best.max(1) as f64))
            })
            .collect();
        let mut series = Vec::new();
        for &name in strategies {
            let mine: Vec<&CaseResult> =
                cases.values().flatten().copied().filter(|r| r.strategy == name).collect();
            let ws: Vec<usize> = {
                let mut ws: Vec<usize> = mine.iter().filter_map(|r| r.workers).collect();
                ws.sort();
                ws.dedup();
                ws
            };
            if ws.is_empty() {
                continue;
            }
            // The cases this strategy completed at each of its W values, so every point of its
            // line averages the same cases.
            let complete: Vec<&str> = reference
                .keys()
                .copied()
                .filter(|base| {
                    ws.iter().all(|w| {
                        mine.iter().any(|r| {
                            sweep_base(&r.case) == *base && r.workers == Some(*w) && measured(r).is_some()
                        })
                    })
                })
                .collect();
            let mut points: Vec<Point> = Vec::new();
            for &w in &ws {
                let ratios: Vec<f64> = complete
                    .iter()
                    .filter_map(|base| {
                        let row =
                            mine.iter().find(|r| sweep_base(&r.case) == *base && r.workers == Some(w))?;
                        Some(reference[base] / measured(row)?.median.max(1) as f64)
                    })
                    .collect();
                if let Some(g) = geomean(&ratios) {
                    points.push(Point { x: w as f64, y: g, lo: g, hi: g });
                }
            }
            // A fixed-W strategy: its one point drawn flat across the sweep, as a reference.
            if ws.len() == 1 && points.len() == 1 {
                let p = points[0];
                points = all_ws.iter().map(|&w| Point { x: w as f64, ..p }).collect();
            }
            if !points.is_empty() {
                series.push(Series {
                    strategy: name.to_string(),
                    runs: vec![points],
                    missing: Vec::new(),
                    capped: None,
                });
            }
        }
        if series.is_empty() {
            continue;
        }
        // The floor at each W, on the same scale: the best W = 1 median ÷ the case's ideal at W.
        let ideal_points: Vec<(f64, f64)> = all_ws
            .iter()
            .filter_map(|&w| {
                let ratios: Vec<f64> = reference
                    .iter()
                    .filter_map(|(base, best)| {
                        let row = cases[base].iter().find(|r| {
                            r.workers == Some(w) && sweep_w(&r.case) == Some(w) && r.ideal_ns.is_some()
                        })?;
                        Some(best / row.ideal_ns? as f64)
                    })
                    .collect();
                Some((w as f64, geomean(&ratios)?))
            })
            .collect();
        charts.push(Chart {
            file: format!("scaling-{}.svg", workload.replace(' ', "-")),
            title: format!(
                "{workload}: speed at each W over the best single-worker run ({} sweep case{})",
                reference.len(),
                if reference.len() == 1 { "" } else { "s" }
            ),
            body: Body::Lines(vec![Panel {
                x: Axis::new("W, workers", Scale::Count),
                y: Axis::new("speed vs best at W = 1", Scale::Ratio),
                better: Better::Higher,
                series,
                ideal: (ideal_points.len() >= 2)
                    .then_some(Ideal { formula: "= best W=1 ÷ floor", points: ideal_points }),
            }]),
            notes: vec![
                "Point: geometric mean over the sweep cases a strategy completed at every W of the best W = 1 \
                 median ÷ its median (higher is faster)."
                    .into(),
                "Fixed-W strategies (sequential, current-thread) ran once and are drawn flat as a reference."
                    .into(),
            ],
        });
    }
}
