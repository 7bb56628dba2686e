"""Multi-mix over PuzzleMix and manifold mixup (Shen, Yu, Yang, Kwok,
arXiv:2406.01417, 2024, §III-A1 and §III-A3) on injected randomness."""
import math

import numpy as np
import pytest
import torch

from mixtoolbox.models.mixups import MultiInterp, PuzzleMix, interp_supported
from mixtoolbox.models.mixups.saliency_utils import pixel_scale
from mixtoolbox.registry import MODELS


def tiny_classifier():
    torch.manual_seed(0)
    model = MODELS.build(dict(
        type='MixupClassifier',
        backbone=dict(type='PreActResNet', depth=18, base_channels=4),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='LinearClsHead', num_classes=4, in_channels=32,
                  loss=dict(type='CrossEntropyLoss', use_soft=True))))
    return model.train()


def count_backbone_batches(model):
    """Batch sizes seen by the backbone's first stage, in call order."""
    seen = []
    stem = getattr(model.backbone, model.backbone.res_layers[0])
    stem.register_forward_pre_hook(lambda m, args: seen.append(
        args[0].size(0)))
    return seen


def test_puzzlemix_k_priors_one_saliency_pass_one_forward():
    model = tiny_classifier()
    calls, maps = [], []
    saliency = model.saliency

    def counted(inputs, scores):
        calls.append(inputs.size(0))
        maps.append(saliency(inputs, scores))
        return maps[-1]

    model.saliency = counted
    seen = count_backbone_batches(model)
    multi = MultiInterp(dict(type='PuzzleMix', block_nums=(2, 4)), k=5)
    x, y = torch.rand(3, 3, 16, 16), torch.eye(4)[[0, 1, 2]]
    np.random.seed(1)
    torch.manual_seed(1)
    params = multi.sample_params(x)
    parts = params['parts']
    # injected randomness: K sorted λ from one Beta, then PuzzleMix's draws
    np.random.seed(1)
    lams = sorted(np.random.beta(1.0, 1.0, 5), reverse=True)
    assert [p['lam'] for p in parts] == pytest.approx(lams)
    assert len({p['block_num'] for p in parts}) == 1
    assert all(torch.equal(p['index'], parts[0]['index']) for p in parts)

    logits, batch = multi.forward_train(model, x, y, params=params)
    assert calls == [3]          # one saliency pass for the K masks
    assert seen == [3, 15]       # saliency on N, one forward on K·N
    assert logits.shape == (15, 4) and batch.extras['num_interp'] == 5

    # every mask is the exact optimum of its own prior's λ_k on the one
    # shared saliency map
    sal = maps[0].float()
    scale = pixel_scale(model, x)
    for k, part in enumerate(batch.params['parts']):
        ref = PuzzleMix(block_nums=(2, 4)).solve(
            x, sal, lams[k], parts[0]['index'], parts[0]['block_num'], scale)
        assert torch.equal(part['mask'], ref['mask'])
        assert torch.equal(part['src_own'], ref['src_own'])
        block = slice(3 * k, 3 * k + 3)
        lam_k = batch.mask[block].flatten(1).mean(1)
        assert torch.allclose(batch.lam[block], lam_k)
        assert torch.allclose(batch.target[block],
                              lam_k[:, None] * y + (1 - lam_k[:, None])
                              * y[parts[0]['index']])


def test_puzzlemix_masks_follow_their_priors():
    """With the prior dominating (η large, no smoothness), every block takes
    the mode of Binomial(d, λ_k): mask share = mode/d, ordered like λ_k."""
    mix = PuzzleMix(block_nums=(4, ), eta=1e4, beta=0.0, gamma=0.0,
                    transport=False)
    x, sal = torch.rand(2, 3, 16, 16), torch.rand(2, 16, 16)
    lams = [0.9, 0.6, 0.45, 0.1]
    parts = [dict(lam=lam, index=torch.tensor([1, 0]), block_num=4)
             for lam in lams]
    solved = mix.solve_parts(x, sal, parts, torch.ones(3))
    d = mix.n_labels - 1
    for lam, part in zip(lams, solved):
        mode = max(range(d + 1), key=lambda t: math.comb(d, t) * lam ** t
                   * (1 - lam) ** (d - t))
        assert torch.all(part['mask'] == mode / d)


def test_puzzlemix_multi_loss_is_mean_over_k_times_n():
    """Eq. 7: 1/(KB) Σ_B Σ_k of the per-sample loss (with clean loss: the
    K·N mean plus the clean term once)."""
    model = tiny_classifier()
    multi = MultiInterp(dict(type='PuzzleMix', block_nums=(2, ),
                             clean_lam=1.0), k=3)
    x, y = torch.rand(4, 3, 8, 8), torch.eye(4)
    logits, batch = multi.forward_train(model, x, y)
    loss = multi.loss(model, logits, batch)
    manual = -(batch.target * logits.log_softmax(1)).sum(1).mean()
    assert logits.shape == (12, 4)
    assert loss.item() == pytest.approx(manual.item(), rel=1e-5)
    assert batch.extras['loss_clean'].ndim == 0
    (loss + batch.extras['loss_clean']).backward()


def test_manifoldmix_k_lambdas_at_one_layer_one_forward():
    model = tiny_classifier()
    seen = count_backbone_batches(model)
    hidden = {}
    stage1 = getattr(model.backbone, model.backbone.res_layers[0])
    stage2 = getattr(model.backbone, model.backbone.res_layers[1])
    stage1.register_forward_hook(
        lambda m, a, out: hidden.setdefault('h', out.detach().clone()))
    stage2.register_forward_pre_hook(
        lambda m, args: hidden.setdefault('in', args[0].detach()))
    multi = MultiInterp(dict(type='ManifoldMix', layers=(1, )), k=4)
    x, y = torch.rand(3, 3, 8, 8), torch.eye(4)[[0, 1, 3]]
    np.random.seed(2)
    logits, batch = multi.forward_train(model, x, y)
    np.random.seed(2)
    lams = sorted(np.random.beta(2.0, 2.0, 4), reverse=True)
    parts = batch.params['parts']
    index = parts[0]['index']
    assert seen == [3]  # the stages before the layer run once, on N
    assert [p['lam'] for p in parts] == pytest.approx(lams)
    assert {p['layer'] for p in parts} == {1}
    h = hidden['h']
    expected = torch.cat([lam * h + (1 - lam) * h[index] for lam in lams])
    assert torch.allclose(hidden['in'], expected, atol=1e-6)
    assert torch.allclose(batch.target, torch.cat(
        [lam * y + (1 - lam) * y[index] for lam in lams]))
    assert logits.shape == (12, 4)
    loss = multi.loss(model, logits, batch)
    manual = -(batch.target * logits.log_softmax(1)).sum(1).mean()
    assert loss.item() == pytest.approx(manual.item(), rel=1e-5)


@pytest.mark.parametrize('name', ['CoMixup', 'RMix', 'ResizeMix'])
def test_unsupported_methods_are_refused_naming_the_supported(name):
    with pytest.raises(ValueError) as err:
        MultiInterp(dict(type=name))
    msg = str(err.value)
    assert f'`mixup` {name} has no K-interpolation reading' in msg
    supported = msg.split('supported: ')[1].split(', ')
    assert supported == interp_supported()
    assert name not in supported


def test_supported_methods_declare_the_hook():
    assert {'Mixup', 'CutMix', 'FMix', 'SaliencyMix', 'PuzzleMix',
            'ManifoldMix'} <= set(interp_supported())
    assert not {'CoMixup', 'RMix', 'MultiInterp'} & set(interp_supported())
