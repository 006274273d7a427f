//! The fan-out workload under criterion: N units each wait, compute and are gathered, for every
//! strategy.
//!
//! What it measures: how long a strategy takes to spawn N units, overlap their waits, spread
//! their CPU work over W cores and gather every result — in input order, with errors collected
//! or failing fast, under a limit L, a per-unit deadline, or in completion order. The groups
//! are the quick preset's fan-out cases (`fan-out/cpu/n=10000/k=20000`, ...); strategies that
//! the budget rule predicts at over 10 s are skipped with a line on stderr. Every iteration's
//! answer is verified, as is one run before measuring.
//!
//! Why: criterion's statistics and HTML report (`target/criterion/report/index.html`) on the
//! same verified cases `shootout run` measures. Each strategy's runtime is built for its own
//! benchmark, outside timing, and dropped before the next strategy's is built, so no strategy
//! is measured beside another's idle threads; measurement times follow each case's expected
//! time, so criterion completes its samples without warnings.
//!
//! `cargo bench --bench fanout` takes two to three minutes on an idle two-core machine.

use criterion::{Criterion, criterion_group, criterion_main};
use shootout_core::Workload;

/// The `shootout` binary cargo builds for every bench: HTTP cases run its `serve` as their server.
const SHOOTOUT: &str = env!("CARGO_BIN_EXE_shootout");
const WORKLOAD: Workload = Workload::FanOut;

fn fan_out(c: &mut Criterion) {
    shootout_harness::bench::bench_workload(c, WORKLOAD, SHOOTOUT);
}

criterion_group!(benches, fan_out);
criterion_main!(benches);
