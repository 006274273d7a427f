//! The child's life tied to the parent's: a child dies when the parent does (SIGKILL by the
//! kernel through `PR_SET_PDEATHSIG`), and a parent stopped by SIGINT, SIGTERM or SIGHUP kills
//! its current child before it exits. Without both, a killed `shootout run` leaves a
//! `shootout __child` running, reparented to PID 1.

use std::os::unix::process::CommandExt;
use std::process::Command;
use std::sync::atomic::{AtomicI32, Ordering};

/// The child the parent is waiting for now (0: none), for the signal handler.
static CURRENT_CHILD: AtomicI32 = AtomicI32::new(0);

/// Makes the kernel send SIGKILL to the child when the thread that starts it exits (the
/// runner starts every child from one thread, the one that waits for it). If the parent is
/// already gone by the time the child asks for that, the child does not start.
pub fn tie_to_parent(command: &mut Command) {
    // SAFETY: getpid before the fork; between fork and exec only prctl and getppid run, both
    // async-signal-safe, and the error is built without allocating.
    let parent = unsafe { libc::getpid() };
    unsafe {
        command.pre_exec(move || {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL as libc::c_ulong, 0, 0, 0) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            // The parent may have died between fork and prctl: then no signal would come.
            if libc::getppid() != parent {
                return Err(std::io::Error::from_raw_os_error(libc::ESRCH));
            }
            Ok(())
        });
    }
}

/// Records the child being waited for (0 once it is reaped).
pub fn set_current_child(pid: libc::pid_t) {
    CURRENT_CHILD.store(pid, Ordering::SeqCst);
}

extern "C" fn on_stop_signal(signal: libc::c_int) {
    let pid = CURRENT_CHILD.load(Ordering::SeqCst);
    // SAFETY: kill, signal and raise are async-signal-safe. With the default disposition
    // back, the re-raised signal (blocked while this handler runs) ends the process as the
    // signal would have, so the shell sees the usual status.
    unsafe {
        if pid > 0 {
            libc::kill(pid, libc::SIGKILL);
        }
        libc::signal(signal, libc::SIG_DFL);
        libc::raise(signal);
    }
}

/// Prepares the parent of a run: SIGINT, SIGTERM and SIGHUP kill the current child before the
/// parent exits, and a SIGCHLD inherited as ignored (children would be reaped by the kernel,
/// losing their rusage: every RSS figure) is restored to its default. Returns a note for the
/// user when it had to restore SIGCHLD.
pub fn prepare_parent() -> Result<Option<String>, String> {
    for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
        // SAFETY: installing a handler that only calls async-signal-safe functions.
        let rc = unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_stop_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
            libc::sigemptyset(&mut action.sa_mask);
            libc::sigaction(signal, &action, std::ptr::null_mut())
        };
        if rc != 0 {
            return Err(format!(
                "could not install a handler for signal {signal}: {}",
                std::io::Error::last_os_error()
            ));
        }
    }
    Ok(restore_sigchld().then(|| {
        "SIGCHLD was ignored (inherited from the caller); restored its default so each case's \
         peak RSS can be read"
            .to_string()
    }))
}

/// Sets SIGCHLD back to its default if it is ignored; true if it was.
pub fn restore_sigchld() -> bool {
    // SAFETY: reading and setting this process's SIGCHLD disposition with structs we own.
    unsafe {
        let mut old: libc::sigaction = std::mem::zeroed();
        if libc::sigaction(libc::SIGCHLD, std::ptr::null(), &mut old) != 0
            || old.sa_sigaction != libc::SIG_IGN
        {
            return false;
        }
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = libc::SIG_DFL;
        libc::sigemptyset(&mut action.sa_mask);
        libc::sigaction(libc::SIGCHLD, &action, std::ptr::null_mut()) == 0
    }
}
