//! P producers send ids `0..M` (a contiguous block each) into one channel of capacity B
//! (`None` = unbounded); C consumers count and sum what they get. Threads use
//! crossbeam-channel; the async runtimes async-channel. Returns (count, sum).

use std::ops::Range;

use crate::SmolPool;

fn block(m: u64, p: u64, i: u64) -> Range<u64> {
    (i * m / p)..((i + 1) * m / p)
}

pub fn threads(m: u64, p: usize, c: usize, capacity: Option<usize>) -> (u64, u64) {
    let (tx, rx) = match capacity {
        Some(b) => crossbeam_channel::bounded::<u64>(b),
        None => crossbeam_channel::unbounded(),
    };
    let consumers: Vec<_> = (0..c)
        .map(|_| {
            let rx = rx.clone();
            std::thread::spawn(move || rx.iter().fold((0u64, 0u64), |(n, s), id| (n + 1, s.wrapping_add(id))))
        })
        .collect();
    let producers: Vec<_> = (0..p as u64)
        .map(|i| {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for id in block(m, p as u64, i) {
                    tx.send(id).expect("every consumer is gone");
                }
            })
        })
        .collect();
    drop((tx, rx));
    for h in producers {
        h.join().expect("a producer panicked");
    }
    consumers.into_iter().map(|h| h.join().expect("a consumer panicked")).fold((0, 0), add)
}

fn add(a: (u64, u64), b: (u64, u64)) -> (u64, u64) {
    (a.0 + b.0, a.1.wrapping_add(b.1))
}

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

pub fn smol(pool: &SmolPool, m: u64, p: usize, c: usize, capacity: Option<usize>) -> (u64, u64) {
    let (tx, rx) = channel(capacity);
    let consumers: Vec<_> = (0..c).map(|_| pool.ex.spawn(consume(rx.clone()))).collect();
    let producers: Vec<_> =
        (0..p as u64).map(|i| pool.ex.spawn(produce(tx.clone(), block(m, p as u64, i)))).collect();
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
