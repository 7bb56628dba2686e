"""Fixtures of the detection-transfer tests: a randomly initialised
mixtoolbox R-50 checkpoint, its export, and the real smoke data.

The smoke data comes from two PyPI wheels (deepforest 2.1.0, stardist 0.9.2)
fetched once by ``tests/smoke_data.py`` with ``pip download --no-deps`` into
``data/smoke/wheels`` of the repository (`make test` does it before running
the tests, through `make smoke-data`); later runs need no network. Tests
that need it are skipped only when pip cannot reach the registry (any other
pip failure fails them).
"""
import os.path as osp

import numpy as np
import pytest
import torch

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
MMDET_CONFIGS = osp.join(REPO, 'configs', 'benchmarks', 'mmdet')


def load_tool(relpath: str):
    """The code of the script ``tools/<relpath>``: the package module it
    calls (``tools/model_converters/extract_backbone.py`` ->
    ``mixtoolbox.apis.extract_backbone``)."""
    from mixtoolbox.apis import (
        extract_backbone,
        label_image_to_coco,
        mmdet_train,
        voc_xml_to_coco,
    )
    modules = {'model_converters/extract_backbone.py': extract_backbone,
               'dataset_converters/label_image_to_coco.py':
               label_image_to_coco,
               'dataset_converters/voc_xml_to_coco.py': voc_xml_to_coco,
               'benchmarks/mmdet_train.py': mmdet_train}
    module = modules[relpath]
    with open(osp.join(REPO, 'tools', relpath)) as f:
        assert f'from {module.__name__} import' in f.read(), relpath
    return module


def save_mmengine_checkpoint(model: torch.nn.Module, path: str) -> str:
    """``model`` saved the way mmengine's CheckpointHook does (numpy and
    HistoryBuffer objects included), so loading is exercised for real."""
    from mmengine.logging import HistoryBuffer
    torch.save(dict(
        meta=dict(epoch=1, iter=10, seed=np.int64(0)),
        state_dict=model.state_dict(),
        message_hub=dict(log_scalars=dict(
            loss=HistoryBuffer(np.array([0.5, 0.25]), np.array([1, 1]))))),
        path)
    return path


def build_classifier(cfg_path_or_dict):
    from mmengine.config import Config

    from mixtoolbox.registry import MODELS
    cfg = cfg_path_or_dict
    if isinstance(cfg, str):
        cfg = Config.fromfile(osp.join(REPO, cfg)).model
    model = MODELS.build(cfg)
    model.init_weights()
    return model


@pytest.fixture(scope='session')
def tool():
    """``tool('model_converters/extract_backbone.py')`` -> module."""
    return load_tool


@pytest.fixture(scope='session')
def save_ckpt():
    return save_mmengine_checkpoint


@pytest.fixture(scope='session')
def build_cls():
    return build_classifier


@pytest.fixture(scope='session')
def transfer_dir(tmp_path_factory):
    return tmp_path_factory.mktemp('transfer')


def perturb_batchnorm(model: torch.nn.Module, seed: int = 0) -> int:
    """Move every BN weight, bias, running mean and variance of ``model``
    off the values a freshly built network has (by 1 % noise: small enough
    that the smoke fine-tunings behave as with the unperturbed network) and
    set every batch count to 1234, so a loader that dropped any BN tensor
    would be caught. Returns the number of BN layers changed."""
    gen = torch.Generator().manual_seed(seed)
    layers = [m for m in model.modules()
              if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]
    with torch.no_grad():
        for bn in layers:
            n = bn.num_features
            for t in (bn.weight, bn.bias, bn.running_mean):
                t.add_(0.01 * torch.randn(n, generator=gen))
            bn.running_var.mul_(1 + 0.01 * torch.rand(n, generator=gen))
            bn.num_batches_tracked.fill_(1234)
    return len(layers)


@pytest.fixture(scope='session')
def r50_checkpoint(transfer_dir):
    """A MixupClassifier with mmpretrain's ResNet-50 (the config users
    pretrain with), randomly initialised (seeded, without touching the
    global RNG), all 53 BN layers perturbed (:func:`perturb_batchnorm`), as
    an mmengine checkpoint."""
    with torch.random.fork_rng():
        torch.manual_seed(0)
        model = build_classifier('configs/_base_/models/resnet50.py')
    assert perturb_batchnorm(model.backbone) == 53
    return save_mmengine_checkpoint(model, str(transfer_dir / 'cls_r50.pth'))


@pytest.fixture(scope='session')
def r50_backbone(r50_checkpoint, transfer_dir):
    from mixtoolbox.transfer import export_backbone
    out = str(transfer_dir / 'r50_backbone.pth')
    export_backbone(r50_checkpoint, out)
    return out


@pytest.fixture(scope='session')
def smoke_data():
    """The real smoke data (``tests/smoke_data.py``, what ``make smoke-data``
    runs), fetched once; skipped only when PyPI cannot be reached."""
    from ..smoke_data import RegistryUnreachable, prepare_smoke_data
    try:
        return prepare_smoke_data(osp.join(REPO, 'data', 'smoke'))
    except RegistryUnreachable as err:
        pytest.skip(f'smoke data not cached and PyPI unreachable: {err}')
