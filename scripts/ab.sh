#!/usr/bin/env bash
# This build against another commit's, on the same workloads (`examples/ab.rs`):
#
#   scripts/ab.sh <base-commit> [rounds]                  # wall clock, 5 rounds by default
#   AB_INSTRUCTIONS=1 scripts/ab.sh <base-commit>         # instructions, under callgrind
#
# Wall clock on a shared machine drifts by ±15% between runs, so the two builds run in the
# same rounds, alternately (which one goes first alternates too), and each is judged by its
# best round. Instruction counts are deterministic, and what to trust for changes of a few
# percent; they do not see cache misses or branch mispredictions.
#
# <base-commit>'s tree is extracted to target/ab/<commit>/ with this tree's examples/ab.rs and
# benches/common copied in, so both builds run the same workloads on the same corpora (the
# base needs the public API they use: `Redactor::default`, `redact`, `fmt::redact`, and for
# the benches' naive baseline `rules()` and `RuleInfo::pattern`, there since fcaa48d). Its
# build goes to target/ab/target: the first comparison compiles the dev-dependencies once.
#
# Prints, per workload, each build's number and `this/base`: above 1 is faster for MiB/s,
# below 1 is faster for ns and instructions. `layer/*/ratio` is each build's redacting layer
# over plain `fmt` for the same events.
set -euo pipefail
cd "$(dirname "$0")/.."

base=${1:?usage: scripts/ab.sh <base-commit> [rounds]}
rounds=${2:-5}
rev=$(git rev-parse --verify "$base^{commit}")
work=target/ab
tree="$work/$rev"
if [ ! -d "$tree" ]; then
  mkdir -p "$tree.partial"
  git archive "$rev" | tar -x -C "$tree.partial"
  mv "$tree.partial" "$tree"
fi
mkdir -p "$tree/examples" "$tree/benches/common"
cp examples/ab.rs "$tree/examples/ab.rs"
cp benches/common/mod.rs "$tree/benches/common/mod.rs"

echo "building this tree and $rev ..." >&2
# Where this tree builds (CARGO_TARGET_DIR or build.target-dir may move it).
target=$(cargo metadata --format-version 1 --no-deps |
  sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
[ -n "$target" ] || { echo "cargo metadata gave no target directory" >&2; exit 1; }
cargo build --release --quiet --example ab
CARGO_TARGET_DIR="$PWD/$work/target" cargo build --release --quiet --example ab \
  --manifest-path "$tree/Cargo.toml"
this="$target/release/examples/ab"
that="$work/target/release/examples/ab"

results="$work/results.tsv"
: > "$results"
if [ "${AB_INSTRUCTIONS:-0}" = 1 ]; then
  command -v valgrind >/dev/null || { echo "AB_INSTRUCTIONS needs valgrind" >&2; exit 1; }
  workloads=$("$this" --list)
  for workload in $workloads; do
    for build in this base; do
      bin=$this; [ "$build" = base ] && bin=$that
      out="$work/callgrind.out"
      log="$work/callgrind.log"
      rm -f "$out"
      # Collected only inside the two measuring functions (exact names: a pattern would
      # also match their closures, and a toggle inside a toggle turns collection off).
      if ! valgrind --tool=callgrind --collect-atstart=no \
        --toggle-collect=ab::measure_engine --toggle-collect=ab::measure_layer \
        --callgrind-out-file="$out" "$bin" --once "$workload" >"$log" 2>&1; then
        echo "$build: $workload failed under callgrind:" >&2
        cat "$log" >&2
        exit 1
      fi
      count=$(sed -n 's/^summary: //p' "$out")
      if [ -z "$count" ] || [ "$count" = 0 ]; then
        echo "$build: $workload: callgrind counted nothing (see $log)" >&2
        exit 1
      fi
      printf '%s\t%s\t%s\tinstructions\n' "$build" "$workload" "$count" >> "$results"
    done
  done
else
  for round in $(seq "$rounds"); do
    order="this base"
    [ $((round % 2)) = 0 ] && order="base this"
    for build in $order; do
      bin=$this; [ "$build" = base ] && bin=$that
      "$bin" | sed "s/^/$build\t/" >> "$results"
    done
    echo "round $round of $rounds done" >&2
  done
fi

awk -F'\t' -v rev="$rev" '
  # Best of the rounds: the highest throughput, the lowest time or count.
  {
    key = $2; unit[key] = $4
    if (!(key in order)) { order[key] = ++n; names[n] = key }
    k = $1 SUBSEP key
    # `k in best` first: reading best[k] would create it.
    if (!(k in best)) best[k] = $3
    else if ($4 == "MiB/s" ? $3 > best[k] : $3 < best[k]) best[k] = $3
  }
  END {
    printf "%-28s %14s %14s %10s\n", "workload", "base " substr(rev, 1, 7), "this", "this/base"
    for (i = 1; i <= n; i++) {
      key = names[i]; b = best["base" SUBSEP key]; t = best["this" SUBSEP key]
      f = (unit[key] == "instructions") ? "%-28s %14d %14d %10.3f  %s\n" : "%-28s %14.1f %14.1f %10.3f  %s\n"
      printf f, key, b, t, t / b, unit[key]
    }
    for (i = 1; i <= n; i++) {
      key = names[i]
      if (key !~ /^layer\/.*\/redact-layer$/) continue
      plain = key; sub(/redact-layer$/, "fmt", plain)
      kind = key; sub(/^layer\//, "", kind); sub(/\/redact-layer$/, "", kind)
      if (!(("base" SUBSEP plain) in best)) continue
      b = best["base" SUBSEP key] / best["base" SUBSEP plain]
      t = best["this" SUBSEP key] / best["this" SUBSEP plain]
      printf "%-28s %14.3f %14.3f %10.3f  ratio to fmt\n", "layer/" kind "/ratio", b, t, t / b
    }
  }' "$results"
