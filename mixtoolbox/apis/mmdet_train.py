"""Fine-tune and evaluate an mmdet detector from an exported backbone.

mmdet 3.3's ``tools/train.py`` is not part of its wheel; this is the same
thing for transfer runs: mmengine's ``Runner`` with mmdet's registries
(``default_scope='mmdet'`` in the configs), plus the checks that the
detector really starts from the backbone (``--backbone``): it must have the
config's architecture, and after weight init every backbone / res5 tensor
must equal the export. After training the final weights are evaluated on the
test set and the metrics written to ``<work-dir>/transfer_metrics.json``.

Examples:
    python tools/benchmarks/mmdet_train.py \
        configs/benchmarks/mmdet/\
faster-rcnn_r50-c4_8xb2-ms-24000it_voc0712.py \
        --backbone work_dirs/r50_backbone.pth
    torchrun --nproc_per_node=8 tools/benchmarks/mmdet_train.py CFG \
        --backbone B.pth --launcher pytorch
    (or bash tools/benchmarks/mmdet_transfer.sh CKPT CFG GPUS, which also
    exports the backbone)

SyncBN in the configs becomes BN when the run is a single process (mmengine
reverts it when no launcher is used).

Total batch: the protocols train a fixed total batch per optimizer step
(``auto_scale_lr.base_batch_size`` of the config: 16 for the R-CNNs, 64 for
SSD). On fewer processes than the protocol's, ``--batch-policy accumulate``
(the default) accumulates gradients to keep that batch and the lr,
``scale-lr`` scales the lr linearly instead, ``none`` leaves the config
alone; the effective batch and lr are printed at start, with a warning when
BatchNorm statistics (or the protocol) differ. ``--plan N`` prints that plan
for N processes and exits. See mixtoolbox/transfer/batch.py and
docs/transfer.md.
"""
import argparse
import json
import os
import os.path as osp
import sys
from typing import TYPE_CHECKING, List, Optional, Sequence, Tuple

from mmengine.config import Config, DictAction

from mixtoolbox.transfer.batch import POLICIES

if TYPE_CHECKING:
    from mmengine.runner import Runner


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Fine-tune an mmdet detector from an exported backbone')
    parser.add_argument('config', help='transfer config '
                        '(configs/benchmarks/mmdet/*.py)')
    parser.add_argument('--backbone', help='backbone exported by '
                        'tools/model_converters/extract_backbone.py; '
                        'default: the checkpoint in the config\'s init_cfg')
    parser.add_argument('--work-dir', help='logs, checkpoints, metrics '
                        '(default: work_dirs/transfer/<config name>)')
    parser.add_argument('--resume', nargs='?', const='auto',
                        help='resume from a checkpoint (default: latest)')
    parser.add_argument('--no-test', action='store_true',
                        help='skip the final test-set evaluation')
    parser.add_argument('--amp', action='store_true',
                        help='fp16 mixed precision (CUDA only)')
    parser.add_argument('--batch-policy', choices=POLICIES,
                        help='how to keep the protocol\'s total batch '
                        '(auto_scale_lr.base_batch_size) on this number of '
                        'processes: accumulate gradients (keeps batch and '
                        'lr), scale-lr (linear lr scaling), none (leave the '
                        'config). Default: the config\'s batch_policy, '
                        'else accumulate')
    parser.add_argument('--auto-scale-lr', action='store_true',
                        help='same as --batch-policy scale-lr')
    parser.add_argument('--plan', type=int, metavar='N',
                        help='print the batch / lr plan for N processes and '
                        'exit (exit status 2 if the policy refuses)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config entries, e.g. '
                        'train_dataloader.batch_size=4')
    parser.add_argument('--launcher', default='none',
                        choices=['none', 'pytorch', 'slurm', 'mpi'])
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args(argv)
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def load_config(args: argparse.Namespace,
                world_size: Optional[int] = None) -> Tuple[Config, dict]:
    """The config with ``--cfg-options`` and the batch policy applied for
    ``world_size`` processes (default: what the launcher starts), and the
    batch plan (:func:`mixtoolbox.transfer.batch.fit_total_batch`)."""
    from mixtoolbox.transfer.batch import fit_total_batch, world_size_from_env
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    if cfg.get('default_scope') != 'mmdet':
        raise ValueError(f'{args.config}: default_scope must be "mmdet" '
                         f'(inherit an mmdet:: config), got '
                         f'{cfg.get("default_scope")!r}')
    policy = args.batch_policy
    if args.auto_scale_lr:
        if policy not in (None, 'scale-lr'):
            raise ValueError(f'--auto-scale-lr contradicts --batch-policy '
                             f'{policy}')
        policy = 'scale-lr'
    policy = policy or cfg.get('batch_policy', 'accumulate')
    if world_size is None:
        world_size = world_size_from_env(args.launcher)
    plan = fit_total_batch(cfg, world_size, policy)
    if os.environ.get('RANK', '0') == '0':
        for line in plan['lines']:
            print(f'mmdet_train: {line}', flush=True,
                  file=sys.stderr if line.startswith('WARNING') else
                  sys.stdout)
    return cfg, plan


def build_config(
        args: argparse.Namespace) -> Tuple[Config, str, List[str], dict]:
    """The config with the command line folded in, the backbone checkpoint,
    the config paths of the parts that load it and the batch plan."""
    import torch

    from mixtoolbox.transfer import set_pretrained
    from mixtoolbox.utils import fit_dist_backend
    cfg, plan = load_config(args)
    backbone = args.backbone
    if backbone is None:
        init = cfg.model.get('backbone', {}).get('init_cfg') or {}
        backbone = init.get('checkpoint') if isinstance(init, dict) else None
    if not backbone:
        raise ValueError('no backbone to start from: pass --backbone or set '
                         "model.backbone.init_cfg=dict(type='Pretrained', "
                         'checkpoint=...) in the config')
    parts = set_pretrained(cfg, backbone)
    cfg.launcher = args.launcher
    cfg.work_dir = args.work_dir or cfg.get('work_dir') or osp.join(
        'work_dirs', 'transfer', osp.splitext(osp.basename(args.config))[0])
    if args.resume == 'auto':
        cfg.resume, cfg.load_from = True, None
    elif args.resume:
        cfg.resume, cfg.load_from = True, args.resume
    if args.amp:
        if not torch.cuda.is_available():
            raise ValueError('--amp needs CUDA (fp16 AmpOptimWrapper)')
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.loss_scale = 'dynamic'
    if args.launcher != 'none' and not torch.cuda.is_available() and \
            "'SyncBN'" in str(cfg.model.to_dict()):
        raise ValueError('SyncBN needs CUDA: without GPUs run one process '
                         '(GPUS=1, launcher none), where it becomes BN')
    fit_dist_backend(cfg)
    return cfg, backbone, parts, plan


def run(args: argparse.Namespace) -> Tuple['Runner', dict]:
    """Train, then test; returns the runner and ``{'checked': number of
    backbone tensors verified equal to the export, 'test': metrics}``."""
    from mmdet.utils import register_all_modules
    from mmengine.runner import Runner

    from mixtoolbox.transfer import PretrainedCheckHook
    from mixtoolbox.utils import allow_mmengine_checkpoint_types
    register_all_modules(init_default_scope=False)
    # mmengine's resume uses torch.load(weights_only=True)
    allow_mmengine_checkpoint_types()
    cfg, backbone, parts, plan = build_config(args)
    runner = Runner.from_cfg(cfg)
    check = PretrainedCheckHook(backbone, parts)
    runner.register_hook(check)
    runner.train()
    result = dict(checked=check.checked, batch=plan)
    if not args.no_test:
        result['test'] = runner.test()
        if runner.rank == 0:
            with open(osp.join(cfg.work_dir, 'transfer_metrics.json'),
                      'w') as f:
                json.dump(dict(config=args.config, backbone=backbone,
                               batch={k: v for k, v in plan.items()
                                      if k != 'lines'},
                               metrics=result['test']), f, indent=1)
    return runner, result


def main(argv: Optional[Sequence[str]] = None) -> dict:
    args = parse_args(argv)
    if args.plan is not None:
        try:
            return load_config(args, world_size=args.plan)[1]
        except ValueError as err:
            print(f'mmdet_train: {err}', file=sys.stderr)
            sys.exit(2)
    return run(args)[1]

