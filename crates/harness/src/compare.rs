//! `shootout compare A.json B.json`: per case and strategy, B's median ÷ A's with a noise flag,
//! for two machines, two versions of a runtime, or before and after a change. Rows present in
//! only one file are listed, never dropped.

use shootout_core::results::{CaseResult, Results, Stats};

use crate::report::format::{count, duration as human, ratio};
use crate::report::tie::overlaps;
use crate::report::{geomean, measured};
use crate::table::Table;

/// Everything a comparison says, rendered as text or markdown.
struct Comparison {
    header: Vec<String>,
    table: Table,
    only: Vec<String>,
    summary: String,
}

/// The comparison as plain text for a terminal.
pub fn compare(a: &Results, b: &Results) -> Result<String, String> {
    let c = comparison(a, b)?;
    let mut out = c.header.join("\n");
    out.push_str("\n\n");
    out.push_str(&c.table.to_text());
    out.push('\n');
    for line in &c.only {
        out.push_str(line);
        out.push('\n');
    }
    if !c.only.is_empty() {
        out.push('\n');
    }
    out.push_str(&c.summary);
    out.push('\n');
    Ok(out)
}

/// The same comparison as markdown.
pub fn compare_markdown(a: &Results, b: &Results) -> Result<String, String> {
    let c = comparison(a, b)?;
    let mut out = String::new();
    for line in &c.header {
        out.push_str(&format!("- {line}\n"));
    }
    out.push('\n');
    out.push_str(&c.table.to_markdown());
    out.push('\n');
    for line in &c.only {
        out.push_str(&format!("- {line}\n"));
    }
    if !c.only.is_empty() {
        out.push('\n');
    }
    out.push_str(&c.summary);
    out.push('\n');
    Ok(out)
}

fn describe(label: &str, r: &Results) -> String {
    let e = &r.env;
    format!(
        "{label}: {} ({} cores), W = {}, {}, {}, git {}, preset {}",
        e.cpu, e.cores, e.workers, e.date, e.rustc, e.git, e.preset
    )
}

fn cell(s: Option<Stats>, row: Option<&CaseResult>) -> String {
    match (s, row) {
        (Some(s), _) => {
            format!("{} ({} – {})", human(s.median as f64), human(s.min as f64), human(s.max as f64))
        }
        (None, Some(r)) => r.status.name().to_string(),
        (None, None) => "–".to_string(),
    }
}

fn comparison(a: &Results, b: &Results) -> Result<Comparison, String> {
    if a.schema != b.schema {
        return Err(format!(
            "cannot compare results of schema {:?} with schema {:?}: re-run one of them with the same shootout",
            a.schema, b.schema
        ));
    }
    let mut header = vec![describe("A", a), describe("B", b)];
    if a.env.workers != b.env.workers {
        header.push(format!(
            "note: W differs (A {} workers, B {}), so ratios mix the machine with the worker count",
            a.env.workers, b.env.workers
        ));
    }
    let mut changed: Vec<String> = Vec::new();
    for (k, va) in &a.env.versions {
        match b.env.versions.get(k) {
            Some(vb) if vb != va => changed.push(format!("{k} {va} → {vb}")),
            _ => {}
        }
    }
    if !changed.is_empty() {
        header.push(format!("versions that differ: {}", changed.join(", ")));
    }

    let mut table = Table {
        title: "B ÷ A per case and strategy (median, min – max; ~ noise = the ranges overlap)".to_string(),
        headers: ["case", "strategy", "A", "B", "B/A", "verdict"].iter().map(|h| h.to_string()).collect(),
        rows: Vec::new(),
        right: vec![false, false, true, true, true, false],
    };
    let mut only = Vec::new();
    let (mut faster, mut slower, mut noise) = (0usize, 0usize, 0usize);
    let mut ratios = Vec::new();

    let cases_of = |r: &Results| -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for row in &r.cases {
            if !names.contains(&row.case) {
                names.push(row.case.clone());
            }
        }
        names
    };
    let strategies_of = |r: &Results| -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for row in &r.cases {
            if !names.contains(&row.strategy) {
                names.push(row.strategy.clone());
            }
        }
        names
    };
    let (cases_a, cases_b) = (cases_of(a), cases_of(b));
    let (strategies_a, strategies_b) = (strategies_of(a), strategies_of(b));
    let mut only_rows = 0usize;
    // A strategy missing from a whole file is one line, not one per case.
    for (label, mine, theirs, rows) in
        [("A", &strategies_a, &strategies_b, &a.cases), ("B", &strategies_b, &strategies_a, &b.cases)]
    {
        for s in mine.iter().filter(|s| !theirs.contains(s)) {
            let n = rows.iter().filter(|r| &r.strategy == s).count();
            only_rows += n;
            only.push(format!("only in {label}: strategy {s} (absent from the other file; {n} row(s))"));
        }
    }
    let in_both = |s: &str| strategies_a.iter().any(|x| x == s) && strategies_b.iter().any(|x| x == s);
    for case in &cases_a {
        if !cases_b.contains(case) {
            only_rows += a.cases.iter().filter(|r| &r.case == case && in_both(&r.strategy)).count();
            only.push(format!("only in A: {case} (every strategy)"));
            continue;
        }
        let rows_a: Vec<&CaseResult> = a.cases.iter().filter(|r| &r.case == case).collect();
        let rows_b: Vec<&CaseResult> = b.cases.iter().filter(|r| &r.case == case).collect();
        for ra in &rows_a {
            let Some(rb) = rows_b.iter().find(|r| r.strategy == ra.strategy) else {
                if in_both(&ra.strategy) {
                    only_rows += 1;
                    only.push(format!("only in A: {case} × {}", ra.strategy));
                }
                continue;
            };
            let (sa, sb) = (measured(ra), measured(rb));
            let (ratio_cell, verdict) = match (sa, sb) {
                (Some(x), Some(y)) => {
                    let r = y.median.max(1) as f64 / x.median.max(1) as f64;
                    ratios.push(r);
                    let verdict = if overlaps(x, y) {
                        noise += 1;
                        "~ noise"
                    } else if r < 1.0 {
                        faster += 1;
                        "B faster"
                    } else {
                        slower += 1;
                        "B slower"
                    };
                    (ratio(r), verdict.to_string())
                }
                _ => {
                    ("–".to_string(), format!("not compared: A {}, B {}", ra.status.name(), rb.status.name()))
                }
            };
            table.rows.push(vec![
                case.clone(),
                ra.strategy.clone(),
                cell(sa, Some(ra)),
                cell(sb, Some(rb)),
                ratio_cell,
                verdict,
            ]);
        }
        for rb in rows_b.iter().filter(|rb| !rows_a.iter().any(|ra| ra.strategy == rb.strategy)) {
            if in_both(&rb.strategy) {
                only_rows += 1;
                only.push(format!("only in B: {case} × {}", rb.strategy));
            }
        }
    }
    for case in cases_b.iter().filter(|c| !cases_a.contains(c)) {
        only_rows += b.cases.iter().filter(|r| &r.case == case && in_both(&r.strategy)).count();
        only.push(format!("only in B: {case} (every strategy)"));
    }
    let summary = match geomean(&ratios) {
        Some(g) => format!(
            "{} pairs compared: B/A geomean {} ×; B faster beyond noise on {}, slower on {}, within noise on {}; {} row(s) in only one file, not compared.",
            count(ratios.len() as u64),
            ratio(g),
            faster,
            slower,
            noise,
            only_rows
        ),
        None => {
            format!("no case × strategy completed in both files; {} row(s) in only one file.", only_rows)
        }
    };
    Ok(Comparison { header, table, only, summary })
}
