//! The `shootout` command as a user meets it: bad input gets one clear line and exit status 2;
//! a run measures every case in subprocesses and writes results that parse back.

use std::process::{Command, Output};

use shootout_core::results::{Results, Status};

fn shootout(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shootout")).args(args).output().expect("run shootout")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Exit status 2, exactly one line on stderr, containing `needle`.
fn assert_usage_error(args: &[&str], needle: &str) {
    let out = shootout(args);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
    assert_eq!(err.lines().count(), 1, "{args:?} printed more than one line:\n{err}");
    assert!(err.contains(needle), "{args:?}: {err:?} does not mention {needle:?}");
}

#[test]
fn bad_sizes_are_one_line_and_exit_2() {
    assert_usage_error(&["run", "--tasks", "0"], "--tasks must be between 1 and");
    assert_usage_error(&["run", "--tasks", "-3"], "whole number");
    assert_usage_error(&["run", "--tasks", "10000000000000"], "--tasks must be between 1 and");
    assert_usage_error(&["run", "--tasks", "99999999999999999999999"], "too large");
    assert_usage_error(&["run", "--workers", "0"], "--workers must be between 1 and");
    assert_usage_error(&["run", "--repeat", "0"], "--repeat must be between 1 and");
}

#[test]
fn bad_names_and_durations_are_one_line_and_exit_2() {
    assert_usage_error(&["run", "--sleep", "abc"], "invalid duration \"abc\"");
    assert_usage_error(&["run", "--sleep", "10"], "missing unit");
    assert_usage_error(&["run", "--sleep", "2m"], "--sleep must be at most 60s, got 120s");
    assert_usage_error(
        &["run", "--strategy", "nope"],
        "unknown strategy \"nope\"; valid: sequential, threads, rayon, tokio, async-std, smol",
    );
    assert_usage_error(&["run", "--workload", "nap"], "unknown workload \"nap\"");
    assert_usage_error(&["run", "--mode", "fast"], "invalid value 'fast'");
    assert_usage_error(&["run", "--preset", "fast"], "invalid value 'fast'");
    assert_usage_error(&["run", "--target", "ftp://x"], "--target must be an http:// URL");
    assert_usage_error(&["run", "--no-such-flag"], "unexpected argument");
    assert_usage_error(&["frobnicate"], "unrecognized subcommand");
}

#[test]
fn list_names_every_strategy_and_workload() {
    let out = shootout(&["list"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for name in ["sequential", "threads", "rayon", "tokio", "async-std", "smol"] {
        assert!(text.contains(name), "{name} missing from:\n{text}");
    }
    for w in ["sleep", "fan-out", "http", "queue"] {
        assert!(text.contains(w), "{w} missing");
    }
    assert!(text.contains("sleep/timer/n=100/d=10ms"));
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("shootout-cli-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn a_run_verifies_every_strategy_and_writes_json_and_csv() {
    let dir = temp_dir("run");
    let json = dir.join("out.json");
    let csv = dir.join("out.csv");
    let out = shootout(&[
        "run",
        "--tasks",
        "16",
        "--sleep",
        "5ms",
        "--repeat",
        "2",
        "--json",
        json.to_str().unwrap(),
        "--csv",
        csv.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let results = Results::from_json(&std::fs::read_to_string(&json).unwrap()).unwrap();
    // Both modes (no --mode) × every registry strategy.
    let strategies = shootout_harness::STRATEGIES.len();
    assert_eq!(results.cases.len(), 2 * strategies);
    assert_eq!(results.baselines.len(), strategies);
    assert_eq!(results.env.workers, std::thread::available_parallelism().unwrap().get());
    for row in &results.cases {
        assert_eq!(row.status, Status::Ok, "{} {}: {:?}", row.case, row.strategy, row.error);
        assert!(row.verified);
        assert_eq!(row.samples_ns.len(), 2);
        let wall = row.wall_ns.unwrap();
        assert!(wall.min <= wall.median && wall.median <= wall.max);
        assert!(wall.min >= 5_000_000, "a 5 ms sleep finished in {} ns", wall.min);
        assert!(row.x_best.unwrap() >= 1.0 && row.x_ideal.unwrap() >= 1.0);
        assert!(row.peak_rss_bytes.unwrap() > 0 && row.threads_peak.unwrap() >= 1);
        let in_flight = row.peak_in_flight.unwrap();
        match row.strategy.as_str() {
            "sequential" => assert_eq!(in_flight, 1),
            "rayon" => assert!(in_flight <= results.env.workers),
            _ => assert!(in_flight > 1, "{}: {in_flight}", row.strategy),
        }
    }
    // The best strategy of each case is exactly 1.0 × best.
    for case in ["sleep/timer/n=16/d=5ms", "sleep/blocking/n=16/d=5ms"] {
        let best =
            results.cases.iter().filter(|r| r.case == case).filter_map(|r| r.x_best).fold(f64::MAX, f64::min);
        assert_eq!(best, 1.0, "{case}");
    }
    let csv = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(csv.lines().count(), 1 + 2 * strategies, "{csv}");
    assert!(csv.lines().next().unwrap().starts_with("workload,case,strategy,status"));
    // The terminal shows a table per case.
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("sleep/timer/n=16/d=5ms  (ideal 5.00 ms)"), "{stdout}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_budget_rule_skips_with_its_prediction() {
    let dir = temp_dir("budget");
    let json = dir.join("out.json");
    let out = shootout(&[
        "run",
        "--tasks",
        "100",
        "--sleep",
        "1s",
        "--mode",
        "timer",
        "--strategy",
        "sequential,rayon",
        "--max-case-time",
        "1s",
        "--json",
        json.to_str().unwrap(),
    ]);
    // A case that measured no strategy is exit status 1, with its results still written.
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("1 case(s) measured no strategy: sleep/timer/n=100/d=1s"),
        "{}",
        stderr(&out)
    );
    let results = Results::from_json(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let seq = &results.cases[0];
    assert_eq!(seq.status, Status::Skipped);
    assert_eq!(seq.predicted_ns, Some(100_000_000_000));
    assert_eq!(seq.error.as_deref(), Some("predicted 100 s > --max-case-time 1s"));
    let rayon = &results.cases[1];
    assert_eq!(rayon.status, Status::Skipped);
    assert!(rayon.samples_ns.is_empty());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_case_past_its_deadline_is_a_timeout_and_the_run_goes_on() {
    let dir = temp_dir("timeout");
    let json = dir.join("out.json");
    let out = shootout(&[
        "run",
        "--tasks",
        "3",
        "--sleep",
        "2s",
        "--mode",
        "timer",
        "--strategy",
        "sequential,tokio",
        "--timeout",
        "2500ms",
        "--repeat",
        "1",
        "--json",
        json.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let results = Results::from_json(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let seq = results.cases.iter().find(|r| r.strategy == "sequential").unwrap();
    assert_eq!(seq.status, Status::Timeout);
    assert_eq!(seq.error.as_deref(), Some("verify pass: killed after 2500ms"));
    let tokio = results.cases.iter().find(|r| r.strategy == "tokio").unwrap();
    assert_eq!(tokio.status, Status::Ok, "{:?}", tokio.error);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_workloads_flags_alone_run_only_that_workload() {
    let dir = temp_dir("only");
    let json = dir.join("out.json");
    let out = shootout(&[
        "run",
        "--requests",
        "4",
        "--concurrency",
        "2",
        "--latency",
        "1ms",
        "--connection",
        "reuse",
        "--strategy",
        "sequential",
        "--repeat",
        "1",
        "--json",
        json.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let results = Results::from_json(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let workloads: Vec<&str> = results.cases.iter().map(|r| r.workload.as_str()).collect();
    assert_eq!(workloads, ["http"]);
    std::fs::remove_dir_all(&dir).unwrap();
}
