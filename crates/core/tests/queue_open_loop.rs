//! An open-loop queue run is measured from each message's due time: a fake strategy whose one
//! consumer is slow shows its backlog in the percentiles though each message alone is quick, a
//! rate whose puts fall behind is reported (never silently lowered), and verify refuses a
//! producer stamp that is not the message's due time.

use std::time::Duration;

use shootout_core::http::Rate;
use shootout_core::queue::{Board, Capacity, Cost, QueueOutcome};
use shootout_core::{QueueSpec, Summary, WorkloadSpec};

fn spec(m: usize, per_sec: f64, service: Duration) -> QueueSpec {
    let spec = QueueSpec::new(m, 1, 1, Capacity::Unbounded)
        .with_cost(Cost::Wait(service))
        .with_rate(Rate::fixed(per_sec));
    spec.validate().unwrap();
    spec
}

/// A producer thread that puts every message when due into an unbounded channel, and one
/// consumer (this thread) that takes `service` per message: the backlog builds in the queue.
fn behind_consumer(spec: &QueueSpec, service: Duration) -> QueueOutcome {
    let board = Board::new(spec);
    let (tx, rx) = crossbeam_channel::unbounded();
    let producer = {
        let (board, spec) = (std::sync::Arc::clone(&board), *spec);
        std::thread::spawn(move || {
            let mut tally = board.producer();
            for id in spec.producer_ids(0) {
                board.wait_due(id);
                let message = tally.message(id);
                tx.send(message).unwrap();
                tally.sent(&message, || tx.len());
            }
            tally.finish()
        })
    };
    let mut consumer = board.consumer();
    for message in rx {
        {
            let _busy = consumer.busy();
            std::thread::sleep(service);
        }
        let _ = consumer.processed(message);
    }
    let producers = vec![producer.join().unwrap()];
    board.finish(producers, vec![consumer.finish(true)])
}

/// One thread that puts a message, then processes it before the next put (a queue of one):
/// puts fall behind their schedule.
fn behind_producer(spec: &QueueSpec, service: Duration) -> QueueOutcome {
    let board = Board::new(spec);
    let mut producer = board.producer();
    let mut consumer = board.consumer();
    for id in spec.producer_ids(0) {
        board.wait_due(id);
        let message = producer.message(id);
        producer.sent(&message, || 1);
        {
            let _busy = consumer.busy();
            std::thread::sleep(service);
        }
        let _ = consumer.processed(message);
    }
    board.finish(vec![producer.finish()], vec![consumer.finish(true)])
}

fn verified(spec: &QueueSpec, outcome: &QueueOutcome) -> Summary {
    spec.verify(outcome).unwrap_or_else(|e| panic!("{}: {e}", spec.case_name()))
}

#[test]
fn a_slow_consumers_backlog_shows_in_the_percentiles() {
    // 5 ms per message at 1,000/s: message i waits ~4i ms in the queue, the last ~160 ms.
    let s = spec(40, 1000.0, Duration::from_millis(5));
    let summary = verified(&s, &behind_consumer(&s, Duration::from_millis(5)));
    let latency = summary.latency.unwrap();
    assert!(latency.p99 >= 150_000_000, "the backlog is in the p99: {latency:?}");
    assert!(latency.p50 >= 70_000_000, "and in the median: {latency:?}");
    assert!(latency.p999.is_some(), "an HDR histogram's p99.9: {latency:?}");
    // The producer kept its schedule: the backlog is the consumer's, not late puts.
    let rate = &summary.notes["rate"];
    assert_eq!(rate["target_per_s"], 1000.0, "{rate}");
}

#[test]
fn an_unkeepable_rate_is_reported() {
    let s = spec(40, 1000.0, Duration::from_millis(5));
    let summary = verified(&s, &behind_producer(&s, Duration::from_millis(5)));
    let rate = &summary.notes["rate"];
    assert_eq!(rate["kept"], false, "{rate}");
    assert_eq!(rate["target_per_s"], 1000.0, "the asked rate stays the asked rate: {rate}");
    assert!(rate["achieved_per_s"].as_f64().unwrap() < 250.0, "about 200/s achieved: {rate}");
    assert!(rate["late"].as_u64().unwrap() >= 35, "{rate}");
    assert!(rate["late_max_ns"].as_u64().unwrap() >= 150_000_000, "{rate}");
    let warning = summary.notes["warning"].as_str().unwrap();
    assert!(warning.starts_with("rate not kept:") && warning.contains("of 1000/s asked"), "{warning}");
    // Measured from the due time, the late puts' wait is in the latency too.
    assert!(summary.latency.unwrap().p99 >= 150_000_000);
}

#[test]
fn a_keepable_rate_is_kept_and_measured_from_its_due_time() {
    // 1 ms per message at 100/s: every put on time, each message done about 1 ms after due.
    let s = spec(20, 100.0, Duration::from_millis(1));
    let outcome = behind_producer(&s, Duration::from_millis(1));
    let summary = verified(&s, &outcome);
    assert_eq!(summary.notes["rate"]["kept"], true, "{}", summary.notes["rate"]);
    assert!(!summary.notes.contains_key("warning"));
    let latency = summary.latency.unwrap();
    assert!((1_000_000..40_000_000).contains(&latency.p50), "{latency:?}");

    // A producer stamp that is its actual put time, not the due time, is refused.
    let mut forged = outcome.clone();
    forged.producers[0].sent_at[3].1 += 250_000;
    let err = s.verify(&forged).unwrap_err();
    assert!(err.contains("stamped") && err.contains("due at"), "{err}");
    // So is a producer that tallied no starts against the schedule.
    let mut untallied = outcome;
    untallied.producers[0].starts = None;
    assert!(s.verify(&untallied).unwrap_err().contains("no starts"));
}
