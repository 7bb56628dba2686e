#!/usr/bin/env python
"""Out-of-distribution detection from the max-softmax confidence: the
config's test set is in-distribution, a folder of images is OOD; detection
accuracy, AUROC, AUPR (ID) and AUPR (OOD) in percent.

How OOD images are read (pipeline, channel order) is in
:mod:`mixtoolbox.analysis.evaluate`.

Examples:
    python tools/analysis/eval_ood.py CFG CKPT --ood-data-root data/LSUN
    python tools/analysis/eval_ood.py CFG CKPT --ood-data-root data/iSUN \
        --ood-resize 32 32 --out ood.json
"""
from mixtoolbox.analysis.evaluate import eval_ood

if __name__ == '__main__':
    eval_ood()
