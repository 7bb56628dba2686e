"""A data preprocessor for two (or more) views of every image."""
from typing import Sequence, Union

from mmpretrain.models.utils import ClsDataPreprocessor
from torch import Tensor

from mixtoolbox.registry import MODELS


def is_multi_view(inputs: Union[Tensor, Sequence]) -> bool:
    """True for a list of views: lists of per-sample tensors
    (``pseudo_collate``) or ``[N, C, H, W]`` tensors (``default_collate``)."""
    if not isinstance(inputs, (list, tuple)) or not inputs:
        return False
    first = inputs[0]
    return isinstance(first, (list, tuple)) or (isinstance(first, Tensor)
                                                and first.dim() == 4)


@MODELS.register_module()
class MultiViewDataPreprocessor(ClsDataPreprocessor):
    """mmpretrain's ``ClsDataPreprocessor``, view by view.

    mmpretrain's ``MultiView`` transform turns ``img`` into a list of views;
    ``ClsDataPreprocessor`` expects one image per sample. This one
    normalises every view the same way and returns ``inputs`` as a list of
    ``[N, C, H, W]`` tensors (view 0 first), which is what the
    self-distillation modifier reads; single-view batches (validation) pass
    through the parent unchanged.

    Args: as ``ClsDataPreprocessor``, except ``batch_augments``: views mixed
        independently in the preprocessor would break the shared mixing of
        self-distillation, so mixups belong in ``MixupClassifier.mix_policy``.
    """

    def __init__(self, *args, batch_augments=None, **kwargs):
        if batch_augments is not None:
            raise ValueError('MultiViewDataPreprocessor: `batch_augments` is '
                             'not supported; give mixups in '
                             'MixupClassifier.mix_policy')
        super().__init__(*args, **kwargs)

    def forward(self, data: dict, training: bool = False) -> dict:
        if not is_multi_view(data['inputs']):
            return super().forward(data, training)
        views = list(data['inputs'])
        first = super().forward(
            dict(inputs=views[0], data_samples=data.get('data_samples')),
            training)
        rest = [super(MultiViewDataPreprocessor, self).forward(
            dict(inputs=view), training)['inputs'] for view in views[1:]]
        return dict(inputs=[first['inputs'], *rest],
                    data_samples=first['data_samples'])
