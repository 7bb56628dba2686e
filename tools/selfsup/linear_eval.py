#!/usr/bin/env python
"""Linear evaluation of a self-supervised checkpoint in one command:
pretrained backbone → frozen → linear head trained with tools/train.py →
top-1 of the last checkpoint with tools/test.py.

The code is :mod:`mixtoolbox.apis.linear_eval` (details in its docstring);
``--help`` lists the options.
"""
from mixtoolbox.apis.linear_eval import main

if __name__ == '__main__':
    main()
