"""Wide ResNet (Zagoruyko & Komodakis, "Wide Residual Networks", BMVC 2016,
https://arxiv.org/abs/1605.07146)
for 32×32 inputs; WRN16-8 is the second CIFAR backbone of MultiMix
(Tables 1-2 of Venkataramanan et al., "Teach me how to Interpolate a Myriad
of Embeddings", https://openreview.net/forum?id=iF0B-U0J5fG,
arXiv:2206.14868) and of multi-mix (Shen et al., "Mixup Augmentation with
Multiple Interpolations", arXiv:2406.01417,
https://arxiv.org/abs/2406.01417)."""
from typing import Optional, Sequence

import torch.nn as nn

from mixtoolbox.models.utils import check_int, check_real
from mixtoolbox.registry import MODELS

from .preact_resnet import PreActStages, check_out_indices, make_stage


@MODELS.register_module()
class WideResNet(PreActStages):
    """WRN-d-k: 3 stages of pre-activation basic blocks, (d − 4) / 6 blocks
    each, widths 16k, 32k, 64k, strides 1, 2, 2, final BN → ReLU.

    Stages are ``layer1..layer3`` listed in ``res_layers`` (like mmpretrain's
    ResNet) for stage-level hooks.

    Args:
        depth (int): d with (d − 4) divisible by 6. Defaults to 16.
        widen_factor (int): k ≥ 1. Defaults to 8 (WRN16-8).
        drop_rate (float): dropout inside blocks, in [0, 1). Defaults to 0.
        in_channels (int): defaults to 3.
        out_indices (Sequence[int]): defaults to (2, ), the last stage.

    Example:
        >>> import torch
        >>> net = WideResNet(depth=16, widen_factor=8)
        >>> [o.shape for o in net(torch.rand(2, 3, 32, 32))]
        [torch.Size([2, 512, 8, 8])]
    """

    def __init__(self, depth: int = 16, widen_factor: int = 8,
                 drop_rate: float = 0.0, in_channels: int = 3,
                 out_indices: Sequence[int] = (2, ),
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg)
        if not isinstance(depth, int) or depth < 10 or (depth - 4) % 6:
            raise ValueError('WideResNet: `depth` must be an int >= 10 with '
                             f'(depth - 4) divisible by 6, got {depth!r}')
        check_int('WideResNet', 'widen_factor', widen_factor)
        check_real('WideResNet', 'drop_rate', drop_rate, 0, 1, high_open=True)
        num = (depth - 4) // 6
        widths = [16 * widen_factor, 32 * widen_factor, 64 * widen_factor]
        self.out_indices = check_out_indices(out_indices, 3, 'WideResNet')
        self.stem = nn.Conv2d(in_channels, 16, 3, 1, 1, bias=False)
        self.res_layers = []
        in_ch = 16
        for i, width in enumerate(widths):
            self.add_module(f'layer{i + 1}',
                            make_stage(in_ch, width, num, 1 if i == 0 else 2,
                                       drop_rate))
            self.res_layers.append(f'layer{i + 1}')
            in_ch = width
        self.final_bn = nn.BatchNorm2d(in_ch)
        self.feat_dim = in_ch
