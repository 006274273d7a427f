//! The decision guide's "coming from asyncio" lines: for each workload, python-asyncio's
//! verified time beside the best Rust strategy's on the same cases, read from the results.

use shootout_core::results::{CaseResult, Stats};

use super::cases::{CaseView, measured};
use super::format::{duration, join_and, plural, ratio};
use super::ranking::{fine_grained, geomean};

/// The asyncio reference column.
pub const PYTHON: &str = "python-asyncio";

/// Rows of programs in other languages, never "the best Rust strategy".
fn is_external(strategy: &str) -> bool {
    strategy.starts_with("python-")
}

/// One line per workload whose cases include a python-asyncio row; none when no case does.
pub fn coming_from_asyncio(views: &[CaseView<'_>]) -> Vec<String> {
    let mut lines = Vec::new();
    for workload in ["sleep", "fan-out", "http", "queue"] {
        // As in the rest of the guide, fine-grained waits measure the timer, not the runtime;
        // the single-sleep baselines have their own timer-precision line.
        let family: Vec<&CaseView<'_>> = views
            .iter()
            .filter(|v| v.workload == workload && !fine_grained(v) && v.variant() != "baseline")
            .filter(|v| v.row(PYTHON).is_some())
            .collect();
        if family.is_empty() {
            continue;
        }
        let mut pairs: Vec<(&CaseView<'_>, Stats, &CaseResult, Stats)> = Vec::new();
        let mut not_completed: Vec<String> = Vec::new();
        for v in &family {
            let Some(py) = v.row(PYTHON).and_then(measured) else {
                let status = v.row(PYTHON).map_or("missing", |r| r.status.name());
                not_completed.push(format!("{} ({status})", v.name));
                continue;
            };
            let rust = v
                .rows
                .iter()
                .filter(|r| !is_external(&r.strategy))
                .filter_map(|r| Some((*r, measured(r)?)))
                .min_by_key(|(_, s)| s.median);
            if let Some((row, best)) = rust {
                pairs.push((v, py, row, best));
            }
        }
        let mut line = format!("**Coming from asyncio, {workload}** ({}): ", plural(family.len(), "case"));
        let ratios: Vec<f64> = pairs
            .iter()
            .map(|(_, py, _, best)| py.median.max(1) as f64 / best.median.max(1) as f64)
            .collect();
        match geomean(&ratios) {
            None => line.push_str("python-asyncio completed none of them beside a Rust strategy"),
            Some(g) => {
                let lo = ratios.iter().copied().fold(f64::INFINITY, f64::min);
                let hi = ratios.iter().copied().fold(0.0, f64::max);
                line.push_str(&format!(
                    "python-asyncio took {} × the best Rust strategy's time (geomean over {} completed, {}–{})",
                    ratio(g),
                    plural(pairs.len(), "case"),
                    ratio(lo),
                    ratio(hi)
                ));
                let mut winners: Vec<String> = Vec::new();
                for (_, _, row, _) in &pairs {
                    if !winners.contains(&row.strategy) {
                        winners.push(row.strategy.clone());
                    }
                }
                line.push_str(&format!("; the best Rust strategy there: {}", join_and(&winners)));
                // The largest case both completed, as the example a reader can look up.
                if let Some((v, py, row, best)) = pairs.iter().max_by_key(|(v, ..)| v.size().unwrap_or(0)) {
                    line.push_str(&format!(
                        "; e.g. {}: python-asyncio {} against {} {}",
                        v.name,
                        duration(py.median as f64),
                        row.strategy,
                        duration(best.median as f64)
                    ));
                }
            }
        }
        if !not_completed.is_empty() {
            line.push_str(&format!("; python-asyncio did not complete {}", join_and(&not_completed)));
        }
        line.push('.');
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use shootout_core::results::{CaseResult, Status};

    use super::*;

    fn row(case: &str, strategy: &str, median_ms: Option<u64>) -> CaseResult {
        let workload = case.split('/').next().unwrap();
        let mut r = CaseResult::empty(workload, case, serde_json::json!({"tasks": 100}), strategy, 1);
        if let Some(ms) = median_ms {
            let ns = ms * 1_000_000;
            (r.status, r.verified) = (Status::Ok, true);
            r.wall_ns = Some(Stats { median: ns, min: ns, max: ns });
        } else {
            r.status = Status::Timeout;
        }
        r
    }

    #[test]
    fn python_beside_the_best_rust_strategy_from_the_results() {
        let rows = [
            row("sleep/timer/n=100/d=10ms", "tokio", Some(10)),
            row("sleep/timer/n=100/d=10ms", "smol", Some(20)),
            row("sleep/timer/n=100/d=10ms", PYTHON, Some(40)),
            row("sleep/blocking/n=100/d=10ms", "tokio", Some(20)),
            row("sleep/blocking/n=100/d=10ms", PYTHON, None),
            row("queue/spsc/p=1/c=1/b=1/m=10", "tokio", Some(5)),
        ];
        let views: Vec<CaseView<'_>> = ["sleep/timer/n=100/d=10ms", "sleep/blocking/n=100/d=10ms"]
            .iter()
            .filter_map(|case| CaseView::of(rows.iter().filter(|r| r.case == *case).collect()))
            .chain(CaseView::of(vec![&rows[5]]))
            .collect();
        let lines = coming_from_asyncio(&views);
        // The queue case has no python row: no queue line.
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert_eq!(
            lines[0],
            "**Coming from asyncio, sleep** (2 cases): python-asyncio took 4.00 × the best Rust strategy's time \
             (geomean over 1 case completed, 4.00–4.00); the best Rust strategy there: tokio; e.g. \
             sleep/timer/n=100/d=10ms: python-asyncio 40.0 ms against tokio 10.0 ms; python-asyncio did not \
             complete sleep/blocking/n=100/d=10ms (timeout)."
        );
    }
}
