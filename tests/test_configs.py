"""Every config in configs/ builds and takes one real training step and one
validation step on stand-in data laid out as its dataset class expects.

Configs under configs/benchmarks/mmdet/ use mmdet's scope and are covered by
tests/transfer/."""
import copy
import glob
import os
import os.path as osp
import re

import pytest
import torch
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.runner import Runner
from mmpretrain.datasets import CIFAR10, CIFAR100

from mixtoolbox.registry import MODELS

from . import standin_data

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
CONFIGS = sorted(
    p for p in glob.glob(osp.join(ROOT, 'configs', '**', '*.py'),
                         recursive=True)
    if '/_base_/' not in p and '/benchmarks/mmdet/' not in p)


@pytest.fixture(scope='module')
def standin_roots(tmp_path_factory):
    base = tmp_path_factory.mktemp('standin')
    return {
        'CIFAR10': standin_data.make_cifar(str(base / 'c10'), CIFAR10),
        'CIFAR100': standin_data.make_cifar(str(base / 'c100'), CIFAR100),
        'FashionMNIST': standin_data.make_fashion_mnist_standin(
            str(base / 'fmnist')),
        **standin_data.image_folder_roots(str(base)),
        'CUB': standin_data.make_cub(str(base / 'cub')),
        'FGVCAircraft': standin_data.make_fgvc_aircraft(
            str(base / 'aircraft')),
    }


def point_to_standin(dataset, roots):
    """Point every dataset dict (also inside wrappers) at stand-in data."""
    if isinstance(dataset, dict):
        if dataset.get('type') in roots:
            dataset['data_root'] = roots[dataset['type']]
        elif 'data_root' in dataset:
            raise AssertionError(f'no stand-in data for dataset type '
                                 f'{dataset.get("type")!r}; add one to '
                                 'tests/standin_data.py')
        for value in dataset.values():
            point_to_standin(value, roots)
    elif isinstance(dataset, (list, tuple)):
        for value in dataset:
            point_to_standin(value, roots)


def standin_pretrained(model, folder):
    """Fine-tuning configs load ImageNet weights from a local file the user
    provides; write each such module's own fresh weights there (under the
    init_cfg's key prefix) so that the loading path runs."""
    for module in model.modules():
        init = getattr(module, 'init_cfg', None)
        if isinstance(init, dict) and init.get('type') == 'Pretrained' \
                and not osp.isfile(init['checkpoint']):
            path = osp.join(folder, f'pretrained_{len(os.listdir(folder))}'
                            '.pth')
            prefix = init.get('prefix') or ''
            torch.save({prefix + k: v
                        for k, v in module.state_dict().items()}, path)
            init['checkpoint'] = path


def small_loader(cfg, roots, batch_size):
    cfg = copy.deepcopy(cfg)
    cfg.update(batch_size=batch_size, num_workers=0,
               persistent_workers=False)
    point_to_standin(cfg['dataset'], roots)
    return Runner.build_dataloader(cfg, seed=0)


def build_for_step(cfg, folder):
    """The config's model as the Runner builds it (the top-level
    data_preprocessor goes to the model), weights initialised (stand-in
    pretrained files written to ``folder``), in training mode."""
    torch.manual_seed(0)
    model_cfg = copy.deepcopy(cfg.model)
    if cfg.get('data_preprocessor') is not None:
        model_cfg.setdefault('data_preprocessor', cfg.data_preprocessor)
    model = MODELS.build(model_cfg)
    standin_pretrained(model, folder)
    model.init_weights()
    model.train()
    return model


def test_every_config_is_found():
    names = {osp.relpath(p, ROOT) for p in CONFIGS}
    assert ('configs/quickstart/'
            'cutmix_preactresnet18-w8_1xb128-3e_fashion-mnist.py') in names
    assert 'configs/mixup/mixup_preactresnet18_1xb100-800e_cifar100.py' \
        in names


# mmpretrain's {algorithm}_{backbone}_{N}xb{batch}-{schedule}_{dataset}.py:
# N GPUs x the per-GPU batch, recipe words, the schedule in epochs (e) or
# iterations (it); linear-evaluation configs have no algorithm part, as in
# mmpretrain. CHANGELOG.md lists the names used before.
CONFIG_NAME = re.compile(
    r'^(?:[a-z0-9-]+_)?[a-z0-9-]+_[1-9][0-9]*xb[1-9][0-9]*'
    r'(?:-[a-z0-9]+)*-[1-9][0-9]*(?:e|it)_(?P<dataset>[a-z0-9-]+)\.py$')
DATASETS = {'cifar10', 'cifar100', 'tiny-imagenet', 'in1k', 'fashion-mnist',
            'cub', 'fgvc-aircraft', 'stl10', 'coco', 'voc0712', 'deepforest',
            'stardist'}


def test_config_names_follow_mmpretrain():
    names = sorted(
        osp.relpath(p, ROOT) for p in glob.glob(
            osp.join(ROOT, 'configs', '**', '*.py'), recursive=True)
        # the accuracy-benchmark configs are named by their protocol
        if '/_base_/' not in p and '/benchmarks/fashion_mnist/' not in p)
    bad = [n for n in names if not CONFIG_NAME.match(osp.basename(n))
           or CONFIG_NAME.match(osp.basename(n))['dataset'] not in DATASETS]
    assert not bad, bad


@pytest.mark.parametrize('path', CONFIGS,
                         ids=[osp.relpath(p, ROOT) for p in CONFIGS])
def test_config_builds_and_steps(path, standin_roots, monkeypatch,
                                 tmp_path, device, amp):
    # stand-in CIFAR files cannot match the official md5 sums
    for cls in (CIFAR10, CIFAR100):
        monkeypatch.setattr(cls, '_check_integrity', lambda self: True)
    cfg = Config.fromfile(path)
    if any(h.get('type') == 'OnlineClusteringHook'
           for h in cfg.get('custom_hooks', [])):
        pytest.skip('needs pseudo labels from its OnlineClusteringHook; '
                    'stepped with the hook in '
                    'tests/models/selfsup/test_pseudo_label_configs.py')
    assert cfg.get('default_scope', 'mixtoolbox') == 'mixtoolbox'
    model = build_for_step(cfg, str(tmp_path))
    model.to(device)  # `pytest --device`; amp: float16 under CUDA
    loader = small_loader(cfg.train_dataloader, standin_roots,
                          batch_size=2 if any(
                              name in path for name in
                              ('_in1k', 'cub', 'aircraft')) else 4)
    data = next(iter(loader))
    optim_cfg = copy.deepcopy(cfg.optim_wrapper)
    if amp:
        optim_cfg.update(type='AmpOptimWrapper', dtype=amp)
    optim_wrapper = build_optim_wrapper(model, optim_cfg)
    log_vars = model.train_step(data, optim_wrapper)
    assert log_vars, path
    for key, value in log_vars.items():
        assert torch.isfinite(torch.as_tensor(value)).all(), (path, key)

    if cfg.get('val_dataloader'):
        model.eval()
        val_loader = small_loader(cfg.val_dataloader, standin_roots,
                                  batch_size=2)
        outputs = model.val_step(next(iter(val_loader)))
        assert len(outputs) == 2
        assert outputs[0].pred_score.numel() == model.head.num_classes
