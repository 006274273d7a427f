//! Two findings of the full preset, reproduced without the harness:
//!
//! 1. A 1 → 1 bounded(1) async-channel with producer and consumer on two thread-per-core
//!    runtimes (compio, monoio, glommio) costs tens of µs a message: every message is two
//!    cross-thread wakes, each a park/unpark of a runtime thread. On one runtime, or on tokio
//!    (whose scheduler keeps both tasks on one worker), it costs under 1 µs.
//! 2. may spawns a coroutine from a plain thread at ~7 µs each, so 10,000 coroutines sleeping
//!    10 ms take ~90 ms, where tokio and smol take 16–30 ms.
//!
//! Each prints its time; each checks its answer (the sum of the messages, of the ids).

use std::time::{Duration, Instant};

const MESSAGES: u64 = 20_000;
const COROUTINES: usize = 10_000;
const ROUNDS: usize = 3;

async fn produce(tx: async_channel::Sender<u64>) {
    for i in 0..MESSAGES {
        tx.send(i).await.expect("the consumer is alive");
    }
}

async fn consume(rx: async_channel::Receiver<u64>) -> u64 {
    let mut sum = 0;
    while let Ok(v) = rx.recv().await {
        sum += v;
    }
    sum
}

/// The producer's or the consumer's side, each holding only its own end of the channel (so the
/// consumer sees it close). The consumer returns the sum; the producer 0.
async fn one_side(producer: bool, tx: async_channel::Sender<u64>, rx: async_channel::Receiver<u64>) -> u64 {
    if producer {
        drop(rx);
        produce(tx).await;
        0
    } else {
        drop(tx);
        consume(rx).await
    }
}

fn report(label: &str, sum: u64, elapsed: Duration) {
    assert_eq!(sum, MESSAGES * (MESSAGES - 1) / 2, "{label}: wrong sum");
    let per = elapsed.as_secs_f64() * 1e6 / MESSAGES as f64;
    println!("{label:44} {:8.1} ms {per:7.2} µs/message", elapsed.as_secs_f64() * 1e3);
}

/// Consumer on one OS thread, producer on another, each inside `on_thread`'s runtime.
fn two_runtimes(
    label: &str,
    on_thread: fn(bool, async_channel::Sender<u64>, async_channel::Receiver<u64>) -> u64,
) {
    let (tx, rx) = async_channel::bounded(1);
    let start = Instant::now();
    let (tx2, rx2) = (tx.clone(), rx.clone());
    let consumer = std::thread::spawn(move || on_thread(false, tx2, rx2));
    let producer = std::thread::spawn(move || on_thread(true, tx, rx));
    producer.join().expect("producer");
    let sum = consumer.join().expect("consumer");
    report(label, sum, start.elapsed());
}

fn handoff() {
    two_runtimes("compio: P and C on two runtimes", |producer, tx, rx| {
        compio::runtime::Runtime::new().expect("compio").block_on(one_side(producer, tx, rx))
    });
    two_runtimes("monoio: P and C on two runtimes", |producer, tx, rx| {
        let mut rt = monoio::RuntimeBuilder::<monoio::FusionDriver>::new().build().expect("monoio");
        rt.block_on(one_side(producer, tx, rx))
    });
    {
        use glommio::{LocalExecutorBuilder, Placement};
        let (tx, rx) = async_channel::bounded(1);
        let start = Instant::now();
        let (tx2, rx2) = (tx.clone(), rx.clone());
        let consumer = LocalExecutorBuilder::new(Placement::Fixed(0))
            .spawn(move || one_side(false, tx2, rx2))
            .expect("glommio");
        let producer = LocalExecutorBuilder::new(Placement::Fixed(1))
            .spawn(move || one_side(true, tx, rx))
            .expect("glommio");
        producer.join().expect("producer");
        report(
            "glommio: P and C on two executors (+ build)",
            consumer.join().expect("consumer"),
            start.elapsed(),
        );
    }
    {
        let rt = compio::runtime::Runtime::new().expect("compio");
        let start = Instant::now();
        let sum = rt.block_on(async {
            let (tx, rx) = async_channel::bounded(1);
            let consumer = compio::runtime::spawn(consume(rx));
            compio::runtime::spawn(produce(tx)).detach();
            consumer.await.expect("consumer")
        });
        report("compio: P and C on one runtime", sum, start.elapsed());
    }
    {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).build().expect("tokio");
        let start = Instant::now();
        let sum = rt.block_on(async {
            let (tx, rx) = async_channel::bounded(1);
            let consumer = tokio::spawn(consume(rx));
            tokio::spawn(produce(tx)).await.expect("producer");
            consumer.await.expect("consumer")
        });
        report("tokio, 2 workers: spawn C, spawn P", sum, start.elapsed());
    }
}

fn may_spawn() {
    let sleep = Duration::from_millis(10);
    let start = Instant::now();
    // SAFETY (both spawns): the bodies hold no thread-local across a yield, and their stacks are
    // far under may's 32 KiB default.
    let handles: Vec<_> = (0..COROUTINES)
        .map(|id| unsafe {
            may::coroutine::spawn(move || {
                may::coroutine::sleep(sleep);
                id
            })
        })
        .collect();
    let spawned = start.elapsed();
    let sum: usize = handles.into_iter().map(|h| h.join().expect("coroutine")).sum();
    assert_eq!(sum, COROUTINES * (COROUTINES - 1) / 2, "may: wrong ids");
    println!(
        "{:44} {:8.1} ms (spawn loop {:.1} ms, {:.1} µs a spawn)",
        format!("may: {COROUTINES} coroutines sleep 10 ms"),
        start.elapsed().as_secs_f64() * 1e3,
        spawned.as_secs_f64() * 1e3,
        spawned.as_secs_f64() * 1e6 / COROUTINES as f64
    );
}

fn main() {
    may::config().set_workers(2);
    // Start may's scheduler before timing, as the strategy does when it is built.
    unsafe { may::coroutine::spawn(|| ()) }.join().expect("may starts");
    for _ in 0..ROUNDS {
        handoff();
        may_spawn();
    }
}
