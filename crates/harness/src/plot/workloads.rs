//! Which charts a results file has, per workload: the sweeps found in the cases' `params`, the
//! panels, axes, ideal lines and notes of each chart.
//!
//! - sleep: wall time vs N per variant, memory per task vs N;
//! - fan-out: wall time and × best vs unit cost k at a fixed N;
//! - HTTP: requests/s and p99 vs concurrency C;
//! - queue: messages/s per channel shape and capacity, and vs the consumer count when
//!   consumers wait.

use std::collections::BTreeMap;

use shootout_core::results::{CaseResult, Results};

use super::axis::{Axis, Scale};
use super::{Better, Body, CategorySeries, Chart, Ideal, Panel, Point, has_points, per_second, series_of};
use super::{missing_of, single, slug, wall};
use crate::report::format::{compact_count, millis};
use crate::report::{measured, param_f64, param_text, variant};

const POINT_NOTE: &str =
    "Log–log. Point: the median of the timed repetitions of one verified case; bar: their min–max.";
const LINE_NOTE: &str =
    "Lines join neighbouring points of the sweep at most 10× apart; no line where nothing was measured.";

pub(super) fn charts(results: &Results) -> Vec<Chart> {
    let strategies = crate::report::strategies(results);
    let w = results.env.workers;
    let mut charts = Vec::new();
    sleep_charts(results, &strategies, w, &mut charts);
    fanout_charts(results, &strategies, w, &mut charts);
    http_charts(results, &strategies, w, &mut charts);
    queue_charts(results, &strategies, w, &mut charts);
    charts
}

fn best_medians(results: &Results) -> BTreeMap<&str, u64> {
    let mut best: BTreeMap<&str, u64> = BTreeMap::new();
    for r in &results.cases {
        if let Some(m) = measured(r) {
            let b = best.entry(r.case.as_str()).or_insert(m.median);
            *b = (*b).min(m.median);
        }
    }
    best
}

/// Rows of one workload grouped by everything in `params` except the swept key (and by
/// variant when asked), keeping groups whose swept value takes at least two values.
fn sweeps<'a>(
    results: &'a Results,
    workload: &str,
    swept: &str,
    by_variant: bool,
) -> Vec<(String, Vec<&'a CaseResult>)> {
    let mut groups: Vec<(String, Vec<&'a CaseResult>)> = Vec::new();
    for r in results.cases.iter().filter(|r| r.workload == workload) {
        let mut key = match &r.params {
            serde_json::Value::Object(map) => {
                let mut m = map.clone();
                m.remove(swept);
                serde_json::Value::Object(m).to_string()
            }
            other => other.to_string(),
        };
        if by_variant {
            key = format!("{}|{key}", variant(&r.case));
        }
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, rows)) => rows.push(r),
            None => groups.push((key, vec![r])),
        }
    }
    groups.retain(|(_, rows)| {
        let mut xs: Vec<f64> = rows.iter().filter_map(|r| param_f64(r, swept)).collect();
        xs.sort_by(f64::total_cmp);
        xs.dedup();
        xs.len() >= 2
    });
    groups
}

/// The floor of each swept case as a line, through `y(ideal_ns, row)`; at least two points.
fn ideal(
    rows: &[&CaseResult],
    formula: &'static str,
    x: impl Fn(&CaseResult) -> Option<f64>,
    y: impl Fn(f64, &CaseResult) -> Option<f64>,
) -> Option<Ideal> {
    let mut points: Vec<(f64, f64)> = Vec::new();
    for r in rows {
        let (Some(x), Some(ideal)) = (x(r), r.ideal_ns) else { continue };
        if ideal > 0 && !points.iter().any(|p| p.0 == x) {
            points.extend(y(ideal as f64, r).filter(|v| *v > 0.0 && v.is_finite()).map(|v| (x, v)));
        }
    }
    points.sort_by(|a, b| a.0.total_cmp(&b.0));
    (points.len() >= 2).then_some(Ideal { formula, points })
}

fn sleep_charts(results: &Results, strategies: &[&str], w: usize, charts: &mut Vec<Chart>) {
    let groups = sweeps(results, "sleep", "tasks", true);
    let n = |r: &CaseResult| param_f64(r, "tasks");
    for (_, rows) in &groups {
        let v = variant(&rows[0].case);
        let d = param_f64(rows[0], "sleep_ms").map(millis).unwrap_or_default();
        let series = series_of(rows, strategies, Some(w), n, wall);
        // Memory mode's tasks wait until d after the last spawn, so its time is spawn + d.
        let wait = if v == "memory" { format!("until {d} after the last spawn") } else { d };
        if has_points(&series) {
            charts.push(Chart {
                file: format!("sleep-{}-time.svg", slug(v)),
                title: format!("sleep/{v}: wall time for N tasks that each wait {wait}"),
                body: Body::Lines(vec![Panel {
                    x: Axis::new("N, tasks", Scale::Count),
                    y: Axis::new("wall time", Scale::Time),
                    better: Better::Lower,
                    series,
                    ideal: ideal(rows, "= d (all waits overlap)", n, |i, _| Some(i)),
                }]),
                notes: vec![POINT_NOTE.into(), LINE_NOTE.into()],
            });
        }
    }
    // Memory per task: from the dedicated memory cases when present (every task alive at once),
    // else from the timer cases. Below N = 1,000 the page-granular RSS swamps one task.
    let memory_variant =
        if groups.iter().any(|(_, rows)| variant(&rows[0].case) == "memory") { "memory" } else { "timer" };
    for (_, rows) in groups.iter().filter(|(_, rows)| variant(&rows[0].case) == memory_variant) {
        let big: Vec<&CaseResult> =
            rows.iter().copied().filter(|r| n(r).is_some_and(|n| n >= 1_000.0)).collect();
        let series = series_of(&big, strategies, Some(w), n, |r| r.mem_per_task_bytes.map(single));
        let distinct_n = {
            let mut xs: Vec<f64> = series.iter().flat_map(|s| s.points().map(|p| p.x)).collect();
            xs.sort_by(f64::total_cmp);
            xs.dedup();
            xs.len()
        };
        if distinct_n >= 2 {
            charts.push(Chart {
                file: format!("sleep-{}-memory.svg", slug(memory_variant)),
                title: format!("sleep/{memory_variant}: memory per waiting task vs N"),
                body: Body::Lines(vec![Panel {
                    x: Axis::new("N, tasks", Scale::Count),
                    y: Axis::new("memory per task", Scale::Bytes),
                    better: Better::Lower,
                    series,
                    ideal: None,
                }]),
                notes: vec![
                    "Log–log, N ≥ 1,000 (below that, page-granular RSS swamps one task). No bars: measured once."
                        .into(),
                    "Memory per task = (peak RSS − the runtime's own peak RSS) ÷ N.".into(),
                    LINE_NOTE.into(),
                ],
            });
        }
    }
}

fn fanout_charts(results: &Results, strategies: &[&str], w: usize, charts: &mut Vec<Chart>) {
    let best = best_medians(results);
    let k = |r: &CaseResult| param_f64(r, "work");
    for (_, rows) in sweeps(results, "fan-out", "work", true) {
        let v = variant(&rows[0].case);
        let units = param_f64(rows[0], "units").unwrap_or(0.0);
        let wait = param_f64(rows[0], "wait_ms").filter(|w| *w > 0.0);
        // CPU-bound units are meant to run W at a time: a cap is news only when units wait.
        let cap = wait.map(|_| w);
        let time = series_of(&rows, strategies, cap, k, wall);
        let x_best = series_of(&rows, strategies, None, k, |r| {
            let b = *best.get(r.case.as_str())? as f64;
            wall(r).map(|(m, lo, hi)| (m / b.max(1.0), lo / b.max(1.0), hi / b.max(1.0)))
        });
        if !has_points(&time) {
            continue;
        }
        let mut title = format!("fan-out/{v}: N = {} units vs unit cost k", compact_count(units));
        if let Some(w) = wait {
            title.push_str(&format!(", each also waiting {}", millis(w)));
        }
        charts.push(Chart {
            file: format!("fanout-{}-n{}.svg", slug(v), units as u64),
            title,
            body: Body::Lines(vec![
                Panel {
                    x: Axis::new("k, work per unit", Scale::Count),
                    y: Axis::new("wall time", Scale::Time),
                    better: Better::Lower,
                    series: time,
                    ideal: ideal(&rows, "= max(d, CPU ÷ W)", k, |i, _| Some(i)),
                },
                Panel {
                    x: Axis::new("k, work per unit", Scale::Count),
                    y: Axis::new("× best of the case", Scale::Ratio),
                    better: Better::Lower,
                    series: x_best,
                    ideal: None,
                },
            ]),
            notes: vec![POINT_NOTE.into(), LINE_NOTE.into()],
        });
    }
}

fn http_charts(results: &Results, strategies: &[&str], w: usize, charts: &mut Vec<Chart>) {
    let c = |r: &CaseResult| param_f64(r, "concurrency");
    let requests_per_second = |r: &CaseResult| {
        let m = measured(r)?;
        let value = r
            .throughput
            .as_ref()
            .map(|t| t.value)
            .or_else(|| Some(param_f64(r, "requests")? / (m.median as f64 / 1e9)))?;
        per_second(r, value)
    };
    for (_, rows) in sweeps(results, "http", "concurrency", false) {
        let throughput = series_of(&rows, strategies, Some(w), c, requests_per_second);
        let p99 = series_of(&rows, strategies, None, c, |r| r.latency_ns.map(|l| single(l.p99 as f64)));
        if !has_points(&throughput) {
            continue;
        }
        let requests = param_f64(rows[0], "requests").unwrap_or(0.0);
        let latency = param_f64(rows[0], "latency_ms").unwrap_or(0.0);
        let connection = param_text(rows[0], "connection").unwrap_or_default();
        let ideal_rate = ideal(&rows, "= M ÷ (⌈M/C⌉ × latency)", c, |i, r| {
            Some(param_f64(r, "requests")? / (i / 1e9))
        });
        let mut panels = vec![Panel {
            x: Axis::new("C, concurrent requests", Scale::Count),
            y: Axis::new("requests/s", Scale::Rate),
            better: Better::Higher,
            series: throughput,
            ideal: ideal_rate,
        }];
        if has_points(&p99) {
            panels.push(Panel {
                x: Axis::new("C, concurrent requests", Scale::Count),
                y: Axis::new("p99 latency", Scale::Time),
                better: Better::Lower,
                series: p99,
                ideal: None,
            });
        }
        charts.push(Chart {
            file: format!("http-{}-m{}-l{}ms.svg", slug(&connection), requests as u64, latency),
            title: format!(
                "HTTP, connection = {connection}: {} requests, server latency {}, vs concurrency C",
                compact_count(requests),
                millis(latency)
            ),
            body: Body::Lines(panels),
            notes: vec![
                "Log–log; client and server share this machine's cores (loopback). Point: median of the repetitions;"
                    .into(),
                "bar: the rate of the slowest and the fastest repetition (p99: one value per case, no bar).".into(),
                LINE_NOTE.into(),
            ],
        });
    }
}

fn messages_per_second(r: &CaseResult) -> Option<(f64, f64, f64)> {
    let m = measured(r)?;
    let value = r
        .throughput
        .as_ref()
        .map(|t| t.value)
        .or_else(|| Some(param_f64(r, "messages")? / (m.median as f64 / 1e9)))?;
    per_second(r, value)
}

/// "spsc b=1", "mpmc unbounded"; producers → consumers and the message count are added only
/// where two cases would otherwise read the same.
fn queue_labels(rows: &[&CaseResult]) -> Vec<(String, String)> {
    let mut cases: Vec<&CaseResult> = Vec::new();
    for r in rows {
        if !cases.iter().any(|c| c.case == r.case) {
            cases.push(r);
        }
    }
    let capacity = |r: &CaseResult| match param_text(r, "capacity").as_deref() {
        Some("unbounded") | None => "unbounded".to_string(),
        Some(b) => format!("b={b}"),
    };
    let flow = |r: &CaseResult| {
        let p = param_f64(r, "producers").unwrap_or(1.0);
        let c = param_f64(r, "consumers").unwrap_or(1.0);
        format!("{p}→{c}")
    };
    // A case whose every message is acknowledged (`task_done`/`join`) says so after its count.
    let messages = |r: &CaseResult| {
        let join = if r.case.split('/').any(|part| part == "join") { " · join" } else { "" };
        format!("m={}{join}", compact_count(param_f64(r, "messages").unwrap_or(0.0)))
    };
    let parts = |r: &CaseResult| [format!("{} {}", variant(&r.case), capacity(r)), flow(r), messages(r)];
    cases
        .iter()
        .map(|r| {
            let mine = parts(r);
            // The fewest parts that no other case shares.
            let depth = (1..=3)
                .find(|&d| cases.iter().filter(|o| parts(o)[..d] == mine[..d]).count() == 1)
                .unwrap_or(3);
            (r.case.clone(), mine[..depth].join(" · "))
        })
        .collect()
}

/// One note line naming each shape's producers → consumers and the messages per case.
fn queue_legend(rows: &[&CaseResult]) -> String {
    let mut shapes: Vec<String> = Vec::new();
    let mut messages: Vec<String> = Vec::new();
    for r in rows {
        let p = param_f64(r, "producers").unwrap_or(1.0);
        let c = param_f64(r, "consumers").unwrap_or(1.0);
        let shape = format!("{} {p}→{c}", variant(&r.case));
        if !shapes.contains(&shape) {
            shapes.push(shape);
        }
        let m = compact_count(param_f64(r, "messages").unwrap_or(0.0));
        if !messages.contains(&m) {
            messages.push(m);
        }
    }
    let per_case = match messages.as_slice() {
        [one] => format!("; {one} messages per case"),
        _ => String::new(),
    };
    format!("{} (producers→consumers); b = channel capacity{per_case}.", shapes.join(", "))
}

fn queue_charts(results: &Results, strategies: &[&str], w: usize, charts: &mut Vec<Chart>) {
    let rows: Vec<&CaseResult> = results.cases.iter().filter(|r| r.workload == "queue").collect();
    let plain: Vec<&CaseResult> =
        rows.iter().copied().filter(|r| param_text(r, "cost").is_none_or(|c| c == "none")).collect();
    let named = queue_labels(&plain);
    let index = |r: &CaseResult| named.iter().position(|(case, _)| *case == r.case);
    let series: Vec<CategorySeries> = strategies
        .iter()
        .filter_map(|&name| {
            let mine: Vec<&&CaseResult> = plain.iter().filter(|r| r.strategy == name).collect();
            let points: Vec<(usize, Point)> = mine
                .iter()
                .filter_map(|r| {
                    let (y, lo, hi) = messages_per_second(r)?;
                    Some((index(r)?, Point { x: 0.0, y, lo, hi }))
                })
                .filter(|(_, p)| p.y > 0.0 && p.y.is_finite())
                .collect();
            let missing: Vec<(usize, String)> = mine
                .iter()
                .filter_map(|r| {
                    let (label, predicted) = missing_of(r)?;
                    Some((index(r)?, super::describe(&label, &predicted.into_iter().collect::<Vec<_>>())))
                })
                .collect();
            (!points.is_empty() || !missing.is_empty()).then(|| CategorySeries {
                strategy: name.to_string(),
                points,
                missing,
            })
        })
        .collect();
    if series.iter().any(|s| !s.points.is_empty()) {
        charts.push(Chart {
            file: "queue-throughput.svg".into(),
            title: "queue: messages/s by channel shape and capacity, no work per message".into(),
            body: Body::Categories {
                x: Axis::new("messages/s", Scale::Rate),
                labels: named.into_iter().map(|(_, label)| label).collect(),
                series,
            },
            notes: vec![
                queue_legend(&plain),
                "Point: messages ÷ median wall time of one verified case (farther right is better); bar: min–max."
                    .into(),
            ],
        });
    }
    let consumers = |r: &CaseResult| param_f64(r, "consumers");
    for (_, group) in sweeps(results, "queue", "consumers", false) {
        let cost = param_text(group[0], "cost").unwrap_or_default();
        if cost == "none" {
            continue;
        }
        let series = series_of(&group, strategies, Some(w), consumers, messages_per_second);
        if !has_points(&series) {
            continue;
        }
        let producers = param_f64(group[0], "producers").unwrap_or(0.0);
        let ideal_rate = ideal(&group, "= C ÷ wait per message", consumers, |i, r| {
            Some(param_f64(r, "messages")? / (i / 1e9))
        });
        charts.push(Chart {
            file: format!("queue-consumers-{}.svg", slug(&cost)),
            title: format!(
                "queue: messages/s vs consumers C ({producers} producer{}, per-message cost {cost})",
                if producers == 1.0 { "" } else { "s" }
            ),
            body: Body::Lines(vec![Panel {
                x: Axis::new("C, consumers", Scale::Count),
                y: Axis::new("messages/s", Scale::Rate),
                better: Better::Higher,
                series,
                ideal: ideal_rate,
            }]),
            notes: vec![POINT_NOTE.into(), LINE_NOTE.into()],
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queue_categories_read_as_shape_and_capacity() {
        let row = |case: &str, p: u64, c: u64, b: &str| {
            CaseResult::empty(
                "queue",
                case,
                serde_json::json!({ "producers": p, "consumers": c, "capacity": b, "messages": 5_000_000, "cost": "none" }),
                "tokio",
                3,
            )
        };
        let rows = [
            row("queue/spsc/p=1/c=1/b=1/m=5000000", 1, 1, "1"),
            row("queue/mpmc/p=4/c=4/b=unbounded/m=5000000", 4, 4, "unbounded"),
            row("queue/mpmc/p=2/c=2/b=1024/m=5000000", 2, 2, "1024"),
            row("queue/mpmc/p=4/c=4/b=1024/m=5000000", 4, 4, "1024"),
        ];
        let refs: Vec<&CaseResult> = rows.iter().collect();
        let labels: Vec<String> = queue_labels(&refs).into_iter().map(|(_, l)| l).collect();
        assert_eq!(labels, ["spsc b=1", "mpmc unbounded", "mpmc b=1024 · 2→2", "mpmc b=1024 · 4→4"]);
        assert_eq!(
            queue_legend(&refs),
            "spsc 1→1, mpmc 4→4, mpmc 2→2 (producers→consumers); b = channel capacity; 5M messages per case."
        );
        // The same shape with `join` reads apart from the one without (both were
        // "mpmc b=1024 · 4→4 · m=5M" in the 2026-11-28 chart).
        let joined = [
            row("queue/mpmc/p=4/c=4/b=1024/m=5000000", 4, 4, "1024"),
            row("queue/mpmc/p=4/c=4/b=1024/m=5000000/join/w=2", 4, 4, "1024"),
        ];
        let refs: Vec<&CaseResult> = joined.iter().collect();
        let labels: Vec<String> = queue_labels(&refs).into_iter().map(|(_, l)| l).collect();
        assert_eq!(labels, ["mpmc b=1024 · 4→4 · m=5M", "mpmc b=1024 · 4→4 · m=5M · join"]);
    }
}
