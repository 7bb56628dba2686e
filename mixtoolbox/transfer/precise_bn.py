"""Precise BN before testing, as in MoCo's detectron2 R50-C4 recipe.

He et al., "Momentum Contrast for Unsupervised Visual Representation
Learning", CVPR 2020 (https://arxiv.org/abs/1911.05722), the authors'
``detection/configs/Base-RCNN-C4-BN.yaml``: ``TEST.PRECISE_BN.ENABLED: True``
with detectron2's default ``NUM_ITER: 200``. After the last training
iteration, the running statistics of every BN layer in train mode are
replaced by the plain average of its batch statistics over 200 training
batches, so the test uses statistics of the final weights rather than an
exponential average over changing ones (Wu & Johnson, "Rethinking 'Batch' in
BatchNorm", 2021, https://arxiv.org/abs/2105.07576, §3).

Why not mmpretrain's ``PreciseBNHook``: it forwards in ``'tensor'`` mode,
where an mmdet two-stage detector feeds the res5 head the 1,000 test-time
proposals per image instead of the 512 sampled training RoIs that detectron2's
precise BN (a training-mode forward) normalises, and it runs every
``interval`` iterations / epochs rather than once at the end.

The recipe's other detail, the extra BN after res5 (MoCo's
``Res5ROIHeadsExtraNorm``), is mmpretrain's ``ResLayerExtraNorm``, which
mmpretrain registers in mmdet's model registry.
"""
import itertools

import torch
from mmdet.registry import HOOKS
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from torch.nn.modules.batchnorm import _BatchNorm


@HOOKS.register_module()
class PreciseBNHook(Hook):
    """After the last training iteration, set the running mean / variance
    of every BN layer in train mode to the average of its batch statistics
    over ``num_iters`` training batches (no gradient, weights unchanged).

    Runs before the checkpoint hook of the same iteration, so the last
    checkpoint and the final test carry the precise statistics; validations
    during training use the running averages.

    Args:
        num_iters (int): batches to average over. Defaults to 200
            (detectron2's ``TEST.PRECISE_BN.NUM_ITER``; with gradient
            accumulation, mmdet_train.py multiplies it by the accumulation
            count so the same number of images is seen).
    """
    priority = 'ABOVE_NORMAL'

    def __init__(self, num_iters: int = 200):
        if isinstance(num_iters, bool) or not isinstance(num_iters, int) \
                or num_iters < 1:
            raise ValueError(f'PreciseBNHook: `num_iters` must be an int >= '
                             f'1, got {num_iters!r}')
        self.num_iters = num_iters

    def after_train_iter(self, runner, batch_idx, data_batch=None,
                         outputs=None) -> None:
        if self.is_last_train_iter(runner):
            model = runner.model.module if is_model_wrapper(
                runner.model) else runner.model
            n = update_bn_stats(model, runner.train_dataloader,
                                self.num_iters)
            runner.logger.info(f'PreciseBNHook: running statistics of {n} '
                               f'BN layers averaged over {self.num_iters} '
                               'training batches')


@torch.no_grad()
def update_bn_stats(model, batches, num_iters: int) -> int:
    """Average the batch statistics of every BN layer in train mode over
    ``num_iters`` batches of ``batches`` (cycled) into its running mean and
    variance; the mean of the unbiased batch variances, as PyTorch's BN
    keeps it. Returns the number of layers updated."""
    model.train()
    layers = [m for m in model.modules()
              if isinstance(m, _BatchNorm) and m.training
              and m.track_running_stats]
    if not layers:
        return 0
    saved = [(m.momentum, m.num_batches_tracked.clone()) for m in layers]
    for m in layers:
        # momentum None: running = cumulative average of the batch values
        m.reset_running_stats()
        m.momentum = None
    try:
        for data in itertools.islice(_cycle(batches), num_iters):
            data = model.data_preprocessor(data, True)
            model(**data, mode='loss')
    finally:
        for m, (momentum, count) in zip(layers, saved):
            m.momentum = momentum
            m.num_batches_tracked.copy_(count + num_iters)
    return len(layers)


def _cycle(batches):
    while True:
        empty = True
        for data in batches:
            empty = False
            yield data
        if empty:
            raise ValueError('PreciseBNHook: the training dataloader is '
                             'empty')
