#!/usr/bin/env python
"""Where the training-step time of PuzzleMix, Co-Mixup and R-Mix goes
(saliency pass, mask optimisation, rest), relative to a vanilla step.

The measuring code is :mod:`mixtoolbox.analysis.saliency_speed` (what each
phase contains is in its docstring); ``--help`` lists the options.
"""
from mixtoolbox.analysis.saliency_speed import main

if __name__ == '__main__':
    main()
