//! Queue verification: every message processed exactly once (count and sum of the ids, and in
//! the verify pass their hash: [`QueueSpec::hash_ids`]), every producer and consumer joined after a clean shutdown, the latency samples, the queue
//! depth within its capacity — checked without trusting the strategy's tallies. Open loop, the
//! producers' stamps must be the schedule's due times, and latency runs from them (HDR
//! histogram, as for HTTP), with the producers' late starts and the achieved rate.

use super::{Cost, QueueOutcome, QueueSpec};
use crate::spec::{Latency, Summary, Throughput};

/// Checks a strategy's outcome; `Err` says what is wrong.
pub(super) fn verify(spec: &QueueSpec, outcome: &QueueOutcome) -> Result<Summary, String> {
    // Every producer joined and every put completed.
    if outcome.producers.len() != spec.producers {
        return Err(format!("expected {} producers joined, got {}", spec.producers, outcome.producers.len()));
    }
    let sent: u64 = outcome.producers.iter().map(|p| p.sent).sum();
    if sent != spec.messages as u64 {
        return Err(format!("producers sent {sent} messages, expected {}", spec.messages));
    }

    // Clean shutdown: every consumer that started was joined, stopped because the channel
    // closed, and no unit outlived the run.
    if outcome.consumers.is_empty() {
        return Err("no consumer was joined".to_string());
    }
    if outcome.consumers_started != outcome.consumers.len() {
        return Err(format!(
            "{} consumers started but {} were joined: a consumer was left running",
            outcome.consumers_started,
            outcome.consumers.len()
        ));
    }
    // A strategy never does more than asked: C consumers means at most C ran (fairness rule 10).
    if outcome.consumers.len() > spec.consumers {
        return Err(format!(
            "{} consumers ran, but the case asks for {} at most",
            outcome.consumers.len(),
            spec.consumers
        ));
    }
    if let Some(at) = outcome.consumers.iter().position(|c| !c.saw_close) {
        return Err(format!("consumer {at} stopped without seeing the channel close"));
    }
    if outcome.units_alive != 0 {
        return Err(format!(
            "{} producer or consumer units were still alive after the run (leaked thread or task)",
            outcome.units_alive
        ));
    }

    // Exactly once: count, sum and (in the verify pass) hash of the processed ids match 0..M.
    if outcome.ids_hashed != spec.hash_ids {
        return Err(format!(
            "the consumers {} the ids, but the spec asks {}",
            if outcome.ids_hashed { "hashed" } else { "did not hash" },
            if spec.hash_ids { "for the hash (verify pass)" } else { "for none (timed run)" }
        ));
    }
    let (want_count, want_sum, want_hash) = spec.expected_fingerprint();
    let count: u64 = outcome.consumers.iter().map(|c| c.processed).sum();
    if count != want_count {
        return Err(format!("consumers processed {count} messages, expected {want_count}"));
    }
    let sum = outcome.consumers.iter().fold(0u64, |s, c| s.wrapping_add(c.id_sum));
    let hash = outcome.consumers.iter().fold(0u64, |h, c| h.wrapping_add(c.id_hash));
    if sum != want_sum || (spec.hash_ids && hash != want_hash) {
        return Err(format!(
            "the processed ids are not 0..{} exactly once (a message was duplicated and another lost)",
            spec.messages
        ));
    }

    if outcome.stride != spec.stride() {
        return Err(format!("timed one message in {}, expected one in {}", outcome.stride, spec.stride()));
    }
    // Latency samples: the timed ids' send stamps (producers) and finish stamps (consumers),
    // each id exactly once on both sides, matched by id.
    let mut sent: Vec<(u64, u64)> =
        outcome.producers.iter().flat_map(|p| p.sent_at.iter().copied()).collect();
    let mut received: Vec<(u64, u64)> =
        outcome.consumers.iter().flat_map(|c| c.received_at.iter().copied()).collect();
    if received.len() as u64 != spec.timed_messages() || sent.len() as u64 != spec.timed_messages() {
        return Err(format!(
            "{} timed messages were sent and {} processed, expected {}",
            sent.len(),
            received.len(),
            spec.timed_messages()
        ));
    }
    sent.sort_unstable();
    received.sort_unstable();
    let schedule = spec.rate.map(|r| r.schedule(spec.messages));
    let mut latencies = Vec::with_capacity(sent.len());
    for (&(id, at), &(rid, done)) in sent.iter().zip(&received) {
        if id != rid || !id.is_multiple_of(outcome.stride) {
            return Err(format!("timed message {id} was not processed exactly once (found {rid})"));
        }
        // Open loop: latency from the due time, whenever the put actually happened.
        if let Some(due) = schedule.as_ref().map(|s| s.due_ns(id as usize) + 1)
            && at != due
        {
            return Err(format!("timed message {id} is stamped {at} ns, but it was due at {due} ns"));
        }
        latencies.push(done.saturating_sub(at));
    }
    let open = match &spec.rate {
        None => None,
        Some(rate) => {
            let mut starts = crate::http::rate::Starts::default();
            for (at, p) in outcome.producers.iter().enumerate() {
                let Some(s) = &p.starts else {
                    return Err(format!("producer {at} tallied no starts against the schedule (open loop)"));
                };
                starts.merge(s);
            }
            if starts.count != spec.messages as u64 {
                return Err(format!(
                    "{} puts started against the schedule, expected {}",
                    starts.count, spec.messages
                ));
            }
            Some(crate::http::rate::OpenLoop::summarise(rate, latencies.iter().copied(), &starts))
        }
    };

    let peak_depth = outcome.producers.iter().map(|p| p.peak_depth).max().unwrap_or(0);
    let limit = spec.capacity.limit(spec.messages);
    if peak_depth > limit {
        return Err(format!("queue depth {peak_depth} exceeds its capacity {limit}"));
    }
    // Busy spans: one per processed message when there is a cost, none otherwise.
    let peak_busy = outcome.peak_busy();
    for (at, c) in outcome.consumers.iter().enumerate() {
        let want = if spec.cost == Cost::None { 0 } else { c.processed as usize };
        if c.busy_ns.len() != want {
            return Err(format!("consumer {at} recorded {} busy spans for {want} messages", c.busy_ns.len()));
        }
    }
    if spec.cost != Cost::None && (peak_busy == 0 || peak_busy > outcome.consumers.len()) {
        return Err(format!(
            "{peak_busy} consumers busy at once is impossible for {} consumers",
            outcome.consumers.len()
        ));
    }
    // With join, every message was acknowledged once on the shared count; without, nothing was.
    let want_acked = spec.join.then_some(spec.messages as u64);
    if outcome.acked != want_acked {
        return Err(format!("{:?} acknowledgements, expected {want_acked:?}", outcome.acked));
    }

    latencies.sort_unstable();
    let shares: Vec<u64> = outcome.consumers.iter().map(|c| c.processed).collect();
    let mut notes = std::collections::BTreeMap::new();
    notes.insert("peak_queue_depth".to_string(), serde_json::json!(peak_depth));
    notes.insert("consumer_shares".to_string(), serde_json::json!(shares));
    notes.insert("consumers_joined".to_string(), serde_json::json!(outcome.consumers.len()));
    notes.insert("latency_samples".to_string(), serde_json::json!(latencies.len()));
    notes.insert("latency_stride".to_string(), serde_json::json!(outcome.stride));
    if let Some(open) = &open {
        notes.insert("rate".to_string(), open.note());
        if let Some(warning) = open.warning() {
            notes.insert("warning".to_string(), warning.into());
        }
    }
    Ok(Summary {
        peak_in_flight: (spec.cost != Cost::None).then_some(peak_busy),
        throughput: Some(Throughput { unit: "msg/s".to_string(), count: spec.messages as u64 }),
        latency: open.and_then(|o| o.latency).or(Some(Latency::of_sorted(&latencies, false))),
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::super::{Board, Capacity, ConsumerTally, ProducerTally, id_hash};
    use super::*;
    use crate::WorkloadSpec;

    fn spec(m: usize, p: usize, c: usize) -> QueueSpec {
        QueueSpec::new(m, p, c, Capacity::Bounded(4))
    }

    /// A correct outcome built by hand: consumer k takes the ids congruent to k mod C.
    fn honest(s: &QueueSpec) -> QueueOutcome {
        let board = Board::new(s);
        let mut producers: Vec<ProducerTally> = (0..s.producers).map(|_| board.producer()).collect();
        let mut consumers: Vec<ConsumerTally> = (0..s.consumers).map(|_| board.consumer()).collect();
        for (p, producer) in producers.iter_mut().enumerate() {
            for id in s.producer_ids(p) {
                let message = producer.message(id);
                producer.sent(&message, || 1);
                let consumer = &mut consumers[id as usize % s.consumers];
                drop(consumer.busy());
                let _ = consumer.processed(message);
            }
        }
        let producers = producers.into_iter().map(ProducerTally::finish).collect();
        let consumers = consumers.into_iter().map(|c| c.finish(true)).collect();
        board.finish(producers, consumers)
    }

    #[test]
    fn verify_accepts_the_expected_answer() {
        let s = spec(1000, 3, 4);
        let summary = s.verify(&honest(&s)).unwrap();
        assert_eq!(summary.throughput.unwrap().count, 1000);
        assert_eq!(summary.notes["consumer_shares"], serde_json::json!([250, 250, 250, 250]));
        assert_eq!(summary.notes["latency_samples"], serde_json::json!(1000));
        assert!(summary.latency.is_some());
    }

    #[test]
    fn verify_rejects_duplicates_and_losses() {
        let s = spec(100, 1, 2);
        let good = honest(&s);

        let mut missing = good.clone();
        let c = &mut missing.consumers[0];
        c.processed -= 1;
        c.id_sum -= 42;
        c.id_hash = c.id_hash.wrapping_sub(id_hash(42));
        c.received_at.retain(|&(id, _)| id != 42);
        assert!(s.verify(&missing).unwrap_err().contains("processed 99"));

        let mut duplicate = good.clone();
        let c = &mut duplicate.consumers[1];
        c.count(3, true); // 3 twice, 42 never
        c.processed -= 1;
        c.id_sum -= 42;
        c.id_hash = c.id_hash.wrapping_sub(id_hash(42));
        assert!(s.verify(&duplicate).unwrap_err().contains("exactly once"));

        // 10 and 20 twice, 14 and 16 never: count and sum agree, only the hash differs.
        let mut forged = good.clone();
        let c = &mut forged.consumers[0];
        for id in [10, 20] {
            c.count(id, true);
        }
        for id in [14u64, 16] {
            c.processed -= 1;
            c.id_sum -= id;
            c.id_hash = c.id_hash.wrapping_sub(id_hash(id));
        }
        assert!(s.verify(&forged).unwrap_err().contains("exactly once"));
    }

    /// A timed run's consumers add no hash, and verify still checks its count and sum; an
    /// outcome that hashed when it should not have, or did not when it should, is refused, so
    /// neither pass can quietly stand in for the other.
    #[test]
    fn a_timed_run_is_checked_without_the_hash_and_the_verify_pass_with_it() {
        let s = spec(100, 1, 2);
        let timed = honest(&s.timed());
        assert!(timed.consumers.iter().all(|c| c.id_hash == 0));
        s.timed().verify(&timed).unwrap();
        assert!(s.verify(&timed).unwrap_err().contains("did not hash"));
        assert!(s.timed().verify(&honest(&s)).unwrap_err().contains("hashed"));

        let mut lost = timed.clone();
        lost.consumers[0].id_sum -= 42;
        assert!(s.timed().verify(&lost).unwrap_err().contains("exactly once"));
    }

    /// Two duplicates and two losses keep count and sum whenever a + b = c + d: the hash must
    /// still tell {a, b} from {c, d}. Every such pair of pairs below 3,000 is checked.
    #[test]
    fn the_id_hash_tells_apart_every_pair_of_ids_with_the_same_sum() {
        for sum in 0..3_000u64 {
            let mut seen = std::collections::HashMap::new();
            for a in 0..=sum / 2 {
                let h = id_hash(a).wrapping_add(id_hash(sum - a));
                if let Some(other) = seen.insert(h, a) {
                    panic!("{{{a}, {}}} and {{{other}, {}}} share a hash sum", sum - a, sum - other);
                }
            }
        }
    }

    /// What rayon's `par_bridge` consumer did before: every pool thread consumed whatever C was.
    #[test]
    fn verify_rejects_more_consumers_than_asked() {
        let asked = spec(100, 1, 1);
        let ran_on_every_thread = honest(&spec(100, 1, 2));
        let err = asked.verify(&ran_on_every_thread).unwrap_err();
        assert!(err.contains("2 consumers ran, but the case asks for 1"), "{err}");
    }

    #[test]
    fn busy_spans_and_acknowledgements_are_checked() {
        let waits = QueueSpec::new(40, 1, 2, Capacity::Bounded(4)).with_cost(Cost::Cpu(10));
        let good = honest(&waits);
        assert_eq!(waits.verify(&good).unwrap().peak_in_flight, Some(1));
        // Both consumers busy over the same nanosecond, before any other span: two at once.
        let mut overlapping = good.clone();
        overlapping.consumers[0].busy_ns[0] = (0, 1);
        overlapping.consumers[1].busy_ns[0] = (0, 1);
        assert_eq!(waits.verify(&overlapping).unwrap().peak_in_flight, Some(2));
        let mut unrecorded = good.clone();
        unrecorded.consumers[1].busy_ns.pop();
        assert!(waits.verify(&unrecorded).unwrap_err().contains("busy spans"));

        // A timed message stamped by no consumer (another id stamped twice): rejected.
        let mut restamped = honest(&spec(30, 1, 2));
        let twice = restamped.consumers[0].received_at[1];
        restamped.consumers[1].received_at[0] = twice;
        assert!(spec(30, 1, 2).verify(&restamped).unwrap_err().contains("exactly once"));

        let joined = spec(30, 2, 3).with_join();
        let good = honest(&joined);
        assert_eq!(good.acked, Some(30));
        joined.verify(&good).unwrap();
        let mut short = good.clone();
        short.acked = Some(29);
        assert!(joined.verify(&short).unwrap_err().contains("acknowledgements"));
        // A throughput run must not have paid for a shared count.
        assert!(spec(30, 2, 3).verify(&good).is_err());
    }

    #[test]
    fn verify_rejects_unclean_shutdown() {
        let s = spec(50, 2, 2);
        let good = honest(&s);
        assert!(s.verify(&good).is_ok());

        let mut leaked = good.clone();
        leaked.units_alive = 1;
        assert!(s.verify(&leaked).unwrap_err().contains("still alive"));

        let mut unjoined = good.clone();
        unjoined.consumers_started = 3;
        assert!(s.verify(&unjoined).unwrap_err().contains("left running"));

        let mut abandoned = good.clone();
        abandoned.consumers[1].saw_close = false;
        assert!(s.verify(&abandoned).unwrap_err().contains("without seeing the channel close"));

        let mut lost_producer = good.clone();
        lost_producer.producers.pop();
        assert!(s.verify(&lost_producer).is_err());

        let mut overfull = good;
        overfull.producers[0].peak_depth = 5;
        assert!(s.verify(&overfull).unwrap_err().contains("capacity"));
    }
}
