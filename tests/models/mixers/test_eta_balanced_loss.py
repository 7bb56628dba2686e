"""η-balanced mixup loss, SAMix (arXiv:2111.15454v1) eqs. (6), (8)."""
import math

import pytest
import torch
import torch.nn.functional as F

from mixtoolbox.models.losses import EtaBalancedLoss, split_mixup_ce
from mixtoolbox.registry import MODELS


def mixed_targets(n=6, k=5, seed=0):
    g = torch.Generator().manual_seed(seed)
    labels = torch.randint(k, (n, ), generator=g)
    lam = torch.rand(n, 1, generator=g)
    one_hot = F.one_hot(labels, k).float()
    return one_hot * lam + one_hot.roll(1, 0) * (1 - lam), \
        torch.randn(n, k, generator=g)


def test_eta_one_is_mixup_cross_entropy():
    target, logits = mixed_targets()
    loss = MODELS.build(dict(type='EtaBalancedLoss', eta=1.0))
    torch.testing.assert_close(loss(logits, target),
                               F.cross_entropy(logits, target))


def test_local_plus_global_is_ce_and_global_nonnegative():
    target, logits = mixed_targets(seed=1)
    local, global_ = split_mixup_ce(logits, target)
    ce = -(target * logits.log_softmax(1)).sum(1)
    torch.testing.assert_close(local + global_, ce)
    assert bool((global_ >= 0).all())


def test_hand_computed_pbce_and_global_term():
    logits = torch.tensor([[2.0, 1.0, -1.0]])
    target = torch.tensor([[0.7, 0.3, 0.0]])
    e = [math.exp(v) for v in (2.0, 1.0, -1.0)]
    pbce = -(0.7 * math.log(e[0] / (e[0] + e[1])) +
             0.3 * math.log(e[1] / (e[0] + e[1])))
    glob = -math.log((e[0] + e[1]) / sum(e))
    assert EtaBalancedLoss(eta=0.0)(logits, target).item() == \
        pytest.approx(pbce, rel=1e-6)
    assert EtaBalancedLoss(eta=0.5)(logits, target).item() == \
        pytest.approx(pbce + 0.5 * glob, rel=1e-6)
    assert EtaBalancedLoss(eta=0.5, loss_weight=2.0)(
        logits, target, avg_factor=4).item() == \
        pytest.approx(2 * (pbce + 0.5 * glob) / 4, rel=1e-6)


def test_eta_changes_the_gradient():
    target, logits = mixed_targets(seed=2)
    grads = []
    for eta in (0.1, 0.5, 1.0):
        x = logits.clone().requires_grad_(True)
        EtaBalancedLoss(eta=eta)(x, target).backward()
        grads.append(x.grad)
    assert not torch.allclose(grads[0], grads[1])
    assert not torch.allclose(grads[1], grads[2])


def test_bf16_logits():
    target, logits = mixed_targets(seed=3)
    out = EtaBalancedLoss()(logits.bfloat16(), target)
    assert out.dtype == torch.float32 and torch.isfinite(out)


@pytest.mark.parametrize('kwargs, err', [
    (dict(eta=1.5), ValueError), (dict(eta=-0.1), ValueError),
    (dict(eta=True), TypeError), (dict(eta='0.5'), TypeError),
    (dict(loss_weight=-1.0), ValueError),
])
def test_bad_config(kwargs, err):
    with pytest.raises(err, match='EtaBalancedLoss'):
        EtaBalancedLoss(**kwargs)


def test_bad_inputs():
    loss = EtaBalancedLoss()
    with pytest.raises(ValueError, match='same shape'):
        loss(torch.randn(4, 5), torch.rand(4, 6))
    with pytest.raises(TypeError, match='soft'):
        loss(torch.randn(4, 5), torch.ones(4, 5, dtype=torch.long))
