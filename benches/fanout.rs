//! The fan-out workload under criterion: N units each wait, compute and are gathered, for every
//! strategy.
//!
//! What it measures: how long a strategy takes to spawn N units, overlap their waits, spread
//! their CPU work over W cores and gather every result — in input order, with errors collected
//! or failing fast, under a limit L, a per-unit deadline, or in completion order. The groups
//! are the quick preset's fan-out cases (`fan-out/cpu/n=10000/k=20000`, ...); strategies that
//! the budget rule predicts at over 10 s are skipped with a line on stderr. Runtimes are built
//! once, outside timing, and every iteration's answer is verified.
//!
//! `cargo bench --bench fanout` takes about two minutes on two cores.

use criterion::{Criterion, criterion_group, criterion_main};
use shootout_core::Workload;

fn fan_out(c: &mut Criterion) {
    shootout_harness::bench::bench_workload(c, Workload::FanOut);
}

criterion_group!(benches, fan_out);
criterion_main!(benches);
