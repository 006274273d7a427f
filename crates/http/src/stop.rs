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

/// Waits for SIGINT, SIGTERM (after [`block_stop_signals`]) or stdin's end.
pub fn wait() -> StopReason {
    let (tx, rx) = mpsc::channel();
    let signals = tx.clone();
    let _ = std::thread::Builder::new().name("stop-signal".into()).spawn(move || {
        // SAFETY: sigwait on a set we own, with the signals blocked in every thread.
        let signal = unsafe {
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            libc::sigaddset(&mut set, libc::SIGINT);
            libc::sigaddset(&mut set, libc::SIGTERM);
            let mut signal = 0;
            (libc::sigwait(&set, &mut signal) == 0).then_some(signal)
        };
        if let Some(signal) = signal {
            let _ = signals.send(StopReason::Signal(signal));
        }
    });
    if stdin_can_close() {
        let _ = std::thread::Builder::new().name("stop-stdin".into()).spawn(move || {
            let mut sink = [0u8; 256];
            let mut stdin = std::io::stdin();
            while matches!(stdin.read(&mut sink), Ok(n) if n > 0) {}
            let _ = tx.send(StopReason::StdinClosed);
        });
    } else {
        drop(tx);
    }
    // Every sender gone means no waiter could start: stop rather than wait forever.
    rx.recv().unwrap_or(StopReason::StdinClosed)
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
