//! The async programs: P producer tasks send ids `0..M` (a contiguous block each) into one
//! async-channel of capacity B (`None` = unbounded); C consumer tasks count and sum what they
//! get, on tokio, async-std or smol. Returns (count, sum).
//!
//! Like `threads.rs`, this file names nothing outside itself but its sibling `threads` (for
//! `block` and `add`) and the runtimes' crates, so `shootout fidelity` can compile it again as
//! its control (`#[path]`, METHODOLOGY, Fidelity).

use std::ops::Range;

use super::threads::{add, block};

fn channel(capacity: Option<usize>) -> (async_channel::Sender<u64>, async_channel::Receiver<u64>) {
    match capacity {
        Some(b) => async_channel::bounded(b),
        None => async_channel::unbounded(),
    }
}

async fn consume(rx: async_channel::Receiver<u64>) -> (u64, u64) {
    let (mut n, mut s) = (0u64, 0u64);
    while let Ok(id) = rx.recv().await {
        n += 1;
        s = s.wrapping_add(id);
    }
    (n, s)
}

async fn produce(tx: async_channel::Sender<u64>, ids: Range<u64>) {
    for id in ids {
        tx.send(id).await.expect("every consumer is gone");
    }
}

pub fn tokio(
    rt: &tokio::runtime::Runtime,
    m: u64,
    p: usize,
    c: usize,
    capacity: Option<usize>,
) -> (u64, u64) {
    rt.block_on(async move {
        let (tx, rx) = channel(capacity);
        let consumers: Vec<_> = (0..c).map(|_| tokio::spawn(consume(rx.clone()))).collect();
        let producers: Vec<_> =
            (0..p as u64).map(|i| tokio::spawn(produce(tx.clone(), block(m, p as u64, i)))).collect();
        drop((tx, rx));
        for h in producers {
            h.await.expect("a producer panicked");
        }
        let mut total = (0, 0);
        for h in consumers {
            total = add(total, h.await.expect("a consumer panicked"));
        }
        total
    })
}

pub fn async_std(m: u64, p: usize, c: usize, capacity: Option<usize>) -> (u64, u64) {
    async_std::task::block_on(async move {
        let (tx, rx) = channel(capacity);
        let consumers: Vec<_> = (0..c).map(|_| async_std::task::spawn(consume(rx.clone()))).collect();
        let producers: Vec<_> = (0..p as u64)
            .map(|i| async_std::task::spawn(produce(tx.clone(), block(m, p as u64, i))))
            .collect();
        drop((tx, rx));
        for h in producers {
            h.await;
        }
        let mut total = (0, 0);
        for h in consumers {
            total = add(total, h.await);
        }
        total
    })
}

/// On an executor that other threads run (the caller's pool); this thread only waits.
pub fn smol(ex: &smol::Executor<'static>, m: u64, p: usize, c: usize, capacity: Option<usize>) -> (u64, u64) {
    let (tx, rx) = channel(capacity);
    let consumers: Vec<_> = (0..c).map(|_| ex.spawn(consume(rx.clone()))).collect();
    let producers: Vec<_> =
        (0..p as u64).map(|i| ex.spawn(produce(tx.clone(), block(m, p as u64, i)))).collect();
    drop((tx, rx));
    smol::block_on(async move {
        for t in producers {
            t.await;
        }
        let mut total = (0, 0);
        for t in consumers {
            total = add(total, t.await);
        }
        total
    })
}
