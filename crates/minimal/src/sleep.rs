//! N sleeping tasks, spawned, then awaited in order: the minimal `gather`. Each returns its
//! id, nothing else.

use std::time::Duration;

use crate::SmolPool;

pub fn tokio(rt: &tokio::runtime::Runtime, n: usize, d: Duration) -> Vec<usize> {
    rt.block_on(async move {
        let handles: Vec<_> = (0..n)
            .map(|i| {
                tokio::spawn(async move {
                    tokio::time::sleep(d).await;
                    i
                })
            })
            .collect();
        let mut ids = Vec::with_capacity(n);
        for h in handles {
            ids.push(h.await.expect("a sleeping task panicked"));
        }
        ids
    })
}

pub fn async_std(n: usize, d: Duration) -> Vec<usize> {
    async_std::task::block_on(async move {
        let handles: Vec<_> = (0..n)
            .map(|i| {
                async_std::task::spawn(async move {
                    async_std::task::sleep(d).await;
                    i
                })
            })
            .collect();
        let mut ids = Vec::with_capacity(n);
        for h in handles {
            ids.push(h.await);
        }
        ids
    })
}

pub fn smol(pool: &SmolPool, n: usize, d: Duration) -> Vec<usize> {
    let tasks: Vec<_> = (0..n)
        .map(|i| {
            pool.ex.spawn(async move {
                smol::Timer::after(d).await;
                i
            })
        })
        .collect();
    smol::block_on(async move {
        let mut ids = Vec::with_capacity(n);
        for t in tasks {
            ids.push(t.await);
        }
        ids
    })
}

/// A thread per task.
pub fn threads(n: usize, d: Duration) -> Vec<usize> {
    let handles: Vec<_> = (0..n)
        .map(|i| {
            std::thread::spawn(move || {
                std::thread::sleep(d);
                i
            })
        })
        .collect();
    handles.into_iter().map(|h| h.join().expect("a sleeping thread panicked")).collect()
}
