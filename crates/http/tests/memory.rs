//! What the server holds for clients that ask for the largest bodies and never read them:
//! answers are streamed a chunk at a time, so its memory stays bounded however many bytes the
//! clients asked for. Its own test binary, so no other test's allocations share the process.

use std::io::Write;
use std::net::TcpStream;
use std::time::Duration;

use shootout_http::{Server, ServerConfig};

/// This process's resident set, in bytes.
fn rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS");
    kb * 1024
}

#[test]
fn clients_that_do_not_read_cannot_grow_the_server() {
    const CLIENTS: usize = 20;
    // 4 MiB each: whole bodies would be 80 MiB (the issue saw 16 MiB × 40 take 645 MiB).
    const BYTES: usize = 4 << 20;
    let server = Server::start(ServerConfig { threads: 2, ..ServerConfig::default() }).unwrap();
    let before = rss();
    let clients: Vec<TcpStream> = (0..CLIENTS)
        .map(|i| {
            let mut s = TcpStream::connect(server.addr()).unwrap();
            s.write_all(format!("GET /work?id={i}&bytes={BYTES} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes())
                .unwrap();
            s
        })
        .collect();
    // Until every answer has started (each body's digest is a pass over its bytes: slow in a
    // debug build), then a little longer for the socket buffers to fill; at most 60 s.
    let mut grown = 0;
    let mut settled = 0;
    for _ in 0..600 {
        std::thread::sleep(Duration::from_millis(100));
        grown = grown.max(rss().saturating_sub(before));
        if server.injected().ok == CLIENTS as u64 {
            settled += 1;
            if settled == 10 {
                break;
            }
        }
    }
    assert_eq!(server.injected().ok, CLIENTS as u64, "{:?}", server.injected());
    // Streamed, each connection holds about one 64 KiB chunk and hyper's buffers.
    eprintln!("grew by {} KiB", grown >> 10);
    assert!(
        grown < 24 << 20,
        "the server grew by {} MiB for {CLIENTS} clients that do not read",
        grown >> 20
    );
    drop(clients);
}
