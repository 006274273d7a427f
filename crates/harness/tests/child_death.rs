//! What a dead child's row says: the stderr lines that carry the cause (the first line naming
//! an OS error, then the last few), even after far more output than a pipe holds; and the
//! parent reads that output without a thread of its own.

use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

use shootout_harness::child::ChildRequest;
use shootout_harness::runner::{ChildEnd, last_words, spawn_child};

fn baseline_request() -> ChildRequest {
    ChildRequest { strategy: "sequential".into(), workers: 1, case: None, target: None }
}

#[test]
fn the_cause_survives_a_flood_of_stderr_before_the_abort() {
    let dir = std::env::temp_dir().join(format!("shootout-child-death-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("flooding-child.sh");
    // 200 KB of noise (three pipe buffers), the cause, the runtime's last words, SIGABRT.
    std::fs::write(
        &path,
        "#!/bin/sh\n\
         i=0; while [ $i -lt 4000 ]; do echo \"noise line $i of a busy child, padded out to fifty\" >&2; i=$((i+1)); done\n\
         echo 'thread main: failed to set up alternative stack guard page: Cannot allocate memory (os error 12)' >&2\n\
         echo 'note: run with RUST_BACKTRACE=1' >&2\n\
         echo 'more noise' >&2\n\
         echo 'fatal runtime error: failed to initiate panic, error 5' >&2\n\
         kill -ABRT $$\n",
    )
    .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    let run = spawn_child(&path, &baseline_request(), Duration::from_secs(30));
    match run.end {
        ChildEnd::Died(why) => assert_eq!(
            why,
            "child died by signal SIGABRT: thread main: failed to set up alternative stack guard page: \
             Cannot allocate memory (os error 12) | note: run with RUST_BACKTRACE=1 | more noise | \
             fatal runtime error: failed to initiate panic, error 5"
        ),
        other => panic!("expected a death by signal, got {other:?}"),
    }
    assert!(run.peak_rss_bytes.is_some());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn last_words_prefer_the_first_os_error_then_the_last_lines() {
    assert_eq!(last_words(""), "(no stderr)");
    assert_eq!(last_words("\n  \nonly\n"), "only");
    assert_eq!(
        last_words("a (os error 11)\nb (os error 12)\nc\nd\ne\nf\n"),
        "a (os error 11) | d | e | f",
        "the first OS error, then the last three"
    );
    // An OS error among the last lines is not repeated.
    assert_eq!(last_words("x\ny\nz (os error 12)\nw\n"), "y | z (os error 12) | w");
    let long = "x".repeat(1000);
    assert!(last_words(&long).chars().count() <= 301);
}
