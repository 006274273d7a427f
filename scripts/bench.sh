#!/usr/bin/env bash
# Run the criterion benches and render their estimates as shootout's tables:
#
#   scripts/bench.sh                 # every bench (cargo bench)
#   scripts/bench.sh sleep queue     # only benches/sleep.rs and benches/queue.rs
#
# Writes results/criterion/README.md (one table per case, a row per strategy: median,
# 95% confidence interval, min – max, × best); criterion's own HTML report is in
# target/criterion/report/index.html. Runnable from any directory.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if (($# > 0)); then
    benches=()
    for name in "$@"; do
        benches+=(--bench "$name")
    done
    cargo bench "${benches[@]}"
else
    cargo bench
fi

# Relative when it can be, so the rendered file names no path of this machine.
target_dir="${CARGO_TARGET_DIR:-target}"
mkdir -p results/criterion
out="results/criterion/README.md"
# Render to a temporary file first, so a failed render never leaves a half-written table.
tmp="$(mktemp "results/criterion/.README.md.XXXXXX")"
chmod 644 "$tmp"
trap 'rm -f "$tmp"' EXIT
cargo run --release --quiet -- criterion-tables "$target_dir/criterion" >"$tmp"
mv "$tmp" "$out"
trap - EXIT
echo "bench.sh: wrote $out; criterion's HTML report: $target_dir/criterion/report/index.html"
