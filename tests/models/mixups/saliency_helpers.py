"""A tiny MixupClassifier for the end-to-end tests of the saliency mixups."""
import torch
from mmpretrain.structures import DataSample

from mixtoolbox.registry import MODELS
from tests import tiny_model


def tiny_classifier(mixup: dict, num_classes: int = 5):
    return MODELS.build(tiny_model.tiny_classifier(
        num_classes, width=8, mix_policy=[mixup],
        data_preprocessor=dict(type='ClsDataPreprocessor',
                               mean=[125.3, 123.0, 113.9],
                               std=[63.0, 62.1, 66.7])))


def samples(labels):
    return [DataSample().set_gt_label(int(i)) for i in labels]


def check_end_to_end(mixup: dict, size: int = 16, seed: int = 0):
    """loss() is finite and trains the backbone; the saliency pass of
    forward_train leaves nothing in the weights' .grad."""
    torch.manual_seed(seed)
    model = tiny_classifier(mixup)
    model.train()
    x = torch.randn(4, 3, size, size)
    labels = torch.tensor([0, 1, 2, 3])
    scores = torch.eye(5)[labels]
    mix = model.policy.mixups[0]
    logits, batch = mix.forward_train(model, x, scores)
    assert all(p.grad is None for p in model.parameters())
    assert logits.shape == (4, 5)
    losses = model.loss(x, samples(labels))
    total = sum(losses.values())
    assert torch.isfinite(total)
    total.backward()
    grads = [p.grad for p in model.backbone.parameters()]
    assert all(g is not None and torch.isfinite(g).all() for g in grads)
    assert any(g.abs().sum() > 0 for g in grads)
    return losses, batch, x, scores
