//! The HTTP workload under criterion: M requests at concurrency C to a server whose handler
//! waits L, for every strategy.
//!
//! What it measures: the tutorial's client — `requests` one by one versus `aiohttp` + `gather`
//! behind a `Semaphore(C)` — as hyper 1 on tokio, async-std and smol, and ureq on sequential,
//! threads and rayon. The server (hyper on its own tokio runtime, in this bench process but on
//! its own threads) is started once per case, outside timing; every response body is checked
//! against its id in every iteration. The groups are the quick preset's HTTP cases; strategies
//! the budget rule predicts at over 10 s are skipped with a line on stderr.
//!
//! Unlike `shootout run`, client and server share this process here, as they share the
//! machine's two cores in every HTTP number (METHODOLOGY.md, "Known biases").

use criterion::{Criterion, criterion_group, criterion_main};
use shootout_core::Workload;

fn http(c: &mut Criterion) {
    shootout_harness::bench::bench_workload(c, Workload::Http);
}

criterion_group!(benches, http);
criterion_main!(benches);
