//! Open-loop latency is measured from each request's due time: a fake strategy that falls
//! behind its schedule shows its late starts in the percentiles, and a rate it cannot keep is
//! reported, not silently lowered.

use std::time::{Duration, Instant};

use shootout_core::http::{Answer, Digest, Rate, body};
use shootout_core::{HttpOutcome, HttpSpec, Overlap, RunError, Strategy, Summary, Target, WorkloadSpec};
use shootout_http::Plan;

/// One worker that takes `service` per request and answers it itself (no server): the right
/// body, stamped through the plan like every real client.
struct Slow {
    service: Duration,
}

impl Strategy for Slow {
    fn name(&self) -> &'static str {
        "slow"
    }

    fn workers(&self) -> usize {
        1
    }

    fn overlap(&self) -> Overlap {
        Overlap { timer: Some(1), blocking: Some(1) }
    }

    fn http(&self, spec: &HttpSpec, target: &Target) -> Result<HttpOutcome, RunError> {
        let plan = Plan::new(spec, target)?;
        let results = plan
            .ids(0, 1)
            .map(|id| {
                plan.wait_due(id);
                let start = Instant::now();
                std::thread::sleep(self.service);
                let b = body(id, spec.bytes);
                let answer = Answer::Response { status: 200, len: b.len() as u64, digest: Digest::of(&b) };
                plan.record(id, start, Ok(answer))
            })
            .collect();
        plan.finish([results])
    }
}

fn run(service: Duration, rate: f64, m: usize) -> (HttpOutcome, Summary) {
    let spec = HttpSpec::new(m, 1, Duration::from_millis(1)).with_rate(Rate::fixed(rate));
    spec.validate().unwrap();
    // Never connected to: the fake strategy answers itself.
    let target = Target::new("http://127.0.0.1:9");
    let outcome = spec.run(&Slow { service }, Some(&target)).unwrap();
    let summary = spec.verify(&outcome).unwrap();
    (outcome, summary)
}

#[test]
fn late_starts_show_up_in_the_percentiles() {
    // 5 ms per request at 1,000/s: request i starts ~4i ms late, the last ~160 ms.
    let (outcome, summary) = run(Duration::from_millis(5), 1000.0, 40);
    let raw_max = outcome.results.iter().map(|r| r.latency_ns).max().unwrap();
    let latency = summary.latency.unwrap();
    assert!(raw_max < 100_000_000, "each request alone is quick: {raw_max} ns");
    assert!(latency.p99 >= 150_000_000, "the backlog is in the p99: {latency:?}");
    assert!(latency.p50 >= 70_000_000, "and in the median: {latency:?}");
    assert!(latency.p999.is_some());
    let rate = &summary.notes["rate"];
    assert!(rate["late"].as_u64().unwrap() >= 35, "{rate}");
    assert!(rate["late_max_ns"].as_u64().unwrap() >= 150_000_000, "{rate}");
}

#[test]
fn an_unkeepable_rate_is_reported() {
    let (_, summary) = run(Duration::from_millis(5), 1000.0, 40);
    let rate = &summary.notes["rate"];
    assert_eq!(rate["kept"], false, "{rate}");
    assert_eq!(rate["target_per_s"], 1000.0, "the asked rate stays the asked rate: {rate}");
    let achieved = rate["achieved_per_s"].as_f64().unwrap();
    assert!(achieved < 250.0, "about 200/s achieved: {rate}");
    let warning = summary.notes["warning"].as_str().unwrap();
    assert!(warning.starts_with("rate not kept:") && warning.contains("of 1000/s asked"), "{warning}");
}

#[test]
fn a_keepable_rate_is_kept_and_measured_from_its_due_time() {
    // 2 ms per request at 100/s: every request starts on time and takes about 2 ms.
    let (_, summary) = run(Duration::from_millis(2), 100.0, 30);
    let rate = &summary.notes["rate"];
    assert_eq!(rate["kept"], true, "{rate}");
    assert!(!summary.notes.contains_key("warning"));
    let latency = summary.latency.unwrap();
    assert!((2_000_000..40_000_000).contains(&latency.p50), "{latency:?}");
}
