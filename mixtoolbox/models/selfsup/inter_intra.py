"""Inter-Intra*: cluster-aware instance mixup (SAMix §3.1, App. A.2.1).

S. Li, Z. Liu, D. Wu, Z. Liu, S. Z. Li, "Boosting Discriminative Visual
Representation Learning with Scenario-Agnostic Mixup", arXiv:2111.15454v1,
2021, https://arxiv.org/abs/2111.15454v1 (sections and equations numbered as
in that first arXiv version; later versions are revised).
"""
import torch
from torch import Tensor

from mixtoolbox.models.mixups.base import BaseMixup
from mixtoolbox.models.utils import build_mixup
from mixtoolbox.registry import BATCH_AUGMENTS
from mixtoolbox.structures import MixedBatch


def _pixel_share(batch: MixedBatch, n: int, shape) -> Tensor:
    """``[N, 1, H, W]`` share of sample i, whether the mixup has a mask or
    only a λ."""
    if batch.mask is not None:
        return batch.mask.to(torch.float32).expand(n, 1, *shape)
    return batch.lam.to(torch.float32).view(n, 1, 1, 1).expand(n, 1, *shape)


@BATCH_AUGMENTS.register_module()
class InterIntraMix(BaseMixup):
    """Strong mixup between clusters, weak mixup within a cluster.

    SAMix §3.1 finds that instance-level mixup should treat pairs from
    different classes (clusters) with *strong, discriminative* mixing and
    pairs from the same class with *weak, smooth* mixing (Fig. 3c); App.
    A.2.1 defines Inter-Intra* as CutMix with α ≥ 2 between clusters and
    Mixup with α = 0.2 within a cluster. For the pair (i, j = index[i]):

        x̃_i = CutMix(x_i, x_j)  if c_i ≠ c_j,    Mixup(x_i, x_j) otherwise,

    with c the class of the target rows (``scores.argmax(1)``): pseudo labels
    from :class:`OnlineClusteringHook` in self-supervised training (the
    reason for ``needs_labels``), real labels when used in a classifier.
    Both mixups share the partner index; λ, mask and target are taken per
    sample from the one that applies.

    Args:
        inter (dict): mixup between clusters. Defaults to CutMix, α = 2
            (A.2.1: α ≥ 2).
        intra (dict): mixup within a cluster. Defaults to Mixup, α = 0.2
            (A.2.1).

    Example:
        >>> import torch
        >>> x, y = torch.rand(4, 1, 4, 4), torch.eye(2)[[0, 0, 1, 1]]
        >>> mix = InterIntraMix()
        >>> out = mix.mix(x, y, index=torch.tensor([1, 0, 0, 2]),
        ...               inter=dict(box=(0, 2, 0, 2)),
        ...               intra=dict(lam=0.9))
        >>> out.lam.tolist()  # pairs 0-1 same cluster, 2-0 / 3-2 CutMix
        [0.8999999761581421, 0.8999999761581421, 0.75, 0.8999999761581421]
    """
    needs_labels = True
    pairwise = True

    def __init__(self, inter: dict = dict(type='CutMix', alpha=2.0),
                 intra: dict = dict(type='Mixup', alpha=0.2)):
        self.inter, self.intra = build_mixup(inter), build_mixup(intra)
        for name, mixup in (('inter', self.inter), ('intra', self.intra)):
            if not mixup.model_free or mixup.space != 'input' or \
                    mixup.needs_labels:
                raise ValueError(f'InterIntraMix: `{name}` must be a model-'
                                 'free input mixup (e.g. CutMix, Mixup), got '
                                 f'{mixup.name}')
        self.inplace = self.inter.inplace or self.intra.inplace

    @staticmethod
    def _own(params: dict) -> dict:
        return {k: v for k, v in params.items() if k != 'index'}

    def sample_params(self, inputs: Tensor) -> dict:
        return dict(index=self.sample_index(inputs),
                    inter=self._own(self.inter.sample_params(inputs)),
                    intra=self._own(self.intra.sample_params(inputs)))

    def mix(self, inputs: Tensor, scores: Tensor, index: Tensor, inter: dict,
            intra: dict) -> MixedBatch:
        n, shape = inputs.size(0), inputs.shape[-2:]
        # the intra mixup runs on a copy: the inter one may paste in place
        weak = self.intra.mix(inputs.clone(), scores, index=index, **intra)
        strong = self.inter.mix(inputs, scores, index=index, **inter)
        classes = scores.argmax(dim=1)
        same = classes == classes[index]
        mixed = torch.where(same.view(n, 1, 1, 1), weak.inputs, strong.inputs)
        target = torch.where(same[:, None], weak.target, strong.target)
        lam = torch.where(same, weak.lam, strong.lam)
        mask = torch.where(same.view(n, 1, 1, 1), _pixel_share(weak, n, shape),
                           _pixel_share(strong, n, shape))
        return MixedBatch(mixed, target, lam=lam, index=index, mask=mask,
                          params=dict(index=index, inter=inter, intra=intra),
                          extras=dict(same_cluster=same))
