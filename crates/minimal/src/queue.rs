//! P producers send ids `0..M` (a contiguous block each) into one channel of capacity B
//! (`None` = unbounded); C consumers count and sum what they get. Threads use
//! crossbeam-channel; the async runtimes async-channel. Returns (count, sum).
//!
//! Each family's program is its own self-contained file (`threads.rs`, `tasks.rs`), so
//! `shootout fidelity` can compile the same source a second time as its control.

use crate::SmolPool;

pub mod tasks;
pub mod threads;

/// The threads program: crossbeam-channel between OS threads.
pub use threads::run as threads;

pub use tasks::{async_std, tokio};

/// The smol program on `pool`'s executor.
pub fn smol(pool: &SmolPool, m: u64, p: usize, c: usize, capacity: Option<usize>) -> (u64, u64) {
    tasks::smol(&pool.ex, m, p, c, capacity)
}
