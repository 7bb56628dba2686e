from .mixer import SAMixMixer, adjust_mask

__all__ = ['SAMixMixer', 'adjust_mask']
