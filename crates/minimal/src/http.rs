//! A keep-alive HTTP/1 client loop against the shootout server: C connections, connection w
//! sending requests w, w + C, … of `0..M` one after another (`GET /work?id=I&bytes=B`) and
//! reading each body whole. hyper on the async runtimes, ureq on threads. Returns the number of
//! 200 answers and the body bytes read.

use std::net::SocketAddr;

use http_body_util::{BodyExt, Empty};
use hyper::Request;
use hyper::body::Bytes;
use hyper::client::conn::http1::{SendRequest, handshake};

use crate::SmolPool;

/// What a client loop needs: where the server is and how much to ask for.
#[derive(Debug, Clone, Copy)]
pub struct Load {
    pub addr: SocketAddr,
    pub requests: usize,
    pub connections: usize,
    pub bytes: usize,
}

impl Load {
    fn ids(self, w: usize) -> impl Iterator<Item = usize> {
        (w..self.requests).step_by(self.connections)
    }

    fn path(self, id: usize) -> String {
        format!("/work?id={id}&bytes={}", self.bytes)
    }
}

fn add(a: (u64, u64), b: (u64, u64)) -> (u64, u64) {
    (a.0 + b.0, a.1 + b.1)
}

/// One connection's requests on an HTTP/1 sender whose driver runs elsewhere.
async fn send_all(mut sender: SendRequest<Empty<Bytes>>, load: Load, w: usize) -> (u64, u64) {
    let host = load.addr.to_string();
    let mut got = (0u64, 0u64);
    for id in load.ids(w) {
        let request = Request::get(load.path(id))
            .header(hyper::header::HOST, &host)
            .body(Empty::<Bytes>::new())
            .expect("a valid request");
        // A kept-alive HTTP/1 connection takes the next request once its driver is ready.
        sender.ready().await.expect("the connection closed");
        let response = sender.send_request(request).await.expect("the request failed");
        let ok = response.status() == 200;
        let body = response.into_body().collect().await.expect("the body failed").to_bytes();
        got = add(got, (u64::from(ok), body.len() as u64));
    }
    got
}

pub fn tokio(rt: &tokio::runtime::Runtime, load: Load) -> (u64, u64) {
    rt.block_on(async move {
        let workers: Vec<_> = (0..load.connections)
            .map(|w| {
                tokio::spawn(async move {
                    let stream = tokio::net::TcpStream::connect(load.addr).await.expect("connect");
                    stream.set_nodelay(true).expect("nodelay");
                    let (sender, conn) =
                        handshake(hyper_util::rt::TokioIo::new(stream)).await.expect("handshake");
                    tokio::spawn(conn);
                    send_all(sender, load, w).await
                })
            })
            .collect();
        let mut total = (0, 0);
        for h in workers {
            total = add(total, h.await.expect("a client task panicked"));
        }
        total
    })
}

pub fn async_std(load: Load) -> (u64, u64) {
    async_std::task::block_on(async move {
        let workers: Vec<_> = (0..load.connections)
            .map(|w| {
                async_std::task::spawn(async move {
                    let stream = async_std::net::TcpStream::connect(load.addr).await.expect("connect");
                    stream.set_nodelay(true).expect("nodelay");
                    let (sender, conn) =
                        handshake(smol_hyper::rt::FuturesIo::new(stream)).await.expect("handshake");
                    async_std::task::spawn(conn);
                    send_all(sender, load, w).await
                })
            })
            .collect();
        let mut total = (0, 0);
        for h in workers {
            total = add(total, h.await);
        }
        total
    })
}

pub fn smol(pool: &SmolPool, load: Load) -> (u64, u64) {
    let workers: Vec<_> = (0..load.connections)
        .map(|w| {
            let ex = pool.ex.clone();
            pool.ex.spawn(async move {
                let stream = smol::net::TcpStream::connect(load.addr).await.expect("connect");
                stream.set_nodelay(true).expect("nodelay");
                let (sender, conn) =
                    handshake(smol_hyper::rt::FuturesIo::new(stream)).await.expect("handshake");
                ex.spawn(conn).detach();
                send_all(sender, load, w).await
            })
        })
        .collect();
    smol::block_on(async move {
        let mut total = (0, 0);
        for t in workers {
            total = add(total, t.await);
        }
        total
    })
}

/// A thread per connection, each with its own ureq agent (one kept-alive connection).
pub fn threads(load: Load) -> (u64, u64) {
    let workers: Vec<_> = (0..load.connections)
        .map(|w| {
            std::thread::spawn(move || {
                let agent = ureq::Agent::new_with_defaults();
                let mut got = (0u64, 0u64);
                for id in load.ids(w) {
                    let url = format!("http://{}{}", load.addr, load.path(id));
                    let mut response = agent.get(&url).call().expect("the request failed");
                    let ok = response.status() == 200;
                    let body = response.body_mut().read_to_vec().expect("the body failed");
                    got = add(got, (u64::from(ok), body.len() as u64));
                }
                got
            })
        })
        .collect();
    workers.into_iter().map(|h| h.join().expect("a client thread panicked")).fold((0, 0), add)
}
