//! The target server against raw TCP clients: what it answers to good, bad and hostile
//! requests, its limits, its fault injection, and where it listens.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use shootout_core::http::{Fault, Faults, check_body};
use shootout_http::{Server, ServerConfig};

fn start(config: ServerConfig) -> Server {
    Server::start(ServerConfig { threads: 1, ..config }).expect("server starts")
}

fn connect(server: &Server) -> TcpStream {
    let stream = TcpStream::connect(server.addr()).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    stream
}

/// Sends raw bytes and reads until the server closes (every request here says close).
fn exchange(server: &Server, raw: &[u8]) -> String {
    let mut stream = connect(server);
    stream.write_all(raw).expect("write");
    let mut reply = Vec::new();
    // A reset after the answer is fine: keep what arrived.
    let _ = stream.read_to_end(&mut reply);
    String::from_utf8_lossy(&reply).into_owned()
}

fn get(server: &Server, path: &str) -> String {
    exchange(server, format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes())
}

fn body_of(reply: &str) -> &str {
    reply.split_once("\r\n\r\n").map_or("", |(_, body)| body)
}

#[test]
fn binds_loopback_on_an_ephemeral_port_by_default() {
    let server = start(ServerConfig::default());
    assert!(server.addr().ip().is_loopback(), "{}", server.addr());
    assert_ne!(server.addr().port(), 0);
    assert_eq!(server.url(), format!("http://127.0.0.1:{}", server.addr().port()));
}

#[test]
fn work_answers_the_body_of_its_id() {
    let server = start(ServerConfig::default());
    let reply = get(&server, "/work?id=42&bytes=100");
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    let body = body_of(&reply);
    assert_eq!(body.len(), 100);
    assert_eq!(check_body(body.as_bytes()), Ok(42));
    assert_eq!(body.as_bytes(), shootout_core::http::body(42, 100));
    assert_eq!(server.injected().ok, 1);
}

#[test]
fn malformed_requests_get_400_and_the_server_keeps_serving() {
    let server = start(ServerConfig::default());
    for raw in [
        &b"GARBAGE\r\n\r\n"[..],
        b"GET /work?id=1 HTTP/9.9\r\n\r\n",
        b"GET /work?id=1 HTTP/1.1\r\nBad Header Line\r\n\r\n",
        b"\x00\x01\x02\x03\r\n\r\n",
    ] {
        let reply = exchange(&server, raw);
        assert!(reply.starts_with("HTTP/1.1 400"), "{raw:?} -> {reply:?}");
    }
    for query in ["/work", "/work?id=abc", "/work?id=1&bytes=3", "/work?id=1&bytes=99999999999"] {
        let reply = get(&server, query);
        assert!(reply.starts_with("HTTP/1.1 400"), "{query} -> {reply:?}");
    }
    assert_eq!(server.injected().bad_requests, 8);
    assert!(get(&server, "/work?id=1").starts_with("HTTP/1.1 200"));
    assert!(get(&server, "/nowhere").starts_with("HTTP/1.1 404"));
}

#[test]
fn oversize_headers_and_request_bodies_are_refused() {
    let server = start(ServerConfig { max_header_bytes: 8192, ..ServerConfig::default() });
    let big = format!("GET /work?id=1 HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n", "a".repeat(20_000));
    let reply = exchange(&server, big.as_bytes());
    assert!(reply.starts_with("HTTP/1.1 431"), "{reply:?}");
    let post = exchange(
        &server,
        b"POST /work?id=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello",
    );
    assert!(post.starts_with("HTTP/1.1 405"), "{post:?}");
    let with_body = exchange(
        &server,
        b"GET /work?id=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello",
    );
    assert!(with_body.starts_with("HTTP/1.1 413"), "{with_body:?}");
    assert_eq!(server.injected().too_large, 2);
    assert!(get(&server, "/work?id=1").starts_with("HTTP/1.1 200"));
}

#[test]
fn connections_over_the_cap_are_closed() {
    let server = start(ServerConfig { max_connections: 1, ..ServerConfig::default() });
    let mut first = connect(&server);
    // Make sure the first connection holds the only permit before the second arrives.
    first.write_all(b"GET /work?id=1 HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let mut head = [0u8; 12];
    first.read_exact(&mut head).unwrap();
    assert_eq!(&head, b"HTTP/1.1 200");
    let mut second = connect(&server);
    let _ = second.write_all(b"GET /work?id=2 HTTP/1.1\r\nHost: x\r\n\r\n");
    let mut reply = Vec::new();
    let _ = second.read_to_end(&mut reply);
    assert!(reply.is_empty(), "{}", String::from_utf8_lossy(&reply));
    assert_eq!(server.injected().refused_connections, 1);
    drop(first);
}

#[test]
fn faults_are_injected_for_exactly_the_ids_core_names() {
    let faults = Faults { error_rate: 0.2, reset_rate: 0.2, stall_rate: 0.2, seed: 3 };
    let server = start(ServerConfig { faults, ..ServerConfig::default() });
    let id_of = |want: Option<Fault>| (0..1_000u64).find(|&id| faults.fault_for(id) == want).unwrap();

    let error = get(&server, &format!("/work?id={}", id_of(Some(Fault::Error))));
    assert!(error.starts_with("HTTP/1.1 500"), "{error:?}");
    let reset = get(&server, &format!("/work?id={}", id_of(Some(Fault::Reset))));
    assert!(reset.is_empty(), "a reset answered {reset:?}");
    let healthy = get(&server, &format!("/work?id={}", id_of(None)));
    assert!(healthy.starts_with("HTTP/1.1 200"), "{healthy:?}");

    let mut stalled = connect(&server);
    stalled.set_read_timeout(Some(Duration::from_millis(300))).unwrap();
    let stall_id = id_of(Some(Fault::Stall));
    stalled.write_all(format!("GET /work?id={stall_id} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes()).unwrap();
    let mut byte = [0u8; 1];
    let err = stalled.read(&mut byte).expect_err("a stalled request must not be answered");
    assert!(matches!(err.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut), "{err}");

    let injected = server.stop();
    assert_eq!((injected.errors, injected.resets, injected.stalls, injected.ok), (1, 1, 1, 1));
}

#[test]
fn config_reports_latency_and_faults() {
    let faults = Faults { error_rate: 0.25, ..Faults::none() };
    let server = start(ServerConfig { latency: Duration::from_millis(3), faults, ..ServerConfig::default() });
    let reply = get(&server, "/config");
    let config: shootout_http::server::PublicConfig = serde_json::from_str(body_of(&reply)).unwrap();
    assert_eq!(config.latency, Duration::from_millis(3));
    assert_eq!(config.faults, faults);
}

#[test]
fn stop_closes_the_listener() {
    let server = start(ServerConfig::default());
    let addr = server.addr();
    server.stop();
    assert!(TcpStream::connect(addr).is_err(), "still listening on {addr}");
}

#[test]
fn a_stalled_request_frees_its_connection_when_the_client_leaves() {
    let faults = Faults { stall_rate: 1.0, ..Faults::none() };
    let server = start(ServerConfig { faults, max_connections: 1, ..ServerConfig::default() });
    for id in 0..3 {
        let mut stalled = connect(&server);
        stalled.set_read_timeout(Some(Duration::from_millis(100))).unwrap();
        stalled.write_all(format!("GET /work?id={id} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes()).unwrap();
        let mut byte = [0u8; 1];
        assert!(stalled.read(&mut byte).is_err(), "stall {id} was answered");
        assert_eq!(server.injected().open_connections, 1);
        drop(stalled);
        // The server notices the hang-up and releases the only connection slot.
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while server.injected().open_connections > 0 && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(server.injected().open_connections, 0, "stall {id} still holds its connection");
    }
    // Each new connection got the slot: none was refused, although only one may be open.
    let injected = server.injected();
    assert_eq!((injected.stalls, injected.refused_connections), (3, 0), "{injected}");
}
