"""Measure the pixel shortcut of a cross-view mixup target.

For x_m = CutMix(x_i^{τq}, x_j^{τk}) (λ = 0.5, a fixed half-image box) the
*online* encoder's z_m is compared with the momentum encoder's embeddings of
every other image of the batch; the partner j counts as retrieved when it is
the most similar one. Two candidate sets are scored:

* ``pasted_view``: the embeddings of the τk views, i.e. of the very pixels
  pasted into x_m (``MixMoCo(partner_target='pasted_view')``);
* ``other_view``: the embeddings of the τq views, which x_m does not contain
  (the default target).

On a *random-initialised* encoder nothing but pixel overlap can make the
partner stand out, so a retrieval rate above chance (1 / (N − 1)) is the
shortcut a target offers. The images and the two views come from the
config's training pipeline; the model is built from the config untrained.

    python tools/selfsup/partner_shortcut.py \\
        configs/selfsup/\\
mocov2-mixup_resnet18-w8_1xb64-coslr-2e_fashion-mnist.py \\
        --batches 20 --seed 0
"""
import argparse
import json
from typing import TYPE_CHECKING, Iterable, Iterator, Optional, Sequence, Tuple

import torch
from mmengine.config import Config
from mmengine.dataset import default_collate
from mmengine.runner import set_random_seed

if TYPE_CHECKING:
    from mixtoolbox.models.selfsup import MixMoCo


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Partner retrieval rate of cross-view mixup targets on a '
                    'random-initialised MoCo encoder (CutMix, λ = 0.5).')
    parser.add_argument('config', help='a MixMoCo / SAMixMoCo config')
    parser.add_argument('--batches', type=int, default=20,
                        help='batches to average over (default: 20)')
    parser.add_argument('--batch-size', type=int, default=64,
                        help='images per batch (default: 64)')
    parser.add_argument('--seed', type=int, default=0,
                        help='seed of the initialisation, the views and the '
                             'partners (default: 0)')
    parser.add_argument('--cfg-options', nargs='+', default=[],
                        help='key=value overrides of the config')
    return parser.parse_args(argv)


@torch.no_grad()
def measure(model: 'MixMoCo',
            batches: Iterable[Tuple[torch.Tensor, torch.Tensor]],
            seed: int = 0) -> dict:
    """Retrieval rate (%) of the partner for both candidate sets.

    ``batches``: iterable of ``(x_q, x_k)`` pre-processed view tensors."""
    g = torch.Generator().manual_seed(seed)
    hits = dict(pasted_view=0, other_view=0)
    total = 0
    for x_q, x_k in batches:
        n, w = x_q.size(0), x_q.size(-1)
        shift = torch.randint(1, n, (1, ), generator=g, device=g.device)
        perm = (torch.arange(n, device=x_q.device)
                + shift.to(x_q.device)) % n
        x_m = x_q.clone()
        x_m[..., :, :w // 2] = x_k[perm][..., :, :w // 2]  # λ = 0.5
        z_m = model.embed(x_m)
        for name, view in (('pasted_view', x_k), ('other_view', x_q)):
            sim = z_m @ model.keys(view).t()
            sim.fill_diagonal_(float('-inf'))  # i itself is not a candidate
            hits[name] += int((sim.argmax(1) == perm).sum())
        total += n
    return dict({k: 100.0 * v / total for k, v in hits.items()},
                chance=100.0 / (n - 1), samples=total)


def main(argv: Optional[Sequence[str]] = None) -> None:
    args = parse_args(argv)
    from mixtoolbox.registry import DATASETS, MODELS
    from mixtoolbox.utils import register_all_modules
    register_all_modules()
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        from mmengine.config import DictAction
        opts = DictAction()
        ns = argparse.Namespace()
        opts(None, ns, args.cfg_options)
        cfg.merge_from_dict(ns.cfg_options)
    set_random_seed(args.seed)
    model = MODELS.build(cfg.model).train()
    dataset = DATASETS.build(cfg.train_dataloader.dataset)
    order = torch.randperm(len(dataset), device='cpu',
                           generator=torch.Generator().manual_seed(args.seed))

    def batches() -> Iterator[Tuple[torch.Tensor, torch.Tensor]]:
        for b in range(args.batches):
            idx = order[b * args.batch_size:(b + 1) * args.batch_size]
            data = default_collate([dataset[int(i)] for i in idx])
            views = model.data_preprocessor(data, False)['inputs']
            yield views[0], views[1]

    result = measure(model, batches(), args.seed)
    print(json.dumps(dict(result, config=args.config, seed=args.seed)))

