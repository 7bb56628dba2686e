#!/usr/bin/env python
"""Export the ResNet backbone of a mixtoolbox / mmpretrain checkpoint for
mmdet (the detection transfer of MultiMix, NeurIPS 2023, §4.3, and SAMix,
arXiv:2111.15454, Table 6).

The code is :mod:`mixtoolbox.apis.extract_backbone` (details in its docstring);
``--help`` lists the options.
"""
from mixtoolbox.apis.extract_backbone import main

if __name__ == '__main__':
    main()
