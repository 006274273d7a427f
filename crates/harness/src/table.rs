//! Tables of results, for the terminal and as markdown, rendered from data alone.

use shootout_core::duration::human;
use shootout_core::results::{Baseline, CaseResult, Results, Status};

/// A rectangular table: numbers right-aligned, text left-aligned.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub title: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Per column: right-align (numbers) or not.
    pub right: Vec<bool>,
}

impl Table {
    fn new(title: String, columns: &[(&str, bool)]) -> Self {
        Table {
            title,
            headers: columns.iter().map(|(h, _)| h.to_string()).collect(),
            rows: Vec::new(),
            right: columns.iter().map(|(_, r)| *r).collect(),
        }
    }

    /// Plain text for a terminal: a title line, a header, aligned columns.
    pub fn to_text(&self) -> String {
        let widths: Vec<usize> = (0..self.headers.len())
            .map(|c| {
                std::iter::once(&self.headers[c])
                    .chain(self.rows.iter().map(|r| &r[c]))
                    .map(|s| s.chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let line = |cells: &[String]| {
            let mut out = String::new();
            for (c, cell) in cells.iter().enumerate() {
                let pad = widths[c] - cell.chars().count();
                let last = c + 1 == cells.len();
                if self.right[c] {
                    out.push_str(&" ".repeat(pad));
                    out.push_str(cell);
                } else {
                    out.push_str(cell);
                    if !last {
                        out.push_str(&" ".repeat(pad));
                    }
                }
                if !last {
                    out.push_str("  ");
                }
            }
            out.trim_end().to_string()
        };
        let mut out = format!("{}\n", self.title);
        out.push_str(&line(&self.headers));
        out.push('\n');
        for row in &self.rows {
            out.push_str(&line(row));
            out.push('\n');
        }
        out
    }

    /// A GitHub-flavoured markdown table under a `####` title.
    pub fn to_markdown(&self) -> String {
        let esc = |s: &str| s.replace('|', "\\|");
        let mut out = format!("#### {}\n\n", self.title);
        out.push_str(&format!(
            "| {} |\n",
            self.headers.iter().map(|h| esc(h)).collect::<Vec<_>>().join(" | ")
        ));
        out.push_str(&format!(
            "|{}|\n",
            self.right.iter().map(|r| if *r { "---:" } else { "---" }).collect::<Vec<_>>().join("|")
        ));
        for row in &self.rows {
            out.push_str(&format!("| {} |\n", row.iter().map(|c| esc(c)).collect::<Vec<_>>().join(" | ")));
        }
        out
    }
}

pub fn bytes(b: f64) -> String {
    let (v, unit) = if b >= 1024.0 * 1024.0 * 1024.0 {
        (b / (1024.0 * 1024.0 * 1024.0), "GiB")
    } else if b >= 1024.0 * 1024.0 {
        (b / (1024.0 * 1024.0), "MiB")
    } else if b >= 1024.0 {
        (b / 1024.0, "KiB")
    } else {
        return format!("{b:.0} B");
    };
    if v >= 100.0 { format!("{v:.0} {unit}") } else { format!("{v:.1} {unit}") }
}

fn ratio(x: f64) -> String {
    if x >= 100.0 {
        format!("{x:.0}")
    } else if x >= 10.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    }
}

fn rate(v: f64) -> String {
    if v >= 1e6 {
        format!("{:.2}M", v / 1e6)
    } else if v >= 1e3 {
        format!("{:.1}k", v / 1e3)
    } else {
        format!("{v:.0}")
    }
}

/// The status cell: `ok`, or the status with its reason.
pub fn status_cell(row: &CaseResult) -> String {
    match (&row.status, &row.error) {
        (Status::Ok, _) => "ok".to_string(),
        (status, Some(why)) => format!("{}: {why}", status.name()),
        (status, None) => status.name().to_string(),
    }
}

/// One case: a row per strategy. Columns that no row fills (throughput, latency, oversleep,
/// memory per task) are left out, so each workload shows what it measures.
pub fn case_table(case: &str, rows: &[CaseResult]) -> Table {
    let any = |f: &dyn Fn(&CaseResult) -> bool| rows.iter().any(f);
    let ideal = rows.iter().find_map(|r| r.ideal_ns);
    let title = match ideal {
        Some(ns) => format!("{case}  (ideal {})", human(ns as f64)),
        None => case.to_string(),
    };
    let baseline_sleep = case.starts_with("sleep/baseline/");
    let show_mem =
        rows.first().is_some_and(|r| units_of(r) >= 1_000) && any(&|r| r.mem_per_task_bytes.is_some());
    let show_tp = any(&|r| r.throughput.is_some());
    let show_lat = any(&|r| r.latency_ns.is_some());
    let mut cols: Vec<(&str, bool)> =
        vec![("strategy", false), ("median", true), ("min – max", true), ("× best", true)];
    if ideal.is_some() {
        cols.push(("× ideal", true));
    }
    if baseline_sleep {
        cols.push(("oversleep", true));
    }
    if show_tp {
        cols.push(("throughput", true));
    }
    if show_lat {
        cols.push(("p50", true));
        cols.push(("p99", true));
    }
    cols.extend([("CPU", true), ("peak RSS", true)]);
    if show_mem {
        cols.push(("mem/task", true));
    }
    cols.extend([("threads", true), ("in flight", true), ("status", false)]);
    let mut table = Table::new(title, &cols);
    let dash = || "–".to_string();
    for r in rows {
        let mut cells = vec![r.strategy.clone()];
        match r.wall_ns {
            Some(w) => {
                cells.push(human(w.median as f64));
                cells.push(format!("{} – {}", human(w.min as f64), human(w.max as f64)));
            }
            None => cells.extend([dash(), dash()]),
        }
        cells.push(r.x_best.map_or_else(dash, ratio));
        if ideal.is_some() {
            cells.push(r.x_ideal.map_or_else(dash, ratio));
        }
        if baseline_sleep {
            let over = r.wall_ns.zip(r.ideal_ns).map(|(w, i)| w.median as f64 - i as f64);
            cells.push(
                over.map_or_else(dash, |o| format!("{}{}", if o < 0.0 { "-" } else { "+" }, human(o.abs()))),
            );
        }
        if show_tp {
            cells.push(r.throughput.as_ref().map_or_else(dash, |t| format!("{} {}", rate(t.value), t.unit)));
        }
        if show_lat {
            cells.push(r.latency_ns.map_or_else(dash, |l| human(l.p50 as f64)));
            cells.push(r.latency_ns.map_or_else(dash, |l| human(l.p99 as f64)));
        }
        cells.push(r.cpu_ns.map_or_else(dash, |c| human(c as f64)));
        cells.push(r.peak_rss_bytes.map_or_else(dash, |b| bytes(b as f64)));
        if show_mem {
            cells.push(r.mem_per_task_bytes.map_or_else(dash, bytes));
        }
        cells.push(r.threads_peak.map_or_else(dash, |t| t.to_string()));
        cells.push(r.peak_in_flight.map_or_else(dash, |p| p.to_string()));
        cells.push(status_cell(r));
        table.rows.push(cells);
    }
    table
}

fn units_of(row: &CaseResult) -> u64 {
    ["tasks", "units", "requests", "messages"]
        .iter()
        .find_map(|k| row.params.get(*k).and_then(|v| v.as_u64()))
        .unwrap_or(0)
}

/// What each strategy costs before it runs anything.
pub fn baseline_table(baselines: &[Baseline]) -> Table {
    let mut table = Table::new(
        "runtime start-up (built, nothing run)".to_string(),
        &[("strategy", false), ("start-up", true), ("peak RSS", true), ("threads", true), ("status", false)],
    );
    for b in baselines {
        table.rows.push(vec![
            b.strategy.clone(),
            b.startup_ns.map_or_else(|| "–".into(), |n| human(n as f64)),
            b.peak_rss_bytes.map_or_else(|| "–".into(), |n| bytes(n as f64)),
            b.threads.map_or_else(|| "–".into(), |n| n.to_string()),
            match &b.error {
                None => b.status.name().to_string(),
                Some(e) => format!("{}: {e}", b.status.name()),
            },
        ]);
    }
    table
}

/// The rows of one case, in the order they were measured.
pub fn rows_of(results: &Results, case: &str) -> Vec<CaseResult> {
    results.cases.iter().filter(|r| r.case == case).cloned().collect()
}

/// Case names in first-seen order.
pub fn case_names(results: &Results) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for r in &results.cases {
        if !names.contains(&r.case) {
            names.push(r.case.clone());
        }
    }
    names
}

/// Every table of a results file as markdown: environment, start-up, then each case.
pub fn markdown_report(results: &Results) -> String {
    let e = &results.env;
    let mut out = format!(
        "### shootout results — {} ({} cores), {}\n\n{} · {} · W = {} · {} · preset {} · git {}\n\n",
        e.cpu, e.cores, e.date, e.os, e.kernel, e.workers, e.rustc, e.preset, e.git
    );
    out.push_str(&baseline_table(&results.baselines).to_markdown());
    for name in case_names(results) {
        out.push('\n');
        out.push_str(&case_table(&name, &rows_of(results, &name)).to_markdown());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use shootout_core::results::Stats;

    fn row(strategy: &str, median: u64, status: Status) -> CaseResult {
        let mut r = CaseResult::empty(
            "sleep",
            "sleep/timer/n=100/d=10ms",
            serde_json::json!({"tasks": 100}),
            strategy,
            3,
        );
        r.status = status;
        if status == Status::Ok {
            r.wall_ns = Stats::of(&[median, median + 10, median - 10]);
            r.x_best = Some(median as f64 / 10_000_000.0);
            r.ideal_ns = Some(10_000_000);
            r.x_ideal = Some(median as f64 / 10_000_000.0);
        } else {
            r.error = Some("predicted 1.00 s > --max-case-time 10ms".into());
        }
        r
    }

    #[test]
    fn text_table_aligns_and_shows_status() {
        let rows = vec![row("tokio", 10_000_000, Status::Ok), row("sequential", 0, Status::Skipped)];
        let text = case_table("sleep/timer/n=100/d=10ms", &rows).to_text();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 4, "{text}");
        assert!(lines[0].starts_with("sleep/timer/n=100/d=10ms  (ideal 10.0 ms)"));
        assert!(lines[2].starts_with("tokio") && lines[2].contains("10.0 ms") && lines[2].ends_with("ok"));
        assert!(lines[3].contains("skipped: predicted 1.00 s"));
        // Columns line up: "× best" header and the values end at the same column.
        let col_end = lines[1].find("× best").unwrap() + "× best".chars().count();
        assert_eq!(lines[2].chars().take(col_end).collect::<String>().trim_end().chars().last(), Some('0'));
    }

    #[test]
    fn markdown_table_has_header_separator_and_rows() {
        let rows = vec![row("tokio", 10_000_000, Status::Ok), row("smol", 11_000_000, Status::Ok)];
        let md = case_table("sleep/timer/n=100/d=10ms", &rows).to_markdown();
        let lines: Vec<&str> = md.lines().collect();
        assert!(lines[0].starts_with("#### sleep/timer"));
        assert!(lines[2].starts_with("| strategy | median"));
        assert!(lines[3].starts_with("|---|---:"));
        assert_eq!(lines.len(), 6);
    }

    #[test]
    fn byte_units() {
        assert_eq!(bytes(512.0), "512 B");
        assert_eq!(bytes(2048.0), "2.0 KiB");
        assert_eq!(bytes(3.5 * 1024.0 * 1024.0), "3.5 MiB");
    }
}
