//! The blocking producer body that threads and rayon share: one OS thread's block of ids,
//! paced with `thread::sleep` (open loop: each put waits for its due time), sent through the
//! strategy's channel. A coroutine runtime (may) runs the same body with its own sleep.

use std::sync::Arc;
use std::time::Duration;

use super::{Board, Message, ProducerReport, QueueSpec, Tripwire};

impl QueueSpec {
    /// One blocking producer's body, as threads and rayon run it on a plain OS thread: its
    /// block of ids, paced with `thread::sleep`, each handed to `send` (false once no consumer
    /// is left). `alarm` fires if the body unwinds before finishing, so the joiner is woken
    /// instead of waiting forever; `depth` reads the channel's length after a timed send.
    pub fn produce_blocking(
        &self,
        index: usize,
        board: &Arc<Board>,
        alarm: impl FnOnce(),
        send: impl FnMut(Message) -> bool,
        depth: impl Fn() -> usize,
    ) -> ProducerReport {
        self.produce_with(index, board, alarm, send, depth, std::thread::sleep)
    }

    /// [`produce_blocking`](Self::produce_blocking) with the pacing and due-time wait given
    /// (a coroutine runtime's own sleep, which parks the coroutine instead of its thread).
    pub fn produce_with(
        &self,
        index: usize,
        board: &Arc<Board>,
        alarm: impl FnOnce(),
        mut send: impl FnMut(Message) -> bool,
        depth: impl Fn() -> usize,
        sleep: fn(Duration),
    ) -> ProducerReport {
        let alarm = Tripwire::new(alarm);
        let mut tally = board.producer();
        let (paced, open_loop) = (!self.pacing.is_zero(), board.open_loop());
        if !paced && !open_loop {
            tally.send_all(self.producer_block(index), send, depth);
            alarm.disarm();
            return tally.finish();
        }
        for id in self.producer_ids(index) {
            if paced {
                sleep(self.pacing);
            }
            if open_loop {
                board.wait_due_with(id, sleep);
            }
            let message = tally.message(id);
            if !send(message) {
                break; // no consumer is left; the joiner reports why
            }
            tally.sent(&message, &depth);
        }
        alarm.disarm();
        tally.finish()
    }
}
