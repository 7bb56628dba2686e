"""Linear evaluation of a self-supervised checkpoint in one command:
pretrained backbone → frozen → linear head trained with tools/train.py →
top-1 of the last checkpoint with tools/test.py.

Examples:
    python tools/selfsup/linear_eval.py \
        configs/selfsup/resnet18_8xb32-linear-steplr-100e_stl10.py \
        work_dirs/samix/epoch_400.pth
    python tools/selfsup/linear_eval.py LINEAR_CFG CKPT --seed 1 \
        --work-dir work_dirs/lin --cfg-options train_dataloader.batch_size=64

The backbone is read from the ``backbone.`` keys (the online / query
encoder of MixMoCo and SAMixMoCo, as of mmpretrain's MoCo); ``--prefix``
picks another one (e.g. ``encoder_k.module.0.`` for the key encoder).
Prints and returns the metrics dict (``accuracy/top1``).
"""
import argparse
import json
import os.path as osp
from typing import Optional, Sequence


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='linear evaluation config')
    parser.add_argument('checkpoint', help='self-supervised checkpoint')
    parser.add_argument('--work-dir', help='default: work_dirs/<config>_'
                        '<checkpoint name>')
    parser.add_argument('--prefix', default='backbone.',
                        help='key prefix of the backbone in the checkpoint')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--cfg-options', nargs='+', default=[],
                        help='extra overrides, KEY=VALUE')
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> dict:
    args = parse_args(argv)
    if not osp.isfile(args.checkpoint):
        raise FileNotFoundError(f'checkpoint not found: {args.checkpoint}')
    name = osp.splitext(osp.basename(args.config))[0]
    ckpt_name = osp.splitext(osp.basename(args.checkpoint))[0]
    work_dir = args.work_dir or osp.join('work_dirs', f'{name}_{ckpt_name}')
    options = [
        'model.backbone.init_cfg.type=Pretrained',
        f'model.backbone.init_cfg.checkpoint={args.checkpoint}',
        f'model.backbone.init_cfg.prefix={args.prefix}',
        f'randomness.seed={args.seed}', *args.cfg_options
    ]
    from . import test, train
    runner = train.main([args.config, '--work-dir', work_dir,
                         '--cfg-options', *options])
    last = osp.join(work_dir, f'epoch_{runner.max_epochs}.pth')
    extra = ['--cfg-options', *args.cfg_options] if args.cfg_options else []
    metrics = test.main([args.config, last, '--work-dir', work_dir, *extra])
    print(json.dumps(dict(checkpoint=args.checkpoint, seed=args.seed,
                          **{k: float(v) for k, v in metrics.items()})))
    return metrics

