#!/usr/bin/env bash
# Train the quick-start config once (a finished run is not repeated) and
# print its top-1 on the full 10,000-image Fashion-MNIST test set.
# Training and the test run in one process (tools/train.py --test: the test
# loop of the same Runner on the weights just trained, saving a second
# start-up); a run trained earlier is tested from its last checkpoint with
# tools/test.py.
set -euo pipefail
PY=$1
CFG=$2
WORK=$3
METRICS="$WORK/test_metrics.json"
mkdir -p "$WORK"
epochs=$("$PY" -c "from mmengine import Config; print(Config.fromfile('$CFG').train_cfg.max_epochs)")
if [ ! -f "$WORK/last_checkpoint" ] || \
   ! grep -q "epoch_${epochs}.pth" "$WORK/last_checkpoint"; then
  rm -f "$METRICS"
  start=$(date +%s)
  # --resume continues an interrupted run instead of starting over
  "$PY" tools/train.py "$CFG" --work-dir "$WORK" --resume \
    --test --test-out "$METRICS"
  echo "[quickstart] training and test took $(( $(date +%s) - start )) s"
fi
if [ ! -f "$METRICS" ]; then
  ckpt=$(cat "$WORK/last_checkpoint")
  "$PY" tools/test.py "$CFG" "$ckpt" --work-dir "$WORK" \
    --out "$METRICS" --out-item metrics > "$WORK/test.log" 2>&1 \
    || { cat "$WORK/test.log"; exit 1; }
fi
"$PY" -c "
import json
m = json.load(open('$METRICS'))
print(f\"[quickstart] top-1 on the 10,000 Fashion-MNIST test images: {m['accuracy/top1']:.2f} %\")
"
