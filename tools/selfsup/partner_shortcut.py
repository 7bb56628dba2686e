#!/usr/bin/env python
"""Measure the pixel shortcut of a cross-view mixup target.

The code is :mod:`mixtoolbox.analysis.partner_shortcut` (details in its
docstring); ``--help`` lists the options.
"""
from mixtoolbox.analysis.partner_shortcut import main

if __name__ == '__main__':
    main()
