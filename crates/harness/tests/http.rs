//! Every strategy in the registry against the in-process HTTP server: verified bodies on
//! keep-alive and fresh connections, injected errors counted exactly, stalls caught by the
//! per-request timeout, no server as a clean error, and C = 1,000 connections at once.

use std::sync::OnceLock;
use std::time::Duration;

use shootout_core::http::{Connection, Faults};
use shootout_core::{HttpSpec, RunError, Strategy, Summary, Target, WorkloadSpec};
use shootout_harness::STRATEGIES;
use shootout_harness::target::{Injected, Server, ServerConfig, TargetGuard, for_spec};

/// One W for the whole binary: async-std's global executor is configured once per process.
const W: usize = 2;

fn strategies() -> &'static [(&'static str, Box<dyn Strategy>)] {
    static BUILT: OnceLock<Vec<(&'static str, Box<dyn Strategy>)>> = OnceLock::new();
    BUILT.get_or_init(|| {
        STRATEGIES
            .iter()
            .filter_map(|e| Some((e.name, shootout_harness::registry::build_here(e, W)?)))
            .collect()
    })
}

/// Runs `spec` on one strategy against `guard`, verifies it, and returns the summary and what
/// the server did during this run alone.
fn run_verified(
    name: &str,
    strategy: &dyn Strategy,
    spec: &HttpSpec,
    guard: &TargetGuard,
) -> (Summary, Injected) {
    let before = guard.injected().expect("in-process server");
    let outcome = spec
        .run(strategy, Some(guard.target()))
        .unwrap_or_else(|e| panic!("{name} on {}: {e}", spec.case_name()));
    let summary = spec.verify(&outcome).unwrap_or_else(|e| panic!("{name} on {}: {e}", spec.case_name()));
    let after = guard.injected().expect("in-process server");
    (summary, delta(after, before))
}

fn delta(a: Injected, b: Injected) -> Injected {
    Injected {
        connections: a.connections - b.connections,
        refused_connections: a.refused_connections - b.refused_connections,
        open_connections: a.open_connections,
        ok: a.ok - b.ok,
        errors: a.errors - b.errors,
        resets: a.resets - b.resets,
        stalls: a.stalls - b.stalls,
        bad_requests: a.bad_requests - b.bad_requests,
        too_large: a.too_large - b.too_large,
        idle_closed: a.idle_closed - b.idle_closed,
        header_timeouts: a.header_timeouts - b.header_timeouts,
    }
}

/// The tests share two cores and some wait on the clock: one at a time.
fn serial() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn errors(summary: &Summary, kind: &str) -> u64 {
    summary.notes["errors"][kind].as_u64().unwrap()
}

/// The most requests each strategy can have in flight at concurrency `c`.
fn reach(name: &str, c: usize) -> usize {
    match name {
        "sequential" => 1,
        "rayon" => W.min(c),
        _ => c,
    }
}

#[test]
fn every_strategy_gets_verified_bodies_on_reused_and_fresh_connections() {
    let _serial = serial();
    for connection in [Connection::Reuse, Connection::Fresh] {
        let spec = HttpSpec::new(40, 4, Duration::from_millis(5)).with_bytes(300).with_connection(connection);
        let guard = for_spec(&spec, None).unwrap();
        for (name, strategy) in strategies() {
            let (summary, served) = run_verified(name, strategy.as_ref(), &spec, &guard);
            let peak = summary.peak_in_flight.unwrap();
            // Concurrency is structural: every strategy reaches exactly what it can overlap.
            assert_eq!(peak, reach(name, 4), "{name} {connection:?}: peak {peak}");
            assert_eq!(served.ok, 40, "{name} {connection:?}");
            assert!(summary.latency.is_some_and(|l| l.p50 >= 5_000_000), "{name}: {:?}", summary.latency);
            match connection {
                // Keep-alive: one connection per worker, never one per request.
                Connection::Reuse => assert!(
                    served.connections as usize <= 4,
                    "{name} opened {} connections for 4 workers",
                    served.connections
                ),
                Connection::Fresh => assert_eq!(served.connections, 40, "{name} reused a connection"),
            }
        }
    }
}

/// Every client digests each body when the spec asks (the verify pass) and only reads it in a
/// timed run; both outcomes verify against their own spec.
#[test]
fn every_strategy_digests_bodies_in_the_verify_pass_only() {
    let _serial = serial();
    let checked = HttpSpec::new(24, 4, Duration::from_millis(1)).with_bytes(300);
    let timed = checked.clone().timed();
    let guard = for_spec(&checked, None).unwrap();
    let digests = |outcome: &shootout_core::HttpOutcome| -> Vec<u64> {
        outcome
            .results
            .iter()
            .map(|r| match r.answer {
                shootout_core::http::Answer::Response { status: 200, len: 300, digest } => digest,
                other => panic!("request {}: {other:?}", r.id),
            })
            .collect()
    };
    for (name, strategy) in strategies() {
        let outcome = checked.run(strategy.as_ref(), Some(guard.target())).unwrap();
        checked.verify(&outcome).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(outcome.bodies_digested, "{name}");
        assert!(digests(&outcome).iter().all(|&d| d != 0), "{name}: a body without its digest");

        let outcome = timed.run(strategy.as_ref(), Some(guard.target())).unwrap();
        timed.verify(&outcome).unwrap_or_else(|e| panic!("{name}, timed: {e}"));
        assert!(!outcome.bodies_digested, "{name}, timed");
        assert!(digests(&outcome).iter().all(|&d| d == 0), "{name}: a timed run digested a body");
    }
}

#[test]
fn injected_errors_and_resets_are_counted_exactly() {
    let _serial = serial();
    let faults = Faults { error_rate: 0.1, reset_rate: 0.05, stall_rate: 0.0, seed: 11 };
    let spec = HttpSpec::new(200, 10, Duration::ZERO).with_faults(faults);
    let expected = faults.count(200);
    assert!(expected.errors > 0 && expected.resets > 0, "{expected:?}");
    let guard = for_spec(&spec, None).unwrap();
    for (name, strategy) in strategies() {
        let (summary, injected) = run_verified(name, strategy.as_ref(), &spec, &guard);
        assert_eq!(errors(&summary, "status"), expected.errors, "{name}");
        assert_eq!(errors(&summary, "reset"), expected.resets, "{name}");
        assert_eq!(errors(&summary, "timeout") + errors(&summary, "other"), 0, "{name}");
        // The server's own count: nothing retried, nothing lost.
        assert_eq!((injected.errors, injected.resets), (expected.errors, expected.resets), "{name}");
        assert_eq!(injected.ok, 200 - expected.errors - expected.resets, "{name}");
    }
}

#[test]
fn stalls_end_in_the_per_request_timeout() {
    let _serial = serial();
    // The first seed that stalls a few of the 40 ids (the pattern is fixed per seed).
    let faults = (0..)
        .map(|seed| Faults { error_rate: 0.0, reset_rate: 0.0, stall_rate: 0.05, seed })
        .find(|f| (2..=4).contains(&f.count(40).stalls))
        .unwrap();
    let spec =
        HttpSpec::new(40, 8, Duration::ZERO).with_faults(faults).with_timeout(Duration::from_millis(250));
    let stalls = faults.count(40).stalls;
    let guard = for_spec(&spec, None).unwrap();
    for (name, strategy) in strategies() {
        let (summary, injected) = run_verified(name, strategy.as_ref(), &spec, &guard);
        assert_eq!(errors(&summary, "timeout"), stalls, "{name}");
        assert_eq!(injected.stalls, stalls, "{name}");
    }
}

#[test]
fn no_server_listening_is_one_clear_error() {
    let _serial = serial();
    // A port that was just free: nothing listens there now.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let target = Target::new(format!("http://127.0.0.1:{port}"));
    let spec = HttpSpec::new(50, 5, Duration::from_millis(1)).with_timeout(Duration::from_secs(2));
    for (name, strategy) in strategies() {
        match spec.run(strategy.as_ref(), Some(&target)) {
            Err(RunError::Failed(why)) => {
                assert!(why.contains("could not connect") && why.contains(&port.to_string()), "{name}: {why}")
            }
            other => panic!("{name}: expected a connect failure, got {other:?}"),
        }
    }
}

#[test]
fn a_thousand_concurrent_connections() {
    let _serial = serial();
    let limit = shootout_core::metrics::raise_nofile_limit().expect("RLIMIT_NOFILE");
    // Client and server share this process: two descriptors per connection.
    assert!(
        limit >= 2 * 1_000 + 128,
        "RLIMIT_NOFILE is {limit} even after raising it to its hard limit; this test needs 2,128"
    );
    // Long enough that every worker has started (1,000 threads or connects take ~0.5 s in a
    // debug build on a quiet 2-core machine, over 2 s while a build runs beside it) before the
    // first answer frees one to take a second id.
    let waiting = HttpSpec::new(1_000, 1_000, Duration::from_secs(5)).with_bytes(64);
    // Sequential and rayon cannot overlap 1,000 waits: they get the same C without the wait.
    let quick = HttpSpec::new(1_000, 1_000, Duration::ZERO).with_bytes(64);
    let waiting_guard = for_spec(&waiting, None).unwrap();
    let quick_guard = for_spec(&quick, None).unwrap();
    for (name, strategy) in strategies() {
        let (spec, guard) =
            if reach(name, 1_000) < 1_000 { (&quick, &quick_guard) } else { (&waiting, &waiting_guard) };
        let (summary, served) = run_verified(name, strategy.as_ref(), spec, guard);
        assert_eq!(served.ok, 1_000, "{name}");
        assert_eq!(served.refused_connections, 0, "{name}");
        assert_eq!(summary.peak_in_flight, Some(reach(name, 1_000)), "{name}");
    }
}

#[test]
fn an_explicit_target_must_wait_and_fault_as_the_spec_expects() {
    let _serial = serial();
    let faults = Faults { error_rate: 0.1, ..Faults::none() };
    let server = Server::start(ServerConfig {
        latency: Duration::from_millis(2),
        faults,
        threads: 1,
        ..ServerConfig::default()
    })
    .unwrap();
    let target = Target::new(server.url());
    let matching = HttpSpec::new(20, 2, Duration::from_millis(2)).with_faults(faults);
    let guard = for_spec(&matching, Some(&target)).unwrap();
    assert_eq!(guard.target(), &target);
    assert!(guard.injected().is_none());
    let (_, strategy) = &strategies()[0];
    let outcome = matching.run(strategy.as_ref(), Some(&target)).unwrap();
    matching.verify(&outcome).unwrap();

    let no_faults = HttpSpec::new(20, 2, Duration::from_millis(2));
    let err = for_spec(&no_faults, Some(&target)).err().unwrap();
    assert!(err.contains("--error-rate 0.1"), "{err}");
    let other_latency = HttpSpec::new(20, 2, Duration::from_millis(10)).with_faults(faults);
    let err = for_spec(&other_latency, Some(&target)).err().unwrap();
    assert!(err.contains("--latency 2ms"), "{err}");
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let err = for_spec(&matching, Some(&Target::new(format!("http://127.0.0.1:{port}")))).err().unwrap();
    assert!(err.contains("could not reach"), "{err}");
}
