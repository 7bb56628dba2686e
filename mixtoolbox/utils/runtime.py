"""Small config adjustments shared by the command-line tools."""
import copy
from typing import TYPE_CHECKING

import torch

from .errors import ConfigError

if TYPE_CHECKING:
    from mmengine.config import Config


def amp_optim_wrapper(optim_wrapper: dict) -> dict:
    """The config's optimizer wrapper switched to mixed precision: mmengine's
    fp16 ``AmpOptimWrapper`` on CUDA, :class:`BF16OptimWrapper` elsewhere."""
    cfg = copy.deepcopy(dict(optim_wrapper))
    wrapper_type = cfg.get('type', 'OptimWrapper')
    if wrapper_type in ('AmpOptimWrapper', 'BF16OptimWrapper'):
        return cfg
    if wrapper_type != 'OptimWrapper':
        raise ConfigError('--amp only replaces a plain OptimWrapper; the '
                         f'config uses {wrapper_type!r}')
    if torch.cuda.is_available():
        cfg.update(type='AmpOptimWrapper', loss_scale='dynamic')
    else:
        cfg.update(type='BF16OptimWrapper')
    return cfg


def fit_dist_backend(cfg: 'Config') -> None:
    """Make a distributed config runnable on a machine without CUDA, so
    `tools/dist_train.sh` also runs (slowly) on CPU-only hosts: gloo instead
    of NCCL, a DDP wrapper that accepts CPU modules, and the process group
    started here because mmengine's ``init_dist`` calls
    ``torch.cuda.set_device`` unconditionally."""
    if torch.cuda.is_available():
        return
    env = cfg.setdefault('env_cfg', {})
    dist_cfg = env.setdefault('dist_cfg', {})
    if dist_cfg.get('backend', 'nccl') == 'nccl':
        dist_cfg['backend'] = 'gloo'
    if cfg.get('launcher', 'none') == 'none':
        return
    wrapper = cfg.get('model_wrapper_cfg') or dict(
        find_unused_parameters=cfg.get('find_unused_parameters', False))
    wrapper.setdefault('type', 'CPUCompatibleDDP')
    cfg.model_wrapper_cfg = wrapper
    if cfg.launcher == 'pytorch':
        import torch.distributed as dist
        if not dist.is_initialized():
            dist.init_process_group(backend=dist_cfg['backend'])
