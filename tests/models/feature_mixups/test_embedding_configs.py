"""The MultiMix / ManifoldMix / AlignMix configs build, their ablation knobs
are reachable from --cfg-options, and the two-view pipeline feeds the
self-distillation modifier."""
import glob
import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import Compose, pseudo_collate

from mixtoolbox.models.feature_mixups import DenseMultiMix, MultiMix
from mixtoolbox.registry import MODELS

ROOT = osp.join(osp.dirname(__file__), '..', '..', '..', 'configs')
CONFIGS = sorted(
    p for d in ('multimix', 'manifoldmix', 'alignmix')
    for p in glob.glob(osp.join(ROOT, d, '*.py')))


def model_cfg(cfg):
    model = cfg.model.copy()
    model.setdefault('data_preprocessor', cfg.get('data_preprocessor'))
    return model


def test_paper_grid_is_complete():
    names = {osp.basename(p)[:-3] for p in CONFIGS}
    for setting in ('preactresnet18_1xb128-2000e_cifar10',
                    'preactresnet18_1xb128-2000e_cifar100',
                    'wrn16-8_1xb128-2000e_cifar10',
                    'wrn16-8_1xb128-2000e_cifar100',
                    'preactresnet18_1xb128-1200e_tiny-imagenet',
                    'resnet50_8xb128-300e_in1k',
                    'vit-small-p16_8xb128-300e_in1k'):
        for variant in ('', '-distil', '-dense', '-dense-distil'):
            assert f'multimix{variant}_{setting}' in names


@pytest.mark.parametrize('path', [p for p in CONFIGS if '_in1k' not in p],
                         ids=osp.basename)
def test_config_policy_and_modifiers(path):
    cfg = Config.fromfile(path)
    policy = cfg.model.mix_policy
    assert sum(m.get('prob', 1.0) for m in policy) == pytest.approx(1.0)
    distil = '-distil_' in osp.basename(path)
    assert any(m['type'] == 'SelfDistill'
               for m in cfg.model.get('modifiers', [])) == distil
    if distil:
        assert cfg.data_preprocessor.type == 'MultiViewDataPreprocessor'
        assert any(t['type'] == 'MultiView'
                   for t in cfg.train_dataloader.dataset.pipeline)


def test_imagenet_configs_build():
    for path in [p for p in CONFIGS if '_in1k' in p and 'distil' in p]:
        model = MODELS.build(model_cfg(Config.fromfile(path)))
        assert len(model.modifiers) == 1
        if 'dense' in path:
            assert isinstance(model.policy.mixups[0], DenseMultiMix)


def test_ablation_knobs_reach_the_mixup():
    cfg = Config.fromfile(osp.join(
        ROOT, 'multimix',
        'multimix-dense_preactresnet18_1xb128-2000e_cifar100.py'))
    cfg.merge_from_dict({'model.mix_policy.0.n': 64,
                         'model.mix_policy.0.alpha': 1.0,
                         'model.mix_policy.0.attention': 'cam',
                         'model.mix_policy.0.nonlinearity': 'softmax',
                         'model.mix_policy.0.resolution': 2,
                         'model.backbone.last_stride': 1})
    model = MODELS.build(model_cfg(cfg))
    mixup = model.policy.mixups[0]
    assert (mixup.n, mixup.alpha, mixup.attention, mixup.nonlinearity,
            mixup.resolution) == (64, (1.0, 1.0), 'cam', 'softmax', 2)
    cfg = Config.fromfile(osp.join(
        ROOT, 'multimix', 'multimix_preactresnet18_1xb128-2000e_cifar100.py'))
    cfg.merge_from_dict({'model.mix_policy.0.layer': 3})
    mixup = MODELS.build(model_cfg(cfg)).policy.mixups[0]
    assert isinstance(mixup, MultiMix) and mixup.layer == 3


def test_fashion_mnist_two_view_pipeline_to_loss():
    cfg = Config.fromfile(osp.join(
        ROOT, 'multimix',
        'multimix-dense-distil_preactresnet18-w8_1xb128-3e_fashion-mnist.py'))
    pipeline = Compose(cfg.train_dataloader.dataset.pipeline)
    rng = np.random.default_rng(0)
    items = [pipeline(dict(img=rng.integers(0, 255, (28, 28),
                                            dtype=np.uint8),
                           gt_label=i % 10)) for i in range(4)]
    assert len(items[0]['inputs']) == 2
    model = MODELS.build(model_cfg(cfg)).train()
    data = model.data_preprocessor(pseudo_collate(items), training=True)
    assert len(data['inputs']) == 2
    assert data['inputs'][1].shape == (4, 1, 28, 28)
    model.policy.probs = [1.0, 0.0]            # force Dense MultiMix
    losses = model.loss(**data)
    assert set(losses) == {'loss', 'loss_distill'}
    sum(losses.values()).backward()
    assert torch.isfinite(model.backbone.stem.weight.grad).all()
