#!/usr/bin/env bash
# Builds every cargo-fuzz target and runs each for a bounded time.
#
#   scripts/fuzz.sh [seconds-per-target] [target...]
#   FUZZ_RUNS=100000 scripts/fuzz.sh [target...]    # a fixed number of runs, fixed seed
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`) and a nightly toolchain; without nightly it
# falls back to stable with RUSTC_BOOTSTRAP=1. Seeds come from fuzz/seeds/<target> (committed);
# the growing corpus goes to fuzz/corpus/<target> and crashes to fuzz/artifacts/<target>
# (both ignored by git). Exits non-zero on the first finding.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -n "${FUZZ_RUNS:-}" ]; then
  # Deterministic: the same binary and corpus explore the same inputs on every machine.
  budget=(-runs="$FUZZ_RUNS" -seed=1)
  what="$FUZZ_RUNS runs (seed 1)"
else
  seconds="${1:-60}"
  shift || true
  budget=(-max_total_time="$seconds")
  what="${seconds}s"
fi
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(redact_bytes planted_secret layer_event hand_matchers)
fi

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "cargo-fuzz is not installed: cargo install cargo-fuzz" >&2
  exit 2
fi
toolchain=()
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  toolchain=(+nightly)
else
  echo "no nightly toolchain: using stable with RUSTC_BOOTSTRAP=1"
  export RUSTC_BOOTSTRAP=1
fi

cargo "${toolchain[@]}" fuzz build
for target in "${targets[@]}"; do
  mkdir -p "fuzz/corpus/$target"
  echo "== $target: $what"
  cargo "${toolchain[@]}" fuzz run "$target" "fuzz/corpus/$target" "fuzz/seeds/$target" -- \
    "${budget[@]}" -max_len=4096 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
done
echo "fuzzing: no findings in $what per target (${targets[*]})"
