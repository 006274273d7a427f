//! The queue workload under criterion: P producers, C consumers and a channel of capacity B,
//! for every strategy.
//!
//! What it measures: how long a strategy takes to move M message ids from its producers to its
//! consumers, have each processed and acknowledged (`task_done`), wait for the last
//! acknowledgement (`queue.join()`), close the channel and join every producer and consumer.
//! The groups are the quick preset's queue cases: spsc, mpsc (4→1) and mpmc (4→4) through
//! bounded(1), bounded(1024) and unbounded channels with tiny messages
//! (`queue/mpmc/p=4/c=4/b=1024/m=200000`, ...), and the latency-bound cases whose consumers
//! wait 1 ms per message (`queue/spmc/p=1/c=10/b=100/m=200/wait=1ms`). One run before
//! measuring is verified with every check (every message exactly once, by count, sum and id
//! hash; every consumer shut down by the close); every measured iteration runs the case as
//! `shootout run` times it, without the id hash, and is verified on the rest.
//!
//! Why: criterion's statistics and HTML report (`target/criterion/report/index.html`) on the
//! same verified cases `shootout run` measures. Each strategy's runtime is built for its own
//! benchmark, outside timing, and dropped before the next strategy's is built, so no strategy
//! is measured beside another's idle threads; measurement times follow each case's expected
//! time, so criterion completes its samples without warnings.
//!
//! `cargo bench --bench queue` takes about two minutes on two cores (66 case × strategy pairs,
//! most about 1.5 s of warm-up and samples, the latency-bound ones about 5 s).

use criterion::{Criterion, criterion_group, criterion_main};
use shootout_core::Workload;

/// The `shootout` binary cargo builds for every bench: HTTP cases run its `serve` as their server.
const SHOOTOUT: &str = env!("CARGO_BIN_EXE_shootout");
const WORKLOAD: Workload = Workload::Queue;

fn queue(c: &mut Criterion) {
    shootout_harness::bench::bench_workload(c, WORKLOAD, SHOOTOUT);
}

criterion_group!(benches, queue);
criterion_main!(benches);
