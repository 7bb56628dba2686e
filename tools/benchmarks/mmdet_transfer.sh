#!/usr/bin/env bash
# Detection transfer in one command: export the backbone of a mixtoolbox
# checkpoint, fine-tune an mmdet detector from it, evaluate on the test set.
# Run with --help for the arguments and environment variables.
set -euo pipefail

usage() {
  cat <<HELP
usage: bash $0 CHECKPOINT CONFIG [GPUS] [mmdet_train.py options ...]
       bash $0 --help

Export the backbone of CHECKPOINT, fine-tune the mmdet detector of CONFIG
from it (tools/benchmarks/mmdet_train.py) and evaluate the final weights on
the test set.

arguments:
  CHECKPOINT  mixtoolbox / mmpretrain checkpoint (e.g. work_dirs/x/epoch_300.pth)
  CONFIG      detector config, configs/benchmarks/mmdet/*.py
  GPUS        processes on this machine (default: \$GPUS). 1 = one process
              (one GPU or CPU; SyncBN becomes BN); >1 = torchrun, one process
              per GPU. Several machines: dist_mmdet_transfer.sh.
  options     anything after GPUS goes to mmdet_train.py, e.g.
              --batch-policy accumulate|scale-lr|none, --cfg-options k=v ...,
              --resume [CKPT], --amp, --no-test (python
              tools/benchmarks/mmdet_train.py --help lists them all)

environment:
  GPUS      process count when the GPUS argument is left out
  ENCODER   network to export: online (default) | momentum | key
  PREFIX    explicit key prefix of the backbone (overrides ENCODER)
  WORK_DIR  output directory (default work_dirs/transfer/<config name>)
  PORT      torchrun master port (default 29500)
  PYTHON    interpreter (default python)

Before exporting, the script prints the effective total batch and lr for
GPUS processes (mmdet_train.py --plan): the protocols' total batch
(auto_scale_lr.base_batch_size: 16 for the R-CNNs, 64 for SSD) is kept by
gradient accumulation unless --batch-policy says otherwise, and a warning
says when BatchNorm statistics differ from the protocol's.
Writes WORK_DIR/backbone.pth, the logs and checkpoints, and
WORK_DIR/transfer_metrics.json.
HELP
}

DIR="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=transfer_common.sh
source "$DIR/transfer_common.sh"
parse_transfer_args GPUS "$@"
transfer_paths

# effective batch / lr for GPUS processes; refuses before any work is done
"$PYTHON" "$DIR/mmdet_train.py" "$CONFIG" --plan "$GPUS" "${OPTIONS[@]}"

export_backbone

if [ "$GPUS" -eq 1 ]; then
  "$PYTHON" "$DIR/mmdet_train.py" "$CONFIG" \
      --backbone "$WORK_DIR/backbone.pth" --work-dir "$WORK_DIR" \
      "${OPTIONS[@]}"
else
  "$PYTHON" -m torch.distributed.run --nproc_per_node="$GPUS" \
      --master_port="${PORT:-29500}" "$DIR/mmdet_train.py" "$CONFIG" \
      --backbone "$WORK_DIR/backbone.pth" --work-dir "$WORK_DIR" \
      --launcher pytorch "${OPTIONS[@]}"
fi
