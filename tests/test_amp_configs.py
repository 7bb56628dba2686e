"""Every method config trains under mixed precision (``tools/train.py
--amp``): three optimisation steps through the optimizer wrapper that
``--amp`` selects (bfloat16 autocast on CPU) with finite losses and float32
weights.

bfloat16 on a CPU without native bf16 instructions is emulated (a
PreActResNet-18 step is ~10x slower than in float32), so not every config
is stepped: one per distinct combination of model, mixups (with the mixups
nested in them), modifiers, mixer and hooks — the autocast code paths
depend on that combination, not on the data set, the schedule or the width.
The representative is the cheapest config of its combination (a Fashion-
MNIST CPU config where there is one), and a full-width PreActResNet / ResNet
is cut to width 8 (as in the Fashion-MNIST configs). Every other config is
listed as skipped with the config that stands for it."""
import os.path as osp
from types import SimpleNamespace

import pytest
import torch
from mmengine.config import Config
from mmengine.hooks import Hook
from mmengine.optim import build_optim_wrapper
from mmpretrain.datasets import CIFAR10, CIFAR100

from mixtoolbox.registry import HOOKS
from mixtoolbox.utils import amp_optim_wrapper

from .test_configs import (
    CONFIGS,
    ROOT,
    build_for_step,
    small_loader,
    standin_roots,  # noqa: F401 (fixture)
)

STEPS = 3
NARROW = 8


def _types(node):
    """Every ``type`` in a (nested) list / dict of configs, in order."""
    if isinstance(node, dict):
        found = [node['type']] if isinstance(node.get('type'), str) else []
        for value in node.values():
            found += _types(value)
        return tuple(found)
    if isinstance(node, (list, tuple)):
        return tuple(t for item in node for t in _types(item))
    return ()


def combination(cfg):
    """What decides the autocast code paths of a config (of the hooks, only
    the OnlineClusteringHook runs here: it makes the pseudo labels)."""
    model = cfg.model
    clustering = 'OnlineClusteringHook' in _types(cfg.get('custom_hooks'))
    return (model.type, _types(model.get('mix_policy')),
            _types(model.get('modifiers')), _types(model.get('mixer')),
            clustering)


def _cost(path, cfg):
    name = osp.basename(path)
    backbone = cfg.model.backbone.type
    if 'fashionmnist' in name:
        rank = 0
    elif backbone == 'PreActResNet' and 'cifar' in name:
        rank = 1
    else:
        rank = 2
    return rank, name


_PLAN = {}


def stepped_instead(path):
    """None when ``path`` is stepped here, else the config that stands for
    it (parsing every config once, on first use)."""
    if not _PLAN:
        groups = {}
        for p in CONFIGS:
            cfg = Config.fromfile(p)
            groups.setdefault(combination(cfg), []).append((_cost(p, cfg), p))
        for members in groups.values():
            best = min(members)[1]
            for _, p in members:
                _PLAN[p] = None if p == best else best
    return _PLAN[path]


def narrow(cfg):
    """A full-width PreActResNet or ResNet cut to width 8 (the neck / head
    reading its output follow); models with a Mixer keep their width (the
    Mixer reads a hidden stage)."""
    model = cfg.model
    backbone = model.backbone
    if backbone.type not in ('PreActResNet', 'ResNet') or 'mixer' in model:
        return
    width = backbone.get('base_channels', 64)
    if width <= NARROW:
        return
    expansion = 4 if backbone.type == 'ResNet' and \
        backbone.get('depth', 50) >= 50 else 1
    old, new = width * 8 * expansion, NARROW * 8 * expansion
    parts = [p for p in (model.get('neck'), model.get('head'))
             if isinstance(p, dict) and p.get('in_channels') == old]
    if not parts:
        return
    backbone.base_channels = NARROW
    if backbone.type == 'ResNet':
        backbone.stem_channels = NARROW
    for part in parts:
        part.in_channels = new


@pytest.mark.parametrize('path', CONFIGS,
                         ids=[osp.relpath(p, ROOT) for p in CONFIGS])
def test_config_steps_under_amp(path, standin_roots, monkeypatch,  # noqa
                                tmp_path):
    instead = stepped_instead(path)
    if instead is not None:
        pytest.skip('same model / mixups / modifiers as '
                    f'{osp.relpath(instead, ROOT)}, stepped there')
    for cls in (CIFAR10, CIFAR100):
        monkeypatch.setattr(cls, '_check_integrity', lambda self: True)
    cfg = Config.fromfile(path)
    narrow(cfg)
    clustering = [h for h in cfg.get('custom_hooks', [])
                  if h.get('type') == 'OnlineClusteringHook']
    if clustering and 'num_clusters' in cfg.model:
        # the stand-in sets hold 8-16 images: fewer clusters than samples
        cfg.model.num_clusters = 3
    model = build_for_step(cfg, str(tmp_path))
    big = any(k in path for k in ('imagenet', 'cub', 'aircraft'))
    loader = small_loader(cfg.train_dataloader, standin_roots,
                          batch_size=2 if big else 4)
    wrapper_cfg = amp_optim_wrapper(cfg.optim_wrapper)
    optim_wrapper = build_optim_wrapper(model, wrapper_cfg)
    if not torch.cuda.is_available():
        assert type(optim_wrapper).__name__ == 'BF16OptimWrapper'
    # autocast must really be on: the first conv / linear layer's outputs
    seen = set()
    first = next(m for m in model.modules()
                 if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear)))
    first.register_forward_hook(lambda mod, args, out: seen.add(out.dtype))
    # pseudo labels (SAMix-C, Inter-Intra): the hook runs as in the Runner
    hook = HOOKS.build(dict(clustering[0], num_clusters=3)) \
        if clustering else Hook()
    runner = SimpleNamespace(model=model, train_dataloader=loader, iter=0,
                             epoch=0)
    hook.before_train(runner)
    batches = iter(loader)
    for step in range(STEPS):
        try:
            data = next(batches)
        except StopIteration:
            batches = iter(loader)
            data = next(batches)
        runner.iter = step
        hook.before_train_iter(runner, step, data)
        log_vars = model.train_step(data, optim_wrapper)
        hook.after_train_iter(runner, step, data)
        assert log_vars, path
        for key, value in log_vars.items():
            assert torch.isfinite(torch.as_tensor(value)).all(), \
                f'{osp.relpath(path, ROOT)}: {key} = {value} at step {step}'
    low = torch.float16 if torch.cuda.is_available() else torch.bfloat16
    assert low in seen, seen
    for name, param in model.named_parameters():
        assert param.dtype == torch.float32, name
        assert torch.isfinite(param).all(), name
