"""SAMix-I / SAMix-C in MoCo v2 (SAMix, arXiv:2111.15454v1, App. A.1.3)."""
import pytest
import torch

from .helpers import build, samples, views

MIXER = dict(type='SAMixMixer', in_channels=16)


def grads(module):
    return [p.grad for p in module.parameters() if p.requires_grad]


def has_grad(module):
    return any(g is not None and g.abs().sum() > 0 for g in grads(module))


def test_samix_i_losses_reach_only_their_modules():
    torch.manual_seed(0)
    model = build('SAMixMoCo', mixer=MIXER, lam_margin=0.0)
    x_q, x_k = views()
    losses = model.loss([x_q, x_k], samples())
    assert set(losses) == {'loss', 'loss_mixer', 'loss_mask', 'loss_mix'}
    losses['loss_mixer'].backward(retain_graph=True)
    assert has_grad(model.mixer) and not has_grad(model.backbone)
    assert all(p.grad is None for p in model.encoder_k.parameters())
    model.zero_grad(set_to_none=True)
    (losses['loss'] + losses['loss_mix']).backward()
    assert has_grad(model.backbone) and not has_grad(model.mixer)


def test_samix_i_mixer_loss_is_eta_balanced_infonce(monkeypatch):
    """η = 1: the soft CE over [z·z_i, z·z'_j, z·queue] / t with targets
    [λ, 1 − λ, 0, ...] (eq. 8 reduces to the mixup infoNCE); z' the
    partners' positives."""
    torch.manual_seed(0)
    model = build('SAMixMoCo', mixer=MIXER,
                  mixer_loss=dict(type='EtaBalancedLoss', eta=1.0))
    z = torch.nn.functional.normalize(torch.randn(4, 8), dim=1)
    k = torch.nn.functional.normalize(torch.randn(4, 8), dim=1)
    other = torch.nn.functional.normalize(torch.randn(4, 8), dim=1)
    queue = model.queue.clone()
    # rows are tagged with their index: the loss batch-shuffles them
    monkeypatch.setattr(model.encoder_k, 'forward',
                        lambda x: (z[x[:, 0, 0, 0].long()], ))
    x_m = torch.arange(4.0).view(4, 1, 1, 1).expand(4, 3, 2, 2)
    perm = torch.tensor([1, 0, 3, 2])
    got = model.mixer_cls_loss(x_m, k, other, queue, 0.3, perm, None)
    logits = torch.cat([(z * k).sum(1, keepdim=True),
                        (z * other[perm]).sum(1, keepdim=True), z @ queue],
                       1) / 0.2
    logp = logits.log_softmax(1)
    expected = -(0.3 * logp[:, 0] + 0.7 * logp[:, 1]).mean()
    assert torch.allclose(got, expected, atol=1e-5)


def test_cross_mask_mixes_query_with_partner_key():
    model = build('SAMixMoCo', mixer=MIXER).eval()
    x_q, x_k = views()
    k, k_q, maps = model.keys_and_maps(x_q, x_k)
    assert maps.shape == (8, 16, 3, 3) and k.shape == k_q.shape == (4, 8)
    perm = torch.tensor([2, 3, 0, 1])
    mask = model.cross_mask(maps, 0.4, perm, (12, 12))
    full = model.mixer(maps, 0.4, torch.cat([perm + 4, perm]), (12, 12))
    assert torch.allclose(mask, full[:4])
    x_m = model._mix(x_q, x_k, mask, perm)
    assert torch.allclose(x_m, mask * x_q + (1 - mask) * x_k[perm],
                          atol=1e-6)


def test_samix_c_cluster_head():
    torch.manual_seed(0)
    model = build('SAMixMoCo', mixer=MIXER, target='cluster', num_clusters=3)
    losses = model.loss(views(), samples(labels=[0, 1, 2, 1]))
    assert {'loss_cluster', 'loss_mixer'} <= set(losses)
    losses['loss_mixer'].backward(retain_graph=True)
    # g_ψ is fixed inside the Mixer's loss ...
    assert has_grad(model.mixer) and not has_grad(model.cluster_head)
    losses['loss_cluster'].backward()
    # ... and learns from the clean keys only
    assert has_grad(model.cluster_head)


def test_bf16_autocast():
    torch.manual_seed(0)
    model = build('SAMixMoCo', mixer=MIXER)
    with torch.autocast('cpu', dtype=torch.bfloat16):
        losses = model.loss(views(), samples())
    assert all(torch.isfinite(v) for v in losses.values())


def test_bad_input():
    with pytest.raises(ValueError, match='target'):
        build('SAMixMoCo', mixer=MIXER, target='both')
    with pytest.raises(ValueError, match='mix_policy'):
        build('SAMixMoCo', mixer=MIXER, mix_policy=[dict(type='Mixup')])
    with pytest.raises(ValueError, match='mask_layer'):
        build('SAMixMoCo', mixer=MIXER, mask_layer=5)
    with pytest.raises(ValueError, match='num_clusters'):
        build('SAMixMoCo', mixer=MIXER, num_clusters=1)
    model = build('SAMixMoCo', mixer=MIXER, target='cluster', num_clusters=3)
    with pytest.raises(ValueError, match='OnlineClusteringHook'):
        model.loss(views(), samples())
    with pytest.raises(ValueError, match='num_clusters'):
        model.loss(views(), samples(labels=[0, 1, 5, 1]))
