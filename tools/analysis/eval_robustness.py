#!/usr/bin/env python
"""Top-1 error under FGSM / PGD ℓ∞ attacks on the test set of a config.

Defaults (FGSM ε = 8/255; PGD ε = 4/255, step 2/255, 10 iterations from a
random start) and their sources are in :mod:`mixtoolbox.analysis.evaluate`;
ε is in [0, 1] pixel space and is converted through the model's
data-preprocessor normalisation.

Examples:
    python tools/analysis/eval_robustness.py CFG CKPT
    python tools/analysis/eval_robustness.py CFG CKPT --attack pgd \
        --steps 20 --out robustness.json
"""
from mixtoolbox.analysis.evaluate import eval_robustness

if __name__ == '__main__':
    eval_robustness()
