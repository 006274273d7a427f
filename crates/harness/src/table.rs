//! Tables of results: the table type with its two outputs (terminal text through comfy-table,
//! markdown), and the per-case and start-up tables every output prints.

use shootout_core::results::{Baseline, CaseResult, Status};

use crate::report::cases::{CaseView, size_of};
use crate::report::format::{bytes, duration as human, rate, ratio, signed};
use crate::report::ranking::is_floor;

/// `run --markdown` writes the one report document (kept under this name for the CLI).
pub use crate::report::render as markdown_report;
pub use crate::report::rows_of;

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
    /// An empty table with `(header, right-aligned)` columns.
    pub fn new(title: String, columns: &[(&str, bool)]) -> Self {
        Table {
            title,
            headers: columns.iter().map(|(h, _)| h.to_string()).collect(),
            rows: Vec::new(),
            right: columns.iter().map(|(_, r)| *r).collect(),
        }
    }

    /// Plain text for a terminal: a title line, a header, aligned columns two spaces apart.
    pub fn to_text(&self) -> String {
        self.text(None)
    }

    /// Plain text no wider than `width` columns where the cells allow: comfy-table wraps the
    /// text columns (a status and its reason) onto more lines; names and numbers never wrap.
    pub fn to_text_width(&self, width: u16) -> String {
        self.text(Some(width))
    }

    /// The same table without the named columns.
    pub fn without(&self, names: &[&str]) -> Table {
        let keep: Vec<usize> =
            (0..self.headers.len()).filter(|&i| !names.contains(&self.headers[i].as_str())).collect();
        let pick = |cells: &[String]| keep.iter().map(|&i| cells[i].clone()).collect::<Vec<String>>();
        Table {
            title: self.title.clone(),
            headers: pick(&self.headers),
            rows: self.rows.iter().map(|r| pick(r)).collect(),
            right: keep.iter().map(|&i| self.right[i]).collect(),
        }
    }

    fn text(&self, width: Option<u16>) -> String {
        use comfy_table::{CellAlignment, ColumnConstraint, ContentArrangement, presets};
        let mut t = comfy_table::Table::new();
        t.load_preset(presets::NOTHING);
        t.set_header(self.headers.clone());
        for row in &self.rows {
            t.add_row(row.clone());
        }
        match width {
            Some(w) => t.set_content_arrangement(ContentArrangement::Dynamic).set_width(w),
            None => t.set_content_arrangement(ContentArrangement::Disabled),
        };
        let last = self.headers.len().saturating_sub(1);
        for (i, right) in self.right.iter().enumerate() {
            if let Some(col) = t.column_mut(i) {
                col.set_padding((0, if i == last { 0 } else { 2 }));
                col.set_cell_alignment(if *right { CellAlignment::Right } else { CellAlignment::Left });
                // Only text columns after the first may wrap (a wrapped number or name misleads),
                // and never narrower than a short word.
                if width.is_some() {
                    col.set_constraint(if *right || i == 0 {
                        ColumnConstraint::ContentWidth
                    } else {
                        ColumnConstraint::LowerBoundary(comfy_table::Width::Fixed(12))
                    });
                }
            }
        }
        format!("{}\n{}\n", self.title, t.trim_fmt())
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

/// The status cell: `ok`, or the status with its reason.
pub fn status_cell(row: &CaseResult) -> String {
    match (&row.status, &row.error) {
        // An open-loop rate the schedule could not keep, or a runtime on its fallback driver,
        // is said on its row, never hidden.
        (Status::Ok, _) => {
            let said: Vec<&str> =
                ["warning", "runtime"].iter().filter_map(|key| row.notes.get(*key)?.as_str()).collect();
            if said.is_empty() { "ok".to_string() } else { format!("ok; {}", said.join("; ")) }
        }
        // An error that already says its status ("unsupported: …") is not prefixed twice.
        (status, Some(why)) if why.starts_with(&format!("{}: ", status.name())) => why.clone(),
        (status, Some(why)) => format!("{}: {why}", status.name()),
        (status, None) => status.name().to_string(),
    }
}

/// One case from its rows (all of one case): see `case_view_table`.
pub fn case_table(case: &str, rows: &[CaseResult]) -> Table {
    match CaseView::of(rows.iter().collect()) {
        Some(view) => case_view_table(&view),
        None => Table::new(case.to_string(), &[("strategy", false), ("status", false)]),
    }
}

/// One case: a row per strategy, with `≈` beside the × best of every strategy the run cannot
/// tell apart from the best. Columns that no row fills (throughput, latency, oversleep, memory
/// per task) are left out, so each workload shows what it measures.
pub fn case_view_table(view: &CaseView<'_>) -> Table {
    let (case, rows) = (view.name, &view.rows);
    let any = |f: &dyn Fn(&CaseResult) -> bool| rows.iter().any(|r| f(r));
    let ideal = rows.iter().find_map(|r| r.ideal_ns);
    let title = match ideal {
        Some(ns) => format!("{case}  (ideal {})", human(ns as f64)),
        None => case.to_string(),
    };
    let baseline_sleep = case.starts_with("sleep/baseline/");
    let show_mem = rows.first().and_then(|r| size_of(r)).is_some_and(|n| n >= 1_000)
        && any(&|r| r.mem_per_task_bytes.is_some());
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
    // The single-thread floor of a hand-off case comes last, labelled "(floor)".
    let (floor, competing): (Vec<&&CaseResult>, Vec<&&CaseResult>) = rows.iter().partition(|r| is_floor(r));
    for r in competing.into_iter().chain(floor) {
        let mut cells =
            vec![if is_floor(r) { format!("{} (floor)", r.strategy) } else { r.strategy.clone() }];
        match r.wall_ns {
            Some(w) => {
                cells.push(human(w.median as f64));
                cells.push(format!("{} – {}", human(w.min as f64), human(w.max as f64)));
            }
            None => cells.extend([dash(), dash()]),
        }
        let mut x_best = view.x_best(r).map_or_else(dash, ratio);
        if view.within_noise(r) && !view.is_best(r) {
            x_best.push_str(" ≈");
        }
        cells.push(x_best);
        if ideal.is_some() {
            cells.push(r.x_ideal.map_or_else(dash, ratio));
        }
        if baseline_sleep {
            let over = r.wall_ns.zip(r.ideal_ns).map(|(w, i)| w.median as f64 - i as f64);
            cells.push(over.map_or_else(dash, signed));
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
            r.verified = true;
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
    fn an_ok_row_says_its_warning_and_its_fallback_runtime() {
        let mut r = row("monoio", 10_000_000, Status::Ok);
        assert_eq!(status_cell(&r), "ok");
        r.notes.insert("runtime".into(), "running the legacy epoll driver".into());
        assert_eq!(status_cell(&r), "ok; running the legacy epoll driver");
        r.notes.insert("warning".into(), "rate not kept".into());
        assert_eq!(status_cell(&r), "ok; rate not kept; running the legacy epoll driver");
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
}
