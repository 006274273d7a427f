//! `shootout run`: choose cases and strategies, measure them in subprocesses, print a table
//! per case as it finishes, and write the results files (atomically, after every case, so an
//! interrupted run keeps what it measured).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use shootout_core::results::{Results, Status};
use shootout_core::{Case, Context, Preset, SpecError, Target, Workload, catalog, format_duration};
use shootout_harness::load::LoadMeter;
use shootout_harness::runner::{self, Event, Plan};
use shootout_harness::terminal::{self, Layout};
use shootout_harness::{env, registry, table};

use crate::outputs::Outputs;
use crate::workload::open_loop::OpenLoopFlags;
use crate::workload::submit::SubmitFlags;
use crate::workload::{self, fanout::FanOutFlags, http::HttpFlags, queue::QueueFlags, sleep::SleepFlags};

#[derive(Debug, Clone, Default, Args)]
pub struct RunArgs {
    /// quick: every workload, small sizes, R = 3, under ~90 s; full: publication sizes, R = 5
    #[arg(long, value_name = "PRESET", value_parser = ["quick", "full"])]
    pub preset: Option<String>,
    /// Workloads to run, comma-separated: sleep, fan-out, http, queue, submit [default: all, or those whose flags are given]
    #[arg(long, value_name = "W,..")]
    pub workload: Option<String>,
    /// Strategies to run, comma-separated, or `all` [default: the quick preset's six (topology variants in the full preset only), every strategy in the full preset]
    #[arg(long, value_name = "S,..")]
    pub strategy: Option<String>,
    /// Worker count W shared by every parallel strategy; a list (1,2,4) runs every case at each W [default: available cores; the full preset also re-runs its scaling cases at each power of two below]
    #[arg(long, value_name = "W,..", value_parser = worker_list, allow_hyphen_values = true)]
    pub workers: Option<WorkerList>,
    /// Timed repetitions per case × strategy, after the verify pass [default: 3 quick, 5 full]
    #[arg(long, value_name = "R", value_parser = workload::count, allow_hyphen_values = true)]
    pub repeat: Option<u64>,
    /// Skip a strategy whose predicted time on a case exceeds this [default: 10s quick, 30s full]
    #[arg(long, value_name = "DUR", value_parser = workload::duration, allow_hyphen_values = true)]
    pub max_case_time: Option<Duration>,
    /// Stop repeating a strategy on a case once its runs there (verify pass included) took this long; at least one timed run [default: 2s quick, 20s full]
    #[arg(long, value_name = "DUR", value_parser = workload::duration, allow_hyphen_values = true)]
    pub max_repeat_time: Option<Duration>,
    /// Kill a case's process after this long and record `timeout` [default: max(3 × budget, 4 × prediction)]
    #[arg(long, value_name = "DUR", value_parser = workload::duration, allow_hyphen_values = true)]
    pub timeout: Option<Duration>,
    /// HTTP server (`shootout serve`) to call instead of the in-process one, e.g. http://10.0.0.2:8080; probed before the first case
    #[arg(long, value_name = "URL", allow_hyphen_values = true)]
    pub target: Option<String>,
    /// Write the results as JSON
    #[arg(long, value_name = "PATH")]
    pub json: Option<PathBuf>,
    /// Write the results as CSV (one row per case × strategy)
    #[arg(long, value_name = "PATH")]
    pub csv: Option<PathBuf>,
    /// Write the tables as markdown
    #[arg(long, value_name = "PATH")]
    pub markdown: Option<PathBuf>,
    /// Write results.json, results.csv, report.md and env.txt into this directory
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Exit with status 1 when any row failed or timed out (for CI), not only when a case measured nothing
    #[arg(long)]
    pub strict: bool,
    /// Only the cases whose names match, e.g. 'queue/mpmc/*' or '*/c=10/*' (* matches any text)
    #[arg(long, value_name = "GLOB")]
    pub case: Option<String>,
    /// Show every column at full width (default: the columns that answer each case, fitted to the terminal or 100 columns)
    #[arg(long)]
    pub wide: bool,
    /// Do not save the run when no --json, --csv, --markdown or --out is given (default: save into target/shootout/<time>/)
    #[arg(long)]
    pub no_save: bool,
    #[command(flatten)]
    pub sleep: SleepFlags,
    #[command(flatten)]
    pub fanout: FanOutFlags,
    #[command(flatten)]
    pub http: HttpFlags,
    #[command(flatten)]
    pub queue: QueueFlags,
    #[command(flatten)]
    pub submit: SubmitFlags,
    #[command(flatten)]
    pub open_loop: OpenLoopFlags,
}

pub const MAX_REPEAT: u64 = 1_000;

/// The budget rule's default per preset. Full: 15 s, over every prediction of a Rust strategy
/// that finishes near its floor (the slowest, serial HTTP at M = 1,000, is ~12 s); what it
/// skips are python-asyncio's 20–40 s CPU fan-outs (its `cpu_factor`) and the serial rows that
/// would take minutes.
pub fn budget(preset: Preset) -> Duration {
    match preset {
        Preset::Quick => Duration::from_secs(10),
        Preset::Full => Duration::from_secs(15),
    }
}

/// Everything `run` needs, validated: any bad input becomes one line before anything runs.
struct Resolved {
    preset: Preset,
    plan: Plan,
    workloads: Vec<Workload>,
    /// W values to sweep; the plan holds the first. One value: no sweep.
    sweep: Vec<usize>,
    /// Whether the rounds after the first re-run every case (an explicit `--workers` list) or
    /// only the cases marked for scaling (the full preset's own sweep).
    sweep_every_case: bool,
}

/// The full preset's worker sweep on a machine with `cores` cores: the machine's W first (the
/// round the rankings and the guide read), then the powers of two below it: 2 → [2, 1],
/// 12 → [12, 8, 4, 2, 1].
pub fn full_sweep(cores: usize) -> Vec<usize> {
    let mut sweep = vec![cores.max(1)];
    let mut w = cores.max(1).next_power_of_two();
    while w > 1 {
        w /= 2;
        if w < cores {
            sweep.push(w);
        }
    }
    sweep
}

/// The W values of `--workers` (one value: no sweep).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkerList(pub Vec<u64>);

/// `--workers 2` or `--workers 1,2,4`: whole numbers, each checked by `resolve`.
fn worker_list(text: &str) -> Result<WorkerList, String> {
    let list = text
        .split(',')
        .filter(|s| !s.trim().is_empty())
        .map(workload::count)
        .collect::<Result<Vec<_>, _>>()?;
    if list.is_empty() {
        return Err("expected W or a list like 1,2,4".to_string());
    }
    Ok(WorkerList(list))
}

fn resolve(args: &RunArgs) -> Result<Resolved, SpecError> {
    let preset = Preset::parse(args.preset.as_deref().unwrap_or("quick"))?;
    let mut sweep: Vec<usize> = Vec::new();
    for &w in args.workers.as_ref().map_or(&[][..], |l| &l.0[..]) {
        let w = workload::to_usize("--workers", w)?;
        registry::check_workers(w)?;
        if !sweep.contains(&w) {
            sweep.push(w);
        }
    }
    let sweep_every_case = !sweep.is_empty();
    if sweep.is_empty() {
        sweep = match preset {
            Preset::Quick => vec![registry::default_workers()],
            Preset::Full => full_sweep(registry::default_workers()),
        };
    }
    let workers = sweep[0];
    let repeat = args.repeat.unwrap_or(preset.repeat() as u64);
    shootout_core::error::check_range("--repeat", repeat, 1, MAX_REPEAT)?;
    let strategies = match &args.strategy {
        Some(list) => registry::select(list)?,
        None => registry::default_for(preset),
    };
    let flagged: Vec<(Workload, Option<&'static str>)> = vec![
        (Workload::Sleep, args.sleep.first_given()),
        (Workload::FanOut, args.fanout.first_given()),
        (Workload::Http, args.http.first_given().or(args.target.as_ref().map(|_| "--target"))),
        (Workload::Queue, args.queue.first_given()),
        (Workload::Submit, args.submit.first_given()),
    ];
    let workloads: Vec<Workload> = match &args.workload {
        Some(list) => {
            let mut chosen = Vec::new();
            for name in list.split(',').filter(|s| !s.trim().is_empty()) {
                let w = Workload::parse(name)?;
                if !chosen.contains(&w) {
                    chosen.push(w);
                }
            }
            if chosen.is_empty() {
                return Err(SpecError::new("--workload needs at least one name"));
            }
            chosen
        }
        // --target alone runs every workload (http against it); beside other workloads' flags
        // it names http as they name theirs.
        None if flagged.iter().any(|(_, given)| given.is_some_and(|flag| flag != "--target")) => {
            flagged.iter().filter(|(_, given)| given.is_some()).map(|(w, _)| *w).collect()
        }
        // --rate alone: the workloads that take it.
        None if args.open_loop.first_given().is_some() => vec![Workload::Http, Workload::Queue],
        None => Workload::ALL.to_vec(),
    };
    if let Some(flag) = args.open_loop.first_given()
        && !workloads.iter().any(|w| matches!(w, Workload::Http | Workload::Queue))
    {
        let names: Vec<&str> = workloads.iter().map(|w| w.name()).collect();
        return Err(SpecError::new(format!(
            "{flag} belongs to the http and queue workloads, which this run leaves out (it runs {}); add one to --workload or drop {flag}",
            names.join(", ")
        )));
    }
    // A flag of a workload this run leaves out would be silently ignored: refuse it.
    for (w, flag) in &flagged {
        if let Some(flag) = flag
            && !workloads.contains(w)
        {
            let names: Vec<&str> = workloads.iter().map(|w| w.name()).collect();
            return Err(SpecError::new(format!(
                "{flag} belongs to the {} workload, which this run leaves out (it runs {}); add {} to --workload or drop {flag}",
                w.name(),
                names.join(", "),
                w.name()
            )));
        }
    }
    for (flag, value) in [("--timeout", args.timeout), ("--max-case-time", args.max_case_time)] {
        if value == Some(Duration::ZERO) {
            return Err(SpecError::new(format!("{flag} must be more than 0s")));
        }
    }
    let mut cases: Vec<Case> = Vec::new();
    for w in Workload::ALL.into_iter().filter(|w| workloads.contains(w)) {
        let custom = match w {
            Workload::Sleep if args.sleep.first_given().is_some() => Some(args.sleep.cases()?),
            Workload::FanOut if args.fanout.first_given().is_some() => Some(args.fanout.cases()?),
            Workload::Http if args.http.first_given().or(args.open_loop.first_given()).is_some() => {
                Some(args.http.cases(&args.open_loop)?)
            }
            Workload::Queue if args.queue.first_given().or(args.open_loop.first_given()).is_some() => {
                Some(args.queue.cases(&args.open_loop)?)
            }
            Workload::Submit if args.submit.first_given().is_some() => Some(args.submit.cases()?),
            _ => None,
        };
        cases.extend(custom.unwrap_or_else(|| catalog::cases_of(w, preset)));
    }
    if let Some(glob) = &args.case {
        let all = cases.len();
        cases.retain(|c| glob_match(glob, &c.name));
        if cases.is_empty() {
            return Err(SpecError::new(format!(
                "--case {glob:?} matches none of the {all} case(s) selected; `shootout list` names them"
            )));
        }
    }
    let target = match &args.target {
        // The http crate's parser, the one the clients use: one reading of a URL everywhere.
        Some(url) => {
            Some(shootout_http::parse_target(url).map(|e| Target::new(e.base)).map_err(SpecError::new)?)
        }
        None => None,
    };
    let exe = std::env::current_exe()
        .map_err(|e| SpecError::new(format!("cannot find the shootout executable to run cases in: {e}")))?;
    let plan = Plan {
        cases,
        strategies,
        workers,
        repeat: repeat as usize,
        repeat_budget: args.max_repeat_time.unwrap_or(match preset {
            Preset::Quick => Duration::from_secs(2),
            Preset::Full => Duration::from_secs(20),
        }),
        max_case_time: args.max_case_time.unwrap_or(budget(preset)),
        case_timeout: args.timeout,
        target,
        exe,
        context: Context { workers, calibration: Default::default() },
    };
    Ok(Resolved { preset, plan, workloads, sweep, sweep_every_case })
}

/// `*` matches any text (also across `/`); everything else matches itself.
pub fn glob_match(glob: &str, name: &str) -> bool {
    let parts: Vec<&str> = glob.split('*').collect();
    let (first, rest) = parts.split_first().expect("split yields one part at least");
    let Some(mut tail) = name.strip_prefix(first) else { return false };
    let Some((last, middle)) = rest.split_last() else { return tail.is_empty() };
    for part in middle {
        match tail.find(part) {
            Some(at) => tail = &tail[at + part.len()..],
            None => return false,
        }
    }
    tail.len() >= last.len() && tail.ends_with(last)
}

/// Where a run is saved when no output is named: `target/shootout/<UTC time>/` under the
/// cargo target directory (`CARGO_TARGET_DIR`, else `./target`).
fn default_save_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| PathBuf::from("target"), PathBuf::from);
    target.join("shootout").join(utc_stamp(std::time::SystemTime::now()))
}

/// `2026-11-27T14-05-09Z`: sortable, and a valid file name everywhere.
fn utc_stamp(at: std::time::SystemTime) -> String {
    let secs = at.duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}T{:02}-{:02}-{:02}Z", rem / 3_600, rem % 3_600 / 60, rem % 60)
}

/// Asks `--target` for its `/config` once per HTTP case before the first case runs (a short
/// timeout), so an unreachable, foreign or differently configured server is one line and
/// exit status 2, not a table of identical failures.
fn probe_target(plan: &Plan) -> Result<(), String> {
    let Some(target) = &plan.target else { return Ok(()) };
    for case in &plan.cases {
        if let shootout_core::Spec::Http(spec) = &case.spec {
            shootout_harness::target::for_spec(spec, Some(target))
                .map_err(|e| format!("--target {}: {}", target.url, e.replace('\n', " ")))?;
        }
    }
    Ok(())
}

pub fn run(args: &RunArgs) -> i32 {
    let Resolved { preset, mut plan, workloads, sweep, sweep_every_case } = match resolve(args) {
        Ok(r) => r,
        Err(e) => return crate::usage_error(e),
    };
    if let Err(e) = probe_target(&plan) {
        return crate::usage_error(e);
    }
    // Saved by default, so `report` and `compare` work on the last run without running it again.
    let mut args = args.clone();
    let saving_by_default = !args.no_save
        && args.json.is_none()
        && args.csv.is_none()
        && args.markdown.is_none()
        && args.out.is_none();
    if saving_by_default {
        args.out = Some(default_save_dir());
    }
    let args = &args;
    // Last of the checks, as it may create the --out directory.
    let mut outputs = match Outputs::check(args) {
        Ok(o) => o,
        Err(e) => return crate::usage_error(e),
    };
    match runner::lifeline::prepare_parent() {
        Ok(Some(note)) => eprintln!("shootout: {note}"),
        Ok(None) => {}
        Err(e) => return crate::usage_error(e),
    }
    let _ = shootout_core::metrics::raise_nofile_limit();
    let command =
        std::iter::once("shootout".to_string()).chain(std::env::args().skip(1)).collect::<Vec<_>>().join(" ");
    let mut env = env::describe(plan.workers, preset.name(), &command);
    env.calibration = catalog::calibrate(&workloads);
    plan.context.calibration = env.calibration.clone();

    eprintln!(
        "shootout: {} case(s) × {} strategies, W = {}, R = {}, budget {} per case; {} ({} cores)",
        plan.cases.len(),
        plan.strategies.len(),
        plan.workers,
        plan.repeat,
        format_duration(plan.max_case_time),
        env.cpu,
        env.cores
    );
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{elapsed_precise} [{bar:30}] {pos}/{len} eta {eta} {msg}")
            .expect("valid template")
            .progress_chars("=> "),
    );
    let no_terminal = bar.is_hidden();
    let started = Instant::now();
    let mut cases_done = 0usize;
    let layout = Layout::for_stdout(args.wide);
    let meter = LoadMeter::start();
    // A worker sweep runs the plan once per W; every row records its W, and case names carry
    // it (`…/w=2`) so tables, rankings, charts and `compare` keep the W values apart.
    // Strategies whose W is fixed run in the first round only: a flat reference.
    // The full preset's own sweep re-runs only the cases marked for scaling at the other W.
    let rounds: Vec<Plan> = sweep
        .iter()
        .enumerate()
        .map(|(round, &w)| {
            let mut round_plan = plan.clone_for_workers(w);
            if sweep.len() > 1 {
                if round > 0 {
                    round_plan.strategies.retain(|e| e.fixed_workers.is_none());
                    if !sweep_every_case {
                        round_plan.cases.retain(|c| c.scaling);
                    }
                }
                for case in &mut round_plan.cases {
                    case.name = format!("{}/w={w}", case.name);
                }
            }
            round_plan
        })
        .filter(|p| !p.cases.is_empty() && !p.strategies.is_empty())
        .collect();
    let children = |p: &Plan| p.strategies.len() + p.cases.len() * p.strategies.len() * (1 + p.repeat);
    bar.set_length(rounds.iter().map(children).sum::<usize>() as u64);
    let total_cases: usize = rounds.iter().map(|p| p.cases.len()).sum();
    let mut results = Results::new(env.clone());
    for (round, round_plan) in rounds.iter().enumerate() {
        let w = round_plan.workers;
        let mut round_env = env.clone();
        round_env.workers = w;
        let done = runner::run(round_plan, round_env, &mut |event, current| match event {
            // The total was set from every round's plan before the first child.
            Event::Planned(_) => {}
            Event::Baseline { strategy } => {
                bar.set_message(format!("start-up · {strategy}"));
                bar.inc(1);
            }
            Event::Child { case, strategy, round: rep } => {
                let phase = if rep == 0 { "verify".to_string() } else { format!("rep {rep}") };
                if no_terminal && rep == 0 && strategy == round_plan.strategies[0].name {
                    // No progress bar without a terminal: a line per case instead.
                    eprintln!("[{}/{}] {case}", cases_done + 1, total_cases);
                }
                bar.set_message(format!("{case} · {strategy} · {phase}"));
                bar.inc(1);
            }
            // A child that will not run counts as done: the total never shrinks under the reader.
            Event::Unneeded => bar.inc(1),
            Event::BaselinesDone => {
                bar.suspend(|| println!("\n{}", terminal::baseline_text(&current.baselines, layout)));
            }
            Event::CaseDone(case) => {
                cases_done += 1;
                let rows = table::rows_of(current, &case.name);
                bar.suspend(|| {
                    println!("{}", terminal::case_text(&case.name, &rows, layout));
                    if cases_done == 1 {
                        println!("{}", terminal::legend(layout));
                    }
                });
                if round == 0 {
                    outputs.write(current);
                } else {
                    let mut so_far = results.clone();
                    so_far.cases.extend(current.cases.iter().cloned());
                    so_far.baselines.extend(current.baselines.iter().cloned());
                    outputs.write(&so_far);
                }
            }
        });
        results.cases.extend(done.cases);
        results.baselines.extend(done.baselines);
    }
    bar.finish_and_clear();
    results.env.load = meter.and_then(|m| m.finish());
    outputs.write(&results);
    println!("{}", terminal::verdict(&results, layout));
    if let Some(load) = results.env.load.filter(|l| l.busy()) {
        eprintln!(
            "shootout: warning: the machine was busy: {}; numbers from a busy machine are not reproducible",
            load.describe()
        );
    }
    let ok = results.cases.iter().filter(|r| r.status == Status::Ok).count();
    eprintln!(
        "shootout: {} rows ({ok} ok) in {:.1} s{}",
        results.cases.len(),
        started.elapsed().as_secs_f64(),
        outputs.wrote()
    );
    if let Some(dir) = outputs.out_dir().filter(|_| outputs.errors().is_empty()) {
        eprintln!(
            "shootout: the full report is {}; `shootout report {}` renders it again, `shootout compare` sets runs side by side",
            dir.join("report.md").display(),
            dir.join("results.json").display()
        );
    }
    exit_status(args, &results, &outputs.errors())
}

/// 1 when an output could not be written, a case measured no strategy, or (with --strict)
/// any row failed or timed out; else 0. Says why on stderr.
fn exit_status(args: &RunArgs, results: &Results, write_errors: &[String]) -> i32 {
    let mut code = 0;
    for e in write_errors {
        eprintln!("shootout: could not write {e}");
        code = 1;
    }
    let mut empty: Vec<&str> = Vec::new();
    for row in &results.cases {
        if !empty.contains(&row.case.as_str())
            && !results.cases.iter().any(|r| r.case == row.case && r.status == Status::Ok)
        {
            empty.push(&row.case);
        }
    }
    if !empty.is_empty() {
        eprintln!("shootout: {} case(s) measured no strategy: {}", empty.len(), empty.join(", "));
        code = 1;
    }
    let failed =
        results.cases.iter().filter(|r| matches!(r.status, Status::Failed | Status::Timeout)).count();
    if args.strict && failed > 0 {
        eprintln!("shootout: --strict: {failed} row(s) failed or timed out");
        code = 1;
    }
    code
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_glob_star_matches_any_text_and_the_rest_matches_itself() {
        assert!(glob_match("queue/mpmc/*", "queue/mpmc/p=4/c=4/b=1/m=20000"));
        assert!(glob_match("*/c=10/*", "queue/spmc/p=1/c=10/b=100/m=20/wait=10ms"));
        assert!(glob_match("sleep/timer/n=100/d=10ms", "sleep/timer/n=100/d=10ms"));
        assert!(glob_match("*", "anything"));
        assert!(glob_match("a*b*c", "a-b-b-c"));
        assert!(!glob_match("queue/mpmc/*", "queue/mpsc/p=4"));
        assert!(!glob_match("sleep/timer/n=100", "sleep/timer/n=1000/d=10ms"));
        assert!(!glob_match("*x", "x-y"));
        assert!(!glob_match("ab*ba", "aba"));
    }

    #[test]
    fn the_full_sweep_starts_at_the_machine_and_halves_to_one() {
        assert_eq!(full_sweep(1), [1]);
        assert_eq!(full_sweep(2), [2, 1]);
        assert_eq!(full_sweep(4), [4, 2, 1]);
        assert_eq!(full_sweep(12), [12, 8, 4, 2, 1]);
        assert_eq!(full_sweep(16), [16, 8, 4, 2, 1]);
    }

    #[test]
    fn the_save_directory_is_named_by_utc_time() {
        let at = |secs| std::time::UNIX_EPOCH + Duration::from_secs(secs);
        assert_eq!(utc_stamp(at(0)), "1970-01-01T00-00-00Z");
        assert_eq!(utc_stamp(at(951_782_400 + 3_661)), "2000-02-29T01-01-01Z");
        assert_eq!(utc_stamp(at(1_795_789_800)), "2026-11-27T14-30-00Z");
    }
}
