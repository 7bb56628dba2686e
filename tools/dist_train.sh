#!/usr/bin/env bash
# Distributed training with torchrun: bash tools/dist_train.sh CONFIG NGPUS [train.py args]
# Multi-node: NNODES, NODE_RANK, MASTER_ADDR, PORT (see tools/dist_run.sh).
# Without GPUs it runs NGPUS CPU processes over gloo (tools/train.py switches
# the backend).
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 CONFIG NGPUS [extra tools/train.py arguments]" >&2
  exit 2
fi
DIR="$(cd "$(dirname "$0")" && pwd)"
exec bash "$DIR/dist_run.sh" "$2" train.py "$1" --launcher pytorch "${@:3}"
