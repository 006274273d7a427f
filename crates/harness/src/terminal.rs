//! The tables as a terminal shows them: the columns shown by default, the width they fit (the
//! terminal's, or 100 columns), and the legend printed under the first table. `--wide` shows
//! every column at full width.

use shootout_core::results::{Baseline, CaseResult, Results};

use crate::report::format::plural;
use crate::report::ranking::{FLOOR, floor_summary};
use crate::report::render::ranking_table;
use crate::report::{case_views, ranked, ranking, ratio, short_answers, strategies, workloads};
use crate::table::{Table, baseline_table, case_table};

/// The width tables fit when the terminal's is unknown (output to a file or a pipe).
pub const DEFAULT_WIDTH: u16 = 100;

/// Columns shown only with `--wide`: detail a reader rarely needs to choose (report.md keeps
/// them all).
pub const DETAIL_COLUMNS: [&str; 4] = ["p50", "CPU", "peak RSS", "threads"];

/// How wide, and which columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    /// Every column, no width limit.
    pub wide: bool,
    /// The width to fit when not wide.
    pub width: u16,
    /// Show each case's best row in bold (stdout is a terminal and `NO_COLOR` is unset);
    /// plain text otherwise, so a pipe or a file never holds escape codes.
    pub highlight: bool,
}

impl Layout {
    /// For this process's stdout: its terminal's width when it is one, else 100 columns.
    pub fn for_stdout(wide: bool) -> Layout {
        use std::io::IsTerminal;
        let highlight = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        Layout { wide, width: terminal_columns().unwrap_or(DEFAULT_WIDTH), highlight }
    }

    /// The default columns, fitted to `width`.
    pub fn fit(width: u16) -> Layout {
        Layout { wide: false, width, highlight: false }
    }

    /// Every column at full width.
    pub fn wide() -> Layout {
        Layout { wide: true, width: DEFAULT_WIDTH, highlight: false }
    }
}

/// The columns of stdout's terminal, when stdout is one.
fn terminal_columns() -> Option<u16> {
    // SAFETY: TIOCGWINSZ writes a `winsize` into the struct we own; on failure it writes nothing.
    let mut size: libc::winsize = unsafe { std::mem::zeroed() };
    let ok = unsafe { libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut size) } == 0;
    (ok && size.ws_col > 0).then_some(size.ws_col)
}

/// A table as text in `layout`.
pub fn text(table: &Table, layout: Layout) -> String {
    if layout.wide { table.to_text() } else { table.without(&DETAIL_COLUMNS).to_text_width(layout.width) }
}

/// One case's table (rows all of that case) as text in `layout`. By default p99 is shown only
/// for HTTP and mem/task only for sleep, where they answer the case's question.
pub fn case_text(case: &str, rows: &[CaseResult], layout: Layout) -> String {
    let table = case_table(case, rows);
    let best = layout
        .highlight
        .then(|| crate::report::CaseView::of(rows.iter().collect()))
        .flatten()
        .and_then(|v| v.best_row.map(|r| r.strategy.clone()));
    let out =
        if layout.wide { text(&table, layout) } else { text(&table.without(&default_hidden(case)), layout) };
    match best {
        Some(strategy) => bold_row(&out, &strategy),
        None => out,
    }
}

/// Bold (ANSI) on the first line of the row whose first cell is `strategy`; the table is laid
/// out before, so the escape codes take no columns.
pub fn bold_row(text: &str, strategy: &str) -> String {
    let mut done = false;
    let lines: Vec<String> = text
        .lines()
        .map(|line| {
            let first = line.split("  ").next().unwrap_or("").trim_end();
            if !done && first == strategy {
                done = true;
                format!("\x1b[1m{line}\x1b[0m")
            } else {
                line.to_string()
            }
        })
        .collect();
    let mut out = lines.join("\n");
    if text.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// The columns a case's table leaves out by default: p99 outside HTTP, submit and open loop,
/// mem/task outside sleep.
fn default_hidden(case: &str) -> Vec<&'static str> {
    let workload = case.split('/').next().unwrap_or("");
    let mut hidden: Vec<&'static str> = Vec::new();
    // p99 answers HTTP (request latency), submit (hand-over to start) and an open-loop queue
    // (from each message's due time).
    if workload != "http" && workload != "submit" && !case.contains("/rate=") {
        hidden.push("p99");
    }
    if workload != "sleep" {
        hidden.push("mem/task");
    }
    hidden
}

/// The start-up table as text in `layout`.
pub fn baseline_text(baselines: &[Baseline], layout: Layout) -> String {
    text(&baseline_table(baselines), layout)
}

/// The legend printed once, under the first case table: what the columns and marks mean.
pub fn legend(layout: Layout) -> String {
    let mut parts = vec![
        "× best = median ÷ the best median of the case (≈: this run can't tell it from the best)",
        "× ideal = median ÷ the case's physical floor",
        "in flight = most units waiting at once",
        "mem/task = (peak RSS − the runtime's own) ÷ N",
        "(floor) = sequential, the single-thread floor of a hand-off case, not ranked",
    ];
    if !layout.wide {
        parts.push("--wide shows p50, CPU, peak RSS and threads too");
    }
    wrap(&format!("Legend: {}.", parts.join("; ")), if layout.wide { u16::MAX } else { layout.width })
}

/// The answer a run ends with: a ranking per workload and the decision guide, fitted to
/// `layout` (the same ranking and guide as report.md, as plain text).
pub fn verdict(results: &Results, layout: Layout) -> String {
    let views = case_views(results);
    let names = strategies(results);
    let width = if layout.wide { u16::MAX } else { layout.width };
    let mut out = String::new();
    for workload in workloads(results) {
        let family: Vec<_> = views.iter().filter(|v| v.workload == workload && ranked(v)).collect();
        if family.is_empty() {
            continue;
        }
        let title = format!("Ranking: {workload} ({})", plural(family.len(), "case"));
        out.push_str(&text(
            &ranking_table(title, &ranking(&family, &names)).without(&["geomean × best"]),
            layout,
        ));
        if let Some((measured, cases, g)) = floor_summary(&family) {
            out.push_str(&wrap(
                &format!(
                    "Single-thread floor, not ranked: {FLOOR} at {} × best ({measured} of {cases} cases).",
                    ratio(g)
                ),
                width,
            ));
        }
        out.push('\n');
    }
    // One line per question; the full guide, a line per case family, is report.md's.
    let answers = short_answers(&views, &names);
    if !answers.is_empty() {
        out.push_str("Decision guide (best, then × its score; details in report.md)\n");
        for line in answers {
            // Continuation lines hang under the text, so each answer reads as one item.
            out.push_str(wrap(&format!("- {line}"), width).replace('\n', "\n  ").trim_end_matches(' '));
        }
    }
    out
}

/// Greedy word wrap to `width` columns.
fn wrap(text: &str, width: u16) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width as usize {
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    out.push_str(&line);
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_legend_wraps_to_the_width() {
        let legend = legend(Layout::fit(60));
        assert!(legend.lines().count() > 3, "{legend}");
        assert!(legend.lines().all(|l| l.chars().count() <= 60), "{legend}");
        assert!(legend.contains("--wide"));
        assert!(!super::legend(Layout::wide()).contains("--wide"));
    }

    #[test]
    fn the_best_row_is_bold_only_when_highlighting() {
        use shootout_core::results::{Stats, Status};
        let row = |strategy: &str, ms: u64| {
            let mut r =
                CaseResult::empty("sleep", "sleep/timer/n=10/d=10ms", serde_json::json!({}), strategy, 3);
            r.status = Status::Ok;
            r.verified = true;
            r.samples_ns = vec![ms * 1_000_000; 3];
            r.wall_ns = Stats::of(&r.samples_ns);
            r
        };
        let rows = [row("tokio", 12), row("smol", 10), row("smol-local", 11)];
        let plain = case_text("sleep/timer/n=10/d=10ms", &rows, Layout::fit(100));
        assert!(!plain.contains('\x1b'), "{plain}");
        let tty = case_text("sleep/timer/n=10/d=10ms", &rows, Layout { highlight: true, ..Layout::fit(100) });
        let bold: Vec<&str> = tty.lines().filter(|l| l.contains("\x1b[1m")).collect();
        assert_eq!(bold.len(), 1, "{tty}");
        assert!(bold[0].starts_with("\x1b[1msmol "), "{}", bold[0]);
        // Same layout otherwise.
        assert_eq!(tty.replace("\x1b[1m", "").replace("\x1b[0m", ""), plain);
    }
}
