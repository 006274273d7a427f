//! The registry: the ONE list of strategies. Adding a strategy is a crate and a line here.

use shootout_async::Runtime;
use shootout_core::{Overlap, RunError, SpecError, Strategy};

/// A strategy as the harness knows it before building it.
pub struct Entry {
    pub name: &'static str,
    /// One line for `shootout list`.
    pub about: &'static str,
    /// How many waits it overlaps with W workers (for the budget rule, without building it).
    pub overlap: fn(usize) -> Overlap,
    /// Builds the runtime or pool with W workers. Called outside any timing.
    pub build: fn(usize) -> Result<Box<dyn Strategy>, RunError>,
    /// The crates whose versions a reader needs to interpret its numbers (recorded in `env`).
    pub crates: &'static [&'static str],
    /// `Some(w)` when the strategy's W is fixed whatever `--workers` says (sequential: 1): a
    /// worker sweep runs it once, as a flat reference.
    pub fixed_workers: Option<usize>,
    /// Whether the quick preset (`cargo run --release`) runs it by default. The topology
    /// variants run in the full preset, or with `--strategy all` or by name, so the quick
    /// comparison stays within 90 s on 2 cores.
    pub quick: bool,
    /// How many times the calibrated (Rust) cost its CPU work runs at, for the budget rule's
    /// prediction only: 1 for compiled strategies; an interpreter's kernel is far slower, and
    /// predicting it at Rust's speed would start cases that can only end at their timeout.
    pub cpu_factor: f64,
}

/// Every strategy, in the order tables, charts (colour and marker) and the guide use.
pub static STRATEGIES: &[Entry] = &[
    Entry {
        name: shootout_seq::NAME,
        about: "plain sequential code on the calling thread",
        overlap: shootout_seq::overlap,
        build: |_| Ok(Box::new(shootout_seq::Sequential::new())),
        crates: &[],
        fixed_workers: Some(1),
        quick: true,
        cpu_factor: 1.0,
    },
    Entry {
        name: shootout_threads::NAME,
        about: "std::thread: a thread per waiting unit, W scoped threads for CPU work, crossbeam-channel",
        overlap: shootout_threads::overlap,
        build: |w| Ok(Box::new(shootout_threads::Threads::new(w)?)),
        crates: &["crossbeam-channel", "ureq"],
        fixed_workers: None,
        quick: true,
        cpu_factor: 1.0,
    },
    Entry {
        name: shootout_rayon::NAME,
        about: "rayon par_iter on its own ThreadPool of W threads",
        overlap: shootout_rayon::overlap,
        build: |w| Ok(Box::new(shootout_rayon::Rayon::new(w)?)),
        crates: &["rayon", "crossbeam-channel", "ureq"],
        fixed_workers: None,
        quick: true,
        cpu_factor: 1.0,
    },
    Entry {
        name: <shootout_tokio::Tokio as Runtime>::NAME,
        about: "tokio multi-thread runtime, W workers, spawn_blocking for blocking calls",
        overlap: <shootout_tokio::Tokio as Runtime>::overlap,
        build: |w| Ok(Box::new(shootout_tokio::build(w)?)),
        crates: &["tokio", "hyper", "hyper-util", "async-channel"],
        fixed_workers: None,
        quick: true,
        cpu_factor: 1.0,
    },
    Entry {
        name: <shootout_async_std::AsyncStd as Runtime>::NAME,
        about: "async-std, W executor threads (discontinued upstream in 2025; smol is its successor)",
        overlap: <shootout_async_std::AsyncStd as Runtime>::overlap,
        build: |w| Ok(Box::new(shootout_async_std::build(w)?)),
        crates: &[
            "async-std",
            "async-global-executor",
            "async-io",
            "blocking",
            "async-lock",
            "hyper",
            "smol-hyper",
            "async-channel",
        ],
        fixed_workers: None,
        quick: true,
        cpu_factor: 1.0,
    },
    Entry {
        name: <shootout_smol::Smol as Runtime>::NAME,
        about: "smol: an async-executor run by W threads, async-io timers, unblock for blocking calls",
        overlap: <shootout_smol::Smol as Runtime>::overlap,
        build: |w| Ok(Box::new(shootout_smol::build(w)?)),
        crates: &[
            "smol",
            "async-executor",
            "async-io",
            "blocking",
            "async-lock",
            "hyper",
            "smol-hyper",
            "async-channel",
        ],
        fixed_workers: None,
        quick: true,
        cpu_factor: 1.0,
    },
    // After the first six, so the published charts keep their colours and markers.
    Entry {
        name: <shootout_tokio::current_thread::TokioCurrentThread as Runtime>::NAME,
        about: "tokio current_thread runtime driven by the final block_on; W is 1 by definition",
        overlap: <shootout_tokio::current_thread::TokioCurrentThread as Runtime>::overlap,
        build: |w| Ok(Box::new(shootout_tokio::current_thread::build(w)?)),
        crates: &["tokio", "hyper", "hyper-util", "async-channel"],
        fixed_workers: Some(1),
        quick: false,
        cpu_factor: 1.0,
    },
    Entry {
        name: <shootout_tokio::per_core::TokioPerCore as Runtime>::NAME,
        about: "W tokio current_thread runtimes, a thread each, units round-robin (no work stealing)",
        overlap: <shootout_tokio::per_core::TokioPerCore as Runtime>::overlap,
        build: |w| Ok(Box::new(shootout_tokio::per_core::build(w)?)),
        crates: &["tokio", "hyper", "hyper-util", "async-channel", "futures-lite"],
        fixed_workers: None,
        quick: false,
        cpu_factor: 1.0,
    },
    Entry {
        name: <shootout_smol::local::SmolLocal as Runtime>::NAME,
        about: "smol LocalExecutor on the calling thread, driven by the final block_on; W is 1 by definition",
        overlap: <shootout_smol::local::SmolLocal as Runtime>::overlap,
        build: |w| Ok(Box::new(shootout_smol::local::build(w)?)),
        crates: &[
            "smol",
            "async-executor",
            "async-io",
            "blocking",
            "async-lock",
            "hyper",
            "smol-hyper",
            "async-channel",
        ],
        fixed_workers: Some(1),
        quick: false,
        cpu_factor: 1.0,
    },
    // An external program (METHODOLOGY, "External strategies"): `unsupported` without python3 >= 3.11.
    Entry {
        name: crate::external::python::NAME,
        about: "Python asyncio (python3 >= 3.11, standard library): one event loop, to_thread for blocking calls",
        overlap: crate::external::python::overlap,
        build: crate::external::python::build,
        crates: &[],
        fixed_workers: Some(1),
        quick: false,
        // CPython runs the fan-out kernel's LCG step ~300 × slower than Rust (measured: 19.3 s
        // against a prediction of 6.58 s at 100 × on fan-out/cpu/n=10000/k=10000).
        cpu_factor: 300.0,
    },
    // Thread-per-core io_uring runtimes (issue #15), through shootout_async::local.
    Entry {
        name: <shootout_compio::Compio as Runtime>::NAME,
        about: "W compio runtimes (io_uring only), a thread each, units round-robin (no work stealing)",
        overlap: <shootout_compio::Compio as Runtime>::overlap,
        build: |w| Ok(Box::new(shootout_compio::build(w)?)),
        crates: &["compio", "hyper", "smol-hyper", "async-channel", "async-lock", "send_wrapper"],
        fixed_workers: None,
        quick: false,
        cpu_factor: 1.0,
    },
    Entry {
        name: <shootout_monoio::Monoio as Runtime>::NAME,
        about: "W monoio runtimes (io_uring, epoll if refused), a thread each, units round-robin (no work stealing)",
        overlap: <shootout_monoio::Monoio as Runtime>::overlap,
        build: |w| Ok(Box::new(shootout_monoio::build(w)?)),
        crates: &["monoio", "monoio-compat", "hyper", "async-channel", "async-lock", "send_wrapper"],
        fixed_workers: None,
        quick: false,
        cpu_factor: 1.0,
    },
    // Stackful coroutines (issue #15): may's process-global scheduler, so one W per process.
    Entry {
        name: shootout_may::NAME,
        about: "may stackful coroutines on W workers, a coroutine per unit; a blocking call holds its worker",
        overlap: shootout_may::overlap,
        build: |w| Ok(Box::new(shootout_may::May::new(w)?)),
        crates: &["may", "ureq"],
        fixed_workers: None,
        quick: false,
        cpu_factor: 1.0,
    },
    // Thread-per-core io_uring (issue #15): one executor pinned per CPU, so W ≤ the CPUs.
    Entry {
        name: <shootout_glommio::Glommio as Runtime>::NAME,
        about: "W glommio executors (io_uring), one pinned per CPU, units round-robin (no work stealing)",
        overlap: <shootout_glommio::Glommio as Runtime>::overlap,
        build: |w| Ok(Box::new(shootout_glommio::build(w)?)),
        crates: &["glommio", "hyper", "smol-hyper", "async-channel", "async-lock", "send_wrapper"],
        fixed_workers: None,
        quick: false,
        cpu_factor: 1.0,
    },
];

pub fn names() -> Vec<&'static str> {
    STRATEGIES.iter().map(|e| e.name).collect()
}

pub fn find(name: &str) -> Result<&'static Entry, SpecError> {
    STRATEGIES
        .iter()
        .find(|e| e.name == name.trim())
        .ok_or_else(|| SpecError::new(format!("unknown strategy {name:?}; valid: {}", names().join(", "))))
}

/// The strategies a preset runs when `--strategy` is not given: every one in the full preset,
/// the `quick` ones in the quick preset.
pub fn default_for(preset: shootout_core::Preset) -> Vec<&'static Entry> {
    STRATEGIES.iter().filter(|e| preset == shootout_core::Preset::Full || e.quick).collect()
}

/// Parses a comma-separated selection (or `all`), keeping registry order and dropping repeats.
pub fn select(list: &str) -> Result<Vec<&'static Entry>, SpecError> {
    if list.trim() == "all" {
        return Ok(STRATEGIES.iter().collect());
    }
    let mut wanted = Vec::new();
    for name in list.split(',').filter(|s| !s.trim().is_empty()) {
        wanted.push(find(name)?.name);
    }
    if wanted.is_empty() {
        return Err(SpecError::new("--strategy needs at least one name"));
    }
    Ok(STRATEGIES.iter().filter(|e| wanted.contains(&e.name)).collect())
}

/// The default worker count W: the cores this process may use.
pub fn default_workers() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// W must be a real, sane number of OS threads.
pub const MAX_WORKERS: usize = 1024;

pub fn check_workers(workers: usize) -> Result<(), SpecError> {
    shootout_core::error::check_range("--workers", workers as u64, 1, MAX_WORKERS as u64)
}

/// Builds `entry` for a test: `None` (the reason on stderr) when it cannot run on this machine
/// (`Unsupported`, e.g. an external strategy without its interpreter); any other failure panics.
pub fn build_here(entry: &Entry, workers: usize) -> Option<Box<dyn Strategy>> {
    match (entry.build)(workers) {
        Ok(strategy) => Some(strategy),
        Err(RunError::Unsupported(why)) => {
            eprintln!("{} is not tested here: {why}", entry.name);
            None
        }
        Err(e) => panic!("{}: build failed: {e}", entry.name),
    }
}
