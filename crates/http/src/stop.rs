//! Waiting for a standalone server's stop: Ctrl-C (SIGINT), SIGTERM, or its stdin closing
//! when stdin is a terminal or a pipe (so a parent process can stop it by closing the pipe;
//! a background job whose stdin is /dev/null keeps running).

use std::io::Read;
use std::sync::mpsc;

/// Why the wait ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopReason {
    Signal(i32),
    StdinClosed,
}

impl std::fmt::Display for StopReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StopReason::Signal(libc::SIGINT) => f.write_str("interrupted (SIGINT)"),
            StopReason::Signal(libc::SIGTERM) => f.write_str("terminated (SIGTERM)"),
            StopReason::Signal(n) => write!(f, "signal {n}"),
            StopReason::StdinClosed => f.write_str("stdin closed"),
        }
    }
}

/// Blocks SIGINT and SIGTERM in the calling thread, so every thread started after it (the
/// server's runtime included) inherits the mask and the signals wait for [`wait`]'s `sigwait`
/// instead of killing the process. Call before starting the server.
pub fn block_stop_signals() -> Result<(), String> {
    // SAFETY: sigset operations on a set we own; pthread_sigmask on the calling thread.
    let rc = unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGINT);
        libc::sigaddset(&mut set, libc::SIGTERM);
        libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut())
    };
    if rc != 0 {
        return Err(format!("could not block SIGINT/SIGTERM: {}", std::io::Error::from_raw_os_error(rc)));
    }
    Ok(())
}

/// Waits for SIGINT, SIGTERM (after [`block_stop_signals`]) or stdin's end. The signals are
/// taken on the calling thread; only watching stdin needs a thread, and if that thread cannot
/// start, the signals still stop the server.
pub fn wait() -> StopReason {
    if stdin_can_close() {
        let (tx, rx) = mpsc::channel();
        let watcher = std::thread::Builder::new().name("stop-stdin".into()).spawn(move || {
            let mut sink = [0u8; 256];
            let mut stdin = std::io::stdin();
            while matches!(stdin.read(&mut sink), Ok(n) if n > 0) {}
            let _ = tx.send(StopReason::StdinClosed);
        });
        match watcher {
            Ok(_) => loop {
                if let Some(signal) = take_signal(Some(std::time::Duration::from_millis(100))) {
                    return StopReason::Signal(signal);
                }
                if let Ok(reason) = rx.try_recv() {
                    return reason;
                }
            },
            Err(e) => eprintln!("warning: cannot watch stdin ({e}); stop with Ctrl-C or SIGTERM"),
        }
    }
    loop {
        if let Some(signal) = take_signal(None) {
            return StopReason::Signal(signal);
        }
    }
}

/// Takes a pending SIGINT or SIGTERM, waiting at most `timeout` (`None`: until one comes).
fn take_signal(timeout: Option<std::time::Duration>) -> Option<i32> {
    // SAFETY: sigset operations on a set we own; sigtimedwait with a timespec we own, the
    // signals blocked in every thread by `block_stop_signals`.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGINT);
        libc::sigaddset(&mut set, libc::SIGTERM);
        let signal = match timeout {
            Some(t) => {
                let ts =
                    libc::timespec { tv_sec: t.as_secs() as libc::time_t, tv_nsec: t.subsec_nanos() as _ };
                libc::sigtimedwait(&set, std::ptr::null_mut(), &ts)
            }
            None => libc::sigwaitinfo(&set, std::ptr::null_mut()),
        };
        (signal > 0).then_some(signal)
    }
}

/// A terminal (Ctrl-D) or a pipe: an end of input there means "stop".
fn stdin_can_close() -> bool {
    // SAFETY: isatty and fstat on fd 0 with a struct we own.
    unsafe {
        if libc::isatty(0) == 1 {
            return true;
        }
        let mut st: libc::stat = std::mem::zeroed();
        libc::fstat(0, &mut st) == 0 && (st.st_mode & libc::S_IFMT) == libc::S_IFIFO
    }
}
