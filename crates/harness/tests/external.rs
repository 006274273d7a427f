//! The external-strategy protocol: a program that answers wrongly fails verify with the
//! reason, a program whose stamps lie outside its run is refused, a missing or too-old
//! interpreter makes the strategy `unsupported`, and python-asyncio's own measurement (wall
//! from its stamps, CPU and threads of its process, its notes) reaches the timed result.

use std::time::Duration;

use shootout_core::fanout::FanOutSpec;
use shootout_core::{CaseError, RunError, SleepMode, SleepSpec, Spec};
use shootout_harness::external::{External, Program, python};

/// Whether `python3` >= 3.11 is here: where it is not, the tests check that the strategy says
/// so (`unsupported`) instead of running programs.
fn python_here() -> bool {
    match python::build(1) {
        Ok(_) => true,
        Err(RunError::Unsupported(why)) => {
            eprintln!("python-asyncio unsupported here: {why}");
            false
        }
        Err(e) => panic!("python-asyncio failed to start for another reason: {e}"),
    }
}

/// A tiny external program in Python that follows the protocol but answers a sleep case with
/// one task lost, a fan-out case with a wrong kernel value, or stamps from before its run.
const WRONG: &str = r#"
import json, sys, time
print(json.dumps({"ready": {"program": "wrong"}}), flush=True)
req = json.loads(sys.stdin.readline())
spec = req["spec"]
start = time.monotonic_ns()
if spec["workload"] == "sleep":
    time.sleep(0.02)
    end = time.monotonic_ns()
    n = spec["tasks"]
    lie = sys.argv[1] == "early"
    w0 = start - 10**9 if lie else start
    out = {"ids": list(range(n - 1)), "waits": [[w0, end]] * (n - 1)}
else:
    end = time.monotonic_ns()
    n = spec["units"]
    out = {"handed": [{"index": i, "value": 42} for i in range(n)],
           "finished": [[end, end]] * n, "in_flight": [[start, end]] * n}
print(json.dumps({"start_ns": start, "end_ns": end, "outcome": out}), flush=True)
sys.stdin.read()
"#;

fn wrong_program(mode: &str) -> Result<External, RunError> {
    let program =
        Program { command: python::interpreter(), args: vec!["-c".into(), WRONG.into(), mode.into()] };
    External::start("wrong-program", program, 1, python::overlap(1))
}

#[test]
fn a_wrong_external_program_fails_verify_with_the_reason() {
    if !python_here() {
        assert!(matches!(wrong_program("lose"), Err(RunError::Unsupported(_))));
        return;
    }
    let s = wrong_program("lose").expect("the wrong program starts");
    let sleep = Spec::Sleep(SleepSpec::new(5, Duration::from_millis(10), SleepMode::Timer));
    match sleep.run_timed(&s, None) {
        Err(CaseError::Wrong(why)) => assert_eq!(why, "expected 5 task ids, got 4"),
        other => panic!("expected a wrong answer, got {other:?}"),
    }
    // The same strategy starts a fresh process for its next run.
    let fan_out = Spec::FanOut(FanOutSpec::new(3, 10, Duration::ZERO));
    match fan_out.run_timed(&s, None) {
        Err(CaseError::Wrong(why)) => {
            assert!(why.starts_with("unit 0 returned Ok(42), expected Ok("), "{why}")
        }
        other => panic!("expected a wrong answer, got {other:?}"),
    }
}

#[test]
fn stamps_outside_the_programs_run_are_refused() {
    if !python_here() {
        return assert!(matches!(wrong_program("early"), Err(RunError::Unsupported(_))));
    }
    let s = wrong_program("early").expect("the wrong program starts");
    let sleep = Spec::Sleep(SleepSpec::new(2, Duration::from_millis(10), SleepMode::Timer));
    match sleep.run_timed(&s, None) {
        Err(CaseError::Failed(why)) => assert!(why.contains("outside the program's own run"), "{why}"),
        other => panic!("expected a refused outcome, got {other:?}"),
    }
}

#[test]
fn a_missing_interpreter_is_unsupported_with_the_reason() {
    match python::build_with("/nonexistent/python3", 2) {
        Err(RunError::Unsupported(why)) => {
            assert!(why.contains("/nonexistent/python3") && why.contains("not installed here"), "{why}")
        }
        Err(e) => panic!("expected unsupported, got {e}"),
        Ok(_) => panic!("a missing interpreter started"),
    }
}

#[test]
fn a_program_that_cannot_run_here_is_unsupported_with_its_reason() {
    // What the Python program prints on an interpreter older than 3.11.
    let old = Program {
        command: "/bin/sh".into(),
        args: vec![
            "-c".into(),
            r#"echo '{"unsupported":"python 3.9.2 is older than 3.11 (asyncio.TaskGroup)"}'"#.into(),
        ],
    };
    match External::start("old-python", old, 1, python::overlap(1)) {
        Err(RunError::Unsupported(why)) => {
            assert_eq!(why, "old-python: python 3.9.2 is older than 3.11 (asyncio.TaskGroup)")
        }
        Err(e) => panic!("expected unsupported, got {e}"),
        Ok(_) => panic!("an unsupported program was accepted"),
    }
    // A program that is not the protocol at all is a failure, not unsupported.
    let noise = Program { command: "/bin/sh".into(), args: vec!["-c".into(), "echo hello".into()] };
    match External::start("noise", noise, 1, python::overlap(1)) {
        Err(RunError::Failed(why)) => assert!(why.contains("not a ready line"), "{why}"),
        Err(e) => panic!("expected a failure, got {e}"),
        Ok(_) => panic!("a program without a ready line was accepted"),
    }
}

#[test]
fn python_asyncio_measures_its_own_run() {
    if !python_here() {
        return;
    }
    let s = python::build(2).expect("python-asyncio starts");
    assert_eq!(s.workers(), 1, "one event loop");
    // 400,000 pure-Python kernel steps: tens of ms of CPU in the program's process, whatever
    // the load, against well under 1 ms for this process's own part of the run.
    let spec = Spec::FanOut(FanOutSpec::new(20, 20_000, Duration::ZERO));
    let timed = spec.run_timed(s.as_ref(), None).expect("verified");
    let own = s.own_measure().expect("an external strategy measures itself");
    assert_eq!(timed.wall_ns, own.wall.as_nanos() as u64);
    assert_eq!(timed.cpu_ns, own.cpu.as_nanos() as u64);
    assert!(timed.cpu_ns > 10_000_000, "cpu {} ns, wall {} ns", timed.cpu_ns, timed.wall_ns);
    assert!(own.threads >= 1);
    assert!(timed.summary.notes["http_client"].as_str().unwrap().contains("asyncio streams"));
    assert!(timed.summary.notes.contains_key("python"));
}
