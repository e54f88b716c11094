#!/usr/bin/env bash
# Checks that the library builds on the Rust version Cargo.toml declares (`rust-version`).
#
#   scripts/msrv.sh
#
# The dev-dependencies (the AWS SDK, criterion, tokio) need a newer Rust and are not part of
# what users build, so the check runs on a copy of the package without them, with a lockfile
# resolved for that version by cargo's MSRV-aware fallback resolver. blake3 from 1.6 on pulls
# in cpufeatures 0.3, which needs the 2024 edition (Rust 1.85); on an older toolchain blake3
# must be pinned to 1.5, and this check does so.
#
# Exits 2 when the toolchain cannot be installed (no network), 1 when the build fails.
set -euo pipefail
cd "$(dirname "$0")/.."

msrv=$(sed -n 's/^rust-version = "\(.*\)"$/\1/p' Cargo.toml)
if ! rustup toolchain install "$msrv" --profile minimal >/dev/null 2>&1; then
  echo "could not install Rust $msrv" >&2
  exit 2
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r src README.md "$work/"
awk '/^\[/ { skip = ($0 == "[dev-dependencies]" || $0 ~ /^\[\[(bench|example|test)\]\]$/) } !skip' \
  Cargo.toml > "$work/Cargo.toml"
cd "$work"
CARGO_RESOLVER_INCOMPATIBLE_RUST_VERSIONS=fallback cargo generate-lockfile --quiet
cargo update --quiet -p blake3 --precise 1.5.4
cargo "+$msrv" check --lib --all-features --quiet
echo "the library builds on Rust $msrv"
