//! The short answers that close a run: at most one line per question a user brings (many
//! waiting tasks, CPU-bound fan-out, an HTTP client against a slow server, a producer/consumer
//! queue), each the ranking's leader over that question's cases with its evidence — the
//! runners-up's scores, what the leader measured (memory a task, req/s) — and the caveat of a
//! strategy that could not finish them. The full decision guide is report.md's.

use shootout_core::results::{CaseResult, Status};

use super::cases::{CaseView, all_alive_at_once, param_f64, size_of};
use super::format::{bytes, count, plural, rate, ratio};
use super::ranking::{Standing, ranked, ranking};
use super::tie::MIN_EFFECT;

/// A question and which cases answer it.
struct Question {
    label: &'static str,
    cases: fn(&CaseView<'_>) -> bool,
}

fn latency_ms(v: &CaseView<'_>) -> f64 {
    v.rows.first().and_then(|r| param_f64(r, "latency_ms")).unwrap_or(0.0)
}

const QUESTIONS: &[Question] = &[
    Question {
        label: "Many waiting tasks",
        cases: |v| {
            (v.workload == "sleep" && v.variant() == "timer")
                || (v.workload == "fan-out" && v.variant() == "wait")
        },
    },
    Question {
        label: "Blocking calls offloaded",
        cases: |v| v.workload == "sleep" && v.variant() == "blocking",
    },
    Question {
        label: "CPU-bound fan-out",
        cases: |v| v.workload == "fan-out" && matches!(v.variant(), "cpu" | "skew"),
    },
    Question { label: "HTTP client, slow server", cases: |v| v.workload == "http" && latency_ms(v) > 0.0 },
    Question { label: "Producer/consumer queue", cases: |v| v.workload == "queue" },
    Question { label: "Work handed over from other threads", cases: |v| v.workload == "submit" },
];

/// Memory of one waiting task at the largest N a strategy completed with every task alive at
/// once, from the memory cases.
fn memory_per_task(views: &[CaseView<'_>], strategy: &str) -> Option<(u64, f64)> {
    views
        .iter()
        .filter(|v| v.workload == "sleep" && v.variant() == "memory" && !v.other_w)
        .filter_map(|v| v.row(strategy))
        .filter(|r| r.status == Status::Ok && r.verified && all_alive_at_once(r))
        .filter_map(|r| Some((size_of(r)?, r.mem_per_task_bytes?)))
        .max_by_key(|(n, _)| *n)
}

/// The median throughput of a strategy over the question's cases, when they report one.
fn throughput(family: &[&CaseView<'_>], strategy: &str) -> Option<String> {
    let rows: Vec<&CaseResult> = family.iter().filter_map(|v| v.row(strategy)).collect();
    let mut values: Vec<f64> = rows
        .iter()
        .filter(|r| r.status == Status::Ok)
        .filter_map(|r| Some(r.throughput.as_ref()?.value))
        .collect();
    let unit = rows.iter().find_map(|r| r.throughput.as_ref().map(|t| t.unit.clone()))?;
    values.sort_by(f64::total_cmp);
    let mid = *values.get(values.len() / 2)?;
    Some(format!("{} {unit}", rate(mid)))
}

/// "threads failed 2 (thread limit)": a strategy that did not complete every case.
fn caveat(s: &Standing) -> Option<String> {
    if s.not_ok.is_empty() {
        return None;
    }
    let what: Vec<String> = s.not_ok.iter().map(|(status, n)| format!("{status} on {n}")).collect();
    Some(format!("{} {}", s.strategy, what.join(", ")))
}

/// One line per question this file answers, best first with the next three behind it.
pub fn short_answers(views: &[CaseView<'_>], strategies: &[&str]) -> Vec<String> {
    let mut lines = Vec::new();
    for q in QUESTIONS {
        let family: Vec<&CaseView<'_>> = views.iter().filter(|v| ranked(v) && (q.cases)(v)).collect();
        if family.is_empty() {
            continue;
        }
        let standings = ranking(&family, strategies);
        let scored: Vec<&Standing> = standings.iter().filter(|s| s.score.is_some()).collect();
        let Some(lead) = scored.first() else { continue };
        let mut evidence = Vec::new();
        if q.label == "Many waiting tasks"
            && let Some((n, mem)) = memory_per_task(views, &lead.strategy)
        {
            evidence.push(format!("{} a task at N = {}", bytes(mem.max(0.0)), count(n)));
        }
        if q.label.starts_with("HTTP")
            && let Some(tp) = throughput(&family, &lead.strategy)
        {
            evidence.push(tp);
        }
        // Scores within the minimum effect of the leader's lead with it, as in the guide: two
        // back-to-back full runs otherwise named different winners 2 % apart.
        let lead_score = lead.score.unwrap_or(f64::NAN);
        let together: Vec<&str> = scored
            .iter()
            .skip(1)
            .take_while(|s| {
                s.completed == lead.completed && s.score.is_some_and(|x| x <= lead_score * (1.0 + MIN_EFFECT))
            })
            .map(|s| s.strategy.as_str())
            .collect();
        let mut line = format!("{}: {}", q.label, lead.strategy);
        if !evidence.is_empty() {
            line.push_str(&format!(" ({})", evidence.join(", ")));
        }
        if !together.is_empty() {
            line.push_str(&format!(", {} (within {} %)", together.join(", "), (MIN_EFFECT * 100.0).round()));
        }
        let behind: Vec<String> = scored
            .iter()
            .skip(1 + together.len())
            .take(3)
            .map(|s| format!("{} {} ×", s.strategy, ratio(s.score.unwrap_or(f64::NAN))))
            .collect();
        if !behind.is_empty() {
            line.push_str(&format!("; {}", behind.join(", ")));
        }
        let caveats: Vec<String> = standings.iter().filter_map(caveat).take(2).collect();
        if !caveats.is_empty() {
            line.push_str(&format!("; {}", caveats.join("; ")));
        }
        line.push_str(&format!(" [{}]", plural(family.len(), "case")));
        lines.push(line);
    }
    lines
}
