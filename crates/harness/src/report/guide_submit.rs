//! The decision guide's submit lines — handing work to a runtime from another thread — one per
//! kind of unit (callbacks, tasks that wait) with and without cancel, each followed, where
//! cancels were made, by how often they won.

use shootout_core::results::Status;

use super::cases::{CaseView, param_f64, param_text};
use super::format::{count, join_and, plural};

/// What groups submit cases into one line: the unit, a task's wait (as f64 bits) and the cancel share.
type Group = (String, Option<u64>, Option<u64>);

/// Appends the submit lines; `line` is the guide's own line writer (label, scope, cases).
pub(super) fn submit_lines<'a>(
    views: &[&CaseView<'a>],
    strategies: &[&str],
    out: &mut Vec<String>,
    line: impl Fn(&str, &str, &[&CaseView<'a>]) -> Option<String>,
) {
    let key = |v: &CaseView<'_>| {
        let row = v.rows.first();
        let unit = row.and_then(|r| param_text(r, "unit")).unwrap_or_else(|| "callback".into());
        let wait = row.and_then(|r| param_f64(r, "wait_ms"));
        let cancel = row.and_then(|r| param_f64(r, "cancel_every"));
        (unit, wait.map(|w| w.to_bits()), cancel.map(|c| c as u64))
    };
    let mut groups: Vec<(Group, Vec<&CaseView<'a>>)> = Vec::new();
    for &v in views {
        let k = key(v);
        match groups.iter_mut().find(|(g, _)| *g == k) {
            Some((_, members)) => members.push(v),
            None => groups.push((k, vec![v])),
        }
    }
    for ((unit, wait, cancel), members) in groups {
        let what = match wait {
            Some(bits) => format!("tasks that wait {} ms (`run_coroutine_threadsafe`)", f64::from_bits(bits)),
            None if unit == "callback" => "callbacks (`call_soon_threadsafe`)".to_string(),
            None => unit,
        };
        let mut label = format!("Handing work to a runtime from another thread: {what}");
        if let Some(m) = cancel {
            label.push_str(&format!(", one in {m} cancelled right after submission"));
        }
        let submitters: Vec<u64> = members
            .iter()
            .filter_map(|v| v.rows.first().and_then(|r| param_f64(r, "submitters")))
            .map(|k| k as u64)
            .collect();
        let units = members.iter().filter_map(|v| v.size()).max().unwrap_or(0);
        let k = match (submitters.iter().min(), submitters.iter().max()) {
            (Some(lo), Some(hi)) if lo != hi => format!("K = {lo}–{hi}"),
            (Some(k), _) => format!("K = {k}"),
            _ => String::new(),
        };
        let scope = format!("{}, {k} submitter threads, N ≤ {}", plural(members.len(), "case"), count(units));
        let Some(mut text) = line(&label, &scope, &members) else { continue };
        if cancel.is_some()
            && let Some(won) = cancels_won(&members, strategies)
        {
            text.push_str(&format!(" Cancels that won the race (the rest completed first): {won}."));
        }
        out.push(text);
    }
}

/// "tokio 100 %, smol 98 %": each strategy's share of cancels that stopped its unit, over the
/// cases it completed.
fn cancels_won(members: &[&CaseView<'_>], strategies: &[&str]) -> Option<String> {
    let parts: Vec<String> = strategies
        .iter()
        .filter_map(|&name| {
            let (mut won, mut asked) = (0u64, 0u64);
            for v in members {
                for row in v.rows.iter().filter(|r| r.strategy == name && r.status == Status::Ok) {
                    won += row.notes.get("cancels_won").and_then(|n| n.as_u64()).unwrap_or(0);
                    asked += row.notes.get("cancels_requested").and_then(|n| n.as_u64()).unwrap_or(0);
                }
            }
            (asked > 0).then(|| format!("{name} {:.0} %", 100.0 * won as f64 / asked as f64))
        })
        .collect();
    (!parts.is_empty()).then(|| join_and(&parts))
}
