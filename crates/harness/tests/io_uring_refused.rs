//! A kernel that refuses io_uring, as Docker's default seccomp profile does: compio's and
//! glommio's rows are `unsupported` with the OS's reason, and monoio falls back to its epoll
//! driver, says so, and still verifies. The refusal is a seccomp filter, which cannot be removed
//! once installed, so the test re-runs itself in a child process (`--exact`, with an environment
//! variable) and installs it there. Likewise a locked-memory limit below glommio's floor (lowered
//! in a child): glommio is `unsupported` and names the limit.

use std::process::Command;
use std::time::Duration;

use shootout_async::Runtime;
use shootout_core::{RunError, SleepMode, SleepSpec, Spec, Strategy, WorkloadSpec};
use shootout_harness::STRATEGIES;

/// Set in the child: this process installs the filter and checks the strategies.
const CHILD: &str = "SHOOTOUT_REFUSE_IO_URING";
const TEST: &str =
    "compio_and_glommio_are_unsupported_and_monoio_falls_back_to_epoll_when_io_uring_is_refused";
/// Set in the child of the memlock test: this process lowers RLIMIT_MEMLOCK, then builds glommio.
const MEMLOCK_CHILD: &str = "SHOOTOUT_LOW_MEMLOCK";
const MEMLOCK_TEST: &str = "glommio_is_unsupported_below_its_locked_memory_floor";

#[test]
fn compio_and_glommio_are_unsupported_and_monoio_falls_back_to_epoll_when_io_uring_is_refused() {
    if std::env::var_os(CHILD).is_some() {
        refused_here();
        return;
    }
    let stderr = in_child(TEST, CHILD);
    assert!(stderr.contains("monoio: io_uring refused"), "monoio did not say it fell back:\n{stderr}");
}

#[test]
fn glommio_is_unsupported_below_its_locked_memory_floor() {
    if std::env::var_os(MEMLOCK_CHILD).is_some() {
        low_memlock_here();
        return;
    }
    in_child(MEMLOCK_TEST, MEMLOCK_CHILD);
}

/// Re-runs this binary's test `test` alone with `env` set, asserts that it ran and passed, and
/// returns its stderr.
fn in_child(test: &str, env: &str) -> String {
    let exe = std::env::current_exe().expect("the test binary's path");
    let out = Command::new(exe)
        .args(["--exact", test, "--nocapture", "--test-threads=1"])
        .env(env, "1")
        .output()
        .expect("run the test binary as a child");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "child failed:\n{stdout}\n{stderr}");
    // The child ran the checks (a refusal it could not set up would have failed it).
    assert!(stdout.contains("1 passed"), "child ran no test:\n{stdout}\n{stderr}");
    stderr.into_owned()
}

/// In the memlock child: a 256 KiB limit (lowering needs no privilege), below glommio's 512 KiB.
fn low_memlock_here() {
    let limit = libc::rlimit { rlim_cur: 256 * 1024, rlim_max: 256 * 1024 };
    // SAFETY: a plain system call on a value that outlives it.
    let set = unsafe { libc::setrlimit(libc::RLIMIT_MEMLOCK, &limit) };
    assert_eq!(set, 0, "setrlimit: {}", std::io::Error::last_os_error());
    let glommio = STRATEGIES.iter().find(|e| e.name == "glommio").expect("glommio is registered");
    match (glommio.build)(1) {
        Err(RunError::Unsupported(why)) => {
            assert!(
                why.contains("RLIMIT_MEMLOCK") && why.contains("262144") && why.contains("524288"),
                "{why}"
            )
        }
        Err(other) => panic!("glommio: expected unsupported, got {other}"),
        Ok(_) => panic!("glommio built below its locked-memory floor"),
    }
}

/// In the child: refuse io_uring, then build the three strategies.
fn refused_here() {
    refuse_io_uring_setup();

    // glommio with one executor: it pins one per CPU, and W = 2 on a 1-CPU machine would be
    // refused for that, before io_uring.
    for (name, workers) in [("compio", 2), ("glommio", 1)] {
        let entry = STRATEGIES.iter().find(|e| e.name == name).expect("registered");
        match (entry.build)(workers) {
            Err(RunError::Unsupported(why)) => {
                assert!(why.contains("io_uring refused") && why.contains("os error 1"), "{name}: {why}")
            }
            Err(other) => panic!("{name}: expected unsupported, got {other}"),
            Ok(_) => panic!("{name} built although io_uring is refused"),
        }
    }

    let monoio = shootout_monoio::build(2).expect("monoio falls back to epoll");
    let driver = monoio.runtime().driver();
    assert!(driver.contains("legacy epoll") && driver.contains("os error 1"), "{driver}");
    assert_eq!(<shootout_monoio::Monoio as Runtime>::NAME, "monoio");
    for mode in [SleepMode::Timer, SleepMode::Blocking] {
        let spec = SleepSpec::new(16, Duration::from_millis(10), mode);
        let strategy: &dyn Strategy = &monoio;
        let outcome = strategy.sleep(&spec).unwrap_or_else(|e| panic!("monoio on epoll, {mode:?}: {e}"));
        spec.verify(&outcome).unwrap_or_else(|e| panic!("monoio on epoll, {mode:?}: {e}"));
    }
    // Every row it measures says so, not only its stderr.
    let timed = Spec::Sleep(SleepSpec::new(16, Duration::from_millis(10), SleepMode::Timer))
        .run_timed(&monoio, None)
        .unwrap_or_else(|e| panic!("monoio on epoll: {e}"));
    let said = timed.summary.notes["runtime"].as_str().expect("a runtime note");
    assert!(said.contains("legacy epoll driver"), "{said}");
}

/// A seccomp filter on every thread of this process: `io_uring_setup` fails with EPERM, every
/// other system call is allowed. The classic BPF program, opcodes spelled out from
/// `linux/filter.h` and `linux/seccomp.h`.
fn refuse_io_uring_setup() {
    // BPF_LD | BPF_W | BPF_ABS, BPF_JMP | BPF_JEQ | BPF_K, BPF_RET | BPF_K.
    const BPF_LD_W_ABS: u16 = 0x20;
    const BPF_JMP_JEQ_K: u16 = 0x15;
    const BPF_RET_K: u16 = 0x06;
    const SECCOMP_RET_ERRNO: u32 = 0x0005_0000;
    const SECCOMP_RET_ALLOW: u32 = 0x7fff_0000;
    const SECCOMP_SET_MODE_FILTER: libc::c_long = 1;
    const SECCOMP_FILTER_FLAG_TSYNC: libc::c_long = 1;
    // `io_uring_setup` is 425 on every architecture (the unified syscall table).
    const NR_IO_URING_SETUP: u32 = 425;
    // `seccomp_data.nr` is its first field.
    let mut filter = [
        libc::sock_filter { code: BPF_LD_W_ABS, jt: 0, jf: 0, k: 0 },
        libc::sock_filter { code: BPF_JMP_JEQ_K, jt: 0, jf: 1, k: NR_IO_URING_SETUP },
        libc::sock_filter { code: BPF_RET_K, jt: 0, jf: 0, k: SECCOMP_RET_ERRNO | libc::EPERM as u32 },
        libc::sock_filter { code: BPF_RET_K, jt: 0, jf: 0, k: SECCOMP_RET_ALLOW },
    ];
    let program = libc::sock_fprog { len: filter.len() as u16, filter: filter.as_mut_ptr() };
    // prctl reads its arguments as unsigned longs.
    const ONE: libc::c_ulong = 1;
    const ZERO: libc::c_ulong = 0;
    // SAFETY: plain system calls; `program` and `filter` outlive the call, which copies them.
    unsafe {
        assert_eq!(libc::prctl(libc::PR_SET_NO_NEW_PRIVS, ONE, ZERO, ZERO, ZERO), 0, "no_new_privs");
        let installed = libc::syscall(
            libc::SYS_seccomp,
            SECCOMP_SET_MODE_FILTER,
            SECCOMP_FILTER_FLAG_TSYNC,
            &program as *const libc::sock_fprog,
        );
        assert_eq!(installed, 0, "seccomp: {}", std::io::Error::last_os_error());
    }
}
