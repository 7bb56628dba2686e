"""MoCo v2 + mixup (cross-view, SAMix eq. 4) and Inter-Intra*."""
import pytest
import torch
import torch.nn.functional as F

from mixtoolbox.models.selfsup import InterIntraMix, mixed_nce

from .helpers import build, samples, views


def nce(z, pos_key, queue, t):
    """Eq. (2) written out: one positive against the queue."""
    pos = torch.exp(z @ pos_key / t)
    return -torch.log(pos / (pos + torch.exp(z @ queue / t).sum()))


def test_mixed_nce_matches_eq4_and_moco_head():
    torch.manual_seed(0)
    z, keys = F.normalize(torch.randn(5, 8), dim=1), F.normalize(
        torch.randn(5, 8), dim=1)
    queue = F.normalize(torch.randn(8, 16), dim=0)
    index, lam = torch.tensor([2, 0, 1, 4, 3]), torch.rand(5)
    expected = torch.stack([
        lam[i] * nce(z[i], keys[i], queue, 0.2) +
        (1 - lam[i]) * nce(z[i], keys[index[i]], queue, 0.2)
        for i in range(5)]).mean()
    assert torch.allclose(mixed_nce(z, keys, queue, 0.2, lam, index),
                          expected, atol=1e-5)
    # λ = 1 is MoCo's own loss (mmpretrain's ContrastiveHead)
    head = build().head
    moco = head.loss((z * keys).sum(1, keepdim=True), z @ queue)
    assert torch.allclose(mixed_nce(z, keys, queue, 0.2, 1.0, index), moco,
                          atol=1e-5)


def fixed(mixup, perm, **params):
    mixup.sample_index = lambda x: perm
    mixup.sample_params = lambda x: dict(params, index=None)


@pytest.mark.parametrize('view', ['cross', 'same'])
def test_mixup_pairs_query_view_with_partner_key_view(view):
    model = build(mix_policy=[dict(type='Mixup')], view=view)
    model.embed = lambda x: x.flatten(1)  # see the mixed pixels
    x_q, x_k = views()
    perm = torch.tensor([1, 2, 3, 0])
    mixup = model.policy.mixups[0]
    fixed(mixup, perm, lam=0.3)
    z, lam, index = model.mixed_embedding(mixup, x_q, x_k, None)
    partner = (x_k if view == 'cross' else x_q)[perm]
    assert torch.allclose(z, (0.3 * x_q + 0.7 * partner).flatten(1))
    assert torch.allclose(lam, torch.full((4, ), 0.3))
    assert index.tolist() == perm.tolist()


def test_cutmix_cross_view_box_comes_from_partner_key_view():
    model = build(mix_policy=[dict(type='CutMix')])
    model.embed = lambda x: x
    x_q, x_k = views()
    keep_q = x_q.clone()
    perm = torch.tensor([3, 2, 1, 0])
    fixed(model.policy.mixups[0], perm, box=(0, 6, 0, 12))
    z, lam, _ = model.mixed_embedding(model.policy.mixups[0], x_q, x_k, None)
    assert torch.equal(z[:, :, :6], x_k[perm][:, :, :6])
    assert torch.equal(z[:, :, 6:], x_q[:, :, 6:])
    assert torch.allclose(lam, torch.full((4, ), 0.5))
    assert torch.equal(x_q, keep_q)  # the in-place paste hit a copy


def test_manifoldmix_layer0_equals_input_mixup():
    x_q, x_k = views()
    perm = torch.tensor([1, 0, 3, 2])
    manifold = build(mix_policy=[dict(type='ManifoldMix', layers=(0, ))])
    fixed(manifold.policy.mixups[0], perm, lam=0.4, layer=0)
    mixup = build(mix_policy=[dict(type='Mixup')])
    mixup.load_state_dict(manifold.state_dict())
    fixed(mixup.policy.mixups[0], perm, lam=0.4)
    manifold.eval(), mixup.eval()
    z1, _, _ = manifold.mixed_embedding(manifold.policy.mixups[0], x_q, x_k,
                                        None)
    z2, _, _ = mixup.mixed_embedding(mixup.policy.mixups[0], x_q, x_k, None)
    # the embedding-space path runs 2N rows; eval-mode BN makes rows
    # independent, so the first N must agree with the input-space path
    assert torch.allclose(z1, z2, atol=1e-5)


@pytest.mark.parametrize('mixup', ['Mixup', 'CutMix', 'ResizeMix', 'FMix',
                                   'ManifoldMix'])
def test_loss_step_backward_and_queue(mixup):
    torch.manual_seed(0)
    model = build(mix_policy=[dict(type=mixup)])
    losses = model.loss(views(), samples())
    assert set(losses) == {'loss', 'loss_mix'}
    sum(losses.values()).backward()
    assert model.backbone.conv1.weight.grad.abs().sum() > 0
    assert int(model.queue_ptr) == 4
    assert all(p.grad is None for p in model.encoder_k.parameters())


def test_bf16_autocast():
    torch.manual_seed(0)
    model = build(mix_policy=[dict(type='CutMix')])
    with torch.autocast('cpu', dtype=torch.bfloat16):
        losses = model.loss(views(), samples())
    assert all(torch.isfinite(v) for v in losses.values())


def test_momentum_in_paper_convention():
    model = build(momentum=0.99)
    assert model.momentum == pytest.approx(0.99)
    assert model.encoder_k.momentum == pytest.approx(0.01)


def test_bad_input():
    with pytest.raises(ValueError, match='view'):
        build(view='both')
    with pytest.raises(ValueError, match='queue_len'):
        build(queue_len=0)
    with pytest.raises(ValueError, match='pairwise'):
        build(mix_policy=[dict(type='ZetaMixup')])
    with pytest.raises(ValueError, match='classifier'):
        build(mix_policy=[dict(type='PuzzleMix')])
    with pytest.raises(ValueError, match='divisible by the global batch'):
        build(queue_len=10).loss(views(), samples())
    with pytest.raises(ValueError, match='two views'):
        build().loss(views()[0], samples())
    with pytest.raises(ValueError, match='OnlineClusteringHook'):
        build(mix_policy=[dict(type='InterIntraMix')]).loss(views(),
                                                             samples())


def test_inter_intra_with_pseudo_labels():
    torch.manual_seed(0)
    model = build(mix_policy=[dict(type='InterIntraMix')])
    losses = model.loss(views(), samples(labels=[0, 0, 1, 1]))
    assert torch.isfinite(losses['loss_mix'])


def test_inter_intra_mix_numeric():
    x = torch.rand(4, 1, 4, 4)
    scores = torch.eye(2)[[0, 0, 1, 1]]
    index = torch.tensor([1, 2, 3, 0])  # same, inter, same, inter
    out = InterIntraMix().mix(x.clone(), scores, index=index,
                              inter=dict(box=(0, 2, 0, 4)),
                              intra=dict(lam=0.8))
    same = torch.tensor([True, False, True, False])
    assert out.extras['same_cluster'].tolist() == same.tolist()
    for i in (0, 2):
        assert torch.allclose(out.inputs[i], 0.8 * x[i] + 0.2 * x[index[i]])
    for i in (1, 3):
        assert torch.equal(out.inputs[i, :, :2], x[index[i], :, :2])
        assert torch.equal(out.inputs[i, :, 2:], x[i, :, 2:])
    assert torch.allclose(out.lam, torch.tensor([0.8, 0.5, 0.8, 0.5]))
    assert torch.allclose(out.target.sum(1), torch.ones(4))
    assert torch.allclose(out.mask.mean(dim=(1, 2, 3)), out.lam)
    with pytest.raises(ValueError, match='model-free input mixup'):
        InterIntraMix(inter=dict(type='ManifoldMix'))
