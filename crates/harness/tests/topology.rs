//! Topology in the report, from a hand-made worker sweep: the rounds at another W stay out of
//! the rankings and the guide but feed the scaling chart and line; the work-stealing and
//! one-thread-or-W lines read the right rows; the run's answers are one line per question.

use shootout_core::results::{CaseResult, Env, Results, Stats, Status};
use shootout_harness::report::{self, ranked, ranking};
use shootout_harness::terminal::{self, Layout};

const STRIPED: &str = "fan-out/skew/n=2000/k=100000/skew=striped";
const SCATTERED: &str = "fan-out/skew/n=2000/k=100000/skew=scattered";

fn row(case: &str, strategy: &str, workers: usize, ms: u64) -> CaseResult {
    let params = serde_json::json!({ "units": 2000, "work": 100000, "skew": case.rsplit('=').next() });
    let mut r = CaseResult::empty("fan-out", case, params, strategy, 3);
    r.status = Status::Ok;
    r.verified = true;
    // Three tight samples, so two rows 5 % apart are told apart by the tie rule.
    r.samples_ns = vec![ms * 1_000_000 - 1_000, ms * 1_000_000, ms * 1_000_000 + 1_000];
    r.wall_ns = Stats::of(&r.samples_ns);
    r.workers = Some(workers);
    r.ideal_ns = Some(100_000_000 * 2 / workers as u64);
    r
}

/// A sweep over W = 2 (the run's) and W = 1: tokio scales, tokio-per-core loses on the
/// striped case, tokio-current-thread and sequential run once (W fixed at 1).
fn sweep() -> Results {
    let mut results = Results::new(Env { workers: 2, cores: 2, ..Env::default() });
    for (case, per_core_at_2) in [(STRIPED, 330), (SCATTERED, 204)] {
        let at = |w: usize| format!("{case}/w={w}");
        results.cases.extend([
            row(&at(2), "sequential", 1, 400),
            row(&at(2), "tokio", 2, 200),
            row(&at(2), "tokio-current-thread", 1, 390),
            row(&at(2), "tokio-per-core", 2, per_core_at_2),
            row(&at(1), "tokio", 1, 380),
            row(&at(1), "tokio-per-core", 1, 385),
        ]);
    }
    results
}

#[test]
fn rounds_at_another_w_are_shown_but_not_ranked() {
    let results = sweep();
    let views = report::case_views(&results);
    assert_eq!(views.len(), 4, "every case keeps its table");
    let here: Vec<_> = views.iter().filter(|v| ranked(v)).collect();
    assert_eq!(here.len(), 2);
    assert!(
        here.iter().all(|v| v.name.ends_with("/w=2")),
        "{:?}",
        here.iter().map(|v| v.name).collect::<Vec<_>>()
    );
    let standings = ranking(&here, &report::strategies(&results));
    let tokio = standings.iter().find(|s| s.strategy == "tokio").unwrap();
    assert_eq!((tokio.rank, tokio.cases), (Some(1), 2), "ranked only on the run's W: {standings:?}");
}

#[test]
fn the_guide_measures_stealing_one_thread_and_scaling() {
    let results = sweep();
    let views = report::case_views(&results);
    let guide = report::decision_guide(&results, &views, &report::strategies(&results));
    let line = |label: &str| {
        guide
            .iter()
            .find(|l| l.contains(label))
            .unwrap_or_else(|| panic!("no {label} line in {guide:#?}"))
            .clone()
    };
    let stealing = line("**Work stealing**");
    assert!(stealing.contains("took 1.65 × multi-thread tokio's time"), "{stealing}");
    assert!(stealing.contains("1.02 × when they were scattered"), "{stealing}");
    let one = line("**One thread or W**");
    // 390 / 200 on both cases.
    assert!(one.contains("1.95 × on fan-out (2)"), "{one}");
    let scaling = line("**Scaling with W**");
    // tokio: 380 / 200 = 1.90; per-core: sqrt(385/330 × 385/204) = 1.48.
    assert!(scaling.contains("tokio 1.90 ×") && scaling.contains("tokio-per-core 1.48 ×"), "{scaling}");
    assert!(!scaling.contains("sequential"), "a fixed-W strategy has nothing to scale: {scaling}");
}

#[test]
fn the_run_closes_with_one_line_per_question() {
    let results = sweep();
    let text = terminal::verdict(&results, Layout::fit(100));
    let start = text.find("Decision guide").expect("a guide");
    let answers: Vec<&str> = text[start..].lines().skip(1).filter(|l| l.starts_with("- ")).collect();
    assert_eq!(answers.len(), 1, "one question in this file: {text}");
    assert!(answers[0].starts_with("- CPU-bound fan-out: tokio;"), "{}", answers[0]);
    assert!(text.lines().all(|l| l.chars().count() <= 100), "{text}");
}

#[test]
fn a_sweep_has_a_scaling_chart_and_the_other_charts_read_the_run_w() {
    let results = sweep();
    let titles = shootout_harness::plot::chart_titles(&results);
    assert!(titles.iter().any(|(file, _)| file == "scaling-fan-out.svg"), "{titles:?}");
    let dir = std::env::temp_dir().join(format!("shootout-topology-{}", std::process::id()));
    let written = shootout_harness::plot::write_charts(&results, &dir).unwrap();
    let svg = std::fs::read_to_string(written.iter().find(|p| p.ends_with("scaling-fan-out.svg")).unwrap())
        .unwrap();
    for strategy in ["tokio", "tokio-per-core", "sequential", "tokio-current-thread"] {
        assert!(svg.lines().any(|l| l.trim() == strategy), "{strategy} missing from the legend");
    }
    let _ = std::fs::remove_dir_all(&dir);
    // Without the sweep, no scaling chart.
    let mut single = results.clone();
    single.cases.retain(|r| r.case.ends_with("/w=2"));
    assert!(!shootout_harness::plot::chart_titles(&single).iter().any(|(f, _)| f.starts_with("scaling")));
}
