#!/usr/bin/env bash
# torchrun launcher shared by dist_train.sh and dist_test.sh:
#   bash tools/dist_run.sh NPROC SCRIPT [SCRIPT arguments]
# runs NPROC processes of tools/SCRIPT with these arguments. Multi-node:
# NNODES, NODE_RANK, MASTER_ADDR, PORT. On one node without PORT, torchrun's
# standalone rendezvous takes a free port, so two runs on one machine never
# fight over a fixed port (EADDRINUSE).
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 NPROC SCRIPT [SCRIPT arguments]" >&2
  exit 2
fi
GPUS=$1
SCRIPT=$2
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
    "$DIR/$SCRIPT" "${@:3}"
