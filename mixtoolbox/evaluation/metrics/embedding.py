"""Alignment and uniformity of the embedding space on the test set.

Wang & Isola, "Understanding Contrastive Representation Learning through
Alignment and Uniformity on the Hypersphere", ICML 2020 (their L_align with
α = 2 and L_uniform with t = 2), used as in S. Venkataramanan, E. Kijak,
L. Amsaleg, Y. Avrithis, "Teach me how to Interpolate a Myriad of
Embeddings", https://arxiv.org/abs/2206.14868, App. A.4 "Quantitative
analysis": alignment is "the expected pairwise distance of examples in the
same class", uniformity "the (log of the) expected pairwise similarity of
all examples using a Gaussian kernel". So positive pairs are same-class test
pairs, not two augmented views:

    alignment  = E_{i<j, y_i = y_j} ‖f(x_i) − f(x_j)‖₂^α
    uniformity = log E_{i<j} exp(−t ‖f(x_i) − f(x_j)‖₂²)

f is the encoder output fed to the classifier (the neck output of an
mmpretrain classifier), ℓ2-normalised by default as in Wang & Isola. Note:
on the unit sphere uniformity ≥ −t·(2 + 2/(n − 1)) ≈ −4 for t = 2 (Jensen),
so the paper's reported −4.77 and −5.68 cannot come from normalised
embeddings with t = 2; ``normalize=False`` gives the unnormalised variant.
"""
import math
from typing import Any, List, Sequence, Union

import torch
import torch.nn as nn
from mmengine.evaluator import BaseMetric
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from torch import Tensor

from mixtoolbox.registry import HOOKS, METRICS


def _prepare(embeddings, normalize: bool, owner: str) -> Tensor:
    z = torch.as_tensor(embeddings).detach().to(torch.float64)
    if z.dim() != 2 or z.size(0) < 2:
        raise ValueError(f'{owner}: `embeddings` must be [n, d] with n >= 2,'
                         f' got shape {tuple(z.shape)}')
    if not torch.isfinite(z).all():
        raise ValueError(f'{owner}: `embeddings` must be finite (NaN/inf in '
                         f'rows {_rows(~torch.isfinite(z).all(1))})')
    if normalize:
        zero = z.norm(dim=1) == 0
        if zero.any():
            # F.normalize would map the row to the zero vector, a point off
            # the sphere that biases both metrics
            raise ValueError(
                f'{owner}: rows {_rows(zero)} of `embeddings` are all zero '
                '(e.g. a dead ReLU neck) and have no direction to normalise; '
                'fix the model or pass normalize=False')
        z = torch.nn.functional.normalize(z, dim=1)
    return z


def _rows(mask: Tensor) -> str:
    idx = mask.nonzero().flatten().tolist()
    return f'{idx[:5]}{"..." if len(idx) > 5 else ""} ({len(idx)} of ' \
        f'{mask.numel()})'


def alignment(embeddings: Union[Tensor, Sequence[Sequence[float]]],
              labels: Union[Tensor, Sequence[int]], alpha: float = 2.0,
              normalize: bool = True) -> float:
    """Mean ‖f_i − f_j‖^α over unordered same-class pairs (all classes
    pooled, so a class weighs by its number of pairs).

    Example:
        >>> round(alignment([[1., 0.], [0., 1.], [1., 0.]], [0, 0, 1]), 6)
        2.0
    """
    if isinstance(alpha, bool) or not alpha > 0:
        raise ValueError(f'alignment: `alpha` must be > 0, got {alpha!r}')
    z = _prepare(embeddings, normalize, 'alignment')
    y = torch.as_tensor(labels).reshape(-1)
    if y.numel() != z.size(0):
        raise ValueError(f'alignment: {y.numel()} labels for {z.size(0)} '
                         'embeddings')
    total, pairs = z.new_zeros(()), 0
    for c in torch.unique(y):
        zc = z[y == c]
        if zc.size(0) > 1:
            total += torch.pdist(zc).pow(alpha).sum()
            pairs += zc.size(0) * (zc.size(0) - 1) // 2
    if pairs == 0:
        raise ValueError('alignment: no class has two samples, so there is '
                         'no positive pair')
    return (total / pairs).item()


def uniformity(embeddings: Union[Tensor, Sequence[Sequence[float]]],
               t: float = 2.0, normalize: bool = True, chunk_size: int = 1024
               ) -> float:
    """log of the mean Gaussian kernel exp(−t‖f_i − f_j‖²) over unordered
    pairs i < j, in row chunks so n×n distances never sit in memory.

    Example:
        >>> round(uniformity([[1., 0.], [-1., 0.]], t=0.5), 6)
        -2.0
    """
    if isinstance(t, bool) or not t > 0:
        raise ValueError(f'uniformity: `t` must be > 0, got {t!r}')
    z = _prepare(embeddings, normalize, 'uniformity')
    n = z.size(0)
    sq_norm = z.pow(2).sum(1)
    col = torch.arange(n, device=z.device)
    parts = []
    for start in range(0, n, chunk_size):
        block = z[start:start + chunk_size]
        rows = col[start:start + chunk_size, None]
        # |a|² + |b|² − 2ab can dip below 0 by rounding for near-equal rows
        sq = (sq_norm[start:start + chunk_size, None] + sq_norm[None]
              - 2 * block @ z.T).clamp_min(0)
        kernel = (-t * sq).masked_fill(col[None] <= rows, -math.inf)
        parts.append(torch.logsumexp(kernel.flatten(), 0))
    log_mean = torch.logsumexp(torch.stack(parts), 0) - math.log(
        n * (n - 1) / 2)
    return log_mean.item()


@METRICS.register_module()
class AlignmentUniformity(BaseMetric):
    """Alignment and uniformity of per-sample embeddings.

    Each data sample must carry its embedding under ``embedding_key``;
    :class:`RecordEmbeddingHook` puts it there during val/test::

        custom_hooks = [dict(type='RecordEmbeddingHook', layer='neck')]
        test_evaluator = [dict(type='Accuracy'),
                          dict(type='AlignmentUniformity')]

    Args:
        alpha (float): alignment exponent α. Defaults to 2 (Wang & Isola).
        t (float): uniformity kernel scale. Defaults to 2 (Wang & Isola).
        normalize (bool): ℓ2-normalise embeddings first. Defaults to True.
        embedding_key (str): data-sample field. Defaults to 'embedding'.
        collect_device, prefix, collect_dir: as in ``BaseMetric``; keys are
            ``embedding/alignment`` and ``embedding/uniformity``.
    """
    default_prefix = 'embedding'

    def __init__(self, alpha: float = 2.0, t: float = 2.0,
                 normalize: bool = True, embedding_key: str = 'embedding',
                 collect_device: str = 'cpu', prefix=None,
                 collect_dir=None):
        super().__init__(collect_device=collect_device, prefix=prefix,
                         collect_dir=collect_dir)
        for name, value in (('alpha', alpha), ('t', t)):
            if isinstance(value, bool) or not isinstance(
                    value, (int, float)) or not value > 0:
                raise ValueError(f'AlignmentUniformity: `{name}` must be a '
                                 f'number > 0, got {value!r}')
        self.alpha, self.t = float(alpha), float(t)
        self.normalize = normalize
        self.embedding_key = embedding_key

    def process(self, data_batch: Any, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            if self.embedding_key not in sample or 'gt_label' not in sample:
                raise ValueError(
                    f'AlignmentUniformity needs `{self.embedding_key}` and '
                    '`gt_label` in every data sample; add '
                    "dict(type='RecordEmbeddingHook') to custom_hooks")
            self.results.append(
                (sample[self.embedding_key].detach().float().cpu(),
                 int(sample['gt_label'].reshape(-1)[0])))

    def compute_metrics(self, results: List) -> dict:
        z = torch.stack([e for e, _ in results])
        y = torch.tensor([label for _, label in results], device=z.device)
        return dict(alignment=alignment(z, y, self.alpha, self.normalize),
                    uniformity=uniformity(z, self.t, self.normalize))


@HOOKS.register_module()
class RecordEmbeddingHook(Hook):
    """During val/test, store the output of ``model.<layer>`` (last element
    of a tuple, global-average-pooled if spatial) in each predicted data
    sample under ``key``, for :class:`AlignmentUniformity`.

    Args:
        layer (str): dotted sub-module name. Defaults to 'neck', the encoder
            output that mmpretrain classifiers feed to the head.
        key (str): data-sample field. Defaults to 'embedding'.
    """

    def __init__(self, layer: str = 'neck', key: str = 'embedding'):
        self.layer, self.key = layer, key
        self._handles = []

    def _attach(self, runner) -> None:
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        try:
            module = model.get_submodule(self.layer)
        except AttributeError as err:
            raise ValueError(f'RecordEmbeddingHook: the model has no '
                             f'sub-module `{self.layer}`') from err
        captured = []

        def keep(_module: nn.Module, _args: tuple, out: Any) -> None:
            feat = out[-1] if isinstance(out, (tuple, list)) else out
            captured[:] = [feat.flatten(2).mean(-1) if feat.dim() > 2
                           else feat]

        def attach(_module: nn.Module, _args: tuple, out: Any) -> None:
            # only predict-mode outputs are lists of data samples
            if captured and isinstance(out, list) and out and hasattr(
                    out[0], 'set_field'):
                for sample, feat in zip(out, captured.pop()):
                    sample.set_field(feat.detach(), self.key)

        self._handles = [module.register_forward_hook(keep),
                         model.register_forward_hook(attach)]

    def _detach(self, runner, metrics=None) -> None:
        for handle in self._handles:
            handle.remove()
        self._handles = []

    before_val_epoch = before_test_epoch = _attach
    after_val_epoch = after_test_epoch = _detach
