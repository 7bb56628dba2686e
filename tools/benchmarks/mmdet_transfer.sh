#!/usr/bin/env bash
# Detection transfer in one command: export the backbone of a mixtoolbox
# checkpoint, fine-tune an mmdet detector from it, evaluate on the test set.
#
#   bash tools/benchmarks/mmdet_transfer.sh CHECKPOINT CONFIG GPUS [mmdet_train.py args]
#
#   CHECKPOINT  mixtoolbox / mmpretrain checkpoint (e.g. work_dirs/x/epoch_300.pth)
#   CONFIG      configs/benchmarks/mmdet/*.py
#   GPUS        processes on this machine; 1 = one process (GPU or CPU, SyncBN
#               becomes BN), >1 = torchrun (multi-node: dist_mmdet_transfer.sh)
# Environment: ENCODER=online|momentum|key (network to export, default online),
#   PREFIX (explicit key prefix, overrides ENCODER), WORK_DIR (default
#   work_dirs/transfer/<config name>), PORT (29500), PYTHON (python).
# Writes WORK_DIR/backbone.pth, the logs and checkpoints, and
# WORK_DIR/transfer_metrics.json.
set -euo pipefail
if [ $# -lt 3 ]; then
  echo "usage: $0 CHECKPOINT CONFIG GPUS [extra mmdet_train.py arguments]" >&2
  exit 2
fi
CHECKPOINT=$1
CONFIG=$2
GPUS=$3
if ! [[ "$GPUS" =~ ^[1-9][0-9]*$ ]]; then
  echo "$0: GPUS must be a positive integer, got '$GPUS'" >&2
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

if [ "$GPUS" -eq 1 ]; then
  "$PYTHON" "$DIR/mmdet_train.py" "$CONFIG" \
      --backbone "$WORK_DIR/backbone.pth" --work-dir "$WORK_DIR" "${@:4}"
else
  "$PYTHON" -m torch.distributed.run --nproc_per_node="$GPUS" \
      --master_port="${PORT:-29500}" "$DIR/mmdet_train.py" "$CONFIG" \
      --backbone "$WORK_DIR/backbone.pth" --work-dir "$WORK_DIR" \
      --launcher pytorch "${@:4}"
fi
