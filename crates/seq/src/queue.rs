//! One thread plays every producer and every consumer over a `VecDeque` of capacity B:
//! producers (in turn) put until the queue is full or they have nothing left, then consumers
//! (in turn) take until it is empty, and again. That is the schedule a single thread is forced
//! into: a put into a full queue can only proceed once the same thread has consumed. An
//! unbounded queue is therefore filled completely before anything is consumed. Open loop, a
//! put waits for its due time only when there is nothing to consume: the one thread takes a
//! message, then puts whatever has come due meanwhile (late, and counted from its due time).

use std::collections::VecDeque;
use std::iter::{Peekable, StepBy};
use std::ops::Range;
use std::time::Instant;

use shootout_core::queue::{Board, Capacity, ConsumerTally, Cost, Message, ProducerTally, cpu_work};
use shootout_core::{QueueOutcome, QueueSpec, RunError};

pub(crate) fn run(_strategy: &crate::Sequential, spec: &QueueSpec) -> Result<QueueOutcome, RunError> {
    let board = Board::new(spec);
    let capacity = spec.capacity.limit(spec.messages);
    let mut queue: VecDeque<Message> = VecDeque::with_capacity(match spec.capacity {
        // Grows as needed: reserving M up front would charge its allocation to the first put.
        Capacity::Unbounded => 0,
        Capacity::Bounded(_) => capacity,
    });
    let mut producers: Vec<(ProducerTally, Peekable<StepBy<Range<u64>>>)> =
        (0..spec.producers).map(|p| (board.producer(), spec.producer_ids(p).peekable())).collect();
    let mut consumers: Vec<ConsumerTally> = (0..spec.consumers).map(|_| board.consumer()).collect();
    let mut next_producer = 0;
    let mut next_consumer = 0;
    let mut remaining = spec.messages;
    let open_loop = spec.rate.is_some();

    while remaining > 0 || !queue.is_empty() {
        // Put until full: producers take turns, one message each.
        while queue.len() < capacity && remaining > 0 {
            let (producer, ids) = &mut producers[next_producer];
            let Some(&id) = ids.peek() else {
                next_producer = (next_producer + 1) % spec.producers;
                continue;
            };
            if let Some(due) = board.due(id) {
                let now = Instant::now();
                if due > now {
                    if !queue.is_empty() {
                        break; // consume while the next put is not yet due
                    }
                    std::thread::sleep(due - now);
                }
            }
            ids.next();
            next_producer = (next_producer + 1) % spec.producers;
            if !spec.pacing.is_zero() {
                std::thread::sleep(spec.pacing);
            }
            let message = producer.message(id);
            queue.push_back(message);
            producer.sent(&message, || queue.len());
            remaining -= 1;
        }
        // Take until empty: consumers take turns, one message each.
        while let Some(message) = queue.pop_front() {
            let consumer = &mut consumers[next_consumer];
            next_consumer = (next_consumer + 1) % spec.consumers;
            {
                let _busy = consumer.busy();
                match spec.cost {
                    Cost::None => {}
                    Cost::Cpu(k) => {
                        cpu_work(k, message.id);
                    }
                    Cost::Wait(d) => std::thread::sleep(d),
                }
            }
            // The last acknowledgement is `join()` returning; nothing waits on it here.
            let _ = consumer.processed(message);
            if open_loop {
                break; // put what came due while this message was processed
            }
        }
    }

    // Every put is done and the queue is drained: the channel is closed for every consumer.
    let producers = producers.into_iter().map(|(p, _)| p.finish()).collect();
    let consumers = consumers.into_iter().map(|c| c.finish(remaining == 0)).collect();
    Ok(board.finish(producers, consumers))
}
