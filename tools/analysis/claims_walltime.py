#!/usr/bin/env python
"""Busy wall time of the claims runs (docs/claims.md) from their logs (the
code and how spans are read: :mod:`mixtoolbox.analysis.claims_walltime`).

    python tools/analysis/claims_walltime.py work_dirs/claims/toolbox/*.log \\
        work_dirs/claims/pilot/*.log \\
        --reference work_dirs/claims/reference.jsonl
"""
from mixtoolbox.analysis.claims_walltime import main

if __name__ == '__main__':
    main()
