//! Rounds of one threads queue case in one process: shootout's threads strategy as a timed run
//! runs it (no id hash) and as the verify pass runs it (with the hash), the minimal program
//! (`shootout-minimal`), and the minimal program's own source compiled again here. Each round
//! runs every variant twice, in an order rotated and mirrored every round (A B C D D C B A, then
//! B C D A A D C B, …); each run is checked; it prints, per variant, the median over rounds of
//! its round total ÷ the minimal program's, with the p25–p75 of those ratios.
//!
//! Why: on two cores a bounded crossbeam row moves by a quarter with one instruction more a
//! message, and by as much with the same source compiled as another function (METHODOLOGY,
//! Fidelity, "The exactly-once hash is checked in the verify pass"). `shootout fidelity`
//! compares fresh processes, which adds their spread on top; rounds in one process are the
//! steadier measure of both effects.
//!
//! ```text
//! cargo run --release --example queue_rounds -- [P C [ROUNDS [CAPACITY [MESSAGES]]]]
//! ```
//! Defaults: 1 producer, 1 consumer, 30 rounds, capacity 1024 (0 = unbounded), 5M messages.

use std::time::Instant;

use shootout_core::queue::Capacity;
use shootout_core::{QueueSpec, WorkloadSpec};

const W: usize = 2;
const VARIANTS: [&str; 4] = ["shootout (timed run)", "shootout (verify pass)", "minimal", "copy of minimal"];
const MINIMAL: usize = 2;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number = |at: usize, default: usize| match args.get(at) {
        None => default,
        Some(text) => text.parse().unwrap_or_else(|_| usage(&format!("not a whole number: {text:?}"))),
    };
    let (p, c, rounds, capacity) = (number(0, 1), number(1, 1), number(2, 30), number(3, 1024));
    let messages = number(4, 5_000_000) as u64;
    if p == 0 || c == 0 || rounds == 0 || args.len() > 5 {
        usage("P, C and ROUNDS must be at least 1");
    }
    let bound = (capacity > 0).then_some(capacity);
    let spec = QueueSpec::new(messages as usize, p, c, bound.map_or(Capacity::Unbounded, Capacity::Bounded));
    if let Err(e) = spec.validate() {
        usage(&e.to_string());
    }
    let entry = shootout_harness::registry::find("threads").expect("threads is registered");
    let threads = (entry.build)(W).unwrap_or_else(|e| usage(&format!("threads: {e}")));
    let run = |variant: usize| -> f64 {
        let t0 = Instant::now();
        match variant {
            0 | 1 => {
                let spec = if variant == 0 { spec.timed() } else { spec };
                let outcome = threads.queue(&spec).unwrap_or_else(|e| fail(&format!("threads: {e}")));
                let wall = t0.elapsed().as_secs_f64();
                spec.verify(&outcome).unwrap_or_else(|e| fail(&format!("{}: {e}", VARIANTS[variant])));
                wall
            }
            _ => {
                let program =
                    if variant == MINIMAL { shootout_minimal::queue::threads } else { copy_of_minimal::run };
                let answer = program(messages, p, c, bound);
                let wall = t0.elapsed().as_secs_f64();
                if answer != (messages, messages * (messages - 1) / 2) {
                    fail(&format!("{}: counted and summed {answer:?}", VARIANTS[variant]));
                }
                wall
            }
        }
    };

    let b = bound.map_or("unbounded".to_string(), |b| format!("bounded({b})"));
    eprintln!("{p} → {c}, {b}, {messages} messages, W = {W}, {rounds} rounds");
    let n = VARIANTS.len();
    for variant in 0..n {
        run(variant); // untimed: each variant's first run in a process is not like the others
    }
    let mut ratios = vec![Vec::with_capacity(rounds); n];
    let mut walls = vec![Vec::with_capacity(2 * rounds); n];
    for round in 0..rounds {
        let order: Vec<usize> = (0..n).map(|i| (i + round) % n).collect();
        let mut totals = vec![0.0; n];
        for &variant in order.iter().chain(order.iter().rev()) {
            let wall = run(variant);
            totals[variant] += wall;
            walls[variant].push(wall);
        }
        for (ratios, total) in ratios.iter_mut().zip(&totals) {
            ratios.push(total / totals[MINIMAL]);
        }
        eprint!("\rround {}/{rounds}", round + 1);
    }
    eprintln!();
    println!("{:<24} {:>10} {:>8} {:>13}", "variant", "median", "÷ minimal", "p25–p75");
    for (name, (walls, ratios)) in VARIANTS.iter().zip(walls.iter_mut().zip(ratios.iter_mut())) {
        let (_, wall, _) = quartiles(walls);
        let (low, ratio, high) = quartiles(ratios);
        println!("{name:<24} {:>7.1} ms {ratio:>8.2} {low:>8.2}–{high:.2}", wall * 1e3);
    }
}

/// The minimal program's `queue::threads`, its own source compiled again here: the same
/// program, with its own copy of crossbeam's channel code, laid out elsewhere.
#[path = "../crates/minimal/src/queue/threads.rs"]
mod copy_of_minimal;

/// (p25, median, p75).
fn quartiles(xs: &mut [f64]) -> (f64, f64, f64) {
    xs.sort_by(f64::total_cmp);
    let at = |q: usize| xs[(xs.len() - 1) * q / 4];
    (at(1), at(2), at(3))
}

/// A run that failed (a machine limit such as threads refused, or a wrong answer): one line
/// with the reason, exit status 1.
fn fail(why: &str) -> ! {
    eprintln!("queue_rounds: {why}");
    std::process::exit(1)
}

fn usage(why: &str) -> ! {
    eprintln!(
        "queue_rounds: {why}; usage: queue_rounds [P C [ROUNDS [CAPACITY (0 = unbounded) [MESSAGES]]]]"
    );
    std::process::exit(2)
}
