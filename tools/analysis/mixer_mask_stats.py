#!/usr/bin/env python
"""Mean and spatial spread of a trained SAMix / AutoMix Mixer's masks per λ
(the code and what it measures: :mod:`mixtoolbox.analysis.mixer_masks`).

    python tools/analysis/mixer_mask_stats.py CONFIG CHECKPOINT --num 50
"""
from mixtoolbox.analysis.mixer_masks import main

if __name__ == '__main__':
    main()
