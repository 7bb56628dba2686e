"""The classifier applied densely: g_W as a 1×1 convolution (Dense MultiMix,
MultiMix §3.4).

S. Venkataramanan, E. Kijak, L. Amsaleg, Y. Avrithis, "Teach me how to
Interpolate a Myriad of Embeddings", ICLR 2023 submission,
https://openreview.net/forum?id=iF0B-U0J5fG (also arXiv:2206.14868), the
version with self-distillation and dense loss; sections, tables and
appendices numbered as there. Published as "Embedding Space Interpolation
Beyond Mini-Batch, Beyond Pairs and Beyond Examples", NeurIPS 2023,
https://arxiv.org/abs/2311.05538.

Dense MultiMix and the dense-loss modifier need two things from an ordinary
image classifier: the last feature map before pooling, and the final affine
layer g_W to run at every position. Neither needs a new head type; these
helpers find both in mmpretrain's heads, and :class:`DenseView` presents a
classifier whose ``extract_feat`` / ``head`` / ``soft_loss`` are dense, so
any mixup's ``forward_train`` produces per-position logits unchanged.
"""
from typing import Optional, Sequence, Tuple

import torch.nn.functional as F
from mmpretrain.models.necks import GlobalAveragePooling
from torch import Tensor, nn


def linear_classifier(head: nn.Module) -> nn.Linear:
    """The final affine layer g_W of an mmpretrain classification head:
    ``fc`` of ``LinearClsHead`` or ``layers.head`` of
    ``VisionTransformerClsHead``; anything else is a TypeError."""
    layer = getattr(head, 'fc', None)
    if layer is None and hasattr(head, 'layers'):
        layer = getattr(head.layers, 'head', None)
    if not isinstance(layer, nn.Linear):
        raise TypeError(
            f'{type(head).__name__} has no final nn.Linear (`fc` or '
            '`layers.head`); MultiMix / Dense MultiMix / dense loss need an '
            'affine classifier g_W after the embedding, e.g. LinearClsHead')
    return layer


def classify(layer: nn.Linear, z: Tensor) -> Tensor:
    """g_W on ``z [N, d]`` or densely on ``z [N, d, *spatial]`` (1×1 conv)."""
    if z.dim() == 2:
        return layer(z)
    return layer(z.movedim(1, -1)).movedim(-1, 1)


def dense_map(model: nn.Module, inputs: Tensor,
              resolution: Optional[int] = None) -> Tensor:
    """The last backbone map ``[N, d, h, w]`` of ``model``, average-pooled to
    ``resolution × resolution`` when given (MultiMix App. A.5)."""
    feat = model.backbone(inputs)[-1]
    owner = type(model.backbone).__name__
    if feat.dim() != 4:
        raise ValueError(
            f'dense mixing / dense loss needs a spatial feature map from the '
            f'backbone, but {owner} returned shape {tuple(feat.shape)}; e.g. '
            "set VisionTransformer(out_type='featmap') with a "
            'GlobalAveragePooling neck and a LinearClsHead')
    neck = getattr(model, 'neck', None)
    if neck is not None and not isinstance(neck, GlobalAveragePooling):
        raise ValueError(f'dense mixing / dense loss drops the neck and '
                         f'applies the classifier at every position, which '
                         f'equals the pooled model only for a '
                         f'GlobalAveragePooling neck (or none), got '
                         f'{type(neck).__name__}')
    if resolution is not None:
        h, w = feat.shape[-2:]
        if resolution > min(h, w):
            raise ValueError(
                f'`resolution` {resolution} exceeds the {h}x{w} map of '
                f'{owner}; pooling only reduces it (for 8x8 on CIFAR use '
                'PreActResNet(last_stride=1))')
        feat = F.adaptive_avg_pool2d(feat, resolution)
    return feat


class DenseView:
    """A classifier seen densely: logits at every position of the last map.

    Attribute access falls through to the wrapped model (backbone hooks,
    ``saliency``, ``num_classes`` ...), except:

    * ``extract_feat(x)`` → ``(map [N, d, h, w], )``, no neck;
    * ``head(feats)`` → g_W as a 1×1 convolution, ``[N, c, h, w]``;
    * ``embed(x)`` → the map (so MultiMix interpolates it per position
      with one Λ, the "loss only dense" row of MultiMix Table 9);
    * ``soft_loss(logits, target)`` → the head's soft loss over all
      positions (target ``[N, c, h, w]`` or ``[N, c]`` for every position).

    Args:
        model (MixupClassifier): the network (student or teacher).
        resolution (int, optional): pool the map to this side length.
    """
    is_dense = True

    def __init__(self, model, resolution: Optional[int] = None):
        self.model = model
        self.resolution = resolution

    def __getattr__(self, name):
        return getattr(self.model, name)

    def extract_feat(self, inputs: Tensor, stage: str = 'neck'
                     ) -> Tuple[Tensor]:
        return (dense_map(self.model, inputs, self.resolution), )

    def embed(self, inputs: Tensor) -> Tensor:
        return self.extract_feat(inputs)[-1]

    def dense_embed(self, inputs: Tensor, resolution: Optional[int] = None
                    ) -> Tensor:
        return dense_map(self.model, inputs, resolution or self.resolution)

    def head(self, feats: Sequence[Tensor]) -> Tensor:
        return self.model.classify(feats[-1])

    def soft_loss(self, logits: Tensor, target: Tensor) -> Tensor:
        if target.dim() == 2 and logits.dim() > 2:
            target = target.view(*target.shape,
                                 *(1, ) * (logits.dim() - 2)).expand_as(logits)
        rows = logits.movedim(1, -1).reshape(-1, logits.size(1))
        return self.model.soft_loss(
            rows, target.movedim(1, -1).reshape(-1, target.size(1)))

    def __repr__(self) -> str:
        return (f'DenseView({type(self.model).__name__}, '
                f'resolution={self.resolution})')

