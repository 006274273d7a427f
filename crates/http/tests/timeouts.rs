//! The server's header and idle timeouts against raw clients that connect and say nothing,
//! send half a request head, trickle a head byte by byte, or keep a connection open after an
//! answer: every one is closed within the timeout (1 s here), counted, and its slot freed.
//! Loopback only; every loop is bounded in count and time.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use shootout_http::{Server, ServerConfig};

const TIMEOUT: Duration = Duration::from_secs(1);
/// How late past its timeout a close may come (timer wheel, a loaded 2-core machine).
const SLACK: Duration = Duration::from_millis(1500);

fn start(max_connections: usize) -> Server {
    Server::start(ServerConfig {
        threads: 1,
        max_connections,
        header_timeout: TIMEOUT,
        idle_timeout: TIMEOUT,
        ..ServerConfig::default()
    })
    .expect("server starts")
}

/// Reads one keep-alive answer (head and Content-Length body) and returns its status line.
fn read_answer(stream: &mut TcpStream) -> String {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        assert_eq!(stream.read(&mut byte).expect("answer head"), 1, "closed mid-head");
        head.push(byte[0]);
        assert!(head.len() < 8192);
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let len: usize = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse().unwrap())
        })
        .expect("content-length");
    let mut body = vec![0u8; len];
    stream.read_exact(&mut body).expect("answer body");
    head.lines().next().unwrap_or_default().to_string()
}

/// Waits until the server closes `stream` (EOF or reset), at most until `by`; true if it did.
fn closed_by(stream: &mut TcpStream, by: Instant) -> bool {
    let mut buf = [0u8; 64];
    loop {
        let left = by.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return false;
        }
        stream.set_read_timeout(Some(left)).unwrap();
        match stream.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => return false,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(_) => return true,
        }
    }
}

#[test]
fn idle_and_half_sent_connections_are_closed_within_the_timeout() {
    let server = start(16_384);
    let started = Instant::now();
    let mut silent: Vec<TcpStream> = (0..30).map(|_| TcpStream::connect(server.addr()).unwrap()).collect();
    let mut half: Vec<TcpStream> = (0..30)
        .map(|i| {
            let mut s = TcpStream::connect(server.addr()).unwrap();
            s.write_all(format!("GET /work?id={i} HTTP/1.1\r\nHost: x\r\nX-Half: ").as_bytes()).unwrap();
            s
        })
        .collect();
    let mut kept: Vec<TcpStream> = (0..10)
        .map(|i| {
            let mut s = TcpStream::connect(server.addr()).unwrap();
            s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            s.write_all(format!("GET /work?id={i} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes()).unwrap();
            assert!(read_answer(&mut s).starts_with("HTTP/1.1 200"));
            s
        })
        .collect();
    assert_eq!(server.injected().open_connections, 70);
    let by = started + TIMEOUT + SLACK;
    for (what, streams) in [("silent", &mut silent), ("half-sent", &mut half), ("kept-alive", &mut kept)] {
        for (i, s) in streams.iter_mut().enumerate() {
            assert!(
                closed_by(s, by),
                "{what} connection {i} still open {:?} after the start",
                started.elapsed()
            );
        }
    }
    // The counters settle as the connection tasks end.
    let deadline = Instant::now() + Duration::from_secs(2);
    while server.injected().open_connections > 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    let injected = server.injected();
    assert_eq!(injected.open_connections, 0, "{injected:?}");
    assert_eq!(injected.header_timeouts, 60, "{injected:?}");
    assert_eq!(injected.idle_closed, 10, "{injected:?}");
    assert!(injected.to_string().contains("10 closed idle"), "{injected}");
}

#[test]
fn a_head_trickled_byte_by_byte_still_times_out() {
    let server = start(16_384);
    let mut s = TcpStream::connect(server.addr()).unwrap();
    let started = Instant::now();
    let head =
        b"GET /work?id=1 HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    let mut closed = false;
    // One byte per 100 ms: bytes keep arriving, the head never completes.
    for byte in head.chunks(1).take(40) {
        if s.write_all(byte).is_err() {
            closed = true;
            break;
        }
        s.set_read_timeout(Some(Duration::from_millis(100))).unwrap();
        let mut buf = [0u8; 16];
        match s.read(&mut buf) {
            Ok(0) => {
                closed = true;
                break;
            }
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            _ => {
                closed = true;
                break;
            }
        }
    }
    assert!(closed, "a trickled head was still open after {:?}", started.elapsed());
    assert!(started.elapsed() < TIMEOUT + SLACK, "closed only after {:?}", started.elapsed());
    // The server counts the close after the socket is shut: the client may see it first.
    let counted = Instant::now();
    while server.injected().header_timeouts == 0 && counted.elapsed() < Duration::from_secs(1) {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(server.injected().header_timeouts, 1);
}

#[test]
fn idle_connections_at_the_limit_do_not_lock_out_new_clients_for_good() {
    let server = start(5);
    let _idle: Vec<TcpStream> = (0..5).map(|_| TcpStream::connect(server.addr()).unwrap()).collect();
    // Wait until the five hold every slot.
    let deadline = Instant::now() + Duration::from_secs(2);
    while server.injected().open_connections < 5 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(server.injected().open_connections, 5);
    // Once they time out, a new client is served.
    std::thread::sleep(TIMEOUT + Duration::from_millis(500));
    let mut s = TcpStream::connect(server.addr()).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    s.write_all(b"GET /work?id=3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
    let mut reply = String::new();
    let _ = s.read_to_string(&mut reply);
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply:?}; {:?}", server.injected());
}

#[test]
fn zero_or_huge_timeouts_are_refused() {
    for (header, idle) in
        [(Duration::ZERO, TIMEOUT), (TIMEOUT, Duration::ZERO), (TIMEOUT, Duration::from_secs(7200))]
    {
        let err = ServerConfig { header_timeout: header, idle_timeout: idle, ..ServerConfig::default() }
            .validate()
            .unwrap_err();
        assert!(err.contains("timeout must be more than 0s"), "{err}");
    }
}
