//! The decision guide's open-loop line: per rate sweep (HTTP requests, queue messages), each
//! strategy's saturation rate — the highest arrival rate it kept with its p99 (from each item's
//! due time) under 10 × its floor (the server's wait L, the consumer's wait).

use std::collections::BTreeMap;

use shootout_core::results::{CaseResult, Results, Status};

use super::format::{duration, rate};

/// The p99 bound of the saturation rate, in multiples of the floor (server latency L, the
/// consumer's wait).
pub const BOUND_X_LATENCY: u64 = 10;

/// One sweep: the rows of every rate of one case, named without its rate and the sizes that
/// scale with it (`http/reuse/l=10ms` for `http/reuse/m=400/c=100/l=10ms/rate=1600`).
pub struct Sweep<'a> {
    pub base: String,
    pub workload: String,
    pub rows: Vec<&'a CaseResult>,
}

/// The sweep a row with a rate belongs to: its case name without `rate=` and the sizes a sweep
/// scales with the rate (`m=`; for HTTP also `c=`, where `c=` is the in-flight bound, not the
/// queue's consumer count).
fn base_of(row: &CaseResult) -> Option<String> {
    row.rate?;
    let scaled: &[&str] = if row.workload == "http" { &["rate=", "m=", "c="] } else { &["rate=", "m="] };
    let kept: Vec<&str> =
        row.case.split('/').filter(|part| !scaled.iter().any(|p| part.starts_with(p))).collect();
    Some(kept.join("/"))
}

/// How a sweep's workload names its items and its latency floor.
pub struct Terms {
    /// `requests`, `messages`.
    pub items: &'static str,
    /// Where latency runs from: `the intended send`, `the due put`.
    pub from: &'static str,
    /// The floor, as a chart's formula and in its title.
    pub formula: &'static str,
    pub floor_name: &'static str,
}

pub fn terms(workload: &str) -> Terms {
    match workload {
        "queue" => Terms {
            items: "messages",
            from: "the due put",
            formula: "= the consumer's wait",
            floor_name: "consumer wait",
        },
        _ => Terms {
            items: "requests",
            from: "the intended send",
            formula: "= L, the server's wait",
            floor_name: "server latency",
        },
    }
}

/// The open-loop sweeps of a results file, in file order.
pub fn sweeps(results: &Results) -> Vec<Sweep<'_>> {
    let mut order: Vec<String> = Vec::new();
    let mut by_base: BTreeMap<String, Sweep<'_>> = BTreeMap::new();
    for row in &results.cases {
        let Some(base) = base_of(row) else { continue };
        if !by_base.contains_key(&base) {
            order.push(base.clone());
        }
        by_base
            .entry(base.clone())
            .or_insert_with(|| Sweep { base, workload: row.workload.clone(), rows: Vec::new() })
            .rows
            .push(row);
    }
    order.into_iter().filter_map(|b| by_base.remove(&b)).collect()
}

/// The least latency a row's items can have, in ns: the server latency L (`latency_ms`), or a
/// queue consumer's wait (`cost` = `wait:1ms`).
pub fn floor_ns(row: &CaseResult) -> Option<u64> {
    if let Some(ms) = row.params.get("latency_ms").and_then(|v| v.as_f64()) {
        return Some((ms * 1e6) as u64);
    }
    let cost = row.params.get("cost").and_then(|v| v.as_str())?;
    match shootout_core::queue::Cost::parse(cost).ok()? {
        shootout_core::queue::Cost::Wait(d) => Some(d.as_nanos() as u64),
        _ => None,
    }
}

/// The p99 bound of a sweep: 10 × its floor (10 ms when there is none, or it is under 1 ms).
pub fn bound_ns(sweep: &Sweep<'_>) -> u64 {
    let l = sweep.rows.iter().find_map(|r| floor_ns(r)).unwrap_or(0);
    BOUND_X_LATENCY * l.max(1_000_000)
}

/// Whether a row kept its rate with p99 under `bound`.
pub fn within(row: &CaseResult, bound: u64) -> bool {
    let kept = row.notes.get("rate").and_then(|r| r.get("kept")).and_then(|k| k.as_bool()) == Some(true);
    row.status == Status::Ok && kept && row.latency_ns.is_some_and(|l| l.p99 <= bound)
}

/// Each strategy's saturation rate in a sweep: the highest rate it kept within the bound
/// (`None`: not even the lowest), in the order strategies first appear.
pub fn saturation<'a>(sweep: &Sweep<'a>) -> Vec<(&'a str, Option<f64>)> {
    let bound = bound_ns(sweep);
    let mut out: Vec<(&str, Option<f64>)> = Vec::new();
    for row in &sweep.rows {
        let best = if within(row, bound) { row.rate } else { None };
        match out.iter_mut().find(|(s, _)| *s == row.strategy) {
            Some((_, sat)) => {
                // Option's order puts None below every rate.
                if best > *sat {
                    *sat = best;
                }
            }
            None => out.push((row.strategy.as_str(), best)),
        }
    }
    out.sort_by(|a, b| b.1.unwrap_or(0.0).total_cmp(&a.1.unwrap_or(0.0)));
    out
}

/// One guide line per open-loop sweep.
pub fn lines(results: &Results) -> Vec<String> {
    sweeps(results)
        .iter()
        .map(|sweep| {
            let mut rates: Vec<f64> = sweep.rows.iter().filter_map(|r| r.rate).collect();
            rates.sort_by(f64::total_cmp);
            rates.dedup();
            let lowest = rates.first().copied().unwrap_or(0.0);
            let parts: Vec<String> = saturation(sweep)
                .into_iter()
                .map(|(s, sat)| match sat {
                    Some(r) => format!("{s} {}/s", rate(r)),
                    None => format!("{s} below {}/s", rate(lowest)),
                })
                .collect();
            let floor = sweep.rows.iter().find_map(|r| floor_ns(r)).unwrap_or(0);
            // Under 10 ms, tokio's rounding of every sleep up to the next millisecond is a
            // large part of each wait: the line must say whose figure that is.
            let timer = if floor > 0 && floor < 10_000_000 {
                format!(
                    " With {} waits, tokio's figures (all three topologies) are its timer's: it rounds every \
                     sleep up to the next millisecond, so each wait costs about one more (the timer baseline).",
                    duration(floor as f64)
                )
            } else {
                String::new()
            };
            format!(
                "**Open loop, {}** (rates {}; saturation = the highest rate kept with p99 from {} time ≤ {}): {}.{timer}",
                sweep.base,
                rates.iter().map(|r| rate(*r)).collect::<Vec<_>>().join(", "),
                terms(&sweep.workload).from,
                duration(bound_ns(sweep) as f64),
                parts.join(", ")
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use shootout_core::Latency;
    use shootout_core::results::Env;

    fn row(strategy: &str, per_sec: f64, kept: bool, p99_ms: u64) -> CaseResult {
        let case = format!("http/reuse/m=100/c=100/l=10ms/rate={per_sec}");
        let mut r = CaseResult::empty("http", &case, serde_json::json!({"latency_ms": 10.0}), strategy, 1);
        open(&mut r, per_sec, kept, p99_ms);
        r
    }

    fn open(r: &mut CaseResult, per_sec: f64, kept: bool, p99_ms: u64) {
        r.status = Status::Ok;
        r.rate = Some(per_sec);
        r.notes.insert("rate".into(), serde_json::json!({"kept": kept}));
        let ns = p99_ms * 1_000_000;
        r.latency_ns = Some(Latency { p50: ns / 2, p90: ns, p99: ns, max: ns, p999: Some(ns) });
    }

    fn queue_row(strategy: &str, per_sec: f64, p99_ms: u64) -> CaseResult {
        let m = (per_sec / 8.0) as usize;
        let case = format!("queue/spmc/p=1/c=4/b=1024/m={m}/wait=1ms/rate={per_sec}");
        let params = serde_json::json!({"cost": "wait:1ms", "consumers": 4});
        let mut r = CaseResult::empty("queue", &case, params, strategy, 1);
        open(&mut r, per_sec, true, p99_ms);
        r
    }

    /// Every case of the full preset's queue sweep is open loop: judged by latency and the
    /// saturation rate, never ranked by wall time (the schedule's span for all that keep up).
    #[test]
    fn the_queue_sweep_is_kept_out_of_the_ranking() {
        use crate::report::cases::CaseView;
        use crate::report::ranking::{open_loop, ranked};
        use shootout_core::WorkloadSpec;
        let sweep = shootout_core::queue::rate_sweep();
        assert_eq!(sweep.len(), 6);
        for spec in sweep {
            let row = CaseResult::empty("queue", &spec.case_name(), spec.params(), "tokio", 5);
            let view = CaseView::of(vec![&row]).expect("one row is a case");
            assert!(open_loop(&view) && !ranked(&view), "{}", spec.case_name());
        }
        // The closed-loop queue cases still are.
        let closed = shootout_core::QueueSpec::new(1000, 1, 1, shootout_core::queue::Capacity::Unbounded);
        let row = CaseResult::empty("queue", &closed.case_name(), closed.params(), "tokio", 5);
        assert!(ranked(&CaseView::of(vec![&row]).unwrap()));
    }

    /// The queue's sweep keeps its consumer count in its name, and its bound is 10 × the
    /// consumer's wait.
    #[test]
    fn a_queue_sweep_is_bounded_by_its_consumers_wait() {
        let mut results = Results::new(Env::default());
        results.cases = vec![
            queue_row("threads", 1000.0, 2),
            queue_row("threads", 4000.0, 9),
            queue_row("sequential", 1000.0, 30),
            queue_row("threads", 8000.0, 60),
        ];
        let sweeps = sweeps(&results);
        assert_eq!(sweeps.len(), 1);
        assert_eq!(sweeps[0].base, "queue/spmc/p=1/c=4/b=1024/wait=1ms");
        assert_eq!(bound_ns(&sweeps[0]), 10_000_000);
        assert_eq!(saturation(&sweeps[0]), vec![("threads", Some(4000.0)), ("sequential", None)]);
        let line = &lines(&results)[0];
        assert!(line.contains("from the due put time ≤ 10"), "{line}");
        assert!(line.contains("threads 4.0k/s"), "{line}");
        assert!(line.contains("sequential below 1"), "{line}");
        // A 1 ms wait: the line says tokio's figures are its timer's.
        assert!(line.contains("tokio's figures (all three topologies) are its timer's"), "{line}");
    }

    #[test]
    fn saturation_is_the_highest_rate_kept_within_the_bound() {
        let mut results = Results::new(Env::default());
        results.cases = vec![
            row("tokio", 100.0, true, 12),
            row("sequential", 100.0, true, 30),
            row("tokio", 400.0, true, 40),
            row("sequential", 400.0, false, 3_000),
            // Kept, but its p99 is over 10 × L: past saturation.
            row("tokio", 1600.0, true, 150),
        ];
        let sweeps = sweeps(&results);
        assert_eq!(sweeps.len(), 1);
        assert_eq!(sweeps[0].base, "http/reuse/l=10ms");
        assert_eq!(saturation(&sweeps[0]), vec![("tokio", Some(400.0)), ("sequential", Some(100.0))]);
        let line = &lines(&results)[0];
        assert!(line.contains("tokio 400/s, sequential 100/s"), "{line}");
        assert!(line.contains("≤ 100"), "{line}");
    }
}
