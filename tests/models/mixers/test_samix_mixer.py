"""SAMix / AutoMix Mixer: eq. (9) of SAMix (arXiv:2111.15454v1), γ, mask loss,
λ adjusting."""
import math

import pytest
import torch
import torch.nn.functional as F

from mixtoolbox.models.mixers import SAMixMixer, adjust_mask
from mixtoolbox.registry import MODELS

INDEX = torch.tensor([1, 2, 3, 0])


def feats(seed=0, c=8, h=4, w=4):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(4, c, h, w, generator=g)


def conv1x1(x, conv):
    return torch.einsum('oc,nchw->nohw', conv.weight[:, :, 0, 0], x) + \
        conv.bias[None, :, None, None]


@pytest.mark.parametrize('cfg', [
    dict(),  # SAMix
    dict(attention='cross', lam_encoding='concat', content='linear',
         upsample='nearest'),  # AutoMix
])
def test_mask_shape_and_range(cfg):
    mixer = MODELS.build(dict(type='SAMixMixer', in_channels=8, **cfg))
    s = mixer(feats(), 0.3, INDEX, size=(16, 16))
    assert s.shape == (4, 1, 16, 16)
    assert s.dtype == torch.float32
    assert bool(((s >= 0) & (s <= 1)).all())
    assert s.std() > 0  # not a constant mask


def test_eq9_against_hand_computation():
    """s_i = σ(softmax((W_P z̃)ᵀ W_P z̃ / √d) ⊗ C(z_{i,λ})), z̃ = concat."""
    mixer = SAMixMixer(in_channels=8, content='linear').eval()
    with torch.no_grad():
        mixer.gamma.fill_(0.5)
    f, lam = feats(), 0.3
    z_i = (1 + 0.5 * lam) * f
    z_j = (1 + 0.5 * (1 - lam)) * f[INDEX]
    with torch.no_grad():
        q = conv1x1(torch.cat([z_i, z_j], 1), mixer.proj).flatten(2)  # N,d,hw
        attn = torch.softmax(q.transpose(1, 2) @ q / math.sqrt(4), dim=-1)
        content = conv1x1(z_i, mixer.content).flatten(2).transpose(1, 2)
        expected = torch.sigmoid(attn @ content).view(4, 1, 4, 4)
        got = mixer(f, lam, INDEX, size=(4, 4))
    torch.testing.assert_close(got, expected)


def test_upsampling_modes():
    mixer = SAMixMixer(in_channels=8, upsample='nearest').eval()
    small = mixer(feats(), 0.5, INDEX, size=(4, 4))
    big = mixer(feats(), 0.5, INDEX, size=(8, 8))
    torch.testing.assert_close(big[..., ::2, ::2], small)
    mixer.upsample = 'bilinear'
    smooth = mixer(feats(), 0.5, INDEX, size=(8, 8))
    torch.testing.assert_close(
        smooth, F.interpolate(small, size=(8, 8), mode='bilinear',
                              align_corners=False))


def test_gamma_learnable_init_zero_projected_to_unit_interval():
    mixer = SAMixMixer(in_channels=8, learnable_gamma=True).eval()
    assert 'gamma' in dict(mixer.named_parameters())
    assert mixer.gamma.item() == 0.0
    # γ = 0: the λ encoding is the identity, the mask ignores λ
    torch.testing.assert_close(mixer(feats(), 0.1, INDEX, (4, 4)),
                               mixer(feats(), 0.9, INDEX, (4, 4)))
    for raw, projected in ((1.7, 1.0), (-0.3, 0.0), (0.4, 0.4)):
        with torch.no_grad():
            mixer.gamma.fill_(raw)
        mixer(feats(), 0.3, INDEX, (4, 4))
        assert mixer.gamma.item() == pytest.approx(projected)
    mixer(feats(), 0.3, INDEX, (4, 4)).sum().backward()
    assert mixer.gamma.grad is not None and mixer.gamma.grad.abs() > 0
    # once γ > 0, λ changes the mask
    assert not torch.allclose(mixer(feats(), 0.1, INDEX, (4, 4)),
                              mixer(feats(), 0.9, INDEX, (4, 4)))


def test_fixed_gamma_is_one():
    mixer = SAMixMixer(in_channels=8).eval()  # the default
    assert 'gamma' not in dict(mixer.named_parameters())
    assert mixer.gamma.item() == 1.0
    z_i, z_j = mixer.encode(feats(), torch.tensor(0.25).view(1, 1, 1, 1),
                            INDEX)
    torch.testing.assert_close(z_i, 1.25 * feats())
    torch.testing.assert_close(z_j, 1.75 * feats()[INDEX])


def test_concat_encoding_appends_lambda_channel():
    mixer = SAMixMixer(in_channels=8, lam_encoding='concat')
    z_i, z_j = mixer.encode(feats(), torch.tensor(0.25).view(1, 1, 1, 1),
                            INDEX)
    assert z_i.shape == (4, 9, 4, 4)
    assert bool((z_i[:, -1] == 0.25).all())
    assert bool((z_j[:, -1] == 0.75).all())
    torch.testing.assert_close(z_j[:, :-1], feats()[INDEX])


def test_per_sample_lambda_and_bf16_autocast():
    mixer = SAMixMixer(in_channels=8)
    lam = torch.tensor([0.1, 0.4, 0.6, 0.9])
    with torch.autocast('cpu', dtype=torch.bfloat16):
        s = mixer(feats(), lam, INDEX, (16, 16))
        loss = mixer.mask_loss(s, lam)
    assert torch.isfinite(s).all() and bool(((s >= 0) & (s <= 1)).all())
    assert torch.isfinite(loss)


def test_mask_loss_hand_computed_on_2x2_mask():
    mask = torch.tensor([[[[1.0, 0.0], [0.5, 0.5]]]])  # μ = 0.5
    # ℓ_mean = max(|0.8 − 0.5| − 0.1, 0) = 0.2; ℓ_var = (0.25+0.25+0+0)/4
    default = SAMixMixer(in_channels=4)  # β = 0.1, ε = 0.1, w_var = −1
    assert default.mask_loss(mask, 0.8).item() == pytest.approx(
        0.1 * (0.2 - 0.125))
    literal = SAMixMixer(in_channels=4, var_weight=1.0)
    assert literal.mask_loss(mask, 0.8).item() == pytest.approx(
        0.1 * (0.2 + 0.125))
    # inside the margin only the variance term is left
    assert literal.mask_loss(mask, 0.55).item() == pytest.approx(0.0125)
    literal.mask_loss_weight = 0.0  # the annealed end point
    assert literal.mask_loss(mask, 0.8).item() == 0.0


def test_lambda_adjusting_uses_the_batch_lambda():
    g = torch.Generator().manual_seed(0)
    mask = torch.rand(2, 1, 6, 6, generator=g)
    mask[1] *= 0.4  # means ≈ 0.5 and ≈ 0.2
    for lam in (0.3, 0.7, torch.tensor([0.25, 0.6])):
        out = adjust_mask(mask, lam)
        want = torch.as_tensor(lam).expand(2)
        torch.testing.assert_close(out.mean(dim=(1, 2, 3)), want.float())
        assert bool(((out >= 0) & (out <= 1)).all())
    exact = torch.full((1, 1, 2, 2), 0.25)
    exact[0, 0, 0, 0] = 0.55  # mean 0.325
    torch.testing.assert_close(adjust_mask(exact, 0.325), exact)


@pytest.mark.parametrize('kwargs, err', [
    (dict(in_channels=0), ValueError),
    (dict(in_channels=8.0), ValueError),
    (dict(in_channels=8, reduction=0), ValueError),
    (dict(in_channels=8, attention='self'), ValueError),
    (dict(in_channels=8, lam_encoding='mul'), ValueError),
    (dict(in_channels=8, lam_position='output'), ValueError),
    (dict(in_channels=8, content='mlp'), ValueError),
    (dict(in_channels=8, upsample='bicubic'), ValueError),
    (dict(in_channels=8, dropout=1.0), ValueError),
    (dict(in_channels=8, dropout='0.1'), TypeError),
    (dict(in_channels=8, mask_loss_weight=-0.1), ValueError),
    (dict(in_channels=8, mask_margin=-1), ValueError),
])
def test_bad_config(kwargs, err):
    with pytest.raises(err, match='SAMixMixer'):
        SAMixMixer(**kwargs)


def test_bad_inputs():
    mixer = SAMixMixer(in_channels=8)
    with pytest.raises(ValueError, match='feats'):
        mixer(torch.rand(4, 8, 16), 0.5, INDEX, (4, 4))
    with pytest.raises(ValueError, match='lam'):
        mixer(feats(), 1.5, INDEX, (4, 4))
    with pytest.raises(ValueError, match='lam'):
        mixer(feats(), torch.rand(3), INDEX, (4, 4))


def test_batch_norm_cancels_lambda_at_the_input_not_after_norm():
    """Training mode, one λ for the batch: scaling C_NC's input by (1 + γλ)
    is divided out by its BatchNorm; after the BatchNorm it is not."""
    f = feats(c=8)
    for position, cancelled in (('input', True), ('after_norm', False)):
        mixer = SAMixMixer(in_channels=8, lam_position=position,
                           dropout=0.0).train()
        out = []
        for lam in (0.2, 0.8):
            lam = torch.tensor(lam).view(1, 1, 1, 1)
            z_i, _ = mixer.encode(f, lam, INDEX)
            out.append(mixer.content_logits(f, z_i, lam))
        assert torch.allclose(out[0], out[1], atol=1e-4) == cancelled


def test_mean_mask_follows_lambda_after_a_short_fit():
    """The default Mixer fitted on its mask loss alone (batch-shared
    λ ~ Beta(2, 2), as SAMix samples it): the mean mask is monotone in λ and
    within the loss' margin ε of λ."""
    from mixtoolbox.analysis import mixer_lambda as tool
    torch.manual_seed(0)
    mixer = tool.fit(SAMixMixer(in_channels=32), steps=600)
    lams = (0.2, 0.5, 0.8)
    means = tool.mean_masks(mixer, lams)
    assert means[0] < means[1] < means[2]
    for lam, mean in zip(lams, means):
        assert abs(mean - lam) <= mixer.mask_margin, (lam, mean)
