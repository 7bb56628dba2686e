#!/usr/bin/env python
"""Evaluate a checkpoint on the test set of a mixtoolbox config.

Examples:
    python tools/test.py CFG work_dirs/x/epoch_10.pth
    python tools/test.py CFG CKPT --out results.pkl --out-item pred
    bash tools/dist_test.sh CFG CKPT 8

The code is :mod:`mixtoolbox.apis.test`; ``--help`` lists the options. A
config error is reported as one line ``error: <message>`` (exit status 2);
``--debug`` shows the traceback instead.
"""
from mixtoolbox.apis.test import cli

if __name__ == '__main__':
    cli()
