//! The charts read at a glance, checked in the SVG they are written as (from the hand-made
//! tests/data/results-a.json): unmeasured points labelled inside the plot, min–max bars where
//! the data puts them, the ideal line on the floor, W caps noted, ticks in the unit's own base
//! and readable queue categories.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use quick_xml::events::Event;
use shootout_core::results::Results;
use shootout_harness::plot;

fn load(name: &str) -> Results {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name);
    Results::from_json(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// One drawn element: its tag, attributes and text.
#[derive(Debug)]
struct Element {
    tag: String,
    attrs: BTreeMap<String, String>,
    text: String,
}

impl Element {
    fn num(&self, key: &str) -> f64 {
        self.attrs[key].parse().unwrap_or_else(|_| panic!("{key} of {self:?}"))
    }

    /// The points of a polyline.
    fn points(&self) -> Vec<(f64, f64)> {
        self.attrs
            .get("points")
            .map(|p| {
                p.split_whitespace()
                    .map(|xy| {
                        let (x, y) = xy.split_once(',').unwrap();
                        (x.parse().unwrap(), y.parse().unwrap())
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    fn stroke(&self) -> (&str, &str) {
        (
            self.attrs.get("stroke").map_or("", |s| s.as_str()),
            self.attrs.get("stroke-width").map_or("", |s| s.as_str()),
        )
    }
}

/// Every element of an SVG file, in drawing order.
fn elements(path: &Path) -> Vec<Element> {
    let svg = std::fs::read_to_string(path).unwrap();
    let mut reader = quick_xml::Reader::from_str(&svg);
    let mut out: Vec<Element> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    loop {
        let event = reader.read_event().unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let element = |e: &quick_xml::events::BytesStart| Element {
            tag: String::from_utf8_lossy(e.name().as_ref()).into_owned(),
            attrs: e
                .attributes()
                .map(|a| {
                    let a = a.unwrap();
                    (
                        String::from_utf8_lossy(a.key.as_ref()).into_owned(),
                        a.unescape_value().unwrap().into_owned(),
                    )
                })
                .collect(),
            text: String::new(),
        };
        match event {
            Event::Start(e) => {
                out.push(element(&e));
                open.push(out.len() - 1);
            }
            Event::Empty(e) => out.push(element(&e)),
            Event::End(_) => {
                open.pop();
            }
            Event::Text(t) => {
                if let Some(&i) = open.last() {
                    out[i].text.push_str(String::from_utf8_lossy(&t).trim());
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

fn text<'a>(svg: &'a [Element], content: &str) -> &'a Element {
    svg.iter()
        .find(|e| e.tag == "text" && e.text == content)
        .unwrap_or_else(|| panic!("no text {content:?} in {:?}", texts(svg)))
}

fn texts(svg: &[Element]) -> Vec<&str> {
    svg.iter().filter(|e| e.tag == "text").map(|e| e.text.as_str()).collect()
}

/// The plot frame of the (first) panel: the black axis lines plotters draws.
fn frame(svg: &[Element]) -> (f64, f64, f64, f64) {
    let axes: Vec<Vec<(f64, f64)>> = svg
        .iter()
        .filter(|e| e.tag == "polyline" && e.stroke() == ("#000000", "1"))
        .map(|e| e.points())
        .filter(|p| p.len() == 2 && ((p[0].0 - p[1].0).abs() > 100.0 || (p[0].1 - p[1].1).abs() > 100.0))
        .collect();
    let y_axis = axes.iter().find(|p| p[0].0 == p[1].0).expect("a y axis");
    let x_axis = axes.iter().find(|p| p[0].1 == p[1].1).expect("an x axis");
    (y_axis[0].0, x_axis[1].0, y_axis[0].1.min(y_axis[1].1), x_axis[0].1)
}

/// The colour the legend draws a strategy's line sample in.
fn legend_color(svg: &[Element], strategy: &str) -> String {
    let y = text(svg, strategy).num("y");
    svg.iter()
        .filter(|e| e.tag == "polyline" && e.stroke().1 == "2")
        .find(|e| e.points().iter().all(|p| p.1 == y))
        .map(|e| e.stroke().0.to_string())
        .unwrap_or_else(|| panic!("no legend line for {strategy}"))
}

fn write(name: &str) -> (PathBuf, Vec<PathBuf>) {
    let dir = std::env::temp_dir().join(format!("shootout-charts-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let paths = plot::write_charts(&load("results-a.json"), &dir).unwrap();
    (dir, paths)
}

#[test]
fn failed_and_skipped_points_are_labelled_inside_the_plot() {
    let (dir, _) = write("missing");
    let svg = elements(&dir.join("sleep-timer-time.svg"));
    let (left, right, top, bottom) = frame(&svg);
    for label in [
        "threads — failed: thread limit",
        // Skipped at N = 100 (predicted 1.0 s) and at N = 1,000 (the prediction in its reason).
        "sequential — skipped: predicted 1.0 s … 10.0 s",
        "rayon — skipped: predicted 5.00 s",
    ] {
        let t = text(&svg, label);
        let (x, y) = (t.num("x"), t.num("y"));
        assert!(
            x > left && x < right && y > top && y < bottom,
            "{label} at ({x}, {y}) outside {left}..{right} × {top}..{bottom}"
        );
    }
    assert!(texts(&svg).contains(&"not measured"));
    // W caps are noted: rayon held 2 in flight of N = 100.
    assert!(texts(&svg).contains(&"capped at W = 2"));
    assert!(texts(&svg).iter().any(|t| t.starts_with("rayon: capped at W = 2")), "{:?}", texts(&svg));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn error_bars_span_the_min_max_and_the_ideal_line_lies_on_the_floor() {
    let (dir, _) = write("bars");
    let svg = elements(&dir.join("sleep-timer-time.svg"));
    // Tick labels sit on their gridlines, so they fix the pixel of a time.
    let (y10, y20) = (text(&svg, "10 ms").num("y"), text(&svg, "20 ms").num("y"));
    let pixel = |ms: f64| y10 - (ms / 10.0).log2() * (y10 - y20);
    let smol = legend_color(&svg, "smol");
    let mut bars: Vec<(f64, f64)> = svg
        .iter()
        .filter(|e| e.tag == "polyline" && e.stroke() == (smol.as_str(), "1"))
        .map(|e| e.points())
        .filter(|p| p.len() == 2 && p[0].0 == p[1].0)
        .map(|p| (p[0].1.max(p[1].1), p[0].1.min(p[1].1)))
        .collect();
    bars.sort_by(|a, b| b.0.total_cmp(&a.0));
    // smol: 10.1–10.5 ms at N = 100, 10.7–11.2 ms at N = 1,000.
    assert_eq!(bars.len(), 2, "{bars:?}");
    for ((lo, hi), (min, max)) in bars.iter().zip([(10.1, 10.5), (10.7, 11.2)]) {
        assert!(
            (lo - pixel(min)).abs() <= 1.5 && (hi - pixel(max)).abs() <= 1.5,
            "{lo}–{hi} vs {min}–{max} ms"
        );
    }
    // The ideal: d = 10 ms for every N, a broad line along the 10 ms gridline.
    let ideal: Vec<Vec<(f64, f64)>> = svg
        .iter()
        .filter(|e| e.tag == "polyline" && e.stroke().1 == "5")
        .map(|e| e.points())
        .filter(|p| p.len() >= 2 && p.iter().all(|q| (q.1 - y10).abs() <= 1.0))
        .collect();
    assert_eq!(ideal.len(), 1, "no ideal line on the 10 ms gridline");
    assert!(texts(&svg).contains(&"ideal (floor)"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn ticks_step_in_the_units_own_base_and_axis_titles_name_units() {
    let (dir, paths) = write("ticks");
    let mantissa = |v: f64| v / 10f64.powf(v.log10().floor());
    for path in &paths {
        let svg = elements(path);
        for t in texts(&svg) {
            let Some((value, unit)) = t.split_once(' ') else { continue };
            let Ok(v) = value.parse::<f64>() else { continue };
            match unit {
                "ns" | "µs" | "ms" | "s" => {
                    let m = mantissa(v);
                    assert!(
                        [1.0, 2.0, 5.0].iter().any(|s| (m - s).abs() < 1e-9),
                        "{}: tick {t}",
                        path.display()
                    );
                }
                "B" | "KiB" | "MiB" | "GiB" => {
                    assert!(v.fract() == 0.0 && (v as u64).is_power_of_two(), "{}: tick {t}", path.display())
                }
                _ => {}
            }
        }
    }
    let memory = elements(&dir.join("sleep-memory-memory.svg"));
    assert!(texts(&memory).iter().any(|t| t.starts_with("memory per task (") && t.contains("log scale")));
    let http = elements(&dir.join("http-reuse-m1000-l10ms.svg"));
    assert!(texts(&http).contains(&"requests/s (log scale)"), "{:?}", texts(&http));
    assert!(texts(&http).iter().any(|t| t.starts_with("p99 latency (") && t.contains("ms")));
    assert!(texts(&http).contains(&"C, concurrent requests (log scale)"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn queue_categories_are_named_by_shape_and_capacity() {
    let (dir, _) = write("queue");
    let svg = elements(&dir.join("queue-throughput.svg"));
    let all = texts(&svg);
    assert!(all.contains(&"spsc b=1024") && all.contains(&"mpmc b=1024"), "{all:?}");
    assert!(all.iter().all(|t| !t.contains("p=1/c=1")), "{all:?}");
    assert!(all.iter().any(|t| t.starts_with("spsc 1→1, mpmc 4→4 (producers→consumers)")), "{all:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_failed_queue_case_is_labelled_on_its_row() {
    let mut results = load("results-a.json");
    let row = results
        .cases
        .iter_mut()
        .find(|r| r.case == "queue/spsc/p=1/c=1/b=1024/m=200000" && r.strategy == "tokio")
        .unwrap();
    row.status = shootout_core::results::Status::Failed;
    row.verified = false;
    row.error = Some("could not spawn thread 3: Resource temporarily unavailable (os error 11)".into());
    let dir = std::env::temp_dir().join(format!("shootout-charts-queue-failed-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    plot::write_charts(&results, &dir).unwrap();
    let svg = elements(&dir.join("queue-throughput.svg"));
    let label = text(&svg, "tokio — failed: thread limit");
    let row_label = text(&svg, "spsc b=1024");
    // On its case's row (strategies sit within ±0.35 of a row's height of 34 px).
    assert!((label.num("y") - row_label.num("y")).abs() < 20.0, "{label:?} vs {row_label:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}
