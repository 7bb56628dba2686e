import pytest
import torch

from mixtoolbox.models.mixups import ZetaMixup
from mixtoolbox.models.mixups.zeta_mixup import p_series_weights


def test_p_series_weights():
    w = p_series_weights(4, 2.8)
    raw = torch.tensor([1.0, 2 ** -2.8, 3 ** -2.8, 4 ** -2.8])
    assert torch.allclose(w, raw / raw.sum())
    assert (w[:-1] > w[1:]).all()


def test_mix_is_weighted_sum_over_the_batch():
    torch.manual_seed(0)
    x, y = torch.rand(4, 2, 3, 3), torch.softmax(torch.rand(4, 5), 1)
    order = torch.tensor([[0, 2, 1, 3], [1, 0, 3, 2],
                          [2, 3, 0, 1], [3, 1, 2, 0]])
    out = ZetaMixup(gamma=2.0).mix(x, y, order=order)
    w = p_series_weights(4, 2.0)
    for i in range(4):
        xi = sum(w[r] * x[order[i, r]] for r in range(4))
        yi = sum(w[r] * y[order[i, r]] for r in range(4))
        assert torch.allclose(out.inputs[i], xi, atol=1e-6)
        assert torch.allclose(out.target[i], yi, atol=1e-6)
    assert torch.allclose(out.target.sum(1), torch.ones(4))
    assert torch.allclose(out.extras['weights'].diagonal(), w[0].expand(4))


def test_sampled_order_puts_the_largest_weight_on_the_sample_itself():
    torch.manual_seed(0)
    x, y = torch.rand(6, 1, 2, 2), torch.eye(6)
    zeta = ZetaMixup()
    order = zeta.sample_params(x)['order']
    assert torch.equal(order[:, 0], torch.arange(6))
    assert torch.equal(order.sort(1).values, torch.arange(6).expand(6, 6))
    target = zeta.mix(x, y, order=order).target
    assert torch.equal(target.argmax(1), torch.arange(6))
    assert (target.diagonal() > 0.5).all()
    # the others get w_2..w_N in a random order, not always the same one
    orders = {tuple(zeta.sample_params(x)['order'][0].tolist())
              for _ in range(10)}
    assert len(orders) > 1


def test_two_samples_reduce_to_mixup():
    x, y = torch.rand(2, 3, 4, 4), torch.eye(2)
    out = ZetaMixup(gamma=2.8).mix(x, y, order=torch.tensor([[0, 1], [1, 0]]))
    lam = 1 / (1 + 2 ** -2.8)
    assert torch.allclose(out.inputs[0], lam * x[0] + (1 - lam) * x[1],
                          atol=1e-6)
    assert torch.allclose(out.target[0], torch.tensor([lam, 1 - lam]))


def test_autocast_keeps_targets_exact():
    x, y = torch.rand(5, 3, 4, 4), torch.eye(5)
    with torch.autocast('cpu', dtype=torch.bfloat16):
        mixed, target = ZetaMixup()(x, y)
    assert mixed.dtype == torch.float32 and target.dtype == torch.float32
    assert torch.allclose(target.sum(1), torch.ones(5), atol=1e-6)


def test_errors():
    with pytest.raises(ValueError, match='gamma'):
        ZetaMixup(gamma=0)
    # the p-series needs γ > 1
    for gamma in (1, 1.0, 0.5):
        with pytest.raises(ValueError, match='`gamma` must be a number > 1'):
            ZetaMixup(gamma=gamma)
    assert ZetaMixup(gamma=1.01).gamma == 1.01
    with pytest.raises(TypeError, match='gamma'):
        ZetaMixup(gamma=True)
    with pytest.raises(ValueError, match='order'):
        ZetaMixup().mix(torch.rand(3, 1, 2, 2), torch.eye(3),
                        order=torch.zeros(2, 3, dtype=torch.long))
