"""The interface of training modifiers: written once, usable with any mixup.

A modifier changes how :class:`~mixtoolbox.models.MixupClassifier` turns a
mixup's output into losses, without the mixup knowing: a mixup stays a
mixup, and self-distillation or the dense loss applies to every method. The
classifier calls, in one training step:

1. :meth:`BaseModifier.before_step` (e.g. the teacher's EMA update);
2. :meth:`BaseModifier.wrap` on every network a mixup will drive, student
   and teacher alike (e.g. the dense view);
3. ``mixup.forward_train`` → logits and a ``MixedBatch``;
4. :meth:`BaseModifier.prepare_batch` (e.g. dense targets);
5. ``mixup.loss`` → the ``loss`` entry;
6. :meth:`BaseModifier.extend_losses` (e.g. the distillation term).
"""
from typing import TYPE_CHECKING, List

from torch import Tensor, nn

from mixtoolbox.structures import MixedBatch

if TYPE_CHECKING:
    from mixtoolbox.models.mixups.base import BaseMixup


class BaseModifier(nn.Module):
    """A no-op modifier; subclasses override the steps they need.

    Attributes:
        num_views (int): views of each image the modifier needs in
            ``inputs`` (self-distillation needs 2).
    """
    num_views = 1

    def attach(self, model: nn.Module) -> None:
        """Called once when the classifier is built (before the modifiers
        are registered on it)."""

    def before_step(self, model: nn.Module) -> None:
        """Called at the start of every training step."""

    def wrap(self, net: nn.Module) -> nn.Module:
        """The network a mixup drives, seen through this modifier."""
        return net

    def prepare_batch(self, net: nn.Module, logits: Tensor, batch: MixedBatch,
                      scores: Tensor) -> MixedBatch:
        """Adjust the batch (e.g. its targets) before the mixup's loss."""
        return batch

    def extend_losses(self, model: nn.Module, mixup: 'BaseMixup',
                      views: List[Tensor], scores: Tensor, logits: Tensor,
                      batch: MixedBatch, losses: dict) -> dict:
        """Add or reweigh loss terms."""
        return losses
