#!/usr/bin/env python
"""Fine-tune and evaluate an mmdet detector from an exported backbone.

The code is :mod:`mixtoolbox.apis.mmdet_train` (details in its docstring);
``--help`` lists the options.
"""
from mixtoolbox.apis.mmdet_train import main

if __name__ == '__main__':
    main()
