//! Fidelity is tested, not timed: at small sizes, every row's minimal program gives the
//! answer the shootout case it is compared with verifies.

use super::sides::{Answer, copy, loops, loops_spec, minimal};
use super::*;
use shootout_core::Target;
use shootout_core::WorkloadSpec;
use shootout_core::http::Answer as HttpAnswer;

/// The shootout strategy's verified outcome, as the minimal program's kind of answer.
fn shootout_answer(row: &Row, target: Option<&Target>) -> Answer {
    let strategy = (registry::find(row.strategy).unwrap().build)(2).unwrap();
    match row.work.spec() {
        Spec::Sleep(spec) => {
            let o = strategy.sleep(&spec).unwrap();
            spec.verify(&o).unwrap();
            Answer::Ids(o.ids)
        }
        Spec::Queue(spec) => {
            let o = strategy.queue(&spec).unwrap();
            spec.verify(&o).unwrap();
            let sum = o.consumers.iter().fold(0u64, |s, c| s.wrapping_add(c.id_sum));
            Answer::Pair(o.consumers.iter().map(|c| c.processed).sum(), sum)
        }
        Spec::Http(spec) => {
            let o = strategy.http(&spec, target.unwrap()).unwrap();
            spec.verify(&o).unwrap();
            let ok =
                o.results.iter().filter(|r| matches!(r.answer, HttpAnswer::Response { status: 200, .. }));
            let (n, bytes) = ok.fold((0, 0), |(n, b), r| match r.answer {
                HttpAnswer::Response { len, .. } => (n + 1, b + len),
                HttpAnswer::Failed(_) => (n, b),
            });
            Answer::Pair(n, bytes)
        }
        Spec::FanOut(_) | Spec::Submit(_) => unreachable!("no fan-out or submit row"),
    }
}

#[test]
fn every_minimal_program_answers_what_its_shootout_case_verifies() {
    // Small sizes and short waits: this checks answers, not time.
    let rows: Vec<Row> = rows(1)
        .into_iter()
        .map(|mut row| {
            row.work = match row.work {
                Work::Sleep { .. } => Work::Sleep { n: 50, d: Duration::from_millis(2) },
                Work::Memory { .. } => Work::Memory { n: 200, d: Duration::from_millis(2) },
                Work::Queue { p, c, capacity, .. } => Work::Queue { m: 20_000, p, c, capacity },
                Work::Loops { .. } => Work::Loops { m: 20_000 },
                Work::Http { .. } => Work::Http { m: 300, c: 4 },
            };
            row
        })
        .collect();
    assert_eq!(rows.len(), 19);
    let server = Server::start(ServerConfig::for_spec(&HttpSpec::new(300, 4, Duration::ZERO))).unwrap();
    let url = server.url();
    let target = Target::new(url.clone());
    for row in &rows {
        let want = Answer::expected(row.work);
        if let Work::Loops { m } = row.work {
            // Each side's loops, the shootout side's outcome verified as a run's is.
            for side in [SHOOTOUT, MINIMAL] {
                let (measure, answer) = loops(m, side).unwrap();
                assert_eq!(answer, want, "{}: side {side}", row.name);
                assert!(measure.send_ns > 0 && measure.recv_ns() > 0, "{}: side {side}", row.name);
            }
            continue;
        }
        let mut program = minimal(row.strategy, row.work, 2, Some(&url)).unwrap();
        assert_eq!((program.run)(), want, "{}: minimal", row.name);
        assert_eq!(shootout_answer(row, Some(&target)), want, "{}: shootout", row.name);
        if row.copy {
            assert_eq!((copy(row, 2).unwrap().run)(), want, "{}: copy", row.name);
        }
    }
    // The control runs beside exactly the queue rows, threads' and the async runtimes'.
    let with_copy: Vec<&str> = rows.iter().filter(|r| r.copy).map(|r| r.name.as_str()).collect();
    assert_eq!(with_copy.len(), 7, "{with_copy:?}");
    assert!(with_copy.iter().all(|name| name.starts_with("queue") && !name.contains("loops")));
    server.stop();
}

#[test]
fn the_verdict_needs_the_whole_interval() {
    let at = |ratio: f64, lo: f64, hi: f64| tie::Interval { ratio, lo, hi };
    let steady = [1.0, 1.01, 0.99];
    assert_eq!(judge(at(1.02, 0.95, 1.08), &steady, &steady), "within 10 %");
    assert_eq!(judge(at(1.40, 1.20, 1.60), &steady, &steady), "differs by more than 10 %");
    assert_eq!(judge(at(0.70, 0.60, 0.85), &steady, &steady), "differs by more than 10 %");
    // Straddling 1.10: no verdict, and the reason when a side has two modes.
    assert_eq!(judge(at(1.08, 0.95, 1.25), &steady, &steady), "can't tell");
    let two_modes = [0.15, 0.16, 0.45];
    assert!(judge(at(1.08, 0.95, 1.25), &two_modes, &steady).contains("two modes"));
}

#[test]
fn a_row_with_two_modes_takes_every_run_before_its_verdict() {
    let work = Work::Sleep { n: 1, d: Duration::ZERO };
    let measure = |s: f64| Measure { wall_ns: (s * 1e9) as u64, cpu_ns: 0, grown_bytes: 0, send_ns: 0 };
    let side = |xs: &[f64]| xs.iter().map(|&s| measure(s)).collect::<Vec<Measure>>();
    // Far apart and steady: settled after five runs.
    assert!(settled(
        work,
        &[side(&[1.0, 1.01, 0.99, 1.0, 1.0]), side(&[2.0, 2.02, 1.98, 2.0, 2.0])],
        &[vec![]]
    ));
    // As far apart, but one side spread over 1.5 ×: not yet.
    assert!(!settled(
        work,
        &[side(&[1.0, 1.01, 0.99, 1.0, 1.0]), side(&[2.0, 3.2, 1.98, 2.0, 2.0])],
        &[vec![]]
    ));
}

/// A queue row's process runs its sides twice each, in order and mirrored (shootout,
/// minimal, copy, copy, minimal, shootout for a threads row); each ratio is total against
/// total, so a steady drift cancels.
#[test]
fn a_paired_process_runs_its_sides_mirrored_and_its_ratio_cancels_drift() {
    let mut row = Row {
        name: "queue 1→1 b=16 m=20000 threads".into(),
        strategy: "threads",
        work: Work::Queue { m: 20_000, p: 1, c: 1, capacity: Some(16) },
        copy: true,
    };
    let sides =
        |row: &Row| child(row, "paired", None, 2).unwrap().iter().map(|(s, _)| *s).collect::<Vec<_>>();
    assert_eq!(sides(&row), [SHOOTOUT, MINIMAL, COPY, COPY, MINIMAL, SHOOTOUT]);
    row.copy = false;
    assert_eq!(sides(&row), [SHOOTOUT, MINIMAL, MINIMAL, SHOOTOUT]);
    assert!(child(&row, "paired", None, 2).unwrap().iter().all(|(_, m)| m.wall_ns > 0));
    // Both sides take 1 s of work while the machine slows by 0.1 s a run: 1.0, not 0.87.
    let at =
        |side, s: f64| (side, Measure { wall_ns: (s * 1e9) as u64, cpu_ns: 0, grown_bytes: 0, send_ns: 0 });
    let drifting = [at(SHOOTOUT, 1.0), at(MINIMAL, 1.1), at(MINIMAL, 1.2), at(SHOOTOUT, 1.3)];
    assert!((paired_ratio(&drifting, SHOOTOUT, |m| m.wall_ns) - 1.0).abs() < 1e-9);
    // The copy's ratio is its own, against the same minimal runs.
    let three = [
        at(SHOOTOUT, 1.0),
        at(MINIMAL, 2.0),
        at(COPY, 3.0),
        at(COPY, 3.0),
        at(MINIMAL, 2.0),
        at(SHOOTOUT, 1.0),
    ];
    assert!((paired_ratio(&three, SHOOTOUT, |m| m.wall_ns) - 0.5).abs() < 1e-9);
    assert!((paired_ratio(&three, COPY, |m| m.wall_ns) - 1.5).abs() < 1e-9);
    // Within 10 % only when the whole interval of the ratios is.
    assert!(settled(row.work, &[vec![], vec![]], &[vec![1.0, 1.02, 0.98, 1.01, 0.99]]));
    let spread = [0.6, 1.0, 1.4, 0.9, 1.2];
    assert!(!settled(row.work, &[vec![], vec![]], &[spread.to_vec()]));
    let interval = tie::median_interval(&spread).unwrap();
    assert_eq!(judge_paired(interval, &spread), "can't tell: paired ratios spread over 1.5 ×");
}

/// Before its timed runs, a paired process runs each side once untimed, so neither side's
/// timed figures hold the process's first run.
#[test]
fn a_paired_process_times_neither_sides_first_run() {
    let mut calls = Vec::new();
    let runs = sides::paired_runs(&[SHOOTOUT, MINIMAL], |side| {
        calls.push(side);
        Ok(Measure { wall_ns: calls.len() as u64, cpu_ns: 0, grown_bytes: 0, send_ns: 0 })
    })
    .unwrap();
    assert_eq!(calls, [SHOOTOUT, MINIMAL, SHOOTOUT, MINIMAL, MINIMAL, SHOOTOUT]);
    // The kept runs are calls 3 to 6, each with the side that made it.
    let kept: Vec<(usize, u64)> = runs.iter().map(|(side, m)| (*side, m.wall_ns)).collect();
    assert_eq!(kept, [(SHOOTOUT, 3), (MINIMAL, 4), (MINIMAL, 5), (SHOOTOUT, 6)]);
    // A failed run fails the process: no ratio from a partial set.
    let mut n = 0;
    let failed = sides::paired_runs(&[SHOOTOUT, MINIMAL], |_| {
        n += 1;
        if n == 4 {
            Err("refused".into())
        } else {
            Ok(Measure { wall_ns: 1, cpu_ns: 0, grown_bytes: 0, send_ns: 0 })
        }
    });
    assert_eq!(failed.unwrap_err(), "refused");
}

/// An HTTP row is paired too, with both its metrics: req/s (the inverse of the time ratio)
/// and CPU per request, each settling on its own.
#[test]
fn an_http_row_is_paired_on_req_per_s_and_cpu_per_request() {
    let work = Work::Http { m: 1_000, c: 10 };
    assert!(work.paired());
    let at = |side, s: f64, cpu: f64| {
        (side, Measure { wall_ns: (s * 1e9) as u64, cpu_ns: (cpu * 1e9) as u64, grown_bytes: 0, send_ns: 0 })
    };
    // shootout takes 1.25 × the time and 1.5 × the CPU: 0.8 × the req/s.
    let runs =
        [at(SHOOTOUT, 1.25, 1.5), at(MINIMAL, 1.0, 1.0), at(MINIMAL, 1.0, 1.0), at(SHOOTOUT, 1.25, 1.5)];
    let row = Row { name: "http".into(), strategy: "tokio", work, copy: false };
    let metrics = paired_metrics(&row);
    assert_eq!(metrics.iter().map(|(name, _)| *name).collect::<Vec<_>>(), ["req/s", "µs CPU/r"]);
    assert_eq!(metrics_of(work).iter().map(|(name, _)| *name).collect::<Vec<_>>(), ["req/s", "µs CPU/r"]);
    assert!((metrics[0].1(&runs) - 0.8).abs() < 1e-9);
    assert!((metrics[1].1(&runs) - 1.5).abs() < 1e-9);
    // Settled only when both metrics are.
    let steady = vec![1.0, 1.01, 0.99, 1.0, 1.02];
    let spread = vec![0.6, 1.0, 1.4, 0.9, 1.2];
    assert!(settled(work, &[vec![], vec![]], &[steady.clone(), steady.clone()]));
    assert!(!settled(work, &[vec![], vec![]], &[steady, spread]));
}

/// The loops row is paired on each loop's time a message: the producer's (`send_ns`) and
/// the consumer's (the rest of the run), each its own ratio.
#[test]
fn a_loops_row_is_paired_on_each_loops_time_a_message() {
    let work = Work::Loops { m: 1_000 };
    assert!(work.paired());
    // The loops timed are a timed run's: no exactly-once hash, one producer and one consumer
    // per channel.
    let spec = loops_spec(1_000).unwrap();
    assert!(!spec.hash_ids);
    assert_eq!((spec.producers, spec.consumers), (sides::LOOPS_CHUNKS, sides::LOOPS_CHUNKS));
    let row = Row { name: "loops".into(), strategy: "threads", work, copy: false };
    assert_eq!(child(&row, "paired", None, 2).unwrap().len(), 4);
    let at = |side, send: u64, all: u64| {
        (side, Measure { wall_ns: all, cpu_ns: 0, grown_bytes: 0, send_ns: send })
    };
    // shootout sends at the minimal's pace and receives at 1.5 × its time.
    let runs = [at(SHOOTOUT, 10, 25), at(MINIMAL, 10, 20), at(MINIMAL, 10, 20), at(SHOOTOUT, 10, 25)];
    let metrics = paired_metrics(&row);
    assert_eq!(metrics.iter().map(|(name, _)| *name).collect::<Vec<_>>(), [SEND_METRIC, RECV_METRIC]);
    assert!((metrics[0].1(&runs) - 1.0).abs() < 1e-9);
    assert!((metrics[1].1(&runs) - 1.5).abs() < 1e-9);
    // Shown in ns a message: 25 ns of which 10 sending, over 1,000 messages.
    let shown: Vec<f64> = metrics_of(work).iter().map(|(_, value)| value(&runs[0].1) * 1_000.0).collect();
    assert_eq!(shown, [10.0, 15.0]);
}

/// A run that leaves rows at "can't tell" ends with the command that gives one of them more
/// runs, at the run's own scale; a run that settled every row ends with no such line.
#[test]
fn unsettled_rows_end_the_table_with_the_command_that_settles_one() {
    assert_eq!(settle_hint(&[], 5, 1), None);
    let hint =
        settle_hint(&["queue 4→1 b=1024 m=5000000 threads", "http c=100 l=0 m=10000 tokio"], 5, 1).unwrap();
    assert!(hint.starts_with("2 rows can't tell yet at 5 runs a side"), "{hint}");
    assert!(
        hint.ends_with("shootout fidelity --only \"queue 4→1 b=1024 m=5000000 threads\" --repeat 20"),
        "{hint}"
    );
    let scaled = settle_hint(&["queue 1→1 b=1024 m=500000 threads"], 15, 10).unwrap();
    assert!(scaled.starts_with("1 row can't tell"), "{scaled}");
    assert!(scaled.ends_with("--scale 10 --repeat 30"), "{scaled}");
}

#[test]
fn a_wrong_answer_is_not_the_expected_one() {
    let work = Work::Queue { m: 10, p: 1, c: 1, capacity: None };
    assert_eq!(Answer::expected(work), Answer::Pair(10, 45));
    assert_ne!(Answer::Pair(10, 44), Answer::expected(work));
    assert_ne!(Answer::Ids(vec![1, 0]), Answer::expected(Work::Sleep { n: 2, d: Duration::ZERO }));
}
