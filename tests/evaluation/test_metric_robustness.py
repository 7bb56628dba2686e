"""FGSM / PGD in normalised input space, against hand-computed steps on a
linear classifier (whose loss-gradient sign is known in closed form)."""
import pytest
import torch
from mmpretrain.models import ClsDataPreprocessor
from mmpretrain.structures import DataSample
from torch import nn

from mixtoolbox.evaluation import fgsm, input_bounds, pgd, robust_error
from mixtoolbox.registry import MODELS

MEAN, STD = [100.0, 0.0], [50.0, 25.5]


class Linear(nn.Module):
    """logit_0 = x̂_0 − x̂_1, logit_1 = 0 on a 2-channel 1×1 image. For label
    0 the loss gradient has the sign of −(1, −1); for label 1 of (1, −1)."""

    def __init__(self):
        super().__init__()
        self.data_preprocessor = ClsDataPreprocessor(mean=MEAN, std=STD)

    def forward(self, x, mode='tensor'):
        margin = x[:, 0, 0, 0] - x[:, 1, 0, 0]
        return torch.stack([margin, torch.zeros_like(margin)], dim=1)


def norm(pixels):  # [C] raw pixels -> [1, C, 1, 1] normalised
    p = torch.tensor(pixels).reshape(1, 2, 1, 1)
    return (p - torch.tensor(MEAN).reshape(1, 2, 1, 1)) / torch.tensor(
        STD).reshape(1, 2, 1, 1)


def test_bounds_follow_the_preprocessor():
    scale, lower, upper = input_bounds(Linear(), norm([0.0, 0.0]))
    assert torch.allclose(scale.flatten(), torch.tensor([255 / 50, 10.0]))
    assert torch.allclose(lower.flatten(), torch.tensor([-2.0, 0.0]))
    assert torch.allclose(upper.flatten(), torch.tensor([3.1, 10.0]))


def test_fgsm_by_hand():
    x = norm([110.0, 51.0])  # x̂ = (0.2, 2.0)
    # label 0: step ε·255/σ against (1, −1): ε = 8/255 -> (−8/50, +8/25.5)
    adv = fgsm(Linear(), x, torch.tensor([0]))
    assert torch.allclose(adv.flatten(),
                          torch.tensor([0.2 - 0.16, 2.0 + 8 / 25.5]))
    # in pixel space the perturbation is exactly 8 grey levels per channel
    pix = adv.flatten() * torch.tensor(STD) + torch.tensor(MEAN)
    assert torch.allclose(pix, torch.tensor([102.0, 59.0]), atol=1e-4)
    # label 1 pushes channel 0 up past 255 -> clipped to (255−100)/50
    adv = fgsm(Linear(), norm([250.0, 51.0]), torch.tensor([1]))
    assert torch.allclose(adv.flatten(), torch.tensor([3.1, 2.0 - 8 / 25.5]))
    assert torch.equal(fgsm(Linear(), x, torch.tensor([0]), eps=0.0), x)


def test_pgd_by_hand():
    x, y = norm([110.0, 51.0]), torch.tensor([0])
    step = torch.tensor([-2 / 50, 2 / 25.5])  # α = 2/255 in each channel
    one = pgd(Linear(), x, y, steps=1, random_start=False)
    assert torch.allclose(one.flatten(), x.flatten() + step)
    # two steps reach the ε = 4/255 ball's corner; a third is projected back
    three = pgd(Linear(), x, y, steps=3, random_start=False)
    assert torch.allclose(three.flatten(), x.flatten() + 2 * step)
    # injected start u = (0.5, −1): x + ε·u, then one step α
    init = torch.tensor([0.5, -1.0]).reshape(1, 2, 1, 1)
    adv = pgd(Linear(), x, y, steps=1, init=init)
    radius = torch.tensor([4 / 50, 4 / 25.5])
    assert torch.allclose(adv.flatten(),
                          x.flatten() + init.flatten() * radius + step)


def test_pgd_random_start_uses_generator():
    x = norm([110.0, 51.0]).repeat(3, 1, 4, 4)
    y = torch.zeros(3, dtype=torch.long)
    def seeded():
        return torch.Generator().manual_seed(1)

    a = pgd(Linear(), x, y, steps=1, generator=seeded())
    b = pgd(Linear(), x, y, steps=1, generator=seeded())
    assert torch.equal(a, b)
    assert not torch.equal(a, pgd(Linear(), x, y, steps=1,
                                  random_start=False))


def test_robust_error_over_a_loader():
    # margins x̂_0 − x̂_1: A 0.1 (y=0), B 2.5 (y=0), C −1.8 (y=1), D 0.1 (y=1)
    # clean: D wrong -> 25 %; FGSM moves each margin by 0.16 + 8/25.5 toward
    # the wrong class: A flips, B and C hold, D stays wrong -> 50 %
    pix = [[110.0, 2.55], [250.0, 12.75], [110.0, 51.0], [125.0, 10.2]]
    batch = dict(inputs=[torch.tensor(p).reshape(2, 1, 1) for p in pix],
                 data_samples=[DataSample().set_gt_label(y)
                               for y in (0, 0, 1, 1)])
    out = robust_error(Linear(), [batch], 'fgsm')
    assert out == dict(clean_error=25.0, fgsm_error=50.0, num_samples=4)
    with pytest.raises(ValueError, match='`attack` must be one of'):
        robust_error(Linear(), [batch], 'cw')


@pytest.mark.parametrize('fails', [False, True])
def test_robust_error_restores_train_mode(fails):
    model = Linear()
    model.extra = nn.Sequential(nn.BatchNorm1d(1), nn.Dropout())
    model.train()
    model.extra[1].eval()  # a mixed state must come back as it was
    before = [m.training for m in model.modules()]
    seen = []

    def loader():
        seen.append([m.training for m in model.modules()])
        if fails:
            raise RuntimeError('broken loader')
        yield dict(inputs=[torch.tensor([110.0, 2.55]).reshape(2, 1, 1)],
                   data_samples=[DataSample().set_gt_label(0)])

    if fails:
        with pytest.raises(RuntimeError, match='broken loader'):
            robust_error(model, loader())
    else:
        robust_error(model, loader())
    assert seen == [[False] * len(before)]  # attacked in eval mode
    assert [m.training for m in model.modules()] == before


def test_real_classifier_under_bf16_autocast():
    model = MODELS.build(dict(
        type='MixupClassifier',
        backbone=dict(type='PreActResNet', depth=18, base_channels=4),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='LinearClsHead', num_classes=3, in_channels=32),
        data_preprocessor=dict(type='ClsDataPreprocessor', mean=[120.] * 3,
                               std=[60.] * 3))).eval()
    x = (torch.rand(2, 3, 8, 8) * 255 - 120) / 60
    y = torch.tensor([0, 2])
    scale, lower, upper = input_bounds(model, x)
    with torch.autocast('cpu', dtype=torch.bfloat16):
        adv = pgd(model, x, y, steps=2)
    assert adv.dtype == x.dtype
    assert ((adv - x).abs() <= 4 / 255 * scale + 1e-6).all()
    assert ((adv >= lower - 1e-6) & (adv <= upper + 1e-6)).all()
    loss = nn.functional.cross_entropy
    with torch.no_grad():
        adv = fgsm(model, x, y)
        assert loss(model(adv, mode='tensor'), y) > loss(
            model(x, mode='tensor'), y)


def test_bad_arguments():
    x, y = norm([110.0, 51.0]), torch.tensor([0])
    with pytest.raises(ValueError, match='`eps`'):
        fgsm(Linear(), x, y, eps=-0.1)
    with pytest.raises(TypeError, match='`eps`'):
        fgsm(Linear(), x, y, eps='8/255')
    with pytest.raises(ValueError, match='`step_size`'):
        pgd(Linear(), x, y, step_size=0)
    with pytest.raises(TypeError, match='`steps`'):
        pgd(Linear(), x, y, steps=2.0)
    with pytest.raises(ValueError, match='`steps`'):
        pgd(Linear(), x, y, steps=0)
    with pytest.raises(ValueError, match='`init`'):
        pgd(Linear(), x, y, init=torch.full_like(x, 2.0))
    with pytest.raises(ValueError, match='pixel_range'):
        fgsm(Linear(), x, y, pixel_range=(1.0, 0.0))
