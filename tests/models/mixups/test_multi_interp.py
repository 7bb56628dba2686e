import copy
import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.config import Config

from mixtoolbox.models.classifiers import MixPolicy
from mixtoolbox.models.mixups import (
    CutMix,
    FMix,
    Mixup,
    MultiInterp,
    SaliencyMix,
)
from mixtoolbox.registry import MODELS

CONFIGS = osp.join(osp.dirname(__file__), '../../../configs/multi_interp')


def test_lams_sorted_from_one_beta():
    multi = MultiInterp(dict(type='Mixup', alpha=0.4), k=5)
    np.random.seed(3)
    lams = multi.sample_lams()
    np.random.seed(3)
    draws = np.random.beta(0.4, 0.4, 5)
    assert lams == sorted(draws.tolist(), reverse=True)
    assert MultiInterp(dict(type='Mixup'), alpha=2.0).alpha == 2.0


def test_mixup_k_interpolations_share_the_partner():
    torch.manual_seed(0)
    x, y = torch.rand(4, 3, 5, 5), torch.eye(4)
    multi = MultiInterp(dict(type='Mixup'), k=3)
    params = multi.sample_params(x)
    out = multi.mix(x, y, **params)
    assert out.inputs.shape == (12, 3, 5, 5) and out.target.shape == (12, 4)
    index = params['parts'][0]['index']
    for k, part in enumerate(params['parts']):
        lam = part['lam']
        assert torch.equal(part['index'], index)
        block = slice(4 * k, 4 * k + 4)
        assert torch.allclose(out.inputs[block],
                              lam * x + (1 - lam) * x[index])
        assert torch.allclose(out.target[block],
                              lam * y + (1 - lam) * y[index])
    assert torch.equal(out.index, index.repeat(3))
    lams = out.lam.view(3, 4)[:, 0]
    assert (lams[:-1] >= lams[1:]).all()  # x ≻ x̃¹ ≻ … ≻ x̃ᴷ ≻ x'


def test_cutmix_boxes_share_centre_and_nest():
    np.random.seed(0)
    torch.manual_seed(0)
    x, y = torch.rand(4, 3, 16, 16), torch.eye(4)
    x0 = x.clone()
    multi = MultiInterp(dict(type='CutMix', inplace=True), k=5)
    params = multi.sample_params(x)
    out = multi.mix(x, y, **params)
    assert torch.equal(x, x0)  # in-place pasting must not leak
    masks = out.mask.view(5, 4, 1, 16, 16)[:, 0, 0]
    assert ((masks[:-1] - masks[1:]) >= 0).all()  # nested boxes
    # dense targets line up with the K blocks when scores are repeated K times
    dense = out.dense_target(y.repeat(5, 1), (16, 16))
    assert torch.allclose(dense.mean(dim=(2, 3)), out.target, atol=1e-6)
    centres = {((b[0] + b[1]) // 2, (b[2] + b[3]) // 2)
               for p in params['parts'] for b in [p['box']]
               if b[1] - b[0] >= 2 and b[0] > 0 and b[1] < 16
               and b[2] > 0 and b[3] < 16}
    assert len(centres) <= 1
    for k, part in enumerate(params['parts']):
        ref = CutMix(inplace=False).mix(x0, y, **part)
        assert torch.equal(out.inputs[4 * k:4 * k + 4], ref.inputs)
        assert torch.allclose(out.target[4 * k:4 * k + 4], ref.target)


def test_cutmix_shared_centre_exact():
    """multi-mix (arXiv:2406.01417) §III-A2: one centre uniform over the image,
    box k with sides √(1 − λ_k)·(H, W) (λ_k = share of x_i here), clipped as in
    CutMix."""
    x = torch.rand(2, 1, 12, 10)
    multi = MultiInterp(dict(type='CutMix'), k=4)
    np.random.seed(7)
    parts = multi.sample_params(x)['parts']
    np.random.seed(7)
    lams = sorted(np.random.beta(1.0, 1.0, 4), reverse=True)
    cy, cx = np.random.randint(12), np.random.randint(10)
    for p, lam in zip(parts, lams):
        hh = int(12 * np.sqrt(1 - lam)) // 2
        hw = int(10 * np.sqrt(1 - lam)) // 2
        assert p['box'] == (max(cy - hh, 0), min(cy + hh, 12),
                            max(cx - hw, 0), min(cx + hw, 10))


@pytest.mark.parametrize('cfg', [dict(type='FMix'), dict(type='SaliencyMix')])
def test_fmix_and_saliencymix_interpolations_are_nested(cfg):
    torch.manual_seed(0)
    np.random.seed(0)
    x, y = torch.rand(4, 3, 16, 16), torch.eye(4)
    out = MultiInterp(cfg, k=4).mix(x, y, **MultiInterp(cfg, k=4)
                                    .sample_params(x))
    masks = out.mask.view(4, 4, 16, 16)
    assert ((masks[:-1] - masks[1:]) >= 0).all()
    assert torch.allclose(out.target.sum(1), torch.ones(16))


def test_k_one_is_the_wrapped_mixup():
    x, y = torch.rand(3, 2, 4, 4), torch.eye(3)
    multi = MultiInterp(dict(type='FMix'), k=1)
    params = multi.sample_params(x)
    out = multi.mix(x, y, **params)
    ref = FMix().mix(x, y, **params['parts'][0])
    assert torch.equal(out.inputs, ref.inputs)
    assert torch.equal(out.target, ref.target)


def tiny_classifier(policy):
    return MODELS.build(dict(
        type='MixupClassifier',
        backbone=dict(type='PreActResNet', depth=18, base_channels=4),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='LinearClsHead', num_classes=4, in_channels=32,
                  loss=dict(type='CrossEntropyLoss', use_soft=True)),
        mix_policy=policy))


def test_loss_is_mean_over_k_times_n_samples():
    """multi-mix (arXiv:2406.01417) eq. (7): every one of the K·B mixed
    samples weighs 1/(KB)."""
    torch.manual_seed(0)
    model = tiny_classifier([dict(type='MultiInterp',
                                  mixup=dict(type='CutMix'), k=3)])
    multi = model.policy.mixups[0]
    x, y = torch.rand(4, 3, 8, 8), torch.eye(4)
    logits, batch = multi.forward_train(model, x, y)
    assert logits.shape == (12, 4)
    loss = multi.loss(model, logits, batch)
    manual = -(batch.target * logits.log_softmax(1)).sum(1).mean()
    assert loss.item() == pytest.approx(manual.item(), rel=1e-5)
    loss.backward()


def test_feature_space_mixups_run_once_per_lambda():
    calls = []

    class FeatureMixup(Mixup):
        """Stands in for an embedding-space mixup (manifold mixup): it
        declares the hook, MultiInterp drives its forward_train per λ."""
        space = 'feature'

        def interp_params(self, inputs, lams):
            index = self.sample_index(inputs)
            return [dict(lam=lam, index=index) for lam in lams]

        def forward_train(self, model, inputs, scores, params=None):
            calls.append(params['lam'])
            return super().forward_train(model, inputs, scores, params)

    model = tiny_classifier([])
    multi = MultiInterp(FeatureMixup(), k=3)
    logits, batch = multi.forward_train(model, torch.rand(2, 3, 8, 8),
                                        torch.eye(4)[:2])
    assert len(calls) == 3 and calls == sorted(calls, reverse=True)
    assert logits.shape == (6, 4) and batch.target.shape == (6, 4)
    assert batch.extras['num_interp'] == 3


def test_config_k_ablation_and_deepcopy():
    cfg = Config.fromfile(osp.join(
        CONFIGS, 'multi-interp-cutmix_preactresnet18_1xb100-300e_cifar100.py'))
    cfg.merge_from_dict({'model.mix_policy.0.k': 3})
    policy = MixPolicy(cfg.model.mix_policy)
    assert policy.mixups[0].k == 3
    assert isinstance(policy.mixups[0].mixup, CutMix)
    assert copy.deepcopy(policy.mixups[0]).k == 3


def test_errors():
    with pytest.raises(ValueError, match='`k`'):
        MultiInterp(dict(type='Mixup'), k=0)
    with pytest.raises(ValueError, match='`k`'):
        MultiInterp(dict(type='Mixup'), k=2.0)
    with pytest.raises(ValueError, match='no K-interpolation'):
        MultiInterp(dict(type='ResizeMix'))
    with pytest.raises(ValueError, match='no K-interpolation'):
        MultiInterp(dict(type='ZetaMixup'))
    with pytest.raises(ValueError, match='unknown mixup'):
        MultiInterp(dict(type='NoSuchMix'))
    with pytest.raises(ValueError, match='alpha'):
        MultiInterp(dict(type='Mixup'), alpha=-1)
    with pytest.raises(TypeError, match='K·N'):
        MultiInterp(dict(type='SaliencyMix'))(torch.rand(2, 3, 8, 8),
                                              torch.eye(2))
    assert isinstance(MultiInterp(dict(type='SaliencyMix')).mixup,
                      SaliencyMix)
