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

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;
use shootout_core::duration::human;
use shootout_core::results::{CaseResult, Results, Status, write_atomic};

use crate::report::{count, measured, millis, param_f64, param_text, rate, variant};
use crate::table;

const WIDTH: u32 = 1000;
const HEIGHT: u32 = 560;
const LEGEND_WIDTH: u32 = 170;
const FOOTER_HEIGHT: u32 = 44;
const FONT: &str = "sans-serif";

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
    let rendered: Vec<(String, String)> =
        charts.iter().map(|c| Ok((c.file.clone(), render(c, &machine)?))).collect::<Result<_, String>>()?;
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

fn fmt_count(v: f64) -> String {
    if v >= 1e6 && (v / 1e6).fract() == 0.0 {
        format!("{}M", v / 1e6)
    } else if v >= 1e3 && (v / 1e3).fract() == 0.0 {
        format!("{}k", v / 1e3)
    } else if v.fract() == 0.0 {
        count(v as u64)
    } else {
        format!("{v:.2}")
    }
}

fn fmt_time(ns: f64) -> String {
    human(ns)
}

fn fmt_bytes(b: f64) -> String {
    table::bytes(b)
}

/// Axis ticks are 1, 2 and 5 times powers of ten: 500k, 1M, 20M.
fn fmt_rate(v: f64) -> String {
    if v.fract() == 0.0 { fmt_count(v) } else { rate(v) }
}

fn fmt_ratio(v: f64) -> String {
    if v >= 10.0 { format!("{v:.0}×") } else { format!("{v:.1}×") }
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
                    x_fmt: fmt_count,
                    y_fmt: fmt_time,
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
                    x_fmt: fmt_count,
                    y_fmt: fmt_bytes,
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
        let mut title = format!("fan-out/{v}: N = {} units vs unit cost k", fmt_count(units));
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
                    x_fmt: fmt_count,
                    y_fmt: fmt_time,
                    series: time,
                },
                Panel {
                    x_desc: "k (work per unit)".into(),
                    y_desc: "× best of the case".into(),
                    x_fmt: fmt_count,
                    y_fmt: fmt_ratio,
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
            x_fmt: fmt_count,
            y_fmt: fmt_rate,
            series: throughput,
        }];
        if has_points(&p99) {
            panels.push(Panel {
                x_desc: "C (concurrent requests)".into(),
                y_desc: "p99 latency".into(),
                x_fmt: fmt_count,
                y_fmt: fmt_time,
                series: p99,
            });
        }
        charts.push(Chart {
            file: format!("http-{}-m{}-l{}ms.svg", slug(&connection), requests as u64, latency),
            title: format!(
                "HTTP, connection = {connection}: {} requests, server latency {}, vs concurrency C",
                fmt_count(requests),
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
            body: Body::Categories { x_desc: "messages/s (log)".into(), x_fmt: fmt_rate, labels, series },
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
                x_fmt: fmt_count,
                y_fmt: fmt_rate,
                series,
            }]),
            notes: vec![LOG_NOTE.into(), MISSING_NOTE.into()],
        });
    }
}

// ---------------------------------------------------------------------------------------------
// Drawing

fn strategy_color(name: &str, index: usize) -> RGBColor {
    const OTHERS: [RGBColor; 4] =
        [RGBColor(140, 86, 75), RGBColor(227, 119, 194), RGBColor(188, 189, 34), RGBColor(23, 190, 207)];
    match name {
        "sequential" => RGBColor(110, 110, 110),
        "threads" => RGBColor(31, 119, 180),
        "rayon" => RGBColor(255, 127, 14),
        "tokio" => RGBColor(214, 39, 40),
        "async-std" => RGBColor(148, 103, 189),
        "smol" => RGBColor(44, 160, 44),
        _ => OTHERS[index % OTHERS.len()],
    }
}

fn draw_error<E: std::fmt::Debug>(e: E) -> String {
    format!("could not draw a chart: {e:?}")
}

/// Key points of a log axis: the powers of ten inside the range, with 2× and 5× steps when
/// the range spans less than two decades.
fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let mut ticks = Vec::new();
    // powi multiplies, so whole decades stay exact and their labels read 1M, not 1000000.00001.
    let mut decade = 10f64.powi(lo.log10().floor() as i32);
    let narrow = hi / lo < 100.0;
    while decade <= hi {
        for m in if narrow { &[1.0, 2.0, 5.0][..] } else { &[1.0][..] } {
            let t = decade * m;
            if t >= lo && t <= hi {
                ticks.push(t);
            }
        }
        decade *= 10.0;
    }
    ticks
}

/// A log range around the data with some air, never empty.
fn padded(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    let (lo, hi) = values.fold((f64::INFINITY, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    if !lo.is_finite() || hi <= 0.0 {
        return None;
    }
    let (lo, hi) = if hi / lo < 1.5 { (lo / 1.5, hi * 1.5) } else { (lo, hi) };
    Some((lo / 1.4, hi * 1.6))
}

fn render(chart: &Chart, machine: &str) -> Result<String, String> {
    let height = match &chart.body {
        Body::Categories { labels, .. } => HEIGHT.max(150 + 34 * labels.len() as u32),
        Body::Lines(_) => HEIGHT,
    };
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_error)?;
        let root = root.titled(&chart.title, (FONT, 20)).map_err(draw_error)?;
        let root =
            root.titled(machine, (FONT, 14).into_font().color(&RGBColor(80, 80, 80))).map_err(draw_error)?;
        let (w, h) = root.dim_in_pixel();
        let (main, footer) = root.split_vertically(h.saturating_sub(FOOTER_HEIGHT));
        let (plots, legend) = main.split_horizontally(w.saturating_sub(LEGEND_WIDTH));
        let mut shown: Vec<String> = Vec::new();
        let mut any_failed = false;
        match &chart.body {
            Body::Lines(panels) => {
                let areas = plots.split_evenly((1, panels.len().max(1)));
                for (area, panel) in areas.iter().zip(panels) {
                    draw_panel(area, panel)?;
                    for s in &panel.series {
                        if !shown.contains(&s.strategy) {
                            shown.push(s.strategy.clone());
                        }
                        any_failed |= !s.failed.is_empty();
                    }
                }
            }
            Body::Categories { x_desc, x_fmt, labels, series } => {
                draw_categories(&plots, x_desc, *x_fmt, labels, series)?;
                for s in series {
                    shown.push(s.strategy.clone());
                    any_failed |= !s.failed.is_empty();
                }
            }
        }
        draw_legend(&legend, &shown, any_failed)?;
        for (i, note) in chart.notes.iter().enumerate() {
            footer
                .draw(&Text::new(
                    note.as_str(),
                    (12, 4 + 18 * i as i32),
                    (FONT, 13).into_font().color(&RGBColor(80, 80, 80)),
                ))
                .map_err(draw_error)?;
        }
        root.present().map_err(draw_error)?;
    }
    Ok(svg)
}

fn draw_panel<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, panel: &Panel) -> Result<(), String> {
    let xs = panel.series.iter().flat_map(|s| s.points.iter().map(|p| p.0).chain(s.failed.iter().copied()));
    let ys = panel.series.iter().flat_map(|s| s.points.iter().map(|p| p.1));
    let (Some((x0, x1)), Some((y0, y1))) = (padded(xs), padded(ys)) else {
        area.draw(&Text::new("no verified points", (60, 60), (FONT, 16))).map_err(draw_error)?;
        return Ok(());
    };
    let mut chart = ChartBuilder::on(area)
        .margin(14)
        .x_label_area_size(46)
        .y_label_area_size(78)
        .build_cartesian_2d(
            (x0..x1).log_scale().with_key_points(log_ticks(x0, x1)),
            (y0..y1).log_scale().with_key_points(log_ticks(y0, y1)),
        )
        .map_err(draw_error)?;
    chart
        .configure_mesh()
        .x_desc(panel.x_desc.as_str())
        .y_desc(panel.y_desc.as_str())
        .x_label_formatter(&|v| (panel.x_fmt)(*v))
        .y_label_formatter(&|v| (panel.y_fmt)(*v))
        .label_style((FONT, 13))
        .axis_desc_style((FONT, 14))
        .bold_line_style(RGBColor(220, 220, 220))
        .draw()
        .map_err(draw_error)?;
    // Failures sit just under the top edge, above every measured point.
    let top = y1 / 1.25;
    for (i, s) in panel.series.iter().enumerate() {
        let color = strategy_color(&s.strategy, i);
        chart
            .draw_series(LineSeries::new(s.points.iter().copied(), color.stroke_width(2)))
            .map_err(draw_error)?;
        chart.draw_series(s.points.iter().map(|&p| Circle::new(p, 4, color.filled()))).map_err(draw_error)?;
        chart
            .draw_series(s.failed.iter().map(|&x| Cross::new((x, top), 7, color.stroke_width(3))))
            .map_err(draw_error)?;
    }
    Ok(())
}

fn draw_categories<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    x_desc: &str,
    x_fmt: fn(f64) -> String,
    labels: &[String],
    series: &[CategorySeries],
) -> Result<(), String> {
    let n = labels.len();
    let Some((x0, x1)) = padded(series.iter().flat_map(|s| s.points.iter().map(|p| p.1))) else {
        return Ok(());
    };
    // The first case at the top: category i sits at y = n − 1 − i.
    let row_y = |i: usize| (n - 1 - i) as f64;
    let mut chart = ChartBuilder::on(area)
        .margin(14)
        .x_label_area_size(46)
        .y_label_area_size(250)
        .build_cartesian_2d((x0..x1).log_scale().with_key_points(log_ticks(x0, x1)), -0.6..n as f64 - 0.4)
        .map_err(draw_error)?;
    chart
        .configure_mesh()
        .x_desc(x_desc)
        .x_label_formatter(&|v| x_fmt(*v))
        .y_labels(n)
        .y_label_formatter(&|v| {
            let i = v.round();
            let on_a_row = (v - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < n;
            if on_a_row { labels[n - 1 - i as usize].clone() } else { String::new() }
        })
        .light_line_style(TRANSPARENT)
        .label_style((FONT, 13))
        .axis_desc_style((FONT, 14))
        .bold_line_style(RGBColor(220, 220, 220))
        .draw()
        .map_err(draw_error)?;
    let count = series.len().max(1) as f64;
    for (k, s) in series.iter().enumerate() {
        let color = strategy_color(&s.strategy, k);
        // Strategies side by side within a category's band.
        let offset = (k as f64 - (count - 1.0) / 2.0) * (0.7 / count);
        chart
            .draw_series(
                s.points.iter().map(|&(i, v)| Circle::new((v, row_y(i) + offset), 5, color.filled())),
            )
            .map_err(draw_error)?;
        chart
            .draw_series(
                s.failed
                    .iter()
                    .map(|&i| Cross::new((x0 * 1.15, row_y(i) + offset), 6, color.stroke_width(3))),
            )
            .map_err(draw_error)?;
    }
    Ok(())
}

fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    strategies: &[String],
    any_failed: bool,
) -> Result<(), String> {
    let mut y = 40;
    for (i, name) in strategies.iter().enumerate() {
        let color = strategy_color(name, i);
        area.draw(&PathElement::new(vec![(8, y), (40, y)], color.stroke_width(2))).map_err(draw_error)?;
        area.draw(&Circle::new((24, y), 4, color.filled())).map_err(draw_error)?;
        area.draw(&Text::new(name.as_str(), (50, y - 8), (FONT, 15))).map_err(draw_error)?;
        y += 26;
    }
    if any_failed {
        y += 6;
        area.draw(&Cross::new((24, y), 6, BLACK.stroke_width(2))).map_err(draw_error)?;
        area.draw(&Text::new("failed / timeout", (50, y - 8), (FONT, 14))).map_err(draw_error)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_ticks_cover_decades() {
        assert_eq!(log_ticks(1.0, 1e4), vec![1.0, 10.0, 100.0, 1000.0, 10000.0]);
        assert_eq!(log_ticks(15.0, 300.0), vec![20.0, 50.0, 100.0, 200.0]);
    }

    #[test]
    fn slugs_are_file_names() {
        assert_eq!(slug("wait:1ms"), "wait-1ms");
        assert_eq!(slug("reuse"), "reuse");
    }
}
