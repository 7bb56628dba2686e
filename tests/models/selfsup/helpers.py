"""Tiny MoCo models for the self-supervised tests."""
import torch
from mmpretrain.structures import DataSample

from mixtoolbox.registry import MODELS

BASE = dict(
    backbone=dict(type='ResNet_CIFAR', depth=18, base_channels=4,
                  stem_channels=4),
    neck=dict(type='MoCoV2Neck', in_channels=32, hid_channels=16,
              out_channels=8),
    head=dict(type='ContrastiveHead', temperature=0.2,
              loss=dict(type='CrossEntropyLoss')),
    queue_len=16, feat_dim=8)


def build(type_='MixMoCo', **kwargs):
    model = MODELS.build(dict(BASE, type=type_, **kwargs))
    return model.train()


def views(n=4, size=12, seed=0):
    g = torch.Generator().manual_seed(seed)
    return [torch.rand(n, 3, size, size, generator=g),
            torch.rand(n, 3, size, size, generator=g)]


def samples(n=4, labels=None):
    out = [DataSample() for _ in range(n)]
    if labels is not None:
        for s, c in zip(out, labels):
            s.set_field(torch.tensor(c), 'pseudo_label')
    return out
