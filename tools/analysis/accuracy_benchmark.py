#!/usr/bin/env python
"""Accuracy benchmark on real Fashion-MNIST, sized for a CPU: methods ×
seeds, top-1 / ECE / FGSM error as mean ± std, resumable.

A method is a config of ``configs/benchmarks/fashion_mnist/`` (named after
it; ``--list`` shows them), optionally with ``+dense`` / ``+distil``. The
code is :mod:`mixtoolbox.analysis.accuracy` (protocol and results format in
its docstring); ``--help`` lists the options.

    python tools/analysis/accuracy_benchmark.py --seeds 0 1 2 --jobs 2
    python tools/analysis/accuracy_benchmark.py --methods vanilla mixup \\
        cutmix+distil --seeds 0 1 --epochs 5
"""
from mixtoolbox.analysis.accuracy import main

if __name__ == '__main__':
    main()
