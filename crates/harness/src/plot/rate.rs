//! The open-loop chart: latency against arrival rate, one per rate sweep ("where does p99 turn
//! up"): p99 and p50 from each item's due time (a request's intended send, a message's due
//! put), per strategy, with the floor (the server's wait L, the consumer's wait).

use shootout_core::results::{CaseResult, Results};

use super::axis::{Axis, Scale};
use super::{Better, Body, Chart, Ideal, Panel, has_points, series_of, single, slug};
use crate::report::format::{duration, millis};
use crate::report::guide_rate::{bound_ns, floor_ns, sweeps, terms};

pub(super) fn charts(results: &Results) -> Vec<Chart> {
    let strategies = crate::report::strategies(results);
    let mut charts = Vec::new();
    for sweep in sweeps(results) {
        let rows: Vec<&CaseResult> = sweep.rows.clone();
        let x = |r: &CaseResult| r.rate;
        let p99 = series_of(&rows, &strategies, None, x, |r| r.latency_ns.map(|l| single(l.p99 as f64)));
        let p50 = series_of(&rows, &strategies, None, x, |r| r.latency_ns.map(|l| single(l.p50 as f64)));
        if !has_points(&p99) {
            continue;
        }
        let terms = terms(&sweep.workload);
        let latency_ms = rows.iter().find_map(|r| floor_ns(r)).unwrap_or(0) as f64 / 1e6;
        // Nothing is done faster than the server's (or the consumer's) own wait.
        let floor = || {
            let mut rates: Vec<f64> = rows.iter().filter_map(|r| r.rate).collect();
            rates.sort_by(f64::total_cmp);
            let (lo, hi) = (*rates.first()?, *rates.last()?);
            (latency_ms > 0.0 && hi > lo).then(|| Ideal {
                formula: terms.formula,
                points: vec![(lo, latency_ms * 1e6), (hi, latency_ms * 1e6)],
            })
        };
        let panel = |series, label| Panel {
            x: Axis::new(&format!("arrival rate, {}/s", terms.items), Scale::Rate),
            y: Axis::new(label, Scale::Time),
            better: Better::Lower,
            series,
            ideal: floor(),
        };
        let p99_label = format!("p99 latency from {}", terms.from);
        let p50_label = format!("p50 latency from {}", terms.from);
        let mut panels = vec![panel(p99, p99_label.as_str())];
        if has_points(&p50) {
            panels.push(panel(p50, p50_label.as_str()));
        }
        charts.push(Chart {
            file: format!("rate-{}.svg", slug(&sweep.base)),
            title: format!(
                "Open loop, {}: latency vs arrival rate ({} {})",
                sweep.base,
                terms.floor_name,
                millis(latency_ms)
            ),
            body: Body::Lines(panels),
            notes: vec![
                format!(
                    "Log–log. {} are due at i/R; latency runs from the due time (corrected for coordinated omission),",
                    if sweep.workload == "queue" { "Messages" } else { "Requests" },
                ),
                format!(
                    "one value per case (HDR histogram). Saturation rate: the highest rate kept with p99 ≤ {}.",
                    duration(bound_ns(&sweep) as f64)
                ),
            ],
        });
    }
    charts
}
