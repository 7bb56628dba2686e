"""Keep a detection protocol's total batch on any number of processes.

The transfer protocols fix the total batch per optimizer step: 16 images
(8 GPUs x 2) at lr 0.02 for the R-CNNs of MoCo's detectron2 configs
(He et al., "Momentum Contrast for Unsupervised Visual Representation
Learning", CVPR 2020, https://arxiv.org/abs/1911.05722, detection/configs:
``IMS_PER_BATCH: 16``, ``BASE_LR: 0.02``) and of mmdet's schedules, 64 for
SSD300. The configs hold it as ``auto_scale_lr.base_batch_size`` (mmdet's
convention) and train ``train_dataloader.batch_size`` images per process.
On fewer processes the same config silently trains a smaller batch at the
same lr. :func:`fit_total_batch` makes the choice explicit:

- ``'accumulate'`` (default): accumulate gradients over
  k = base / (processes x per-process batch) loader iterations
  (mmengine ``optim_wrapper.accumulative_counts``). Batch per optimizer
  step, lr, momentum and weight-decay steps and the number of images seen
  stay the protocol's; every iteration-counted quantity (``max_iters``,
  ``val_interval``, iteration-based scheduler ``begin`` / ``end`` /
  ``milestones`` / ``T_max``, the iteration checkpoint interval, precise-BN
  iterations) is multiplied by k, so an iteration schedule such as VOC's
  24k still means 24k optimizer steps. Chosen as the default because it is
  the only option that keeps both batch and lr.
- ``'scale-lr'``: mmengine's ``auto_scale_lr`` (linear scaling, Goyal et
  al. 2017, https://arxiv.org/abs/1706.02677): lr x total / base with the
  same number of iterations, i.e. 1/k of the images for iteration-based
  schedules.
- ``'none'``: the config as it is (leaves the protocol; a warning says so).

No policy keeps the BatchNorm statistics: BN (SyncBN across processes, BN
in a single process) normalises over processes x per-process batch images
per forward, not the protocol's 16; :func:`fit_total_batch` warns.
"""
from typing import Optional

POLICIES = ('accumulate', 'scale-lr', 'none')


def _scale_schedulers(schedulers, k: int) -> None:
    """Multiply the iteration counts of iteration-based schedulers by k
    (``by_epoch=False``; epoch-based ones, also those mmengine converts to
    iterations itself, are unchanged)."""
    for sched in schedulers if isinstance(schedulers, list) else [schedulers]:
        if sched.get('by_epoch', True):
            continue
        for key in ('begin', 'end', 'T_max', 'step_size'):
            # end defaults to "infinity" (sys.maxsize): leave it
            if isinstance(sched.get(key), int) and sched[key] < 2**62:
                sched[key] = sched[key] * k
        if 'milestones' in sched:
            sched['milestones'] = [m * k for m in sched['milestones']]


def _uses_bn(model_cfg) -> bool:
    text = str(model_cfg)
    return "'SyncBN'" in text or "'BN'" in text


def fit_total_batch(cfg, world_size: int, policy: str = 'accumulate') -> dict:
    """Apply ``policy`` to ``cfg`` (in place) for ``world_size`` processes.

    Returns the plan: ``policy``, ``processes``, ``per_process``,
    ``accumulate`` (k), ``total`` (images per optimizer step), ``base``
    (the protocol's), ``lr`` (effective) and ``config_lr``, ``bn_images``
    (images per BN normalisation), and ``lines`` to print (one
    ``WARNING`` line when BN statistics or the protocol differ).
    """
    if policy not in POLICIES:
        raise ValueError(f'batch policy must be one of {POLICIES}, got '
                         f'{policy!r}')
    if isinstance(world_size, bool) or not isinstance(world_size, int) or \
            world_size < 1:
        raise ValueError(f'world_size must be a positive int, got '
                         f'{world_size!r}')
    per = cfg.train_dataloader.batch_size
    base = (cfg.get('auto_scale_lr') or {}).get('base_batch_size')
    optim = cfg.optim_wrapper
    lr = optim.get('optimizer', {}).get('lr')
    given_k = optim.get('accumulative_counts', 1)
    if base is None and policy != 'none':
        raise ValueError('auto_scale_lr.base_batch_size (the protocol\'s '
                         'total batch) is missing from the config; set it '
                         'or pass --batch-policy none')
    k = 1
    total = per * world_size * given_k
    eff_lr = lr
    if policy == 'accumulate' and total != base:
        if given_k != 1:
            raise ValueError(
                f'optim_wrapper.accumulative_counts={given_k} is set by hand '
                f'and gives a total batch of {total}, not the protocol\'s '
                f'{base}; remove it or pass --batch-policy none')
        if base % (per * world_size):
            raise ValueError(
                f'total batch {world_size} process(es) x {per} = '
                f'{per * world_size} does not divide the protocol\'s '
                f'{base}: set train_dataloader.batch_size so that processes '
                f'x batch divides {base}, or pass --batch-policy scale-lr '
                '(linear lr scaling) or none (leave the protocol)')
        k = base // (per * world_size)
        optim['accumulative_counts'] = k
        total = base
        train_cfg = cfg.train_cfg
        if 'max_iters' in train_cfg:
            train_cfg['max_iters'] *= k
            if 'val_interval' in train_cfg:
                train_cfg['val_interval'] *= k
        if cfg.get('param_scheduler'):
            _scale_schedulers(cfg.param_scheduler, k)
        ckpt = (cfg.get('default_hooks') or {}).get('checkpoint') or {}
        if ckpt.get('by_epoch') is False and isinstance(
                ckpt.get('interval'), int) and ckpt['interval'] > 0:
            ckpt['interval'] *= k
        for hook in cfg.get('custom_hooks') or []:
            if hook.get('type') == 'PreciseBNHook':
                hook['num_iters'] = hook.get('num_iters', 200) * k
    elif policy == 'scale-lr':
        if given_k != 1:
            raise ValueError('--batch-policy scale-lr ignores optim_wrapper.'
                             'accumulative_counts (mmengine scales by '
                             'processes x batch only); remove it')
        cfg.auto_scale_lr['enable'] = True
        eff_lr = lr * total / base
    elif cfg.get('auto_scale_lr', {}).get('enable'):
        eff_lr = lr * per * world_size / base
    bn_images = per * world_size
    plan = dict(policy=policy, processes=world_size, per_process=per,
                accumulate=max(k, given_k), total=total, base=base, lr=eff_lr,
                config_lr=lr, bn_images=bn_images)
    iters = ''
    if 'max_iters' in cfg.train_cfg:
        iters = (f'; {cfg.train_cfg["max_iters"]} loader iterations = '
                 f'{cfg.train_cfg["max_iters"] // plan["accumulate"]} '
                 'optimizer steps')
    elif 'max_epochs' in cfg.train_cfg:
        iters = f'; {cfg.train_cfg["max_epochs"]} epochs'
    lines = [f'batch: {world_size} process(es) x {per} image(s) x '
             f'{plan["accumulate"]} accumulated = {total} per optimizer step '
             f'(protocol {base}), lr {eff_lr:g} (config {lr:g}), policy '
             f'{policy}{iters}']
    if base is not None and total != base:
        lines.append(f'WARNING: total batch {total} is not the protocol\'s '
                     f'{base} and lr is {eff_lr:g}: the results are not '
                     'comparable with the published ones')
    if base is not None and bn_images != base and _uses_bn(cfg.model):
        kind = 'SyncBN across processes' if world_size > 1 else \
            'BN (SyncBN reverts to BN in one process)'
        lines.append(f'WARNING: BatchNorm statistics come from {bn_images} '
                     f'image(s) per forward ({kind}), not {base} as in the '
                     'protocol; no batch policy changes that')
    plan['lines'] = lines
    return plan


def world_size_from_env(launcher: str,
                        environ: Optional[dict] = None) -> int:
    """Number of processes the launcher will start, read before
    ``torch.distributed`` is initialised."""
    import os
    env = os.environ if environ is None else environ
    key = dict(pytorch='WORLD_SIZE', slurm='SLURM_NTASKS',
               mpi='OMPI_COMM_WORLD_SIZE').get(launcher)
    if key is None:
        return 1
    try:
        return int(env[key])
    except (KeyError, ValueError) as err:
        raise ValueError(f'--launcher {launcher}: environment variable {key} '
                         f'(the number of processes) is missing or not an '
                         f'int: {env.get(key)!r}') from err

