#!/usr/bin/env python
"""Top-1 accuracy, ECE and OE of a checkpoint on its config's test set.

Equivalent to adding ``dict(type='CalibrationError', num_bins=M)`` to the
config's ``test_evaluator``; the code is
:func:`mixtoolbox.analysis.evaluate.eval_calibration`.

Examples:
    python tools/analysis/eval_calibration.py CFG CKPT
    python tools/analysis/eval_calibration.py CFG CKPT --num-bins 10 \
        --out calibration.json
"""
from mixtoolbox.analysis.evaluate import eval_calibration

if __name__ == '__main__':
    eval_calibration()
