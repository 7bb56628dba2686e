#!/usr/bin/env python
"""Train a mixtoolbox model with the mmengine Runner.

Examples:
    python tools/train.py \
        configs/quickstart/cutmix_preactresnet18-w8_1xb128-3e_fashion-mnist.py
    python tools/train.py CFG --work-dir work_dirs/x --resume --amp
    python tools/train.py CFG --test --test-out metrics.json  # then test
    bash tools/dist_train.sh CFG 8        # 8 processes via torchrun

The code is :mod:`mixtoolbox.apis.train`; ``--help`` lists the options. A
config error is reported as one line ``error: <message>`` (exit status 2);
``--debug`` shows the traceback instead.
"""
from mixtoolbox.apis.train import cli

if __name__ == '__main__':
    cli()
