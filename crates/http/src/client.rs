//! What every client shares within one run, read-only in the timed region: the target, how
//! request ids are split among the workers, the clock each request's start is stamped with,
//! the first fatal error; and gathering per-worker results into an outcome. Peaks and latency
//! percentiles are derived from the results by `verify`, after the clock stops.

use std::collections::BTreeMap;
use std::io;
use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use shootout_core::http::{Answer, Connection, ErrorKind, HttpResult};
use shootout_core::inflight::Clock;
use shootout_core::{HttpOutcome, HttpSpec, RunError, Target};

/// A parsed `http://HOST:PORT` target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// The first address HOST resolves to (IPv4 preferred).
    pub addr: SocketAddr,
    /// `HOST:PORT`, for the `Host` header.
    pub authority: String,
    /// `http://HOST:PORT`, without a trailing slash.
    pub base: String,
}

/// Parses and resolves a target URL: `http://HOST[:PORT][/]`, nothing else. HOST is a name,
/// an IPv4 address or a bracketed IPv6 address; PORT is 1 to 65535 (80 when left out). The
/// error names `--target`, the flag every user-given URL comes from, and says what is wrong.
pub fn parse_target(url: &str) -> Result<Endpoint, String> {
    let bad = |why: &str| format!("--target {url:?}: {why}");
    let Some(rest) = url.strip_prefix("http://") else {
        return Err(if url.starts_with("https://") {
            bad("https is not supported; the target server speaks plain http://")
        } else {
            format!("--target must be an http:// URL like http://127.0.0.1:8080, got {url:?}")
        });
    };
    let authority = rest.strip_suffix('/').unwrap_or(rest);
    if let Some(c) = authority.chars().find(|c| ['/', '?', '#'].contains(c)) {
        return Err(bad(&format!("must be http://HOST:PORT with no path, query or fragment (found {c:?})")));
    }
    if authority.contains('@') {
        return Err(bad("user names and passwords (user@host) are not supported"));
    }
    if authority.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad("spaces and control characters are not allowed"));
    }
    let (host, port) = if let Some(inner) = authority.strip_prefix('[') {
        let Some((v6, after)) = inner.split_once(']') else {
            return Err(bad("'[' opens an IPv6 address but no ']' closes it"));
        };
        if v6.parse::<std::net::Ipv6Addr>().is_err() {
            return Err(bad(&format!("{v6:?} in brackets is not an IPv6 address")));
        }
        let port = match after {
            "" => None,
            p => Some(p.strip_prefix(':').ok_or_else(|| bad("after ']' only :PORT may follow"))?),
        };
        (&authority[..v6.len() + 2], port)
    } else {
        match authority.split_once(':') {
            Some((_, p)) if p.contains(':') => {
                return Err(bad("an IPv6 address needs brackets, like http://[::1]:8080"));
            }
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    if host.is_empty() {
        return Err(bad("no host"));
    }
    let port: u16 = match port {
        None => 80,
        Some(p) => match p.parse::<u32>() {
            Ok(n @ 1..=65535) if p.chars().all(|c| c.is_ascii_digit()) => n as u16,
            _ => return Err(bad(&format!("port {p:?} is not a number from 1 to 65535"))),
        },
    };
    let with_port = format!("{host}:{port}");
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let addrs: Vec<SocketAddr> = (bare, port)
        .to_socket_addrs()
        .map_err(|e| bad(&format!("could not resolve {bare:?}: {e}")))?
        .collect();
    let addr = addrs
        .iter()
        .find(|a| a.is_ipv4())
        .or(addrs.first())
        .copied()
        .ok_or_else(|| bad(&format!("{bare:?} resolves to no address")))?;
    Ok(Endpoint { addr, authority: with_port, base: format!("http://{authority}") })
}

/// One failed request: its kind, and the client's own words for it.
#[derive(Debug, Clone)]
pub struct Failure {
    pub kind: ErrorKind,
    pub message: String,
}

impl Failure {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Failure { kind, message: message.into() }
    }

    pub fn timeout(after: Duration) -> Self {
        Failure::new(
            ErrorKind::Timeout,
            format!("no answer within {}", shootout_core::format_duration(after)),
        )
    }

    /// Classifies an I/O error by what it says about the connection.
    pub fn io(err: &io::Error) -> Self {
        Failure::new(io_kind(err), err.to_string())
    }
}

pub fn io_kind(err: &io::Error) -> ErrorKind {
    use io::ErrorKind as K;
    match err.kind() {
        K::ConnectionRefused | K::AddrNotAvailable | K::HostUnreachable | K::NetworkUnreachable => {
            ErrorKind::Connect
        }
        K::TimedOut | K::WouldBlock => ErrorKind::Timeout,
        K::ConnectionReset | K::ConnectionAborted | K::UnexpectedEof | K::BrokenPipe | K::NotConnected => {
            ErrorKind::Reset
        }
        _ => ErrorKind::Other,
    }
}

/// One run of the workload against one target, shared by all its workers.
pub struct Plan {
    spec: HttpSpec,
    endpoint: Endpoint,
    clock: Clock,
    /// Open loop: when each request is due, from the clock's origin.
    schedule: Option<shootout_core::http::rate::Schedule>,
    aborted: AtomicBool,
    fatal: Mutex<Option<String>>,
    samples: Mutex<BTreeMap<ErrorKind, String>>,
}

impl Plan {
    /// Parses the target and makes sure C connections fit under the open-files limit.
    pub fn new(spec: &HttpSpec, target: &Target) -> Result<Arc<Plan>, RunError> {
        let endpoint = parse_target(&target.url).map_err(RunError::Failed)?;
        crate::ensure_open_files(
            spec.concurrency + crate::SPARE_FILES,
            &format!("--concurrency {}", spec.concurrency),
        )
        .map_err(RunError::Failed)?;
        Ok(Arc::new(Plan {
            spec: spec.clone(),
            endpoint,
            schedule: spec.rate.map(|r| r.schedule(spec.requests)),
            clock: Clock::default(),
            aborted: AtomicBool::new(false),
            fatal: Mutex::new(None),
            samples: Mutex::new(BTreeMap::new()),
        }))
    }

    pub fn spec(&self) -> &HttpSpec {
        &self.spec
    }

    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    pub fn fresh(&self) -> bool {
        self.spec.connection == Connection::Fresh
    }

    pub fn timeout(&self) -> Duration {
        self.spec.timeout
    }

    /// Whether a client digests each body as it reads it (the verify pass) or only reads it
    /// (a timed run): [`HttpSpec::digest_bodies`](shootout_core::HttpSpec::digest_bodies).
    pub fn digest_bodies(&self) -> bool {
        self.spec.digest_bodies
    }

    /// How many ids [`ids`](Self::ids) gives worker `worker` of `workers`: its results'
    /// capacity, so a worker never grows its vector mid-run.
    pub fn share(&self, worker: usize, workers: usize) -> usize {
        self.spec.requests.saturating_sub(worker).div_ceil(workers.max(1))
    }

    /// `/work?id=I&bytes=B`.
    pub fn path(&self, id: u64) -> String {
        format!("/work?id={id}&bytes={}", self.spec.bytes)
    }

    /// Worker `worker` of `workers`' request ids: `worker`, `worker + workers`, … — fixed
    /// before the run, so no worker writes anything shared to take its next id (C workers each
    /// sending ⌈M/C⌉ or ⌊M/C⌋ requests, as a keep-alive load generator does).
    pub fn ids(&self, worker: usize, workers: usize) -> impl Iterator<Item = u64> + '_ {
        (worker..self.spec.requests)
            .step_by(workers.max(1))
            .map(|id| id as u64)
            .take_while(|_| !self.is_aborted())
    }

    /// Open loop: the instant request `id` is due (`None` in a closed-loop run). A request
    /// sent after it is late, and `verify` counts its latency from here, not from its send.
    pub fn due(&self, id: u64) -> Option<Instant> {
        let schedule = self.schedule.as_ref()?;
        Some(self.clock.instant(schedule.due_ns(id as usize) + 1))
    }

    /// Blocks the calling thread until request `id` is due (at once in a closed-loop run).
    pub fn wait_due(&self, id: u64) {
        self.wait_due_with(id, std::thread::sleep)
    }

    /// [`wait_due`](Self::wait_due) with the wait given (a coroutine runtime's own sleep).
    pub fn wait_due_with(&self, id: u64, sleep: fn(Duration)) {
        if let Some(due) = self.due(id) {
            let now = Instant::now();
            if due > now {
                sleep(due - now);
            }
        }
    }

    pub fn is_aborted(&self) -> bool {
        self.aborted.load(Ordering::Relaxed)
    }

    /// Records what one request that began at `start` ended as, now. A failure to connect is
    /// no injected fault (the server never refuses): it means no server, so the run stops with
    /// that reason.
    pub fn record(&self, id: u64, start: Instant, outcome: Result<Answer, Failure>) -> HttpResult {
        let latency = start.elapsed();
        let start_ns = self.clock.since(start);
        let answer = match outcome {
            Ok(answer) => answer,
            Err(failure) => {
                if failure.kind == ErrorKind::Connect {
                    self.abort(format!(
                        "could not connect to {} ({}): {} — is the server running?",
                        self.endpoint.base, self.endpoint.addr, failure.message
                    ));
                }
                if let Ok(mut samples) = self.samples.lock() {
                    samples.entry(failure.kind).or_insert(failure.message);
                }
                Answer::Failed(failure.kind)
            }
        };
        HttpResult { id, start_ns, latency_ns: latency.as_nanos().min(u64::MAX as u128) as u64, answer }
    }

    /// Stops handing out ids; `finish` will return `why`.
    pub fn abort(&self, why: String) {
        if let Ok(mut fatal) = self.fatal.lock() {
            fatal.get_or_insert(why);
        }
        self.aborted.store(true, Ordering::Relaxed);
    }

    /// Gathers the workers' results into the outcome (nothing is computed from them here: the
    /// clock is still running).
    pub fn finish(
        &self,
        batches: impl IntoIterator<Item = Vec<HttpResult>>,
    ) -> Result<HttpOutcome, RunError> {
        if let Some(why) = self.fatal.lock().ok().and_then(|f| f.clone()) {
            return Err(RunError::Failed(why));
        }
        let results: Vec<HttpResult> = batches.into_iter().flatten().collect();
        let error_samples = self.samples.lock().map(|s| s.clone()).unwrap_or_default();
        Ok(HttpOutcome { results, error_samples, bodies_digested: self.spec.digest_bodies })
    }
}

/// Asks a standalone `shootout serve` for its settings and checks that they are the ones
/// `spec` expects (its latency for the ideal time, its faults for verification), so a
/// mismatch is one clear line before the run instead of a wrong answer after it.
pub fn check_server(spec: &HttpSpec, target: &Target) -> Result<(), String> {
    let endpoint = parse_target(&target.url)?;
    let url = format!("{}/config", endpoint.base);
    let agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(5)))
        .http_status_as_error(false)
        .build()
        .new_agent();
    let mut response =
        agent.get(&url).call().map_err(|e| format!("could not reach the target {}: {e}", endpoint.base))?;
    let not_ours =
        || format!("{url} is not a `shootout serve` configuration: point --target at `shootout serve`");
    if response.status() != 200 {
        return Err(format!("{} (it answered {})", not_ours(), response.status()));
    }
    let text = response.body_mut().read_to_string().map_err(|e| format!("could not read {url}: {e}"))?;
    let config: crate::server::PublicConfig = serde_json::from_str(&text).map_err(|_| not_ours())?;
    let fmt = shootout_core::format_duration;
    if config.latency != spec.latency {
        return Err(format!(
            "the server at {} waits {} per request but this run expects --latency {}; pass --latency {}",
            endpoint.base,
            fmt(config.latency),
            fmt(spec.latency),
            fmt(config.latency)
        ));
    }
    if config.faults != spec.faults {
        let describe = |f: &shootout_core::http::Faults| {
            format!(
                "--error-rate {} --reset-rate {} --stall-rate {} --fault-seed {}",
                f.error_rate, f.reset_rate, f.stall_rate, f.seed
            )
        };
        return Err(format!(
            "the server at {} injects faults with {} but this run expects {}; pass the server's fault flags",
            endpoint.base,
            describe(&config.faults),
            describe(&spec.faults)
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A worker's results are sized before the run for exactly the ids it will be given.
    #[test]
    fn a_workers_share_is_the_count_of_its_ids() {
        for (m, c) in [(10, 3), (10_000, 100), (7, 10), (1, 1), (100, 1_000)] {
            let plan =
                Plan::new(&HttpSpec::new(m, c, Duration::ZERO), &Target::new("http://127.0.0.1:9")).unwrap();
            for w in 0..c {
                assert_eq!(plan.share(w, c), plan.ids(w, c).count(), "m = {m}, c = {c}, worker {w}");
            }
            assert_eq!((0..c).map(|w| plan.share(w, c)).sum::<usize>(), m);
        }
    }

    #[test]
    fn targets_parse() {
        let e = parse_target("http://127.0.0.1:8080").unwrap();
        assert_eq!(e.addr, "127.0.0.1:8080".parse().unwrap());
        assert_eq!(e.authority, "127.0.0.1:8080");
        assert_eq!(e.base, "http://127.0.0.1:8080");
        assert_eq!(parse_target("http://127.0.0.1:8080/").unwrap().addr, e.addr);
        assert_eq!(parse_target("http://127.0.0.1").unwrap().addr.port(), 80);
        assert!(parse_target("https://127.0.0.1:1").is_err());
        assert!(parse_target("127.0.0.1:1").is_err());
        assert!(parse_target("http://127.0.0.1:1/work").is_err());
        assert!(parse_target("http://").is_err());
        assert_eq!(parse_target("http://[::1]:8080").unwrap().addr, "[::1]:8080".parse().unwrap());
        assert_eq!(parse_target("http://[::1]:8080").unwrap().authority, "[::1]:8080");
        for (url, why) in [
            ("http://[::1", "no ']' closes it"),
            ("http://[::1]x", "only :PORT"),
            ("http://[zz]:1", "not an IPv6 address"),
            ("http://127.0.0.1:99999", "port \"99999\" is not a number from 1 to 65535"),
            ("http://127.0.0.1:0", "from 1 to 65535"),
            ("http://127.0.0.1:+80", "from 1 to 65535"),
            ("http://127.0.0.1:", "from 1 to 65535"),
            ("http://user@host/", "user names and passwords"),
            ("http://::1:80", "needs brackets"),
            ("http://:80", "no host"),
            ("http://a b:80", "spaces"),
            ("https://127.0.0.1:1", "https is not supported"),
            ("http://127.0.0.1:1?x", "no path, query or fragment"),
        ] {
            let err = parse_target(url).unwrap_err();
            assert!(err.contains(why), "{url}: {err}");
            assert!(err.starts_with("--target"), "{url}: {err}");
        }
    }
}
