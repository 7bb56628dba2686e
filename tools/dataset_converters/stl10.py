#!/usr/bin/env python
"""Turn the official STL-10 binary release into the layout the
self-supervised configs read.

The code is :mod:`mixtoolbox.apis.stl10` (details in its docstring); ``--help``
lists the options.
"""
from mixtoolbox.apis.stl10 import main

if __name__ == '__main__':
    main()
