"""PreActResNet for 32×32 inputs (He et al., "Identity Mappings in Deep
Residual Networks", ECCV 2016, https://arxiv.org/abs/1603.05027), the CIFAR
backbone of the mixup literature
(PreActResNet-18 is used in MultiMix, Tables 1-2: Venkataramanan et al.,
"Teach me how to Interpolate a Myriad of Embeddings",
https://openreview.net/forum?id=iF0B-U0J5fG, arXiv:2206.14868; in multi-mix:
Shen et al., "Mixup Augmentation with Multiple Interpolations",
https://arxiv.org/abs/2406.01417; and in R-Mix: Luu et al., "Expeditious
Saliency-guided Mix-up through Random Gradient Thresholding",
https://arxiv.org/abs/2212.04875)."""
from typing import Optional, Sequence, Tuple, Union

import torch.nn as nn
import torch.nn.functional as F
from mmpretrain.models.backbones.base_backbone import BaseBackbone
from torch import Tensor

from mixtoolbox.models.utils import check_choice
from mixtoolbox.registry import MODELS


class PreActBlock(nn.Module):
    """BN → ReLU → conv3×3 → BN → ReLU → conv3×3, identity or 1×1 shortcut
    applied to the pre-activated input."""
    expansion = 1

    def __init__(self, in_channels: int, channels: int, stride: int = 1,
                 drop_rate: float = 0.0):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(in_channels)
        self.conv1 = nn.Conv2d(in_channels, channels, 3, stride, 1,
                               bias=False)
        self.bn2 = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, 1, 1, bias=False)
        self.drop_rate = drop_rate
        self.shortcut = None
        if stride != 1 or in_channels != channels:
            self.shortcut = nn.Conv2d(in_channels, channels, 1, stride,
                                      bias=False)

    def forward(self, x: Tensor) -> Tensor:
        out = F.relu(self.bn1(x))
        shortcut = self.shortcut(out) if self.shortcut is not None else x
        out = self.conv1(out)
        out = F.relu(self.bn2(out))
        if self.drop_rate > 0:
            out = F.dropout(out, p=self.drop_rate, training=self.training)
        return self.conv2(out) + shortcut


def make_stage(in_channels: int, channels: int, num_blocks: int, stride: int,
               drop_rate: float = 0.0) -> nn.Sequential:
    blocks = []
    for i in range(num_blocks):
        blocks.append(PreActBlock(in_channels, channels,
                                  stride if i == 0 else 1, drop_rate))
        in_channels = channels
    return nn.Sequential(*blocks)


def check_out_indices(out_indices: Union[int, Sequence[int]], num_stages: int,
                      owner: str) -> Tuple[int, ...]:
    if isinstance(out_indices, int):
        out_indices = (out_indices, )
    out_indices = tuple(i + num_stages if i < 0 else i for i in out_indices)
    for i in out_indices:
        if not 0 <= i < num_stages:
            raise ValueError(f'{owner}: `out_indices` must lie in '
                             f'[0, {num_stages - 1}], got {out_indices}')
    return out_indices


class PreActStages(BaseBackbone):
    """Base of the pre-activation backbones: ``stem`` → the stages named in
    ``res_layers`` → ``final_bn`` + ReLU after the last stage; the outputs
    of the stages in ``out_indices`` are returned."""

    def forward(self, x: Tensor) -> Tuple[Tensor, ...]:
        x = self.stem(x)
        outs = []
        for i, name in enumerate(self.res_layers):
            x = getattr(self, name)(x)
            if i == len(self.res_layers) - 1:
                x = F.relu(self.final_bn(x))
            if i in self.out_indices:
                outs.append(x)
        return tuple(outs)


@MODELS.register_module()
class PreActResNet(PreActStages):
    """Pre-activation ResNet with a CIFAR stem (3×3 conv, no max-pool).

    Stages are named ``layer1..layerN`` and listed in ``res_layers`` like
    mmpretrain's ResNet, so stage-level hooks (ManifoldMix, the mixer's
    feature tap) treat both the same way. The last stage is followed by the
    final BN → ReLU of the pre-activation design.

    Args:
        depth (int): 18 or 34. Defaults to 18.
        in_channels (int): input channels. Defaults to 3.
        base_channels (int): width of the first stage. Defaults to 64.
        out_indices (Sequence[int]): stages whose outputs are returned.
            Defaults to (3, ), the last stage.
        stem_stride (int): stride of the stem; 1 for 32×32 inputs (default).
        last_stride (int): stride of the last stage; 2 (default) gives a 4×4
            map on 32×32 inputs, 1 gives 8×8 (Dense MultiMix, MultiMix §4.4).

    Example:
        >>> import torch
        >>> net = PreActResNet(depth=18)
        >>> [o.shape for o in net(torch.rand(2, 3, 32, 32))]
        [torch.Size([2, 512, 4, 4])]
    """
    arch_settings = {18: (2, 2, 2, 2), 34: (3, 4, 6, 3)}

    def __init__(self, depth: int = 18, in_channels: int = 3,
                 base_channels: int = 64, out_indices: Sequence[int] = (3, ),
                 stem_stride: int = 1, last_stride: int = 2,
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg)
        check_choice('PreActResNet', 'depth', depth,
                     sorted(self.arch_settings))
        check_choice('PreActResNet', 'last_stride', last_stride, (1, 2))
        blocks = self.arch_settings[depth]
        self.out_indices = check_out_indices(out_indices, len(blocks),
                                             'PreActResNet')
        self.stem = nn.Conv2d(in_channels, base_channels, 3, stem_stride, 1,
                              bias=False)
        self.res_layers = []
        channels = base_channels
        in_ch = base_channels
        for i, num in enumerate(blocks):
            stride = 1 if i == 0 else (last_stride if i == len(blocks) - 1
                                       else 2)
            self.add_module(f'layer{i + 1}',
                            make_stage(in_ch, channels, num, stride))
            self.res_layers.append(f'layer{i + 1}')
            in_ch = channels
            channels *= 2
        self.final_bn = nn.BatchNorm2d(in_ch)
        self.feat_dim = in_ch
