#!/usr/bin/env python
"""Write Fashion-MNIST where mmpretrain's ``FashionMNIST`` reads it.

The code is :mod:`mixtoolbox.apis.prepare_fashion_mnist` (details in its
docstring); ``--help`` lists the options.
"""
import sys

from mixtoolbox.apis.prepare_fashion_mnist import main

if __name__ == '__main__':
    sys.exit(main())
