//! `shootout compare BASE.json OTHER.json…`: each other run against the baseline, per case and
//! strategy, with the ranking's tie rule (bootstrap interval of the ratio of medians plus a
//! minimum effect) and one verdict line per run. Rows present in only one file are listed,
//! never dropped.

use shootout_core::results::{CaseResult, Results, Stats};

use crate::report::cases::{case_names, first_seen, measured};
use crate::report::format::{count, duration, ratio};
use crate::report::geomean;
use crate::report::tie::{Verdict, compare_rows};
use crate::table::Table;

/// One results file to compare: how to call it, where it came from, and what it holds.
pub struct Run<'a> {
    /// A short name for tables and verdicts: "A", "B", …
    pub label: String,
    /// Where it was read from (a path), shown once in the header.
    pub source: String,
    pub results: &'a Results,
}

/// What one run says against the baseline.
struct Section {
    notes: Vec<String>,
    table: Table,
    only: Vec<String>,
    verdict: String,
    summary: String,
    /// Whether the two runs order the strategies alike (`agreement`).
    agreement: Vec<String>,
}

/// Everything a comparison says, rendered as text or markdown.
struct Comparison {
    header: Vec<String>,
    sections: Vec<Section>,
}

/// The comparison as plain text for a terminal. `min_effect` is the smallest difference that
/// counts (0.03 = 3 %).
pub fn compare(runs: &[Run<'_>], min_effect: f64) -> Result<String, String> {
    let c = comparison(runs, min_effect)?;
    let mut out = c.header.join("\n");
    out.push('\n');
    for s in &c.sections {
        out.push('\n');
        for line in &s.notes {
            out.push_str(&format!("{line}\n"));
        }
        out.push_str(&s.table.to_text());
        for line in &s.only {
            out.push_str(&format!("{line}\n"));
        }
        out.push_str(&format!("{}\n{}\n", s.summary, s.verdict));
        for line in &s.agreement {
            out.push_str(&format!("{line}\n"));
        }
    }
    Ok(out)
}

/// The same comparison as markdown.
pub fn compare_markdown(runs: &[Run<'_>], min_effect: f64) -> Result<String, String> {
    let c = comparison(runs, min_effect)?;
    let mut out = String::new();
    for line in &c.header {
        out.push_str(&format!("- {line}\n"));
    }
    for s in &c.sections {
        out.push('\n');
        for line in &s.notes {
            out.push_str(&format!("- {line}\n"));
        }
        out.push('\n');
        out.push_str(&s.table.to_markdown());
        out.push('\n');
        for line in &s.only {
            out.push_str(&format!("- {line}\n"));
        }
        out.push_str(&format!("\n{}\n\n**{}**\n", s.summary, s.verdict));
        if !s.agreement.is_empty() {
            out.push('\n');
            for line in &s.agreement {
                out.push_str(&format!("{line}\n"));
            }
        }
    }
    Ok(out)
}

/// "A (results/a.json)", or "A" without a source.
fn named(run: &Run<'_>) -> String {
    if run.source.is_empty() { run.label.clone() } else { format!("{} ({})", run.label, run.source) }
}

fn describe(run: &Run<'_>) -> String {
    let e = &run.results.env;
    let mut line = format!(
        "{}: {} ({} cores), W = {}, {}, {}, git {}, preset {}",
        run.label, e.cpu, e.cores, e.workers, e.date, e.rustc, e.git, e.preset
    );
    if !run.source.is_empty() {
        line.push_str(&format!(" — {}", run.source));
    }
    line
}

fn cell(s: Option<Stats>, row: &CaseResult) -> String {
    match s {
        Some(s) => {
            format!("{} ({} – {})", duration(s.median as f64), duration(s.min as f64), duration(s.max as f64))
        }
        None => row.status.name().to_string(),
    }
}

fn comparison(runs: &[Run<'_>], min_effect: f64) -> Result<Comparison, String> {
    let [base, others @ ..] = runs else {
        return Err("compare needs a baseline and at least one other file".into());
    };
    if others.is_empty() {
        return Err("compare needs a baseline and at least one other file".into());
    }
    if !(min_effect.is_finite() && (0.0..1.0).contains(&min_effect)) {
        return Err(format!(
            "the threshold must be at least 0 % and under 100 %, got {} %",
            min_effect * 100.0
        ));
    }
    for other in others {
        if base.results.schema != other.results.schema {
            return Err(format!(
                "cannot compare results of schema {:?} ({}) with schema {:?} ({}): re-run one of them with the same shootout",
                base.results.schema, base.label, other.results.schema, other.label
            ));
        }
        let base_cases = case_names(base.results);
        if !case_names(other.results).iter().any(|c| base_cases.contains(c)) {
            return Err(format!("{} and {} share no case: nothing to compare", named(base), named(other)));
        }
    }
    let mut header: Vec<String> = runs.iter().map(describe).collect();
    header.push(format!(
        "Ratios are median ÷ {}'s median, with the 95 % bootstrap interval; a difference counts only when the \
         whole interval lies beyond ±{} % (else \"can't tell\").",
        base.label,
        ratio(min_effect * 100.0).trim_end_matches('0').trim_end_matches('.')
    ));
    let sections = others.iter().map(|o| section(base, o, min_effect)).collect();
    Ok(Comparison { header, sections })
}

/// How far a calibration (the LCG step, a system call) may differ between two runs before
/// the machine itself counts as changed.
const MACHINE_DRIFT: f64 = 0.10;

/// A note when the two runs' calibrations say the machine changed under them: on a VM the
/// same code ran 1.36–1.41 × slower on CPU-bound rows after a reboot (METHODOLOGY, "Runs from
/// different days"), which a reader would otherwise take for a code change.
fn machine_moved(a: &Results, b: &Results, la: &str, lb: &str) -> Option<String> {
    let moved: Vec<String> = a
        .env
        .calibration
        .iter()
        .filter_map(|(k, va)| {
            let vb = b.env.calibration.get(k)?;
            let factor = vb / va.max(f64::MIN_POSITIVE);
            (!(1.0 / (1.0 + MACHINE_DRIFT)..=1.0 + MACHINE_DRIFT).contains(&factor))
                .then(|| format!("{k} {va:.3} → {vb:.3} ({factor:.2} ×)"))
        })
        .collect();
    (!moved.is_empty()).then(|| {
        format!(
            "note: the machine itself changed ({la} → {lb}): {}; rows bound by that cost move with it, \
             whatever the code did",
            moved.join(", ")
        )
    })
}

fn section<'a>(a: &Run<'a>, b: &Run<'a>, min_effect: f64) -> Section {
    let (la, lb) = (a.label.as_str(), b.label.as_str());
    let (ra, rb) = (a.results, b.results);
    let mut notes = Vec::new();
    if ra.env.workers != rb.env.workers {
        notes.push(format!(
            "note: W differs ({la} {} workers, {lb} {}), so ratios mix the machine with the worker count",
            ra.env.workers, rb.env.workers
        ));
    }
    let changed: Vec<String> = ra
        .env
        .versions
        .iter()
        .filter_map(|(k, va)| {
            rb.env.versions.get(k).filter(|vb| *vb != va).map(|vb| format!("{k} {va} → {vb}"))
        })
        .collect();
    if !changed.is_empty() {
        notes.push(format!("versions that differ ({la} → {lb}): {}", changed.join(", ")));
    }
    if let Some(note) = machine_moved(ra, rb, la, lb) {
        notes.push(note);
    }
    let mut table = Table::new(
        format!("{lb} ÷ {la} per case and strategy (median, min – max)"),
        &[
            ("case", false),
            ("strategy", false),
            (la, true),
            (lb, true),
            (&format!("{lb}/{la} (95 % CI)"), true),
            ("verdict", false),
        ],
    );
    let mut only = Vec::new();
    let (mut faster, mut slower, mut ties) = (Vec::new(), Vec::new(), 0usize);
    let mut ratios = Vec::new();
    let (cases_a, cases_b) = (case_names(ra), case_names(rb));
    let strategies_of = |r: &'a Results| first_seen(r.cases.iter().map(|row| row.strategy.as_str()));
    let (strategies_a, strategies_b) = (strategies_of(ra), strategies_of(rb));
    let mut only_rows = 0usize;
    // A strategy missing from a whole file is one line, not one per case.
    for (label, mine, theirs, rows) in
        [(la, &strategies_a, &strategies_b, &ra.cases), (lb, &strategies_b, &strategies_a, &rb.cases)]
    {
        for s in mine.iter().filter(|s| !theirs.contains(s)) {
            let n = rows.iter().filter(|r| r.strategy == **s).count();
            only_rows += n;
            only.push(format!("only in {label}: strategy {s} (absent from the other file; {n} row(s))"));
        }
    }
    let in_both = |s: &str| strategies_a.contains(&s) && strategies_b.contains(&s);
    for &case in &cases_a {
        if !cases_b.contains(&case) {
            only_rows += ra.cases.iter().filter(|r| r.case == case && in_both(&r.strategy)).count();
            only.push(format!("only in {la}: {case} (every strategy)"));
            continue;
        }
        let rows_a: Vec<&CaseResult> = ra.cases.iter().filter(|r| r.case == case).collect();
        let rows_b: Vec<&CaseResult> = rb.cases.iter().filter(|r| r.case == case).collect();
        for row_a in &rows_a {
            let Some(row_b) = rows_b.iter().find(|r| r.strategy == row_a.strategy) else {
                if in_both(&row_a.strategy) {
                    only_rows += 1;
                    only.push(format!("only in {la}: {case} × {}", row_a.strategy));
                }
                continue;
            };
            let (sa, sb) = (measured(row_a), measured(row_b));
            let tested = sa.and(sb).and_then(|_| compare_rows(row_a, row_b, min_effect));
            let (ratio_cell, verdict) = match tested {
                Some((interval, v)) => {
                    ratios.push(interval.ratio);
                    let verdict = match v {
                        Verdict::Faster => {
                            faster.push(interval.ratio);
                            format!("{lb} faster")
                        }
                        Verdict::Slower => {
                            slower.push(interval.ratio);
                            format!("{lb} slower")
                        }
                        Verdict::Tie => {
                            ties += 1;
                            "can't tell".to_string()
                        }
                    };
                    (
                        format!("{} ({}–{})", ratio(interval.ratio), ratio(interval.lo), ratio(interval.hi)),
                        verdict,
                    )
                }
                None => (
                    "–".to_string(),
                    format!("not compared: {la} {}, {lb} {}", row_a.status.name(), row_b.status.name()),
                ),
            };
            table.rows.push(vec![
                case.to_string(),
                row_a.strategy.clone(),
                cell(sa, row_a),
                cell(sb, row_b),
                ratio_cell,
                verdict,
            ]);
        }
        for row_b in rows_b.iter().filter(|rb| !rows_a.iter().any(|ra| ra.strategy == rb.strategy)) {
            if in_both(&row_b.strategy) {
                only_rows += 1;
                only.push(format!("only in {lb}: {case} × {}", row_b.strategy));
            }
        }
    }
    for case in cases_b.iter().filter(|c| !cases_a.contains(c)) {
        only_rows += rb.cases.iter().filter(|r| r.case == *case && in_both(&r.strategy)).count();
        only.push(format!("only in {lb}: {case} (every strategy)"));
    }
    let n = ratios.len();
    let summary = match geomean(&ratios) {
        Some(g) => format!(
            "{} pairs compared: {lb}/{la} geomean {} ×; {} row(s) in only one file, not compared.",
            count(n as u64),
            ratio(g),
            only_rows
        ),
        None => format!("no case × strategy completed in both files; {only_rows} row(s) in only one file."),
    };
    let agreement = crate::agreement::agreement(ra, rb).lines(la, lb);
    Section {
        notes,
        table,
        only,
        verdict: verdict_line(la, lb, &faster, &slower, ties, n),
        summary,
        agreement,
    }
}

/// "B is 1.23 × faster than A on 14 of 68 cases, slower on 2 (1.10 ×), can't tell on 52": each
/// case × strategy pair counts once; the factors are geometric means over the pairs counted.
fn verdict_line(la: &str, lb: &str, faster: &[f64], slower: &[f64], ties: usize, n: usize) -> String {
    let mut line = match geomean(faster) {
        Some(g) => format!("{lb} is {} × faster than {la} on {} of {n} cases", ratio(1.0 / g), faster.len()),
        None => format!("{lb} is faster than {la} on 0 of {n} cases"),
    };
    match geomean(slower) {
        Some(g) => line.push_str(&format!(", slower on {} ({} ×)", slower.len(), ratio(g))),
        None => line.push_str(", slower on 0"),
    }
    line.push_str(&format!(", can't tell on {ties}"));
    line
}
