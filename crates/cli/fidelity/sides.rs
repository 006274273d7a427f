//! What one fidelity child process runs: a row's shootout case, its minimal program, or both
//! in turn (with the minimal program's copy, on rows that have one), each timed the same way and
//! each answer checked.

use std::time::{Duration, Instant};

use shootout_core::blocking::consume_blocking;
use shootout_core::metrics;
use shootout_core::queue::{Board, Message};
use shootout_core::{QueueSpec, Spec, Strategy, Target, WorkloadSpec};
use shootout_harness::registry;
use shootout_minimal::http::Load;
use shootout_minimal::{SmolPool, TokioRuntime, http, queue, sleep, tokio_runtime};

use super::copies;
use super::{HTTP_BYTES, Row, Work};

/// The answer a minimal program gives: its ids, or a count and a sum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Answer {
    Ids(Vec<usize>),
    Pair(u64, u64),
}

impl Answer {
    /// What every correct program answers for `work`.
    pub(super) fn expected(work: Work) -> Answer {
        match work {
            Work::Sleep { n, .. } | Work::Memory { n, .. } => Answer::Ids((0..n).collect()),
            Work::Queue { m, .. } | Work::Loops { m } => {
                let m = m as u64;
                Answer::Pair(m, m * m.saturating_sub(1) / 2)
            }
            Work::Http { m, .. } => Answer::Pair(m as u64, (m * HTTP_BYTES) as u64),
        }
    }
}

/// A minimal program, its runtime built: `run` is the part that is timed.
pub(super) struct Minimal {
    pub(super) run: Box<dyn FnMut() -> Answer>,
}

pub(super) fn minimal(
    strategy: &str,
    work: Work,
    workers: usize,
    target: Option<&str>,
) -> Result<Minimal, String> {
    enum Rt {
        Tokio(TokioRuntime),
        Smol(SmolPool),
        Plain,
    }
    let rt = match strategy {
        "tokio" => Rt::Tokio(tokio_runtime(workers).map_err(|e| format!("tokio runtime: {e}"))?),
        "smol" => Rt::Smol(SmolPool::new(workers)),
        "threads" | "async-std" => Rt::Plain,
        other => return Err(format!("no minimal program for {other}")),
    };
    let load = match work {
        Work::Http { m, c } => {
            let url = target.ok_or("an HTTP row needs --target")?;
            let addr = url
                .strip_prefix("http://")
                .and_then(|a| a.trim_end_matches('/').parse().ok())
                .ok_or_else(|| format!("--target must be http://IP:PORT, got {url:?}"))?;
            Some(Load { addr, requests: m, connections: c, bytes: HTTP_BYTES })
        }
        _ => None,
    };
    let async_std = strategy == "async-std";
    let run: Box<dyn FnMut() -> Answer> = match (work, rt, load) {
        (Work::Sleep { n, d } | Work::Memory { n, d }, rt, _) => Box::new(move || {
            Answer::Ids(match &rt {
                Rt::Tokio(rt) => sleep::tokio(rt, n, d),
                Rt::Smol(pool) => sleep::smol(pool, n, d),
                Rt::Plain if async_std => sleep::async_std(n, d),
                Rt::Plain => sleep::threads(n, d),
            })
        }),
        (Work::Queue { m, p, c, capacity }, rt, _) => Box::new(move || {
            let m = m as u64;
            let (n, s) = match &rt {
                Rt::Tokio(rt) => queue::tokio(rt, m, p, c, capacity),
                Rt::Smol(pool) => queue::smol(pool, m, p, c, capacity),
                Rt::Plain if async_std => queue::async_std(m, p, c, capacity),
                Rt::Plain => queue::threads(m, p, c, capacity),
            };
            Answer::Pair(n, s)
        }),
        (Work::Http { .. }, rt, Some(load)) => Box::new(move || {
            let (n, s) = match &rt {
                Rt::Tokio(rt) => http::tokio(rt, load),
                Rt::Smol(pool) => http::smol(pool, load),
                Rt::Plain if async_std => http::async_std(load),
                Rt::Plain => http::threads(load),
            };
            Answer::Pair(n, s)
        }),
        (Work::Http { .. }, _, None) => return Err("an HTTP row needs a target".into()),
        (Work::Loops { .. }, _, _) => return Err("a loops row times each loop itself (`run_loops`)".into()),
    };
    Ok(Minimal { run })
}

/// The control program of a row that has one ([`Row::copy`]): the row's minimal queue program
/// compiled again in this crate (`copies`), on a runtime of its own built here with `workers`.
pub(super) fn copy(row: &Row, workers: usize) -> Result<Minimal, String> {
    let (true, Work::Queue { m, p, c, capacity }) = (row.copy, row.work) else {
        return Err(format!("{} has no copy of its minimal program", row.name));
    };
    let m = m as u64;
    let pair = |(n, s)| Answer::Pair(n, s);
    let run: Box<dyn FnMut() -> Answer> = match row.strategy {
        "threads" => Box::new(move || pair(copies::threads::run(m, p, c, capacity))),
        "tokio" => {
            let rt = tokio_runtime(workers).map_err(|e| format!("tokio runtime: {e}"))?;
            Box::new(move || pair(copies::tasks::tokio(&rt, m, p, c, capacity)))
        }
        "async-std" => Box::new(move || pair(copies::tasks::async_std(m, p, c, capacity))),
        "smol" => {
            let pool = SmolPool::new(workers);
            Box::new(move || pair(copies::tasks::smol(&pool.ex, m, p, c, capacity)))
        }
        other => return Err(format!("no copy of a minimal program for {other}")),
    };
    Ok(Minimal { run })
}

/// One run of one side of a row, as a child reports it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Measure {
    pub(super) wall_ns: u64,
    pub(super) cpu_ns: u64,
    /// Peak RSS growth over the process's state after its runtime was built.
    pub(super) grown_bytes: u64,
    /// A loops row's producer loop (`wall_ns` is both loops); 0 on other rows.
    pub(super) send_ns: u64,
}

impl Measure {
    /// A loops row's consumer loop.
    pub(super) fn recv_ns(&self) -> u64 {
        self.wall_ns.saturating_sub(self.send_ns)
    }
}

/// The sides of a row, as indices into a row's runs: shootout, the minimal program, and (on
/// rows that have one) the minimal program's copy.
pub(super) const SHOOTOUT: usize = 0;
pub(super) const MINIMAL: usize = 1;
pub(super) const COPY: usize = 2;

/// The process's peak resident set so far.
fn peak_rss() -> u64 {
    metrics::proc_status(None).map_or(0, |s| s.vm_hwm)
}

/// One timed run of the row's shootout case, as `shootout run` times it, on a strategy built
/// beforehand.
fn run_shootout(row: &Row, strategy: &dyn Strategy, target: Option<&Target>) -> Result<Measure, String> {
    let before = peak_rss();
    let timed = row.work.spec().timed().run_timed(strategy, target).map_err(|e| e.to_string())?;
    Ok(Measure {
        wall_ns: timed.wall_ns,
        cpu_ns: timed.cpu_ns,
        grown_bytes: peak_rss().saturating_sub(before),
        send_ns: 0,
    })
}

/// One timed run of the row's minimal program (or its copy), its answer checked after the clock
/// stops.
fn run_minimal(row: &Row, program: &mut Minimal) -> Result<Measure, String> {
    let before = peak_rss();
    let cpu0 = metrics::cpu_time();
    let t0 = Instant::now();
    let answer = (program.run)();
    let wall = t0.elapsed();
    let cpu = metrics::cpu_time().saturating_sub(cpu0);
    let grown_bytes = peak_rss().saturating_sub(before);
    if answer != Answer::expected(row.work) {
        return Err("the minimal program's answer is wrong".into());
    }
    Ok(Measure { wall_ns: wall.as_nanos() as u64, cpu_ns: cpu.as_nanos() as u64, grown_bytes, send_ns: 0 })
}

/// How many channels a loops row's run goes through, one after another: each holds M ÷ this
/// many messages (100,000 slots, 1.6 MB, at M = 1M), so it stays in this machine's 4 MB L2,
/// as a bounded(1024) row's does, instead of streaming the loops' memory traffic from L3.
pub(super) const LOOPS_CHUNKS: usize = 10;

/// The case a loops row's shootout side runs: as a timed run has it (no exactly-once hash in
/// the consumer, which the verify pass alone adds), ten producers and ten consumers, one pair
/// per channel.
pub(super) fn loops_spec(m: usize) -> Result<QueueSpec, String> {
    match (Work::Loops { m }).spec().timed() {
        Spec::Queue(spec) => Ok(spec),
        _ => Err("a loops row is a queue case".into()),
    }
}

/// One run of a loops row's side ([`Work::Loops`]), on this thread: [`LOOPS_CHUNKS`] times, the
/// producer loop fills a channel with room for its share of the M messages, then the consumer
/// loop drains it; each loop timed on its own. Each channel (which writes every slot when it is
/// built) is built before its clock starts, on both sides. The shootout side makes the calls
/// the threads strategy's threads make (`crates/threads/src/queue.rs`), as one producer and one
/// consumer per channel of one case, and verifies the case's outcome, as the strategy's run is
/// verified; the minimal side runs the minimal threads program's own loops. Returns the run
/// and the answer, checked by the caller.
pub(super) fn loops(m: usize, side: usize) -> Result<(Measure, Answer), String> {
    let k = LOOPS_CHUNKS;
    let (mut send, mut both) = (Duration::ZERO, Duration::ZERO);
    let cpu0 = metrics::cpu_time();
    let answer = if side == SHOOTOUT {
        let spec = loops_spec(m)?;
        let board = Board::new(&spec);
        let (mut sent, mut received) = (Vec::with_capacity(k), Vec::with_capacity(k));
        for index in 0..k {
            let (tx, rx) = crossbeam_channel::bounded::<Message>(m.div_ceil(k));
            let t0 = Instant::now();
            sent.push(spec.produce_blocking(
                index,
                &board,
                || {},
                |message| tx.send(message).is_ok(),
                || tx.len(),
            ));
            send += t0.elapsed();
            drop(tx);
            received.push(consume_blocking(&board, || rx.recv().ok(), spec.cost, &|| {}).finish(true));
            both += t0.elapsed();
        }
        let outcome = board.finish(sent, received);
        spec.verify(&outcome).map_err(|e| format!("the loops' outcome: {e}"))?;
        let sum = outcome.consumers.iter().fold(0u64, |s, c| s.wrapping_add(c.id_sum));
        Answer::Pair(outcome.consumers.iter().map(|c| c.processed).sum(), sum)
    } else {
        let mut tally = (0, 0);
        for index in 0..k as u64 {
            let (tx, rx) = crossbeam_channel::bounded::<u64>(m.div_ceil(k));
            let t0 = Instant::now();
            queue::threads::produce(&tx, queue::threads::block(m as u64, k as u64, index));
            send += t0.elapsed();
            drop(tx);
            tally = queue::threads::add(tally, queue::threads::consume(&rx));
            both += t0.elapsed();
        }
        Answer::Pair(tally.0, tally.1)
    };
    let measure = Measure {
        wall_ns: both.as_nanos() as u64,
        cpu_ns: metrics::cpu_time().saturating_sub(cpu0).as_nanos() as u64,
        grown_bytes: 0,
        send_ns: send.as_nanos() as u64,
    };
    Ok((measure, answer))
}

/// One timed run of a loops row's side, its answer checked.
fn run_loops(row: &Row, side: usize) -> Result<Measure, String> {
    let Work::Loops { m } = row.work else { return Err(format!("{} is not a loops row", row.name)) };
    let (measure, answer) = loops(m, side)?;
    if answer != Answer::expected(row.work) {
        return Err(format!(
            "the loops' answer is wrong ({})",
            if side == SHOOTOUT { "shootout" } else { "minimal" }
        ));
    }
    Ok(measure)
}

/// The child side: builds the runtime(s), runs one side once (`shootout`, `minimal`) or every
/// side twice, in the order shootout, minimal[, copy, copy], minimal, shootout, after an untimed
/// run of each (`paired`); each timed run with its side.
pub(super) fn child(
    row: &Row,
    side: &str,
    target: Option<&str>,
    workers: usize,
) -> Result<Vec<(usize, Measure)>, String> {
    let build = || -> Result<Box<dyn Strategy>, String> {
        (registry::find(row.strategy).map_err(|e| e.to_string())?.build)(workers).map_err(|e| e.to_string())
    };
    let url = target;
    let target = target.map(Target::new);
    if let Work::Loops { .. } = row.work {
        return match side {
            "shootout" => Ok(vec![(SHOOTOUT, run_loops(row, SHOOTOUT)?)]),
            "minimal" => Ok(vec![(MINIMAL, run_loops(row, MINIMAL)?)]),
            "paired" => paired_runs(&[SHOOTOUT, MINIMAL], |side| run_loops(row, side)),
            other => Err(format!("unknown side {other:?}")),
        };
    }
    match side {
        "shootout" => Ok(vec![(SHOOTOUT, run_shootout(row, build()?.as_ref(), target.as_ref())?)]),
        "minimal" => {
            Ok(vec![(MINIMAL, run_minimal(row, &mut minimal(row.strategy, row.work, workers, url)?)?)])
        }
        "paired" => {
            let strategy = build()?;
            let mut program = minimal(row.strategy, row.work, workers, url)?;
            let mut control = if row.copy { Some(copy(row, workers)?) } else { None };
            let sides: &[usize] = if row.copy { &[SHOOTOUT, MINIMAL, COPY] } else { &[SHOOTOUT, MINIMAL] };
            paired_runs(sides, |side| match (side, control.as_mut()) {
                (SHOOTOUT, _) => run_shootout(row, strategy.as_ref(), target.as_ref()),
                (COPY, Some(control)) => run_minimal(row, control),
                _ => run_minimal(row, &mut program),
            })
        }
        other => Err(format!("unknown side {other:?}")),
    }
}

/// A paired process's runs: one untimed run of each side, then each side in order and in
/// reverse (A B B A; A B C C B A with a copy), each kept with its side. The first run in a fresh
/// process is not like the rest (a 4→1 channel's took 0.12–0.34 s where later runs took
/// 0.3–0.7 s), and the mirrored order would hand that to whichever side goes first.
pub(super) fn paired_runs(
    sides: &[usize],
    mut run: impl FnMut(usize) -> Result<Measure, String>,
) -> Result<Vec<(usize, Measure)>, String> {
    for &side in sides {
        run(side)?;
    }
    sides.iter().chain(sides.iter().rev()).map(|&side| Ok((side, run(side)?))).collect()
}

/// A paired child's `side` ÷ minimal of one quantity (wall or CPU time): total against total,
/// so the mirrored order cancels a steady drift within the process.
pub(super) fn paired_ratio(runs: &[(usize, Measure)], side: usize, of: fn(&Measure) -> u64) -> f64 {
    let total =
        |which: usize| runs.iter().filter(|(s, _)| *s == which).map(|(_, m)| of(m) as f64).sum::<f64>();
    total(side) / total(MINIMAL).max(1.0)
}
