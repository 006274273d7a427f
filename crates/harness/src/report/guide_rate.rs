//! The decision guide's open-loop line: per rate sweep, each strategy's saturation rate — the
//! highest arrival rate it kept with its p99 (from the intended send time) under 10 × L.

use std::collections::BTreeMap;

use shootout_core::results::{CaseResult, Results, Status};

use super::format::{duration, rate};

/// The p99 bound of the saturation rate, in multiples of the server latency L.
pub const BOUND_X_LATENCY: u64 = 10;

/// One sweep: the rows of every rate of one case, named without its rate and the sizes that
/// scale with it (`http/reuse/l=10ms` for `http/reuse/m=400/c=100/l=10ms/rate=1600`).
pub struct Sweep<'a> {
    pub base: String,
    pub workload: String,
    pub rows: Vec<&'a CaseResult>,
}

/// The sweep a row with a rate belongs to: its case name without `rate=`, `m=` and `c=` (a
/// sweep sizes each rate's schedule to the rate).
fn base_of(row: &CaseResult) -> Option<String> {
    row.rate?;
    let kept: Vec<&str> = row
        .case
        .split('/')
        .filter(|part| !["rate=", "m=", "c="].iter().any(|p| part.starts_with(p)))
        .collect();
    Some(kept.join("/"))
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

/// The server latency L of a row, from its params (`latency_ms`), in ns.
fn latency_ns(row: &CaseResult) -> Option<u64> {
    row.params.get("latency_ms").and_then(|v| v.as_f64()).map(|ms| (ms * 1e6) as u64)
}

/// The p99 bound of a sweep: 10 × L (10 ms when L is 0).
pub fn bound_ns(sweep: &Sweep<'_>) -> u64 {
    let l = sweep.rows.iter().find_map(|r| latency_ns(r)).unwrap_or(0);
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
            format!(
                "**Open loop, {}** (rates {}; saturation = the highest rate kept with p99 from the intended send time ≤ {}): {}.",
                sweep.base,
                rates.iter().map(|r| rate(*r)).collect::<Vec<_>>().join(", "),
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
        r.status = Status::Ok;
        r.rate = Some(per_sec);
        r.notes.insert("rate".into(), serde_json::json!({"kept": kept}));
        let ns = p99_ms * 1_000_000;
        r.latency_ns = Some(Latency { p50: ns / 2, p90: ns, p99: ns, max: ns, p999: Some(ns) });
        r
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
