//! The glommio strategy (glommio 0.9.0, its newest release): W glommio executors, thread-per-core,
//! each built on and pinned to its own CPU by its own OS thread, as [`shootout_async::Runtime`]
//! through the shared glue [`shootout_async::local`]. Units go to the executors round-robin and
//! stay there (no work stealing); each comes back through a join slot (the glue's one channel
//! hop per unit). The workloads themselves are `shootout_async`'s.
//!
//! - **Placement:** executor i is pinned (`Placement::Fixed`) to the i-th CPU this process may
//!   run on, so W can be at most that many: a larger W is `unsupported`, not oversubscribed.
//! - **Build:** `LocalExecutorBuilder::make()` on the executor's own thread, so a refusal is an
//!   error the row can show. Two refusals glommio does not return cleanly are caught first: a
//!   kernel that refuses `io_uring_setup` makes glommio's own feature probe *panic* (no reason
//!   given), so the thread probes with a plain `io_uring_setup` before building and reports the
//!   OS's error; a locked-memory limit below 512 KiB is glommio's `MemLockLimit` error. Both are
//!   `unsupported` with the reason. Each executor then sleeps 1 ms once: glommio's first sleep
//!   in a process registers it for `membarrier` (15 ms here), a cost of the build, not of a unit.
//! - **Timers:** `glommio::timer::sleep`; glommio has no deadline timer, so `sleep_until` turns
//!   its deadline into a duration at first poll. `timeout_at` is the trait's race (glommio's
//!   `timeout` wants a future of `Result<_, GlommioError>`).
//! - **Blocking:** `ExecutorProxy::spawn_blocking` on each executor's own pool. glommio's
//!   default pool is one thread per executor; it is set explicitly to 512 / W threads each (512
//!   in all, tokio's cap and monoio's pool), all started when the executor is built. A closure
//!   that panics never answers its caller in glommio 0.9, so it runs under `catch_unwind`.
//! - **io_memory:** glommio's registered DMA buffer (10 MiB per executor by default) serves
//!   file I/O only; these workloads do none, so it is set to glommio's 64 KiB minimum.
//! - **Channel and semaphore:** async-channel (the shared bodies) and `async_lock::Semaphore`;
//!   glommio's own channels are single-producer or link executors only, and a task of glommio
//!   may be woken from any thread (the wake goes through the executor's eventfd).
//! - **HTTP:** hyper 1 over glommio's `TcpStream` (connect through io_uring; a read or write
//!   first tries the non-blocking system call, then waits for readiness with an io_uring
//!   `PollAdd`), which is futures-io, adapted by smol-hyper's `FuturesIo`, the socket kept on its
//!   executor's thread ([`shootout_async::local::ThreadBound`]).

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::time::{Duration, Instant};

use glommio::net::TcpStream;
use glommio::{
    BuilderErrorKind, GlommioError, LocalExecutor, LocalExecutorBuilder, Placement, PoolPlacement,
};
use shootout_async::local::{self, Job, LocalPool, LocalRuntime, RemoteTask, ThreadBound};
use shootout_async::{Async, Runtime};
use shootout_core::{Overlap, RunError};
use smol_hyper::rt::FuturesIo;

pub const NAME: &str = "glommio";

/// The blocking threads of all W executors together: tokio's cap and monoio's pool, so the pools
/// compare like for like.
pub const BLOCKING_THREADS: usize = 512;

/// Each executor's registered DMA memory: glommio's minimum (it uses it for file I/O only).
pub const IO_MEMORY: usize = 64 * 1024;

/// The sleep each executor takes while it is built (see [`GlommioThread`]'s build).
const WARM_UP: Duration = Duration::from_millis(1);

/// Each executor's blocking pool with W executors: an even share of [`BLOCKING_THREADS`].
pub fn blocking_threads_per_executor(workers: usize) -> usize {
    BLOCKING_THREADS.div_ceil(workers.max(1))
}

/// The strategy: W glommio executors behind the shared async workloads, or `unsupported` when W
/// is more than the CPUs this process may use (one executor is pinned per CPU).
pub fn build(workers: usize) -> Result<Async<Glommio>, RunError> {
    let cpus = allowed_cpus();
    if workers > cpus.len() {
        return Err(RunError::Unsupported(format!(
            "glommio pins one executor per CPU: W = {workers}, but this process may run on {} CPU(s) {cpus:?}",
            cpus.len()
        )));
    }
    let config = Config { cpus: cpus[..workers].into(), blocking: blocking_threads_per_executor(workers) };
    Ok(Async::new(Glommio { pool: LocalPool::start(workers, config)? }))
}

pub struct Glommio {
    pool: LocalPool<GlommioThread>,
}

/// What every executor's thread needs to build it: the CPUs to pin to, in executor order, and the
/// size of each blocking pool.
#[derive(Clone)]
pub struct Config {
    cpus: Arc<[usize]>,
    blocking: usize,
}

/// One thread's executor.
pub struct GlommioThread(LocalExecutor);

impl LocalRuntime for GlommioThread {
    const NAME: &'static str = NAME;
    type Config = Config;

    fn build(index: usize, config: &Config) -> Result<Self, RunError> {
        probe_io_uring()?;
        let cpu = config.cpus[index];
        // glommio asserts and unwraps in places while building (its CPU topology, its probe):
        // a panic here is this build's error, not a dead thread.
        let made = catch_unwind(|| {
            LocalExecutorBuilder::new(Placement::Fixed(cpu))
                .name(NAME)
                .io_memory(IO_MEMORY)
                .blocking_thread_pool_placement(PoolPlacement::Unbound(config.blocking))
                .make()
        });
        match made {
            Ok(Ok(executor)) => {
                // glommio's first sleep in a process registers it for `membarrier`
                // (MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED: 15 ms measured here, once per
                // process); one short sleep pays it here, in the build, not in the first unit.
                executor.run(glommio::timer::sleep(WARM_UP));
                Ok(GlommioThread(executor))
            }
            Ok(Err(err)) => Err(refused(err, cpu)),
            Err(payload) => Err(RunError::panicked("building a glommio executor", payload)),
        }
    }

    fn block_on(&mut self, future: impl Future<Output = ()>) {
        self.0.run(future)
    }

    fn spawn_local(job: Job) {
        // Dropping the task would cancel it; its join handle, once detached, does not. The job
        // reports through its slot.
        drop(glommio::spawn_local(job).detach());
    }
}

/// A plain `io_uring_setup` (and close): the kernel's own answer, which glommio's probe turns
/// into a panic without the reason.
fn probe_io_uring() -> Result<(), RunError> {
    io_uring::IoUring::new(2).map(drop).map_err(|e| local::refused(NAME, &e))
}

/// glommio's build error, as the row should show it.
fn refused(err: GlommioError<()>, cpu: usize) -> RunError {
    match err {
        // The reactor's `MemLockLimit(have, need)` reaches `make()` turned into an `io::Error`
        // ("MemLockLimit(262144/524288)", bytes), so it is recognised by its text.
        GlommioError::IoError(e) if e.to_string().starts_with("MemLockLimit(") => {
            RunError::Unsupported(format!(
                "{NAME}: the locked-memory limit (RLIMIT_MEMLOCK, `ulimit -l`) is below glommio's floor: {e} \
             (bytes: the limit / the 512 KiB glommio requires)"
            ))
        }
        GlommioError::IoError(e) | GlommioError::EnhancedIoError { source: e, .. } => {
            local::refused(NAME, &e)
        }
        GlommioError::BuilderError(BuilderErrorKind::NonExistentCpus { .. }) => {
            RunError::Unsupported(format!("glommio pins one executor per CPU, and CPU {cpu} is not online"))
        }
        other => RunError::build("glommio executor", other),
    }
}

/// The CPUs this process may run on (its affinity, `Cpus_allowed_list`), in order: executor i is
/// pinned to the i-th, so a `taskset` or cpuset restriction is respected. Without `/proc`, the
/// first `available_parallelism` CPUs.
pub fn allowed_cpus() -> Vec<usize> {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let list = status.lines().find_map(|line| line.strip_prefix("Cpus_allowed_list:"))?;
            parse_cpu_list(list.trim())
        })
        .filter(|cpus| !cpus.is_empty())
        .unwrap_or_else(|| (0..std::thread::available_parallelism().map_or(1, |n| n.get())).collect())
}

/// `0-3,8,10-11` → `[0, 1, 2, 3, 8, 10, 11]`; `None` if it is not such a list.
fn parse_cpu_list(list: &str) -> Option<Vec<usize>> {
    let mut cpus = Vec::new();
    for part in list.split(',').map(str::trim).filter(|part| !part.is_empty()) {
        match part.split_once('-') {
            Some((first, last)) => cpus.extend(first.parse::<usize>().ok()?..=last.parse().ok()?),
            None => cpus.push(part.parse().ok()?),
        }
    }
    Some(cpus)
}

impl Runtime for Glommio {
    type Task<T: Send + 'static> = RemoteTask<T>;
    type Permits = async_lock::Semaphore;
    type Io = FuturesIo<ThreadBound<TcpStream>>;

    const NAME: &'static str = NAME;

    /// Timers are unbounded; each executor has its own blocking pool, and units are spread evenly
    /// over the W executors.
    fn overlap(workers: usize) -> Overlap {
        Overlap { timer: None, blocking: Some(blocking_threads_per_executor(workers) * workers) }
    }

    shootout_async::local_pool_methods!();

    async fn spawn_blocking<T, F>(f: F) -> Result<T, RunError>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        // A panic on glommio's pool thread kills that thread and never answers the caller.
        let job = move || catch_unwind(AssertUnwindSafe(f));
        let joined = local::on_thread(move || glommio::executor().spawn_blocking(job)).await;
        local::blocking_result(NAME, Ok::<_, std::convert::Infallible>(joined))
    }

    fn sleep(duration: Duration) -> impl Future<Output = ()> + Send {
        local::on_thread(move || glommio::timer::sleep(duration))
    }

    /// glommio's timers take a duration: the deadline's, measured when the timer is made (its
    /// first poll, on the executor's thread).
    fn sleep_until(deadline: Instant) -> impl Future<Output = ()> + Send {
        local::on_thread(move || glommio::timer::sleep(deadline.saturating_duration_since(Instant::now())))
    }

    fn connect(addr: SocketAddr) -> impl Future<Output = io::Result<Self::Io>> + Send {
        local::on_thread(move || async move {
            let stream = TcpStream::connect(addr).await.map_err(io::Error::from)?;
            stream.set_nodelay(true).map_err(io::Error::from)?;
            Ok::<_, io::Error>(FuturesIo::new(ThreadBound::new(stream)))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cpu_list_reads_as_the_kernel_writes_it() {
        assert_eq!(parse_cpu_list("0-3,8,10-11"), Some(vec![0, 1, 2, 3, 8, 10, 11]));
        assert_eq!(parse_cpu_list("1"), Some(vec![1]));
        assert_eq!(parse_cpu_list("0-x"), None);
        assert!(!allowed_cpus().is_empty());
    }

    #[test]
    fn the_blocking_pools_add_up_to_the_cap_or_just_above() {
        assert_eq!(blocking_threads_per_executor(1), 512);
        assert_eq!(blocking_threads_per_executor(2), 256);
        assert_eq!(blocking_threads_per_executor(3), 171);
        assert_eq!(<Glommio as Runtime>::overlap(3).blocking, Some(513));
    }

    #[test]
    fn a_memlock_refusal_names_the_limit_and_a_missing_cpu_the_pinning() {
        // What `make()` returns below the floor (the reactor's error, converted on the way).
        let below = io::Error::other("MemLockLimit(262144/524288)");
        let memlock = refused(GlommioError::IoError(below), 0);
        assert!(
            matches!(&memlock, RunError::Unsupported(why) if why.contains("262144") && why.contains("524288"))
        );
        let cpu = refused(GlommioError::BuilderError(BuilderErrorKind::NonExistentCpus { cpu: 7 }), 7);
        assert!(matches!(&cpu, RunError::Unsupported(why) if why.contains("CPU 7")), "{cpu:?}");
        let eperm = refused(GlommioError::IoError(io::Error::from_raw_os_error(1)), 0);
        assert!(matches!(&eperm, RunError::Unsupported(why) if why.contains("os error 1")), "{eperm:?}");
    }
}
