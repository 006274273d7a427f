//! SVG charts (plotters), from a results file alone. Each chart's series come from the cases'
//! `params`, so a chart exists exactly when the file holds its sweep (`workloads` says which
//! charts there are). This file holds what a chart is made of and how rows become series:
//!
//! - a point is the median with the min–max of the repetitions as an error bar;
//! - a line joins only neighbouring points of the sweep at most ten times apart, so it never
//!   crosses a range nothing was measured in;
//! - failed and skipped rows become labelled markers ("failed: thread limit",
//!   "skipped: predicted 50 s") in a shaded band inside the plot;
//! - a strategy that held exactly W units in flight while the case had more is noted as capped.
//!
//! `draw` lays a chart out, `panel` draws one log–log plot, `axis` places the ticks, `style`
//! says how each strategy looks.

mod axis;
mod draw;
mod panel;
mod rate;
mod scaling;
mod style;
mod workloads;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use shootout_core::results::{CaseResult, Results, Status, write_atomic};

use crate::report::format::{duration, shorten};
use crate::report::{measured, param_f64};

use axis::Axis;

/// A measured point: the median and the min–max of the repetitions (`lo == hi == y` for a
/// quantity without a spread, such as memory per task).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Point {
    x: f64,
    y: f64,
    lo: f64,
    hi: f64,
}

/// Neighbouring rows of one strategy that were not measured for the same reason, drawn as one
/// labelled run of markers.
#[derive(Debug, Clone, PartialEq)]
struct Missing {
    xs: Vec<f64>,
    label: String,
}

/// One strategy's points on a panel.
struct Series {
    strategy: String,
    /// Connected pieces of the line; a piece of one point is a lone marker.
    runs: Vec<Vec<Point>>,
    missing: Vec<Missing>,
    /// `Some(W)`: the strategy ran at most W units at once although a case asked for more.
    capped: Option<usize>,
}

impl Series {
    fn points(&self) -> impl Iterator<Item = &Point> {
        self.runs.iter().flatten()
    }
}

/// The physical floor of each case of a panel, drawn as a line.
struct Ideal {
    /// How the floor is computed, for the legend: "= d, all waits overlap".
    formula: &'static str,
    points: Vec<(f64, f64)>,
}

/// Which way is better on a panel's y axis; unmeasured points go on the worse side.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Better {
    Lower,
    Higher,
}

/// One log–log plot.
struct Panel {
    x: Axis,
    y: Axis,
    better: Better,
    series: Vec<Series>,
    ideal: Option<Ideal>,
}

enum Body {
    Lines(Vec<Panel>),
    /// Categories top to bottom, each with a value per strategy (x axis: the value, log).
    Categories {
        x: Axis,
        labels: Vec<String>,
        series: Vec<CategorySeries>,
    },
}

struct CategorySeries {
    strategy: String,
    /// (category index, point); the point's x is unused.
    points: Vec<(usize, Point)>,
    /// (category index, label)
    missing: Vec<(usize, String)>,
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
    // The workload charts read the run's own W; the other rounds of a worker sweep feed only
    // the scaling charts (two points of one strategy at one x would read as noise).
    let mut at_run_w = results.clone();
    at_run_w.cases.retain(|r| crate::report::sweep_w(&r.case).is_none_or(|w| w == results.env.workers));
    let mut charts = workloads::charts(&at_run_w);
    scaling::scaling_charts(results, &crate::report::strategies(results), &mut charts);
    charts.extend(rate::charts(&at_run_w));
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

/// The y of a row as (median, low, high).
type Spread = (f64, f64, f64);

/// Wall time: the median and the min–max of the repetitions.
fn wall(r: &CaseResult) -> Option<Spread> {
    measured(r).map(|m| (m.median as f64, m.min as f64, m.max as f64))
}

/// A value per second derived from the median time, its bar from the min–max of the time
/// (the fastest run gives the highest rate).
fn per_second(r: &CaseResult, at_median: f64) -> Option<Spread> {
    let m = measured(r)?;
    let scale = |t: u64| at_median * m.median as f64 / t.max(1) as f64;
    Some((at_median, scale(m.max), scale(m.min)))
}

/// A quantity measured once (no spread).
fn single(v: f64) -> Spread {
    (v, v, v)
}

fn failed(row: &CaseResult) -> bool {
    matches!(row.status, Status::Failed | Status::Timeout) || (row.status == Status::Ok && !row.verified)
}

/// Why a failure happened, in a few words a reader recognises.
fn failure_reason(row: &CaseResult) -> String {
    if row.status == Status::Timeout {
        return "timed out".into();
    }
    if row.status == Status::Ok {
        return "answer did not verify".into();
    }
    let error = row.error.as_deref().unwrap_or("");
    // A refused thread either comes back as EAGAIN or aborts the child while unwinding.
    let thread_limit =
        ["spawn thread", "os error 11", "Resource temporarily unavailable", "failed to initiate panic"];
    if thread_limit.iter().any(|p| error.contains(p)) {
        "thread limit".into()
    } else if error.contains("os error 24") || error.contains("Too many open files") {
        "open-file limit".into()
    } else if error.contains("os error 12") || error.contains("Cannot allocate memory") {
        // A refused mapping (may's coroutine stacks at `vm.max_map_count`), not a full machine.
        "cannot allocate memory".into()
    } else if error.contains("SIGKILL") {
        "killed (out of memory?)".into()
    } else if error.is_empty() {
        "no reason given".into()
    } else {
        let last = error.rsplit(": ").find(|p| !p.trim().is_empty()).unwrap_or(error);
        shorten(last, 30)
    }
}

/// A prediction rounded the way a reader estimates: 50 s, 17 min, 28 h.
fn rough(ns: f64) -> String {
    let s = ns / 1e9;
    if s < 1.0 {
        duration(ns)
    } else if s < 10.0 {
        format!("{s:.1} s")
    } else if s < 120.0 {
        format!("{s:.0} s")
    } else if s < 2.0 * 3600.0 {
        format!("{:.0} min", s / 60.0)
    } else if s < 48.0 * 3600.0 {
        format!("{:.0} h", s / 3600.0)
    } else {
        format!("{:.0} days", s / 86400.0)
    }
}

/// The prediction of a skipped row: its `predicted_ns`, else what its reason says.
fn prediction(row: &CaseResult) -> Option<String> {
    if let Some(p) = row.predicted_ns {
        return Some(rough(p as f64));
    }
    let e = row.error.as_deref()?;
    let after = e.split("predicted ").nth(1)?;
    Some(after.split(" >").next()?.trim().to_string())
}

/// What a row that was not measured says on the chart, with a key grouping neighbours that
/// share it; `None` for measured and unsupported rows.
fn missing_of(row: &CaseResult) -> Option<(String, Option<String>)> {
    match row.status {
        Status::Skipped => Some(("skipped".into(), prediction(row))),
        _ if failed(row) => Some((format!("failed: {}", failure_reason(row)), None)),
        _ => None,
    }
}

/// Points further apart than this along the x axis are not joined: nothing was measured
/// between them, and a straight line would invent the shape of that range.
const MAX_JOIN: f64 = 10.0 * (1.0 + 1e-9);

/// A series per strategy with something to show: points split into runs at every sweep value
/// the strategy did not measure and at every gap wider than a decade; failures and skips
/// grouped into labelled runs; and the W cap when `workers` is given (for cases that wait).
fn series_of(
    rows: &[&CaseResult],
    strategies: &[&str],
    workers: Option<usize>,
    x: impl Fn(&CaseResult) -> Option<f64>,
    y: impl Fn(&CaseResult) -> Option<Spread>,
) -> Vec<Series> {
    let mut sweep: Vec<f64> = rows.iter().filter_map(|r| x(r)).filter(|x| *x > 0.0).collect();
    sweep.sort_by(f64::total_cmp);
    sweep.dedup();
    strategies
        .iter()
        .filter_map(|&name| {
            let mine: Vec<&CaseResult> = rows.iter().copied().filter(|r| r.strategy == name).collect();
            let at = |sx: f64| mine.iter().copied().find(|r| x(r) == Some(sx));
            let mut runs: Vec<Vec<Point>> = Vec::new();
            let mut missing: Vec<Missing> = Vec::new();
            // (label, prediction range) of the open missing run, cleared by anything else.
            let mut open: Option<(String, Vec<String>)> = None;
            let mut joinable = false;
            for (i, &sx) in sweep.iter().enumerate() {
                let row = at(sx);
                let point = row.filter(|r| measured(r).is_some()).and_then(&y).and_then(|(v, lo, hi)| {
                    (v > 0.0 && v.is_finite()).then_some(Point { x: sx, y: v, lo: lo.min(v), hi: hi.max(v) })
                });
                let near = i > 0 && sx / sweep[i - 1] <= MAX_JOIN;
                match point {
                    Some(p) if joinable && near => runs.last_mut().expect("a run is open").push(p),
                    Some(p) => runs.push(vec![p]),
                    None => {}
                }
                joinable = point.is_some();
                match row.and_then(missing_of) {
                    Some((label, predicted)) => {
                        let continues = near && open.as_ref().is_some_and(|(l, _)| *l == label);
                        if continues {
                            missing.last_mut().expect("a missing run is open").xs.push(sx);
                            open.as_mut().expect("checked above").1.extend(predicted);
                        } else {
                            missing.push(Missing { xs: vec![sx], label: label.clone() });
                            open = Some((label, predicted.into_iter().collect()));
                        }
                        let (label, predictions) = open.as_ref().expect("just set");
                        missing.last_mut().expect("just pushed").label = describe(label, predictions);
                    }
                    None => open = None,
                }
            }
            let capped = workers.filter(|&w| mine.iter().any(|r| capped_at(r, w)));
            (!runs.is_empty() || !missing.is_empty()).then(|| Series {
                strategy: name.to_string(),
                runs,
                missing,
                capped,
            })
        })
        .collect()
}

/// "skipped: predicted 50 s", "skipped: predicted 100 s … 28 h", "failed: thread limit".
fn describe(label: &str, predictions: &[String]) -> String {
    match predictions {
        [] => label.to_string(),
        [one] => format!("{label}: predicted {one}"),
        [first, .., last] if first == last => format!("{label}: predicted {first}"),
        [first, .., last] => format!("{label}: predicted {first} … {last}"),
    }
}

/// The units a case runs at once when nothing holds it back: the concurrency of an HTTP case,
/// the consumers of a queue, the limit or the units of a fan-out, the tasks of a sleep.
fn units_at_once(r: &CaseResult) -> Option<f64> {
    if let Some(c) = param_f64(r, "concurrency") {
        return Some(c);
    }
    if r.workload == "queue" {
        return param_f64(r, "consumers");
    }
    let units = param_f64(r, "tasks").or_else(|| param_f64(r, "units"))?;
    Some(param_f64(r, "limit").map_or(units, |l| l.min(units)))
}

/// A verified row that held exactly W units in flight while its case asked for more.
fn capped_at(r: &CaseResult, workers: usize) -> bool {
    measured(r).is_some()
        && r.peak_in_flight == Some(workers)
        && units_at_once(r).is_some_and(|u| u > workers as f64)
}

fn has_points(series: &[Series]) -> bool {
    series.iter().any(|s| !s.runs.is_empty())
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

#[cfg(test)]
mod tests {
    use super::*;
    use shootout_core::results::Stats;

    fn row(strategy: &str, n: u64, status: Status, median: u64) -> CaseResult {
        let mut r = CaseResult::empty(
            "sleep",
            &format!("sleep/timer/n={n}/d=10ms"),
            serde_json::json!({ "tasks": n, "sleep_ms": 10.0, "mode": "timer" }),
            strategy,
            3,
        );
        r.status = status;
        r.verified = status == Status::Ok;
        if status == Status::Ok {
            r.wall_ns = Some(Stats { median, min: median - 1000, max: median + 2000 });
        }
        r
    }

    fn sweep_of(rows: &[CaseResult]) -> Vec<Series> {
        let refs: Vec<&CaseResult> = rows.iter().collect();
        series_of(&refs, &["tokio", "rayon"], Some(2), |r| param_f64(r, "tasks"), wall)
    }

    #[test]
    fn slugs_are_file_names() {
        assert_eq!(slug("wait:1ms"), "wait-1ms");
        assert_eq!(slug("reuse"), "reuse");
    }

    #[test]
    fn lines_break_at_unmeasured_points_and_wide_gaps() {
        let mut skipped = row("tokio", 100, Status::Skipped, 0);
        skipped.predicted_ns = Some(50_000_000_000);
        let rows = vec![
            row("tokio", 1, Status::Ok, 10_000_000),
            row("tokio", 10, Status::Ok, 11_000_000),
            skipped,
            row("tokio", 1000, Status::Ok, 12_000_000),
            row("tokio", 100_000, Status::Ok, 13_000_000),
            row("rayon", 10_000, Status::Failed, 0),
        ];
        let series = sweep_of(&rows);
        let tokio = &series[0];
        let xs: Vec<Vec<f64>> = tokio.runs.iter().map(|r| r.iter().map(|p| p.x).collect()).collect();
        // 1–10 joined; 100 skipped; 1,000 alone (10,000 is in the sweep, unmeasured by tokio);
        // 100,000 alone.
        assert_eq!(xs, vec![vec![1.0, 10.0], vec![1000.0], vec![100_000.0]]);
        assert_eq!(tokio.missing, vec![Missing { xs: vec![100.0], label: "skipped: predicted 50 s".into() }]);
        assert_eq!(tokio.runs[0][0], Point { x: 1.0, y: 1e7, lo: 1e7 - 1000.0, hi: 1e7 + 2000.0 });
        assert_eq!(series[1].missing[0].label, "failed: no reason given");
    }

    #[test]
    fn neighbouring_skips_share_one_label_and_caps_are_found() {
        let mut rows = Vec::new();
        for (n, p) in [(1000, 5e10), (10_000, 5e11), (100_000, 5e12)] {
            let mut r = row("rayon", n, Status::Skipped, 0);
            r.predicted_ns = Some(p as u64);
            rows.push(r);
        }
        let mut capped = row("rayon", 100, Status::Ok, 500_000_000);
        capped.peak_in_flight = Some(2);
        rows.push(capped);
        let mut failed = row("tokio", 100, Status::Failed, 0);
        failed.error =
            Some("verify pass: child died by signal SIGABRT: failed to initiate panic, error 5".into());
        rows.push(failed);
        let series = sweep_of(&rows);
        let rayon = series.iter().find(|s| s.strategy == "rayon").unwrap();
        assert_eq!(rayon.missing.len(), 1);
        assert_eq!(rayon.missing[0].xs, vec![1000.0, 10_000.0, 100_000.0]);
        assert_eq!(rayon.missing[0].label, "skipped: predicted 50 s … 83 min");
        assert_eq!(rayon.capped, Some(2));
        let tokio = series.iter().find(|s| s.strategy == "tokio").unwrap();
        assert_eq!(tokio.missing[0].label, "failed: thread limit");
        assert_eq!(tokio.capped, None);
    }

    #[test]
    fn a_failure_reads_as_its_cause() {
        let failed = |error: &str| {
            let mut row =
                CaseResult::empty("sleep", "sleep/memory/n=100000/d=100ms", serde_json::json!({}), "may", 3);
            row.status = Status::Failed;
            row.error = Some(error.into());
            failure_reason(&row)
        };
        let may = "verify pass: child exited with status 101 and no report: panic: failed to alloc sys stack: \
                   IoError(Os { code: 12, kind: OutOfMemory, message: \"Cannot allocate memory\" }) at …/stack/mod.rs:321";
        assert_eq!(failed(may), "cannot allocate memory");
        let threads = "verify pass: child died by signal SIGABRT: panic: failed to set up alternative stack guard \
                       page: Cannot allocate memory (os error 12) | fatal runtime error: failed to initiate panic";
        assert_eq!(failed(threads), "thread limit");
        assert_eq!(
            failed("could not spawn thread 16367 of 100000: Resource temporarily unavailable (os error 11)"),
            "thread limit"
        );
    }

    #[test]
    fn predictions_read_in_rough_units() {
        assert_eq!(rough(5e10), "50 s");
        assert_eq!(rough(1e12), "17 min");
        assert_eq!(rough(1e14), "28 h");
        assert_eq!(rough(2.5e9), "2.5 s");
        let mut r = row("rayon", 10, Status::Skipped, 0);
        r.error = Some("predicted 10.0 s > --max-case-time 10s".into());
        assert_eq!(prediction(&r).as_deref(), Some("10.0 s"));
    }
}
