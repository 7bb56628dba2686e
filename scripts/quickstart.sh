#!/usr/bin/env bash
# Train the quick-start config once (a finished run is not repeated) and
# print its top-1 on the full 10,000-image Fashion-MNIST test set.
set -euo pipefail
PY=$1
CFG=$2
WORK=$3
mkdir -p "$WORK"
if [ ! -f "$WORK/last_checkpoint" ] || \
   ! grep -q "epoch_$("$PY" -c "from mmengine import Config; print(Config.fromfile('$CFG').train_cfg.max_epochs)").pth" "$WORK/last_checkpoint"; then
  start=$(date +%s)
  # --resume continues an interrupted run instead of starting over
  "$PY" tools/train.py "$CFG" --work-dir "$WORK" --resume
  echo "[quickstart] training took $(( $(date +%s) - start )) s"
fi
ckpt=$(cat "$WORK/last_checkpoint")
"$PY" tools/test.py "$CFG" "$ckpt" --work-dir "$WORK" \
  --out "$WORK/test_metrics.json" --out-item metrics > "$WORK/test.log" 2>&1 \
  || { cat "$WORK/test.log"; exit 1; }
"$PY" -c "
import json
m = json.load(open('$WORK/test_metrics.json'))
print(f\"[quickstart] top-1 on the 10,000 Fashion-MNIST test images: {m['accuracy/top1']:.2f} %\")
"
