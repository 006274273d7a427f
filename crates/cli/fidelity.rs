//! `shootout fidelity`: runs each minimal reference program (crates/minimal) beside the
//! shootout case that does the same work, interleaved, and prints shootout ÷ minimal per row —
//! what the harness itself adds to a number. Each run is a fresh process, except on queue and
//! HTTP rows, where one process runs both sides in turn (see [`Work::paired`]). The queue rows
//! run a third side, a control: the minimal program's source compiled again in this crate
//! ([`Row::copy`], `copies`). The loops row ([`Work::Loops`]) times the threads queue's producer and
//! consumer loops alone, on one thread, where no scheduling hides what they cost a message.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use clap::Args;
use shootout_core::metrics::raise_nofile_limit;
use shootout_core::queue::Capacity;
use shootout_core::{HttpSpec, QueueSpec, SleepMode, SleepSpec, Spec};
use shootout_harness::registry;
use shootout_harness::report::tie;
use shootout_harness::target::{Server, ServerConfig};

mod copies;
mod modes;
mod sides;
mod verdict;

use sides::{COPY, MINIMAL, Measure, SHOOTOUT, child, paired_ratio};
use verdict::{judge, judge_paired, judge_whole};

#[derive(Args, Debug, Clone)]
pub struct FidelityArgs {
    /// Runs of each program per row (interleaved: shootout, minimal, minimal, shootout, …);
    /// a row its 95 % interval cannot settle gets up to three times as many (paired rows: one
    /// process more)
    #[arg(long, default_value_t = 5)]
    pub repeat: usize,
    /// Only the rows whose name contains this text
    #[arg(long)]
    pub only: Option<String>,
    /// Divide every size by this, for a quick look (the published table uses 1)
    #[arg(long, default_value_t = 1)]
    pub scale: usize,
    /// Internal: run one row's program in this process (`ROW|shootout` or `ROW|minimal`)
    #[arg(long, hide = true)]
    pub child: Option<String>,
    /// Internal: the server a child's HTTP row talks to
    #[arg(long, hide = true)]
    pub target: Option<String>,
}

/// What a row runs: the same work on both sides.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Work {
    Sleep {
        n: usize,
        d: Duration,
    },
    Memory {
        n: usize,
        d: Duration,
    },
    Queue {
        m: usize,
        p: usize,
        c: usize,
        capacity: Option<usize>,
    },
    /// The threads queue's producer and consumer loops alone, on one thread: the producer fills
    /// a channel with room for all M messages, then the consumer drains it. No side waits for
    /// the other, so this shows what the loops cost a message, which a bounded row's pace on two
    /// cores hides (see [`Row::copy`]).
    Loops {
        m: usize,
    },
    Http {
        m: usize,
        c: usize,
    },
}

#[derive(Debug, Clone)]
struct Row {
    name: String,
    strategy: &'static str,
    work: Work,
    /// Whether the row also runs the control, a copy of its minimal program compiled in this
    /// crate, and prints copy ÷ minimal: how far the same source moves when only compiled
    /// elsewhere. The queue rows do; on two cores a bounded crossbeam channel moves by a
    /// quarter with one instruction more a message, so that is the resolution a harness ratio
    /// must be read against.
    copy: bool,
}

const ASYNC: [&str; 3] = ["tokio", "async-std", "smol"];
const HTTP_BYTES: usize = shootout_core::http::DEFAULT_BYTES;
/// The memory rows' wait. The minimal program's tasks sleep it from their own spawn, so it must
/// outlast spawning 100,000 tasks (up to ~190 ms here) for all of them to be alive at once, as
/// the shootout side's are by construction (it waits until d after the last spawn).
const MEMORY_WAIT: Duration = Duration::from_millis(300);

fn rows(scale: usize) -> Vec<Row> {
    let s = |n: usize| (n / scale.max(1)).max(1);
    let mut rows = Vec::new();
    let mut push = |strategy: &'static str, work: Work| {
        let what = match work {
            Work::Sleep { n, d } => format!("sleep n={n} d={}", shootout_core::format_duration(d)),
            Work::Memory { n, .. } => format!("memory n={n}"),
            Work::Queue { m, p, c, capacity } => {
                let b = capacity.map_or("unbounded".to_string(), |b| format!("b={b}"));
                format!("queue {p}→{c} {b} m={m}")
            }
            Work::Loops { m } => format!("queue loops alone m={m}"),
            Work::Http { m, c } => format!("http c={c} l=0 m={m}"),
        };
        let copy = matches!(work, Work::Queue { .. });
        rows.push(Row { name: format!("{what} {strategy}"), strategy, work, copy });
    };
    for (p, c, capacity) in [(1, 1, Some(1024)), (4, 1, Some(1024)), (4, 4, Some(1024)), (4, 4, None)] {
        push("threads", Work::Queue { m: s(5_000_000), p, c, capacity });
    }
    push("threads", Work::Loops { m: s(1_000_000) });
    for rt in ASYNC {
        push(rt, Work::Queue { m: s(1_000_000), p: 4, c: 4, capacity: Some(1024) });
    }
    for rt in ["threads", "tokio", "async-std", "smol"] {
        push(rt, Work::Sleep { n: s(10_000), d: Duration::from_millis(10) });
    }
    for rt in ASYNC {
        push(rt, Work::Memory { n: s(100_000), d: MEMORY_WAIT });
    }
    for rt in ["threads", "tokio", "async-std", "smol"] {
        // 10,000 requests a run: a paired process runs each side twice, so a side still gets
        // 20,000 a process, and the command stays under 3 minutes.
        push(rt, Work::Http { m: s(10_000), c: 100 });
    }
    rows
}

impl Work {
    /// Whether a row is measured in pairs inside one process: shootout, minimal, minimal,
    /// shootout, and the row's figure is the median over processes of each process's
    /// shootout ÷ minimal. Queue and HTTP rows are: on two cores a bounded channel's process
    /// lands in a fast or a slow mode (the same program takes 0.15 s or 0.45 s, fresh process
    /// to fresh process), and so did the HTTP clients' ("two modes" on threads, tokio and smol
    /// in the 2026-11-28 run), so two sides in separate processes compare modes as much as
    /// programs.
    fn paired(self) -> bool {
        matches!(self, Work::Queue { .. } | Work::Loops { .. } | Work::Http { .. })
    }

    /// The shootout case doing this work.
    fn spec(self) -> Spec {
        match self {
            Work::Sleep { n, d } => Spec::Sleep(SleepSpec::new(n, d, SleepMode::Timer)),
            Work::Memory { n, d } => Spec::Sleep(SleepSpec::new(n, d, SleepMode::Memory)),
            Work::Queue { m, p, c, capacity } => {
                let b = capacity.map_or(Capacity::Unbounded, Capacity::Bounded);
                Spec::Queue(QueueSpec::new(m, p, c, b))
            }
            Work::Loops { m } => {
                let k = sides::LOOPS_CHUNKS;
                Spec::Queue(QueueSpec::new(m, k, k, Capacity::Bounded(m.div_ceil(k))))
            }
            Work::Http { m, c } => Spec::Http(HttpSpec::new(m, c, Duration::ZERO)),
        }
    }
}

/// Runs one side of a row in a fresh process; a hang past `deadline` is killed.
fn spawn(
    row: &Row,
    side: &str,
    args: &FidelityArgs,
    target: Option<&str>,
    workers: usize,
) -> Result<Vec<(usize, Measure)>, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this program: {e}"))?;
    let mut cmd = Command::new(exe);
    cmd.args(["fidelity", "--scale", &args.scale.to_string(), "--child", &format!("{}|{side}", row.name)]);
    if let Some(t) = target {
        cmd.args(["--target", t]);
    }
    // async-std's global executor reads its thread count once, from the environment.
    cmd.env("ASYNC_STD_THREAD_COUNT", workers.to_string()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().map_err(|e| format!("cannot start a child: {e}"))?;
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("{} ({side}) ran past 120 s", row.name));
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let mut out = String::new();
    let mut err = String::new();
    child.stdout.take().map(|mut s| s.read_to_string(&mut out));
    child.stderr.take().map(|mut s| s.read_to_string(&mut err));
    let line = out.lines().last().unwrap_or("");
    let value: serde_json::Value = serde_json::from_str(line).map_err(|_| {
        format!(
            "{} ({side}) exited {status} without a report: {}",
            row.name,
            err.lines().last().unwrap_or("")
        )
    })?;
    if let Some(why) = value.get("error").and_then(|e| e.as_str()) {
        return Err(format!("{} ({side}): {why}", row.name));
    }
    let runs = value.get("runs").and_then(|r| r.as_array()).filter(|r| !r.is_empty());
    let runs = runs.ok_or_else(|| format!("{} ({side}) reported no runs: {line}", row.name))?;
    let runs = runs.iter().map(|run| {
        let field = |k: &str| run.get(k).and_then(|v| v.as_u64()).unwrap_or(0);
        let which = match field("side") {
            1 => MINIMAL,
            2 => COPY,
            _ => SHOOTOUT,
        };
        (
            which,
            Measure {
                wall_ns: field("wall_ns"),
                cpu_ns: field("cpu_ns"),
                grown_bytes: field("grown_bytes"),
                send_ns: field("send_ns"),
            },
        )
    });
    Ok(runs.collect())
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(|a, b| a.total_cmp(b));
    let n = xs.len();
    if n == 0 {
        f64::NAN
    } else if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2.0
    }
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map_or_else(|_| "?".into(), |s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
}

/// The `fidelity` entry point.
pub fn fidelity(args: &FidelityArgs) -> i32 {
    let workers = registry::default_workers();
    let all = rows(args.scale);
    if let Some(spec) = &args.child {
        let Some((name, side)) = spec.rsplit_once('|') else {
            return crate::usage_error(format!("invalid --child {spec:?}"));
        };
        let Some(row) = all.iter().find(|r| r.name == name) else {
            return crate::usage_error(format!("no fidelity row named {name:?}"));
        };
        let _ = raise_nofile_limit();
        let line = match child(row, side, args.target.as_deref(), workers) {
            Ok(runs) => {
                let runs: Vec<serde_json::Value> = runs
                    .iter()
                    .map(|(side, m)| {
                        serde_json::json!({
                            "side": side,
                            "wall_ns": m.wall_ns,
                            "cpu_ns": m.cpu_ns,
                            "grown_bytes": m.grown_bytes,
                            "send_ns": m.send_ns,
                        })
                    })
                    .collect();
                serde_json::json!({ "runs": runs })
            }
            Err(why) => serde_json::json!({ "error": why }),
        };
        println!("{line}");
        return 0;
    }
    if args.repeat == 0 || args.scale == 0 {
        return crate::usage_error("--repeat and --scale must be at least 1");
    }
    let selected: Vec<&Row> =
        all.iter().filter(|r| args.only.as_deref().is_none_or(|o| r.name.contains(o))).collect();
    if selected.is_empty() {
        return crate::usage_error(format!(
            "no fidelity row contains {:?}",
            args.only.as_deref().unwrap_or("")
        ));
    }
    let _ = raise_nofile_limit();
    let server = match selected.iter().find_map(|r| match r.work {
        Work::Http { m, c } => Some(HttpSpec::new(m, c, Duration::ZERO)),
        _ => None,
    }) {
        Some(spec) => match Server::start(ServerConfig::for_spec(&spec)) {
            Ok(server) => Some(server),
            Err(e) => {
                eprintln!("shootout: could not start the HTTP server: {e}");
                return 1;
            }
        },
        None => None,
    };
    let target = server.as_ref().map(Server::url);
    println!(
        "fidelity: W = {workers}, {} runs of each side per row (queue and HTTP rows: {} processes, each \
         running each side once untimed, then shootout, minimal, minimal, shootout; queue rows also \
         the copy, in shootout's column: shootout, minimal, copy, copy, minimal, shootout), load \
         average before: {}",
        args.repeat,
        args.repeat,
        loadavg()
    );
    println!(
        "{:<44} {:>8} {:>12} {:>12} {:>7} {:>13} {:>3}  verdict",
        "row", "metric", "shootout", "minimal", "ratio", "95 % interval", "n"
    );
    let started = Instant::now();
    let mut failed = false;
    // Rows left at "can't tell" (the control's line aside): the hint after the table names one.
    let mut unsettled: Vec<&str> = Vec::new();
    for row in selected {
        let mut runs: [Vec<Measure>; 3] = [Vec::new(), Vec::new(), Vec::new()];
        // Paired rows: each process's shootout ÷ minimal, per metric (and copy ÷ minimal).
        let paired = paired_metrics(row);
        let mut ratios: Vec<Vec<f64>> = vec![Vec::new(); paired.len()];
        let mut error = None;
        // A paired process already runs each side twice (and each once more, untimed): one
        // process more keeps the command under 3 minutes.
        let max_repeat = if row.work.paired() { args.repeat + 1 } else { args.repeat * EXTEND };
        // `repeat` runs of each side, interleaved and alternating which goes first so drift
        // hits both alike; a row the interval cannot settle yet gets more, up to `max_repeat`.
        for rep in 0..max_repeat {
            if rep >= args.repeat && settled(row.work, &runs[..2], &ratios) {
                break;
            }
            let sides: &[&str] = match (row.work.paired(), rep % 2) {
                (true, _) => &["paired"],
                (false, 0) => &["shootout", "minimal"],
                (false, _) => &["minimal", "shootout"],
            };
            for side in sides {
                match spawn(row, side, args, target.as_deref(), workers) {
                    Ok(measured) => {
                        if *side == "paired" {
                            for ((_, ratio), series) in paired.iter().zip(ratios.iter_mut()) {
                                series.push(ratio(&measured));
                            }
                        }
                        for (which, m) in measured {
                            runs[which].push(m);
                        }
                    }
                    Err(why) => error = Some(why),
                }
            }
            if error.is_some() {
                break;
            }
        }
        if let Some(why) = error {
            println!("{:<44} failed: {why}", row.name);
            failed = true;
            continue;
        }
        if row.work.paired() {
            for ((metric, side, value), series) in paired_columns(row).into_iter().zip(&ratios) {
                let [a, b] = [side, MINIMAL].map(|side| runs[side].iter().map(&value).collect::<Vec<f64>>());
                let Some(interval) = tie::median_interval(series) else { continue };
                let verdict = judge_paired(interval, series);
                if metric != COPY_METRIC
                    && verdict.starts_with("can't")
                    && !unsettled.contains(&row.name.as_str())
                {
                    unsettled.push(&row.name);
                }
                println!(
                    "{:<44} {:>8} {:>12} {:>12} {:>7.2} {:>13} {:>3}  {}",
                    row.name,
                    metric,
                    show(metric, median(a)),
                    show(metric, median(b)),
                    interval.ratio,
                    format!("{:.2}–{:.2}", interval.lo, interval.hi),
                    series.len(),
                    verdict,
                );
            }
            continue;
        }
        for (metric, value) in metrics_of(row.work) {
            let [a, b] = [0, 1].map(|side| runs[side].iter().map(&value).collect::<Vec<f64>>());
            let Some(interval) = tie::ratio_interval(&b, &a) else { continue };
            let verdict = judge(interval, &a, &b);
            if verdict.starts_with("can't") && !unsettled.contains(&row.name.as_str()) {
                unsettled.push(&row.name);
            }
            println!(
                "{:<44} {:>8} {:>12} {:>12} {:>7.2} {:>13} {:>3}  {}",
                row.name,
                metric,
                show(metric, median(a.clone())),
                show(metric, median(b.clone())),
                interval.ratio,
                format!("{:.2}–{:.2}", interval.lo, interval.hi),
                a.len(),
                verdict,
            );
        }
    }
    println!("total {:.0} s, load average after: {}", started.elapsed().as_secs_f64(), loadavg());
    if let Some(hint) = settle_hint(&unsettled, args.repeat, args.scale) {
        println!("{hint}");
    }
    if let Some(server) = server {
        server.stop();
    }
    i32::from(failed)
}

type Metric = (&'static str, Box<dyn Fn(&Measure) -> f64>);

/// A paired row's metric, as one process's shootout (or copy) ÷ minimal over its runs; in the
/// order of [`paired_columns`].
type PairedMetric = (&'static str, fn(&[(usize, Measure)]) -> f64);

/// The line after the table when rows were left at "can't tell": how to give one more runs.
/// Their runs spread wider than `repeat` settle (METHODOLOGY, Fidelity).
fn settle_hint(unsettled: &[&str], repeat: usize, scale: usize) -> Option<String> {
    let first = unsettled.first()?;
    let rows = if unsettled.len() == 1 { "1 row".to_string() } else { format!("{} rows", unsettled.len()) };
    let scale = if scale == 1 { String::new() } else { format!(" --scale {scale}") };
    Some(format!(
        "{rows} can't tell yet at {repeat} runs a side; more runs settle them, a row at a time, e.g. \
         shootout fidelity --only \"{first}\"{scale} --repeat {}",
        SETTLING_REPEAT.max(repeat * 2)
    ))
}

/// The `--repeat` the hint after the table suggests for a row left at "can't tell": twenty-one
/// processes settled the 1→1 and 4→4 bounded threads queue rows where six and twelve could not
/// (about 35 s a row). 4→1 took 241 (METHODOLOGY, Fidelity), which following the hint reaches
/// by doubling.
const SETTLING_REPEAT: usize = 20;

/// The control's metric: copy ÷ minimal wall time.
const COPY_METRIC: &str = "copy";
/// A loops row's metrics: the producer's and the consumer's loop, in ns a message.
const SEND_METRIC: &str = "send/msg";
const RECV_METRIC: &str = "recv/msg";

fn paired_metrics(row: &Row) -> Vec<PairedMetric> {
    let mut metrics: Vec<PairedMetric> = match row.work {
        Work::Http { .. } => vec![
            // The same M requests on each side: shootout's req/s ÷ the minimal's is the
            // minimal's time ÷ shootout's.
            ("req/s", |runs| 1.0 / paired_ratio(runs, SHOOTOUT, |m| m.wall_ns)),
            ("µs CPU/r", |runs| paired_ratio(runs, SHOOTOUT, |m| m.cpu_ns)),
        ],
        Work::Loops { .. } => vec![
            (SEND_METRIC, |runs| paired_ratio(runs, SHOOTOUT, |m| m.send_ns)),
            (RECV_METRIC, |runs| paired_ratio(runs, SHOOTOUT, Measure::recv_ns)),
        ],
        _ => vec![("time", |runs| paired_ratio(runs, SHOOTOUT, |m| m.wall_ns))],
    };
    if row.copy {
        metrics.push((COPY_METRIC, |runs| paired_ratio(runs, COPY, |m| m.wall_ns)));
    }
    metrics
}

/// What a paired row prints per metric of [`paired_metrics`]: the metric, the side in the
/// shootout column (the copy, for the control's line) and the value shown for each run.
type Column = (&'static str, usize, Box<dyn Fn(&Measure) -> f64>);

fn paired_columns(row: &Row) -> Vec<Column> {
    let mut columns: Vec<_> =
        metrics_of(row.work).into_iter().map(|(metric, value)| (metric, SHOOTOUT, value)).collect();
    if row.copy {
        columns.push((COPY_METRIC, COPY, Box::new(|m: &Measure| m.wall_ns as f64 / 1e9)));
    }
    columns
}

/// What a row compares: wall time; bytes per task for memory; req/s and CPU per request for
/// HTTP; each loop's time a message for the loops alone.
fn metrics_of(work: Work) -> Vec<Metric> {
    match work {
        Work::Memory { n, .. } => {
            vec![("B/task", Box::new(move |m: &Measure| m.grown_bytes as f64 / n as f64))]
        }
        Work::Http { m, .. } => vec![
            ("req/s", Box::new(move |x: &Measure| m as f64 / (x.wall_ns as f64 / 1e9))),
            ("µs CPU/r", Box::new(move |x: &Measure| x.cpu_ns as f64 / 1e3 / m as f64)),
        ],
        Work::Loops { m } => vec![
            (SEND_METRIC, Box::new(move |x: &Measure| x.send_ns as f64 / m as f64)),
            (RECV_METRIC, Box::new(move |x: &Measure| x.recv_ns() as f64 / m as f64)),
        ],
        _ => vec![("time", Box::new(|m: &Measure| m.wall_ns as f64 / 1e9))],
    }
}

/// A row whose interval cannot settle after `repeat` runs of each side gets up to this many
/// times as many: on two cores a bounded channel's run lands in a fast or a slow mode (the
/// same program takes 0.15 s or 0.45 s, fresh process to fresh process), so a few runs cannot
/// tell a 10 % harness cost from which mode each side happened to land in.
const EXTEND: usize = 3;

/// Whether every metric of a row already has a verdict other than "can't tell". A side whose
/// runs spread over 1.5 × never settles early: five runs of a two-mode row gave threads' 1→1
/// queue "differs" (0.62, interval 0.32–0.89) in one run of the command and 1.00 over fifteen
/// runs in the one before; an early stop picks whichever mode the first runs fell in.
/// A paired row settles on its processes' ratios, every metric's.
fn settled(work: Work, runs: &[Vec<Measure>], ratios: &[Vec<f64>]) -> bool {
    if work.paired() {
        // Ratios spread over 1.5 × do not settle early either: five such processes gave a
        // 4→1 row "differs" at 0.86 (0.55–0.89) in one run of the command and 1.33 in another.
        return ratios.iter().all(|series| {
            !tie::unstable(series)
                && tie::median_interval(series).is_some_and(|i| !judge_paired(i, series).starts_with("can't"))
        });
    }
    metrics_of(work).iter().all(|(_, value)| {
        let [a, b] = [0, 1].map(|side| runs[side].iter().map(value).collect::<Vec<f64>>());
        if tie::unstable(&a) || tie::unstable(&b) {
            return false;
        }
        tie::ratio_interval(&b, &a).is_some_and(|i| !judge_whole(i, &a, &b).starts_with("can't"))
    })
}

fn show(metric: &str, v: f64) -> String {
    match metric {
        "time" | COPY_METRIC => format!("{v:.3} s"),
        "req/s" => format!("{:.1}k", v / 1e3),
        "B/task" => format!("{v:.0} B"),
        SEND_METRIC | RECV_METRIC => format!("{v:.2} ns"),
        _ => format!("{v:.2}"),
    }
}

#[cfg(test)]
mod tests;
