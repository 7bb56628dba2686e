#!/usr/bin/env bash
# The GPU check of mixtoolbox in one call: install the carried wheels, run the
# device tests (`pytest --device cuda`, float32 and float16 autocast) and the
# ResNet-50 / 224 px speed table (float32 and float16), and write one
# Markdown report with the JUnit / JSON results beside it. See --help.
set -uo pipefail

usage() {
  cat <<'USAGE'
usage: tools/dev/gpu_check.sh [-h] [--device cuda|cpu] [--quick] [--out DIR]
                              [--wheels DIR] [--python PY] [--workers N]

Runs, each under its own time limit (a hang cannot eat the budget):
  1. wheels: when mmengine / mmcv / mmpretrain do not import, installs the
     carried wheels (pip --no-index --no-deps --target, from --wheels,
     default .whl; build them with `make gpu-wheels`) and puts them on
     PYTHONPATH;
  2. tests: pytest --device DEVICE on tests/models, tests/test_configs.py
     and tests/test_device.py (not the cpu_only ones; under CUDA the config
     steps also run under float16 autocast), JUnit XML;
  3. speed: tools/analysis/benchmark_methods.py --suite imagenet-r50 at
     ResNet-50, 224 px, batch 128, 3 timed rounds, in float32 and with
     --amp (all but Co-Mixup, whose numpy labelling takes ~10 s a step
     and does not change with the precision), JSON;
  4. report.md: machine, versions, the pass/fail of every part, failing
     tests, both speed tables beside the published ratios.
Output folder: --out, else $OUT when set (the device tool's), else
work_dirs/gpu_check. It holds at most 7 files: report.md, summary.json,
pytest.xml, pytest.log, bench_fp32.json, bench_amp.json, bench.log (no
bench_amp.json with --quick).

Sized for one H200 (16 cores): about 5-6 minutes, at most 7.5 (the sum of
the per-part limits, 45 + 180 + 150 + 75 s); the exit status is 0 only
when every part passed.

  --device cuda|cpu  device of the tests and the speed table (default cuda)
  --quick            a reduced run (two test files; vanilla and PuzzleMix at
                     32 px, batch 2, float32 only)
                     for a CPU: `make test` runs it with --device cpu
  --workers N        pytest-xdist workers when xdist is installed (default 6
                     on CUDA, none with --quick)
  --python PY        interpreter (default $PYTHON, else python3)

On the device tool (one call, the wheels carried):
  run(command='bash tools/dev/gpu_check.sh', carry=['.whl'], timeout_s=540)
USAGE
}

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DEVICE=cuda
QUICK=0
DIR=""
WHEELS="$ROOT/.whl"
PY="${PYTHON:-python3}"
WORKERS=""
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --device) DEVICE="${2:-}"; shift 2 ;;
    --quick) QUICK=1; shift ;;
    --out) DIR="${2:-}"; shift 2 ;;
    --wheels) WHEELS="${2:-}"; shift 2 ;;
    --python) PY="${2:-}"; shift 2 ;;
    --workers) WORKERS="${2:-}"; shift 2 ;;
    *) echo "gpu_check.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
case "$DEVICE" in cuda|cpu) ;; *)
  echo "gpu_check.sh: --device must be cuda or cpu, got '$DEVICE'" >&2
  exit 2 ;;
esac
[ -n "$DIR" ] || DIR="${OUT:-$ROOT/work_dirs/gpu_check}"
mkdir -p "$DIR"
DIR="$(cd "$DIR" && pwd)"
cd "$ROOT"
export PYTHONUNBUFFERED=1 MPLBACKEND=Agg

# time limits (s) and sizes: full run on one H200, or --quick on a CPU
if [ "$QUICK" = 1 ]; then
  T_WHEELS=90; T_TESTS=240; T_FP32=240; T_AMP=0
  TESTS=(tests/test_device.py tests/models/mixups/test_comixup.py)
  BENCH=(--methods puzzlemix --image-size 32 32 --batch-size 2 --reps 1
         --warmup 0 --threads 1)
  MODES=(fp32)  # the --amp wrapper is unit-tested (tests/test_device.py)
  WORKERS="${WORKERS:-0}"
else
  T_WHEELS=45; T_TESTS=180; T_FP32=150; T_AMP=75
  TESTS=(tests/models tests/test_configs.py tests/test_device.py)
  # Co-Mixup's labelling runs in numpy on the host, ~10 s per step of 128
  # (12 s CPU here): 3 timed rounds, and the float16 table without it
  BENCH=(--batch-size 128 --reps 3 --warmup 1)
  AMP_METHODS=(mixup cutmix manifoldmix multimix multimix_dense
               multimix_distil multimix_dense_distil puzzlemix rmix automix
               samix)
  MODES=(fp32 amp)
  WORKERS="${WORKERS:-$([ "$DEVICE" = cuda ] && echo 6 || echo 0)}"
fi

declare -A STATUS SECONDS_TAKEN
run_part() {  # name limit command...: run with a time limit, record status
  local name="$1" limit="$2"; shift 2
  local t0=$SECONDS rc
  echo "[gpu_check] $name (limit ${limit}s): $*"
  timeout --kill-after=10 "$limit" "$@"
  rc=$?
  SECONDS_TAKEN[$name]=$((SECONDS - t0))
  case $rc in
    0) STATUS[$name]=passed ;;
    124|137) STATUS[$name]="TIMED OUT after ${limit}s" ;;
    *) STATUS[$name]="failed (exit $rc)" ;;
  esac
  echo "[gpu_check] $name: ${STATUS[$name]} in ${SECONDS_TAKEN[$name]}s"
  return $rc
}

# 1. wheels ------------------------------------------------------------------
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"
STACK='import mmengine, mmcv, mmpretrain, maxflow'
if "$PY" -c "$STACK" 2>/dev/null; then
  STATUS[wheels]="not needed (the stack imports)"; SECONDS_TAKEN[wheels]=0
elif ls "$WHEELS"/*.whl >/dev/null 2>&1; then
  SITE="${TMPDIR:-/tmp}/mixtoolbox_site"
  rm -rf "$SITE"
  run_part wheels "$T_WHEELS" "$PY" -m pip install -q --no-index --no-deps \
    --no-compile --disable-pip-version-check --target "$SITE" \
    "$WHEELS"/*.whl
  export PYTHONPATH="$SITE:$PYTHONPATH"
else
  STATUS[wheels]="MISSING: no stack and no wheels in $WHEELS (make gpu-wheels)"
  SECONDS_TAKEN[wheels]=0
fi

# environment ------------------------------------------------------------------
ENV_JSON="$("$PY" - <<'EOF' 2>&1
import json, platform
from importlib import metadata
info = dict(python=platform.python_version())
for name in ('torch', 'mmengine', 'mmcv', 'mmcv-lite', 'mmpretrain', 'numpy'):
    try:
        info[name] = metadata.version(name)
    except metadata.PackageNotFoundError:
        pass
try:
    import torch
    info.update(cuda=torch.version.cuda,
                cuda_available=torch.cuda.is_available())
    if torch.cuda.is_available():
        p = torch.cuda.get_device_properties(0)
        info.update(gpu=p.name, gpu_mib=p.total_memory // 2**20)
except Exception as err:  # noqa: BLE001
    info['error'] = repr(err)
print(json.dumps(info))
EOF
)"
echo "[gpu_check] environment: $ENV_JSON"
if [ "$DEVICE" = cuda ] && ! echo "$ENV_JSON" | grep -q '"cuda_available": true'; then
  echo "[gpu_check] --device cuda but CUDA is not available; stopping" >&2
  STATUS[tests]="not run (no CUDA)"; STATUS[speed_fp32]="not run"
  STATUS[speed_amp]="not run"
  NO_CUDA=1
fi

# 2. tests ---------------------------------------------------------------------
XDIST=()
if [ "${WORKERS:-0}" -gt 0 ] 2>/dev/null && "$PY" -c 'import xdist' 2>/dev/null; then
  XDIST=(-n "$WORKERS")
fi
if [ -z "${NO_CUDA:-}" ]; then
  run_part tests "$T_TESTS" "$PY" -m pytest -q -p no:cacheprovider \
    --device "$DEVICE" "${TESTS[@]}" -m 'not cpu_only' \
    -k 'not gpu_check_script and not skips_in_one_line' "${XDIST[@]}" \
    -o timeout=120 \
    --junitxml "$DIR/pytest.xml" > "$DIR/pytest.log" 2>&1
  tail -n 15 "$DIR/pytest.log"

  # 3. speed -------------------------------------------------------------------
  : > "$DIR/bench.log"
  for mode in "${MODES[@]}"; do
    if [ $mode = fp32 ]; then extra=("${BENCH[@]}"); limit=$T_FP32
    else extra=("${BENCH[@]}" --amp --methods "${AMP_METHODS[@]}")
         limit=$T_AMP; fi
    run_part "speed_$mode" "$limit" "$PY" tools/analysis/benchmark_methods.py \
      --suite imagenet-r50 --device "$DEVICE" "${extra[@]}" \
      --out "$DIR/bench_$mode" >> "$DIR/bench.log" 2>&1
  done
  tail -n 40 "$DIR/bench.log"
fi

[ "$QUICK" = 1 ] && STATUS[speed_amp]="skipped (quick mode)"

# 4. report --------------------------------------------------------------------
STATUS_JSON="{"
for part in wheels tests speed_fp32 speed_amp; do
  STATUS_JSON+="\"$part\": [\"${STATUS[$part]:-not run}\", ${SECONDS_TAKEN[$part]:-0}], "
done
STATUS_JSON="${STATUS_JSON%, }}"
"$PY" - "$DIR" "$DEVICE" "$QUICK" "$ENV_JSON" "$STATUS_JSON" <<'EOF'
import json, os, sys, time
import xml.etree.ElementTree as ET
out, device, quick, env, status = sys.argv[1:]
env, status = json.loads(env), json.loads(status)
lines = ['# GPU check of mixtoolbox', '',
         f'{time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}; device '
         f'`{device}`{" (quick mode)" if quick == "1" else ""}; '
         + ', '.join(f'{k} {v}' for k, v in env.items()), '',
         '| part | result | seconds |', '|---|---|---|']
lines += [f'| {part} | {res} | {sec} |' for part, (res, sec) in status.items()]
summary = dict(env=env, status=status, device=device, quick=quick == '1')
xml = os.path.join(out, 'pytest.xml')
if os.path.isfile(xml):
    root = ET.parse(xml).getroot()
    suite = root if root.tag == 'testsuite' else root.find('testsuite')
    counts = {k: int(suite.get(k, 0)) for k in
              ('tests', 'failures', 'errors', 'skipped')}
    bad = [f'{case.get("classname")}::{case.get("name")}'
           for case in suite.iter('testcase')
           if case.find('failure') is not None
           or case.find('error') is not None]
    summary['tests'] = dict(counts, failed=bad)
    lines += ['', '## Tests', '',
              f'{counts["tests"]} tests: {counts["failures"]} failed, '
              f'{counts["errors"]} errors, {counts["skipped"]} skipped '
              f'(JUnit: pytest.xml, log: pytest.log).']
    lines += [f'- FAILED `{name}`' for name in bad[:40]]
    if len(bad) > 40:
        lines.append(f'- ... {len(bad) - 40} more in pytest.xml')
for mode, title in (('fp32', 'float32'), ('amp', 'mixed precision')):
    md = os.path.join(out, f'bench_{mode}.md')
    if os.path.isfile(md):
        lines += ['', f'## Speed, {title}', '', open(md).read().strip()]
        os.remove(md)  # the table is here; the JSON stays
        summary[f'speed_{mode}'] = f'bench_{mode}.json'
open(os.path.join(out, 'report.md'), 'w').write('\n'.join(lines) + '\n')
json.dump(summary, open(os.path.join(out, 'summary.json'), 'w'), indent=2)
EOF
echo "[gpu_check] report: $DIR/report.md"
for part in wheels tests speed_fp32 speed_amp; do
  case "${STATUS[$part]:-not run}" in
    passed|"not needed"*|"skipped (quick mode)") ;;
    *) exit 1 ;;
  esac
done
exit 0
