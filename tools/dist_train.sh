#!/usr/bin/env bash
# Distributed training with torchrun: bash tools/dist_train.sh CONFIG NGPUS [train.py args]
# Multi-node: NNODES, NODE_RANK, MASTER_ADDR, PORT. Without GPUs it runs NGPUS
# CPU processes over gloo (tools/train.py switches the backend).
# On one node without PORT, torchrun's standalone rendezvous takes a free port,
# so two runs on one machine never fight over a fixed port (EADDRINUSE).
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 CONFIG NGPUS [extra tools/train.py arguments]" >&2
  exit 2
fi
CONFIG=$1
GPUS=$2
NNODES=${NNODES:-1}
NODE_RANK=${NODE_RANK:-0}
MASTER_ADDR=${MASTER_ADDR:-127.0.0.1}
DIR="$(cd "$(dirname "$0")" && pwd)"
PYTHON=${PYTHON:-python}

if [ "$NNODES" = 1 ] && [ -z "${PORT:-}" ]; then
  RDZV=(--standalone)
else
  RDZV=(--nnodes="$NNODES" --node_rank="$NODE_RANK"
        --master_addr="$MASTER_ADDR" --master_port="${PORT:-29500}")
fi

PYTHONPATH="$DIR/..:${PYTHONPATH:-}" \
"$PYTHON" -m torch.distributed.run "${RDZV[@]}" --nproc_per_node="$GPUS" \
    "$DIR/train.py" "$CONFIG" --launcher pytorch "${@:3}"
