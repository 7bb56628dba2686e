#!/usr/bin/env bash
# Build / download the wheels that the GPU machine lacks into one folder
# (default .whl/, git-ignored), for Python 3.12 on manylinux x86-64.
#
# The GPU machine (one H200; Python 3.12 with its own torch, torchvision,
# numpy, scipy, opencv-python-headless, matplotlib, scikit-learn, timm,
# pytest, pytest-timeout, rich, einops, pyyaml, click, markdown, zipp) has no
# OpenMMLab stack, POT, PyMaxflow and no network. This carries:
#   - mmengine 0.10.7, mmpretrain 1.2.0 and their pure-python needs missing
#     there (addict, yapf + platformdirs, termcolor, mat4py, modelindex +
#     model-index + ordered-set, importlib-metadata + lazy-importer);
#   - POT and PyMaxflow as cp312 manylinux wheels;
#   - mmcv 2.1.0 WITHOUT compiled ops ("mmcv-lite"), built here from the
#     PyPI sdist with MMCV_WITH_OPS=0 (pure python, ~0.7 MB, ~20 s): the
#     classification and self-supervised models need only mmcv's python
#     parts; the mmdet transfer (RoI ops) stays CPU-only.
# Never torch: the machine's own CUDA torch must stay the one imported.
# The versions are the ones the stack here is tested with.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: tools/dev/gpu_wheels.sh [-h] [DIR]

Download / build the cp312 wheels the GPU machine lacks into DIR (default
.whl) and check the set: one version of each package, no torch, total size
<= 64 MiB (the device tool's working-tree limit, which the repo itself also
counts towards). Uses $PYTHON (default .venv/bin/python, else python3) for
pip; needs PyPI access here, none on the GPU machine.

Install there with:
  python3 -m pip install -q --no-index --no-deps --no-compile \
      --target /tmp/site .whl/*.whl && export PYTHONPATH=/tmp/site:$PWD
(tools/dev/gpu_check.sh does this.)
USAGE
}
case "${1:-}" in -h|--help) usage; exit 0 ;; esac

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DIR="${1:-$ROOT/.whl}"
PY="${PYTHON:-$ROOT/.venv/bin/python}"
[ -x "$PY" ] || PY=python3
PIP=("$PY" -m pip --disable-pip-version-check)
LIMIT_MIB=64

PURE=(mmengine==0.10.7 mmpretrain==1.2.0 addict==2.4.0 yapf==0.43.0
      platformdirs==4.14.8 termcolor==3.3.0 mat4py==0.6.0 modelindex==0.0.2
      model-index==0.1.11 ordered-set==4.1.0 importlib-metadata==10.2.0
      lazy-importer==0.1.0)
BINARY=(POT==0.9.7.post1 PyMaxflow==1.3.2)
MMCV=2.1.0

mkdir -p "$DIR"
echo "[gpu-wheels] downloading ${#PURE[@]} pure-python and ${#BINARY[@]} cp312 wheels into $DIR"
"${PIP[@]}" download -q --no-deps --only-binary=:all: --python-version 3.12 \
  --implementation cp --platform manylinux_2_28_x86_64 \
  --platform manylinux_2_27_x86_64 --platform manylinux_2_17_x86_64 \
  --platform manylinux2014_x86_64 --platform manylinux1_x86_64 \
  -d "$DIR" "${PURE[@]}" "${BINARY[@]}"

if ls "$DIR"/mmcv_lite-$MMCV-*.whl >/dev/null 2>&1; then
  echo "[gpu-wheels] mmcv-lite $MMCV already built"
else
  echo "[gpu-wheels] building mmcv-lite $MMCV (MMCV_WITH_OPS=0) from the sdist"
  build="$(mktemp -d)"
  trap 'rm -rf "$build"' EXIT
  "${PIP[@]}" download -q --no-deps --no-binary :all: --no-build-isolation \
    -d "$build" "mmcv==$MMCV"
  MMCV_WITH_OPS=0 "${PIP[@]}" wheel -q --no-deps --no-build-isolation \
    -w "$DIR" "$build/mmcv-$MMCV.tar.gz"
fi

# checks: no torch, one version per project, size
names="$(for f in "$DIR"/*.whl; do basename "$f" | cut -d- -f1 \
  | tr 'A-Z_.' 'a-z--'; done | sort)"
if echo "$names" | grep -qx -e torch -e torchvision -e 'nvidia-.*'; then
  echo "[gpu-wheels] ERROR: $DIR holds torch / nvidia wheels; remove them" >&2
  exit 1
fi
dupes="$(echo "$names" | uniq -d)"
if [ -n "$dupes" ]; then
  echo "[gpu-wheels] ERROR: several versions of: $dupes (keep one)" >&2
  exit 1
fi
bytes="$(cat "$DIR"/*.whl | wc -c)"
mib=$(( (bytes + 1048575) / 1048576 ))
echo "[gpu-wheels] $(ls "$DIR"/*.whl | wc -l) wheels, ${mib} MiB in $DIR:"
ls -1 "$DIR"
if [ "$mib" -gt "$LIMIT_MIB" ]; then
  echo "[gpu-wheels] ERROR: ${mib} MiB > ${LIMIT_MIB} MiB" >&2
  exit 1
fi
