//! The one async client: hyper 1's HTTP/1 connection API, generic over how a runtime connects
//! TCP, spawns a task and sleeps. tokio, async-std and smol run exactly this code; only
//! [`Net`] differs (tokio through hyper-util's `TokioIo`, async-std and smol through
//! smol-hyper's `FuturesIo`).
//!
//! The model is the threads model on tasks: C worker tasks, each with its own keep-alive
//! connection, take request ids from a shared counter — `Semaphore(C)` around M tasks admits
//! the same C requests at a time, but also allocates M tasks up front; workers keep memory at C.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_lite::future;
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper::client::conn::http1::{SendRequest, handshake};
use hyper::header::{CONNECTION, HOST, HeaderValue};
use hyper::{Request, Uri};
use shootout_core::http::Digest;
use shootout_core::http::{Answer, ErrorKind, HttpResult};

use crate::client::{Failure, Plan, io_kind};

/// What the client needs from a runtime.
pub trait Net: Clone + Send + Sync + 'static {
    type Io: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static;

    /// A TCP connection to `addr` with `TCP_NODELAY` set, wrapped for hyper.
    fn connect(&self, addr: SocketAddr) -> impl Future<Output = io::Result<Self::Io>> + Send;

    /// Runs a connection's driver as its own task.
    fn spawn(&self, task: impl Future<Output = ()> + Send + 'static);

    fn sleep(&self, duration: Duration) -> impl Future<Output = ()> + Send;
}

/// One worker: takes ids until none are left, one request at a time on its own connection
/// (a new one per request in fresh mode, and after any failure).
pub async fn worker<N: Net>(net: N, plan: Arc<Plan>) -> Vec<HttpResult> {
    let mut connection: Option<SendRequest<Empty<Bytes>>> = None;
    let mut results = Vec::new();
    while let Some(id) = plan.next_id() {
        let _in_flight = plan.in_flight().enter();
        let start = Instant::now();
        let timeout = plan.timeout();
        let attempt = request(&net, &plan, &mut connection, id);
        let expiry = async {
            net.sleep(timeout).await;
            Err(Failure::timeout(timeout))
        };
        let outcome = future::or(attempt, expiry).await;
        if outcome.is_err() || plan.fresh() {
            // Dropping the sender ends its driver task, which closes the socket.
            connection = None;
        }
        results.push(plan.record(id, start.elapsed(), outcome));
    }
    results
}

async fn request<N: Net>(
    net: &N,
    plan: &Plan,
    connection: &mut Option<SendRequest<Empty<Bytes>>>,
    id: u64,
) -> Result<Answer, Failure> {
    if connection.as_ref().is_some_and(|sender| sender.is_closed()) {
        *connection = None;
    }
    let sender = match connection {
        Some(sender) => sender,
        None => {
            let io = net.connect(plan.endpoint().addr).await.map_err(|e| Failure::io(&e))?;
            let (sender, driver) = handshake(io).await.map_err(|e| failure(&e))?;
            net.spawn(async move {
                // Its errors reach the request that was in flight; nothing more to report.
                let _ = driver.await;
            });
            connection.insert(sender)
        }
    };
    sender.ready().await.map_err(|e| failure(&e))?;
    let uri: Uri =
        plan.path(id).parse().map_err(|e| Failure::new(ErrorKind::Other, format!("bad URI: {e}")))?;
    let mut request = Request::new(Empty::new());
    *request.uri_mut() = uri;
    let headers = request.headers_mut();
    let host = HeaderValue::from_str(&plan.endpoint().authority)
        .map_err(|e| Failure::new(ErrorKind::Other, format!("bad Host header: {e}")))?;
    headers.insert(HOST, host);
    if plan.fresh() {
        headers.insert(CONNECTION, HeaderValue::from_static("close"));
    }
    let response = sender.send_request(request).await.map_err(|e| failure(&e))?;
    let status = response.status().as_u16();
    let mut body = response.into_body();
    let mut digest = Digest::new();
    let mut len = 0u64;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| failure(&e))?;
        if let Some(data) = frame.data_ref() {
            digest.update(data);
            len += data.len() as u64;
        }
    }
    Ok(Answer::Response { status, len, digest: digest.finish() })
}

/// hyper's errors by what they mean for the request: the connection went away before a
/// complete answer (reset), an I/O error underneath, or something else.
fn failure(err: &hyper::Error) -> Failure {
    let kind = if err.is_timeout() {
        ErrorKind::Timeout
    } else if err.is_incomplete_message() || err.is_closed() || err.is_canceled() {
        ErrorKind::Reset
    } else {
        io_source(err).map_or(ErrorKind::Other, io_kind)
    };
    Failure::new(kind, error_chain(err))
}

fn io_source(err: &hyper::Error) -> Option<&io::Error> {
    let mut source = std::error::Error::source(err);
    while let Some(e) = source {
        if let Some(io) = e.downcast_ref::<io::Error>() {
            return Some(io);
        }
        source = e.source();
    }
    None
}

fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(e) = source {
        text.push_str(": ");
        text.push_str(&e.to_string());
        source = e.source();
    }
    text
}

/// tokio: its own `TcpStream` through hyper-util's `TokioIo`, tasks on the strategy's runtime.
#[derive(Clone)]
pub struct TokioNet {
    handle: tokio::runtime::Handle,
}

impl TokioNet {
    pub fn new(handle: tokio::runtime::Handle) -> Self {
        TokioNet { handle }
    }
}

impl Net for TokioNet {
    type Io = hyper_util::rt::TokioIo<tokio::net::TcpStream>;

    async fn connect(&self, addr: SocketAddr) -> io::Result<Self::Io> {
        let stream = tokio::net::TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(hyper_util::rt::TokioIo::new(stream))
    }

    fn spawn(&self, task: impl Future<Output = ()> + Send + 'static) {
        self.handle.spawn(task);
    }

    async fn sleep(&self, duration: Duration) {
        tokio::time::sleep(duration).await;
    }
}

/// async-std: its `TcpStream` through smol-hyper's `FuturesIo`, tasks on its global executor.
#[derive(Clone, Copy, Default)]
pub struct AsyncStdNet;

impl Net for AsyncStdNet {
    type Io = smol_hyper::rt::FuturesIo<async_std::net::TcpStream>;

    async fn connect(&self, addr: SocketAddr) -> io::Result<Self::Io> {
        let stream = async_std::net::TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(smol_hyper::rt::FuturesIo::new(stream))
    }

    fn spawn(&self, task: impl Future<Output = ()> + Send + 'static) {
        // Dropping the handle detaches the task.
        drop(async_std::task::spawn(task));
    }

    async fn sleep(&self, duration: Duration) {
        async_std::task::sleep(duration).await;
    }
}

/// smol: its `TcpStream` through smol-hyper's `FuturesIo`, tasks on the strategy's executor.
#[derive(Clone)]
pub struct SmolNet {
    executor: Arc<async_executor::Executor<'static>>,
}

impl SmolNet {
    pub fn new(executor: Arc<async_executor::Executor<'static>>) -> Self {
        SmolNet { executor }
    }
}

impl Net for SmolNet {
    type Io = smol_hyper::rt::FuturesIo<smol::net::TcpStream>;

    async fn connect(&self, addr: SocketAddr) -> io::Result<Self::Io> {
        let stream = smol::net::TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(smol_hyper::rt::FuturesIo::new(stream))
    }

    fn spawn(&self, task: impl Future<Output = ()> + Send + 'static) {
        self.executor.spawn(task).detach();
    }

    async fn sleep(&self, duration: Duration) {
        smol::Timer::after(duration).await;
    }
}
