//! The JSON form of every workload's outcome, as an external strategy (a program in another
//! language) prints it: the same fields core verifies, with every timestamp in nanoseconds on
//! the machine's monotonic clock (`CLOCK_MONOTONIC`, Python's `time.monotonic_ns()`). Turning
//! a wire outcome into the core outcome checks that every stamp lies inside the program's own
//! start..end window, and nothing else: `verify` then judges exactly what the program reported.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::fanout::{Finish, Handed, UnitError};
use crate::http::{Answer, ErrorKind, HttpResult};
use crate::queue::{ConsumerReport, ProducerReport};
use crate::{FanOutOutcome, HttpOutcome, QueueOutcome, SleepOutcome, Span};

/// The program's run, as it stamped it: a wire stamp outside it is a lie or a bug.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub start_ns: u64,
    pub end_ns: u64,
    /// `start_ns` as an `Instant` of this process (the same clock), for [`Span`]s.
    pub start_at: Instant,
}

impl Window {
    /// A stamp as ns since the program's start, plus one (0 means "never", as in core's slots).
    fn at(&self, what: &str, t: u64) -> Result<u64, String> {
        if t < self.start_ns || t > self.end_ns {
            return Err(format!(
                "{what} stamp {t} lies outside the program's own run {}..{}",
                self.start_ns, self.end_ns
            ));
        }
        Ok(t - self.start_ns + 1)
    }

    fn span(&self, what: &str, (start, end): (u64, u64)) -> Result<(u64, u64), String> {
        Ok((self.at(what, start)?, self.at(what, end)?))
    }

    fn instant(&self, what: &str, t: u64) -> Result<Instant, String> {
        let since = self.at(what, t)? - 1;
        Ok(self.start_at + Duration::from_nanos(since))
    }
}

/// Sleep: every task's id in gather order, and when each waited (memory mode: from the last
/// spawn to the join instead).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct WireSleep {
    pub ids: Vec<usize>,
    #[serde(default)]
    pub waits: Vec<(u64, u64)>,
    #[serde(default)]
    pub held: Option<(u64, u64)>,
}

impl WireSleep {
    pub fn into_outcome(self, w: &Window) -> Result<SleepOutcome, String> {
        let waits = self
            .waits
            .into_iter()
            .map(|(s, e)| Ok(Span { start: w.instant("sleep wait", s)?, end: w.instant("sleep wait", e)? }))
            .collect::<Result<_, String>>()?;
        let held = self
            .held
            .map(|(s, e)| {
                Ok::<_, String>(Span {
                    start: w.instant("memory hold", s)?,
                    end: w.instant("memory hold", e)?,
                })
            })
            .transpose()?;
        Ok(SleepOutcome { ids: self.ids, waits, held })
    }
}

/// One fan-out result as the gather handed it over: a value, or `error` "failed" / "timed-out".
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WireHanded {
    pub index: usize,
    #[serde(default)]
    pub value: Option<u64>,
    #[serde(default)]
    pub error: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct WireFanOut {
    pub handed: Vec<WireHanded>,
    /// Per unit: (handing, handed) or null.
    pub finished: Vec<Option<(u64, u64)>>,
    /// Per unit: (start, end) or null.
    pub in_flight: Vec<Option<(u64, u64)>>,
    #[serde(default)]
    pub cancel_latency_ns: Vec<u64>,
    /// How many units the program created as tasks (`None`: it did not say).
    #[serde(default)]
    pub spawned: Option<usize>,
}

impl WireFanOut {
    pub fn into_outcome(self, w: &Window) -> Result<FanOutOutcome, String> {
        let mut handed = Vec::with_capacity(self.handed.len());
        for h in self.handed {
            let index = h.index;
            let result = match (h.value, h.error.as_deref()) {
                (Some(v), None) => Ok(v),
                (None, Some("failed")) => Err(UnitError::Failed { index }),
                (None, Some("timed-out")) => Err(UnitError::TimedOut { index }),
                _ => {
                    return Err(format!(
                        "unit {index}'s result must have either a value or an error \"failed\" / \"timed-out\""
                    ));
                }
            };
            handed.push(Handed { index, result });
        }
        let finished = self
            .finished
            .into_iter()
            .map(|f| {
                f.map(|s| w.span("fan-out finish", s).map(|(a, b)| Finish { handing: a, handed: b }))
                    .transpose()
            })
            .collect::<Result<_, String>>()?;
        let in_flight = self
            .in_flight
            .into_iter()
            .map(|s| s.map(|s| w.span("fan-out in-flight", s)).transpose())
            .collect::<Result<_, String>>()?;
        Ok(FanOutOutcome {
            handed,
            finished,
            in_flight,
            cancel_latency_ns: self.cancel_latency_ns,
            spawned: self.spawned,
        })
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct WireProducer {
    pub sent: u64,
    pub peak_depth: usize,
    /// (id, stamp) just before each timed send.
    pub sent_at: Vec<(u64, u64)>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct WireConsumer {
    pub processed: u64,
    pub id_sum: u64,
    pub id_hash: u64,
    pub received_at: Vec<(u64, u64)>,
    #[serde(default)]
    pub busy_ns: Vec<(u64, u64)>,
    pub saw_close: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct WireQueue {
    pub producers: Vec<WireProducer>,
    pub consumers: Vec<WireConsumer>,
    pub consumers_started: usize,
    pub units_alive: usize,
    #[serde(default)]
    pub acked: Option<u64>,
    pub stride: u64,
    /// The consumers added up the id hash (the spec's `hash_ids`).
    #[serde(default)]
    pub ids_hashed: bool,
}

impl WireQueue {
    pub fn into_outcome(self, w: &Window) -> Result<QueueOutcome, String> {
        let stamps = |what: &str, v: Vec<(u64, u64)>| -> Result<Vec<(u64, u64)>, String> {
            v.into_iter().map(|(id, t)| Ok((id, w.at(what, t)?))).collect()
        };
        let producers = self
            .producers
            .into_iter()
            .map(|p| {
                Ok(ProducerReport {
                    sent: p.sent,
                    peak_depth: p.peak_depth,
                    sent_at: stamps("queue send", p.sent_at)?,
                    // External programs run the queue closed-loop only (--rate is refused).
                    starts: None,
                })
            })
            .collect::<Result<_, String>>()?;
        let consumers = self
            .consumers
            .into_iter()
            .map(|c| {
                Ok(ConsumerReport {
                    processed: c.processed,
                    id_sum: c.id_sum,
                    id_hash: c.id_hash,
                    received_at: stamps("queue receive", c.received_at)?,
                    busy_ns: c
                        .busy_ns
                        .into_iter()
                        .map(|s| w.span("queue busy", s))
                        .collect::<Result<_, _>>()?,
                    saw_close: c.saw_close,
                })
            })
            .collect::<Result<_, String>>()?;
        Ok(QueueOutcome {
            producers,
            consumers,
            consumers_started: self.consumers_started,
            units_alive: self.units_alive,
            acked: self.acked,
            stride: self.stride,
            ids_hashed: self.ids_hashed,
        })
    }
}

/// One request: a response (status, body length, the body's `Digest`) or an error kind.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WireRequest {
    pub id: u64,
    pub start_ns: u64,
    pub latency_ns: u64,
    #[serde(default)]
    pub status: Option<u16>,
    #[serde(default)]
    pub len: u64,
    #[serde(default)]
    pub digest: u64,
    #[serde(default)]
    pub error: Option<ErrorKind>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct WireHttp {
    pub results: Vec<WireRequest>,
    #[serde(default)]
    pub error_samples: BTreeMap<ErrorKind, String>,
    /// The program digested every body (the spec's `digest_bodies`).
    #[serde(default = "digested_by_default")]
    pub bodies_digested: bool,
}

fn digested_by_default() -> bool {
    true
}

impl WireHttp {
    pub fn into_outcome(self, w: &Window) -> Result<HttpOutcome, String> {
        let results = self
            .results
            .into_iter()
            .map(|r| {
                let answer = match (r.status, r.error) {
                    (Some(status), None) => Answer::Response { status, len: r.len, digest: r.digest },
                    (None, Some(kind)) => Answer::Failed(kind),
                    _ => return Err(format!("request {} must have either a status or an error", r.id)),
                };
                w.at("http end", r.start_ns.saturating_add(r.latency_ns))?;
                Ok(HttpResult {
                    id: r.id,
                    start_ns: w.at("http start", r.start_ns)?,
                    latency_ns: r.latency_ns,
                    answer,
                })
            })
            .collect::<Result<_, String>>()?;
        Ok(HttpOutcome { results, error_samples: self.error_samples, bodies_digested: self.bodies_digested })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window() -> Window {
        Window { start_ns: 1_000, end_ns: 2_000, start_at: Instant::now() }
    }

    #[test]
    fn stamps_outside_the_window_are_refused() {
        let w = window();
        let ok = WireSleep { ids: vec![0], waits: vec![(1_000, 2_000)], held: None };
        assert_eq!(ok.into_outcome(&w).unwrap().waits[0].end - w.start_at, Duration::from_nanos(1_000));
        let early = WireSleep { ids: vec![0], waits: vec![(999, 1_500)], held: None };
        assert!(early.into_outcome(&w).unwrap_err().contains("outside the program's own run"));
        let held = WireSleep { ids: vec![0], waits: vec![], held: Some((1_200, 1_900)) };
        let held = held.into_outcome(&w).unwrap().held.unwrap();
        assert_eq!(held.end - held.start, Duration::from_nanos(700));
        let late = WireSleep { ids: vec![0], waits: vec![], held: Some((1_200, 2_001)) };
        assert!(late.into_outcome(&w).unwrap_err().contains("outside the program's own run"));
    }

    #[test]
    fn fan_out_results_parse_from_json() {
        let text = r#"{"handed":[{"index":0,"value":18446744073709551615},{"index":1,"error":"timed-out"}],
            "finished":[[1100,1100],null],"in_flight":[[1000,1100],[1000,1200]],"cancel_latency_ns":[5]}"#;
        let wire: WireFanOut = serde_json::from_str(text).unwrap();
        let o = wire.into_outcome(&window()).unwrap();
        assert_eq!(o.handed[0].result, Ok(u64::MAX));
        assert_eq!(o.handed[1].result, Err(UnitError::TimedOut { index: 1 }));
        assert_eq!(o.finished[0], Some(Finish { handing: 101, handed: 101 }));
        let bad: WireFanOut =
            serde_json::from_str(r#"{"handed":[{"index":0}],"finished":[],"in_flight":[]}"#).unwrap();
        assert!(bad.into_outcome(&window()).is_err());
    }

    #[test]
    fn http_results_need_a_status_or_an_error() {
        let text = r#"{"results":[{"id":0,"start_ns":1000,"latency_ns":10,"status":200,"len":32,"digest":7},
            {"id":1,"start_ns":1000,"latency_ns":10,"error":"reset"}],"error_samples":{"reset":"closed"}}"#;
        let wire: WireHttp = serde_json::from_str(text).unwrap();
        let o = wire.into_outcome(&window()).unwrap();
        assert_eq!(o.results[1].answer, Answer::Failed(ErrorKind::Reset));
        assert_eq!(o.error_samples[&ErrorKind::Reset], "closed");
    }
}
