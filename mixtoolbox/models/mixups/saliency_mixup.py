"""The base of the model-aware mixups that read the network's saliency
(PuzzleMix, Co-Mixup, R-Mix): the saliency pass, the optional clean-input
loss, the training forward and the loss choice, written once.

A subclass draws its randomness in :meth:`sample_params`, turns saliency into
the mixing params in :meth:`SaliencyMixup.solve_saliency` (mask optimisation,
labelling, quantiles) and mixes in :meth:`mix`; the params that come out of
the solver carry :attr:`SaliencyMixup.solved_key`, so a replay (the teacher
of self-distillation) skips the saliency pass.
"""
import abc
import numbers
from typing import List, Optional, Sequence, Tuple

import torch.nn as nn
from torch import Tensor

from mixtoolbox.structures import MixedBatch

from .base import BaseMixup
from .saliency_utils import bce_softmax_loss, saliency_pass

LOSSES = ('head', 'bce')


class SaliencyMixup(BaseMixup):
    """Base of the mixups whose params depend on the network's saliency
    s = √(mean_c (∂L/∂x)²).

    Attributes:
        solved_key (str): the params key that only solved params have (e.g.
            ``'mask'``); params with it are mixed as they are.
        saliency_training (bool | None): network mode of the saliency pass;
            None (default) is train mode exactly when a clean loss is kept
            (the official PuzzleMix / Co-Mixup choice), True always train
            mode (R-Mix).
        clean_lam (float): weight of the clean-input loss; 0 keeps none.
        loss_type (str): ``'head'`` (the classifier's soft loss) or
            ``'bce'`` (BCE(softmax(logits), ỹ), the official PuzzleMix /
            Co-Mixup loss).
    """
    model_free = False
    solved_key = ''
    saliency_training: Optional[bool] = None
    clean_lam = 0.0
    loss_type = 'head'

    def set_clean_loss(self, clean_lam: float, loss: str) -> None:
        """Check and keep ``clean_lam`` (≥ 0) and ``loss`` (in
        :data:`LOSSES`)."""
        if isinstance(clean_lam, bool) or not isinstance(
                clean_lam, numbers.Real) or clean_lam < 0:
            raise ValueError(f'{self.name}: `clean_lam` must be a number >= '
                             f'0, got {clean_lam!r}')
        if loss not in LOSSES:
            raise ValueError(f'{self.name}: `loss` must be one of {LOSSES}, '
                             f'got {loss!r}')
        self.clean_lam, self.loss_type = clean_lam, loss

    def saliency(self, model: nn.Module, inputs: Tensor, scores: Tensor
                 ) -> Tuple[Tensor, Optional[Tensor]]:
        """Saliency ``[N, H, W]`` and the weighted clean-input loss (None
        when ``clean_lam`` is 0).

        The clean loss is the soft loss of the saliency pass itself, kept
        with its graph (no third pass, as the official code does), weighted
        by ``clean_lam``, times 2/K with ``loss='bce'`` (K classes: the
        official code's scale for its BCE).
        """
        keep = self.clean_lam > 0
        training = keep if self.saliency_training is None \
            else self.saliency_training
        sal, clean = saliency_pass(model, inputs, scores, training=training,
                                   keep_loss=keep)
        if clean is not None:
            clean = self.clean_lam * (2 / scores.size(1) if self.loss_type
                                      == 'bce' else 1) * clean
        return sal, clean

    @abc.abstractmethod
    def solve_saliency(self, model: nn.Module, inputs: Tensor,
                       saliency: Tensor, parts: Sequence[dict]) -> List[dict]:
        """Solved params (with :attr:`solved_key`) of each sampled params
        dict in ``parts`` (one per interpolation; one for a plain step)."""

    def solved_params(self, model: nn.Module, inputs: Tensor, scores: Tensor,
                      parts: Sequence[dict]
                      ) -> Tuple[List[dict], Optional[Tensor]]:
        """``parts`` solved from one saliency pass (as they are when already
        solved) and the weighted clean loss or None."""
        if all(self.solved_key in p for p in parts):
            return list(parts), None
        sal, clean = self.saliency(model, inputs, scores)
        return self.solve_saliency(model, inputs, sal, parts), clean

    @staticmethod
    def logits_of(model: nn.Module, batch: MixedBatch, clean: Optional[Tensor]
                  ) -> Tuple[Tensor, MixedBatch]:
        """The network on the mixed batch; a clean loss goes into
        ``batch.extras['loss_clean']``."""
        if clean is not None:
            batch.extras['loss_clean'] = clean
        return model.head(model.extract_feat(batch.inputs)), batch

    def forward_train(self, model: nn.Module, inputs: Tensor, scores: Tensor,
                      params: Optional[dict] = None
                      ) -> Tuple[Tensor, MixedBatch]:
        if params is None:
            params = self.sample_params(inputs)
        (params, ), clean = self.solved_params(model, inputs, scores,
                                               [params])
        return self.logits_of(model, self.mix(inputs, scores, **params),
                              clean)

    def loss(self, model: nn.Module, logits: Tensor, batch: MixedBatch
             ) -> Tensor:
        if self.loss_type == 'bce':
            return bce_softmax_loss(logits, batch.target)
        return model.soft_loss(logits, batch.target)
