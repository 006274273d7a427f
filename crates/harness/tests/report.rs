//! Publishing from fixed results files (tests/data/results-{a,b}.json, hand-made in the
//! shootout/1 schema): the report's tables, ranking and decision guide; the README splice;
//! compare; the SVG charts; criterion's estimates as tables.

use std::path::{Path, PathBuf};

use shootout_core::results::{CaseResult, Results, Stats, Status};
use shootout_harness::compare::{self, Run};
use shootout_harness::report::{self, BEGIN_MARKER, END_MARKER};
use shootout_harness::terminal::{self, Layout};
use shootout_harness::{criterion_tables, plot};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name)
}

fn load(name: &str) -> Results {
    Results::from_json(&std::fs::read_to_string(data(name)).unwrap()).unwrap()
}

fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("shootout-report-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// The markdown table row of `strategy` under the `#### case` heading.
fn table_row<'a>(md: &'a str, case: &str, strategy: &str) -> &'a str {
    let start = md.find(&format!("#### {case}")).unwrap_or_else(|| panic!("no table for {case}"));
    md[start..]
        .lines()
        .skip(1)
        .take_while(|l| !l.starts_with("####"))
        .find(|l| l.starts_with(&format!("| {strategy} |")))
        .unwrap_or_else(|| panic!("no row {strategy} in {case}"))
}

/// The runs of a comparison, labelled A, B, … in order.
fn runs<'a>(files: &[&'a Results]) -> Vec<Run<'a>> {
    files
        .iter()
        .enumerate()
        .map(|(i, r)| Run {
            label: ((b'A' + i as u8) as char).to_string(),
            source: String::new(),
            results: r,
        })
        .collect()
}

fn guide(md: &str) -> Vec<&str> {
    let start = md.find("### Decision guide").unwrap();
    md[start..]
        .lines()
        .skip(1)
        .take_while(|l| !l.starts_with("### "))
        .filter(|l| l.starts_with("- "))
        .collect()
}

fn guide_line<'a>(md: &'a str, label: &str) -> &'a str {
    guide(md)
        .into_iter()
        .find(|l| l.contains(label))
        .unwrap_or_else(|| panic!("no guide line {label}:\n{md}"))
}

#[test]
fn report_has_machine_startup_and_a_table_per_case() {
    let md = report::render(&load("results-a.json"));
    assert!(md.starts_with("### shootout results — Test CPU 9000 (2 cores), 2026-01-02\n"), "{md}");
    assert!(md.contains("W = 2 · rustc 1.88.0") && md.contains("git abc1234 · preset quick"), "{md}");
    assert!(md.contains("#### runtime start-up (built, nothing run)"));
    assert!(md.contains("| smol | 50.0 µs | 4.2 MiB | 3 | ok |"), "{md}");
    for case in [
        "sleep/timer/n=100/d=10ms",
        "sleep/memory/n=10000/d=100ms",
        "sleep/baseline/d=1ms",
        "fan-out/cpu/n=1000/k=100",
        "http/reuse/m=1000/c=100/l=10ms",
        "queue/spsc/p=1/c=1/b=1024/m=200000",
    ] {
        assert!(md.contains(&format!("#### {case}")), "no table for {case}");
    }
    // A measured row: median, min–max, × best, × ideal; a skipped, a failed and an unsupported row
    // keep their reasons.
    let smol = table_row(&md, "sleep/timer/n=100/d=10ms", "smol");
    assert!(smol.starts_with("| smol | 10.2 ms | 10.1 ms – 10.5 ms | 1.00 | 1.02 |"), "{smol}");
    assert!(table_row(&md, "sleep/timer/n=100/d=10ms", "sequential").contains("skipped: predicted 10.0 s"));
    assert!(
        table_row(&md, "sleep/timer/n=1000/d=10ms", "threads")
            .contains("failed: could not spawn thread 877: Resource temporarily unavailable")
    );
    assert!(
        table_row(&md, "queue/spsc/p=1/c=1/b=1024/m=200000", "rayon")
            .contains("unsupported: rayon has no channel")
    );
    // HTTP tables carry throughput and p99.
    let tokio = table_row(&md, "http/reuse/m=1000/c=100/l=10ms", "tokio");
    assert!(tokio.contains("9.5k req/s") && tokio.contains("12.0 ms"), "{tokio}");
    // Workloads appear as sections in the file's order.
    let order: Vec<usize> = ["\n### sleep\n", "\n### fan-out\n", "\n### http\n", "\n### queue\n"]
        .iter()
        .map(|h| md.find(h).unwrap_or_else(|| panic!("no section {h}")))
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
}

/// A memory row that did not hold its N tasks alive at once (measured before the release: its
/// spawning outlasted each task's wait, wall over 2 × d; or its peak is under N) is passed
/// over: the guide and the answers take the largest N that did, and say why.
#[test]
fn memory_per_task_comes_from_rows_whose_tasks_were_all_alive_at_once() {
    const SMOL_10K: (&str, &str) = ("sleep/memory/n=10000/d=100ms", "smol");
    let mut results = load("results-a.json");
    let smol = row_mut(&mut results, SMOL_10K.0, SMOL_10K.1);
    // As a row measured before the release was: no peak, and a wall past 2 × d.
    smol.peak_in_flight = None;
    smol.wall_ns.as_mut().expect("measured").median = 250_000_000;
    let md = report::render(&results);
    let memory = guide_line(&md, "**Memory per waiting task**");
    assert!(memory.contains("smol 290 B (at N = 1,000), async-std 410 B, tokio 610 B"), "{memory}");

    // Rows whose verify proved all N alive (tasks wait until d after the last spawn) say so
    // with a peak of N, and count whatever their wall time.
    row_mut(&mut results, SMOL_10K.0, SMOL_10K.1).peak_in_flight = Some(10_000);
    let md = report::render(&results);
    let memory = guide_line(&md, "**Memory per waiting task**");
    assert!(memory.contains("smol 300 B, async-std 410 B, tokio 610 B"), "{memory}");
    row_mut(&mut results, SMOL_10K.0, SMOL_10K.1).peak_in_flight = Some(9_999);
    let md = report::render(&results);
    let memory = guide_line(&md, "**Memory per waiting task**");
    assert!(memory.contains("smol 290 B (at N = 1,000)"), "a peak under N is not all alive: {memory}");

    // A strategy that cannot hold N tasks at once answers `unsupported` on every memory case.
    for row in
        results.cases.iter_mut().filter(|r| r.case.starts_with("sleep/memory/") && r.strategy == "threads")
    {
        row.status = shootout_core::results::Status::Unsupported;
        row.verified = false;
    }
    let md = report::render(&results);
    let memory = guide_line(&md, "**Memory per waiting task**");
    assert!(memory.contains("; threads never hold N tasks at once (unsupported)"), "{memory}");
}

#[test]
fn case_tables_mark_strategies_within_noise_of_the_best() {
    let md = report::render(&load("results-a.json"));
    // tokio's 10.2–10.8 ms overlaps smol's 10.1–10.5 ms; threads' 12.8–14 ms does not.
    let case = "sleep/timer/n=100/d=10ms";
    assert!(table_row(&md, case, "tokio").contains("| 1.02 ≈ |"), "{}", table_row(&md, case, "tokio"));
    assert!(table_row(&md, case, "async-std").contains(" ≈ |"));
    assert!(!table_row(&md, case, "threads").contains('≈'));
    assert!(!table_row(&md, case, "smol").contains('≈'), "the best itself carries no mark");
}

#[test]
fn ranking_ties_strategies_within_noise_and_puts_incomplete_ones_last() {
    let results = load("results-a.json");
    let views = report::case_views(&results);
    let names = report::strategies(&results);
    let sleep: Vec<&report::CaseView<'_>> =
        views.iter().filter(|v| v.workload == "sleep" && report::ranked(v)).collect();
    assert_eq!(sleep.len(), 4, "the single-sleep baseline is not ranked");
    let standings = report::ranking(&sleep, &names);
    let by_name = |n: &str| standings.iter().find(|s| s.strategy == n).unwrap();
    // smol, tokio and async-std overlap the best on every sleep case: one shared first place.
    for name in ["smol", "tokio", "async-std"] {
        let s = by_name(name);
        assert_eq!((s.rank, s.tied, s.score), (Some(1), true, Some(1.0)), "{name}: {s:?}");
        assert_eq!((s.within_noise, s.completed, s.cases), (4, 4, 4));
    }
    // threads failed two cases: it ranks after every strategy that completed all four, even
    // though its score over the cases it did complete is close to 1.
    let threads = by_name("threads");
    assert_eq!((threads.rank, threads.tied, threads.completed), (Some(4), false, 2));
    assert_eq!(threads.not_ok.get("failed"), Some(&2));
    assert_eq!(by_name("rayon").rank, Some(5));
    let sequential = by_name("sequential");
    assert_eq!((sequential.rank, sequential.score), (None, None), "skipped everywhere: unranked");
    assert_eq!(sequential.not_ok.get("skipped"), Some(&2));

    let md = report::render(&results);
    assert!(md.contains("#### sleep (4 cases)"));
    assert!(md.contains("| 1= | smol | 1.00 | 1.00 | 4 of 4 | 4 of 4 | – |"), "{md}");
    assert!(md.contains("| 1= | tokio | 1.00 |"));
    assert!(md.contains("| 4 | threads | 1.13 |"));
    assert!(md.contains("| – | sequential | – | – | – | 0 of 2 | skipped 2 |"));
    // fan-out: rayon best on both cases, alone at the top.
    assert!(md.contains("| 1 | rayon | 1.00 | 1.00 | 2 of 2 | 2 of 2 | – |"), "{md}");
}

#[test]
fn decision_guide_is_written_from_the_numbers() {
    let md = report::render(&load("results-a.json"));
    let waits = guide_line(&md, "**Many waits (timer sleeps)**");
    assert!(
        waits.contains("**smol**, **tokio** and **async-std** within noise of the best (1.00–1.03 ×)"),
        "{waits}"
    );
    assert!(waits.contains(
        "threads 1.27 × on 1 of 2 cases (failed on sleep/timer/n=1000/d=10ms: could not spawn thread"
    ));
    assert!(
        waits.contains("rayon 49.0 × on 1 of 2 cases") && waits.contains("at most 2 waits at once (W = 2)"),
        "{waits}"
    );
    assert!(waits.contains("sequential skipped: predicted 10.0 s"));

    let memory = guide_line(&md, "**Memory per waiting task**");
    assert!(
        memory.contains(
            "smol 300 B, async-std 410 B, tokio 610 B, threads 8.8 KiB (at N = 1,000; failed at N = 10,000"
        ),
        "{memory}"
    );

    let cpu = guide_line(&md, "**CPU-bound fan-out**");
    assert!(cpu.contains("**rayon** best on every case; smol 1.14 ×"), "{cpu}");

    let http = guide_line(&md, "**HTTP at L = 10 ms, C = 100, connections reused**");
    // smol's 1.05 × rests on 3 samples whose bootstrap interval reaches 1.027: can't tell.
    assert!(
        http.contains(
            "**tokio** (9.5k req/s, p99 12.0 ms) and **smol** (9.1k req/s, p99 12.0 ms) within noise"
        ),
        "{http}"
    );
    assert!(http.contains("; threads 1.52 ×"), "{http}");
    assert!(http.contains("rayon 48.6 ×") && http.contains("at most 2 requests at once"), "{http}");
    let http10 = guide_line(&md, "**HTTP at L = 10 ms, C = 10, connections reused**");
    assert!(http10.contains("within noise of the best"), "{http10}");

    let queue = guide_line(&md, "**Queue throughput, spsc (1 → 1)**");
    assert!(queue.contains("**threads** (10.00M msg/s) best"), "{queue}");
    assert!(queue.contains("rayon unsupported"), "{queue}");
    assert!(
        guide_line(&md, "**Queue with consumers that wait 10ms per message, C = 1–10**")
            .contains("within noise")
    );

    let timer = guide_line(&md, "**Timer precision** (oversleep of one 1 ms sleep)");
    assert!(timer.ends_with("tokio +1.10 ms."), "{timer}");
    let async_std = guide_line(&md, "async-std is discontinued upstream (2025); smol is its successor");
    assert!(async_std.contains("smol took 0.93 × async-std's time"), "{async_std}");
    let tokio = guide_line(&md, "tokio's timer rounds every sleep up to the next millisecond");
    assert!(tokio.contains("+1.10 ms on tokio against +70.0 µs on sequential"), "{tokio}");
}

#[test]
fn decision_guide_speaks_only_of_what_the_file_holds() {
    let mut results = load("results-a.json");
    results
        .cases
        .retain(|r| r.workload == "sleep" && r.case != "sleep/baseline/d=1ms" && r.strategy != "async-std");
    let md = report::render(&results);
    let lines = guide(&md);
    assert!(lines.iter().any(|l| l.contains("Many waits")));
    for absent in ["fan-out", "HTTP", "Queue", "Timer precision", "async-std is discontinued"] {
        assert!(!lines.iter().any(|l| l.contains(absent)), "{absent} in:\n{lines:#?}");
    }
    // tokio is present but no baseline measured its timer: the fact is stated without a number.
    let tokio = guide_line(&md, "tokio's timer rounds");
    assert!(tokio.contains("no sleep/baseline case in this file measures it"), "{tokio}");
}

/// The row of `strategy` in `case`, for tests that reshape the fixed data.
fn row_mut<'a>(results: &'a mut Results, case: &str, strategy: &str) -> &'a mut CaseResult {
    results.cases.iter_mut().find(|r| r.case == case && r.strategy == strategy).unwrap()
}

/// Makes a row a verified `ok` row with these timed samples (nanoseconds).
fn set_samples(row: &mut CaseResult, samples: &[u64]) {
    row.status = Status::Ok;
    row.verified = true;
    row.error = None;
    row.samples_ns = samples.to_vec();
    row.wall_ns = Stats::of(samples);
}

#[test]
fn ties_are_decided_by_the_bootstrap_interval_not_by_overlapping_ranges() {
    let mut results = load("results-a.json");
    let sleep = "sleep/timer/n=100/d=10ms";
    // tokio 1.22 × the best at the median; one fast outlier makes its min–max overlap smol's.
    let tokio = [12_400_000, 12_500_000, 12_300_000, 12_600_000, 12_450_000, 12_550_000, 10_150_000];
    set_samples(row_mut(&mut results, sleep, "tokio"), &tokio);
    // threads 1.2 % behind rayon on the big CPU case, with ranges that do not overlap.
    let cpu = "fan-out/cpu/n=1000/k=10000";
    set_samples(row_mut(&mut results, cpu, "threads"), &[101_000_000, 101_200_000, 101_500_000]);
    let md = report::render(&results);
    let tokio_row = table_row(&md, sleep, "tokio");
    assert!(tokio_row.contains("| 1.22 |") && !tokio_row.contains('≈'), "{tokio_row}");
    assert!(table_row(&md, cpu, "threads").contains("| 1.01 ≈ |"), "{}", table_row(&md, cpu, "threads"));
    // The ranking counts what the statistic says: tokio is within noise on 3 of 4 sleep cases.
    let views = report::case_views(&results);
    let family: Vec<&report::CaseView<'_>> =
        views.iter().filter(|v| v.workload == "sleep" && report::ranked(v)).collect();
    let standings = report::ranking(&family, &report::strategies(&results));
    let tokio = standings.iter().find(|s| s.strategy == "tokio").unwrap();
    assert_eq!((tokio.within_noise, tokio.completed), (3, 4), "{tokio:?}");
    assert!(tokio.rank > Some(1), "{tokio:?}");
}

#[test]
fn the_single_thread_floor_is_shown_beside_queue_cases_not_ranked() {
    let mut results = load("results-a.json");
    let case = "queue/spsc/p=1/c=1/b=1024/m=200000";
    // The sequential loop (put one, take one, no hand-off) is 4 × faster than any hand-off.
    let mut floor = results.cases.iter().find(|r| r.case == case && r.strategy == "threads").unwrap().clone();
    floor.strategy = "sequential".into();
    set_samples(&mut floor, &[4_900_000, 5_000_000, 5_100_000]);
    results.cases.push(floor);
    let mut rows = report::rows_of(&results, case);
    report::ranking::set_x_best(&mut rows);
    let x = |s: &str| rows.iter().find(|r| r.strategy == s).unwrap().x_best.unwrap();
    assert_eq!((x("threads"), x("smol"), x("sequential")), (1.0, 1.25, 0.25));

    let md = report::render(&results);
    assert!(table_row(&md, case, "threads").contains("| 1.00 |"), "the best is threads, not the floor");
    assert!(
        table_row(&md, case, "sequential (floor)").contains("| 0.25 |"),
        "{}",
        table_row(&md, case, "sequential (floor)")
    );
    assert!(!md.contains("| sequential | 5.00 ms"), "{md}");
    let queue_ranking = &md[md.find("#### queue (").unwrap()..];
    let queue_ranking = &queue_ranking[..queue_ranking.find("\n\n#### ").unwrap_or(queue_ranking.len())];
    assert!(!queue_ranking.contains("| sequential |"), "{queue_ranking}");
    assert!(
        md.contains("Single-thread floor, not ranked: sequential at 0.25 × best (geomean over 1 of 1 cases)"),
        "{md}"
    );
    let line = guide_line(&md, "**Queue throughput, spsc (1 → 1)**");
    assert!(line.contains("**threads** (10.00M msg/s) best"), "{line}");
    assert!(line.contains("sequential, the single-thread floor (no hand-off; not ranked), 0.25 ×"), "{line}");
    // Outside hand-off cases sequential competes: it is still in the fan-out ranking.
    assert!(md.contains("| 5 | sequential | 1.91 | 1.91 | 0 of 2 | 2 of 2 | – |"), "{md}");
}

#[test]
fn http_guide_lines_group_by_latency_and_rank_complete_strategies_first() {
    let mut results = load("results-a.json");
    // An overhead-bound case (L = 0) beside the latency-bound ones: its own line.
    let base = "http/reuse/m=1000/c=100/l=10ms";
    for (strategy, ns) in [("tokio", 40_000_000u64), ("smol", 50_000_000)] {
        let mut r = results.cases.iter().find(|r| r.case == base && r.strategy == strategy).unwrap().clone();
        r.case = "http/reuse/m=1000/c=100/l=0ms".into();
        r.params["latency_ms"] = serde_json::json!(0);
        set_samples(&mut r, &[ns - 100_000, ns, ns + 100_000]);
        results.cases.push(r);
    }
    // A second L = 10 ms, C = 100 case that smol fails; smol is fastest on the first.
    set_samples(row_mut(&mut results, base, "smol"), &[99_000_000, 100_000_000, 101_000_000]);
    for (strategy, ok) in [("tokio", Some(200_000_000u64)), ("threads", Some(300_000_000)), ("smol", None)] {
        let mut r = results.cases.iter().find(|r| r.case == base && r.strategy == strategy).unwrap().clone();
        r.case = "http/reuse/m=2000/c=100/l=10ms".into();
        r.params["requests"] = serde_json::json!(2000);
        match ok {
            Some(ns) => set_samples(&mut r, &[ns - 1_000_000, ns, ns + 1_000_000]),
            None => {
                r.status = Status::Failed;
                r.verified = false;
                r.wall_ns = None;
                r.samples_ns.clear();
                r.error = Some("connection reset by peer".into());
            }
        }
        results.cases.push(r);
    }
    let md = report::render(&results);
    let zero = guide_line(&md, "**HTTP at L = 0 ms, C = 100, connections reused**");
    assert!(zero.contains("(1 case, 1,000 requests)") && zero.contains("**tokio**"), "{zero}");
    let ten = guide_line(&md, "**HTTP at L = 10 ms, C = 100, connections reused**");
    assert!(ten.contains("(2 cases, 1,000–2,000 requests)"), "{ten}");
    // tokio completed both cases, smol one: tokio leads, smol is said to have completed 1 of 2.
    assert!(ten.contains(": **tokio** best or within noise of the best on every case"), "{ten}");
    assert!(ten.contains("smol 1.00 × on 1 of 2 cases (failed on http/reuse/m=2000/c=100/l=10ms"), "{ten}");
    let (tokio, smol) = (ten.find("**tokio**").unwrap(), ten.find("smol 1.00").unwrap());
    assert!(tokio < smol && ten.find("threads").unwrap() < smol, "{ten}");
}

#[test]
fn terminal_tables_fit_100_columns_unless_wide() {
    let results = load("results-a.json");
    let mut widest_wide = 0;
    for case in report::case_names(&results) {
        let rows = report::rows_of(&results, case);
        let fitted = terminal::case_text(case, &rows, Layout::fit(100));
        for line in fitted.lines() {
            assert!(line.chars().count() <= 100, "{} columns:\n{fitted}", line.chars().count());
        }
        assert!(!fitted.contains("peak RSS") && !fitted.contains("  CPU"), "{fitted}");
        let wide = terminal::case_text(case, &rows, Layout::wide());
        assert!(wide.contains("peak RSS") && wide.contains("threads"), "{wide}");
        widest_wide = widest_wide.max(wide.lines().map(|l| l.chars().count()).max().unwrap_or(0));
    }
    assert!(widest_wide > 100, "the data has rows wider than 100 columns with every column");
    // Reasons wrap inside their column; the strategy and the numbers stay whole.
    let rows = report::rows_of(&results, "sleep/timer/n=1000/d=10ms");
    let fitted = terminal::case_text("sleep/timer/n=1000/d=10ms", &rows, Layout::fit(80));
    assert!(fitted.lines().all(|l| l.chars().count() <= 80), "{fitted}");
    assert!(fitted.contains("\nthreads ") && fitted.contains("temporarily"), "{fitted}");
    // The tie marker reaches the terminal too.
    let rows = report::rows_of(&results, "sleep/timer/n=100/d=10ms");
    let text = terminal::case_text("sleep/timer/n=100/d=10ms", &rows, Layout::fit(100));
    let tokio = text.lines().find(|l| l.starts_with("tokio")).unwrap();
    assert!(tokio.contains("1.02 ≈"), "{text}");
    let start = terminal::baseline_text(&results.baselines, Layout::fit(100));
    assert!(start.lines().all(|l| l.chars().count() <= 100) && start.contains("smol"), "{start}");
    assert!(terminal::legend(Layout::fit(100)).lines().all(|l| l.chars().count() <= 100));
}

#[test]
fn splice_replaces_only_the_text_between_the_markers() {
    let head = "# shootout\n\nTwo commands:\n\n    cargo run --release\n\n";
    let tail = "\n\n## Methodology\n\nSee METHODOLOGY.md.\n";
    let readme = format!("{head}{BEGIN_MARKER}\nold tables\n{END_MARKER}{tail}");
    let block = report::render(&load("results-a.json"));
    let command = "shootout report results/2026-01-02-testhost/results.json --splice README.md";
    let out = report::splice(&readme, &block, command).unwrap();
    assert!(out.starts_with(&format!("{head}{BEGIN_MARKER}\n")), "{out}");
    assert!(out.ends_with(&format!("{END_MARKER}{tail}")));
    assert!(!out.contains("old tables"));
    assert!(out.contains(&block));
    assert!(out.contains(&format!("_Generated by `{command}`._\n{END_MARKER}")));
    assert_eq!(out.matches(BEGIN_MARKER).count(), 1);
    assert_eq!(out.matches(END_MARKER).count(), 1);
    // Splicing the same block again changes nothing.
    assert_eq!(report::splice(&out, &block, command).unwrap(), out);
}

#[test]
fn splice_refuses_missing_repeated_or_reversed_markers() {
    let cases = [
        ("no markers at all\n".to_string(), "not found"),
        (format!("{BEGIN_MARKER}\nonly the start\n"), "<!-- shootout:end --> not found"),
        (format!("only the end\n{END_MARKER}\n"), "<!-- shootout:begin --> not found"),
        (format!("{BEGIN_MARKER}\n{END_MARKER}\n{BEGIN_MARKER}\n{END_MARKER}\n"), "appears 2 times"),
        (format!("{END_MARKER}\nreversed\n{BEGIN_MARKER}\n"), "comes before"),
    ];
    for (readme, expected) in cases {
        let err = report::splice(&readme, "block", "shootout report r.json").unwrap_err();
        assert!(err.contains(expected), "{readme:?}: {err}");
        assert!(!err.contains('\n'), "one line: {err}");
    }
}

#[test]
fn compare_gives_ratios_verdicts_and_lists_mismatches() {
    let (a, b) = (load("results-a.json"), load("results-b.json"));
    let text = compare::compare(&runs(&[&a, &b]), 0.03).unwrap();
    let row = |case: &str, strategy: &str| -> String {
        text.lines()
            .find(|l| l.starts_with(case) && l.split_whitespace().nth(1) == Some(strategy))
            .unwrap_or_else(|| panic!("no row {case} {strategy} in:\n{text}"))
            .to_string()
    };
    assert!(text.starts_with("A: Test CPU 9000 (2 cores), W = 2, 2026-01-02"), "{text}");
    assert!(text.contains("versions that differ (A → B): tokio 1.54.1 → 1.55.0"), "{text}");
    // tokio halved on the first sleep case; threads got 1.5 × slower on HTTP C = 100.
    assert!(row("sleep/timer/n=100/d=10ms", "tokio").ends_with("0.50 (0.47–0.53)  B faster"), "{text}");
    assert!(row("http/reuse/m=1000/c=100/l=10ms", "threads").ends_with("1.50 (1.47–1.53)  B slower"));
    assert!(row("sleep/timer/n=100/d=10ms", "smol").ends_with("1.00 (0.96–1.04)  can't tell"));
    assert!(row("sleep/timer/n=1000/d=10ms", "threads").ends_with("not compared: A failed, B failed"));
    // Present in one file only: listed, not dropped.
    assert!(text.contains("only in A: fan-out/cpu/n=1000/k=10000 (every strategy)"));
    assert!(text.contains("only in A: http/reuse/m=1000/c=10/l=10ms × rayon"));
    assert!(text.contains("only in B: queue/mpsc/p=4/c=1/b=unbounded/m=200000 (every strategy)"));
    assert!(
        text.contains(
            "\nB is 2.00 × faster than A on 1 of 47 cases, slower on 1 (1.50 ×), can't tell on 45\n"
        ),
        "{text}"
    );
    // 5 strategies of the missing fan-out case, rayon's HTTP row, 3 strategies of the new queue case.
    assert!(text.contains("9 row(s) in only one file, not compared"), "{text}");
    // A strategy absent from a whole file is named once.
    let mut without_rayon = b.clone();
    without_rayon.cases.retain(|r| r.strategy != "rayon");
    let text = compare::compare(&runs(&[&a, &without_rayon]), 0.03).unwrap();
    assert!(text.contains("only in A: strategy rayon (absent from the other file; 8 row(s))"), "{text}");
    assert!(!text.contains("× rayon"), "{text}");

    let md = compare::compare_markdown(&runs(&[&a, &b]), 0.03).unwrap();
    assert!(
        md.contains("| sleep/timer/n=100/d=10ms | tokio |") && md.contains("| 0.50 (0.47–0.53) | B faster |"),
        "{md}"
    );
    assert!(md.contains("- only in B: queue/mpsc/p=4/c=1/b=unbounded/m=200000 (every strategy)"));
}

#[test]
fn compare_says_when_the_machine_itself_changed_between_runs() {
    let (mut a, mut b) = (load("results-a.json"), load("results-b.json"));
    a.env.calibration =
        [("fan-out.unit_ns".to_string(), 0.94), ("http.syscall_ns".to_string(), 250.0)].into();
    // The VM after a reboot: the LCG step 1.41 × dearer; a system call within 10 %.
    b.env.calibration =
        [("fan-out.unit_ns".to_string(), 1.326), ("http.syscall_ns".to_string(), 270.0)].into();
    let text = compare::compare(&runs(&[&a, &b]), 0.03).unwrap();
    assert!(
        text.contains("note: the machine itself changed (A → B): fan-out.unit_ns 0.940 → 1.326 (1.41 ×);"),
        "{text}"
    );
    assert!(!text.contains("http.syscall_ns 250"), "{text}");
    // The same machine: no note.
    b.env.calibration = a.env.calibration.clone();
    let text = compare::compare(&runs(&[&a, &b]), 0.03).unwrap();
    assert!(!text.contains("the machine itself changed"), "{text}");
}

#[test]
fn compare_takes_any_number_of_runs_and_a_threshold() {
    let (a, b) = (load("results-a.json"), load("results-b.json"));
    // A third run: tokio 2 % slower than A everywhere — under the 3 % minimum effect.
    let mut c = a.clone();
    for r in c.cases.iter_mut().filter(|r| r.strategy == "tokio") {
        r.samples_ns.iter_mut().for_each(|s| *s = *s * 102 / 100);
        r.wall_ns = Stats::of(&r.samples_ns);
    }
    let text = compare::compare(&runs(&[&a, &b, &c]), 0.03).unwrap();
    let verdicts: Vec<&str> = text.lines().filter(|l| l.contains(" faster than A on ")).collect();
    assert_eq!(verdicts.len(), 2, "one verdict per run against the baseline:\n{text}");
    assert!(verdicts[0].starts_with("B is 2.00 × faster than A on 1 of 47"), "{}", verdicts[0]);
    assert_eq!(verdicts[1], "C is faster than A on 0 of 53 cases, slower on 0, can't tell on 53");
    // A 60 % threshold makes B's 1.5 × on threads "can't tell" too.
    let loose = compare::compare(&runs(&[&a, &b]), 0.6).unwrap();
    assert!(
        loose.contains("B is 2.00 × faster than A on 1 of 47 cases, slower on 0, can't tell on 46"),
        "{loose}"
    );
    assert!(loose.contains("beyond ±60 %"), "{loose}");
    // Runs that share no case with the baseline: one line, an error.
    let mut elsewhere = b.clone();
    elsewhere.cases.iter_mut().for_each(|r| r.case.push_str("-other"));
    let err = compare::compare(&runs(&[&a, &b, &elsewhere]), 0.03).unwrap_err();
    assert_eq!(err, "A and C share no case: nothing to compare");
    assert!(compare::compare(&runs(&[&a]), 0.03).is_err());
}

#[test]
fn compare_refuses_different_schemas() {
    let a = load("results-a.json");
    let mut b = load("results-b.json");
    b.schema = "shootout/2".to_string();
    let err = compare::compare(&runs(&[&a, &b]), 0.03).unwrap_err();
    assert!(err.contains("\"shootout/1\"") && err.contains("\"shootout/2\""), "{err}");
    assert!(compare::compare_markdown(&runs(&[&b, &a]), 0.03).is_err());
    // A file of another schema does not even load.
    let text = std::fs::read_to_string(data("results-b.json")).unwrap().replace("shootout/1", "shootout/0");
    assert!(Results::from_json(&text).unwrap_err().contains("shootout/0"));
}

/// Parses the whole document, failing on any malformed or mismatched tag.
fn assert_well_formed_svg(path: &Path) -> String {
    use quick_xml::events::Event;
    let svg = std::fs::read_to_string(path).unwrap();
    let mut reader = quick_xml::Reader::from_str(&svg);
    let (mut depth, mut root, mut texts) = (0i32, None::<String>, String::new());
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                root.get_or_insert_with(|| String::from_utf8_lossy(e.name().as_ref()).into_owned());
                depth += 1;
            }
            Ok(Event::End(_)) => depth -= 1,
            Ok(Event::Empty(e)) => {
                root.get_or_insert_with(|| String::from_utf8_lossy(e.name().as_ref()).into_owned());
            }
            Ok(Event::Text(t)) => texts.push_str(&String::from_utf8_lossy(&t)),
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("{}: not well-formed at {}: {e}", path.display(), reader.buffer_position()),
        }
        assert!(depth >= 0, "{}: a closing tag without its opening", path.display());
    }
    assert_eq!(depth, 0, "{}: unclosed elements", path.display());
    assert_eq!(root.as_deref(), Some("svg"), "{}", path.display());
    texts
}

#[test]
fn charts_are_written_as_well_formed_svg_titled_with_the_machine() {
    let results = load("results-a.json");
    let dir = scratch_dir("charts");
    let paths = plot::write_charts(&results, &dir).unwrap();
    let names: Vec<String> =
        paths.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert_eq!(
        names,
        [
            "sleep-timer-time.svg",
            "sleep-memory-time.svg",
            "sleep-memory-memory.svg",
            "fanout-cpu-n1000.svg",
            "http-reuse-m1000-l10ms.svg",
            "queue-throughput.svg",
            "queue-consumers-wait-10ms.svg",
        ]
    );
    for path in &paths {
        let text = assert_well_formed_svg(path);
        assert!(text.contains("Test CPU 9000 · 2 cores · W = 2 · 2026-01-02"), "{}: {text}", path.display());
        for strategy in ["tokio", "smol"] {
            assert!(text.contains(strategy), "{}: no {strategy} in the legend", path.display());
        }
    }
    let timer = assert_well_formed_svg(&dir.join("sleep-timer-time.svg"));
    assert!(timer.contains("sleep/timer: wall time for N tasks that each wait 10 ms"), "{timer}");
    let memory = assert_well_formed_svg(&dir.join("sleep-memory-time.svg"));
    assert!(memory.contains("each wait until 100 ms after the last spawn"), "{memory}");
    // threads failed at N = 1,000: the failure is labelled in the plot (tests/charts.rs says more).
    assert!(timer.contains("threads — failed: thread limit"), "{timer}");
    let http = assert_well_formed_svg(&dir.join("http-reuse-m1000-l10ms.svg"));
    assert!(http.contains("requests/s") && http.contains("p99 latency"), "{http}");
    // The chart list without writing matches what was written.
    let titles: Vec<String> = plot::chart_titles(&results).into_iter().map(|(f, _)| f).collect();
    assert_eq!(titles, names);
    // Writing again replaces the files and leaves no temporary files behind.
    plot::write_charts(&results, &dir).unwrap();
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), names.len());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn charts_are_skipped_when_their_data_is_absent() {
    let mut results = load("results-a.json");
    // One N per sleep variant, no sweep anywhere else: nothing to draw a line through.
    results.cases.retain(|r| r.case == "sleep/timer/n=100/d=10ms" || r.case == "sleep/baseline/d=1ms");
    let dir = scratch_dir("nocharts");
    assert_eq!(plot::write_charts(&results, &dir).unwrap(), Vec::<PathBuf>::new());
    // A sweep whose every point failed draws nothing either.
    let mut failed = load("results-a.json");
    failed.cases.retain(|r| r.workload == "fan-out");
    for r in &mut failed.cases {
        r.status = Status::Failed;
        r.verified = false;
    }
    assert!(plot::write_charts(&failed, &dir).unwrap().is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn criterion_estimates_render_in_the_same_layout() {
    let md = criterion_tables::render(&data("criterion")).unwrap();
    // Workloads in the published order, strategies in the registry's order; `base` runs ignored.
    let sleep = md.find("#### sleep/timer/n=100/d=10ms").unwrap();
    let queue = md.find("#### queue/spsc/p=1/c=1/b=1024/m=200000").unwrap();
    assert!(sleep < queue, "{md}");
    let rows: Vec<&str> =
        md[sleep..queue].lines().filter(|l| l.starts_with("| ") && !l.starts_with("| strategy")).collect();
    assert_eq!(rows.len(), 3, "{md}");
    assert!(
        rows[0].starts_with("| threads | 13.0 ms | 12.9 ms – 13.1 ms | 12.9 ms – 13.3 ms | 1.27 | 5 |"),
        "{}",
        rows[0]
    );
    assert!(rows[1].starts_with("| tokio | 10.4 ms |") && rows[1].contains("| 1.02 ≈ |"), "{}", rows[1]);
    assert!(rows[2].starts_with("| smol | 10.2 ms |") && rows[2].contains("| 1.00 |"), "{}", rows[2]);
    assert!(md[queue..].contains("| smol | 25.0 ms |") && md[queue..].contains("| 1.25 |"));

    let err = criterion_tables::render(&data("no-such-dir")).unwrap_err();
    assert!(err.contains("cargo bench"), "{err}");
    let empty = scratch_dir("criterion-empty");
    std::fs::create_dir_all(&empty).unwrap();
    assert!(criterion_tables::render(&empty).unwrap_err().contains("no */new/estimates.json"));
    std::fs::remove_dir_all(&empty).unwrap();
}

/// The README holds the answer (guide, rankings, charts); report.md holds every case's table.
#[test]
fn the_readme_summary_is_the_answer_without_the_per_case_tables() {
    let results = load("results-a.json");
    let summary = report::summary_with_charts(&results, &[]);
    let full = report::render(&results);
    assert!(summary.contains("### Decision guide") && summary.contains("### Ranking per workload"));
    assert!(!summary.contains("#### sleep/timer/n=100/d=10ms"), "{summary}");
    assert!(full.starts_with(&summary) && full.contains("#### sleep/timer/n=100/d=10ms"));
    assert!(summary.lines().count() <= 250, "{} lines", summary.lines().count());
}

#[test]
fn a_geomean_lead_under_the_minimum_effect_is_shared_not_a_win() {
    let mut results = load("results-a.json");
    let (one, two) = ("fan-out/cpu/n=1000/k=100", "fan-out/cpu/n=1000/k=10000");
    let steady = |ms: u64| [ms * 1_000_000 - 10_000, ms * 1_000_000, ms * 1_000_000 + 10_000];
    let mut set = |rayon: [u64; 2], threads: [u64; 2]| {
        for (case, i) in [(one, 0), (two, 1)] {
            for row in results.cases.iter_mut().filter(|r| r.case == case) {
                let ms = match row.strategy.as_str() {
                    "rayon" => rayon[i],
                    "threads" => threads[i],
                    _ => 300,
                };
                set_samples(row, &steady(ms));
            }
        }
        (report::render(&results), terminal::verdict(&results, Layout::fit(100)))
    };
    // Each wins one case by 4 %: geomeans 1.02 × best apiece. Neither is "best overall".
    let (md, verdict) = set([100, 104], [104, 100]);
    // Nor the one winner of the run's closing answers.
    let answer = verdict.lines().find(|l| l.starts_with("- CPU-bound fan-out:")).expect(&verdict);
    assert!(
        answer.starts_with("- CPU-bound fan-out: rayon, threads (within 3 %)")
            || answer.starts_with("- CPU-bound fan-out: threads, rayon (within 3 %)"),
        "{answer}"
    );
    let line = guide_line(&md, "**CPU-bound fan-out**");
    assert!(line.contains("lead overall, within 3 % of each other (geomean 1.02–1.02 × best)"), "{line}");
    let lead = line.find("lead overall").unwrap();
    assert!(line.find("**rayon**").unwrap() < lead && line.find("**threads**").unwrap() < lead, "{line}");
    // A 7 % lead in the geomean is one.
    let (md, verdict) = set([100, 105], [120, 100]);
    let line = guide_line(&md, "**CPU-bound fan-out**");
    assert!(line.contains("**rayon** best overall (geomean 1.02 × best)"), "{line}");
    let answer = verdict.lines().find(|l| l.starts_with("- CPU-bound fan-out:")).expect(&verdict);
    assert!(answer.starts_with("- CPU-bound fan-out: rayon; threads"), "{answer}");
}
