"""The interface every mixup of mixtoolbox implements (the mixup contract).

A mixup splits into two halves so that each method has exact tests:

* :meth:`BaseMixup.sample_params` draws all randomness (λ, partner index,
  box, mask, ...) and returns it as a dict; it is the only place that draws.
* :meth:`BaseMixup.mix` is a pure function of inputs, scores and those
  params and returns a :class:`~mixtoolbox.structures.MixedBatch`.

What a method can do is declared by class attributes, never probed:

* ``space``: ``'input'`` (pixels) or ``'feature'`` (inside the network);
* ``model_free``: needs nothing but the batch, so ``__call__(inputs, scores)
  -> (inputs, scores)``, mmpretrain's ``BATCH_AUGMENTS`` contract, works and
  the method plugs into ``ImageClassifier(train_cfg=dict(augments=[...]))``;
  the base ``__call__`` refuses every other method with one message;
* ``pairwise``: output i mixes sample i with one partner ``index[i]`` of a
  permutation, and :meth:`mix` takes that ``index`` (the self-supervised
  mixup loss needs this);
* ``needs_labels``: :meth:`mix` reads the class of each sample from
  ``scores`` (e.g. to pair within a class), so self-supervised training
  must hand it pseudo-labels;
* K-interpolation support (multi-mix): declared by overriding the optional
  hook :meth:`BaseMixup.interp_params`, see there.

Inside :class:`~mixtoolbox.models.MixupClassifier` a mixup is driven through
:meth:`BaseMixup.forward_train`, which by default mixes pixels and runs the
whole network; model-aware mixups (saliency, see
:class:`~mixtoolbox.models.mixups.saliency_mixup.SaliencyMixup`) and
embedding-space mixups override it and use the classifier's building blocks
(``extract_feat``, ``head``, ``saliency``), so adding a method means adding a
class (``CONTRIBUTING.md`` walks through it).
"""
import abc
from typing import List, Optional, Sequence, Tuple

import numpy as np
import torch
import torch.nn as nn
from torch import Tensor

from mixtoolbox.structures import MixedBatch


def check_batch(inputs: Tensor, scores: Tensor, owner: str,
                spatial: bool = True) -> None:
    """Shape checks shared by all mixups (clear errors instead of garbage)."""
    if not isinstance(inputs, Tensor) or not isinstance(scores, Tensor):
        raise TypeError(f'{owner}: `inputs` and `scores` must be tensors, '
                        f'got {type(inputs).__name__} and '
                        f'{type(scores).__name__}')
    if spatial and inputs.dim() != 4:
        raise ValueError(f'{owner}: `inputs` must be 4-D [N, C, H, W], got '
                         f'shape {tuple(inputs.shape)}')
    if scores.dim() != 2 or scores.size(0) != inputs.size(0):
        raise ValueError(f'{owner}: `scores` must be 2-D [N, K] with N = '
                         f'{inputs.size(0)} (the batch size of `inputs`), got '
                         f'shape {tuple(scores.shape)}; turn labels into '
                         f'one-hot / soft targets first')


def blend_by_mask(inputs: Tensor, scores: Tensor, mask: Tensor,
                  index: Tensor, params: dict) -> MixedBatch:
    """Mix with one pixel mask for the whole batch (``mask`` broadcasts to
    ``inputs``: 1 keeps the sample's own pixel, 0 takes its partner's
    ``index[i]``); targets and every sample's λ are the mask's mean, the
    share of own pixels (FMix, GridMix, SmoothMix)."""
    share = mask.mean().item()
    mixed = inputs[index].lerp_(inputs, mask.to(inputs.dtype))
    target = scores[index].lerp_(scores, share)
    return MixedBatch(
        mixed, target,
        lam=torch.full((inputs.size(0), ), share, device=inputs.device),
        index=index, mask=mask, params=params)


def concat_batches(parts: List[MixedBatch]) -> MixedBatch:
    """K mixed batches of N samples as one of K·N (block k = rows k·N …
    (k+1)·N − 1); ``loss*`` extras are averaged over the K parts."""
    n = parts[0].inputs.size(0)

    def cat(name: str) -> Optional[Tensor]:
        values = [getattr(p, name) for p in parts]
        if any(v is None for v in values):
            return None
        if name == 'mask':
            values = [v.expand(n, *v.shape[1:]) for v in values]
        return torch.cat(values)

    losses = {k: torch.stack([p.extras[k] for p in parts]).mean()
              for k in parts[0].extras if k.startswith('loss')}
    return MixedBatch(cat('inputs'), cat('target'), lam=cat('lam'),
                      index=cat('index'), mask=cat('mask'),
                      params=dict(parts=[p.params for p in parts]),
                      extras=dict(num_interp=len(parts), **losses))


NOT_MODEL_FREE = (
    '{name} is not model-free (model_free=False: it mixes inside the '
    'network, needs its gradients, or returns other than N samples for N, '
    'e.g. K·N), so it cannot run as an mmpretrain batch augment of the data '
    "preprocessor; put it in MixupClassifier's mix_policy, e.g. "
    "mix_policy=[dict(type='{name}')]")


class BaseMixup(abc.ABC):
    """Base class of all mixups.

    Subclasses implement :meth:`sample_params` and :meth:`mix` and declare
    what they can do with the class attributes below (the defaults fit a
    plain input-space mixup that is not pairwise).

    Attributes:
        space (str): ``'input'`` (mixes pixels) or ``'feature'`` (mixes
            embeddings inside the network).
        model_free (bool): True when the method needs nothing but the batch;
            only those are usable as mmpretrain ``BATCH_AUGMENTS`` (the base
            :meth:`__call__` refuses the others).
        pairwise (bool): True when output i mixes sample i with the single
            partner ``index[i]`` of a permutation and :meth:`mix` takes that
            ``index`` (Mixup, CutMix, ...); False for whole-batch mixups
            (ζ-Mixup, Co-Mixup, MultiMix). The self-supervised mixup loss
            accepts pairwise mixups only.
        needs_labels (bool): True when :meth:`mix` reads the class of each
            sample from ``scores`` (self-supervised training then passes
            pseudo-labels).
        inplace (bool): True when :meth:`mix` may write into ``inputs``
            (pasting mixups, as mmpretrain's and timm's); K-interpolation
            then mixes copies.
    """
    space = 'input'
    model_free = True
    pairwise = False
    needs_labels = False
    inplace = False

    @property
    def name(self) -> str:
        return type(self).__name__

    # ---------------------------------------------------------------- random
    @abc.abstractmethod
    def sample_params(self, inputs: Tensor) -> dict:
        """Draw this method's randomness for a batch like ``inputs``."""

    @staticmethod
    def sample_beta(alpha: float) -> float:
        """λ ~ Beta(alpha, alpha) from numpy's global RNG (mmengine seeds it);
        a host float, so no device sync on CUDA."""
        return float(np.random.beta(alpha, alpha))

    @staticmethod
    def sample_index(inputs: Tensor) -> Tensor:
        """A random partner permutation on the inputs' device."""
        return torch.randperm(inputs.size(0), device=inputs.device)

    # ----------------------------------------------------------------- mixing
    @abc.abstractmethod
    def mix(self, inputs: Tensor, scores: Tensor, **params) -> MixedBatch:
        """Mix ``inputs`` and ``scores`` with explicit randomness."""

    def mix_tensors(self, inputs: Tensor, scores: Tensor,
                    **params) -> Tuple[Tensor, Tensor]:
        """Only the mixed inputs and targets of :meth:`mix`, what
        :meth:`__call__` returns. Override it when :meth:`mix` builds more
        (per-sample λ, a mask) that a batch augment would throw away; it
        must return exactly ``mix(...).inputs, mix(...).target``."""
        out = self.mix(inputs, scores, **params)
        return out.inputs, out.target

    def __call__(self, inputs: Tensor,
                 scores: Tensor) -> Tuple[Tensor, Tensor]:
        """mmpretrain ``BATCH_AUGMENTS`` contract, for model-free mixups.

        A batch of one sample has nobody to mix with and is returned as it is
        (the last batch of an epoch can be that small).

        Raises:
            TypeError: the mixup is not :attr:`model_free`.
        """
        if not self.model_free:
            raise TypeError(NOT_MODEL_FREE.format(name=self.name))
        check_batch(inputs, scores, self.name, spatial=self.space == 'input')
        if not scores.is_floating_point():
            # mmpretrain's data preprocessor hands over one-hot int64 scores
            scores = scores.to(inputs.dtype if inputs.is_floating_point()
                               else torch.get_default_dtype())
        if inputs.size(0) < 2:
            return inputs, scores
        return self.mix_tensors(inputs, scores, **self.sample_params(inputs))

    # ------------------------------------------------------------- training
    def forward_train(self, model: nn.Module, inputs: Tensor, scores: Tensor,
                      params: Optional[dict] = None
                      ) -> Tuple[Tensor, MixedBatch]:
        """Logits of the network on the mixed batch.

        Args:
            model (MixupClassifier): provides ``extract_feat`` and ``head``
                (and ``saliency`` for model-aware methods).
            inputs (Tensor): the batch ``[N, C, H, W]``.
            scores (Tensor): soft targets ``[N, K]``.
            params (dict, optional): replay this randomness instead of
                drawing new (self-distillation applies the student's mixing
                to the teacher's view).

        Returns:
            tuple: logits ``[N', K]`` and the :class:`MixedBatch`.
        """
        if params is None:
            params = self.sample_params(inputs)
        batch = self.mix(inputs, scores, **params)
        return model.head(model.extract_feat(batch.inputs)), batch

    def loss(self, model: nn.Module, logits: Tensor, batch: MixedBatch
             ) -> Tensor:
        """Mixed-sample loss; the default is the head's soft-target loss."""
        return model.soft_loss(logits, batch.target)

    # ---------------------------------------------- K interpolations (hook)
    def interp_params(self, inputs: Tensor,
                      lams: Sequence[float]) -> List[dict]:
        """Optional hook: randomness of K interpolations of the same pairs.

        Multi-mix (L. Shen, J. Yu, H. Yang, J. T. Kwok, "Mixup Augmentation
        with Multiple Interpolations", arXiv:2406.01417, 2024,
        https://arxiv.org/abs/2406.01417, §III-A) mixes every pair at K
        sorted ratios λ_1 > … > λ_K with everything else shared. A method
        declares that it has such a reading by overriding this hook
        (:meth:`supports_interp` then says True and
        :class:`~mixtoolbox.models.mixups.MultiInterp` accepts it); the
        others keep this default, which refuses. :meth:`interp_forward_train`
        may be overridden as well when the K interpolations can share work
        (one saliency pass, one forward to the mixing layer).

        Args:
            inputs (Tensor): the batch.
            lams (Sequence[float]): K ratios, sorted decreasing (share of
                x_i), drawn by the caller from one Beta(α, α).

        Returns:
            list[dict]: K params dicts for :meth:`mix` / :meth:`forward_train`,
            dict k using ``lams[k]`` and sharing all other randomness
            (partner, box centre, noise, block size, layer) with the others.

        Raises:
            NotImplementedError: this method has no K-interpolation reading
                (the default).
        """
        raise NotImplementedError(
            f'{self.name} does not support K interpolations (multi-mix)')

    @classmethod
    def supports_interp(cls) -> bool:
        """Whether the class overrides :meth:`interp_params`."""
        return cls.interp_params is not BaseMixup.interp_params

    def interp_mix(self, inputs: Tensor, scores: Tensor,
                   parts: Sequence[dict]) -> MixedBatch:
        """The K mixed batches of ``parts`` as one batch of K·N."""
        # a mixup that pastes in place would leak earlier interpolations
        return concat_batches([
            self.mix(inputs.clone() if self.inplace else inputs, scores, **p)
            for p in parts])

    def interp_forward_train(self, model: nn.Module, inputs: Tensor,
                             scores: Tensor, parts: Sequence[dict]
                             ) -> Tuple[Tensor, MixedBatch]:
        """Logits ``[K·N, C]`` and the K·N batch of the K interpolations.

        The default runs one forward pass on the K·N mixed inputs for
        model-free input-space mixups, else :meth:`forward_train` once per
        interpolation.
        """
        if self.space == 'input' and self.model_free:
            batch = self.interp_mix(inputs, scores, parts)
            return model.head(model.extract_feat(batch.inputs)), batch
        outs = [self.forward_train(model, inputs, scores, params=p)
                for p in parts]
        return (torch.cat([logits for logits, _ in outs]),
                concat_batches([batch for _, batch in outs]))

    def __repr__(self) -> str:
        args = ', '.join(f'{k}={v!r}' for k, v in vars(self).items()
                         if not k.startswith('_'))
        return f'{self.name}({args})'
