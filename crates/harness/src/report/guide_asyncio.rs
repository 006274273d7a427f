//! The decision guide's "coming from asyncio" lines: for each workload, python-asyncio's
//! verified time beside the best Rust strategy's on the same cases, and the tutorials' own
//! figures beside both, read from the results.

use shootout_core::results::{CaseResult, Stats, Status};

use super::cases::{CaseView, measured};
use super::format::{count, duration, join_and, plural, ratio};
use super::ranking::{fine_grained, geomean, is_floor};
use super::tie::{MIN_EFFECT, Verdict, compare_rows};

/// The asyncio reference column.
pub const PYTHON: &str = "python-asyncio";

/// Rows of programs in other languages, never "the best Rust strategy".
fn is_external(strategy: &str) -> bool {
    strategy.starts_with("python-")
}

/// One line per workload whose cases include a python-asyncio row (none when no case does),
/// then the tutorials' figures when the results hold their cases.
pub fn coming_from_asyncio(views: &[CaseView<'_>]) -> Vec<String> {
    let mut lines = Vec::new();
    for workload in ["sleep", "fan-out", "http", "queue"] {
        // As in the rest of the guide, fine-grained waits measure the timer, not the runtime;
        // the single-sleep baselines have their own timer-precision line.
        let family: Vec<&CaseView<'_>> = views
            .iter()
            .filter(|v| v.workload == workload && !fine_grained(v) && v.variant() != "baseline")
            .filter(|v| v.row(PYTHON).is_some())
            .collect();
        if family.is_empty() {
            continue;
        }
        let mut pairs: Vec<(&CaseView<'_>, Stats, &CaseResult, Stats)> = Vec::new();
        let mut not_completed: Vec<String> = Vec::new();
        for v in &family {
            let Some(py) = v.row(PYTHON).and_then(measured) else {
                let status = v.row(PYTHON).map_or("missing", |r| r.status.name());
                not_completed.push(format!("{} ({status})", v.name));
                continue;
            };
            // In a hand-off case (queue) sequential is the floor, not a Rust strategy to adopt.
            let rust = v
                .rows
                .iter()
                .filter(|r| !is_external(&r.strategy) && !is_floor(r))
                .filter_map(|r| Some((*r, measured(r)?)))
                .min_by_key(|(_, s)| s.median);
            if let Some((row, best)) = rust {
                pairs.push((v, py, row, best));
            }
        }
        let mut line = format!("**Coming from asyncio, {workload}** ({}): ", plural(family.len(), "case"));
        let ratios: Vec<f64> = pairs
            .iter()
            .map(|(_, py, _, best)| py.median.max(1) as f64 / best.median.max(1) as f64)
            .collect();
        match geomean(&ratios) {
            None => line.push_str("python-asyncio completed none of them beside a Rust strategy"),
            Some(g) => {
                let lo = ratios.iter().copied().fold(f64::INFINITY, f64::min);
                let hi = ratios.iter().copied().fold(0.0, f64::max);
                line.push_str(&format!(
                    "python-asyncio took {} × the best Rust strategy's time (geomean over {} completed, {}–{})",
                    ratio(g),
                    plural(pairs.len(), "case"),
                    ratio(lo),
                    ratio(hi)
                ));
                let mut winners: Vec<String> = Vec::new();
                for (_, _, row, _) in &pairs {
                    if !winners.contains(&row.strategy) {
                        winners.push(row.strategy.clone());
                    }
                }
                line.push_str(&format!("; the best Rust strategy there: {}", join_and(&winners)));
                // The largest case both completed, as the example a reader can look up.
                if let Some((v, py, row, best)) = pairs.iter().max_by_key(|(v, ..)| v.size().unwrap_or(0)) {
                    line.push_str(&format!(
                        "; e.g. {}: python-asyncio {} against {} {}",
                        v.name,
                        duration(py.median as f64),
                        row.strategy,
                        duration(best.median as f64)
                    ));
                }
            }
        }
        if !not_completed.is_empty() {
            line.push_str(&format!("; python-asyncio did not complete {}", join_and(&not_completed)));
        }
        line.push('.');
        lines.push(line);
    }
    lines.extend(tutorial_lines(views));
    lines
}

/// One figure of the Python asyncio tutorials this project grew from (README), as they state it.
pub struct Figure {
    /// The case that reproduces it (core's `tutorial_cases`, full preset).
    pub case: &'static str,
    pub what: &'static str,
    /// The tutorials' claim, serial then concurrent.
    pub claim: &'static str,
    /// Connections the tutorials' code opens at once with aiohttp's default connector
    /// (`TCPConnector(limit=100)`), for the HTTP figures: their own code's floor is
    /// ⌈M / 100⌉ × L, not the ≈ 1 s they state.
    pub aiohttp_pool: Option<u64>,
}

/// The tutorials' figures, in the order the guide gives them.
pub const FIGURES: &[Figure] = &[
    Figure {
        case: "sleep/timer/n=5/d=1s",
        what: "five tasks that each sleep 1 s",
        claim: "sequential 5 s, `asyncio.gather` 1 s",
        aiohttp_pool: None,
    },
    Figure {
        case: "http/reuse/m=1000/c=1000/l=1s",
        what: "1,000 HTTP calls to a server that sleeps 1 s",
        claim: "serial ≈ 1,000 s, concurrent (all at once with `gather`) ≈ 1 s",
        aiohttp_pool: Some(100),
    },
    Figure {
        case: "http/reuse/m=10000/c=10000/l=1s",
        what: "10,000 HTTP calls to a server that sleeps 1 s",
        claim: "serial ≈ 10,000 s, concurrent ≈ 1 s (plus what 10,000 connections cost)",
        aiohttp_pool: Some(100),
    },
];

/// The strategy whose time is the tutorials' "serial".
const SERIAL: &str = "sequential";

/// A time of seconds and more, readable at a glance: `5.01 s`, `1,002 s (16.7 min)`,
/// `10,016 s (2.8 h)`.
fn long(ns: f64) -> String {
    let s = ns / 1e9;
    match s {
        _ if s >= 7_200.0 => format!("{} s ({:.1} h)", count(s.round() as u64), s / 3_600.0),
        _ if s >= 100.0 => format!("{} s ({:.1} min)", count(s.round() as u64), s / 60.0),
        _ => duration(ns),
    }
}

/// The verified time of `strategy` in `view`, or "not measured" with the row's status.
fn measured_text(view: Option<&CaseView<'_>>, strategy: &str) -> String {
    let row = view.and_then(|v| v.row(strategy));
    match row.and_then(|r| Some((r, measured(r)?))) {
        Some((_, s)) => long(s.median as f64),
        None => match row {
            Some(r) => format!("not measured ({})", r.status.name()),
            None => "not measured".into(),
        },
    }
}

/// The serial figure: sequential's verified time, or the prediction the budget skipped it with.
fn serial_text(view: Option<&CaseView<'_>>) -> String {
    let row = view.and_then(|v| v.row(SERIAL));
    match row {
        Some(r) if measured(r).is_some() => format!("{SERIAL} {} (measured)", measured_text(view, SERIAL)),
        Some(r) if r.status == Status::Skipped && r.predicted_ns.is_some() => format!(
            "{SERIAL} predicted {} (not run: over the run's budget)",
            long(r.predicted_ns.unwrap_or(0) as f64)
        ),
        _ => format!("{SERIAL} {}", measured_text(view, SERIAL)),
    }
}

/// A heading line and one line per tutorial figure, when the results hold any figure's case
/// (none otherwise: the quick preset has none). A figure whose rows are missing or did not
/// verify says "not measured"; no number is ever filled in.
pub fn tutorial_lines(views: &[CaseView<'_>]) -> Vec<String> {
    // The full preset names its cases at the machine's W (`…/w=2`): the figure is the base name.
    let find = |case: &str| views.iter().find(|v| super::sweep_base(v.name) == case && !v.other_w);
    if FIGURES.iter().all(|f| find(f.case).is_none()) {
        return Vec::new();
    }
    let mut lines = vec![
        "**Coming from asyncio: the tutorials' own figures.** The Python asyncio tutorials this project grew \
         from state the figures below; each line puts their claim beside python-asyncio and the best Rust \
         strategy measured here (verified rows only), and the serial figure: sequential's measured time, or \
         its prediction where the budget skipped it."
            .to_string(),
    ];
    for f in FIGURES {
        let view = find(f.case);
        let rust = view.and_then(|v| {
            v.rows
                .iter()
                .filter(|r| !is_external(&r.strategy) && r.strategy != SERIAL)
                .filter_map(|r| Some((*r, measured(r)?)))
                .min_by_key(|(_, s)| s.median)
        });
        let rust = match (rust, view) {
            (Some((row, s)), Some(v)) => {
                // Which one is "best" is noise when others tie with it (five 1 s sleeps).
                let ties = v
                    .rows
                    .iter()
                    .filter(|r| !is_external(&r.strategy) && !std::ptr::eq(**r, row) && measured(r).is_some())
                    .filter(|r| compare_rows(row, r, MIN_EFFECT).is_some_and(|(_, v)| v == Verdict::Tie))
                    .count();
                let also = if ties > 0 {
                    format!(" ({} within noise of it)", plural(ties, "other"))
                } else {
                    String::new()
                };
                format!("{} {}{also}", row.strategy, long(s.median as f64))
            }
            _ => "not measured".into(),
        };
        let mut line = format!(
            "**Tutorial: {}** — the tutorials: {}. Measured here (`{}`): {PYTHON} {}; best Rust strategy {}; \
             serial: {}",
            f.what,
            f.claim,
            f.case,
            measured_text(view, PYTHON),
            rust,
            serial_text(view)
        );
        if let (Some(pool), Some(v)) = (f.aiohttp_pool, view)
            && let (Some(m), Some(l)) =
                (v.size(), v.rows.first().and_then(|r| super::param_f64(r, "latency_ms")))
        {
            line.push_str(&format!(
                ". The tutorials' code as written, on one aiohttp session, holds at most {pool} connections \
                 (aiohttp's default connector): ⌈{}/{pool}⌉ × {} = {} by arithmetic, not measured",
                count(m),
                duration(l * 1e6),
                long(m.div_ceil(pool) as f64 * l * 1e6)
            ));
        }
        line.push('.');
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use shootout_core::results::{CaseResult, Status};

    use super::*;

    fn row(case: &str, strategy: &str, median_ms: Option<u64>) -> CaseResult {
        let workload = case.split('/').next().unwrap();
        let mut r = CaseResult::empty(workload, case, serde_json::json!({"tasks": 100}), strategy, 1);
        if let Some(ms) = median_ms {
            let ns = ms * 1_000_000;
            (r.status, r.verified) = (Status::Ok, true);
            r.wall_ns = Some(Stats { median: ns, min: ns, max: ns });
        } else {
            r.status = Status::Timeout;
        }
        r
    }

    #[test]
    fn python_beside_the_best_rust_strategy_from_the_results() {
        let rows = [
            row("sleep/timer/n=100/d=10ms", "tokio", Some(10)),
            row("sleep/timer/n=100/d=10ms", "smol", Some(20)),
            row("sleep/timer/n=100/d=10ms", PYTHON, Some(40)),
            row("sleep/blocking/n=100/d=10ms", "tokio", Some(20)),
            row("sleep/blocking/n=100/d=10ms", PYTHON, None),
            row("queue/spsc/p=1/c=1/b=1/m=10", "tokio", Some(5)),
        ];
        let views: Vec<CaseView<'_>> = ["sleep/timer/n=100/d=10ms", "sleep/blocking/n=100/d=10ms"]
            .iter()
            .filter_map(|case| CaseView::of(rows.iter().filter(|r| r.case == *case).collect()))
            .chain(CaseView::of(vec![&rows[5]]))
            .collect();
        let lines = coming_from_asyncio(&views);
        // The queue case has no python row: no queue line.
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert_eq!(
            lines[0],
            "**Coming from asyncio, sleep** (2 cases): python-asyncio took 4.00 × the best Rust strategy's time \
             (geomean over 1 case completed, 4.00–4.00); the best Rust strategy there: tokio; e.g. \
             sleep/timer/n=100/d=10ms: python-asyncio 40.0 ms against tokio 10.0 ms; python-asyncio did not \
             complete sleep/blocking/n=100/d=10ms (timeout)."
        );
    }

    #[test]
    fn in_queue_cases_python_is_set_beside_the_best_hand_off_not_the_single_thread_floor() {
        let case = "queue/mpmc/p=4/c=4/b=1024/m=1000";
        let rows =
            [row(case, "sequential", Some(1)), row(case, "smol", Some(4)), row(case, PYTHON, Some(40))];
        let views: Vec<CaseView<'_>> = CaseView::of(rows.iter().collect()).into_iter().collect();
        let lines = coming_from_asyncio(&views);
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert!(lines[0].contains("took 10.0 × the best Rust strategy's time"), "{}", lines[0]);
        assert!(lines[0].contains("python-asyncio 40.0 ms against smol 4.00 ms"), "{}", lines[0]);
        assert!(!lines[0].contains("sequential"), "{}", lines[0]);
    }

    fn http_row(
        strategy: &str,
        status: Status,
        median_ms: Option<u64>,
        predicted_s: Option<u64>,
    ) -> CaseResult {
        let params = serde_json::json!({"requests": 1000, "concurrency": 1000, "latency_ms": 1000.0});
        let mut r = CaseResult::empty("http", FIGURES[1].case, params, strategy, 3);
        r.status = status;
        if let Some(ms) = median_ms {
            let ns = ms * 1_000_000;
            r.verified = status == Status::Ok;
            r.wall_ns = Some(Stats { median: ns, min: ns, max: ns });
        }
        r.predicted_ns = predicted_s.map(|s| s * 1_000_000_000);
        r
    }

    #[test]
    fn a_tutorial_figure_beside_python_the_best_rust_strategy_and_the_serial_prediction() {
        let rows = [
            http_row("sequential", Status::Skipped, None, Some(1_002)),
            http_row("threads", Status::Ok, Some(1_150), None),
            http_row("tokio", Status::Ok, Some(1_020), None),
            // Faster, but not verified: never the best.
            http_row("smol", Status::Failed, Some(900), None),
            http_row(PYTHON, Status::Ok, Some(1_400), None),
        ];
        let views: Vec<CaseView<'_>> = CaseView::of(rows.iter().collect()).into_iter().collect();
        let lines = tutorial_lines(&views);
        // The heading, then every figure: the two not in the results say so.
        assert_eq!(lines.len(), 1 + FIGURES.len(), "{lines:#?}");
        assert!(lines[0].starts_with("**Coming from asyncio: the tutorials' own figures.**"));
        assert_eq!(
            lines[2],
            "**Tutorial: 1,000 HTTP calls to a server that sleeps 1 s** — the tutorials: serial ≈ 1,000 s, \
             concurrent (all at once with `gather`) ≈ 1 s. Measured here (`http/reuse/m=1000/c=1000/l=1s`): \
             python-asyncio 1.40 s; best Rust strategy tokio 1.02 s; serial: sequential predicted 1,002 s \
             (16.7 min) (not run: over the run's budget). The tutorials' code as written, on one aiohttp \
             session, holds at most 100 connections (aiohttp's default connector): ⌈1,000/100⌉ × 1.00 s = \
             10.0 s by arithmetic, not measured."
        );
        // Figures whose case is not in the results: "not measured", never a number.
        assert_eq!(
            lines[1],
            "**Tutorial: five tasks that each sleep 1 s** — the tutorials: sequential 5 s, `asyncio.gather` 1 s. \
             Measured here (`sleep/timer/n=5/d=1s`): python-asyncio not measured; best Rust strategy not \
             measured; serial: sequential not measured."
        );
        assert!(
            lines[3].contains("python-asyncio not measured; best Rust strategy not measured"),
            "{}",
            lines[3]
        );
    }

    #[test]
    fn a_missing_or_failed_python_row_is_not_measured_and_a_run_serial_row_is_measured() {
        let mut seq = http_row("sequential", Status::Ok, Some(5_010), None);
        seq.case = FIGURES[0].case.into();
        let mut tokio = http_row("tokio", Status::Ok, Some(1_001), None);
        tokio.case = FIGURES[0].case.into();
        let mut py = http_row(PYTHON, Status::Timeout, None, None);
        py.case = FIGURES[0].case.into();
        // As the full preset names it, at the machine's W.
        let (seq, tokio, py) = [seq, tokio, py]
            .map(|mut r| {
                r.case.push_str("/w=2");
                r
            })
            .into();
        let rows = [seq, tokio, py];
        let views: Vec<CaseView<'_>> = CaseView::of(rows.iter().collect()).into_iter().collect();
        let lines = tutorial_lines(&views);
        assert!(
            lines[1].contains("python-asyncio not measured (timeout); best Rust strategy tokio 1.00 s; serial: sequential 5.01 s (measured)"),
            "{}",
            lines[1]
        );
        // Without the python row at all.
        let views: Vec<CaseView<'_>> = CaseView::of(rows[..2].iter().collect()).into_iter().collect();
        assert!(tutorial_lines(&views)[1].contains("python-asyncio not measured;"));
    }

    #[test]
    fn no_tutorial_case_no_lines() {
        let rows = [row("sleep/timer/n=100/d=10ms", "tokio", Some(10))];
        let views: Vec<CaseView<'_>> = CaseView::of(rows.iter().collect()).into_iter().collect();
        assert!(tutorial_lines(&views).is_empty());
    }

    #[test]
    fn every_figure_is_a_case_of_the_full_preset_only() {
        use shootout_core::{Preset, catalog};
        for f in FIGURES {
            assert!(catalog::cases(Preset::Full).iter().any(|c| c.name == f.case), "{}", f.case);
            assert!(!catalog::cases(Preset::Quick).iter().any(|c| c.name == f.case), "{}", f.case);
        }
    }
}
