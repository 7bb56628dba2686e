from .batch_transforms import BatchRandomCrop, BatchRandomFlip, BatchTransform
from .cls_data_preprocessor import BatchTransformClsDataPreprocessor

__all__ = ['BatchTransform', 'BatchRandomCrop', 'BatchRandomFlip',
           'BatchTransformClsDataPreprocessor']
