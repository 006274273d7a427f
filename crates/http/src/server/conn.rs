//! One connection's watchdog: what the connection is doing (waiting for a request head,
//! handling a request, sending an answer) and since when, and the deadline that follows.
//! A client that connects and sends nothing, or only part of a head, is closed after the
//! header timeout; a keep-alive connection with no new request, or an answer its client
//! stopped reading, after the idle timeout. A request the server itself is still working on
//! (the latency wait, an injected stall) has no deadline here: the client's timeout owns it.

use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

/// Why the watchdog closed a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expired {
    /// No complete request head within the header timeout.
    Header,
    /// Nothing received (between requests) or nothing sent (an answer not read) for the idle timeout.
    Idle,
}

#[derive(Debug)]
struct State {
    /// Requests handed to the service whose answers are not fully sent.
    in_flight: usize,
    /// Of those, answers the service has produced (their bodies are being sent).
    responding: usize,
    /// Since when a request head has been arriving (or, on a new connection, awaited).
    head_since: Option<Instant>,
    /// Since when the connection has waited, between requests, with nothing received.
    idle_since: Instant,
    last_write: Instant,
}

/// Shared by the connection's IO, its requests and its watchdog.
#[derive(Debug)]
pub struct Activity {
    state: Mutex<State>,
}

impl Activity {
    pub fn new() -> Arc<Activity> {
        let now = Instant::now();
        // A new connection owes its first head within the header timeout.
        let state =
            State { in_flight: 0, responding: 0, head_since: Some(now), idle_since: now, last_write: now };
        Arc::new(Activity { state: Mutex::new(state) })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn on_read(&self) {
        let mut s = self.lock();
        if s.in_flight == 0 && s.head_since.is_none() {
            s.head_since = Some(Instant::now());
        }
    }

    fn on_write(&self) {
        self.lock().last_write = Instant::now();
    }

    /// A request head arrived and goes to the service.
    pub fn request(self: &Arc<Self>) -> InFlight {
        let mut s = self.lock();
        s.in_flight += 1;
        s.head_since = None;
        InFlight { activity: Some(Arc::clone(self)) }
    }

    /// When the connection expires if nothing changes, and why; `None` while the server is
    /// still working on a request.
    pub fn deadline(&self, header: Duration, idle: Duration) -> Option<(Instant, Expired)> {
        let s = self.lock();
        if s.in_flight == 0 {
            return Some(match s.head_since {
                Some(since) => (since + header, Expired::Header),
                None => (s.idle_since + idle, Expired::Idle),
            });
        }
        (s.responding > 0).then(|| (s.last_write + idle, Expired::Idle))
    }
}

/// A request being handled; becomes [`Responding`] when its answer is produced.
pub struct InFlight {
    activity: Option<Arc<Activity>>,
}

impl InFlight {
    pub fn responding(mut self) -> Responding {
        // Its place in `in_flight` passes to the Responding mark.
        let activity = self.activity.take().expect("an InFlight is turned into Responding once");
        {
            let mut s = activity.lock();
            s.responding += 1;
            s.last_write = Instant::now();
        }
        Responding { activity }
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        // Still set: the handler ended without an answer (an injected reset).
        if let Some(activity) = self.activity.take() {
            let mut s = activity.lock();
            s.in_flight -= 1;
            if s.in_flight == 0 {
                s.idle_since = Instant::now();
            }
        }
    }
}

/// An answer being sent; dropped with its body, once sent or abandoned.
pub struct Responding {
    activity: Arc<Activity>,
}

impl Drop for Responding {
    fn drop(&mut self) {
        let mut s = self.activity.lock();
        s.in_flight -= 1;
        s.responding -= 1;
        if s.in_flight == 0 {
            s.idle_since = Instant::now();
        }
    }
}

/// The connection's stream, telling [`Activity`] when bytes move.
pub struct WatchedIo {
    stream: TcpStream,
    activity: Arc<Activity>,
}

impl WatchedIo {
    pub fn new(stream: TcpStream, activity: Arc<Activity>) -> Self {
        WatchedIo { stream, activity }
    }
}

impl AsyncRead for WatchedIo {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let result = Pin::new(&mut self.stream).poll_read(cx, buf);
        if matches!(result, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.activity.on_read();
        }
        result
    }
}

impl AsyncWrite for WatchedIo {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, data: &[u8]) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.stream).poll_write(cx, data);
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.on_write();
        }
        result
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.stream).poll_write_vectored(cx, bufs);
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.on_write();
        }
        result
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

/// Drives `connection` until it ends or the watchdog expires it; returns the connection's
/// result, or why it was closed.
pub async fn watch<F, T>(
    connection: F,
    activity: &Activity,
    header: Duration,
    idle: Duration,
) -> Result<T, Expired>
where
    F: std::future::Future<Output = T>,
{
    tokio::pin!(connection);
    loop {
        let (wake, expiry) = match activity.deadline(header, idle) {
            Some((at, why)) => (at, Some(why)),
            // Working on a request: look again later.
            None => (Instant::now() + header.min(idle), None),
        };
        tokio::select! {
            result = &mut connection => return Ok(result),
            _ = tokio::time::sleep_until(wake.into()) => {
                // Expired only if the deadline still stands (activity may have moved it).
                if let (Some(why), Some((at, now_why))) = (expiry, activity.deadline(header, idle))
                    && why == now_why
                    && at <= Instant::now()
                {
                    return Err(why);
                }
            }
        }
    }
}
