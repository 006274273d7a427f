//! The http spec: what a case asks for (M requests, C in flight, server latency L, body size,
//! connection mode, timeout, faults) and its validation, the answer each request must get,
//! the outcome a strategy answers with, and the target server it calls.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::{Fault, Faults};
use crate::error::check_range;
use crate::spec::{Context, Summary, Workload, WorkloadSpec};
use crate::strategy::{Overlap, WaitKind};
use crate::{RunError, SpecError, Strategy, format_duration};

/// One million requests: beyond that a case is a soak test, not a comparison.
pub const MAX_REQUESTS: usize = 1_000_000;
/// 100,000 connections at once is past any per-process file limit we can raise to here.
pub const MAX_CONCURRENCY: usize = 100_000;
/// A body holds the id and checksum (32 hex digits) before its filler.
pub const MIN_BYTES: usize = 32;
/// 16 MiB per response: enough to make a case transfer-bound, small enough to stay a typo guard.
pub const MAX_BYTES: usize = 16 << 20;
pub const MAX_LATENCY: Duration = Duration::from_secs(60);
pub const MAX_TIMEOUT: Duration = Duration::from_secs(3600);
/// A small JSON API answer.
pub const DEFAULT_BYTES: usize = 1024;
/// Generous against a 10 ms server on a loaded 2-core box; short enough that a stall is
/// noticed within a case.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// The fault pattern's default seed; server and client must agree on it.
pub const DEFAULT_SEED: u64 = 0x5eed;

/// Keep-alive (one connection per concurrent worker, reused) or a new TCP connection per
/// request (`requests.get` without a session).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Connection {
    Reuse,
    Fresh,
}

impl Connection {
    pub fn name(self) -> &'static str {
        match self {
            Connection::Reuse => "reuse",
            Connection::Fresh => "fresh",
        }
    }

    pub fn parse(text: &str) -> Result<Connection, SpecError> {
        match text.trim() {
            "reuse" | "keep-alive" => Ok(Connection::Reuse),
            "fresh" | "close" => Ok(Connection::Fresh),
            other => Err(SpecError::new(format!("unknown connection mode {other:?}; valid: reuse, fresh"))),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HttpSpec {
    /// M, the number of requests.
    pub requests: usize,
    /// C, the most requests in flight at once.
    pub concurrency: usize,
    /// L, how long the server waits before answering each request.
    #[serde(with = "crate::duration::serde_text")]
    pub latency: Duration,
    /// B, the response body size.
    pub bytes: usize,
    pub connection: Connection,
    /// Per request, from the first connect attempt to the last body byte.
    #[serde(with = "crate::duration::serde_text")]
    pub timeout: Duration,
    pub faults: Faults,
    /// Open loop: requests arrive at this rate, latency runs from each one's due time
    /// (`None`: closed loop, C workers each sending the next request when the last returns).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<super::Rate>,
    /// Whether the client digests each body as it reads it ([`Digest`](super::Digest)), for
    /// verify to check byte for byte. The verify pass does; a timed run ([`HttpSpec::timed`])
    /// reads every body and checks status, length and each id once, not the bytes: on a
    /// kept-alive L = 0 loop the digest was 2–5 % of an async client's CPU per request, which
    /// a client that only reads its bodies does not pay (METHODOLOGY, "The body digest is
    /// checked in the verify pass").
    #[serde(default = "digest_bodies_by_default")]
    pub digest_bodies: bool,
}

fn digest_bodies_by_default() -> bool {
    true
}

/// How one request ended, as the client saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// A complete HTTP response: its status, body length and body [`Digest`](super::Digest).
    Response { status: u16, len: u64, digest: u64 },
    /// No complete response.
    Failed(ErrorKind),
}

/// Why a request got no complete response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorKind {
    /// The connection closed or was reset before a complete response.
    Reset,
    /// The per-request timeout fired.
    Timeout,
    /// No connection could be made.
    Connect,
    /// Anything else (a malformed response, a protocol error).
    Other,
}

impl ErrorKind {
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::Reset => "reset",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Connect => "connect",
            ErrorKind::Other => "other",
        }
    }
}

/// One request: its id, when it started (ns since the run began, plus one), its latency
/// (request start to last body byte, or to the failure) and how it ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpResult {
    pub id: u64,
    pub start_ns: u64,
    pub latency_ns: u64,
    pub answer: Answer,
}

/// What a strategy reports: one result per request, in any order (requests complete out of
/// order by nature), and the client's own words for the first error of each kind (so a wrong
/// answer can say what happened). The most requests in flight at once and the latency
/// percentiles are derived from the results by `verify`, after the clock has stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpOutcome {
    pub results: Vec<HttpResult>,
    pub error_samples: BTreeMap<ErrorKind, String>,
    /// The client digested every body (the spec's `digest_bodies`); without it every
    /// response's digest is 0.
    pub bodies_digested: bool,
}

impl HttpOutcome {
    /// The most requests in flight at once, from each request's start and latency.
    pub fn peak_in_flight(&self) -> usize {
        crate::peak_overlap(
            self.results.iter().map(|r| (r.start_ns, r.start_ns.saturating_add(r.latency_ns))),
        )
    }
}

impl HttpSpec {
    /// M requests at concurrency C to a server waiting L: keep-alive, 1 KiB bodies, no faults.
    pub fn new(requests: usize, concurrency: usize, latency: Duration) -> Self {
        HttpSpec {
            requests,
            concurrency,
            latency,
            bytes: DEFAULT_BYTES,
            connection: Connection::Reuse,
            timeout: DEFAULT_TIMEOUT,
            faults: Faults::none(),
            rate: None,
            digest_bodies: true,
        }
    }

    /// The same requests as a timed run sends them: bodies read, not digested (see
    /// `digest_bodies`).
    pub fn timed(self) -> Self {
        HttpSpec { digest_bodies: false, ..self }
    }

    /// The same requests sent open-loop at `rate`.
    pub fn with_rate(mut self, rate: super::Rate) -> Self {
        self.rate = Some(rate);
        self
    }

    pub fn with_connection(mut self, connection: Connection) -> Self {
        self.connection = connection;
        self
    }

    pub fn with_faults(mut self, faults: Faults) -> Self {
        self.faults = faults;
        self
    }

    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    pub fn with_bytes(mut self, bytes: usize) -> Self {
        self.bytes = bytes;
        self
    }

    /// `http/reuse/m=1000/c=100/l=10ms`, with `/b=…` and fault rates when not the defaults.
    pub fn case_name(&self) -> String {
        let mut name = format!(
            "http/{}/m={}/c={}/l={}",
            self.connection.name(),
            self.requests,
            self.concurrency,
            format_duration(self.latency)
        );
        if self.bytes != DEFAULT_BYTES {
            name.push_str(&format!("/b={}", self.bytes));
        }
        for (key, rate) in [
            ("error", self.faults.error_rate),
            ("reset", self.faults.reset_rate),
            ("stall", self.faults.stall_rate),
        ] {
            if rate > 0.0 {
                name.push_str(&format!("/{key}={rate}"));
            }
        }
        if let Some(rate) = &self.rate {
            name.push_str(&rate.suffix());
        }
        name
    }

    /// What request `id` must end as.
    pub fn expected(&self, id: u64) -> Expected {
        match self.faults.fault_for(id) {
            None => Expected::Body,
            Some(Fault::Error) => Expected::Status(500),
            Some(Fault::Reset) => Expected::Failed(ErrorKind::Reset),
            Some(Fault::Stall) => Expected::Failed(ErrorKind::Timeout),
        }
    }

    /// How many requests overlap for a strategy with this overlap (HTTP waits are I/O: async
    /// strategies overlap them like timers, blocking ones hold a thread per wait).
    pub fn effective_concurrency(&self, overlap: Overlap) -> usize {
        overlap.effective(WaitKind::Timer, self.concurrency).min(self.concurrency).max(1)
    }
}

/// The answer a request must get.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    /// 200 with exactly [`write_body`](super::write_body)'s bytes.
    Body,
    /// This status (the injected 500); its body is not checked.
    Status(u16),
    Failed(ErrorKind),
}

impl std::fmt::Display for Expected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Expected::Body => f.write_str("200 with its body"),
            Expected::Status(s) => write!(f, "status {s}"),
            Expected::Failed(kind) => write!(f, "a {} error", kind.name()),
        }
    }
}

impl WorkloadSpec for HttpSpec {
    type Outcome = HttpOutcome;
    const WORKLOAD: Workload = Workload::Http;

    fn validate(&self) -> Result<(), SpecError> {
        check_range("--requests", self.requests as u64, 1, MAX_REQUESTS as u64)?;
        check_range("--concurrency", self.concurrency as u64, 1, MAX_CONCURRENCY as u64)?;
        if self.concurrency > self.requests {
            return Err(SpecError::new(format!(
                "--concurrency {} is more than --requests {}: at most {} requests can be in flight",
                self.concurrency, self.requests, self.requests
            )));
        }
        check_range("--bytes", self.bytes as u64, MIN_BYTES as u64, MAX_BYTES as u64)?;
        if self.latency > MAX_LATENCY {
            return Err(SpecError::new(format!(
                "--latency must be at most {}, got {}",
                format_duration(MAX_LATENCY),
                format_duration(self.latency)
            )));
        }
        if self.timeout > MAX_TIMEOUT || self.timeout <= self.latency {
            return Err(SpecError::new(format!(
                "--timeout must be longer than --latency {} and at most {}, got {}",
                format_duration(self.latency),
                format_duration(MAX_TIMEOUT),
                format_duration(self.timeout)
            )));
        }
        if let Some(rate) = &self.rate {
            rate.validate()?;
        }
        self.faults.validate()
    }

    fn run(&self, strategy: &dyn Strategy, target: Option<&Target>) -> Result<HttpOutcome, RunError> {
        let target = target.ok_or_else(|| {
            RunError::failed("the http workload needs a target server (none was started or given)")
        })?;
        strategy.http(self, target)
    }

    fn verify(&self, outcome: &HttpOutcome) -> Result<Summary, String> {
        super::verify::verify(self, outcome)
    }

    fn ideal(&self, ctx: &Context) -> Option<Duration> {
        super::ideal::ideal(self, ctx)
    }

    fn predict(&self, overlap: Overlap, ctx: &Context) -> Option<Duration> {
        super::ideal::predict(self, overlap, ctx)
    }

    fn params(&self) -> serde_json::Value {
        serde_json::json!({
            "requests": self.requests,
            "concurrency": self.concurrency,
            "latency_ms": self.latency.as_secs_f64() * 1e3,
            "bytes": self.bytes,
            "connection": self.connection.name(),
            "timeout_ms": self.timeout.as_secs_f64() * 1e3,
            "error_rate": self.faults.error_rate,
            "reset_rate": self.faults.reset_rate,
            "stall_rate": self.faults.stall_rate,
            "fault_seed": self.faults.seed,
            "rate": self.rate.map(|r| r.per_sec),
            "arrival": self.rate.map(|r| r.arrival),
        })
    }

    fn units(&self) -> u64 {
        // The concurrent units are the C workers, each with its connection.
        self.concurrency as u64
    }
}

/// The HTTP server every strategy calls: `http://127.0.0.1:PORT`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    pub url: String,
}

impl Target {
    pub fn new(url: impl Into<String>) -> Self {
        Target { url: url.into() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(m: usize, c: usize) -> HttpSpec {
        HttpSpec::new(m, c, Duration::from_millis(10))
    }

    #[test]
    fn validation_bounds() {
        assert!(spec(10, 2).validate().is_ok());
        assert!(spec(0, 1).validate().is_err());
        assert!(spec(10, 0).validate().is_err());
        assert!(spec(10, 11).validate().is_err());
        assert!(spec(MAX_REQUESTS + 1, 1).validate().is_err());
        assert!(spec(10, 2).with_bytes(MIN_BYTES - 1).validate().is_err());
        assert!(spec(10, 2).with_bytes(MAX_BYTES + 1).validate().is_err());
        assert!(spec(10, 2).with_timeout(Duration::from_millis(10)).validate().is_err());
        let long = HttpSpec::new(1, 1, Duration::from_secs(61));
        assert!(long.validate().is_err());
        for bad in [-0.1, 1.5, f64::NAN, f64::INFINITY] {
            let f = Faults { error_rate: bad, ..Faults::none() };
            assert!(spec(10, 2).with_faults(f).validate().is_err(), "{bad}");
        }
        let too_much = Faults { error_rate: 0.5, reset_rate: 0.4, stall_rate: 0.2, seed: 0 };
        assert!(spec(10, 2).with_faults(too_much).validate().is_err());
    }

    #[test]
    fn spec_round_trips_through_json() {
        let s = spec(10, 2)
            .with_connection(Connection::Fresh)
            .with_faults(Faults { stall_rate: 0.25, ..Faults::none() });
        let text = serde_json::to_string(&s).unwrap();
        assert_eq!(serde_json::from_str::<HttpSpec>(&text).unwrap(), s);
    }
}
