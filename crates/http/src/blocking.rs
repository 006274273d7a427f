//! The one blocking client: ureq 3 (no default features: plain HTTP, no TLS, no gzip), used by
//! sequential, threads and rayon, and by may over its own coroutine sockets (`agent_with`).

use std::io::Read;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use shootout_core::http::Digest;
use shootout_core::http::{Answer, ErrorKind, HttpResult, MAX_BYTES};

use crate::client::{Failure, Plan, io_kind};

/// An agent for this plan whose pool keeps up to `idle` connections to the target (0 in
/// fresh mode, where every request opens its own). The timeout covers a whole request, and is
/// set only where the server is told to stall some requests, as in the async client: ureq
/// re-arms it as a socket option on every read and write, a cost of the harness, not of
/// threads; a hung server is bounded by the case's own deadline.
pub fn agent(plan: &Plan, idle: usize) -> ureq::Agent {
    agent_with(plan, idle, ureq::unversioned::transport::DefaultConnector::new())
}

/// [`agent`] over another connector: may's coroutines need sockets that park the coroutine,
/// not the std socket of ureq's `DefaultConnector`, which would block a worker thread.
pub fn agent_with(
    plan: &Plan,
    idle: usize,
    connector: impl ureq::unversioned::transport::Connector,
) -> ureq::Agent {
    let idle = if plan.fresh() { 0 } else { idle.max(1) };
    let timed = plan.spec().faults.stall_rate > 0.0;
    let config = ureq::Agent::config_builder()
        .timeout_global(timed.then(|| plan.timeout()))
        .http_status_as_error(false)
        .no_delay(true)
        .max_redirects(0)
        .max_idle_connections(idle)
        .max_idle_connections_per_host(idle)
        .user_agent("shootout")
        .build();
    ureq::Agent::with_parts(config, connector, Resolved(plan.endpoint().addr))
}

/// Answers every lookup with the address the plan resolved once, as the async clients connect
/// to it directly. ureq's default resolver looks the host up for every request, on a new thread
/// whenever a timeout is set: 80 µs and a thread per request, even on a reused connection.
#[derive(Debug)]
struct Resolved(SocketAddr);

impl ureq::unversioned::resolver::Resolver for Resolved {
    fn resolve(
        &self,
        _uri: &ureq::http::Uri,
        _config: &ureq::config::Config,
        _timeout: ureq::unversioned::transport::NextTimeout,
    ) -> Result<ureq::unversioned::resolver::ResolvedSocketAddrs, ureq::Error> {
        let mut addrs = self.empty();
        addrs.push(self.0);
        Ok(addrs)
    }
}

/// Worker `worker` of `workers`: sends its share of the ids one after another, on one
/// keep-alive connection; its results stay its own until the run is over.
pub fn worker(plan: &Plan, agent: &ureq::Agent, worker: usize, workers: usize) -> Vec<HttpResult> {
    worker_with(plan, agent, worker, workers, std::thread::sleep)
}

/// [`worker`] with the open-loop wait given (a coroutine runtime's own sleep).
pub fn worker_with(
    plan: &Plan,
    agent: &ureq::Agent,
    worker: usize,
    workers: usize,
    sleep: fn(Duration),
) -> Vec<HttpResult> {
    let mut results = Vec::with_capacity(plan.share(worker, workers));
    results.extend(plan.ids(worker, workers).map(|id| request_with(plan, agent, id, sleep)));
    results
}

/// One request, sent when it is due (open loop) and timed from the call to the last body byte.
pub fn request(plan: &Plan, agent: &ureq::Agent, id: u64) -> HttpResult {
    request_with(plan, agent, id, std::thread::sleep)
}

/// [`request`] with the open-loop wait given.
pub fn request_with(plan: &Plan, agent: &ureq::Agent, id: u64, sleep: fn(Duration)) -> HttpResult {
    if plan.is_aborted() {
        // The run already failed (no server); its results are discarded.
        return HttpResult { id, start_ns: 0, latency_ns: 0, answer: Answer::Failed(ErrorKind::Connect) };
    }
    let url = format!("{}{}", plan.endpoint().base, plan.path(id));
    plan.wait_due_with(id, sleep);
    let start = Instant::now();
    let outcome = call(plan, agent, &url);
    plan.record(id, start, outcome)
}

fn call(plan: &Plan, agent: &ureq::Agent, url: &str) -> Result<Answer, Failure> {
    let mut request = agent.get(url);
    if plan.fresh() {
        request = request.header("connection", "close");
    }
    let mut response = request.call().map_err(|e| failure(&e))?;
    let status = response.status().as_u16();
    let mut reader = response.body_mut().with_config().limit(MAX_BYTES as u64 + 1).reader();
    let mut digest = plan.digest_bodies().then(Digest::new);
    let mut len = 0u64;
    let mut buf = [0u8; 16 * 1024];
    loop {
        match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                if let Some(digest) = &mut digest {
                    digest.update(&buf[..n]);
                }
                len += n as u64;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(io_failure(e)),
        }
    }
    Ok(Answer::Response { status, len, digest: digest.map_or(0, |d| d.finish()) })
}

/// ureq wraps its own errors (timeouts among them) inside the `io::Error`s its body reader
/// returns: unwrap them before classifying.
fn io_failure(err: std::io::Error) -> Failure {
    match err.get_ref().and_then(|inner| inner.downcast_ref::<ureq::Error>()) {
        Some(inner) => failure(inner),
        None => Failure::io(&err),
    }
}

fn failure(err: &ureq::Error) -> Failure {
    let kind = match err {
        ureq::Error::Timeout(_) => ErrorKind::Timeout,
        ureq::Error::Io(io) => io_kind(io),
        ureq::Error::ConnectionFailed | ureq::Error::HostNotFound => ErrorKind::Connect,
        _ => ErrorKind::Other,
    };
    Failure::new(kind, err.to_string())
}
