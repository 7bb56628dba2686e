#!/usr/bin/env bash
# Self-supervised demo on a 2-core CPU: pretrain MoCo v2, MoCo v2 + Mixup
# (cross-view), SAMix-I and SAMix-C on Fashion-MNIST, linear-evaluate each,
# print the top-1 table (each seed's figures and mean ± std). Timings:
# docs/methods/selfsup.md.
#
#   bash tools/selfsup/fashion_mnist_demo.sh [WORK_DIR] [SEED ...]
#   bash tools/selfsup/fashion_mnist_demo.sh work_dirs/ssl_demo 0 1 2
#
# Environment: PYTHON (default: python), METHODS (default: "mocov2
# mocov2-mixup samix-i samix-c"), PRETRAIN_OPTS / LINEAR_OPTS (extra
# --cfg-options, e.g. PRETRAIN_OPTS="train_dataloader.dataset.indices=3200"
# for a shorter run).
set -euo pipefail
if [ "${1:-}" = "-h" ] || [ "${1:-}" = "--help" ]; then
    sed -n '2,/^set /p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
    exit 0
fi
cd "$(dirname "$0")/../.."
PYTHON=${PYTHON:-python}
WORK_DIR=${1:-work_dirs/selfsup_fashion_mnist_demo}
shift || true
SEEDS=("$@")
[ ${#SEEDS[@]} -eq 0 ] && SEEDS=(0)
METHODS=(${METHODS:-mocov2 mocov2-mixup samix-i samix-c})
# configs/selfsup/<method>_$CFG.py and the linear evaluation $LINEAR_CFG
CFG=resnet18-w8_1xb64-coslr-2e_fashion-mnist
LINEAR_CFG=configs/selfsup/resnet18-w8_1xb250-linear-steplr-5e_fashion-mnist.py
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-2}

if [ ! -f data/fashion_mnist/train-images-idx3-ubyte ]; then
    "$PYTHON" tools/dataset_converters/prepare_fashion_mnist.py
fi

RESULTS="$WORK_DIR/results.jsonl"
mkdir -p "$WORK_DIR"
for seed in "${SEEDS[@]}"; do
    for method in "${METHODS[@]}"; do
        run="$WORK_DIR/${method}_seed${seed}"
        "$PYTHON" tools/train.py "configs/selfsup/${method}_${CFG}.py" \
            --work-dir "$run" \
            --cfg-options randomness.seed="$seed" ${PRETRAIN_OPTS:-}
        ckpt=$(ls -1 "$run"/epoch_*.pth | sort -V | tail -n 1)
        "$PYTHON" tools/selfsup/linear_eval.py "$LINEAR_CFG" \
            "$ckpt" --seed "$seed" --work-dir "$run/linear" \
            ${LINEAR_OPTS:+--cfg-options $LINEAR_OPTS} \
            | tail -n 1 | sed "s/^{/{\"method\": \"$method\", /" \
            >> "$RESULTS"
    done
done
"$PYTHON" - "$RESULTS" <<'PY'
import json, sys
from collections import defaultdict
rows = defaultdict(list)
for line in open(sys.argv[1]):
    r = json.loads(line)
    rows[r['method']].append(r['accuracy/top1'])
print(f"{'method':<16}{'seeds':>6}   {'top-1 (each)':<28}{'mean ± std':>14}")
for method, accs in rows.items():
    mean = sum(accs) / len(accs)
    std = (sum((a - mean) ** 2 for a in accs) / (len(accs) - 1)) ** 0.5 \
        if len(accs) > 1 else 0.0
    each = ', '.join(f'{a:.2f}' for a in accs)
    print(f"{method:<16}{len(accs):>6}   {each:<28}{mean:>7.2f} ± {std:.2f}")
PY
