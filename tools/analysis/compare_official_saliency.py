#!/usr/bin/env python
"""Our Co-Mixup labelling + mixing and PuzzleMix transport, timed and scored
against the authors' code on identical inputs.

The measuring code is :mod:`mixtoolbox.analysis.official_saliency` (what is
measured is in its docstring); ``--help`` lists the options.
"""
from mixtoolbox.analysis.official_saliency import main

if __name__ == '__main__':
    main()
