//! The glommio strategy's own edges, beyond the shared workloads (which the harness's suites run
//! on every registered strategy): panics in a unit or a blocking call come back as errors and
//! leave the executors working, a cancel stops a waiting unit, deadlines are honoured, and a W
//! larger than the CPUs is `unsupported`.

use std::sync::mpsc;
use std::time::{Duration, Instant};

use shootout_async::{Runtime, Task};
use shootout_core::RunError;
use shootout_glommio::Glommio;

/// Runs `check` on its own thread and fails if it has not finished in a minute: a hang (what a
/// panicking blocking closure does to its caller in plain glommio 0.9) is a failure, not a
/// stuck test run.
fn within_a_minute(check: impl FnOnce() + Send + 'static) {
    let (done, finished) = mpsc::channel();
    let thread = std::thread::spawn(move || {
        check();
        let _ = done.send(());
    });
    match finished.recv_timeout(Duration::from_secs(60)) {
        Ok(()) => thread.join().expect("the check"),
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            std::panic::resume_unwind(thread.join().expect_err("the check panicked"))
        }
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("the check hung"),
    }
}

fn one_executor() -> std::sync::Arc<Glommio> {
    let strategy = shootout_glommio::build(1).expect("glommio builds with W = 1");
    std::sync::Arc::clone(strategy.runtime())
}

#[test]
fn a_panicking_blocking_call_is_an_error_and_the_pool_keeps_working() {
    within_a_minute(|| {
        let rt = one_executor();
        let failed = rt.block_on(rt.spawn(Glommio::spawn_blocking(|| -> u8 { panic!("boom") })));
        assert_eq!(failed, Ok(Err(RunError::failed("a glommio blocking call panicked: boom"))));
        let fine = rt.block_on(rt.spawn(Glommio::spawn_blocking(|| 7u8)));
        assert_eq!(fine, Ok(Ok(7)));
    });
}

fn explode() -> u8 {
    panic!("unit")
}

#[test]
fn a_panicking_unit_is_an_error_and_its_executor_keeps_running() {
    within_a_minute(|| {
        let rt = one_executor();
        let failed = rt.block_on(rt.spawn(async { explode() }));
        assert!(matches!(&failed, Err(RunError::Failed(why)) if why.contains("unit")), "{failed:?}");
        assert_eq!(rt.block_on(rt.spawn(async { 3 })), Ok(3));
    });
}

#[test]
fn a_cancel_stops_a_waiting_unit_and_deadlines_hold() {
    within_a_minute(|| {
        let rt = one_executor();
        let waiting = rt.spawn(Glommio::sleep(Duration::from_secs(30)));
        let start = Instant::now();
        rt.block_on(waiting.cancel());
        assert!(start.elapsed() < Duration::from_secs(10), "cancel took {:?}", start.elapsed());

        let deadline = Instant::now() + Duration::from_millis(50);
        rt.block_on(rt.spawn(Glommio::sleep_until(deadline))).unwrap();
        assert!(Instant::now() >= deadline);
        // A deadline already past is ready at once.
        let past = Instant::now();
        rt.block_on(rt.spawn(Glommio::sleep_until(past - Duration::from_millis(5)))).unwrap();
        assert!(past.elapsed() < Duration::from_secs(5));

        let late = Instant::now() + Duration::from_millis(20);
        let timed = rt.block_on(rt.spawn(Glommio::timeout_at(late, Glommio::sleep(Duration::from_secs(30)))));
        assert_eq!(timed, Ok(None));
    });
}

#[test]
fn more_executors_than_cpus_is_unsupported() {
    let cpus = shootout_glommio::allowed_cpus().len();
    match shootout_glommio::build(cpus + 1) {
        Err(RunError::Unsupported(why)) => assert!(why.contains("one executor per CPU"), "{why}"),
        Err(other) => panic!("expected unsupported, got {other}"),
        Ok(_) => panic!("built {} pinned executors on {cpus} CPUs", cpus + 1),
    }
}
