#!/usr/bin/env python
"""Train a mixtoolbox model with the mmengine Runner.

The code and more examples are in :mod:`mixtoolbox.apis.train`, e.g.
``python tools/train.py CFG --work-dir work_dirs/x --resume --test``;
``--help`` lists the options. A
config error is reported as one line ``error: <message>`` (exit status 2);
``--debug`` shows the traceback instead.
"""
from mixtoolbox.apis.train import cli

if __name__ == '__main__':
    cli()
