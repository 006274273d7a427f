//! What the blocking strategies (threads, rayon) share: joining OS threads without losing a
//! panic, and the queue consumer's take–process–acknowledge loop. (The blocking producer is
//! `QueueSpec::produce_blocking`; the blocking fan-out unit is `FanOutSpec::run_blocking`.)

use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use crate::RunError;
use crate::queue::{Board, ConsumerTally, Cost, Message, Tripwire, cpu_work};

/// Joins every handle (all of them, even after a failure, so none is leaked) and returns their
/// values in order, or the first panic, named by `what`.
pub fn join_threads<T>(handles: Vec<JoinHandle<T>>, what: &str) -> Result<Vec<T>, RunError> {
    join_each(handles, JoinHandle::join, what)
}

/// [`join_threads`] for any handle whose `join` hands back a panic's payload as
/// `std::thread::join` does (may's coroutines): every handle is joined, even after a panic.
pub fn join_each<H, T>(
    handles: Vec<H>,
    join: impl Fn(H) -> std::thread::Result<T>,
    what: &str,
) -> Result<Vec<T>, RunError> {
    let mut out = Vec::with_capacity(handles.len());
    let mut panicked = None;
    for handle in handles {
        match join(handle) {
            Ok(value) => out.push(value),
            Err(payload) => {
                panicked.get_or_insert_with(|| RunError::panicked(what, payload));
            }
        }
    }
    panicked.map_or(Ok(out), Err)
}

/// One consumer on a blocking channel: take (`recv` returns `None` once the channel is closed
/// and drained), process with `cost` (a wait is `thread::sleep`), acknowledge, and `wake` the
/// joiner when the acknowledgement completes the run — or when this consumer dies (its
/// tripwire), so a failure never leaves the joiner waiting.
pub fn consume_blocking(
    board: &Arc<Board>,
    recv: impl FnMut() -> Option<Message>,
    cost: Cost,
    wake: &(dyn Fn() + Sync),
) -> ConsumerTally {
    consume_with(board, recv, cost, wake, std::thread::sleep)
}

/// [`consume_blocking`] with the wait given (a coroutine runtime's own sleep, which parks the
/// coroutine instead of its thread).
pub fn consume_with(
    board: &Arc<Board>,
    mut recv: impl FnMut() -> Option<Message>,
    cost: Cost,
    wake: &(dyn Fn() + Sync),
    sleep: fn(Duration),
) -> ConsumerTally {
    let alarm = Tripwire::new(wake);
    let mut tally = board.consumer();
    if tally.drains() {
        tally.drain(recv);
    } else {
        while let Some(message) = recv() {
            process_with(&mut tally, message, cost, wake, sleep);
        }
    }
    alarm.disarm();
    tally
}

/// Processes one message on the calling thread and acknowledges it.
#[inline]
pub fn process_blocking(tally: &mut ConsumerTally, message: Message, cost: Cost, wake: &(dyn Fn() + Sync)) {
    process_with(tally, message, cost, wake, std::thread::sleep)
}

/// [`process_blocking`] with the wait given.
#[inline]
pub fn process_with(
    tally: &mut ConsumerTally,
    message: Message,
    cost: Cost,
    wake: &(dyn Fn() + Sync),
    sleep: fn(Duration),
) {
    {
        let _busy = tally.busy();
        match cost {
            Cost::None => {}
            Cost::Cpu(k) => {
                cpu_work(k, message.id);
            }
            Cost::Wait(d) => sleep(d),
        }
    }
    if tally.processed(message) {
        wake();
    }
}
