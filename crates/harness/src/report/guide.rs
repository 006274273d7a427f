//! The decision guide: one line per question a reader brings (many waits, CPU-bound fan-out,
//! HTTP against a slow server, a producer/consumer queue), written from the measured numbers,
//! then the facts a chooser needs about the strategies present.

use shootout_core::results::{CaseResult, Results, Status};

use super::cases::{CaseView, all_alive_at_once, measured, param_f64, param_text, size_of, workloads};
use super::format::{bytes, count, duration, join_and, millis, plural, rate, ratio, shorten, signed};
use super::ranking::{FLOOR, fine_grained, floor_summary, geomean};
use super::tie::MIN_EFFECT;

/// What one strategy did across the cases of one guide line.
struct Tally<'a> {
    strategy: &'a str,
    ratios: Vec<f64>,
    within_noise: usize,
    completed: Vec<&'a CaseResult>,
    not_ok: Vec<&'a CaseResult>,
}

impl Tally<'_> {
    fn geomean(&self) -> f64 {
        geomean(&self.ratios).unwrap_or(f64::INFINITY)
    }
    fn lo(&self) -> f64 {
        self.ratios.iter().copied().fold(f64::INFINITY, f64::min)
    }
    fn hi(&self) -> f64 {
        self.ratios.iter().copied().fold(0.0, f64::max)
    }
    fn noise_everywhere(&self) -> bool {
        !self.ratios.is_empty() && self.within_noise == self.ratios.len() && self.not_ok.is_empty()
    }
}

fn tallies<'a>(views: &[&CaseView<'a>], strategies: &[&'a str]) -> Vec<Tally<'a>> {
    strategies
        .iter()
        .filter_map(|&name| {
            let mut t = Tally {
                strategy: name,
                ratios: Vec::new(),
                within_noise: 0,
                completed: Vec::new(),
                not_ok: Vec::new(),
            };
            for v in views {
                let Some(row) = v.competing(name) else { continue };
                match v.x_best(row) {
                    Some(x) => {
                        t.ratios.push(x);
                        t.completed.push(row);
                        if v.within_noise(row) {
                            t.within_noise += 1;
                        }
                    }
                    None => t.not_ok.push(row),
                }
            }
            (!t.ratios.is_empty() || !t.not_ok.is_empty()).then_some(t)
        })
        .collect()
}

/// How a line describes what was measured per strategy on a single case.
#[derive(Clone, Copy)]
struct LineStyle {
    workers: usize,
    /// Names the concurrent units when the situation is a wait, so a strategy that ran at most
    /// W of them at once is called out; `None` for CPU-bound or queue work.
    waits: Option<&'static str>,
}

/// Why a strategy did not complete: "skipped on 2: predicted …", "failed on CASE: reason".
fn not_ok_note(rows: &[&CaseResult], total: usize) -> String {
    let mut parts = Vec::new();
    let skipped: Vec<&&CaseResult> = rows.iter().filter(|r| r.status == Status::Skipped).collect();
    if !skipped.is_empty() {
        let on = if skipped.len() == total {
            "skipped".to_string()
        } else {
            format!("skipped on {}", skipped.len())
        };
        parts.push(match skipped[0].error.as_deref() {
            Some(why) => format!("{on}: {}", shorten(why, 60)),
            None => on,
        });
    }
    for r in rows.iter().filter(|r| r.status != Status::Skipped) {
        let status = if r.status == Status::Ok { "unverified" } else { r.status.name() };
        parts.push(match r.error.as_deref() {
            Some(why) => format!("{status} on {}: {}", r.case, shorten(why, 70)),
            None => format!("{status} on {}", r.case),
        });
    }
    parts.join(", ")
}

/// What a single case measured besides time: "(9.1k req/s, p99 12.0 ms)".
fn measures(t: &Tally<'_>, single_case: bool) -> String {
    let mut out = String::new();
    if single_case && let Some(row) = t.completed.first() {
        let mut bits = Vec::new();
        if let Some(tp) = &row.throughput {
            bits.push(format!("{} {}", rate(tp.value), tp.unit));
        }
        if let Some(l) = row.latency_ns {
            bits.push(format!("p99 {}", duration(l.p99 as f64)));
        }
        if !bits.is_empty() {
            out.push_str(&format!(" ({})", bits.join(", ")));
        }
    }
    out
}

/// How many units of a case could be in flight at once: HTTP's C, a queue's consumers, else
/// every task or unit.
fn could_overlap(row: &CaseResult) -> Option<u64> {
    ["concurrency", "consumers"]
        .iter()
        .find_map(|k| row.params.get(*k).and_then(|v| v.as_u64()))
        .or_else(|| size_of(row))
}

/// ", at most 2 waits at once (W = 2)" for a strategy that ran no more than W of many waits
/// at a time (rayon's pool, for one); sequential code (1 at a time) needs no such note.
fn capped(t: &Tally<'_>, style: LineStyle) -> String {
    let mut out = String::new();
    if let Some(noun) = style.waits {
        let capped = t
            .completed
            .iter()
            .filter(|r| could_overlap(r).is_some_and(|n| n > style.workers as u64))
            .filter_map(|r| r.peak_in_flight)
            .filter(|&p| p <= style.workers && p > 1)
            .max();
        if let Some(p) = capped {
            out.push_str(&format!(" — at most {p} {noun} at once (W = {})", style.workers));
        }
    }
    out
}

/// One guide line: who leads (ties within noise named together), then everyone else — first
/// those that completed every case of the line, then those that did not, each by their
/// geometric mean of × best — with why a strategy did not complete, and the single-thread floor
/// last where the cases are hand-offs.
fn guide_line(
    label: &str,
    scope: &str,
    views: &[&CaseView<'_>],
    strategies: &[&str],
    style: LineStyle,
) -> Option<String> {
    let mut tallies = tallies(views, strategies);
    if tallies.iter().all(|t| t.ratios.is_empty()) {
        return None;
    }
    let single = views.len() == 1;
    // A strategy that completed only some cases is never placed ahead of one that completed
    // all: its geomean covers only the cases it could run.
    tallies.sort_by(|a, b| {
        (!a.not_ok.is_empty()).cmp(&!b.not_ok.is_empty()).then(a.geomean().total_cmp(&b.geomean()))
    });
    let mut leaders: Vec<&Tally<'_>> = tallies.iter().filter(|t| t.noise_everywhere()).collect();
    let noise_leaders = !leaders.is_empty();
    if !noise_leaders {
        // A lead in the geomean smaller than the minimum effect is not a lead: two back-to-back
        // full runs named tokio-per-core (1.10 ×) then smol (1.10 ×) "best overall" of one
        // line, each within 2 % of the other both times. Those within it lead together.
        let (first, rest) = tallies.split_first().expect("a tally with ratios exists");
        leaders.push(first);
        leaders.extend(rest.iter().filter(|t| {
            t.not_ok.is_empty() == first.not_ok.is_empty()
                && !t.ratios.is_empty()
                && t.geomean() <= first.geomean() * (1.0 + MIN_EFFECT)
        }));
    }
    let mut parts = Vec::new();
    let names: Vec<String> = leaders
        .iter()
        .map(|t| format!("**{}**{}{}", t.strategy, measures(t, single), capped(t, style)))
        .collect();
    let lo = leaders.iter().map(|t| t.lo()).fold(f64::INFINITY, f64::min);
    let hi = leaders.iter().map(|t| t.hi()).fold(0.0, f64::max);
    let span = if ratio(lo) == ratio(hi) {
        format!("{} ×", ratio(lo))
    } else {
        format!("{}–{} ×", ratio(lo), ratio(hi))
    };
    parts.push(match (noise_leaders, leaders.len()) {
        (true, 1) if ratio(hi) == ratio(1.0) => {
            format!("{} best{}", names[0], if single { "" } else { " on every case" })
        }
        (true, 1) => format!("{} best or within noise of the best on every case ({span})", names[0]),
        (true, _) => format!("{} within noise of the best ({span})", join_and(&names)),
        (false, n) if n > 1 => {
            let (glo, ghi) = (leaders[0].geomean(), leaders[n - 1].geomean());
            format!(
                "{} lead overall, within {} % of each other (geomean {}–{} × best)",
                join_and(&names),
                (MIN_EFFECT * 100.0).round(),
                ratio(glo),
                ratio(ghi)
            )
        }
        (false, _) => {
            let t = leaders[0];
            let mut s = format!("{} best overall (geomean {} × best", names[0], ratio(t.geomean()));
            if !t.not_ok.is_empty() {
                s.push_str(&format!("; {}", not_ok_note(&t.not_ok, t.ratios.len() + t.not_ok.len())));
            }
            s.push(')');
            s
        }
    });
    for t in tallies.iter().filter(|t| !leaders.iter().any(|l| l.strategy == t.strategy)) {
        let total = t.ratios.len() + t.not_ok.len();
        if t.ratios.is_empty() {
            parts.push(format!("{} {}", t.strategy, not_ok_note(&t.not_ok, total)));
            continue;
        }
        let mut s = format!("{} {} ×", t.strategy, ratio(t.geomean()));
        if t.ratios.len() > 1 && t.hi() / t.lo() >= 1.25 {
            s.push_str(&format!(" ({}–{})", ratio(t.lo()), ratio(t.hi())));
        }
        s.push_str(&measures(t, single));
        if !t.not_ok.is_empty() {
            s.push_str(&format!(
                " on {} of {total} cases ({})",
                t.ratios.len(),
                not_ok_note(&t.not_ok, total)
            ));
        }
        s.push_str(&capped(t, style));
        parts.push(s);
    }
    if let Some((measured, cases, g)) = floor_summary(views) {
        let on = if measured == cases { String::new() } else { format!(" on {measured} of {cases} cases") };
        parts.push(format!("{FLOOR}, the single-thread floor (no hand-off; not ranked), {} ×{on}", ratio(g)));
    }
    Some(format!("**{label}** ({scope}): {}.", parts.join("; ")))
}

/// "N = 100–10,000" over the cases' sizes.
fn size_range(key: &str, views: &[&CaseView<'_>]) -> String {
    let sizes: Vec<u64> = views.iter().filter_map(|v| v.size()).collect();
    match (sizes.iter().min(), sizes.iter().max()) {
        (Some(lo), Some(hi)) if lo == hi => format!("{key} = {}", count(*lo)),
        (Some(lo), Some(hi)) => format!("{key} = {}–{}", count(*lo), count(*hi)),
        _ => String::new(),
    }
}

fn cases_scope(views: &[&CaseView<'_>]) -> String {
    plural(views.len(), "case")
}

fn first_param(views: &[&CaseView<'_>], key: &str) -> Option<f64> {
    views.iter().find_map(|v| v.rows.first().and_then(|r| param_f64(r, key)))
}

/// Groups views by a key, keeping the first-seen order of the keys.
fn group_by<'v, 'a, K: PartialEq>(
    views: &[&'v CaseView<'a>],
    key: impl Fn(&CaseView<'a>) -> K,
) -> Vec<(K, Vec<&'v CaseView<'a>>)> {
    let mut groups: Vec<(K, Vec<&'v CaseView<'a>>)> = Vec::new();
    for &v in views {
        let k = key(v);
        match groups.iter_mut().find(|(g, _)| *g == k) {
            Some((_, members)) => members.push(v),
            None => groups.push((k, vec![v])),
        }
    }
    groups
}

fn sleep_lines(views: &[&CaseView<'_>], strategies: &[&str], workers: usize, out: &mut Vec<String>) {
    for (variant, members) in group_by(views, |v| v.variant().to_string()) {
        let d = first_param(&members, "sleep_ms").map(millis).unwrap_or_default();
        let scope = format!("{}, {}, d = {d}", cases_scope(&members), size_range("N", &members));
        let style = LineStyle { workers, waits: Some("waits") };
        let line = match variant.as_str() {
            "timer" => guide_line("Many waits (timer sleeps)", &scope, &members, strategies, style),
            "blocking" => {
                guide_line("Blocking calls offloaded (`to_thread`)", &scope, &members, strategies, style)
            }
            "memory" => memory_line(&members, strategies),
            "baseline" => {
                out.extend(members.iter().filter_map(|v| oversleep_line(v)));
                None
            }
            other => guide_line(&format!("sleep/{other}"), &scope, &members, strategies, style),
        };
        out.extend(line);
    }
}

/// Memory of one waiting task at the largest N each strategy reached, and where it stopped.
fn memory_line(views: &[&CaseView<'_>], strategies: &[&str]) -> Option<String> {
    let largest = views.iter().filter_map(|v| v.size()).max()?;
    let mut reached: Vec<(f64, String)> = Vec::new();
    let mut skipped: Vec<String> = Vec::new();
    let mut unable: Vec<String> = Vec::new();
    for &name in strategies {
        let rows: Vec<&CaseResult> = views.iter().filter_map(|v| v.row(name)).collect();
        if rows.is_empty() {
            continue;
        }
        let last_ok = rows
            .iter()
            .filter(|r| measured(r).is_some() && all_alive_at_once(r))
            .filter_map(|r| Some((size_of(r)?, r.mem_per_task_bytes?)))
            .max_by_key(|(n, _)| *n);
        let Some((n, mem)) = last_ok else {
            if rows.iter().all(|r| r.status == Status::Skipped) {
                skipped.push(name.to_string());
            } else if rows.iter().all(|r| r.status == Status::Unsupported) {
                unable.push(name.to_string());
            } else {
                reached.push((f64::INFINITY, format!("{name} {}", not_ok_note(&rows, rows.len()))));
            }
            continue;
        };
        let mut text = format!("{name} {}", bytes(mem.max(0.0)));
        let mut notes = Vec::new();
        if n < largest {
            notes.push(format!("at N = {}", count(n)));
        }
        let beyond: Vec<&CaseResult> = rows
            .iter()
            .copied()
            .filter(|r| {
                size_of(r).is_some_and(|m| m > n) && r.status != Status::Ok && r.status != Status::Skipped
            })
            .collect();
        if let Some(first) = beyond.iter().min_by_key(|r| size_of(r)) {
            notes.push(format!(
                "{} at N = {}{}",
                first.status.name(),
                count(size_of(first).unwrap_or(0)),
                first.error.as_deref().map(|e| format!(": {}", shorten(e, 70))).unwrap_or_default()
            ));
        }
        if !notes.is_empty() {
            text.push_str(&format!(" ({})", notes.join("; ")));
        }
        reached.push((mem, text));
    }
    if reached.is_empty() {
        return None;
    }
    reached.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut line = format!(
        "**Memory per waiting task** ((peak RSS − the runtime's own) ÷ N, N up to {}; each at the largest N \
         it held all alive at once): {}",
        count(largest),
        reached.into_iter().map(|(_, t)| t).collect::<Vec<_>>().join(", ")
    );
    if !unable.is_empty() {
        line.push_str(&format!("; {} never hold N tasks at once (unsupported)", join_and(&unable)));
    }
    if !skipped.is_empty() {
        line.push_str(&format!("; {} skipped (predicted over the time budget)", join_and(&skipped)));
    }
    line.push('.');
    Some(line)
}

/// Oversleep of one sleep per strategy, least first.
fn oversleep_line(view: &CaseView<'_>) -> Option<String> {
    let mut overs: Vec<(f64, &str)> =
        view.rows.iter().filter_map(|r| Some((oversleep(r)?, r.strategy.as_str()))).collect();
    if overs.is_empty() {
        return None;
    }
    overs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let d = view.rows.first().and_then(|r| param_f64(r, "sleep_ms")).map(millis).unwrap_or_default();
    let list: Vec<String> = overs.iter().map(|(o, s)| format!("{s} {}", signed(*o))).collect();
    Some(format!("**Timer precision** (oversleep of one {d} sleep): {}.", list.join(", ")))
}

/// Measured minus requested, for a verified single sleep.
fn oversleep(row: &CaseResult) -> Option<f64> {
    let m = measured(row)?;
    let ideal = row.ideal_ns.map(|i| i as f64).or_else(|| param_f64(row, "sleep_ms").map(|ms| ms * 1e6))?;
    Some(m.median as f64 - ideal)
}

fn fanout_lines(views: &[&CaseView<'_>], strategies: &[&str], workers: usize, out: &mut Vec<String>) {
    for (variant, members) in group_by(views, |v| v.variant().to_string()) {
        let (label, waits) = match variant.as_str() {
            "cpu" => ("CPU-bound fan-out".to_string(), None),
            "wait" => ("Fan-out of waits (`gather`)".to_string(), Some("units")),
            "mixed" => ("Fan-out of CPU work plus a wait per unit".to_string(), Some("units")),
            "limit" => ("Fan-out under a concurrency limit (`Semaphore`)".to_string(), None),
            "errors" => ("Fan-out with failing units (collect / fail fast)".to_string(), None),
            "deadline" => ("Fan-out under a deadline (`wait_for`)".to_string(), None),
            "completion" => ("Results in completion order (`as_completed`)".to_string(), None),
            "skew" => ("Fan-out with uneven units (a quarter 10 × heavier)".to_string(), None),
            other => (format!("fan-out/{other}"), None),
        };
        let mut scope = format!("{}, {}", cases_scope(&members), size_range("N", &members));
        let works: Vec<u64> = members
            .iter()
            .filter_map(|v| v.rows.first().and_then(|r| r.params.get("work")).and_then(|w| w.as_u64()))
            .collect();
        if let (Some(lo), Some(hi)) = (works.iter().min(), works.iter().max()) {
            scope.push_str(&if lo == hi {
                format!(", k = {}", count(*lo))
            } else {
                format!(", k = {}–{}", count(*lo), count(*hi))
            });
        }
        out.extend(guide_line(&label, &scope, &members, strategies, LineStyle { workers, waits }));
    }
}

fn http_lines(views: &[&CaseView<'_>], strategies: &[&str], workers: usize, out: &mut Vec<String>) {
    // One line per (server latency L, concurrency C, connection mode): a latency-bound case and
    // an overhead-bound one (L = 0) answer different questions and never share a geomean.
    let key = |v: &CaseView<'_>| {
        let row = v.rows.first();
        (
            row.and_then(|r| param_f64(r, "latency_ms")).map_or(0, |l| (l * 1000.0).round() as u64),
            row.and_then(|r| param_f64(r, "concurrency")).unwrap_or(0.0) as u64,
            row.and_then(|r| param_text(r, "connection")).unwrap_or_default(),
        )
    };
    let mut groups = group_by(views, key);
    groups.sort_by(|a, b| a.0.cmp(&b.0));
    for ((l, c, connection), members) in groups {
        let at = format!("HTTP at L = {}, C = {}", millis(l as f64 / 1000.0), count(c));
        let label = match connection.as_str() {
            "" => at,
            "reuse" => format!("{at}, connections reused"),
            "fresh" => format!("{at}, a new connection per request"),
            other => format!("{at}, {other} connections"),
        };
        let scope = format!(
            "{}, {} requests",
            cases_scope(&members),
            size_range("M", &members).trim_start_matches("M = ")
        );
        out.extend(guide_line(
            &label,
            &scope,
            &members,
            strategies,
            LineStyle { workers, waits: Some("requests") },
        ));
    }
}

fn queue_lines(views: &[&CaseView<'_>], strategies: &[&str], workers: usize, out: &mut Vec<String>) {
    // A consumer sweep changes the shape (spsc → spmc), so cases with per-message work group by
    // that work alone; plain throughput cases group by shape.
    let key = |v: &CaseView<'_>| {
        let cost = v.rows.first().and_then(|r| param_text(r, "cost")).unwrap_or_else(|| "none".into());
        if cost == "none" { (v.variant().to_string(), cost) } else { (String::new(), cost) }
    };
    for ((shape, cost), members) in group_by(views, key) {
        let capacities: Vec<String> = {
            let mut c: Vec<String> = Vec::new();
            for v in &members {
                if let Some(b) = v.rows.first().and_then(|r| param_text(r, "capacity"))
                    && !c.contains(&b)
                {
                    c.push(b);
                }
            }
            c
        };
        let scope = format!(
            "{}, {} messages, capacity {}",
            cases_scope(&members),
            size_range("M", &members).trim_start_matches("M = "),
            capacities.join(" / ")
        );
        let label = if cost == "none" {
            let producers = first_param(&members, "producers").unwrap_or(0.0);
            let consumers = first_param(&members, "consumers").unwrap_or(0.0);
            format!("Queue throughput, {shape} ({producers} → {consumers})")
        } else {
            let what = match cost.split_once(':') {
                Some(("wait", d)) => format!("consumers that wait {d} per message"),
                Some(("cpu", k)) => format!("consumers that compute k = {k} per message"),
                _ => format!("per-message cost {cost}"),
            };
            let consumers: Vec<u64> = members
                .iter()
                .filter_map(|v| v.rows.first().and_then(|r| param_f64(r, "consumers")))
                .map(|c| c as u64)
                .collect();
            let range = match (consumers.iter().min(), consumers.iter().max()) {
                (Some(lo), Some(hi)) if lo != hi => format!(", C = {lo}–{hi}"),
                _ => String::new(),
            };
            format!("Queue with {what}{range}")
        };
        let waits = cost.starts_with("wait").then_some("consumers");
        out.extend(guide_line(&label, &scope, &members, strategies, LineStyle { workers, waits }));
    }
}

/// Lines only for the workloads present, then the facts a chooser needs about the strategies
/// present.
pub fn decision_guide(results: &Results, views: &[CaseView<'_>], strategies: &[&str]) -> Vec<String> {
    let workers = results.env.workers;
    let mut lines = Vec::new();
    for workload in workloads(results) {
        // Fine-grained waits measure the timer, not the runtime: no recommendation rests on them
        // (the sleep baselines still give the timer's own line).
        let family: Vec<&CaseView<'_>> = views
            .iter()
            .filter(|v| {
                v.workload == workload
                    && !v.other_w
                    && !super::ranking::open_loop(v)
                    && (!fine_grained(v) || v.variant() == "baseline")
            })
            .collect();
        match workload {
            "sleep" => sleep_lines(&family, strategies, workers, &mut lines),
            "fan-out" => fanout_lines(&family, strategies, workers, &mut lines),
            "http" => http_lines(&family, strategies, workers, &mut lines),
            "queue" => queue_lines(&family, strategies, workers, &mut lines),
            "submit" => {
                super::guide_submit::submit_lines(&family, strategies, &mut lines, |label, scope, members| {
                    guide_line(label, scope, members, strategies, LineStyle { workers, waits: None })
                })
            }
            other => lines.extend(guide_line(
                other,
                &cases_scope(&family),
                &family,
                strategies,
                LineStyle { workers, waits: None },
            )),
        }
    }
    lines.extend(super::guide_asyncio::coming_from_asyncio(views));
    lines.extend(super::guide_rate::lines(results));
    if lines.is_empty() {
        return lines;
    }
    lines.extend(super::guide_topology::topology_lines(views, &workloads(results), workers));
    let measured_here = |name: &str| results.cases.iter().any(|r| r.strategy == name);
    if measured_here("async-std") {
        let mut fact = "**async-std is discontinued upstream (2025); smol is its successor** (built on the same async-io and \
                        async-executor), so choose smol over async-std for new code"
            .to_string();
        if let Some((n, g)) = head_to_head(views, "smol", "async-std") {
            fact.push_str(&format!(
                "; across the {n} case{} both completed here, smol took {} × async-std's time (geomean)",
                if n == 1 { "" } else { "s" },
                ratio(g)
            ));
        }
        fact.push('.');
        lines.push(fact);
    }
    if measured_here("tokio") {
        let mut fact = "**tokio's timer rounds every sleep up to the next millisecond**".to_string();
        let shortest = views
            .iter()
            .filter(|v| v.workload == "sleep" && v.variant() == "baseline")
            .filter(|v| v.row("tokio").and_then(oversleep).is_some())
            .min_by(|a, b| {
                let d = |v: &CaseView<'_>| {
                    v.rows.first().and_then(|r| param_f64(r, "sleep_ms")).unwrap_or(f64::MAX)
                };
                d(a).total_cmp(&d(b))
            });
        match shortest {
            Some(v) => {
                let tokio = v.row("tokio").and_then(oversleep).unwrap_or(0.0);
                let d = v.rows.first().and_then(|r| param_f64(r, "sleep_ms")).map(millis).unwrap_or_default();
                fact.push_str(&format!(
                    ": measured here, a single {d} sleep overslept by {} on tokio",
                    signed(tokio)
                ));
                let least = v
                    .rows
                    .iter()
                    .filter(|r| r.strategy != "tokio")
                    .filter_map(|r| Some((oversleep(r)?, &r.strategy)))
                    .min_by(|a, b| a.0.total_cmp(&b.0));
                if let Some((o, s)) = least {
                    fact.push_str(&format!(" against {} on {s}", signed(o)));
                }
                fact.push_str(&format!(" ({})", v.name));
            }
            None => fact.push_str(" (no sleep/baseline case in this file measures it)"),
        }
        fact.push('.');
        lines.push(fact);
    }
    lines
}

/// Geometric mean of a's time ÷ b's over the cases both completed.
fn head_to_head(views: &[CaseView<'_>], a: &str, b: &str) -> Option<(usize, f64)> {
    let ratios: Vec<f64> = views
        .iter()
        .filter_map(|v| {
            let (x, y) = (measured(v.row(a)?)?, measured(v.row(b)?)?);
            Some(x.median.max(1) as f64 / y.median.max(1) as f64)
        })
        .collect();
    Some((ratios.len(), geomean(&ratios)?))
}
