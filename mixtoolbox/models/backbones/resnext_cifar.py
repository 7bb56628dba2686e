"""ResNeXt (S. Xie, R. Girshick, P. Dollár, Z. Tu, K. He, "Aggregated
Residual Transformations for Deep Neural Networks", CVPR 2017,
https://arxiv.org/abs/1611.05431) for 32×32 inputs: the CIFAR-100 RX-50
(32x4d) of SAMix, Tables 5 and 9 (S. Li, Z. Liu, D. Wu, Z. Liu, S. Z. Li,
"Boosting Discriminative Visual Representation Learning with
Scenario-Agnostic Mixup", arXiv:2111.15454v1, 2021,
https://arxiv.org/abs/2111.15454v1; tables numbered as in that version)."""
from mmpretrain.models.backbones import ResNet_CIFAR, ResNeXt

from mixtoolbox.models.utils import check_choice
from mixtoolbox.registry import MODELS


@MODELS.register_module()
class ResNeXt_CIFAR(ResNet_CIFAR, ResNeXt):
    """mmpretrain's ``ResNeXt`` with the CIFAR stem of its ``ResNet_CIFAR``:
    one 3×3 stride-1 convolution and no max-pool, so a 32×32 image reaches
    the stages at full resolution (layer3: 1024 channels at 8×8 for depth
    50). The stem and ``forward`` come from ``ResNet_CIFAR``; the grouped
    bottlenecks and ``arch_settings`` (depth 50, 101, 152) from ``ResNeXt``;
    ``res_layers`` lists the stages, as :class:`AutoMixClassifier` needs.

    Args:
        depth (int): 50, 101 or 152.
        groups (int): cardinality. Defaults to 32 (32x4d, SAMix).
        width_per_group (int): width of each group in the first stage.
            Defaults to 4 (32x4d).
        **kwargs: as for mmpretrain's ``ResNet`` (``out_indices``,
            ``style``, ``in_channels``, ``base_channels``, …); ``deep_stem``
            is refused, as by ``ResNet_CIFAR``.

    Example:
        >>> import torch
        >>> net = ResNeXt_CIFAR(depth=50, out_indices=(2, ))
        >>> net(torch.rand(1, 3, 32, 32))[0].shape
        torch.Size([1, 1024, 8, 8])
    """

    def __init__(self, depth: int, groups: int = 32,
                 width_per_group: int = 4, **kwargs):
        check_choice('ResNeXt_CIFAR', 'depth', depth,
                     sorted(ResNeXt.arch_settings))
        if kwargs.get('deep_stem'):
            raise ValueError('ResNeXt_CIFAR: `deep_stem` must be False (the '
                             'CIFAR stem is a single 3x3 convolution)')
        # ResNet_CIFAR.__init__ hands on to ResNeXt.__init__ (next in the
        # MRO), which takes the group settings
        super().__init__(depth, groups=groups,
                         width_per_group=width_per_group, **kwargs)
