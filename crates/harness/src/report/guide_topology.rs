//! The decision guide's topology lines: how to run a runtime, not which one — work stealing
//! (tokio against tokio-per-core on skewed fan-out), one thread against W (current-thread
//! against multi-thread, per workload), and what each strategy gains from W = 1 to the run's W
//! (the worker sweep). Each line appears only when the file holds the rows it reads.

use super::cases::{CaseView, measured, sweep_base, sweep_w};
use super::format::{join_and, ratio};
use super::ranking::{geomean, ranked};

/// Median of `a` ÷ median of `b` on one case, both verified.
fn time_ratio(view: &CaseView<'_>, a: &str, b: &str) -> Option<f64> {
    let (x, y) = (measured(view.row(a)?)?, measured(view.row(b)?)?);
    Some(x.median.max(1) as f64 / y.median.max(1) as f64)
}

/// "tokio-per-core 1.62 × tokio's time with the heavy units striped across a round-robin
/// split, 1.02 × with them scattered".
fn stealing_line(views: &[&CaseView<'_>]) -> Option<String> {
    let skew = |pattern: &str| {
        views
            .iter()
            .filter(|v| v.workload == "fan-out" && v.variant() == "skew" && v.name.contains(pattern))
            .find_map(|v| Some((time_ratio(v, "tokio-per-core", "tokio")?, *v)))
    };
    let (striped, view) = skew("skew=striped")?;
    let mut line = format!(
        "**Work stealing** (fan-out, a quarter of the units 10 × heavier; {}): tokio-per-core (one \
         current-thread runtime per core, units dealt round-robin) took {} × multi-thread tokio's time \
         when the heavy units all fell on one runtime",
        sweep_base(view.name),
        ratio(striped)
    );
    if let Some((scattered, _)) = skew("skew=scattered") {
        line.push_str(&format!(", {} × when they were scattered", ratio(scattered)));
    }
    line.push_str(
        ": a thread-per-core layout is as fast only when the work is spread evenly in advance; \
         stealing evens it out at run time.",
    );
    Some(line)
}

/// "tokio-current-thread against tokio: 0.93 × on sleep (12 cases), 1.85 × on fan-out …".
fn single_thread_line(views: &[&CaseView<'_>], workloads: &[&str]) -> Option<String> {
    let mut parts = Vec::new();
    for workload in workloads {
        let ratios: Vec<f64> = views
            .iter()
            .filter(|v| v.workload == *workload)
            .filter_map(|v| time_ratio(v, "tokio-current-thread", "tokio"))
            .collect();
        if let Some(g) = geomean(&ratios) {
            parts.push(format!("{} × on {workload} ({})", ratio(g), ratios.len()));
        }
    }
    (!parts.is_empty()).then(|| {
        format!(
            "**One thread or W** (tokio-current-thread's time ÷ multi-thread tokio's, geomean per workload, \
             cases in brackets): {}. Below 1, the work fits one thread and hand-offs between workers cost \
             more than they bring.",
            parts.join(", ")
        )
    })
}

/// "From W = 1 to W = 2 (5 scaling cases): rayon 1.97 ×, tokio 1.93 × …": the geometric mean
/// over the sweep's cases of each strategy's time at W = 1 ÷ its time at the run's W.
fn scaling_line(all: &[CaseView<'_>], workers: usize) -> Option<String> {
    let at_one: Vec<&CaseView<'_>> = all.iter().filter(|v| sweep_w(v.name) == Some(1)).collect();
    if workers <= 1 || at_one.is_empty() {
        return None;
    }
    let mut gains: Vec<(f64, String)> = Vec::new();
    let mut strategies: Vec<&str> = Vec::new();
    for v in &at_one {
        for r in &v.rows {
            if !strategies.contains(&r.strategy.as_str()) {
                strategies.push(&r.strategy);
            }
        }
    }
    let mut cases = 0;
    for name in strategies {
        let ratios: Vec<f64> = at_one
            .iter()
            .filter_map(|one| {
                let base = sweep_base(one.name);
                let full =
                    all.iter().find(|v| sweep_base(v.name) == base && sweep_w(v.name) == Some(workers))?;
                let (slow, fast) = (measured(one.row(name)?)?, measured(full.row(name)?)?);
                Some(slow.median.max(1) as f64 / fast.median.max(1) as f64)
            })
            .collect();
        cases = cases.max(ratios.len());
        if let Some(g) = geomean(&ratios) {
            gains.push((g, format!("{name} {} ×", ratio(g))));
        }
    }
    if gains.is_empty() {
        return None;
    }
    gains.sort_by(|a, b| b.0.total_cmp(&a.0));
    let list: Vec<String> = gains.into_iter().map(|(_, text)| text).collect();
    Some(format!(
        "**Scaling with W** (time at W = 1 ÷ time at W = {workers}, geomean over {cases} scaling cases; \
         {workers} × is perfect): {}.",
        join_and(&list)
    ))
}

/// The topology lines this file supports, in the order a reader decides: stealing, one thread
/// or W, scaling.
pub fn topology_lines(all: &[CaseView<'_>], workloads: &[&str], workers: usize) -> Vec<String> {
    let here: Vec<&CaseView<'_>> = all.iter().filter(|v| ranked(v)).collect();
    let mut lines = Vec::new();
    lines.extend(stealing_line(&here));
    lines.extend(single_thread_line(&here, workloads));
    lines.extend(scaling_line(all, workers));
    lines
}
