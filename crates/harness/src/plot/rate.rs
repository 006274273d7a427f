//! The open-loop chart: latency against arrival rate, one per rate sweep ("where does p99 turn
//! up"): p99 and p50 from each request's intended send time, per strategy, with the floor L.

use shootout_core::results::{CaseResult, Results};

use super::axis::{Axis, Scale};
use super::{Better, Body, Chart, Ideal, Panel, has_points, series_of, single, slug};
use crate::report::format::{duration, millis};
use crate::report::guide_rate::{bound_ns, sweeps};
use crate::report::param_f64;

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
        let latency_ms = param_f64(rows[0], "latency_ms").unwrap_or(0.0);
        // Nothing answers faster than the server's own wait L.
        let floor = || {
            let mut rates: Vec<f64> = rows.iter().filter_map(|r| r.rate).collect();
            rates.sort_by(f64::total_cmp);
            let (lo, hi) = (*rates.first()?, *rates.last()?);
            (latency_ms > 0.0 && hi > lo).then(|| Ideal {
                formula: "= L, the server's wait",
                points: vec![(lo, latency_ms * 1e6), (hi, latency_ms * 1e6)],
            })
        };
        let panel = |series, label| Panel {
            x: Axis::new("arrival rate, requests/s", Scale::Rate),
            y: Axis::new(label, Scale::Time),
            better: Better::Lower,
            series,
            ideal: floor(),
        };
        let mut panels = vec![panel(p99, "p99 latency from the intended send")];
        if has_points(&p50) {
            panels.push(panel(p50, "p50 latency from the intended send"));
        }
        charts.push(Chart {
            file: format!("rate-{}.svg", slug(&sweep.base)),
            title: format!("Open loop, {}: latency vs arrival rate (server latency {})", sweep.base, millis(latency_ms)),
            body: Body::Lines(panels),
            notes: vec![
                "Log–log. Requests are due at i/R; latency runs from the due time (corrected for coordinated omission),"
                    .into(),
                format!(
                    "one value per case (HDR histogram). Saturation rate: the highest rate kept with p99 ≤ {}.",
                    duration(bound_ns(&sweep) as f64)
                ),
            ],
        });
    }
    charts
}
