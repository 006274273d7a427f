//! The sleep workload under criterion: N tasks each wait d, for every strategy.
//!
//! What it measures: how long a strategy takes to start N waits, let them overlap, and gather
//! every id in order — the tutorial's "five sleeps take one second, not five". Timer mode uses
//! each runtime's native timer; blocking mode offloads `thread::sleep` (`to_thread`). The
//! groups are the quick preset's sleep cases (`sleep/timer/n=100/d=10ms`, ...); strategies
//! that the budget rule predicts at over 10 s (sequential and rayon at large N) are skipped
//! with a line on stderr. Every iteration's answer is verified, as is one run before measuring.
//!
//! Why: criterion's statistics and HTML report (`target/criterion/report/index.html`) on the
//! same verified cases `shootout run` measures. Each strategy's runtime is built for its own
//! benchmark, outside timing, and dropped before the next strategy's is built, so no strategy
//! is measured beside another's idle threads; measurement times follow each case's expected
//! time, so criterion completes its samples without warnings.
//!
//! `cargo bench --bench sleep` takes about three minutes on an idle two-core machine (32
//! functions): most take 1.5 s of warm-up and samples, but sequential and rayon at N = 100
//! need 1 s and 0.5 s per iteration, and threads at N = 10,000 about a second to spawn its
//! threads, so each of those takes 20 iterations (two per sample: see METHODOLOGY.md).

use criterion::{Criterion, criterion_group, criterion_main};
use shootout_core::Workload;

/// The `shootout` binary cargo builds for every bench: HTTP cases run its `serve` as their server.
const SHOOTOUT: &str = env!("CARGO_BIN_EXE_shootout");
const WORKLOAD: Workload = Workload::Sleep;

fn sleep(c: &mut Criterion) {
    shootout_harness::bench::bench_workload(c, WORKLOAD, SHOOTOUT);
}

criterion_group!(benches, sleep);
criterion_main!(benches);
