#!/usr/bin/env python
"""Training-step time and peak memory of method configs relative to vanilla
(or of the ``--suite imagenet-r50`` / ``multimix-r18`` methods).

The measuring code is :mod:`mixtoolbox.analysis.speed` (what is measured,
and how, is in its docstring); ``--help`` lists the options.

    python tools/analysis/benchmark_methods.py CONFIG [CONFIG ...] --out OUT
    python tools/analysis/benchmark_methods.py --suite multimix-r18 \\
        --batch-size 128 --dense-head-imagenet
"""
from mixtoolbox.analysis.speed import main

if __name__ == '__main__':
    main()
