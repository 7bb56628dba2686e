#!/usr/bin/env bash
# Idempotent install of the mixtoolbox stack into ./.venv.
#
#   MMCV_WHEELHOUSE=DIR   take mmcv 2.1.0 from a directory of prebuilt wheels
#                         (e.g. ../shared/wheels); otherwise the PyPI sdist is
#                         downloaded, patched for torch 2.14's C++20 headers and
#                         compiled with CPU ops (~22 min on 2 cores).
#   MMCV_WITH_CUDA=1      compile mmcv's CUDA ops too (needs nvcc; see README).
#   VENV=DIR              where the virtual environment lives (default .venv).
#
# Every finished step leaves a stamp in $VENV/.mixtoolbox-stamps, so a second
# run installs nothing.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VENV="${VENV:-$ROOT/.venv}"
PY="${PYTHON:-python3}"
STAMPS="$VENV/.mixtoolbox-stamps"
TORCH_SPEC="torch==2.14.1 torchvision==0.29.1"
MMCV_VERSION="2.1.0"

log() { printf '[setup] %s\n' "$*"; }

# stamp NAME CONTENT: true when the step already ran with the same inputs.
done_already() { [ -f "$STAMPS/$1" ] && [ "$(cat "$STAMPS/$1")" = "$2" ]; }
mark_done() { mkdir -p "$STAMPS"; printf '%s' "$2" > "$STAMPS/$1"; }

if [ ! -x "$VENV/bin/python" ]; then
  log "creating virtual environment $VENV"
  "$PY" -m venv "$VENV"
fi
PIP=("$VENV/bin/python" -m pip --disable-pip-version-check)

key="$TORCH_SPEC"
if ! done_already torch "$key"; then
  log "installing $TORCH_SPEC"
  "${PIP[@]}" install $TORCH_SPEC
  # the mmcv build imports pkg_resources, which setuptools>=70 dropped
  "${PIP[@]}" install "setuptools<70" wheel ninja
  mark_done torch "$key"
fi

key="mmcv==$MMCV_VERSION wheelhouse=${MMCV_WHEELHOUSE:-} cuda=${MMCV_WITH_CUDA:-0}"
if ! done_already mmcv "$key"; then
  if "$VENV/bin/python" -c "import mmcv, mmcv.ops, sys; sys.exit(mmcv.__version__ != '$MMCV_VERSION')" 2>/dev/null; then
    log "mmcv $MMCV_VERSION with ops already importable"
  elif [ -n "${MMCV_WHEELHOUSE:-}" ]; then
    log "installing mmcv $MMCV_VERSION from wheelhouse $MMCV_WHEELHOUSE"
    if ! ls "$MMCV_WHEELHOUSE"/mmcv-"$MMCV_VERSION"-*.whl >/dev/null 2>&1; then
      echo "MMCV_WHEELHOUSE=$MMCV_WHEELHOUSE holds no mmcv-$MMCV_VERSION wheel" >&2
      exit 1
    fi
    "${PIP[@]}" install --find-links "$MMCV_WHEELHOUSE" --prefer-binary "mmcv==$MMCV_VERSION"
  else
    log "building mmcv $MMCV_VERSION from the PyPI sdist (about 22 minutes on 2 cores)"
    build="$(mktemp -d)"
    "${PIP[@]}" download --no-deps --no-binary :all: --no-build-isolation -d "$build" "mmcv==$MMCV_VERSION"
    tar xzf "$build/mmcv-$MMCV_VERSION.tar.gz" -C "$build"
    # torch 2.14 headers need C++20; mmcv 2.1.0 hard-codes C++17
    sed -i "s/'-std=c++17'/'-std=c++20'/g" "$build/mmcv-$MMCV_VERSION/setup.py"
    if [ "${MMCV_WITH_CUDA:-0}" = 1 ]; then force_cuda=1; else force_cuda=0; fi
    MMCV_WITH_OPS=1 FORCE_CUDA=$force_cuda MAX_JOBS="${MAX_JOBS:-$(nproc)}" \
      "${PIP[@]}" install --no-build-isolation "$build/mmcv-$MMCV_VERSION"
    rm -rf "$build"
  fi
  "$VENV/bin/python" -c "import mmcv.ops" || { echo "mmcv.ops does not import" >&2; exit 1; }
  mark_done mmcv "$key"
fi

key="$(cat "$ROOT/requirements/runtime.txt" "$ROOT/requirements/tests.txt" "$ROOT/requirements/optional.txt" "$ROOT/setup.py" "$0" | sha256sum | cut -c1-16)"
if ! done_already stack "$key"; then
  log "installing mmengine / mmpretrain / mmdet, test tools and mixtoolbox (editable)"
  "${PIP[@]}" install "mmengine==0.10.7" "mmpretrain==1.2.0" \
    -r "$ROOT/requirements/runtime.txt" -r "$ROOT/requirements/tests.txt" \
    -r "$ROOT/requirements/optional.txt"
  "${PIP[@]}" install --no-build-isolation --no-deps -e "$ROOT"
  mark_done stack "$key"
fi
log "environment ready: $VENV"
