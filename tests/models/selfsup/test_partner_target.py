"""Which tensor is the partner's positive in the cross-view mixup infoNCE.

x_m = h(x_i^{τq}, x_j^{τk}): the (1 − λ) positive must be the momentum
embedding of the partner's *other* view, z_j^{τq}, not of the pasted pixels
x_j^{τk}. The encoder here can only match pixels (a fixed random projection
of the raw image, the same in the online and the momentum branch), so the
two candidates are told apart exactly.
"""
import copy

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

from mixtoolbox.models.selfsup import mix_moco, samix_moco

from .helpers import build, samples, views

STAGES = ['layer1', 'layer2', 'layer3', 'layer4']


class PixelEncoder(nn.Module):
    """Stages that are identities (so the Mixer's maps are the pixels) and a
    fixed random projection of the flattened image."""

    def __init__(self, in_dim, dim=8):
        super().__init__()
        self.res_layers = STAGES
        for name in STAGES:
            setattr(self, name, nn.Identity())
        g = torch.Generator().manual_seed(1)
        self.register_buffer('proj', torch.randn(in_dim, dim, generator=g))

    def forward(self, x):
        for name in STAGES:
            x = getattr(self, name)(x)
        return (x.flatten(1) @ self.proj, )


class Last(nn.Module):
    def forward(self, feats):
        return (feats[-1], )


def pixel_model(type_, **kwargs):
    model = build(type_, **kwargs)
    enc = PixelEncoder(3 * 12 * 12)
    model.backbone, model.neck = enc, Last()
    model.encoder_k.module = nn.Sequential(copy.deepcopy(enc), Last())
    model.momentum_update = lambda: None  # both branches stay this encoder
    return model


def embed(model, x):
    return F.normalize(model.backbone(x)[0], dim=1)


class Spy:
    def __init__(self, fn):
        self.fn, self.calls = fn, []

    def __call__(self, *args, **kwargs):
        self.calls.append((args, kwargs))
        return self.fn(*args, **kwargs)


def fix_cutmix(mixup, perm):
    mixup.sample_index = lambda x: perm
    mixup.sample_params = lambda x: dict(box=(0, 6, 0, 12), index=None)


@pytest.mark.parametrize('partner_target', ['other_view', 'pasted_view'])
def test_mixmoco_partner_positive(monkeypatch, partner_target):
    torch.manual_seed(0)
    model = pixel_model('MixMoCo', mix_policy=[dict(type='CutMix')],
                        partner_target=partner_target)
    perm = torch.tensor([1, 2, 3, 0])
    fix_cutmix(model.policy.mixups[0], perm)
    spy = Spy(mix_moco.mixed_nce)
    monkeypatch.setattr(mix_moco, 'mixed_nce', spy)
    x_q, x_k = views()
    model.loss([x_q, x_k], samples())
    (z_m, own, _, _, lam, index), kw = spy.calls[0]
    z_q, z_k = embed(model, x_q), embed(model, x_k)
    assert torch.allclose(lam, torch.full((4, ), 0.5))  # CutMix λ = 0.5
    assert index.tolist() == perm.tolist()
    assert torch.allclose(own, z_k, atol=1e-6)  # i: its key view
    partner = kw['partner_keys']
    expected = z_q if partner_target == 'other_view' else z_k
    assert torch.allclose(partner, expected, atol=1e-6)
    # the pasted view really is the pixel shortcut for this encoder
    pasted = (z_m * z_k[perm]).sum(1)
    other = (z_m * z_q[perm]).sum(1)
    assert bool((pasted > other).all())
    assert float((pasted - other).mean()) > 0.1


def test_inter_intra_partner_positive(monkeypatch):
    torch.manual_seed(0)
    model = pixel_model('MixMoCo', mix_policy=[dict(type='InterIntraMix')])
    spy = Spy(mix_moco.mixed_nce)
    monkeypatch.setattr(mix_moco, 'mixed_nce', spy)
    x_q, x_k = views()
    model.loss([x_q, x_k], samples(labels=[0, 0, 1, 1]))
    (_, own, *_), kw = spy.calls[0]
    assert torch.allclose(own, embed(model, x_k), atol=1e-6)
    assert torch.allclose(kw['partner_keys'], embed(model, x_q), atol=1e-6)


@pytest.mark.parametrize('target', ['instance', 'cluster'])
def test_samix_partner_positive_online_and_mixer(monkeypatch, target):
    torch.manual_seed(0)
    model = pixel_model('SAMixMoCo', lam_margin=0.0, target=target,
                        num_clusters=3,
                        mixer=dict(type='SAMixMixer', in_channels=3))
    nce = Spy(samix_moco.mixed_nce)
    monkeypatch.setattr(samix_moco, 'mixed_nce', nce)
    mixer_loss = Spy(model.mixer_cls_loss)
    monkeypatch.setattr(model, 'mixer_cls_loss', mixer_loss)
    x_q, x_k = views()
    labels = [0, 1, 2, 1] if target == 'cluster' else None
    model.loss([x_q, x_k], samples(labels=labels))
    z_q, z_k = embed(model, x_q), embed(model, x_k)
    (_, own, *_), kw = nce.calls[0]  # the online network's loss
    assert torch.allclose(own, z_k, atol=1e-6)
    assert torch.allclose(kw['partner_keys'], z_q, atol=1e-6)
    (_, own, partner, *_), _ = mixer_loss.calls[0]  # the Mixer's loss
    assert torch.allclose(own, z_k, atol=1e-6)
    assert torch.allclose(partner, z_q, atol=1e-6)


def test_samix_maps_come_from_the_same_key_pass():
    model = pixel_model('SAMixMoCo', mixer=dict(type='SAMixMixer',
                                                in_channels=3))
    x_q, x_k = views()
    k, k_q, maps = model.keys_and_maps(x_q, x_k)
    assert torch.allclose(maps, torch.cat([x_q, x_k]))
    assert torch.allclose(k, embed(model, x_k), atol=1e-6)
    assert torch.allclose(k_q, embed(model, x_q), atol=1e-6)


def test_bad_partner_target():
    with pytest.raises(ValueError, match='partner_target'):
        build(partner_target='key')


def test_shortcut_tool_scores_the_pasted_view_higher():
    from mixtoolbox.analysis import partner_shortcut as tool
    measure, parse_args = tool.measure, tool.parse_args
    model = pixel_model('MixMoCo')
    batches = [views(n=8, seed=s) for s in range(3)]
    out = measure(model, batches)
    assert out['samples'] == 24 and out['chance'] == pytest.approx(100 / 7)
    assert out['pasted_view'] > out['other_view'] + 25
    assert parse_args(['cfg.py']).batches == 20
