#!/usr/bin/env bash
# Multi-node variant of mmdet_transfer.sh: run it on every node with the same
# arguments; each node exports the backbone locally, then torchrun joins the
# nodes.
#
#   NNODES=2 NODE_RANK=0 MASTER_ADDR=10.0.0.1 \
#     bash tools/benchmarks/dist_mmdet_transfer.sh CHECKPOINT CONFIG GPUS_PER_NODE [mmdet_train.py args]
#
# Environment: NNODES (1), NODE_RANK (0), MASTER_ADDR (127.0.0.1), PORT
#   (29500), ENCODER, PREFIX, WORK_DIR, PYTHON as in mmdet_transfer.sh.
# Without GPUs the processes talk over gloo (slow, for checking the setup).
set -euo pipefail
if [ $# -lt 3 ]; then
  echo "usage: $0 CHECKPOINT CONFIG GPUS_PER_NODE [extra mmdet_train.py arguments]" >&2
  exit 2
fi
CHECKPOINT=$1
CONFIG=$2
GPUS=$3
if ! [[ "$GPUS" =~ ^[1-9][0-9]*$ ]]; then
  echo "$0: GPUS_PER_NODE must be a positive integer, got '$GPUS'" >&2
  exit 2
fi
DIR="$(cd "$(dirname "$0")" && pwd)"
PYTHON=${PYTHON:-python}
WORK_DIR=${WORK_DIR:-work_dirs/transfer/$(basename "$CONFIG" .py)}
export PYTHONPATH="$DIR/../..:${PYTHONPATH:-}"

mkdir -p "$WORK_DIR"
"$PYTHON" "$DIR/../model_converters/extract_backbone.py" "$CHECKPOINT" \
    "$WORK_DIR/backbone.pth" --encoder "${ENCODER:-online}" \
    ${PREFIX:+--prefix "$PREFIX"}

"$PYTHON" -m torch.distributed.run \
    --nnodes="${NNODES:-1}" --node_rank="${NODE_RANK:-0}" \
    --master_addr="${MASTER_ADDR:-127.0.0.1}" --master_port="${PORT:-29500}" \
    --nproc_per_node="$GPUS" "$DIR/mmdet_train.py" "$CONFIG" \
    --backbone "$WORK_DIR/backbone.pth" --work-dir "$WORK_DIR" \
    --launcher pytorch "${@:4}"
