#!/usr/bin/env bash
# Publish one full run of this machine, in one command:
#
#   scripts/publish.sh                       # shootout run --preset full
#   scripts/publish.sh --workload sleep      # extra arguments go to `shootout run`
#
# 1. builds the release binary and runs the full preset into results/<YYYY-MM-DD>-<host>/
#    (results.json, results.csv, report.md, env.txt);
# 2. renders report.md (ranking, decision guide, tables) and the SVG charts into that folder;
# 3. adds the machine facts to env.txt (CPU model, memory, kernel, rustc -vV, git commit);
# 4. splices the report, with the charts linked, into README.md between
#    <!-- shootout:begin --> and <!-- shootout:end -->, recording the command.
# Runnable from any directory.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

cargo build --release
bin="${CARGO_TARGET_DIR:-$root/target}/release/shootout"

host="$(cat /proc/sys/kernel/hostname 2>/dev/null || hostname)"
dir="results/$(date -u +%Y-%m-%d)-$host"
mkdir -p "$dir"

started=$SECONDS
"$bin" run --preset full --out "$dir" "$@"
echo "publish.sh: measured in $((SECONDS - started)) s"

# The runner's env.txt already has the date, host, CPU, cores, memory, kernel, W, git,
# rustc -vV and the measured crates' versions from Cargo.lock; add what only the shell shows.
env_txt="$dir/env.txt"
{
    echo
    echo "machine (scripts/publish.sh):"
    grep -m1 "model name" /proc/cpuinfo || echo "model name: unknown"
    echo "nproc: $(nproc)"
    echo
    echo "free -b:"
    free -b
    echo
    echo "uname -a:"
    uname -a
    if ! grep -q "^rustc -vV:" "$env_txt"; then
        echo
        echo "rustc -vV:"
        rustc -vV
    fi
    echo
    echo "git commit: $(git -C "$root" rev-parse HEAD 2>/dev/null || echo "not a git checkout")"
} >>"$env_txt"

"$bin" report "$dir/results.json" --markdown "$dir/report.md" --plots "$dir" --splice README.md
echo "publish.sh: published $dir and README.md in $((SECONDS - started)) s"
