//! The one async HTTP client: hyper 1's HTTP/1 connection API, generic over [`Runtime`] (how it
//! connects TCP, spawns a connection's driver and sleeps). Every async runtime runs exactly this
//! code; only its `Runtime::Io` differs (tokio through hyper-util's `TokioIo`, async-std and
//! smol through smol-hyper's `FuturesIo`).
//!
//! The model is the threads model on tasks: C worker tasks, each with its own keep-alive
//! connection, each sending its share of the request ids — `Semaphore(C)` around M tasks
//! admits the same C requests at a time, but also allocates M tasks up front; workers keep
//! memory at C. A worker keeps its results to itself until the run is over.

use std::io;
use std::sync::Arc;
use std::time::Instant;

use futures_lite::future;
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper::client::conn::http1::{SendRequest, handshake};
use hyper::header::{CONNECTION, HOST, HeaderValue};
use hyper::{Request, Uri};
use shootout_core::http::Digest;
use shootout_core::http::{Answer, ErrorKind, HttpResult};
use shootout_core::{HttpOutcome, HttpSpec, RunError, Target};
use shootout_http::Plan;
use shootout_http::client::{Failure, io_kind};

use crate::{Runtime, join_all};

/// C worker tasks, each with its own keep-alive connection and its share of the request ids.
/// The calling thread only `block_on`s the join.
pub fn run<R: Runtime>(rt: &Arc<R>, spec: &HttpSpec, target: &Target) -> Result<HttpOutcome, RunError> {
    let plan = Plan::new(spec, target)?;
    let c = spec.concurrency;
    let workers: Vec<R::Task<Vec<HttpResult>>> =
        (0..c).map(|w| rt.spawn(worker(Arc::clone(rt), plan.clone(), w, c))).collect();
    let batches = rt.block_on(join_all(workers))?;
    plan.finish(batches)
}

/// One worker: its share of the ids, one request at a time on its own connection (a new one
/// per request in fresh mode, and after any failure). A request races a timer only where the
/// server is told to stall some requests: elsewhere arming and cancelling a timer per request
/// would be the harness's cost, not the runtime's (ureq's timeout is a socket option, free), and
/// a hung server is bounded by the case's own deadline.
async fn worker<R: Runtime>(rt: Arc<R>, plan: Arc<Plan>, index: usize, workers: usize) -> Vec<HttpResult> {
    let mut connection: Option<SendRequest<Empty<Bytes>>> = None;
    let mut results = Vec::with_capacity(plan.share(index, workers));
    let timed = plan.spec().faults.stall_rate > 0.0;
    let timeout = plan.timeout();
    for id in plan.ids(index, workers) {
        if let Some(due) = plan.due(id) {
            // Open loop: a request is sent when due; if this worker is late, verify counts it.
            R::sleep_until(due).await;
        }
        let start = Instant::now();
        let attempt = request(&*rt, &plan, &mut connection, id);
        let outcome = if timed {
            let expiry = async {
                R::sleep(timeout).await;
                Err(Failure::timeout(timeout))
            };
            future::or(attempt, expiry).await
        } else {
            attempt.await
        };
        if outcome.is_err() || plan.fresh() {
            // Dropping the sender ends its driver task, which closes the socket.
            connection = None;
        }
        results.push(plan.record(id, start, outcome));
    }
    results
}

async fn request<R: Runtime>(
    rt: &R,
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
            let io = R::connect(plan.endpoint().addr).await.map_err(|e| Failure::io(&e))?;
            let (sender, driver) = handshake(io).await.map_err(|e| failure(&e))?;
            rt.detach(async move {
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
    let mut digest = plan.digest_bodies().then(Digest::new);
    let mut len = 0u64;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| failure(&e))?;
        if let Some(data) = frame.data_ref() {
            if let Some(digest) = &mut digest {
                digest.update(data);
            }
            len += data.len() as u64;
        }
    }
    Ok(Answer::Response { status, len, digest: digest.map_or(0, |d| d.finish()) })
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
