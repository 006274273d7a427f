//! The threads program: P producer threads send ids `0..M` (a contiguous block each) into one
//! crossbeam-channel of capacity B (`None` = unbounded); C consumer threads count and sum what
//! they get. Returns (count, sum).
//!
//! This file names nothing outside itself but std and crossbeam-channel, so a second crate can
//! compile the same source as its own copy (`#[path]`): `shootout fidelity`'s control side and
//! `examples/queue_rounds.rs` do, to show how far the same program moves when it is only
//! compiled elsewhere (METHODOLOGY, Fidelity).

use std::ops::Range;

use crossbeam_channel::{Receiver, Sender};

/// Producer `i` of `p`'s share of `0..m`.
pub fn block(m: u64, p: u64, i: u64) -> Range<u64> {
    (i * m / p)..((i + 1) * m / p)
}

/// Two (count, sum) tallies as one.
pub fn add(a: (u64, u64), b: (u64, u64)) -> (u64, u64) {
    (a.0 + b.0, a.1.wrapping_add(b.1))
}

/// A producer's loop: sends `ids` in order.
pub fn produce(tx: &Sender<u64>, ids: Range<u64>) {
    for id in ids {
        tx.send(id).expect("every consumer is gone");
    }
}

/// A consumer's loop: counts and sums what it gets until the channel is closed and drained.
pub fn consume(rx: &Receiver<u64>) -> (u64, u64) {
    rx.iter().fold((0u64, 0u64), |(n, s), id| (n + 1, s.wrapping_add(id)))
}

pub fn run(m: u64, p: usize, c: usize, capacity: Option<usize>) -> (u64, u64) {
    let (tx, rx) = match capacity {
        Some(b) => crossbeam_channel::bounded::<u64>(b),
        None => crossbeam_channel::unbounded(),
    };
    let consumers: Vec<_> = (0..c)
        .map(|_| {
            let rx = rx.clone();
            std::thread::spawn(move || consume(&rx))
        })
        .collect();
    let producers: Vec<_> = (0..p as u64)
        .map(|i| {
            let tx = tx.clone();
            std::thread::spawn(move || produce(&tx, block(m, p as u64, i)))
        })
        .collect();
    drop((tx, rx));
    for h in producers {
        h.join().expect("a producer panicked");
    }
    consumers.into_iter().map(|h| h.join().expect("a consumer panicked")).fold((0, 0), add)
}
