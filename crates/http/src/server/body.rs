//! The server's answer bodies, streamed: a `/work` body over [`CHUNK`] bytes is generated a
//! chunk at a time as hyper asks for it, so a connection whose client does not read holds at
//! most one chunk (plus hyper's write buffer) instead of the whole body. Each body also
//! carries its request's [`Responding`] mark, so the connection's watchdog knows when the
//! answer is out.

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use hyper::body::{Body, Bytes, Frame, SizeHint};
use shootout_core::http::{Digest, MIN_BYTES};

use super::conn::Responding;

/// The most body bytes a connection holds at once beyond hyper's write buffer.
pub const CHUNK: usize = 64 * 1024;

/// What a body still has to send.
enum Source {
    Whole(Option<Bytes>),
    Work(WorkStream),
}

/// An answer's body.
pub struct ReplyBody {
    source: Source,
    /// Dropped when the body is done (sent, or the connection closed).
    _responding: Option<Responding>,
}

impl ReplyBody {
    pub fn whole(bytes: impl Into<Bytes>) -> Self {
        ReplyBody { source: Source::Whole(Some(bytes.into())), _responding: None }
    }

    /// The body of `/work?id=ID&bytes=BYTES`, byte for byte `shootout_core::http::body`.
    pub fn work(id: u64, bytes: usize) -> Self {
        if bytes <= CHUNK {
            return ReplyBody::whole(shootout_core::http::body(id, bytes));
        }
        ReplyBody { source: Source::Work(WorkStream::new(id, bytes)), _responding: None }
    }

    pub(super) fn mark(mut self, responding: Responding) -> Self {
        self._responding = Some(responding);
        self
    }

    fn remaining(&self) -> u64 {
        match &self.source {
            Source::Whole(b) => b.as_ref().map_or(0, |b| b.len() as u64),
            Source::Work(w) => w.remaining() as u64,
        }
    }
}

impl Body for ReplyBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let this = self.get_mut();
        let next = match &mut this.source {
            Source::Whole(b) => b.take(),
            Source::Work(w) => w.next_chunk(),
        };
        Poll::Ready(next.map(|b| Ok(Frame::data(b))))
    }

    fn is_end_stream(&self) -> bool {
        self.remaining() == 0
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.remaining())
    }
}

/// `shootout_core::http::body(id, bytes)` generated in chunks: the 32-byte header (id and
/// the filler's digest, computed by one pass that keeps nothing), then the filler, word by
/// word from the same generator.
struct WorkStream {
    header: Option<Bytes>,
    state0: u64,
    /// Filler bytes sent so far and in all.
    sent: usize,
    filler: usize,
}

impl WorkStream {
    fn new(id: u64, bytes: usize) -> Self {
        let state0 = id.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 0xb0d1;
        let filler = bytes - MIN_BYTES;
        let mut digest = Digest::new();
        let mut buf = Vec::with_capacity(CHUNK);
        let mut at = 0;
        while at < filler {
            let n = CHUNK.min(filler - at);
            fill(state0, at, n, &mut buf);
            digest.update(&buf);
            at += n;
        }
        let header = format!("{id:016x}{:016x}", digest.finish());
        WorkStream { header: Some(Bytes::from(header)), state0, sent: 0, filler }
    }

    fn remaining(&self) -> usize {
        self.header.as_ref().map_or(0, |h| h.len()) + self.filler - self.sent
    }

    fn next_chunk(&mut self) -> Option<Bytes> {
        if let Some(header) = self.header.take() {
            return Some(header);
        }
        if self.sent == self.filler {
            return None;
        }
        let n = CHUNK.min(self.filler - self.sent);
        let mut buf = Vec::with_capacity(n);
        fill(self.state0, self.sent, n, &mut buf);
        self.sent += n;
        Some(Bytes::from(buf))
    }
}

/// Filler bytes `at..at + n` (`at` a multiple of 8) into `out`, replacing its contents: each
/// 8 bytes are one splitmix64 word of the state `state0 + word index`, as letters.
fn fill(state0: u64, at: usize, n: usize, out: &mut Vec<u8>) {
    debug_assert_eq!(at % 8, 0);
    out.clear();
    let mut word_index = (at / 8) as u64;
    while out.len() < n {
        let word = splitmix64(state0.wrapping_add(word_index)).to_le_bytes();
        word_index += 1;
        let take = 8.min(n - out.len());
        out.extend(word[..take].iter().map(|w| b'a' + w % 26));
    }
}

/// The same mixer as `shootout_core::http`'s body generator (the test below holds them equal).
fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(mut body: ReplyBody) -> Vec<u8> {
        let mut out = Vec::new();
        let mut chunks = 0;
        loop {
            let waker = std::task::Waker::noop();
            let mut cx = Context::from_waker(waker);
            match Pin::new(&mut body).poll_frame(&mut cx) {
                Poll::Ready(Some(Ok(frame))) => {
                    let data = frame.into_data().expect("data frame");
                    assert!(data.len() <= CHUNK);
                    out.extend_from_slice(&data);
                    chunks += 1;
                }
                Poll::Ready(None) => break,
                Poll::Pending => unreachable!("bodies are always ready"),
            }
        }
        assert!(chunks >= 1);
        assert!(body.is_end_stream());
        out
    }

    #[test]
    fn streamed_bodies_equal_the_core_body() {
        for (id, bytes) in
            [(0, 32), (7, 1024), (3, CHUNK), (9, CHUNK + 1), (42, 3 * CHUNK + 5), (1 << 40, 1 << 20)]
        {
            let body = ReplyBody::work(id, bytes);
            assert_eq!(body.size_hint().exact(), Some(bytes as u64));
            let got = collect(body);
            assert_eq!(got.len(), bytes);
            assert!(got == shootout_core::http::body(id, bytes), "id {id}, {bytes} bytes differ");
        }
    }
}
