//! The http workload: M requests to a server whose handler waits L, at most C in flight —
//! the tutorials' `aiohttp` client against a slow server, serial versus `gather` behind a
//! `Semaphore(C)`.
//!
//! Core owns the whole expected answer: the body the server sends for request `id`
//! ([`write_body`]), its digest ([`Digest`]), and which ids the server must fault
//! ([`Faults::fault_for`], deterministic per id), so `verify` checks every response and every
//! error of a run without trusting the client or the server.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::case::{Case, Preset};
use crate::error::check_range;
use crate::spec::{Context, Latency, Summary, Throughput, Workload, WorkloadSpec};
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

/// Per-request costs the prediction adds to L (measured on the reference 2-core box with the
/// server in another process, rounded up so the budget rule errs towards skipping rather than
/// overrunning): the server's tokio timer fires 1–1.5 ms after L; a keep-alive request costs
/// 20–30 µs of client and server CPU; a fresh connection adds the TCP handshake and teardown
/// (70–120 µs in all).
const TIMER_SLACK: Duration = Duration::from_micros(1_500);
const REUSE_OVERHEAD: Duration = Duration::from_micros(50);
const FRESH_OVERHEAD: Duration = Duration::from_micros(150);

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

/// What the server does to one request instead of answering it normally.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Fault {
    /// Answer HTTP 500.
    Error,
    /// Close the connection without answering.
    Reset,
    /// Never answer: the client's per-request timeout must fire.
    Stall,
}

/// Fault injection rates, each in [0, 1], summing to at most 1. Which ids fault is a pure
/// function of (id, seed), so the server injects and core expects exactly the same ids.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Faults {
    pub error_rate: f64,
    pub reset_rate: f64,
    pub stall_rate: f64,
    pub seed: u64,
}

impl Default for Faults {
    fn default() -> Self {
        Faults { error_rate: 0.0, reset_rate: 0.0, stall_rate: 0.0, seed: DEFAULT_SEED }
    }
}

impl Faults {
    pub fn none() -> Self {
        Faults::default()
    }

    pub fn is_none(&self) -> bool {
        self.error_rate == 0.0 && self.reset_rate == 0.0 && self.stall_rate == 0.0
    }

    pub fn validate(&self) -> Result<(), SpecError> {
        for (flag, rate) in [
            ("--error-rate", self.error_rate),
            ("--reset-rate", self.reset_rate),
            ("--stall-rate", self.stall_rate),
        ] {
            check_rate(flag, rate)?;
        }
        let sum = self.error_rate + self.reset_rate + self.stall_rate;
        if sum > 1.0 + 1e-9 {
            return Err(SpecError::new(format!(
                "--error-rate + --reset-rate + --stall-rate must be at most 1, got {sum}"
            )));
        }
        Ok(())
    }

    /// The fault the server injects for request `id`, if any.
    pub fn fault_for(&self, id: u64) -> Option<Fault> {
        if self.is_none() {
            return None;
        }
        // 53 random bits as a uniform fraction in [0, 1).
        let u = (splitmix64(id ^ splitmix64(self.seed)) >> 11) as f64 / (1u64 << 53) as f64;
        if u < self.error_rate {
            Some(Fault::Error)
        } else if u < self.error_rate + self.reset_rate {
            Some(Fault::Reset)
        } else if u < self.error_rate + self.reset_rate + self.stall_rate {
            Some(Fault::Stall)
        } else {
            None
        }
    }

    /// How many of ids `0..requests` get each fault: (errors, resets, stalls).
    pub fn count(&self, requests: usize) -> FaultCounts {
        let mut counts = FaultCounts::default();
        if self.is_none() {
            return counts;
        }
        for id in 0..requests as u64 {
            match self.fault_for(id) {
                Some(Fault::Error) => counts.errors += 1,
                Some(Fault::Reset) => counts.resets += 1,
                Some(Fault::Stall) => counts.stalls += 1,
                None => {}
            }
        }
        counts
    }
}

/// Checks one rate flag: a finite number in [0, 1].
pub fn check_rate(flag: &str, rate: f64) -> Result<(), SpecError> {
    if !rate.is_finite() || !(0.0..=1.0).contains(&rate) {
        return Err(SpecError::new(format!("{flag} must be between 0 and 1, got {rate}")));
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultCounts {
    pub errors: u64,
    pub resets: u64,
    pub stalls: u64,
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
}

/// How one request ended, as the client saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// A complete HTTP response: its status, body length and body [`Digest`].
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

/// One request: its id, its latency (request start to last body byte, or to the failure) and
/// how it ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpResult {
    pub id: u64,
    pub latency_ns: u64,
    pub answer: Answer,
}

/// What a strategy reports: one result per request, in any order (requests complete out of
/// order by nature), the most requests in flight at once, and latency percentiles over every
/// request that got a response (computed by the client with hdrhistogram), and the client's
/// own words for the first error of each kind (so a wrong answer can say what happened).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpOutcome {
    pub results: Vec<HttpResult>,
    pub peak_in_flight: usize,
    pub latency: Option<Latency>,
    pub error_samples: BTreeMap<ErrorKind, String>,
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
        }
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
    /// 200 with exactly [`write_body`]'s bytes.
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

fn describe(answer: &Answer) -> String {
    match answer {
        Answer::Response { status, len, .. } => format!("status {status} with a {len}-byte body"),
        Answer::Failed(kind) => format!("a {} error", kind.name()),
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
        self.faults.validate()
    }

    fn run(&self, strategy: &dyn Strategy, target: Option<&Target>) -> Result<HttpOutcome, RunError> {
        let target = target.ok_or_else(|| {
            RunError::failed("the http workload needs a target server (none was started or given)")
        })?;
        strategy.http(self, target)
    }

    fn verify(&self, outcome: &HttpOutcome) -> Result<Summary, String> {
        let m = self.requests;
        if outcome.results.len() != m {
            return Err(format!("expected {m} request results, got {}", outcome.results.len()));
        }
        let expected_digests = ExpectedDigests::new(self.bytes);
        let mut seen = vec![false; m];
        let mut wrong = 0usize;
        let mut first_wrong = None;
        let mut errors: BTreeMap<&'static str, u64> = BTreeMap::new();
        let mut max_latency = None::<u64>;
        for r in &outcome.results {
            let index = usize::try_from(r.id)
                .ok()
                .filter(|&i| i < m)
                .ok_or_else(|| format!("a result has request id {}, outside 0..{m}", r.id))?;
            if std::mem::replace(&mut seen[index], true) {
                return Err(format!("request {} has two results", r.id));
            }
            match r.answer {
                Answer::Response { status, .. } => {
                    if status != 200 {
                        *errors.entry("status").or_default() += 1;
                    }
                    max_latency = max_latency.max(Some(r.latency_ns));
                }
                Answer::Failed(kind) => *errors.entry(kind.name()).or_default() += 1,
            }
            let expected = self.expected(r.id);
            let right = match (expected, r.answer) {
                (Expected::Body, Answer::Response { status: 200, len, digest }) => {
                    len == self.bytes as u64 && digest == expected_digests.of(r.id)
                }
                (Expected::Status(want), Answer::Response { status, .. }) => status == want,
                (Expected::Failed(want), Answer::Failed(got)) => want == got,
                _ => false,
            };
            if !right {
                wrong += 1;
                first_wrong.get_or_insert_with(|| {
                    let got = match r.answer {
                        Answer::Response { status: 200, len, .. } if expected == Expected::Body => {
                            format!("a 200 whose {len}-byte body does not match")
                        }
                        Answer::Failed(kind) => match outcome.error_samples.get(&kind) {
                            Some(said) => format!("a {} error ({said})", kind.name()),
                            None => format!("a {} error", kind.name()),
                        },
                        other => describe(&other),
                    };
                    format!("request {}: expected {expected}, got {got}", r.id)
                });
            }
        }
        if let Some(first) = first_wrong {
            return Err(format!("{wrong} of {m} answers wrong; first: {first}"));
        }
        let peak = outcome.peak_in_flight;
        if peak == 0 || peak > self.concurrency {
            return Err(format!("peak in flight {peak} is impossible at concurrency {}", self.concurrency));
        }
        let latency = check_latency(outcome.latency, max_latency)?;
        let expected_faults = self.faults.count(m);
        let mut notes = BTreeMap::new();
        let mut by_kind = serde_json::Map::new();
        for kind in ["status", "reset", "timeout", "connect", "other"] {
            by_kind.insert(kind.into(), errors.get(kind).copied().unwrap_or(0).into());
        }
        notes.insert("errors".into(), serde_json::Value::Object(by_kind));
        if !self.faults.is_none() {
            notes.insert(
                "injected".into(),
                serde_json::to_value(expected_faults).unwrap_or(serde_json::Value::Null),
            );
        }
        Ok(Summary {
            peak_in_flight: Some(peak),
            throughput: Some(Throughput { unit: "req/s".into(), count: m as u64 }),
            latency,
            notes,
        })
    }

    fn ideal(&self, _ctx: &Context) -> Option<Duration> {
        // With L = 0 the floor is the client's and server's own overhead: no physical floor.
        if self.latency.is_zero() {
            return None;
        }
        Some(self.latency * self.requests.div_ceil(self.concurrency) as u32)
    }

    fn predict(&self, overlap: Overlap, _ctx: &Context) -> Option<Duration> {
        let lanes = self.effective_concurrency(overlap);
        let slack = if self.latency.is_zero() { Duration::ZERO } else { TIMER_SLACK };
        let overhead = match self.connection {
            Connection::Reuse => REUSE_OVERHEAD,
            Connection::Fresh => FRESH_OVERHEAD,
        };
        let per_request = self.latency + slack + overhead;
        let stalls = self.faults.count(self.requests).stalls as usize;
        let rounds = self.requests.div_ceil(lanes) as u32;
        let stalled_rounds = stalls.div_ceil(lanes) as u32;
        Some(per_request * rounds + self.timeout * stalled_rounds)
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
        })
    }

    fn units(&self) -> u64 {
        // The concurrent units are the C workers, each with its connection.
        self.concurrency as u64
    }
}

/// The client's percentiles must be ordered and agree with the slowest response it reported
/// (hdrhistogram keeps 3 significant digits, so its max may round up by at most 0.1%).
fn check_latency(latency: Option<Latency>, max_latency: Option<u64>) -> Result<Option<Latency>, String> {
    match (latency, max_latency) {
        (None, None) => Ok(None),
        (Some(l), Some(true_max)) => {
            if !(l.p50 <= l.p90 && l.p90 <= l.p99 && l.p99 <= l.max) {
                return Err(format!("latency percentiles out of order: {l:?}"));
            }
            if l.max < true_max || l.max > true_max + true_max / 500 + 1 {
                return Err(format!(
                    "latency max {} ns disagrees with the slowest response, {true_max} ns",
                    l.max
                ));
            }
            Ok(Some(l))
        }
        (None, Some(_)) => Err("responses arrived but no latency percentiles were reported".into()),
        (Some(_), None) => Err("latency percentiles reported without any response".into()),
    }
}

/// Digests of expected bodies, computed on demand (verify needs each once).
struct ExpectedDigests {
    bytes: usize,
    buf: std::cell::RefCell<Vec<u8>>,
}

impl ExpectedDigests {
    fn new(bytes: usize) -> Self {
        ExpectedDigests { bytes, buf: std::cell::RefCell::new(Vec::with_capacity(bytes)) }
    }

    fn of(&self, id: u64) -> u64 {
        let mut buf = self.buf.borrow_mut();
        buf.clear();
        write_body(id, self.bytes, &mut buf);
        Digest::of(&buf)
    }
}

/// The body of request `id`: `B` bytes, 16 hex digits of the id, 16 hex digits of the
/// checksum (FNV-1a of the filler), then filler letters drawn from a generator seeded by the
/// id. Readable with curl; any flipped, lost or misrouted byte changes the digest.
pub fn write_body(id: u64, bytes: usize, out: &mut Vec<u8>) {
    let start = out.len();
    out.resize(start + bytes.max(MIN_BYTES), b'-');
    let filler = &mut out[start + MIN_BYTES..];
    let mut state = id.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 0xb0d1;
    for chunk in filler.chunks_mut(8) {
        let word = splitmix64(state).to_le_bytes();
        state = state.wrapping_add(1);
        for (b, w) in chunk.iter_mut().zip(word) {
            *b = b'a' + w % 26;
        }
    }
    let sum = Digest::of(filler);
    let header = format!("{id:016x}{sum:016x}");
    out[start..start + MIN_BYTES].copy_from_slice(header.as_bytes());
    out.truncate(start + bytes);
}

/// The body as a fresh vector.
pub fn body(id: u64, bytes: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes);
    write_body(id, bytes, &mut out);
    out
}

/// Parses the id and checksum at the front of a body and checks the checksum against the
/// filler: what a client that knows nothing else can verify.
pub fn check_body(body: &[u8]) -> Result<u64, String> {
    if body.len() < MIN_BYTES {
        return Err(format!("body of {} bytes is shorter than its header", body.len()));
    }
    let hex = |range: std::ops::Range<usize>| {
        std::str::from_utf8(&body[range])
            .ok()
            .and_then(|s| u64::from_str_radix(s, 16).ok())
            .ok_or_else(|| "body header is not hex".to_string())
    };
    let id = hex(0..16)?;
    let sum = hex(16..32)?;
    let actual = Digest::of(&body[MIN_BYTES..]);
    if sum != actual {
        return Err(format!("body checksum {sum:016x} does not match its filler ({actual:016x})"));
    }
    Ok(id)
}

/// FNV-1a 64, streamed: clients digest bodies chunk by chunk as they arrive.
#[derive(Debug, Clone, Copy)]
pub struct Digest(u64);

impl Default for Digest {
    fn default() -> Self {
        Digest(0xcbf2_9ce4_8422_2325)
    }
}

impl Digest {
    pub fn new() -> Self {
        Digest::default()
    }

    pub fn update(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ b as u64).wrapping_mul(0x0100_0000_01b3);
        }
    }

    pub fn finish(&self) -> u64 {
        self.0
    }

    pub fn of(bytes: &[u8]) -> u64 {
        let mut d = Digest::new();
        d.update(bytes);
        d.finish()
    }
}

fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The http cases of a preset.
///
/// Quick (about 33 s of the quick run, 23 s of it rayon's M/W × L in the first case): the
/// tutorial's request storm `m=1000/c=100/l=10ms` on keep-alive connections — sequential is
/// predicted at ~11.6 s and skipped by the 10 s budget — and fresh connections at a size where
/// sequential still runs (`m=100/c=50`, ~1.2 s).
/// Full adds fresh at M = 1,000, the serial-versus-concurrent contrast (C = 1 vs C = 100 at
/// M = 200), M = 10,000 at C ∈ {1, 10, 100, 1,000} with L = 0 (client overhead bound) and
/// M = 10,000 at C = 1,000 with L = 10 ms (the scale case).
pub fn cases(preset: Preset) -> Vec<Case> {
    let ms10 = Duration::from_millis(10);
    let mut specs = vec![HttpSpec::new(1_000, 100, ms10)];
    match preset {
        Preset::Quick => {
            specs.push(HttpSpec::new(100, 50, ms10).with_connection(Connection::Fresh));
        }
        Preset::Full => {
            specs.push(HttpSpec::new(1_000, 100, ms10).with_connection(Connection::Fresh));
            specs.push(HttpSpec::new(200, 1, ms10));
            specs.push(HttpSpec::new(200, 100, ms10));
            for c in [1, 10, 100, 1_000] {
                specs.push(HttpSpec::new(10_000, c, Duration::ZERO));
            }
            specs.push(HttpSpec::new(10_000, 1_000, ms10));
        }
    }
    specs.into_iter().map(|spec| Case::new(spec.case_name(), crate::Spec::Http(spec))).collect()
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

/// Calibrations this workload's ideal times need: none (the ideal is ⌈M/C⌉ × L; the
/// prediction's per-request overheads are constants above).
pub fn calibrate() -> Vec<(String, f64)> {
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(m: usize, c: usize) -> HttpSpec {
        HttpSpec::new(m, c, Duration::from_millis(10))
    }

    fn good(spec: &HttpSpec, id: u64) -> HttpResult {
        let answer = match spec.expected(id) {
            Expected::Body => {
                let b = body(id, spec.bytes);
                Answer::Response { status: 200, len: b.len() as u64, digest: Digest::of(&b) }
            }
            Expected::Status(status) => Answer::Response { status, len: 10, digest: 0 },
            Expected::Failed(kind) => Answer::Failed(kind),
        };
        HttpResult { id, latency_ns: 1_000 + id, answer }
    }

    fn outcome(spec: &HttpSpec, results: Vec<HttpResult>, peak: usize) -> HttpOutcome {
        let responded: Vec<u64> = results
            .iter()
            .filter(|r| matches!(r.answer, Answer::Response { .. }))
            .map(|r| r.latency_ns)
            .collect();
        let latency = responded.iter().max().map(|&max| Latency {
            p50: *responded.iter().min().unwrap(),
            p90: max,
            p99: max,
            max,
        });
        let _ = spec;
        HttpOutcome { results, peak_in_flight: peak, latency, error_samples: BTreeMap::new() }
    }

    #[test]
    fn bodies_encode_their_id_and_checksum() {
        for bytes in [32, 33, 100, 1024, 4099] {
            let b = body(42, bytes);
            assert_eq!(b.len(), bytes);
            assert_eq!(check_body(&b), Ok(42));
        }
        assert_ne!(body(1, 64), body(2, 64));
        let mut b = body(7, 64);
        b[40] ^= 1;
        assert!(check_body(&b).is_err());
    }

    #[test]
    fn verify_accepts_the_expected_answer_in_any_order() {
        let s = spec(8, 4);
        let mut results: Vec<_> = (0..8).map(|id| good(&s, id)).collect();
        results.reverse();
        let summary = s.verify(&outcome(&s, results, 4)).unwrap();
        assert_eq!(summary.peak_in_flight, Some(4));
        assert_eq!(summary.throughput.unwrap().count, 8);
        assert_eq!(summary.notes["errors"]["status"], 0);
    }

    #[test]
    fn verify_rejects_wrong_missing_and_duplicated_answers() {
        let s = spec(4, 2);
        let all: Vec<_> = (0..4).map(|id| good(&s, id)).collect();
        let mut bad_body = all.clone();
        bad_body[1].answer = Answer::Response { status: 200, len: s.bytes as u64, digest: 1 };
        let mut bad_status = all.clone();
        bad_status[2].answer = Answer::Response { status: 500, len: 3, digest: 0 };
        let mut timed_out = all.clone();
        timed_out[3].answer = Answer::Failed(ErrorKind::Timeout);
        let mut duplicated = all.clone();
        duplicated[3].id = 0;
        let mut out_of_range = all.clone();
        out_of_range[3].id = 4;
        let missing = all[..3].to_vec();
        for bad in [bad_body, bad_status, timed_out, duplicated, out_of_range, missing] {
            let o = outcome(&s, bad.clone(), 2);
            assert!(s.verify(&o).is_err(), "{bad:?} verified");
        }
        assert!(s.verify(&outcome(&s, all.clone(), 3)).is_err(), "peak above C");
        assert!(s.verify(&outcome(&s, all.clone(), 0)).is_err(), "zero peak");
        let mut no_latency = outcome(&s, all, 2);
        no_latency.latency = None;
        assert!(s.verify(&no_latency).is_err());
    }

    #[test]
    fn faults_are_deterministic_and_verified_exactly() {
        let faults = Faults { error_rate: 0.1, reset_rate: 0.05, stall_rate: 0.05, seed: 9 };
        let s = spec(2_000, 10).with_faults(faults);
        let counts = faults.count(2_000);
        // Binomial(2000, p): the counts sit near M × rate.
        assert!((150..250).contains(&counts.errors), "{counts:?}");
        assert!((60..140).contains(&counts.resets), "{counts:?}");
        assert!((60..140).contains(&counts.stalls), "{counts:?}");
        assert_eq!(faults.count(2_000), counts);
        let results: Vec<_> = (0..2_000).map(|id| good(&s, id)).collect();
        let summary = s.verify(&outcome(&s, results.clone(), 10)).unwrap();
        assert_eq!(summary.notes["errors"]["status"], counts.errors);
        assert_eq!(summary.notes["errors"]["reset"], counts.resets);
        assert_eq!(summary.notes["errors"]["timeout"], counts.stalls);
        // A client that answers a faulted id normally, or fails a healthy one, is wrong.
        let faulted = (0..2_000u64).find(|&id| faults.fault_for(id).is_some()).unwrap();
        let healthy = (0..2_000u64).find(|&id| faults.fault_for(id).is_none()).unwrap();
        let mut masked = results.clone();
        let b = body(faulted, s.bytes);
        masked[faulted as usize].answer =
            Answer::Response { status: 200, len: b.len() as u64, digest: Digest::of(&b) };
        assert!(s.verify(&outcome(&s, masked, 10)).is_err());
        let mut extra = results;
        extra[healthy as usize].answer = Answer::Failed(ErrorKind::Reset);
        assert!(s.verify(&outcome(&s, extra, 10)).is_err());
        // Another seed faults other ids.
        let other = Faults { seed: 10, ..faults };
        assert!((0..2_000).any(|id| faults.fault_for(id) != other.fault_for(id)));
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
    fn ideal_and_prediction_follow_overlap() {
        let s = spec(1_000, 100);
        let ctx = Context { workers: 2, ..Context::default() };
        assert_eq!(s.ideal(&ctx), Some(Duration::from_millis(100)));
        assert_eq!(HttpSpec::new(10, 1, Duration::ZERO).ideal(&ctx), None);
        let seq = Overlap { timer: Some(1), blocking: Some(1) };
        let rayon = Overlap { timer: Some(2), blocking: Some(2) };
        let tokio = Overlap { timer: None, blocking: Some(512) };
        let per = Duration::from_micros(11_550);
        assert_eq!(s.predict(seq, &ctx), Some(per * 1_000));
        assert_eq!(s.predict(rayon, &ctx), Some(per * 500));
        assert_eq!(s.predict(tokio, &ctx), Some(per * 10));
        // Sequential at M = 1,000 × 10 ms is over the quick budget of 10 s.
        assert!(s.predict(seq, &ctx).unwrap() > Duration::from_secs(10));
        let stalls = Faults { stall_rate: 0.1, ..Faults::none() };
        let stalled = s.clone().with_faults(stalls).with_timeout(Duration::from_secs(1));
        assert!(stalled.predict(tokio, &ctx).unwrap() >= Duration::from_secs(1));
    }

    #[test]
    fn case_names_and_presets() {
        assert_eq!(spec(1_000, 100).case_name(), "http/reuse/m=1000/c=100/l=10ms");
        let f = spec(10, 2)
            .with_connection(Connection::Fresh)
            .with_faults(Faults { error_rate: 0.1, ..Faults::none() });
        assert_eq!(f.case_name(), "http/fresh/m=10/c=2/l=10ms/error=0.1");
        for preset in [Preset::Quick, Preset::Full] {
            for case in cases(preset) {
                case.spec.validate().unwrap();
            }
        }
        assert!(cases(Preset::Quick).iter().any(|c| c.name == "http/reuse/m=1000/c=100/l=10ms"));
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
