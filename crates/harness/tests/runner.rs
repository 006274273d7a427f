//! The runner's subprocess boundary: a child's verified outcome comes back intact, a child
//! that dies by a signal becomes a row with the signal's name and its last words, and each
//! round's request carries the checks that round makes (all of them in the verify pass only).

use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

use shootout_core::{Case, SleepMode, SleepSpec, Spec};
use shootout_harness::child::{self, ChildRequest};
use shootout_harness::runner::{ChildEnd, spawn_child};

fn request() -> ChildRequest {
    let spec = SleepSpec::new(8, Duration::from_millis(2), SleepMode::Timer);
    ChildRequest {
        strategy: "smol".into(),
        workers: 2,
        case: Some(Case::new(spec.case_name(), Spec::Sleep(spec))),
        target: None,
    }
}

#[test]
fn execute_verifies_in_process() {
    let report = child::execute(&request());
    let timed = report.result.expect("verified");
    assert_eq!(timed.summary.peak_in_flight, Some(8));
    assert!(timed.wall_ns >= 2_000_000);
    assert!(report.threads_built >= 3, "W executor threads plus main");
}

#[test]
fn an_unknown_strategy_is_a_failed_report_not_a_panic() {
    let mut r = request();
    r.strategy = "gevent".into();
    let err = child::execute(&r).result.unwrap_err();
    assert!(err.to_string().contains("unknown strategy \"gevent\""), "{err}");
}

/// A stand-in for a child that hits the thread limit inside a fresh thread: it prints what
/// Rust's runtime prints, then aborts.
fn aborting_child(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("aborting-child.sh");
    std::fs::write(
        &path,
        "#!/bin/sh\necho 'thread spawned' >&2\necho 'fatal runtime error: failed to set up alternative stack guard page' >&2\nkill -ABRT $$\n",
    )
    .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

#[test]
fn a_child_killed_by_a_signal_is_reported_with_its_name_and_last_line() {
    let dir = std::env::temp_dir().join(format!("shootout-runner-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let run = spawn_child(&aborting_child(&dir), &request(), Duration::from_secs(10));
    match run.end {
        ChildEnd::Died(why) => assert_eq!(
            why,
            "child died by signal SIGABRT: thread spawned | fatal runtime error: failed to set up alternative stack guard page"
        ),
        other => panic!("expected a death by signal, got {other:?}"),
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_child_that_never_ends_is_killed_at_its_deadline() {
    let dir = std::env::temp_dir().join(format!("shootout-runner-hang-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("hanging-child.sh");
    std::fs::write(&path, "#!/bin/sh\nexec sleep 30\n").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    let run = spawn_child(&path, &request(), Duration::from_millis(300));
    assert!(matches!(run.end, ChildEnd::Timeout(d) if d == Duration::from_millis(300)), "{:?}", run.end);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The runner's call site, not only `case_for_round`: the requests `run_case` sends its children
/// ask for the queue's id hash and the HTTP body digest in the verify pass only, and every timed
/// repetition gets the case as timed. A stand-in child records each request and reports a run,
/// so every round happens.
#[test]
fn run_case_asks_for_the_verify_checks_in_the_verify_pass_only() {
    use shootout_core::queue::Capacity;
    use shootout_core::{Context, HttpSpec, QueueSpec, Summary, Timed};
    use shootout_harness::child::ChildReport;
    use shootout_harness::runner::{Plan, run_case};

    let dir = std::env::temp_dir().join(format!("shootout-runner-rounds-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("requests");
    let report = ChildReport {
        startup_ns: 0,
        threads_built: 1,
        threads_after: 1,
        result: Ok(Timed { wall_ns: 50_000_000, cpu_ns: 0, summary: Summary::default() }),
    };
    let child = dir.join("recording-child.sh");
    std::fs::write(
        &child,
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$3\" >> '{}'\ncat <<'REPORT'\n{}\nREPORT\n",
            log.display(),
            serde_json::to_string(&report).unwrap()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&child, std::fs::Permissions::from_mode(0o755)).unwrap();

    let queue = QueueSpec::new(1_000, 1, 1, Capacity::Bounded(16));
    let http = HttpSpec::new(20, 2, Duration::ZERO);
    let plan = Plan {
        cases: Vec::new(),
        strategies: vec![shootout_harness::registry::find("threads").unwrap()],
        workers: 2,
        repeat: 3,
        repeat_budget: Duration::from_secs(60),
        max_case_time: Duration::from_secs(60),
        case_timeout: Some(Duration::from_secs(10)),
        target: None,
        exe: child.clone(),
        context: Context { workers: 2, ..Context::default() },
    };
    for case in [
        Case::new(queue.case_name(), Spec::Queue(queue)),
        Case::new(http.case_name(), Spec::Http(http.clone())),
    ] {
        let _ = std::fs::remove_file(&log);
        run_case(&plan, &case, &[], &mut |_| {});
        let sent: Vec<Case> = std::fs::read_to_string(&log)
            .unwrap()
            .lines()
            .map(|line| serde_json::from_str::<ChildRequest>(line).unwrap().case.unwrap())
            .collect();
        assert_eq!(sent.len(), 1 + plan.repeat, "{}: a verify pass and each repetition", case.name);
        let checks = |c: &Case| match &c.spec {
            Spec::Queue(q) => q.hash_ids,
            Spec::Http(h) => h.digest_bodies,
            _ => unreachable!(),
        };
        assert!(checks(&sent[0]), "{}: the verify pass checks", case.name);
        for (round, timed) in sent.iter().enumerate().skip(1) {
            assert!(!checks(timed), "{} round {round} is timed", case.name);
            assert_eq!(
                serde_json::to_string(timed).unwrap(),
                serde_json::to_string(&case.timed()).unwrap(),
                "{} round {round}",
                case.name
            );
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
