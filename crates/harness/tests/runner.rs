//! The runner's subprocess boundary: a child's verified outcome comes back intact, and a child
//! that dies by a signal becomes a row with the signal's name and its last words.

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
