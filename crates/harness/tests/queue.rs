//! The queue workload on every registered strategy (W = 2): exactly-once processing for every
//! shape and capacity, clean shutdown, no deadlock when P + C > W with B = 1, the latency-bound
//! case's consumer shares, open loop (puts on a schedule, latency from the due time), and
//! verification that refuses forged outcomes.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use shootout_core::queue::{Capacity, Cost, QueueOutcome, id_hash};
use shootout_core::{QueueSpec, Strategy, WorkloadSpec};
use shootout_harness::STRATEGIES;

const W: usize = 2;

/// Tests in this file run one at a time: the thread-count checks must see only their own
/// strategy's threads.
static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

fn build_all() -> Vec<Box<dyn Strategy>> {
    STRATEGIES.iter().filter_map(|entry| shootout_harness::registry::build_here(entry, W)).collect()
}

fn run(strategy: &dyn Strategy, spec: &QueueSpec) -> QueueOutcome {
    spec.validate().unwrap();
    strategy.queue(spec).unwrap_or_else(|e| panic!("{} on {}: {e}", strategy.name(), spec.case_name()))
}

fn shares(outcome: &QueueOutcome) -> Vec<u64> {
    outcome.consumers.iter().map(|c| c.processed).collect()
}

/// Runs `body` on its own thread and fails the test if it has not finished within `limit`:
/// a deadlocked strategy becomes a failure instead of a hung CI job.
fn watchdog<T: Send + 'static>(what: &str, limit: Duration, body: impl FnOnce() -> T + Send + 'static) -> T {
    let (done, finished) = std::sync::mpsc::channel();
    let watched = std::thread::Builder::new()
        .name("watched".into())
        .spawn(move || {
            let _ = done.send(body());
        })
        .unwrap();
    match finished.recv_timeout(limit) {
        Ok(value) => {
            watched.join().unwrap();
            value
        }
        // A panic inside `body` drops the sender: re-raise it as this test's failure.
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
            std::panic::resume_unwind(watched.join().unwrap_err())
        }
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
            panic!("{what} did not finish within {limit:?}: deadlock")
        }
    }
}

#[test]
fn every_strategy_processes_every_message_exactly_once() {
    let _serial = serial();
    let shapes = [(1, 1), (4, 1), (4, 4)];
    let capacities =
        [(Capacity::Bounded(1), 2_000), (Capacity::Bounded(64), 20_000), (Capacity::Unbounded, 20_000)];
    for strategy in build_all() {
        for (p, c) in shapes {
            for (capacity, m) in capacities {
                let spec = QueueSpec::new(m, p, c, capacity);
                let outcome = run(strategy.as_ref(), &spec);
                let summary = spec
                    .verify(&outcome)
                    .unwrap_or_else(|e| panic!("{} on {}: {e}", strategy.name(), spec.case_name()));
                assert_eq!(shares(&outcome).iter().sum::<u64>(), m as u64);
                assert_eq!(summary.throughput.as_ref().unwrap().count, m as u64);
                let depth = summary.notes["peak_queue_depth"].as_u64().unwrap();
                assert!(depth as usize <= capacity.limit(m), "{}: depth {depth}", strategy.name());
                // Exactly C consumers, on every strategy: none does less or more than asked.
                assert_eq!(outcome.consumers.len(), c, "{} on {}", strategy.name(), spec.case_name());
            }
        }
    }
}

/// Threads of this process, without libtest's own (named after the tests) and the main thread.
fn strategy_threads() -> Vec<String> {
    const TESTS: [&str; 5] = [
        "every_strategy_processes_every_message_exactly_once",
        "every_unit_is_joined_and_no_thread_outlives_the_run",
        "no_deadlock_when_producers_and_consumers_outnumber_workers",
        "latency_bound_shares_add_up_and_waits_overlap",
        "verify_refuses_forged_outcomes",
    ];
    let me = std::process::id().to_string();
    let mut names = Vec::new();
    for task in std::fs::read_dir("/proc/self/task").unwrap().flatten() {
        if task.file_name().to_string_lossy() == me {
            continue;
        }
        let Ok(comm) = std::fs::read_to_string(task.path().join("comm")) else { continue };
        let comm = comm.trim_end().to_string();
        if !TESTS.iter().any(|t| t.starts_with(&comm)) {
            names.push(comm);
        }
    }
    names.sort();
    names
}

/// Thread counts settle a moment after `join` returns (the kernel reaps the exited thread).
fn settle_to(baseline: &[String]) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        let now = strategy_threads();
        if now == baseline || Instant::now() > deadline {
            return now;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn every_unit_is_joined_and_no_thread_outlives_the_run() {
    let _serial = serial();
    let specs = [
        QueueSpec::new(3_000, 4, 4, Capacity::Bounded(1)),
        QueueSpec::new(3_000, 3, 5, Capacity::Unbounded),
        QueueSpec::new(100, 2, 3, Capacity::Bounded(8)).with_cost(Cost::Wait(Duration::from_micros(200))),
    ];
    for strategy in build_all() {
        // Warm up: runtimes start helper threads (timers, reactors) on first use; those stay.
        run(strategy.as_ref(), &specs[2]);
        let baseline = settle_to(&strategy_threads());
        for spec in &specs {
            let outcome = run(strategy.as_ref(), spec);
            let who = format!("{} on {}", strategy.name(), spec.case_name());
            assert_eq!(outcome.units_alive, 0, "{who}: a producer or consumer outlived the run");
            assert_eq!(outcome.consumers_started, outcome.consumers.len(), "{who}: consumer not joined");
            assert!(outcome.consumers.iter().all(|c| c.saw_close), "{who}: consumer not shut down by close");
            assert_eq!(outcome.producers.len(), spec.producers, "{who}");
            spec.verify(&outcome).unwrap_or_else(|e| panic!("{who}: {e}"));
            let after = settle_to(&baseline);
            assert_eq!(after, baseline, "{who}: threads left behind");
            assert!(
                !after.iter().any(|t| t.starts_with("queue-")),
                "{who}: a producer or consumer thread is still running: {after:?}"
            );
        }
        // A leaked consumer is caught by verification, not only by this test.
        let spec = &specs[0];
        let mut outcome = run(strategy.as_ref(), spec);
        outcome.units_alive = 1;
        assert!(spec.verify(&outcome).is_err());
        outcome.units_alive = 0;
        let lost = outcome.consumers.pop().unwrap();
        outcome.consumers_started = outcome.consumers.len() + 1;
        assert!(spec.verify(&outcome).unwrap_err().contains("left running"), "{}", strategy.name());
        drop(lost);
    }
}

#[test]
fn no_deadlock_when_producers_and_consumers_outnumber_workers() {
    let _serial = serial();
    // P + C > W = 2 with a capacity of one: the case where producers inside rayon's pool could
    // starve behind consumers blocked in `recv`.
    let specs = [
        QueueSpec::new(5_000, 4, 4, Capacity::Bounded(1)),
        QueueSpec::new(5_000, 3, 1, Capacity::Bounded(1)),
        QueueSpec::new(5_000, 1, 3, Capacity::Bounded(1)),
        QueueSpec::new(2_000, 16, 16, Capacity::Bounded(1)),
        QueueSpec::new(500, 2, 2, Capacity::Bounded(1)).with_cost(Cost::Wait(Duration::from_micros(100))),
    ];
    for entry in STRATEGIES.iter() {
        let specs = specs.to_vec();
        let name = entry.name;
        watchdog(&format!("{name} with P + C > W, B = 1"), Duration::from_secs(30), move || {
            let Some(strategy) = shootout_harness::registry::build_here(entry, W) else { return };
            for spec in &specs {
                let outcome = run(strategy.as_ref(), spec);
                spec.verify(&outcome).unwrap_or_else(|e| panic!("{name} on {}: {e}", spec.case_name()));
            }
        });
    }
}

#[test]
fn latency_bound_shares_add_up_and_waits_overlap() {
    let _serial = serial();
    let m = 200;
    let spec =
        QueueSpec::new(m, 1, 10, Capacity::Bounded(100)).with_cost(Cost::Wait(Duration::from_millis(1)));
    for strategy in build_all() {
        let outcome = run(strategy.as_ref(), &spec);
        let summary = spec.verify(&outcome).unwrap_or_else(|e| panic!("{}: {e}", strategy.name()));
        let noted: Vec<u64> = serde_json::from_value(summary.notes["consumer_shares"].clone()).unwrap();
        assert_eq!(noted, shares(&outcome));
        assert_eq!(noted.iter().sum::<u64>(), m as u64, "{}", strategy.name());
        let busy = summary.peak_in_flight.unwrap();
        match strategy.overlap().timer {
            // One wait at a time.
            Some(1) => assert_eq!(busy, 1, "{}", strategy.name()),
            // Consumers overlap their waits: more than one was waiting at once (at most W on rayon).
            cap => {
                assert!(busy >= 2, "{}: peak busy {busy}", strategy.name());
                assert!(busy <= cap.unwrap_or(10).min(10), "{}: peak busy {busy}", strategy.name());
            }
        }
        let latency = summary.latency.unwrap();
        assert!(latency.p50 >= 1_000_000, "{}: a 1 ms wait took {} ns", strategy.name(), latency.p50);
    }
}

#[test]
fn verify_refuses_forged_outcomes() {
    let _serial = serial();
    let m = 1_000;
    let spec = QueueSpec::new(m, 2, 2, Capacity::Bounded(16));
    for strategy in build_all() {
        let good = run(strategy.as_ref(), &spec);
        spec.verify(&good).unwrap_or_else(|e| panic!("{}: {e}", strategy.name()));
        let busiest = (0..good.consumers.len()).max_by_key(|&i| good.consumers[i].processed).unwrap();

        // Message 7 processed twice, message 500 never: the count still adds up.
        let mut duplicate = good.clone();
        let c = &mut duplicate.consumers[busiest];
        c.count(7, true);
        c.processed -= 1;
        c.id_sum -= 500;
        c.id_hash = c.id_hash.wrapping_sub(id_hash(500));
        assert!(spec.verify(&duplicate).is_err(), "{}: duplicate accepted", strategy.name());

        // Message 500 lost.
        let mut missing = good.clone();
        let c = &mut missing.consumers[busiest];
        c.processed -= 1;
        c.id_sum -= 500;
        c.id_hash = c.id_hash.wrapping_sub(id_hash(500));
        assert!(spec.verify(&missing).is_err(), "{}: loss accepted", strategy.name());

        // A consumer's whole report missing.
        let mut dropped = good.clone();
        dropped.consumers.remove(busiest);
        assert!(spec.verify(&dropped).is_err(), "{}: missing consumer accepted", strategy.name());
    }
}

/// Every strategy's consumers add the id hash when the spec asks (the verify pass) and leave it
/// out entirely in a timed run, through both consumer loops: the draining one (throughput) and
/// the general one (join, a cost). Both outcomes verify against their own spec.
#[test]
fn every_strategy_hashes_ids_in_the_verify_pass_only() {
    let _serial = serial();
    let plain = QueueSpec::new(2_000, 2, 2, Capacity::Bounded(16));
    let specs = [plain, plain.with_join(), QueueSpec { cost: Cost::Cpu(10), ..plain }];
    for strategy in build_all() {
        for spec in specs {
            let name = format!("{} on {} (join {})", strategy.name(), spec.case_name(), spec.join);
            let checked = run(strategy.as_ref(), &spec);
            spec.verify(&checked).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(checked.ids_hashed, "{name}");
            assert!(checked.consumers.iter().any(|c| c.id_hash != 0), "{name}: no consumer hashed");

            let timed = spec.timed();
            let measured = run(strategy.as_ref(), &timed);
            timed.verify(&measured).unwrap_or_else(|e| panic!("{name}, timed: {e}"));
            assert!(!measured.ids_hashed, "{name}, timed");
            assert!(measured.consumers.iter().all(|c| c.id_hash == 0), "{name}: a timed run hashed");
        }
    }
}

/// Open loop on every strategy: 2 producers put 120 messages on a schedule of 600/s to 4
/// consumers that wait 1 ms each, verified (every stamp a due time, every put tallied). An
/// external program has no schedule to follow and says so.
#[test]
fn every_strategy_puts_on_the_schedule() {
    let _serial = serial();
    let spec = QueueSpec::new(120, 2, 4, Capacity::Bounded(1024))
        .with_cost(Cost::Wait(Duration::from_millis(1)))
        .with_rate(shootout_core::http::Rate::fixed(600.0));
    spec.validate().unwrap();
    for strategy in build_all() {
        let name = strategy.name();
        let started = Instant::now();
        let outcome = match strategy.queue(&spec) {
            Err(shootout_core::RunError::Unsupported(why)) if name == "python-asyncio" => {
                assert!(why.contains("open-loop (--rate)"), "{why}");
                continue;
            }
            other => other.unwrap_or_else(|e| panic!("{name}: {e}")),
        };
        // Nothing ends before the last message is due (119/600 s) and waited for.
        assert!(started.elapsed() >= Duration::from_millis(199), "{name}: {:?}", started.elapsed());
        let summary = spec.verify(&outcome).unwrap_or_else(|e| panic!("{name}: {e}"));
        let rate = &summary.notes["rate"];
        assert_eq!(rate["target_per_s"], 600.0, "{name}: {rate}");
        let latency = summary.latency.unwrap();
        // From the due time to the end of a 1 ms wait: never under the wait itself.
        assert!(latency.p50 >= 1_000_000 && latency.p999.is_some(), "{name}: {latency:?}");
    }
}
