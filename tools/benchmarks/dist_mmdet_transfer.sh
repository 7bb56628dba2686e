#!/usr/bin/env bash
# Multi-node variant of mmdet_transfer.sh: run it on every node with the same
# arguments. Run with --help for the arguments and environment variables.
set -euo pipefail

usage() {
  cat <<HELP
usage: bash $0 CHECKPOINT CONFIG [GPUS] [mmdet_train.py options ...]
       bash $0 --help

Multi-node detection transfer: run on every node with the same arguments.
Each node exports the backbone of CHECKPOINT locally, then torchrun joins
the nodes and fine-tunes / evaluates the detector of CONFIG.

  NNODES=2 NODE_RANK=0 MASTER_ADDR=10.0.0.1 bash $0 CKPT CONFIG 8   # node 0
  NNODES=2 NODE_RANK=1 MASTER_ADDR=10.0.0.1 bash $0 CKPT CONFIG 8   # node 1

arguments:
  CHECKPOINT  mixtoolbox / mmpretrain checkpoint
  CONFIG      detector config, configs/benchmarks/mmdet/*.py
  GPUS        processes per node (default: \$GPUS); the run has
              NNODES x GPUS processes
  options     anything after GPUS goes to mmdet_train.py (--batch-policy,
              --cfg-options k=v ..., --resume, --amp, --no-test)

environment:
  GPUS         processes per node when the GPUS argument is left out
  NNODES       number of nodes (default 1)
  NODE_RANK    this node's rank (default 0)
  MASTER_ADDR  address of node 0 (default 127.0.0.1)
  PORT         torchrun master port (default 29500)
  ENCODER      network to export: online (default) | momentum | key
  PREFIX       explicit key prefix of the backbone (overrides ENCODER)
  WORK_DIR     output directory (default work_dirs/transfer/<config name>)
  PYTHON       interpreter (default python)

Before exporting, the script prints the effective total batch and lr for
NNODES x GPUS processes (mmdet_train.py --plan), as mmdet_transfer.sh does.
Without GPUs the processes talk over gloo, and SyncBN is refused: use one
process (mmdet_transfer.sh CKPT CONFIG 1).
HELP
}

DIR="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=transfer_common.sh
source "$DIR/transfer_common.sh"
parse_transfer_args 'GPUS (per node)' "$@"
NNODES=${NNODES:-1}
if ! [[ "$NNODES" =~ ^[1-9][0-9]*$ ]]; then
  echo "$0: NNODES must be a positive integer, got '$NNODES'" >&2
  exit 2
fi
transfer_paths

"$PYTHON" "$DIR/mmdet_train.py" "$CONFIG" --plan "$((NNODES * GPUS))" \
    "${OPTIONS[@]}"

export_backbone

"$PYTHON" -m torch.distributed.run \
    --nnodes="$NNODES" --node_rank="${NODE_RANK:-0}" \
    --master_addr="${MASTER_ADDR:-127.0.0.1}" --master_port="${PORT:-29500}" \
    --nproc_per_node="$GPUS" "$DIR/mmdet_train.py" "$CONFIG" \
    --backbone "$WORK_DIR/backbone.pth" --work-dir "$WORK_DIR" \
    --launcher pytorch "${OPTIONS[@]}"
