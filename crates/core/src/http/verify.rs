//! Http verification: every request's answer against the expected one (body digest, injected
//! status, reset or timeout), each request exactly once, the concurrency limit from every
//! request's span, and the latency percentiles over every response (exact, nearest rank),
//! computed here after the clock stops — without trusting the client or the server.

use std::collections::BTreeMap;

use super::{Answer, Digest, Expected, HttpOutcome, HttpSpec, write_body};
use crate::spec::{Latency, Summary, Throughput};

/// Checks a strategy's outcome; `Err` says what is wrong.
pub(super) fn verify(spec: &HttpSpec, outcome: &HttpOutcome) -> Result<Summary, String> {
    let m = spec.requests;
    if outcome.results.len() != m {
        return Err(format!("expected {m} request results, got {}", outcome.results.len()));
    }
    if outcome.bodies_digested != spec.digest_bodies {
        return Err(format!(
            "the client {} the bodies, but the spec {}",
            if outcome.bodies_digested { "digested" } else { "did not digest" },
            if spec.digest_bodies { "asked for their digest" } else { "did not ask" },
        ));
    }
    let expected_digests = ExpectedDigests::new(spec.bytes);
    let mut seen = vec![false; m];
    let mut wrong = 0usize;
    let mut first_wrong = None;
    let mut errors: BTreeMap<&'static str, u64> = BTreeMap::new();
    let mut latencies: Vec<u64> = Vec::with_capacity(m);
    for r in &outcome.results {
        let index = usize::try_from(r.id)
            .ok()
            .filter(|&i| i < m)
            .ok_or_else(|| format!("a result has request id {}, outside 0..{m}", r.id))?;
        if std::mem::replace(&mut seen[index], true) {
            return Err(format!("request {} has two results", r.id));
        }
        match r.answer {
            Answer::Response { status, .. } => {
                if status != 200 {
                    *errors.entry("status").or_default() += 1;
                }
                latencies.push(r.latency_ns);
            }
            Answer::Failed(kind) => *errors.entry(kind.name()).or_default() += 1,
        }
        let expected = spec.expected(r.id);
        let right = match (expected, r.answer) {
            (Expected::Body, Answer::Response { status: 200, len, digest }) => {
                len == spec.bytes as u64 && (!spec.digest_bodies || digest == expected_digests.of(r.id))
            }
            (Expected::Status(want), Answer::Response { status, .. }) => status == want,
            (Expected::Failed(want), Answer::Failed(got)) => want == got,
            _ => false,
        };
        if !right {
            wrong += 1;
            first_wrong.get_or_insert_with(|| {
                let got = match r.answer {
                    Answer::Response { status: 200, len, .. } if expected == Expected::Body => {
                        format!("a 200 whose {len}-byte body does not match")
                    }
                    Answer::Failed(kind) => match outcome.error_samples.get(&kind) {
                        Some(said) => format!("a {} error ({said})", kind.name()),
                        None => format!("a {} error", kind.name()),
                    },
                    other => describe(&other),
                };
                format!("request {}: expected {expected}, got {got}", r.id)
            });
        }
    }
    if let Some(first) = first_wrong {
        return Err(format!("{wrong} of {m} answers wrong; first: {first}"));
    }
    let peak = outcome.peak_in_flight();
    if peak == 0 || peak > spec.concurrency {
        return Err(format!("peak in flight {peak} is impossible at concurrency {}", spec.concurrency));
    }
    let mut notes = BTreeMap::new();
    let latency = match &spec.rate {
        None => percentiles(latencies),
        Some(rate) => {
            // Open loop: latency from each request's due time, not from its actual start.
            let items = outcome.results.iter().map(|r| super::rate::Item {
                index: r.id as usize,
                start_ns: r.start_ns,
                end_ns: r.start_ns.saturating_add(r.latency_ns),
                counted: matches!(r.answer, Answer::Response { .. }),
            });
            let open = super::rate::analyse(rate, &rate.schedule(m), items);
            notes.insert("rate".into(), open.note());
            if let Some(warning) = open.warning() {
                notes.insert("warning".into(), warning.into());
            }
            open.latency
        }
    };
    let expected_faults = spec.faults.count(m);
    let mut by_kind = serde_json::Map::new();
    for kind in ["status", "reset", "timeout", "connect", "other"] {
        by_kind.insert(kind.into(), errors.get(kind).copied().unwrap_or(0).into());
    }
    notes.insert("errors".into(), serde_json::Value::Object(by_kind));
    if !spec.faults.is_none() {
        notes.insert(
            "injected".into(),
            serde_json::to_value(expected_faults).unwrap_or(serde_json::Value::Null),
        );
    }
    Ok(Summary {
        peak_in_flight: Some(peak),
        throughput: Some(Throughput { unit: "req/s".into(), count: m as u64 }),
        latency,
        notes,
    })
}

fn describe(answer: &Answer) -> String {
    match answer {
        Answer::Response { status, len, .. } => format!("status {status} with a {len}-byte body"),
        Answer::Failed(kind) => format!("a {} error", kind.name()),
    }
}

/// Nearest-rank percentiles of the responses' latencies; `None` without any response.
fn percentiles(mut latencies: Vec<u64>) -> Option<Latency> {
    latencies.sort_unstable();
    (!latencies.is_empty()).then(|| Latency::of_sorted(&latencies, false))
}

/// Digests of expected bodies, computed on demand (verify needs each once).
struct ExpectedDigests {
    bytes: usize,
    buf: std::cell::RefCell<Vec<u8>>,
}

impl ExpectedDigests {
    fn new(bytes: usize) -> Self {
        ExpectedDigests { bytes, buf: std::cell::RefCell::new(Vec::with_capacity(bytes)) }
    }

    fn of(&self, id: u64) -> u64 {
        let mut buf = self.buf.borrow_mut();
        buf.clear();
        write_body(id, self.bytes, &mut buf);
        Digest::of(&buf)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::super::{ErrorKind, Faults, HttpResult, body};
    use super::*;
    use crate::WorkloadSpec;

    fn spec(m: usize, c: usize) -> HttpSpec {
        HttpSpec::new(m, c, Duration::from_millis(10))
    }

    fn good(spec: &HttpSpec, id: u64) -> HttpResult {
        let answer = match spec.expected(id) {
            Expected::Body => {
                let b = body(id, spec.bytes);
                Answer::Response { status: 200, len: b.len() as u64, digest: Digest::of(&b) }
            }
            Expected::Status(status) => Answer::Response { status, len: 10, digest: 0 },
            Expected::Failed(kind) => Answer::Failed(kind),
        };
        HttpResult { id, start_ns: 1, latency_ns: 1_000 + id, answer }
    }

    /// The results in rounds of `peak` requests at once: round k starts at k × 100 µs, and
    /// every request of a round ends before the next round starts.
    fn outcome(spec: &HttpSpec, mut results: Vec<HttpResult>, peak: usize) -> HttpOutcome {
        for (k, r) in results.iter_mut().enumerate() {
            r.start_ns = (k / peak) as u64 * 100_000 + 1;
        }
        HttpOutcome { results, error_samples: BTreeMap::new(), bodies_digested: spec.digest_bodies }
    }

    #[test]
    fn verify_accepts_the_expected_answer_in_any_order() {
        let s = spec(8, 4);
        let mut results: Vec<_> = (0..8).map(|id| good(&s, id)).collect();
        results.reverse();
        let summary = s.verify(&outcome(&s, results, 4)).unwrap();
        assert_eq!(summary.peak_in_flight, Some(4));
        assert_eq!(summary.throughput.unwrap().count, 8);
        assert_eq!(summary.notes["errors"]["status"], 0);
    }

    /// A timed run reads the bodies without digesting them: verify checks status, length and
    /// each id once, and refuses an outcome whose client did the other thing than its spec
    /// asked.
    #[test]
    fn a_timed_run_is_checked_without_the_body_digest_and_the_verify_pass_with_it() {
        let checked = spec(8, 2);
        let timed = checked.clone().timed();
        assert!(checked.digest_bodies && !timed.digest_bodies);
        let digested: Vec<_> = (0..8).map(|id| good(&checked, id)).collect();
        let read: Vec<_> = digested
            .iter()
            .map(|r| match r.answer {
                Answer::Response { status, len, .. } => {
                    HttpResult { answer: Answer::Response { status, len, digest: 0 }, ..*r }
                }
                Answer::Failed(_) => *r,
            })
            .collect();
        assert!(checked.verify(&outcome(&checked, digested.clone(), 2)).is_ok());
        assert!(timed.verify(&outcome(&timed, read.clone(), 2)).is_ok());
        // Each spec refuses the other's outcome.
        assert!(checked.verify(&outcome(&timed, read.clone(), 2)).unwrap_err().contains("did not digest"));
        assert!(timed.verify(&outcome(&checked, digested, 2)).unwrap_err().contains("digested"));
        // The verify pass checks the bytes; a timed run still checks the length and the ids.
        assert!(
            checked
                .verify(&HttpOutcome { bodies_digested: true, ..outcome(&checked, read.clone(), 2) })
                .is_err()
        );
        let mut short = read.clone();
        short[3].answer = Answer::Response { status: 200, len: timed.bytes as u64 - 1, digest: 0 };
        assert!(timed.verify(&outcome(&timed, short, 2)).is_err());
        let mut twice = read;
        twice[3].id = 2;
        assert!(timed.verify(&outcome(&timed, twice, 2)).is_err());
    }

    #[test]
    fn verify_rejects_wrong_missing_and_duplicated_answers() {
        let s = spec(4, 2);
        let all: Vec<_> = (0..4).map(|id| good(&s, id)).collect();
        let mut bad_body = all.clone();
        bad_body[1].answer = Answer::Response { status: 200, len: s.bytes as u64, digest: 1 };
        let mut bad_status = all.clone();
        bad_status[2].answer = Answer::Response { status: 500, len: 3, digest: 0 };
        let mut timed_out = all.clone();
        timed_out[3].answer = Answer::Failed(ErrorKind::Timeout);
        let mut duplicated = all.clone();
        duplicated[3].id = 0;
        let mut out_of_range = all.clone();
        out_of_range[3].id = 4;
        let missing = all[..3].to_vec();
        for bad in [bad_body, bad_status, timed_out, duplicated, out_of_range, missing] {
            let o = outcome(&s, bad.clone(), 2);
            assert!(s.verify(&o).is_err(), "{bad:?} verified");
        }
        assert!(s.verify(&outcome(&s, all.clone(), 3)).is_err(), "peak above C");
        assert_eq!(s.verify(&outcome(&s, all, 1)).unwrap().peak_in_flight, Some(1));
    }

    #[test]
    fn percentiles_come_from_responses_only() {
        let s = spec(100, 1);
        let mut results: Vec<_> = (0..100).map(|id| good(&s, id)).collect();
        for r in &mut results {
            r.latency_ns = (r.id + 1) * 1_000;
        }
        results[99].answer = Answer::Failed(ErrorKind::Timeout);
        let l = percentiles(
            results
                .iter()
                .filter(|r| matches!(r.answer, Answer::Response { .. }))
                .map(|r| r.latency_ns)
                .collect(),
        )
        .unwrap();
        assert_eq!((l.p50, l.p90, l.p99, l.max), (50_000, 90_000, 99_000, 99_000));
        assert_eq!(percentiles(Vec::new()), None);
        let summary = s.verify(&outcome(&s, (0..100).map(|id| good(&s, id)).collect(), 1)).unwrap();
        assert_eq!(summary.latency.unwrap().max, 1_099);
    }

    #[test]
    fn faults_are_deterministic_and_verified_exactly() {
        let faults = Faults { error_rate: 0.1, reset_rate: 0.05, stall_rate: 0.05, seed: 9 };
        let s = spec(2_000, 10).with_faults(faults);
        let counts = faults.count(2_000);
        // Binomial(2000, p): the counts sit near M × rate.
        assert!((150..250).contains(&counts.errors), "{counts:?}");
        assert!((60..140).contains(&counts.resets), "{counts:?}");
        assert!((60..140).contains(&counts.stalls), "{counts:?}");
        assert_eq!(faults.count(2_000), counts);
        let results: Vec<_> = (0..2_000).map(|id| good(&s, id)).collect();
        let summary = s.verify(&outcome(&s, results.clone(), 10)).unwrap();
        assert_eq!(summary.notes["errors"]["status"], counts.errors);
        assert_eq!(summary.notes["errors"]["reset"], counts.resets);
        assert_eq!(summary.notes["errors"]["timeout"], counts.stalls);
        // A client that answers a faulted id normally, or fails a healthy one, is wrong.
        let faulted = (0..2_000u64).find(|&id| faults.fault_for(id).is_some()).unwrap();
        let healthy = (0..2_000u64).find(|&id| faults.fault_for(id).is_none()).unwrap();
        let mut masked = results.clone();
        let b = body(faulted, s.bytes);
        masked[faulted as usize].answer =
            Answer::Response { status: 200, len: b.len() as u64, digest: Digest::of(&b) };
        assert!(s.verify(&outcome(&s, masked, 10)).is_err());
        let mut extra = results;
        extra[healthy as usize].answer = Answer::Failed(ErrorKind::Reset);
        assert!(s.verify(&outcome(&s, extra, 10)).is_err());
        // Another seed faults other ids.
        let other = Faults { seed: 10, ..faults };
        assert!((0..2_000).any(|id| faults.fault_for(id) != other.fault_for(id)));
    }
}
