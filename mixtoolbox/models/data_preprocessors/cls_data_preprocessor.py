"""mmpretrain's classification data preprocessor plus batch transforms."""
from typing import List, Optional, Sequence

import torch
from mmpretrain.models.utils import ClsDataPreprocessor
from torch import Tensor

from mixtoolbox.registry import MODELS

from .batch_transforms import BatchTransform


@MODELS.register_module()
class BatchTransformClsDataPreprocessor(ClsDataPreprocessor):
    """``ClsDataPreprocessor`` that also augments training batches as tensors.

    In training mode the batch is stacked into one ``[N, C, H, W]`` tensor on
    the model's device and ``batch_transforms`` (e.g.
    :class:`~mixtoolbox.models.BatchRandomCrop` and
    :class:`~mixtoolbox.models.BatchRandomFlip`) run on it in order, on the
    raw pixels, *before* normalisation — so padding with ``pad_val=0`` is the
    same as the per-sample transforms padding the uint8 image with 0 — and
    before any mixing (this preprocessor's ``batch_augments`` or a
    :class:`~mixtoolbox.models.MixupClassifier`'s policy), as when the same
    transforms run in the data pipeline. Validation and test batches are not
    transformed.

    A batch of equally sized images (a list from mmengine's
    ``pseudo_collate``) is stacked once and normalised as one tensor instead
    of image by image, in evaluation too; batches of unequal sizes keep the
    parent's per-image path (and cannot be batch-transformed).

    Use it in a config by moving the crop / flip out of the train pipeline::

        data_preprocessor = dict(
            type='BatchTransformClsDataPreprocessor',
            batch_transforms=[
                dict(type='BatchRandomCrop', crop_size=28, padding=2),
                dict(type='BatchRandomFlip', prob=0.5)])
        train_pipeline = [dict(type='PackInputs')]

    Args:
        batch_transforms (list[dict | BatchTransform]): applied in order to
            training batches. Defaults to none.
        generator (torch.Generator, optional): CPU generator the transforms
            draw from; None (the default) uses torch's global generator,
            which the Runner seeds and checkpoints save.
        **kwargs: the arguments of mmpretrain's ``ClsDataPreprocessor``
            (mean, std, to_rgb, num_classes, batch_augments, ...).
    """

    def __init__(self,
                 batch_transforms: Optional[Sequence] = None,
                 generator: Optional[torch.Generator] = None,
                 **kwargs):
        super().__init__(**kwargs)
        self.batch_transforms: List[BatchTransform] = []
        for cfg in batch_transforms or []:
            transform = MODELS.build(cfg) if isinstance(cfg, dict) else cfg
            if not isinstance(transform, BatchTransform):
                raise TypeError(
                    f'{type(self).__name__}: `batch_transforms` entries must '
                    'be BatchTransform configs such as '
                    "dict(type='BatchRandomCrop', crop_size=28, padding=2) "
                    "or dict(type='BatchRandomFlip'), got "
                    f'{type(transform).__name__}')
            self.batch_transforms.append(transform)
        if generator is not None and not isinstance(generator,
                                                    torch.Generator):
            raise TypeError(f'{type(self).__name__}: `generator` must be a '
                            'torch.Generator or None, got '
                            f'{type(generator).__name__}')
        self.generator = generator

    def forward(self, data: dict, training: bool = False) -> dict:
        inputs = data['inputs']
        if isinstance(inputs, (list, tuple)) and inputs and all(
                isinstance(x, Tensor) and x.shape == inputs[0].shape
                for x in inputs):
            # one copy to the device and one normalisation for the batch
            inputs = torch.stack(list(inputs))
        if training and self.batch_transforms:
            if not isinstance(inputs, Tensor):
                raise ValueError(
                    f'{type(self).__name__}: `batch_transforms` need images '
                    'of one size in a batch; resize them in the pipeline '
                    'first')
            inputs = self.cast_data(inputs)
            for transform in self.batch_transforms:
                inputs = transform(inputs, self.generator)
        return super().forward(dict(data, inputs=inputs), training)
