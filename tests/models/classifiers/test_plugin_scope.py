"""mixtoolbox as a plugin of mmpretrain: models named ``mixtoolbox.X`` from
mmpretrain's default scope build their unprefixed parts in mixtoolbox's
registries; mmpretrain's own ``tools/train.py`` trains such a config."""
import os
import os.path as osp
import subprocess
import sys

import mmpretrain
import pytest
import torch
from mmengine.registry import DefaultScope
from mmpretrain.registry import MODELS as MMPRE_MODELS

import mixtoolbox.models  # noqa: F401 (registers, as custom_imports does)
from mixtoolbox.models.feature_mixups import MultiMix
from mixtoolbox.models.mixups import ResizeMix
from mixtoolbox.models.utils import build_mixup
from tests import standin_data
from tests.models.selfsup.helpers import BASE as MOCO

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.dirname(
    osp.abspath(__file__)))))
HEAD = dict(type='LinearClsHead', num_classes=4, in_channels=32,
            loss=dict(type='CrossEntropyLoss', use_soft=True))
BACKBONE = dict(type='PreActResNet', depth=18, base_channels=4)


@pytest.fixture
def mmpretrain_scope():
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        yield


def test_mixup_classifier_builds_its_policy_in_its_own_scope(
        mmpretrain_scope):
    model = MMPRE_MODELS.build(dict(
        type='mixtoolbox.MixupClassifier', backbone=BACKBONE,
        neck=dict(type='GlobalAveragePooling'), head=HEAD,
        mix_policy=[dict(type='MultiMix', prob=0.5),
                    dict(type='mmpretrain.Mixup', alpha=1.0, prob=0.25),
                    dict(type='MultiInterp', mixup=dict(type='CutMix'),
                         k=2, prob=0.25)],
        modifiers=[dict(type='DenseLoss')]))
    assert isinstance(model.policy.mixups[0], MultiMix)
    assert type(model.policy.mixups[1]).__module__.startswith('mmpretrain')
    # the caller's scope is back once the model is built
    assert DefaultScope.get_current_instance().scope_name == 'mmpretrain'


def test_automix_and_selfsup_models_build_in_their_own_scope(
        mmpretrain_scope):
    automix = MMPRE_MODELS.build(dict(
        type='mixtoolbox.AutoMixClassifier', backbone=BACKBONE,
        neck=dict(type='GlobalAveragePooling'), head=HEAD,
        mixer=dict(type='SAMixMixer', in_channels=16)))
    assert type(automix.mixer).__name__ == 'SAMixMixer'
    moco = MOCO
    mix_moco = MMPRE_MODELS.build(dict(
        moco, type='mixtoolbox.MixMoCo',
        mix_policy=[dict(type='InterIntraMix')]))
    assert type(mix_moco.policy.mixups[0]).__name__ == 'InterIntraMix'
    samix = MMPRE_MODELS.build(dict(
        moco, type='mixtoolbox.SAMixMoCo',
        mixer=dict(type='SAMixMixer', in_channels=16)))
    assert type(samix.mixer_loss).__name__ == 'EtaBalancedLoss'


def test_unknown_mixup_error_never_lists_the_rejected_name(
        mmpretrain_scope):
    with pytest.raises(ValueError) as err:
        build_mixup(dict(type='MultiMixx'))
    listed = str(err.value).split('registered mixups: ')[1].split(', ')
    assert 'MultiMixx' not in listed and 'MultiMix' in listed
    assert isinstance(build_mixup(dict(type='MultiMix')), MultiMix)
    assert isinstance(build_mixup(dict(type='mixtoolbox.MultiMix')),
                      MultiMix)


def test_resizemix_refuses_mmpretrain_arguments_naming_the_paper_ones():
    for args in (dict(alpha=1.0), dict(lam_min=0.1, lam_max=0.8)):
        with pytest.raises(ValueError, match=r'scope=\(low, high\)') as err:
            ResizeMix(**args)
        assert all(k in str(err.value) for k in args)
    with pytest.raises(TypeError, match='allowed: scope'):
        ResizeMix(bogus=1)


CONFIG = '''
_base_ = 'mmpretrain::resnet/resnet18_8xb16_cifar10.py'
custom_imports = dict(imports=['mixtoolbox.models'],
                      allow_failed_imports=False)
model = dict(
    type='mixtoolbox.MixupClassifier',
    backbone=dict(in_channels=1),
    head=dict(loss=dict(type='CrossEntropyLoss', use_soft=True)),
    mix_policy=[dict(type='MultiMix', prob=0.5),
                dict(type='Mixup', alpha=1.0, prob=0.5)])
data_preprocessor = dict(num_classes=10, mean=[72.94], std=[90.02],
                         to_rgb=False)
train_dataloader = dict(
    batch_size=4, num_workers=0, persistent_workers=False,
    dataset=dict(_delete_=True, type='FashionMNIST', data_root={root!r},
                 split='train', download=False,
                 pipeline=[dict(type='PackInputs')]))
train_cfg = dict(_delete_=True, type='IterBasedTrainLoop', max_iters=2)
param_scheduler = []
val_dataloader = val_cfg = val_evaluator = None
test_dataloader = test_cfg = test_evaluator = None
default_hooks = dict(logger=dict(interval=1),
                     checkpoint=dict(by_epoch=False, interval=2))
'''


def test_mmpretrain_train_tool_trains_a_mixtoolbox_classifier(tmp_path):
    """mmpretrain's own tools/train.py (shipped in the package under .mim)
    on a config inheriting its CIFAR-10 ResNet-18 config, with Fashion-MNIST
    stand-in data and an unprefixed MultiMix policy, for 2 iterations."""
    tool = osp.join(osp.dirname(mmpretrain.__file__), '.mim', 'tools',
                    'train.py')
    assert osp.isfile(tool), tool
    root = standin_data.make_fashion_mnist_standin(str(tmp_path / 'fmnist'),
                                                   num=8)
    cfg = tmp_path / 'mixtoolbox_in_mmpretrain.py'
    cfg.write_text(CONFIG.format(root=root))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [ROOT] + [p for p in [os.environ.get('PYTHONPATH')] if p]))
    out = subprocess.run(
        [sys.executable, tool, str(cfg), '--work-dir',
         str(tmp_path / 'work')], cwd=str(tmp_path), env=env,
        capture_output=True, text=True, timeout=600)
    log = out.stdout + out.stderr
    assert out.returncode == 0, log[-3000:]
    assert '[2/2]' in log and 'loss:' in log, log[-3000:]
    assert osp.isfile(tmp_path / 'work' / 'iter_2.pth')
    ckpt = torch.load(tmp_path / 'work' / 'iter_2.pth', map_location='cpu',
                      weights_only=False)
    assert ckpt['meta']['iter'] == 2
