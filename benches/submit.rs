//! The submit workload under criterion: K plain OS threads hand units to an already-running
//! strategy, for every strategy.
//!
//! What it measures: how long a strategy takes to accept N submissions from K foreign threads
//! (`Handle::spawn`, `Executor::spawn`, `task::spawn`, rayon's `spawn`, a channel to workers),
//! run each (a callback that records its id, or a task that waits 10 ms first), cancel every
//! fourth right after submission in the cancel cases, and hand every result back to its
//! submitter. The groups are the quick preset's submit cases (`submit/callback/k=2/n=10000`,
//! `submit/task=10ms/k=2/n=20/cancel=1in4`, ...). Every iteration's answer is verified (every
//! id completed exactly once or cancelled before it ran, each back at its own submitter), as
//! is one run before measuring.
//!
//! Why: criterion's statistics and HTML report (`target/criterion/report/index.html`) on the
//! same verified cases `shootout run` measures. Each strategy's runtime is built for its own
//! benchmark, outside timing, and dropped before the next strategy's is built, so no strategy
//! is measured beside another's idle threads; measurement times follow each case's expected
//! time, so criterion completes its samples without warnings. Strategies without a cancel are
//! skipped on the cancel cases.
//!
//! `cargo bench --bench submit` takes about a minute on two cores (30 case × strategy pairs,
//! the blocking ones' cancel cases unsupported, most about 1.5 s of warm-up and samples).

use criterion::{Criterion, criterion_group, criterion_main};
use shootout_core::Workload;

/// The `shootout` binary cargo builds for every bench: HTTP cases run its `serve` as their server.
const SHOOTOUT: &str = env!("CARGO_BIN_EXE_shootout");
const WORKLOAD: Workload = Workload::Submit;

fn submit(c: &mut Criterion) {
    shootout_harness::bench::bench_workload(c, WORKLOAD, SHOOTOUT);
}

criterion_group!(benches, submit);
criterion_main!(benches);
