#!/usr/bin/env bash
# The runs behind docs/claims.md, on protocol v2 (resumable: every tool skips
# the (method, seed) rows already in its results file, so re-running this
# script continues where it stopped; CI never runs it).
#
#   bash scripts/claims.sh [STAGE ...]     (default: main reference extra)
#
# Stages:
#   main       the toolbox's runs of every method the claims compare,
#              seeds 0 1 2 (tools/analysis/accuracy_benchmark.py --jobs 2)
#   reference  the independent plain-PyTorch loop (vanilla, Mixup, CutMix,
#              MultiMix), same protocol and seeds, one process
#   extra      multi-mix over Mixup / CutMix (CutMix on every step, and on
#              half of them like the cutmix row), Dense MultiMix at stage 3,
#              seeds 0 1 2
#   more-seeds seeds 3 4 of the methods of the claims the report flags as
#              needing more seeds (claims_report.py --more-seeds; or the
#              methods in METHODS5), without the learning curve
#   pilot      vanilla seed 0 of protocol v2 with its convergence curve on
#              all 10,000 test images every 4 epochs (the curve is recorded
#              without touching the training's random streams, so the final
#              weights equal the main stage's vanilla seed 0: same hash)
#   walltime   the busy wall time of the runs so far, from the logs in WORK
#              (tools/analysis/claims_walltime.py)
#   report     copies the results files to docs/claims_data/ and writes the
#              tables into docs/claims.md, the PNGs into docs/figures/claims
#              (the R-Mix speed claim reads the side-by-side step times of
#              docs/claims_data/step_time.json, see docs/claims.md)
#
# Environment: PYTHON (default .venv/bin/python if present, else python),
# OUT (results files, default work_dirs/claims; OUT=docs/claims_data resumes
# from the committed rows), WORK (logs and checkpoints, default
# work_dirs/claims), JOBS (default 2).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-$([ -x .venv/bin/python ] && echo .venv/bin/python || echo python)}
OUT=${OUT:-work_dirs/claims}
WORK=${WORK:-work_dirs/claims}
JOBS=${JOBS:-2}
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}" OMP_NUM_THREADS=1
VANILLA=configs/benchmarks/fashion_mnist/vanilla_preactresnet18-w8_1xb100-10e_fashionmnist2k.py
# protocol v2 (mixtoolbox/analysis/accuracy.py PROTOCOLS['v2'])
EPOCHS=120 IMAGES=500 BATCH=50
# the cheaper methods first (all seeds), so that a run cut short has whole
# claims rather than one seed of everything
MAIN_A="vanilla mixup cutmix manifoldmix multimix dense_multimix multimix+distil
dense_multimix+distil multimix_n50 multimix_alpha1 puzzlemix rmix"
MAIN_B="automix samix samix_eta1 multi_interp_puzzlemix"
EXTRA="multi_interp_mixup multi_interp_cutmix multi_interp_cutmix_p05
dense_multimix_layer3"
METHODS5=${METHODS5:-}
mkdir -p "$OUT" "$WORK"
bench() {
    "$PYTHON" tools/analysis/accuracy_benchmark.py --protocol v2 \
        --jobs "$JOBS" --work-dir "$WORK/toolbox" \
        --results "$OUT/toolbox.jsonl" "$@"
}
for stage in "${@:-main reference extra}"; do
  for s in $stage; do
    case $s in
      main) bench --methods $MAIN_A --seeds 0 1 2
            bench --methods $MAIN_B --seeds 0 1 2 ;;
      extra) bench --methods $EXTRA --seeds 0 1 2 ;;
      more-seeds)
        methods5=${METHODS5:-$("$PYTHON" tools/analysis/claims_report.py \
            "$OUT/toolbox.jsonl" --where epochs=$EPOCHS \
            train_images=$IMAGES --more-seeds)}
        [ -n "$methods5" ] || { echo "more-seeds: no claim needs more seeds"; continue; }
        echo "more-seeds: $methods5"
        # one method (both seeds) at a time, so that a stop leaves whole
        # claims; no curve (it does not change the training, see pilot)
        for m in $methods5; do
            bench --methods "$m" --seeds 3 4 --curve-every 0
        done ;;
      pilot)
        "$PYTHON" tools/analysis/accuracy_benchmark.py --protocol v2 \
            --methods vanilla --seeds 0 --curve-every 4 --curve-images 10000 \
            --work-dir "$WORK/pilot" --results "$OUT/pilot.jsonl" ;;
      reference)
        "$PYTHON" tools/analysis/reference_loop.py \
            --method vanilla mixup cutmix multimix --seed 0 1 2 \
            --config "$VANILLA" --epochs $EPOCHS --train-images $IMAGES \
            --batch-size $BATCH --eval-every 20 --out "$OUT/reference.jsonl" ;;
      walltime)
        "$PYTHON" tools/analysis/claims_walltime.py "$WORK"/toolbox/*.log \
            "$WORK"/pilot/*.log --reference "$OUT/reference.jsonl" ;;
      report)
        DATA=docs/claims_data
        if [ "$(cd "$OUT" && pwd)" != "$(cd "$DATA" 2>/dev/null && pwd)" ]; then
            mkdir -p "$DATA"
            for f in toolbox reference pilot; do
                [ ! -f "$OUT/$f.jsonl" ] || cp "$OUT/$f.jsonl" "$DATA/$f.jsonl"
            done
        fi
        "$PYTHON" tools/analysis/claims_report.py "$DATA/toolbox.jsonl" \
            "$DATA/reference.jsonl" --where epochs=$EPOCHS \
            train_images=$IMAGES --step-time "$DATA/step_time.json" \
            --curve-methods vanilla mixup cutmix \
            manifoldmix multimix puzzlemix samix \
            --reliability-methods vanilla mixup multimix multimix+distil \
            --into docs/claims.md --plots docs/figures/claims ;;
      *) echo "unknown stage $s (main reference extra more-seeds pilot" \
              "walltime report)" >&2
         exit 2 ;;
    esac
  done
done
