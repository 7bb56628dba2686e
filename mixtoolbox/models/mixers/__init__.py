from .mixer import SAMixMixer, adjust_mask
from .step import MixerStep

__all__ = ['SAMixMixer', 'adjust_mask', 'MixerStep']
