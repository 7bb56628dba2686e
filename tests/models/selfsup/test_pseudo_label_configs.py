"""The configs that need pseudo labels (SAMix-C, Inter-Intra*) take a real
training step with their OnlineClusteringHook on stand-in data. They fail
tests/test_configs.py's hook-free step on purpose (no pseudo labels → the
ValueError that asks for the hook), so they are stepped here."""
import copy
from types import SimpleNamespace

import pytest
import torch
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper

from mixtoolbox.registry import HOOKS, MODELS
from tests import standin_data
from tests.test_configs import CONFIGS, ROOT, small_loader


def needs_clustering(path):
    hooks = Config.fromfile(path).get('custom_hooks', [])
    return any(h['type'] == 'OnlineClusteringHook' for h in hooks)


SELFSUP = [p for p in CONFIGS if '/selfsup/' in p]
CLUSTERED = [p for p in SELFSUP if needs_clustering(p)]


@pytest.fixture(scope='module')
def roots(tmp_path_factory):
    base = tmp_path_factory.mktemp('standin')
    return {
        'FashionMNIST': standin_data.make_fashion_mnist_standin(
            str(base / 'fm')),
        **standin_data.image_folder_roots(str(base)),
    }


def test_the_clustered_configs_are_found():
    names = [p[len(ROOT) + 1:] for p in CLUSTERED]
    for name in ('samix-c_resnet18_8xb32-coslr-400e_stl10.py',
                 'mocov2-inter-intra_resnet18_8xb32-coslr-400e_stl10.py'):
        assert 'configs/selfsup/' + name in names


@pytest.mark.parametrize('path', CLUSTERED,
                         ids=[p[len(ROOT) + 1:] for p in CLUSTERED])
def test_clustered_config_steps_with_its_hook(path, roots):
    cfg = Config.fromfile(path)
    model_cfg = copy.deepcopy(cfg.model)
    # the stand-in sets hold 8-16 images: fewer clusters than samples
    if 'num_clusters' in model_cfg:
        model_cfg.num_clusters = 3
    torch.manual_seed(0)
    model = MODELS.build(model_cfg)
    model.init_weights()
    model.train()
    loader = small_loader(cfg.train_dataloader, roots, batch_size=2)
    hook_cfg = [h for h in cfg.custom_hooks
                if h['type'] == 'OnlineClusteringHook'][0]
    hook = HOOKS.build(dict(hook_cfg, num_clusters=3))
    runner = SimpleNamespace(model=model, train_dataloader=loader, iter=0,
                             epoch=0)
    hook.before_train(runner)
    data = next(iter(loader))
    hook.before_train_iter(runner, 0, data)
    log_vars = model.train_step(data, build_optim_wrapper(
        model, cfg.optim_wrapper))
    hook.after_train_iter(runner, 0, data)
    assert all(torch.isfinite(torch.as_tensor(v)).all()
               for v in log_vars.values())
    assert hook.labels.max() < 3
