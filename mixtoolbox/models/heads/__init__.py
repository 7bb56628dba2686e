from .dense_head import DenseView, classify, dense_map, linear_classifier

__all__ = ['DenseView', 'classify', 'dense_map', 'linear_classifier']
