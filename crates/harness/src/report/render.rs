//! The markdown report, rendered from a results file alone: the machine, the decision guide,
//! a ranking per workload, the charts, the start-up table and a table per case. `run
//! --markdown`, `run --out`, `report` and the README splice all print this one document.

use shootout_core::results::Results;

use super::cases::{CaseView, case_views, strategies, workloads};
use super::format::{plural, ratio};
use super::guide::decision_guide;
use super::ranking::{FLOOR, Standing, floor_summary, ranked, ranking};
use crate::table::{self, Table};

pub(crate) fn ranking_table(title: String, standings: &[Standing]) -> Table {
    let mut table = Table::new(
        title,
        &[
            ("rank", true),
            ("strategy", false),
            ("score", true),
            ("geomean × best", true),
            ("within noise", true),
            ("completed", true),
            ("not completed", false),
        ],
    );
    for s in standings {
        let not_ok: Vec<String> = s.not_ok.iter().map(|(k, n)| format!("{k} {n}")).collect();
        table.rows.push(vec![
            match s.rank {
                Some(r) if s.tied => format!("{r}="),
                Some(r) => r.to_string(),
                None => "–".to_string(),
            },
            s.strategy.clone(),
            s.score.map_or_else(|| "–".to_string(), ratio),
            s.geomean.map_or_else(|| "–".to_string(), ratio),
            if s.completed == 0 {
                "–".to_string()
            } else {
                format!("{} of {}", s.within_noise, s.completed)
            },
            format!("{} of {}", s.completed, s.cases),
            if not_ok.is_empty() { "–".to_string() } else { not_ok.join(", ") },
        ]);
    }
    table
}

/// The machine line: what a reader needs to know where the numbers come from.
pub fn machine_line(results: &Results) -> String {
    let e = &results.env;
    let mut parts = vec![format!("**{}**, {} cores", e.cpu, e.cores)];
    if e.memory_bytes > 0 {
        parts.push(format!("{:.1} GiB", e.memory_bytes as f64 / (1u64 << 30) as f64));
    }
    for (label, value) in [("", &e.os), ("Linux ", &e.kernel)] {
        if !value.is_empty() && value != "unknown" {
            parts.push(format!("{label}{value}"));
        }
    }
    parts.push(format!("W = {}", e.workers));
    parts.push(e.rustc.clone());
    parts.push(format!("git {}", e.git));
    parts.push(format!("preset {}", if e.preset.is_empty() { "custom" } else { &e.preset }));
    parts.push(e.date.clone());
    if let Some(load) = e.load {
        let busy = if load.busy() { " — **a busy machine: not reproducible**" } else { "" };
        parts.push(format!("{}{busy}", load.describe()));
    }
    parts.join(" · ")
}

/// The report without charts.
pub fn render(results: &Results) -> String {
    render_with_charts(results, &[])
}

/// The report, with charts linked as `(alt text, link)` after the ranking: the summary, then
/// the start-up table and a table per case.
pub fn render_with_charts(results: &Results, charts: &[(String, String)]) -> String {
    let mut out = summary_with_charts(results, charts);
    out.push_str(&details(results));
    out
}

/// What the README holds: the machine, the decision guide, a ranking per workload and the
/// charts — the answer, without the per-case tables (those are report.md's).
pub fn summary_with_charts(results: &Results, charts: &[(String, String)]) -> String {
    let e = &results.env;
    let views = case_views(results);
    let names = strategies(results);
    let mut out = format!("### shootout results — {} ({} cores), {}\n\n", e.cpu, e.cores, e.date);
    out.push_str(&machine_line(results));
    out.push_str("\n\n");
    if !e.command.is_empty() {
        out.push_str(&format!("Measured with `{}`", e.command));
        let versions: Vec<String> = [
            "tokio",
            "async-std",
            "smol",
            "rayon",
            "compio",
            "monoio",
            "glommio",
            "may",
            "crossbeam-channel",
            "async-channel",
            "hyper",
            "ureq",
        ]
        .iter()
        .filter_map(|k| e.versions.get(*k).map(|v| format!("{k} {v}")))
        .collect();
        if !versions.is_empty() {
            out.push_str(&format!(" ({})", versions.join(", ")));
        }
        out.push_str(".\n\n");
    }

    let answers = super::answers::short_answers(&views, &names);
    if !answers.is_empty() {
        out.push_str("### In short\n\nOne line per question: the best strategy, then the next ones by score (geomean × best).\n\n");
        for line in answers {
            out.push_str(&format!("- {line}\n"));
        }
        out.push('\n');
    }
    out.push_str("### Decision guide\n\n");
    let guide = decision_guide(results, &views, &names);
    if guide.is_empty() {
        out.push_str("No case in this file completed, so there is nothing to decide from.\n");
    }
    for line in guide {
        out.push_str(&format!("- {line}\n"));
    }
    out.push('\n');

    out.push_str("### Ranking per workload\n\n");
    out.push_str(
        "Score: the geometric mean over a workload's cases of median ÷ the best median of the same case \
         (rebar's `rank`), where a case on which the run cannot tell the strategy from the best counts \
         as 1.00 (within noise: the 95 % bootstrap interval of the ratio of medians reaches within 3 % of \
         1). Equal scores share a rank (`=`). A strategy is scored only on the cases it completed, and one \
         that did not complete every case ranks after all that did. Single-sleep baselines (timer \
         precision) and cases whose waits are under 10 ms (where a timer's granularity, not the runtime, decides) \
         are reported beside the ranking, not in it. In queue cases, sequential is the \
         single-thread floor (no hand-off between threads or tasks): shown beside the ranking, not in it.\n\n",
    );
    for workload in workloads(results) {
        let family: Vec<&CaseView<'_>> =
            views.iter().filter(|v| v.workload == workload && ranked(v)).collect();
        if family.is_empty() {
            continue;
        }
        let standings = ranking(&family, &names);
        let title = format!("{workload} ({})", plural(family.len(), "case"));
        out.push_str(&ranking_table(title, &standings).to_markdown());
        if let Some((measured, cases, g)) = floor_summary(&family) {
            out.push_str(&format!(
                "\nSingle-thread floor, not ranked: {FLOOR} at {} × best (geomean over {measured} of {cases} \
                 cases), with no hand-off between threads or tasks.\n",
                ratio(g)
            ));
        }
        out.push('\n');
    }

    if !charts.is_empty() {
        out.push_str("### Charts\n\n");
        for (alt, link) in charts {
            out.push_str(&format!("![{alt}]({link})\n\n"));
        }
    }

    out
}

/// The start-up table and every case's table.
fn details(results: &Results) -> String {
    let views = case_views(results);
    let mut out = String::new();
    if !results.baselines.is_empty() {
        out.push_str(&table::baseline_table(&results.baselines).to_markdown());
        out.push('\n');
    }
    out.push_str(
        "Per case: median with min–max over the timed repetitions; × best = median ÷ the best median of \
         the case; `≈` = the run cannot tell it from the best (within noise, see the ranking); × ideal = median ÷ the \
         physical floor of the case; CPU = user + system time of one run; \"sequential (floor)\" = the \
         single-thread floor of a queue case, shown last and not ranked.\n",
    );
    for workload in workloads(results) {
        out.push_str(&format!("\n### {workload}\n"));
        for v in views.iter().filter(|v| v.workload == workload) {
            out.push('\n');
            out.push_str(&table::case_view_table(v).to_markdown());
        }
    }
    out
}
