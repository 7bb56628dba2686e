#!/usr/bin/env bash
# Fashion-MNIST from the Debian package dataset-fashion-mnist (no download of
# the data set itself): install the package when running as root, otherwise
# say what to install; then decompress into data/fashion_mnist.
set -euo pipefail
PY=$1
SRC=$2
if [ ! -f "$SRC/t10k-labels-idx1-ubyte.gz" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "[data] installing the Debian package dataset-fashion-mnist"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dataset-fashion-mnist
  else
    echo "error: Fashion-MNIST is not in $SRC. Install it with" >&2
    echo "    sudo apt-get install dataset-fashion-mnist" >&2
    echo "or run 'make quickstart FMNIST_SRC=DIR' with DIR holding the four" >&2
    echo "original *-ubyte.gz files." >&2
    exit 1
  fi
fi
"$PY" tools/dataset_converters/prepare_fashion_mnist.py --src "$SRC" --out data/fashion_mnist
