//! shootout-http: the HTTP target server and the runtime-neutral client logic.
//!
//! - [`server`]: hyper 1 on its own tokio runtime and threads (never the scheduler under
//!   test), `GET /work?id=I&bytes=B` waits L then answers B bytes that encode I, with
//!   deterministic fault injection and the limits a real server has.
//! - [`client`]: what one run of the workload shares — the parsed target, the id counter, the
//!   in-flight counter, the first fatal error — and how outcomes are assembled.
//! - the ONE hyper 1 client of the async strategies is `shootout_async::http`, generic over
//!   the runtime; no runtime's client code lives here.
//! - [`blocking`]: the ONE ureq 3 client of the blocking strategies.
//!
//! `TCP_NODELAY` is set on every connection, client and server.

pub mod blocking;
pub mod client;
pub mod server;
pub mod stop;

pub use client::{Endpoint, Plan, parse_target};
pub use server::{Injected, Server, ServerConfig};

/// Raises the open-files limit to its hard limit and checks that `needed` descriptors fit.
/// The error names the limit and how to raise it.
pub fn ensure_open_files(needed: usize, what: &str) -> Result<u64, String> {
    let limit = shootout_core::metrics::raise_nofile_limit()
        .map_err(|e| format!("could not read or raise RLIMIT_NOFILE: {e}"))?;
    if (limit as usize) < needed {
        return Err(format!(
            "{what} needs about {needed} open files but RLIMIT_NOFILE is {limit} (its hard limit); \
             raise it (e.g. `ulimit -n {needed}` as root) or lower --concurrency"
        ));
    }
    Ok(limit)
}

/// File descriptors beyond the connections themselves: std streams, the runtime's epoll and
/// event fds, the listener, a margin for the harness.
pub const SPARE_FILES: usize = 64;
