//! The HTTP workload under criterion: M requests at concurrency C to a server whose handler
//! waits L, for every strategy.
//!
//! What it measures: the tutorial's client — `requests` one by one versus `aiohttp` + `gather`
//! behind a `Semaphore(C)` — as hyper 1 on tokio, async-std and smol, and ureq on sequential,
//! threads and rayon. The server is `shootout serve` in a child process (the binary cargo builds
//! beside this bench, `CARGO_BIN_EXE_shootout`), one per case on a free loopback port with the
//! case's latency and faults, started before the case's group and stopped after it; the bench
//! checks through its `/config` that it answers with those settings, as for `--target`. One run
//! before measuring is verified with every check (every body's digest against its id); every
//! measured iteration runs the case as `shootout run` times it, bodies read but not digested,
//! and is verified on the rest (status, length, each id once, the concurrency). The groups are
//! the quick preset's HTTP cases; strategies the budget rule predicts at over 10 s are skipped
//! with a line on stderr.
//!
//! Why: criterion's statistics and HTML report (`target/criterion/report/index.html`) on the
//! same verified cases `shootout run` measures. Each strategy's runtime is built for its own
//! benchmark, outside timing, and dropped before the next strategy's is built, so no strategy
//! is measured beside another's idle threads; measurement times follow each case's expected
//! time, so criterion completes its samples without warnings.
//!
//! Client and server are separate processes but share the machine's two cores, as in every
//! HTTP number (METHODOLOGY.md, "Known biases").
//!
//! `cargo bench --bench http` takes about three and a half minutes on two cores, two of them
//! rayon on `http/reuse` (5.8 s per iteration: its W threads take the requests W at a time).

use criterion::{Criterion, criterion_group, criterion_main};
use shootout_core::Workload;

/// The `shootout` binary cargo builds for every bench: HTTP cases run its `serve` as their server.
const SHOOTOUT: &str = env!("CARGO_BIN_EXE_shootout");
const WORKLOAD: Workload = Workload::Http;

fn http(c: &mut Criterion) {
    shootout_harness::bench::bench_workload(c, WORKLOAD, SHOOTOUT);
}

criterion_group!(benches, http);
criterion_main!(benches);
