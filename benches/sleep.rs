//! The sleep workload under criterion: N tasks each wait d, for every strategy.
//!
//! What it measures: how long a strategy takes to start N waits, let them overlap, and gather
//! every id in order — the tutorial's "five sleeps take one second, not five". Timer mode uses
//! each runtime's native timer; blocking mode offloads `thread::sleep` (`to_thread`). The
//! groups are the quick preset's sleep cases (`sleep/timer/n=100/d=10ms`, ...); strategies
//! that the budget rule predicts at over 10 s (sequential and rayon at large N) are skipped
//! with a line on stderr. Runtimes are built once, outside timing, and every iteration's
//! answer is verified.
//!
//! `cargo bench --bench sleep` takes about three minutes on two cores.

use criterion::{Criterion, criterion_group, criterion_main};
use shootout_core::Workload;

fn sleep(c: &mut Criterion) {
    shootout_harness::bench::bench_workload(c, Workload::Sleep);
}

criterion_group!(benches, sleep);
criterion_main!(benches);
