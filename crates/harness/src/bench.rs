//! criterion glue: `benches/<workload>.rs` call [`bench_workload`], which makes one group per
//! case and one function per strategy.
//!
//! Each strategy's runtime or pool is built for its own benchmark function, outside any timing,
//! and dropped when that function's measurements end, before the next strategy is built — so
//! criterion never measures one strategy beside another's idle workers or warm blocking pool
//! (tokio keeps idle blocking threads for 10 s). What a process cannot drop stays: async-std's
//! global executor (built once per process; building it again with the same W reuses it) and
//! async-io's reactor thread, which async-std and smol share.
//!
//! HTTP cases talk to a `shootout serve` child process, one per case, started before the
//! group and stopped after it (also when a panic unwinds), so the server's runtime is not in
//! the measured process.
//!
//! Each (case, strategy) runs once and is verified before criterion measures it; every measured
//! iteration is verified too, so a wrong answer can never produce a time. The measurement time
//! of each function follows its expected time per iteration, so criterion always completes its
//! samples in the time it is given and never warns.
//!
//! `SHOOTOUT_WORKERS` sets W (default: available cores); `SHOOTOUT_MAX_CASE_TIME` sets the same
//! budget as the runner's `--max-case-time` (default 10s).

use std::path::Path;
use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, SamplingMode};
use shootout_core::{Case, Context, Preset, Spec, Target, Workload, catalog, parse_duration};

use crate::registry::{self, Entry, STRATEGIES};
use crate::target::ServeProcess;

/// criterion's minimum, and plenty for waits that vary by microseconds.
const SAMPLES: usize = 10;
const WARM_UP: Duration = Duration::from_millis(500);
/// Measurement time of fast cases: 10 iterations per sample at 10 ms, and short enough that
/// `cargo bench --bench sleep` (32 functions) takes about three minutes.
const MIN_MEASUREMENT: Duration = Duration::from_secs(1);
/// Measurement time over (samples × the expected time of one iteration). criterion warns when
/// one sample's share of the measurement time is no longer than its warm-up's mean iteration,
/// so the share must exceed it; 1.5 leaves room for an iteration 50 % slower than expected.
const HEADROOM: f64 = 1.5;
/// The runner's default `--max-case-time` in the quick preset.
const DEFAULT_BUDGET: Duration = Duration::from_secs(10);

/// The settings every function of a bench shares.
struct Settings {
    workers: usize,
    budget: Duration,
    context: Context,
}

/// Benches every strategy on `workload`'s quick-preset cases. `shootout` is the binary whose
/// `serve` HTTP cases use (a bench gets it as `env!("CARGO_BIN_EXE_shootout")`).
pub fn bench_workload(c: &mut Criterion, workload: Workload, shootout: impl AsRef<Path>) {
    let workers = match std::env::var("SHOOTOUT_WORKERS") {
        Ok(w) => match w.trim().parse().ok().filter(|w| registry::check_workers(*w).is_ok()) {
            Some(w) => w,
            None => bad_input(&format!(
                "SHOOTOUT_WORKERS must be a whole number from 1 to {}, got {w:?}",
                registry::MAX_WORKERS
            )),
        },
        Err(_) => registry::default_workers(),
    };
    let budget = match std::env::var("SHOOTOUT_MAX_CASE_TIME") {
        Ok(d) => parse_duration(&d).unwrap_or_else(|e| bad_input(&format!("SHOOTOUT_MAX_CASE_TIME: {e}"))),
        Err(_) => DEFAULT_BUDGET,
    };
    let _ = shootout_core::metrics::raise_nofile_limit();
    let settings = Settings {
        workers,
        budget,
        context: Context { workers, calibration: catalog::calibrate(&[workload]) },
    };

    for case in catalog::cases_of(workload, Preset::Quick).into_iter().filter(|c| c.bench) {
        let server = match &case.spec {
            Spec::Http(spec) => match ServeProcess::for_spec(shootout.as_ref(), spec) {
                Ok(server) => Some(server),
                Err(e) => {
                    eprintln!("{}: not benchmarked: {e}", case.name);
                    continue;
                }
            },
            _ => None,
        };
        let target = server.as_ref().map(|s| s.target().clone());
        let mut group = c.benchmark_group(&case.name);
        group.sampling_mode(SamplingMode::Flat).sample_size(SAMPLES).warm_up_time(WARM_UP);
        for entry in STRATEGIES {
            bench_strategy(&mut group, &case, entry, target.as_ref(), &settings);
        }
        group.finish();
        drop(server);
    }
}

/// One line and exit status 2, as the CLI does for bad input.
fn bad_input(message: &str) -> ! {
    eprintln!("{message}");
    std::process::exit(2)
}

/// Builds `entry`'s strategy, verifies one run, measures it, and drops it on return.
fn bench_strategy(
    group: &mut BenchmarkGroup<'_, WallTime>,
    case: &Case,
    entry: &Entry,
    target: Option<&Target>,
    settings: &Settings,
) {
    let predicted = case.spec.predict((entry.overlap)(settings.workers), &settings.context);
    if let Some(p) = predicted.filter(|p| *p > settings.budget) {
        eprintln!("{}/{}: skipped: predicted {p:?} > budget {:?}", case.name, entry.name, settings.budget);
        return;
    }
    let strategy = match (entry.build)(settings.workers) {
        Ok(strategy) => strategy,
        Err(e) => {
            eprintln!("{}/{}: not benchmarked: {e}", case.name, entry.name);
            return;
        }
    };
    let observed = match case.spec.run_timed(strategy.as_ref(), target) {
        Ok(timed) => Duration::from_nanos(timed.wall_ns),
        Err(e) => {
            eprintln!("{}/{}: not benchmarked: {e}", case.name, entry.name);
            return;
        }
    };
    // The run above is the verify pass; the measured ones run the case as `shootout run`
    // times it.
    let timed = case.spec.timed();
    group.measurement_time(measurement_time(predicted, observed));
    group.bench_function(entry.name, |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                match timed.run_timed(strategy.as_ref(), target) {
                    Ok(t) => total += Duration::from_nanos(t.wall_ns),
                    Err(e) => panic!("{}/{}: a measured run failed verification: {e}", case.name, entry.name),
                }
            }
            total
        })
    });
}

/// Enough measurement time that each of the samples gets more than one expected iteration:
/// the larger of the prediction and the verified run's time, with [`HEADROOM`].
fn measurement_time(predicted: Option<Duration>, observed: Duration) -> Duration {
    let one = predicted.unwrap_or(Duration::ZERO).max(observed);
    one.mul_f64(SAMPLES as f64 * HEADROOM).max(MIN_MEASUREMENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// criterion's own rule (`ActualSamplingMode::Flat` in criterion 0.8): it warns "Unable to
    /// complete N samples" when a sample's share of the measurement time rounds up to one
    /// iteration of the warm-up's mean.
    fn criterion_warns(measurement: Duration, warm_up_mean: Duration) -> bool {
        let per_sample = measurement.as_nanos() as f64 / SAMPLES as f64;
        (per_sample / warm_up_mean.as_nanos() as f64).ceil() as u64 <= 1
    }

    #[test]
    fn measurement_time_never_makes_criterion_warn() {
        let ms = Duration::from_millis;
        for (predicted, observed) in [
            (Some(ms(10)), ms(11)),
            (Some(ms(1_000)), ms(1_010)),
            (Some(ms(500)), ms(505)),
            // The prediction underestimates (10,000 thread spawns): the verified run decides.
            (Some(ms(10)), ms(400)),
            (None, ms(900)),
            (Some(ms(9_000)), ms(2)),
        ] {
            let m = measurement_time(predicted, observed);
            let one = predicted.unwrap_or_default().max(observed);
            // Up to 40 % slower iterations during warm-up than either estimate still fit.
            assert!(!criterion_warns(m, one.mul_f64(1.4)), "{predicted:?}/{observed:?}: {m:?}");
            assert!(m >= MIN_MEASUREMENT);
        }
        // Fast cases keep the floor, so their samples hold many iterations.
        assert_eq!(measurement_time(Some(ms(10)), ms(10)), MIN_MEASUREMENT);
        // A 1 s iteration: 15 s, two iterations in each of the ten samples.
        assert_eq!(measurement_time(Some(ms(1_000)), ms(900)), Duration::from_secs(15));
    }
}
