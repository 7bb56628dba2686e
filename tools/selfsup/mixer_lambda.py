#!/usr/bin/env python
"""How well does the SAMix Mixer's mask follow λ?

The code is :mod:`mixtoolbox.analysis.mixer_lambda` (details in its docstring);
``--help`` lists the options.
"""
from mixtoolbox.analysis.mixer_lambda import main

if __name__ == '__main__':
    main()
