from .mixed_batch import MixedBatch

__all__ = ['MixedBatch']
