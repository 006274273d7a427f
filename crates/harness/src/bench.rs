//! criterion glue: `benches/<workload>.rs` call [`bench_workload`], which makes one group per
//! case and one function per strategy. Strategies are built once, outside any timing; each is
//! verified once before it is measured, and every measured iteration is verified too, so a
//! wrong answer can never produce a time.
//!
//! `SHOOTOUT_WORKERS` sets W (default: available cores); `SHOOTOUT_MAX_CASE_TIME` sets the same
//! budget as the runner's `--max-case-time` (default 10s).

use std::time::Duration;

use criterion::{Criterion, SamplingMode};
use shootout_core::{Context, Preset, Strategy, Workload, catalog, parse_duration};

use crate::registry::{self, Entry, STRATEGIES};

/// criterion's minimum, and plenty for waits that vary by microseconds.
const SAMPLES: usize = 10;

pub fn bench_workload(c: &mut Criterion, workload: Workload) {
    let workers = std::env::var("SHOOTOUT_WORKERS")
        .ok()
        .and_then(|w| w.parse().ok())
        .unwrap_or_else(registry::default_workers);
    let budget = std::env::var("SHOOTOUT_MAX_CASE_TIME")
        .ok()
        .and_then(|d| parse_duration(&d).ok())
        .unwrap_or(Duration::from_secs(10));
    let _ = shootout_core::metrics::raise_nofile_limit();
    let context = Context { workers, calibration: catalog::calibrate(&[workload]) };
    let strategies: Vec<(&Entry, Box<dyn Strategy>)> = STRATEGIES
        .iter()
        .filter_map(|entry| match (entry.build)(workers) {
            Ok(s) => Some((entry, s)),
            Err(e) => {
                eprintln!("{}: not benchmarked: {e}", entry.name);
                None
            }
        })
        .collect();

    for case in catalog::cases_of(workload, Preset::Quick).into_iter().filter(|c| c.bench) {
        let guard = match &case.spec {
            shootout_core::Spec::Http(spec) => match crate::target::for_spec(spec, None) {
                Ok(g) => Some(g),
                Err(e) => {
                    eprintln!("{}: not benchmarked: {e}", case.name);
                    continue;
                }
            },
            _ => None,
        };
        let target = guard.as_ref().map(|g| g.target().clone());
        let mut group = c.benchmark_group(&case.name);
        group.sampling_mode(SamplingMode::Flat).sample_size(SAMPLES).warm_up_time(Duration::from_millis(500));
        for (entry, strategy) in &strategies {
            let predicted = case.spec.predict((entry.overlap)(workers), &context);
            if let Some(p) = predicted.filter(|p| *p > budget) {
                eprintln!("{}/{}: skipped: predicted {p:?} > budget {budget:?}", case.name, entry.name);
                continue;
            }
            if let Err(e) = case.spec.run_timed(strategy.as_ref(), target.as_ref()) {
                eprintln!("{}/{}: not benchmarked: {e}", case.name, entry.name);
                continue;
            }
            // Enough time for the samples criterion needs, so it does not warn on slow cases.
            let one = predicted.unwrap_or(Duration::from_millis(10)).max(Duration::from_millis(1));
            group.measurement_time(
                (one * (SAMPLES as u32 + 2)).clamp(Duration::from_secs(2), Duration::from_secs(60)),
            );
            group.bench_function(entry.name, |b| {
                b.iter_custom(|iters| {
                    let mut total = Duration::ZERO;
                    for _ in 0..iters {
                        match case.spec.run_timed(strategy.as_ref(), target.as_ref()) {
                            Ok(t) => total += Duration::from_nanos(t.wall_ns),
                            Err(e) => panic!(
                                "{}/{}: a measured run failed verification: {e}",
                                case.name, entry.name
                            ),
                        }
                    }
                    total
                })
            });
        }
        group.finish();
    }
}
