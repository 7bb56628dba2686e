#!/usr/bin/env python
"""Where the time of a training run goes (data loading, preprocessing,
forward, backward, optimizer, each hook, checkpointing, evaluation,
set-up), measured through the real Runner, with an extrapolation to the
config's full run.

The code is :mod:`mixtoolbox.analysis.run_profile` (what each row measures
is in its docstring); ``--help`` lists the options.

    python tools/analysis/profile_quickstart.py --iters 100
    python tools/analysis/profile_quickstart.py CFG --epochs 1 --json p.json
"""
from mixtoolbox.analysis.run_profile import main

if __name__ == '__main__':
    main()
