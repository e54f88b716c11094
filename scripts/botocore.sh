#!/usr/bin/env bash
# The real-log suite, live: records fresh boto3/botocore DEBUG sessions against moto's server
# on 127.0.0.1 (one per seed, a port the OS picks, shut down by the recorder) and runs
# tests/botocore.rs on them beside the committed fixtures.
#
#   scripts/botocore.sh                 # seeds 101 102 103
#   scripts/botocore.sh 7 8 9           # these seeds
#   BOTOCORE_KEEP=dir scripts/botocore.sh 4   # keep the corpora in dir (e.g. a new fixture)
#
# Needs python3 (3.9+) and PyPI; the venv lives in target/botocore-venv and is reused.
# Exit status 2: the SDK or the emulator could not be installed (the suite did not run).
set -euo pipefail
cd "$(dirname "$0")/.."

seeds=("$@")
[ ${#seeds[@]} -eq 0 ] && seeds=(101 102 103)

venv=target/botocore-venv
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import boto3, moto.server" 2>/dev/null; then
  echo "installing boto3 and moto into $venv"
  if ! { python3 -m venv "$venv" && "$venv/bin/pip" install -q -r scripts/botocore/requirements.txt; }; then
    echo "could not install boto3/moto" >&2
    exit 2
  fi
fi

out="${BOTOCORE_KEEP:-$(mktemp -d)}"
mkdir -p "$out"
for seed in "${seeds[@]}"; do
  "$venv/bin/python" scripts/botocore/record.py --seed "$seed" --out "$out/seed-$seed.json"
done
TRACING_REDACT_BOTOCORE_CORPORA="$out" cargo test --test botocore -- --nocapture
