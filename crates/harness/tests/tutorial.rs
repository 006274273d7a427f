//! The tutorials' figures in the published report, from a hand-made results file
//! (tests/data/results-tutorial.json): each figure's line in the decision guide, with
//! "not measured" where a row is missing or did not verify, and the serial prediction.

use std::path::Path;

use shootout_core::results::Results;
use shootout_harness::report;

fn guide_lines() -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/results-tutorial.json");
    let results = Results::from_json(&std::fs::read_to_string(path).unwrap()).unwrap();
    let md = report::render(&results);
    let start = md.find("### Decision guide").expect("a decision guide");
    let end = start + md[start..].find("### Ranking").expect("the ranking after the guide");
    md[start..end].lines().filter_map(|l| l.strip_prefix("- ")).map(str::to_string).collect()
}

fn figure<'a>(lines: &'a [String], what: &str) -> &'a str {
    let head = format!("**Tutorial: {what}**");
    lines.iter().find(|l| l.starts_with(&head)).unwrap_or_else(|| panic!("no line for {what}: {lines:#?}"))
}

#[test]
fn the_guide_puts_each_tutorial_figure_beside_python_and_the_best_rust_strategy() {
    let lines = guide_lines();
    assert!(lines.iter().any(|l| l.starts_with("**Coming from asyncio: the tutorials' own figures.**")));
    let sleep = figure(&lines, "five tasks that each sleep 1 s");
    assert!(sleep.contains("the tutorials: sequential 5 s, `asyncio.gather` 1 s."), "{sleep}");
    assert!(
        sleep.contains(
            "python-asyncio 1.00 s; best Rust strategy threads 1.00 s (1 other within noise of it); serial: \
             sequential 5.00 s (measured)"
        ),
        "{sleep}"
    );
    let thousand = figure(&lines, "1,000 HTTP calls to a server that sleeps 1 s");
    assert!(
        thousand.contains(
            "python-asyncio 1.35 s; best Rust strategy tokio 1.04 s; serial: sequential predicted 1,002 s (16.7 min) \
             (not run: over the run's budget)"
        ),
        "{thousand}"
    );
    assert!(thousand.contains("⌈1,000/100⌉ × 1.00 s = 10.0 s by arithmetic, not measured"), "{thousand}");
    // No python row and a failed threads row: python is "not measured", tokio is the best.
    let ten = figure(&lines, "10,000 HTTP calls to a server that sleeps 1 s");
    assert!(
        ten.contains(
            "python-asyncio not measured; best Rust strategy tokio 1.61 s; serial: sequential predicted 10,016 s \
             (2.8 h)"
        ),
        "{ten}"
    );
}
