//! SVG charts (plotters), from a results file alone. Each chart's series come from the cases'
//! `params`, so a chart exists exactly when the file holds its sweep:
//!
//! - sleep: wall time vs N per strategy and variant, memory per task vs N (log–log);
//! - fan-out: wall time and × best vs unit cost k at a fixed N (log–log);
//! - HTTP: requests/s and p99 vs concurrency C (log–log);
//! - queue: messages/s per case, and vs the consumer count when consumers wait.
//!
//! Every chart is titled with the machine (CPU, cores, W) and the date. Failed or timed-out
//! points are marked at the top edge; skipped points (predicted over the time budget) are absent.
//! This file chooses what to draw from the data; `draw` draws it, `style` says how each
//! strategy looks.

mod draw;
mod style;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use shootout_core::results::{CaseResult, Results, Status, write_atomic};

use crate::report::format::{bytes, compact_count, compact_rate, compact_ratio, duration, millis};
use crate::report::{measured, param_f64, param_text, variant};

/// One strategy's points on a panel, and where it failed.
struct Series {
    strategy: String,
    points: Vec<(f64, f64)>,
    failed: Vec<f64>,
}

/// One log–log plot.
struct Panel {
    x_desc: String,
    y_desc: String,
    x_fmt: fn(f64) -> String,
    y_fmt: fn(f64) -> String,
    series: Vec<Series>,
}

enum Body {
    Lines(Vec<Panel>),
    /// Categories top to bottom, each with a value per strategy (x axis: the value, log).
    Categories {
        x_desc: String,
        x_fmt: fn(f64) -> String,
        labels: Vec<String>,
        series: Vec<CategorySeries>,
    },
}

struct CategorySeries {
    strategy: String,
    /// (category index, value)
    points: Vec<(usize, f64)>,
    failed: Vec<usize>,
}

struct Chart {
    file: String,
    title: String,
    body: Body,
    notes: Vec<String>,
}

/// Renders every chart the file has data for into `dir` (created if missing), atomically.
pub fn write_charts(results: &Results, dir: &Path) -> Result<Vec<PathBuf>, String> {
    let charts = charts(results);
    let machine = machine(results);
    let palette = style::Palette::new(&crate::report::strategies(results));
    let rendered: Vec<(String, String)> = charts
        .iter()
        .map(|c| Ok((c.file.clone(), draw::render(c, &machine, &palette)?)))
        .collect::<Result<_, String>>()?;
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let mut paths = Vec::new();
    for (file, svg) in rendered {
        let path = dir.join(file);
        write_atomic(&path, svg.as_bytes()).map_err(|e| format!("{}: {e}", path.display()))?;
        paths.push(path);
    }
    Ok(paths)
}

/// The charts' file names and titles without writing anything, in the order written.
pub fn chart_titles(results: &Results) -> Vec<(String, String)> {
    charts(results).into_iter().map(|c| (c.file, c.title)).collect()
}

fn machine(results: &Results) -> String {
    let e = &results.env;
    format!("{} · {} cores · W = {} · {} · preset {}", e.cpu, e.cores, e.workers, e.date, e.preset)
}

fn charts(results: &Results) -> Vec<Chart> {
    let strategies = crate::report::strategies(results);
    let best = best_medians(results);
    let mut charts = Vec::new();
    sleep_charts(results, &strategies, &mut charts);
    fanout_charts(results, &strategies, &best, &mut charts);
    http_charts(results, &strategies, &mut charts);
    queue_charts(results, &strategies, &mut charts);
    // Two groups can slug to the same name: number the later ones.
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for c in &mut charts {
        let n = seen.entry(c.file.clone()).or_default();
        *n += 1;
        if *n > 1 {
            c.file = format!("{}-{n}.svg", c.file.trim_end_matches(".svg"));
        }
    }
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

/// Rows of one workload grouped by everything in `params` except the swept keys (and by
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

fn failed(row: &CaseResult) -> bool {
    matches!(row.status, Status::Failed | Status::Timeout) || (row.status == Status::Ok && !row.verified)
}

/// A series per strategy: verified points with a positive y, and the x of each failure.
fn series_of(
    rows: &[&CaseResult],
    strategies: &[&str],
    x: impl Fn(&CaseResult) -> Option<f64>,
    y: impl Fn(&CaseResult) -> Option<f64>,
) -> Vec<Series> {
    strategies
        .iter()
        .filter_map(|&name| {
            let mine: Vec<&&CaseResult> = rows.iter().filter(|r| r.strategy == name).collect();
            let mut points: Vec<(f64, f64)> = mine
                .iter()
                .filter(|r| measured(r).is_some())
                .filter_map(|r| Some((x(r)?, y(r)?)))
                .filter(|(x, y)| *x > 0.0 && *y > 0.0 && y.is_finite())
                .collect();
            points.sort_by(|a, b| a.0.total_cmp(&b.0));
            let failed: Vec<f64> =
                mine.iter().filter(|r| failed(r)).filter_map(|r| x(r)).filter(|x| *x > 0.0).collect();
            (!points.is_empty() || !failed.is_empty()).then(|| Series {
                strategy: name.to_string(),
                points,
                failed,
            })
        })
        .collect()
}

fn has_points(series: &[Series]) -> bool {
    series.iter().any(|s| !s.points.is_empty())
}

fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || c == '.' {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

const LOG_NOTE: &str = "Log–log. Each point: the median of the timed repetitions of one verified case.";
const MISSING_NOTE: &str = "× at the top edge: failed or timed out at that x. A missing point: skipped, predicted over the time budget.";

fn sleep_charts(results: &Results, strategies: &[&str], charts: &mut Vec<Chart>) {
    let groups = sweeps(results, "sleep", "tasks", true);
    let n = |r: &CaseResult| param_f64(r, "tasks");
    for (_, rows) in &groups {
        let v = variant(&rows[0].case);
        let d = param_f64(rows[0], "sleep_ms").map(millis).unwrap_or_default();
        let series = series_of(rows, strategies, n, |r| measured(r).map(|m| m.median as f64));
        if has_points(&series) {
            charts.push(Chart {
                file: format!("sleep-{}-time.svg", slug(v)),
                title: format!("sleep/{v}: wall time for N tasks that each wait {d}"),
                body: Body::Lines(vec![Panel {
                    x_desc: "N (tasks)".into(),
                    y_desc: "wall time".into(),
                    x_fmt: compact_count,
                    y_fmt: duration,
                    series,
                }]),
                notes: vec![LOG_NOTE.into(), MISSING_NOTE.into()],
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
        let series = series_of(&big, strategies, n, |r| r.mem_per_task_bytes);
        let distinct_n = {
            let mut xs: Vec<f64> = series.iter().flat_map(|s| s.points.iter().map(|p| p.0)).collect();
            xs.sort_by(f64::total_cmp);
            xs.dedup();
            xs.len()
        };
        if distinct_n >= 2 {
            charts.push(Chart {
                file: format!("sleep-{}-memory.svg", slug(memory_variant)),
                title: format!("sleep/{memory_variant}: memory per waiting task vs N"),
                body: Body::Lines(vec![Panel {
                    x_desc: "N (tasks)".into(),
                    y_desc: "memory per task ((peak RSS − runtime's own) ÷ N)".into(),
                    x_fmt: compact_count,
                    y_fmt: bytes,
                    series,
                }]),
                notes: vec![
                    "Log–log, N ≥ 1,000 (below that, page-granular RSS swamps one task).".into(),
                    MISSING_NOTE.into(),
                ],
            });
        }
    }
}

fn fanout_charts(
    results: &Results,
    strategies: &[&str],
    best: &BTreeMap<&str, u64>,
    charts: &mut Vec<Chart>,
) {
    let k = |r: &CaseResult| param_f64(r, "work");
    for (_, rows) in sweeps(results, "fan-out", "work", true) {
        let v = variant(&rows[0].case);
        let units = param_f64(rows[0], "units").unwrap_or(0.0);
        let wait = param_f64(rows[0], "wait_ms").filter(|w| *w > 0.0);
        let time = series_of(&rows, strategies, k, |r| measured(r).map(|m| m.median as f64));
        let x_best = series_of(&rows, strategies, k, |r| {
            let b = *best.get(r.case.as_str())?;
            measured(r).map(|m| m.median as f64 / b.max(1) as f64)
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
                    x_desc: "k (work per unit)".into(),
                    y_desc: "wall time".into(),
                    x_fmt: compact_count,
                    y_fmt: duration,
                    series: time,
                },
                Panel {
                    x_desc: "k (work per unit)".into(),
                    y_desc: "× best of the case".into(),
                    x_fmt: compact_count,
                    y_fmt: compact_ratio,
                    series: x_best,
                },
            ]),
            notes: vec![LOG_NOTE.into(), MISSING_NOTE.into()],
        });
    }
}

fn http_charts(results: &Results, strategies: &[&str], charts: &mut Vec<Chart>) {
    let c = |r: &CaseResult| param_f64(r, "concurrency");
    for (_, rows) in sweeps(results, "http", "concurrency", false) {
        let throughput = series_of(&rows, strategies, c, |r| {
            r.throughput.as_ref().map(|t| t.value).or_else(|| {
                let m = measured(r)?;
                Some(param_f64(r, "requests")? / (m.median as f64 / 1e9))
            })
        });
        let p99 = series_of(&rows, strategies, c, |r| r.latency_ns.map(|l| l.p99 as f64));
        if !has_points(&throughput) {
            continue;
        }
        let requests = param_f64(rows[0], "requests").unwrap_or(0.0);
        let latency = param_f64(rows[0], "latency_ms").unwrap_or(0.0);
        let connection = param_text(rows[0], "connection").unwrap_or_default();
        let mut panels = vec![Panel {
            x_desc: "C (concurrent requests)".into(),
            y_desc: "requests/s".into(),
            x_fmt: compact_count,
            y_fmt: compact_rate,
            series: throughput,
        }];
        if has_points(&p99) {
            panels.push(Panel {
                x_desc: "C (concurrent requests)".into(),
                y_desc: "p99 latency".into(),
                x_fmt: compact_count,
                y_fmt: duration,
                series: p99,
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
                "Log–log. Client and server share this machine's cores (loopback).".into(),
                MISSING_NOTE.into(),
            ],
        });
    }
}

fn messages_per_second(r: &CaseResult) -> Option<f64> {
    measured(r)?;
    r.throughput.as_ref().map(|t| t.value).or_else(|| {
        let m = measured(r)?;
        Some(param_f64(r, "messages")? / (m.median as f64 / 1e9))
    })
}

fn queue_charts(results: &Results, strategies: &[&str], charts: &mut Vec<Chart>) {
    let rows: Vec<&CaseResult> = results.cases.iter().filter(|r| r.workload == "queue").collect();
    let plain: Vec<&CaseResult> =
        rows.iter().copied().filter(|r| param_text(r, "cost").is_none_or(|c| c == "none")).collect();
    let mut labels: Vec<String> = Vec::new();
    for r in &plain {
        let label = r.case.trim_start_matches("queue/").to_string();
        if !labels.contains(&label) {
            labels.push(label);
        }
    }
    let series: Vec<CategorySeries> = strategies
        .iter()
        .filter_map(|&name| {
            let mine: Vec<&&CaseResult> = plain.iter().filter(|r| r.strategy == name).collect();
            let index = |r: &CaseResult| labels.iter().position(|l| l == r.case.trim_start_matches("queue/"));
            let points: Vec<(usize, f64)> = mine
                .iter()
                .filter_map(|r| Some((index(r)?, messages_per_second(r)?)))
                .filter(|(_, v)| *v > 0.0)
                .collect();
            let failed: Vec<usize> = mine.iter().filter(|r| failed(r)).filter_map(|r| index(r)).collect();
            (!points.is_empty() || !failed.is_empty()).then(|| CategorySeries {
                strategy: name.to_string(),
                points,
                failed,
            })
        })
        .collect();
    if series.iter().any(|s| !s.points.is_empty()) {
        charts.push(Chart {
            file: "queue-throughput.svg".into(),
            title: "queue: messages/s per case (shape / producers / consumers / capacity / messages)".into(),
            body: Body::Categories { x_desc: "messages/s (log)".into(), x_fmt: compact_rate, labels, series },
            notes: vec![
                "Each point: messages ÷ median wall time of one verified case; farther right is better.".into(),
                "× at the left edge: failed or timed out. A missing point: skipped, predicted over the time budget.".into(),
            ],
        });
    }
    let consumers = |r: &CaseResult| param_f64(r, "consumers");
    for (_, group) in sweeps(results, "queue", "consumers", false) {
        let cost = param_text(group[0], "cost").unwrap_or_default();
        if cost == "none" {
            continue;
        }
        let series = series_of(&group, strategies, consumers, messages_per_second);
        if !has_points(&series) {
            continue;
        }
        let producers = param_f64(group[0], "producers").unwrap_or(0.0);
        charts.push(Chart {
            file: format!("queue-consumers-{}.svg", slug(&cost)),
            title: format!(
                "queue: messages/s vs consumers C ({producers} producer{}, per-message cost {cost})",
                if producers == 1.0 { "" } else { "s" }
            ),
            body: Body::Lines(vec![Panel {
                x_desc: "C (consumers)".into(),
                y_desc: "messages/s".into(),
                x_fmt: compact_count,
                y_fmt: compact_rate,
                series,
            }]),
            notes: vec![LOG_NOTE.into(), MISSING_NOTE.into()],
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_file_names() {
        assert_eq!(slug("wait:1ms"), "wait-1ms");
        assert_eq!(slug("reuse"), "reuse");
    }
}
