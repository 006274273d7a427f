//! The target server: hyper 1 over HTTP/1.1 on its own tokio runtime.
//!
//! Routes:
//! - `GET /work?id=I[&bytes=B]`: waits the configured latency (a timer, never a blocked
//!   thread), then answers `shootout_core::http::body(I, B)` — or injects the fault that
//!   `Faults::fault_for(I)` names: 500, a closed connection, or no answer at all.
//! - `GET /config`: the latency and fault settings as JSON, so a client pointed at a
//!   standalone `shootout serve` can check that it expects the same faults.
//! - `GET /`: one line of help.
//!
//! Limits: request heads over `max_header_bytes` get 431; requests with a body get 413;
//! connections over `max_connections` are closed at once (counted as refused); anything
//! unparsable gets 400 from hyper or from the router. A connection that has not sent a whole
//! request head within `header_timeout` (from its first byte, or from accept), or that sits
//! idle between requests (or does not read its answer) for `idle_timeout`, is closed and
//! counted. Answers are streamed a [`body::CHUNK`] at a time, so what a connection holds is
//! bounded: its read buffer (at most `max_header_bytes`), hyper's write buffer and one chunk,
//! whatever the client reads or does not. Nothing a client sends can panic it.

mod body;
mod conn;

use std::convert::Infallible;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use hyper::body::{Bytes, Incoming};
use hyper::header::{ALLOW, CONNECTION, CONTENT_LENGTH, CONTENT_TYPE, HeaderValue, TRANSFER_ENCODING};
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde::{Deserialize, Serialize};
use shootout_core::http::{DEFAULT_BYTES, Fault, Faults, MAX_BYTES};
use shootout_core::{HttpSpec, format_duration};
use tokio::net::{TcpListener, TcpSocket};
use tokio::sync::Semaphore;

/// Pending connections the kernel may hold for us (capped by `net.core.somaxconn`): a burst of
/// C = 1,000 fresh connects must not overflow it into SYN retries.
const LISTEN_BACKLOG: u32 = 4096;
/// hyper refuses a read buffer under 8 KiB.
const MIN_HEADER_BYTES: usize = 8192;
/// The longest header or idle timeout a server accepts.
const MAX_TIMEOUT: Duration = Duration::from_secs(3600);

pub use body::CHUNK as BODY_CHUNK_BYTES;
use body::ReplyBody;
use conn::{Activity, Expired, WatchedIo};

#[derive(Debug, Clone, PartialEq)]
pub struct ServerConfig {
    /// `127.0.0.1:0` (loopback, an ephemeral port) unless the user names another address.
    pub bind: SocketAddr,
    /// How long every `/work` request waits before its answer (or its fault).
    pub latency: Duration,
    /// Body size when a request does not say `bytes=`.
    pub bytes: usize,
    pub faults: Faults,
    /// Worker threads of the server's own runtime.
    pub threads: usize,
    /// Open connections at once; more are closed on accept.
    pub max_connections: usize,
    /// Longest request head (request line and headers); longer gets 431.
    pub max_header_bytes: usize,
    /// A request head must arrive whole within this from its first byte (or from accept).
    pub header_timeout: Duration,
    /// A connection with no new request, or not reading its answer, closes after this.
    pub idle_timeout: Duration,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            bind: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0),
            latency: Duration::ZERO,
            bytes: DEFAULT_BYTES,
            faults: Faults::none(),
            threads: default_threads(),
            max_connections: 16_384,
            max_header_bytes: 16 * 1024,
            header_timeout: DEFAULT_HEADER_TIMEOUT,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
        }
    }
}

pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(10);
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(30);

/// Every core: the server's handlers are short and mostly wait on timers.
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

impl ServerConfig {
    /// The in-process server a case talks to: its latency, body size and faults.
    pub fn for_spec(spec: &HttpSpec) -> Self {
        ServerConfig {
            latency: spec.latency,
            bytes: spec.bytes,
            faults: spec.faults,
            // Room for every client connection at once, with margin for stragglers.
            max_connections: (spec.concurrency * 2).max(ServerConfig::default().max_connections),
            ..ServerConfig::default()
        }
    }

    pub fn validate(&self) -> Result<(), String> {
        self.faults.validate().map_err(|e| e.to_string())?;
        if self.bytes < shootout_core::http::MIN_BYTES || self.bytes > MAX_BYTES {
            return Err(format!(
                "--bytes must be between {} and {MAX_BYTES}, got {}",
                shootout_core::http::MIN_BYTES,
                self.bytes
            ));
        }
        if self.latency > shootout_core::http::MAX_LATENCY {
            return Err(format!(
                "--latency must be at most {}, got {}",
                format_duration(shootout_core::http::MAX_LATENCY),
                format_duration(self.latency)
            ));
        }
        if self.threads == 0 || self.threads > 1024 {
            return Err(format!("--threads must be between 1 and 1024, got {}", self.threads));
        }
        if self.max_connections == 0 {
            return Err("--max-connections must be at least 1".into());
        }
        if self.max_header_bytes < MIN_HEADER_BYTES || self.max_header_bytes > 1 << 20 {
            return Err(format!(
                "--max-header-bytes must be between {MIN_HEADER_BYTES} and {}, got {}",
                1 << 20,
                self.max_header_bytes
            ));
        }
        for (flag, value) in
            [("--header-timeout", self.header_timeout), ("--idle-timeout", self.idle_timeout)]
        {
            if value.is_zero() || value > MAX_TIMEOUT {
                return Err(format!(
                    "{flag} must be more than 0s and at most {}, got {}",
                    format_duration(MAX_TIMEOUT),
                    format_duration(value)
                ));
            }
        }
        Ok(())
    }
}

/// What `GET /config` reports: the settings a client's expected answers depend on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicConfig {
    #[serde(with = "shootout_core::duration::serde_text")]
    pub latency: Duration,
    pub bytes: usize,
    pub faults: Faults,
}

/// What the server did, counted as it happened.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Injected {
    /// Connections accepted and served.
    pub connections: u64,
    /// Connections closed on accept because `max_connections` were open.
    pub refused_connections: u64,
    /// Connections open now (a gauge, not a count).
    pub open_connections: u64,
    /// `/work` requests answered 200 with their body.
    pub ok: u64,
    /// Injected HTTP 500s.
    pub errors: u64,
    /// Injected closes without an answer.
    pub resets: u64,
    /// Injected stalls (never answered).
    pub stalls: u64,
    /// Requests answered 400 (unparsable by hyper, or a bad `/work` query).
    pub bad_requests: u64,
    /// Requests refused for their size: 431 (head too large) and 413 (a body).
    pub too_large: u64,
    /// Connections closed for idleness: no new request, or an answer not read, for the idle timeout.
    pub idle_closed: u64,
    /// Connections closed for sending no whole request head within the header timeout.
    pub header_timeouts: u64,
}

impl fmt::Display for Injected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ok, {} errors (500), {} resets, {} stalls injected; {} bad requests, {} too large; \
             {} connections served, {} refused, {} closed idle, {} closed for a slow or missing request head",
            self.ok,
            self.errors,
            self.resets,
            self.stalls,
            self.bad_requests,
            self.too_large,
            self.connections,
            self.refused_connections,
            self.idle_closed,
            self.header_timeouts
        )
    }
}

#[derive(Default)]
struct Counters {
    connections: AtomicU64,
    refused_connections: AtomicU64,
    open_connections: AtomicU64,
    ok: AtomicU64,
    errors: AtomicU64,
    resets: AtomicU64,
    stalls: AtomicU64,
    bad_requests: AtomicU64,
    too_large: AtomicU64,
    idle_closed: AtomicU64,
    header_timeouts: AtomicU64,
}

fn bump(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

impl Counters {
    fn snapshot(&self) -> Injected {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        Injected {
            connections: get(&self.connections),
            refused_connections: get(&self.refused_connections),
            open_connections: get(&self.open_connections),
            ok: get(&self.ok),
            errors: get(&self.errors),
            resets: get(&self.resets),
            stalls: get(&self.stalls),
            bad_requests: get(&self.bad_requests),
            too_large: get(&self.too_large),
            idle_closed: get(&self.idle_closed),
            header_timeouts: get(&self.header_timeouts),
        }
    }
}

struct State {
    config: ServerConfig,
    counters: Counters,
}

/// A running server. Dropping it (or [`Server::stop`]) shuts its runtime down: the listener
/// and every connection close, stalled requests included.
pub struct Server {
    addr: SocketAddr,
    state: Arc<State>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl fmt::Debug for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Server").field("addr", &self.addr).finish_non_exhaustive()
    }
}

impl Server {
    /// Binds and starts serving; returns once the listener is bound.
    pub fn start(config: ServerConfig) -> Result<Server, String> {
        config.validate()?;
        // tokio panics when the OS refuses its worker threads (a low `ulimit -u`): a probe
        // thread first turns the common case into the OS's reason, and catching the panic
        // covers a refusal that comes later, so a case fails with a reason instead of the run.
        std::thread::Builder::new()
            .name("shootout-server-probe".into())
            .spawn(|| {})
            .map_err(|e| format!("could not start the server's threads: {e}"))?
            .join()
            .map_err(|_| "the server's probe thread panicked".to_string())?;
        let build = std::panic::AssertUnwindSafe(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(config.threads)
                .thread_name("shootout-server")
                .enable_all()
                .build()
        });
        let runtime = std::panic::catch_unwind(build)
            .map_err(|_| "could not start the server's threads: the OS refused them".to_string())?
            .map_err(|e| format!("could not build the server's tokio runtime: {e}"))?;
        let listener = {
            // Binding needs the runtime's reactor; entering it (unlike block_on) is allowed
            // even when the caller is itself inside another runtime.
            let _context = runtime.enter();
            bind(config.bind).map_err(|e| format!("could not listen on {}: {e}", config.bind))?
        };
        let addr = listener.local_addr().map_err(|e| format!("could not read the bound address: {e}"))?;
        let state = Arc::new(State { config, counters: Counters::default() });
        runtime.spawn(accept_loop(listener, Arc::clone(&state)));
        Ok(Server { addr, state, runtime: Some(runtime) })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn config(&self) -> &ServerConfig {
        &self.state.config
    }

    /// What the server has done so far.
    pub fn injected(&self) -> Injected {
        self.state.counters.snapshot()
    }

    /// Stops the server and returns its final counts.
    pub fn stop(mut self) -> Injected {
        self.shutdown();
        self.injected()
    }

    fn shutdown(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            // Waiting for the runtime's threads is forbidden inside an async context; there,
            // its tasks are dropped on its own threads instead.
            if tokio::runtime::Handle::try_current().is_ok() {
                runtime.shutdown_background();
            } else {
                runtime.shutdown_timeout(Duration::from_secs(2));
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn bind(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = if addr.is_ipv4() { TcpSocket::new_v4()? } else { TcpSocket::new_v6()? };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(LISTEN_BACKLOG)
}

async fn accept_loop(listener: TcpListener, state: Arc<State>) {
    let permits = Arc::new(Semaphore::new(state.config.max_connections.min(Semaphore::MAX_PERMITS)));
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .keep_alive(true)
        .max_buf_size(state.config.max_header_bytes.max(MIN_HEADER_BYTES))
        .max_header_size(state.config.max_header_bytes);
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _peer)) => stream,
            Err(_) => {
                // Out of descriptors or a connection aborted while queued: back off briefly
                // instead of spinning, and keep serving the connections we have.
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        let Ok(permit) = Arc::clone(&permits).try_acquire_owned() else {
            bump(&state.counters.refused_connections);
            drop(stream);
            continue;
        };
        bump(&state.counters.connections);
        bump(&state.counters.open_connections);
        let _ = stream.set_nodelay(true);
        let state = Arc::clone(&state);
        let builder = builder.clone();
        tokio::spawn(async move {
            let _open = OpenConnection { _permit: permit, state: Arc::clone(&state) };
            let activity = Activity::new();
            let io = TokioIo::new(WatchedIo::new(stream, Arc::clone(&activity)));
            let service_state = Arc::clone(&state);
            let service_activity = Arc::clone(&activity);
            let service = service_fn(move |req| {
                let in_flight = service_activity.request();
                let state = Arc::clone(&service_state);
                async move {
                    let reply = handle(req, state).await?;
                    Ok::<_, InjectedReset>(reply.map(|body| body.mark(in_flight.responding())))
                }
            });
            let (header, idle) = (state.config.header_timeout, state.config.idle_timeout);
            match conn::watch(builder.serve_connection(io, service), &activity, header, idle).await {
                Ok(Ok(())) => {}
                // hyper has already answered 400 or 431 to what it could not parse.
                Ok(Err(e)) if e.is_parse_too_large() => bump(&state.counters.too_large),
                Ok(Err(e)) if e.is_parse() => bump(&state.counters.bad_requests),
                Ok(Err(_)) => {}
                // Dropping the connection closes it.
                Err(Expired::Idle) => bump(&state.counters.idle_closed),
                Err(Expired::Header) => bump(&state.counters.header_timeouts),
            }
        });
    }
}

/// Holds a connection's slot; dropped when its task ends, however it ends.
struct OpenConnection {
    _permit: tokio::sync::OwnedSemaphorePermit,
    state: Arc<State>,
}

impl Drop for OpenConnection {
    fn drop(&mut self) {
        self.state.counters.open_connections.fetch_sub(1, Ordering::Relaxed);
    }
}

/// The service's error: the connection closes without an answer (the reset fault).
#[derive(Debug)]
struct InjectedReset;

impl fmt::Display for InjectedReset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("injected reset")
    }
}

impl std::error::Error for InjectedReset {}

type Reply = Response<ReplyBody>;

fn text(status: StatusCode, body: impl Into<Bytes>) -> Reply {
    let mut reply = Response::new(ReplyBody::whole(body));
    *reply.status_mut() = status;
    reply.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    reply
}

async fn handle(req: Request<Incoming>, state: Arc<State>) -> Result<Reply, InjectedReset> {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        let mut reply = text(StatusCode::METHOD_NOT_ALLOWED, "only GET is served\n");
        reply.headers_mut().insert(ALLOW, HeaderValue::from_static("GET, HEAD"));
        return Ok(reply);
    }
    if has_body(&req) {
        bump(&state.counters.too_large);
        // The unread body would be parsed as the next request: close after answering.
        let mut reply = text(StatusCode::PAYLOAD_TOO_LARGE, "request bodies are refused\n");
        reply.headers_mut().insert(CONNECTION, HeaderValue::from_static("close"));
        return Ok(reply);
    }
    match req.uri().path() {
        "/work" => work(req.uri().query().unwrap_or(""), &state).await,
        "/config" => {
            let config = PublicConfig {
                latency: state.config.latency,
                bytes: state.config.bytes,
                faults: state.config.faults,
            };
            let json = serde_json::to_string(&config).unwrap_or_else(|_| "{}".into());
            let mut reply = text(StatusCode::OK, json);
            reply.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            Ok(reply)
        }
        "/" => Ok(text(StatusCode::OK, "shootout target server: GET /work?id=I&bytes=B, GET /config\n")),
        _ => Ok(text(StatusCode::NOT_FOUND, "not found; try /work?id=0\n")),
    }
}

fn has_body(req: &Request<Incoming>) -> bool {
    let headers = req.headers();
    headers.contains_key(TRANSFER_ENCODING)
        || headers
            .get(CONTENT_LENGTH)
            .is_some_and(|v| v.to_str().ok().and_then(|s| s.trim().parse::<u64>().ok()) != Some(0))
}

/// The `id` and `bytes` of a `/work` query, or why it is bad.
fn parse_query(query: &str, default_bytes: usize) -> Result<(u64, usize), String> {
    let mut id = None;
    let mut bytes = default_bytes;
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match key {
            "id" => {
                id = Some(value.parse::<u64>().map_err(|_| format!("id must be a number, got {value:?}"))?)
            }
            "bytes" => {
                bytes = value
                    .parse::<usize>()
                    .ok()
                    .filter(|b| (shootout_core::http::MIN_BYTES..=MAX_BYTES).contains(b))
                    .ok_or_else(|| {
                        format!(
                            "bytes must be a number between {} and {MAX_BYTES}, got {value:?}",
                            shootout_core::http::MIN_BYTES
                        )
                    })?;
            }
            _ => {}
        }
    }
    Ok((id.ok_or("missing id: use /work?id=I")?, bytes))
}

async fn work(query: &str, state: &State) -> Result<Reply, InjectedReset> {
    let (id, bytes) = match parse_query(query, state.config.bytes) {
        Ok(parsed) => parsed,
        Err(why) => {
            bump(&state.counters.bad_requests);
            return Ok(text(StatusCode::BAD_REQUEST, format!("{why}\n")));
        }
    };
    if !state.config.latency.is_zero() {
        tokio::time::sleep(state.config.latency).await;
    }
    match state.config.faults.fault_for(id) {
        None => {
            bump(&state.counters.ok);
            let mut reply = Response::new(ReplyBody::work(id, bytes));
            reply.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
            Ok(reply)
        }
        Some(Fault::Error) => {
            bump(&state.counters.errors);
            Ok(text(StatusCode::INTERNAL_SERVER_ERROR, format!("injected error for request {id}\n")))
        }
        Some(Fault::Reset) => {
            bump(&state.counters.resets);
            Err(InjectedReset)
        }
        Some(Fault::Stall) => {
            bump(&state.counters.stalls);
            // Never answers; hyper drops this future when the client hangs up, the runtime
            // when the server stops.
            let never: Infallible = std::future::pending().await;
            match never {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_parse_or_say_why() {
        assert_eq!(parse_query("id=7", 100), Ok((7, 100)));
        assert_eq!(parse_query("bytes=64&id=3&x=1", 100), Ok((3, 64)));
        assert!(parse_query("", 100).unwrap_err().contains("missing id"));
        assert!(parse_query("id=-1", 100).is_err());
        assert!(parse_query("id=1&bytes=1", 100).is_err());
        assert!(parse_query(&format!("id=1&bytes={}", MAX_BYTES + 1), 100).is_err());
    }

    #[test]
    fn config_validation() {
        assert!(ServerConfig::default().validate().is_ok());
        let bad_rate =
            ServerConfig { faults: Faults { error_rate: 1.5, ..Faults::none() }, ..ServerConfig::default() };
        assert!(bad_rate.validate().is_err());
        assert!(ServerConfig { threads: 0, ..ServerConfig::default() }.validate().is_err());
        assert!(ServerConfig { max_header_bytes: 100, ..ServerConfig::default() }.validate().is_err());
    }
}
