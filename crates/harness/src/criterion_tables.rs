//! criterion's results as shootout's tables, so `cargo bench` users get the published layout:
//! one table per benchmark group (a shootout case), a row per function (a strategy), read from
//! `<dir>/**/new/{benchmark,estimates,sample}.json`.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::report::format::{duration as human, ratio};
use crate::report::tie::{MIN_EFFECT, Verdict, ratio_interval, verdict};
use crate::table::Table;

#[derive(Deserialize)]
struct BenchmarkId {
    group_id: String,
    function_id: Option<String>,
    value_str: Option<String>,
}

#[derive(Deserialize)]
struct Interval {
    lower_bound: f64,
    upper_bound: f64,
}

#[derive(Deserialize)]
struct Estimate {
    confidence_interval: Interval,
    point_estimate: f64,
}

#[derive(Deserialize)]
struct Estimates {
    median: Estimate,
}

#[derive(Deserialize)]
struct Sample {
    iters: Vec<f64>,
    times: Vec<f64>,
}

/// One benchmark: criterion's median estimate and the spread of its samples.
#[derive(Debug, Clone, PartialEq)]
pub struct Bench {
    pub group: String,
    pub function: String,
    pub median_ns: f64,
    pub ci_ns: (f64, f64),
    /// Fastest and slowest sample, each the mean time per iteration within that sample.
    pub min_ns: f64,
    pub max_ns: f64,
    pub samples: usize,
    /// Each sample's mean time per iteration: what the tie rule resamples.
    pub sample_ns: Vec<f64>,
}

/// Every benchmark under `dir`, in no particular order.
pub fn read(dir: &Path) -> Result<Vec<Bench>, String> {
    if !dir.is_dir() {
        return Err(format!("{}: no criterion results here; run `cargo bench` first", dir.display()));
    }
    let mut found = Vec::new();
    find_new_dirs(dir, &mut found)?;
    if found.is_empty() {
        return Err(format!("{}: no */new/estimates.json here; run `cargo bench` first", dir.display()));
    }
    found.iter().map(|d| read_one(d)).collect()
}

fn find_new_dirs(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("{}: {e}", dir.display()))?;
        let path = entry.path();
        if !path.is_dir() {
            continue;
        }
        // `base` and `change` hold older runs; `report` holds criterion's HTML.
        if entry.file_name() == "new" {
            if path.join("benchmark.json").is_file() {
                out.push(path);
            }
        } else {
            find_new_dirs(&path, out)?;
        }
    }
    Ok(())
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: not criterion's format: {e}", path.display()))
}

fn read_one(dir: &Path) -> Result<Bench, String> {
    let id: BenchmarkId = read_json(&dir.join("benchmark.json"))?;
    let estimates: Estimates = read_json(&dir.join("estimates.json"))?;
    let sample: Sample = read_json(&dir.join("sample.json"))?;
    let per_iteration: Vec<f64> =
        sample.iters.iter().zip(&sample.times).filter(|(i, _)| **i > 0.0).map(|(i, t)| t / i).collect();
    let min_ns = per_iteration.iter().copied().fold(f64::INFINITY, f64::min);
    let max_ns = per_iteration.iter().copied().fold(0.0, f64::max);
    if per_iteration.is_empty() {
        return Err(format!("{}: sample.json holds no samples", dir.display()));
    }
    let function = match (id.function_id, id.value_str) {
        (Some(f), Some(v)) => format!("{f}/{v}"),
        (Some(f), None) => f,
        (None, Some(v)) => v,
        (None, None) => String::new(),
    };
    Ok(Bench {
        group: id.group_id,
        function,
        median_ns: estimates.median.point_estimate,
        ci_ns: (
            estimates.median.confidence_interval.lower_bound,
            estimates.median.confidence_interval.upper_bound,
        ),
        min_ns,
        max_ns,
        samples: per_iteration.len(),
        sample_ns: per_iteration,
    })
}

/// Order: the registry's strategies first, in its order, then any other function by name.
fn strategy_order(name: &str) -> (usize, String) {
    let at = crate::registry::STRATEGIES.iter().position(|e| e.name == name).unwrap_or(usize::MAX);
    (at, name.to_string())
}

/// Workloads in the order the published tables use; other groups after them.
fn workload_order(group: &str) -> usize {
    ["sleep", "fan-out", "http", "queue"]
        .iter()
        .position(|w| group.split('/').next() == Some(*w))
        .unwrap_or(usize::MAX)
}

/// The tie rule on two benchmarks' samples: can't tell `b` from `best`.
fn tied(best: &Bench, b: &Bench) -> bool {
    ratio_interval(&best.sample_ns, &b.sample_ns).is_some_and(|i| verdict(i, MIN_EFFECT) == Verdict::Tie)
}

/// The tables as markdown: a heading per workload, a table per group.
pub fn render(dir: &Path) -> Result<String, String> {
    let mut benches = read(dir)?;
    benches.sort_by(|a, b| {
        (workload_order(&a.group), &a.group, strategy_order(&a.function)).cmp(&(
            workload_order(&b.group),
            &b.group,
            strategy_order(&b.function),
        ))
    });
    let mut out = format!(
        "### criterion results\n\n\
         Rendered from `{}`. Per benchmark: criterion's median estimate with its 95% confidence interval; \
         min – max = the fastest and slowest sample (mean time per iteration within a sample); \
         × best = median ÷ the best median of the group; `≈` = can't tell it from the best (the 95% \
         bootstrap interval of the ratio of sample medians reaches within 3% of 1).\n",
        dir.display()
    );
    let mut workload = String::new();
    let mut start = 0;
    while start < benches.len() {
        let group = benches[start].group.clone();
        let end = start + benches[start..].iter().take_while(|b| b.group == group).count();
        let rows = &benches[start..end];
        let this_workload = group.split('/').next().unwrap_or("").to_string();
        if this_workload != workload {
            out.push_str(&format!("\n### {this_workload}\n"));
            workload = this_workload;
        }
        out.push('\n');
        out.push_str(&group_table(&group, rows).to_markdown());
        start = end;
    }
    Ok(out)
}

fn group_table(group: &str, rows: &[Bench]) -> Table {
    let best = rows.iter().min_by(|a, b| a.median_ns.total_cmp(&b.median_ns));
    let mut table = Table {
        title: group.to_string(),
        headers: ["strategy", "median", "95% CI", "min – max", "× best", "samples"]
            .iter()
            .map(|h| h.to_string())
            .collect(),
        rows: Vec::new(),
        right: vec![false, true, true, true, true, true],
    };
    for b in rows {
        let mut x_best =
            best.map_or_else(|| "–".to_string(), |best| ratio(b.median_ns / best.median_ns.max(1e-9)));
        if let Some(best) = best
            && !std::ptr::eq(best, b)
            && tied(best, b)
        {
            x_best.push_str(" ≈");
        }
        table.rows.push(vec![
            b.function.clone(),
            human(b.median_ns),
            format!("{} – {}", human(b.ci_ns.0), human(b.ci_ns.1)),
            format!("{} – {}", human(b.min_ns), human(b.max_ns)),
            x_best,
            b.samples.to_string(),
        ]);
    }
    table
}
