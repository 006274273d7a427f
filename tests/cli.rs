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
        &format!("unknown strategy \"nope\"; valid: {}", shootout_harness::registry::names().join(", ")),
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
    for name in shootout_harness::registry::names() {
        assert!(text.contains(name), "{name} missing from:\n{text}");
    }
    for w in ["sleep", "fan-out", "http", "queue"] {
        assert!(text.contains(w), "{w} missing");
    }
    assert!(text.contains("sleep/timer/n=100/d=10ms"));
    // The letters of the case names are explained per workload.
    assert!(
        text.contains("k = kernel iterations per unit") && text.contains("b = channel capacity"),
        "{text}"
    );
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
        "--strategy",
        "all",
        "--json",
        json.to_str().unwrap(),
        "--csv",
        csv.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let results = Results::from_json(&std::fs::read_to_string(&json).unwrap()).unwrap();
    // Both modes (no --mode) × every registry strategy (`all`).
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
    assert!(csv.lines().next().unwrap().starts_with("workload,case,strategy,workers,status"));
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
    // The budget is the larger of --max-case-time and twice the floor (1 s): 2 s.
    assert_eq!(seq.error.as_deref(), Some("predicted 100 s > budget 2s; run it with --max-case-time 101s"));
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

/// The quick run's last screen is the answer: a ranking per workload and the decision guide,
/// every line within 120 columns (tables fitted to 100), and the run saved where it says.
#[test]
fn a_run_ends_with_the_ranking_and_the_guide_within_120_columns() {
    let dir = temp_dir("verdict");
    let out = Command::new(env!("CARGO_BIN_EXE_shootout"))
        .args([
            "run",
            "--workload",
            "sleep",
            "--tasks",
            "20",
            "--sleep",
            "10ms",
            "--strategy",
            "threads,tokio,smol",
        ])
        .args(["--repeat", "2"])
        .env("CARGO_TARGET_DIR", &dir)
        .output()
        .expect("run shootout");
    let (text, err) = (String::from_utf8_lossy(&out.stdout), stderr(&out));
    assert_eq!(out.status.code(), Some(0), "{err}");
    let ranking = text.find("Ranking: sleep (2 cases)").unwrap_or_else(|| panic!("no ranking:\n{text}"));
    let guide = text.find("Decision guide").unwrap_or_else(|| panic!("no guide:\n{text}"));
    assert!(ranking < guide && text[guide..].contains("- Many waiting tasks: "), "{text}");
    assert!(text.contains("Legend: × best = median ÷ the best median"), "{text}");
    for line in text.lines() {
        assert!(line.chars().count() <= 120, "{} columns: {line}", line.chars().count());
    }
    // Saved by default under the target directory, and the path is said.
    let saved: Vec<_> =
        std::fs::read_dir(dir.join("shootout")).expect("saved by default").flatten().collect();
    assert_eq!(saved.len(), 1);
    let results = saved[0].path().join("results.json");
    assert!(err.contains(&format!("`shootout report {}`", results.display())), "{err}");
    Results::from_json(&std::fs::read_to_string(&results).unwrap()).expect("results parse back");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `--workers 1,2` runs every case at each W: every row records its W, case names carry it,
/// and a strategy whose W is fixed (sequential) runs once, as a flat reference.
#[test]
fn a_worker_sweep_runs_every_case_at_each_w() {
    let dir = temp_dir("sweep");
    let json = dir.join("sweep.json");
    let out = shootout(&[
        "run",
        "--workload",
        "sleep",
        "--tasks",
        "20",
        "--sleep",
        "10ms",
        "--mode",
        "timer",
        "--strategy",
        "sequential,tokio",
        "--workers",
        "1,2",
        "--repeat",
        "1",
        "--json",
        json.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let results = Results::from_json(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let rows: Vec<(&str, &str, Option<usize>)> =
        results.cases.iter().map(|r| (r.case.as_str(), r.strategy.as_str(), r.workers)).collect();
    assert_eq!(
        rows,
        [
            ("sleep/timer/n=20/d=10ms/w=1", "sequential", Some(1)),
            ("sleep/timer/n=20/d=10ms/w=1", "tokio", Some(1)),
            ("sleep/timer/n=20/d=10ms/w=2", "tokio", Some(2)),
        ]
    );
    assert!(results.cases.iter().all(|r| r.status == Status::Ok && r.verified));
    assert_usage_error(&["run", "--workers", "1,0"], "--workers must be between 1 and");
    assert_usage_error(&["run", "--workers", "1,x"], "whole number");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The quick preset runs the six strategies of the quick comparison; the topology variants run
/// in the full preset, with `--strategy all`, or by name.
#[test]
fn the_quick_preset_runs_the_quick_strategies_and_all_selects_every_one() {
    let quick: Vec<&str> = shootout_harness::STRATEGIES.iter().filter(|e| e.quick).map(|e| e.name).collect();
    assert_eq!(quick, ["sequential", "threads", "rayon", "tokio", "async-std", "smol"]);
    let full = shootout_harness::registry::default_for(shootout_core::Preset::Full);
    assert_eq!(full.len(), shootout_harness::STRATEGIES.len());
    assert_eq!(shootout_harness::registry::select("all").unwrap().len(), full.len());
}
