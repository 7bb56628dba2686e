#!/usr/bin/env bash
# Distributed testing with torchrun: bash tools/dist_test.sh CONFIG CHECKPOINT NGPUS [test.py args]
# Multi-node and port: see tools/dist_run.sh.
set -euo pipefail
if [ $# -lt 3 ]; then
  echo "usage: $0 CONFIG CHECKPOINT NGPUS [extra tools/test.py arguments]" >&2
  exit 2
fi
DIR="$(cd "$(dirname "$0")" && pwd)"
exec bash "$DIR/dist_run.sh" "$3" test.py "$1" "$2" --launcher pytorch "${@:4}"
