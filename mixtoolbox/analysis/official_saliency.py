"""Ours vs the authors' code, side by side in one process: Co-Mixup's
labelling + mixing, and PuzzleMix's transport step.

On identical inputs — saliency, prior, initial labelling, partner
permutation, mask — each round runs our implementation and the official one
in alternating order and records wall time (``time.perf_counter``) and the
quality of the result:

- **Co-Mixup** (Kim et al., ICLR 2021): per partition, the labelling sweeps
  (ours: ``CoMixup.label_partition``; official: ``match.get_onehot_matrix``
  with the gco graph cuts) and the mixing of inputs and labels (ours:
  ``CoMixup.mix``; official: ``match.mix_input``). Quality: the objective
  of Co-Mixup eqs. 1–3 as both codes compute it for their stopping rule
  (``CoMixup.objective`` = official ``obj_fn``; lower is better). The
  Dirichlet prior is drawn once per partition and added to the unary for
  both (the official function is called with η = 0 on the shifted cost, so
  it uses our draw; it still draws and discards its own, a negligible
  cost). Saliency: smooth random maps (|N(0, 1)| on an 8 × 8 grid, bilinear
  to the image size) — the solvers only see the pooled, normalised maps.
- **PuzzleMix** (Kim et al., ICML 2020): the transport of both images
  (ours: ``transport_sources`` + ``move_blocks``; official:
  ``mask_transport`` + ``transport_image``) for a random binary block mask
  and the pooled saliency. Quality: the transport cost of the plan on the
  destinations the mixed image shows, Σ eps·‖pos_src − pos_dst‖²/(T−1)²
  − s_src over visible destinations that receive a block (lower is
  better).

The official code is optional: ``--official-dir`` names a folder holding
clones of https://github.com/snu-mllab/Co-Mixup and
https://github.com/snu-mllab/PuzzleMix (sub-folders ``Co-Mixup`` and
``PuzzleMix``); their modules import ``gco`` (the ``gco-wrapper`` wheel),
which must be importable (e.g. ``pip install --target /tmp/gcolib
gco-wrapper`` and ``PYTHONPATH=/tmp/gcolib``). Nothing of that code is part
of this repository. Without it (or without gco), only our side is timed and
the official columns say so.

The command line is ``tools/analysis/compare_official_saliency.py``.

Example (the table of docs/methods/saliency_mixups.md)::

    PYTHONPATH=/tmp/gcolib \\
        python tools/analysis/compare_official_saliency.py \\
        --official-dir /tmp/official --rounds 10 --threads 1
"""
import argparse
import importlib.util
import json
import math
import os.path as osp
import statistics
import time
from types import ModuleType
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Dict,
    List,
    Optional,
    Sequence,
    Tuple,
)

import numpy as np
import torch
import torch.nn.functional as F

if TYPE_CHECKING:
    from mixtoolbox.models.mixups import CoMixup


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Time our Co-Mixup (labelling + mixing) and PuzzleMix '
        'transport against the official code on identical inputs, '
        'interleaved in one process; prints a Markdown table (medians) and '
        'optionally writes JSON. See the module docstring.')
    parser.add_argument('--official-dir', metavar='DIR',
                        help='folder with the Co-Mixup/ and PuzzleMix/ '
                        'clones of the official code (needs gco importable);'
                        ' without it only our side is timed')
    parser.add_argument('--batch-size', type=int, default=100)
    parser.add_argument('--image-size', type=int, default=32)
    parser.add_argument('--rounds', type=int, default=5,
                        help='timed rounds (each: ours and official, '
                        'alternating order)')
    parser.add_argument('--warmup', type=int, default=1)
    parser.add_argument('--threads', type=int, default=1,
                        help='torch intra-op threads (default 1)')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--methods', nargs='+', default=['comixup',
                                                         'transport'],
                        choices=['comixup', 'transport'])
    parser.add_argument('--block-num', type=int, default=4,
                        help='Co-Mixup block grid B (CIFAR: 4)')
    parser.add_argument('--t-size', type=int, default=4,
                        help='PuzzleMix transport block size in px '
                        '(CIFAR: 4)')
    parser.add_argument('--t-eps', type=float, default=0.8,
                        help='PuzzleMix transport distance weight '
                        '(CIFAR: 0.8)')
    parser.add_argument('--out', metavar='FILE', help='write JSON here')
    args = parser.parse_args(argv)
    for name in ('batch_size', 'image_size', 'rounds', 'block_num',
                 't_size'):
        if getattr(args, name) < 1:
            parser.error(f'--{name.replace("_", "-")} must be >= 1')
    if args.image_size % args.block_num or args.image_size % args.t_size:
        parser.error('--image-size must be divisible by --block-num and '
                     '--t-size')
    return args


def load_module(path: str, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def official_modules(
    folder: Optional[str]
) -> Tuple[Optional[ModuleType], Optional[ModuleType], str]:
    """``(match, puzzle, reason)``: the official modules, or None and why."""
    if not folder:
        return None, None, 'no --official-dir'
    try:
        import gco  # noqa: F401
    except ImportError:
        return None, None, 'gco (gco-wrapper) not importable'
    found = {}
    for key, rel in (('match', 'Co-Mixup/match.py'),
                     ('puzzle', 'PuzzleMix/mixup.py')):
        path = osp.join(folder, rel)
        found[key] = (load_module(path, f'official_{key}')
                      if osp.isfile(path) else None)
    missing = [k for k, v in found.items() if v is None]
    return found['match'], found['puzzle'], (
        f'missing {missing} under {folder}' if missing else '')


def smooth_saliency(n: int, size: int,
                    gen: torch.Generator) -> torch.Tensor:
    coarse = torch.randn(n, 1, 8, 8, generator=gen, device='cpu').abs()
    return F.interpolate(coarse, size=(size, size), mode='bilinear',
                         align_corners=False)[:, 0]


def timed(fn: Callable[[], Any]) -> Tuple[Any, float]:
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


# ---------------------------------------------------------------- Co-Mixup
def comixup_round(mix: 'CoMixup', match: Optional[ModuleType],
                  args: argparse.Namespace, gen: torch.Generator,
                  order: Sequence[str]) -> Dict[str, float]:
    from mixtoolbox.models.mixups.saliency_utils import pool_saliency
    n, size, b = args.batch_size, args.image_size, args.block_num
    hw = b * b
    sal = smooth_saliency(n, size, gen)
    x = torch.randn(n, 3, size, size, generator=gen, device='cpu')
    y = F.one_hot(torch.randint(0, 10, (n, ), generator=gen, device='cpu'),
                  10).float()
    params = mix.sample_params(x)
    cost = -pool_saliency(sal, size // b).double().cpu().numpy()
    dist = mix.compatibility(sal)
    sides = [side for side in order if side == 'ours' or match is not None]
    result = {f'{side}_{key}': 0.0 for side in sides for key in ('s', 'obj')}
    for part in mix.partitions(n):
        sl = slice(part.start, part.stop)
        d = dist[sl, sl]
        d = d / d.sum() * len(part) if d.sum() > 0 else d
        comp = (1 - mix.omega) * np.eye(len(part)) + mix.omega * d
        prior, init = params['prior'][sl], params['init'][sl]
        unary = cost[sl] - mix.eta / hw * np.log(prior + 1e-8)[:, None, None]

        def ours() -> np.ndarray:
            w = mix.label_partition(cost[sl], comp, prior, init)
            weights = torch.as_tensor(w, dtype=torch.float32)
            mix.mix(x[sl], y[sl], weights)
            return w.transpose(0, 2, 3, 1)

        def official() -> np.ndarray:
            onehot = match.get_onehot_matrix(
                torch.as_tensor(unary, dtype=torch.float32),
                torch.as_tensor(comp, dtype=torch.float32), len(part),
                idx=torch.as_tensor(init), beta=mix.beta, gamma=mix.gamma,
                eta=0.0, mixup_alpha=mix.alpha, thres=mix.thres,
                thres_type='hard', set_resolve=mix.set_resolve,
                niter=mix.niter, device='cpu')
            match.mix_input(onehot, x[sl], y[sl])
            return onehot.double().cpu().numpy()

        for side in sides:
            weights, sec = timed(ours if side == 'ours' else official)
            result[side + '_s'] += sec
            result[side + '_obj'] += mix.objective(unary, weights)
    return result


# --------------------------------------------------------------- PuzzleMix
def transport_cost(src: torch.Tensor, vis: torch.Tensor, sal: torch.Tensor,
                   eps: float) -> float:
    """Σ over the visible destinations that receive a block of
    eps·d²/(T−1)² − s_src (what the mixed image shows)."""
    n, t2 = src.shape
    side = math.isqrt(t2)
    yx = torch.stack(torch.meshgrid(torch.arange(side, device='cpu'),
                                     torch.arange(side, device='cpu'),
                                     indexing='ij'), -1).reshape(-1, 2)
    dist = torch.cdist(yx.float(), yx.float()).pow(2) / max(side - 1, 1) ** 2
    moved = src >= 0
    s = src.clamp_min(0)
    dst = torch.arange(t2, device='cpu').expand(n, t2)
    cost = eps * dist[s, dst] - sal.gather(1, s) * vis.float()
    return float((cost * (moved & vis)).sum())


def transport_round(puzzle: Optional[ModuleType], args: argparse.Namespace,
                    gen: torch.Generator,
                    order: Sequence[str]) -> Dict[str, float]:
    from mixtoolbox.models.mixups.saliency_utils import (
        move_blocks,
        pool_saliency,
        transport_sources,
    )
    n, size, tsz, eps = (args.batch_size, args.image_size, args.t_size,
                         args.t_eps)
    grid = size // tsz
    x = torch.randn(n, 3, size, size, generator=gen, device='cpu')
    index = torch.randperm(n, generator=gen, device='cpu')
    # a PuzzleMix mask: random labels on a coarser grid, nearest-upsampled
    coarse = torch.randint(0, 2, (n, 1, 2, 2), generator=gen,
                           device='cpu').float()
    mask = F.interpolate(coarse, size=grid, mode='nearest')
    sal = pool_saliency(smooth_saliency(n, size, gen), tsz)
    flat = sal.flatten(1)
    vis = mask.flatten(1)
    result = {}

    def ours() -> Tuple[torch.Tensor, torch.Tensor]:
        src_own = transport_sources(vis > 0, flat, eps)
        src_par = transport_sources(vis < 1, flat[index], eps)
        move_blocks(x, src_own)
        move_blocks(x[index], src_par)
        return src_own, src_par

    def official() -> Tuple[torch.Tensor, torch.Tensor]:
        plan1 = puzzle.mask_transport(mask, sal, eps=eps)
        puzzle.transport_image(x, plan1, n, grid, tsz)
        plan2 = puzzle.mask_transport(1 - mask, sal[index], eps=eps)
        puzzle.transport_image(x[index], plan2, n, grid, tsz)
        return plan1, plan2

    # plan[src, dst] -> source of each dst (-1: none)
    def sources(plan: torch.Tensor) -> torch.Tensor:
        src = plan.argmax(1)
        return torch.where(plan.sum(1) > 0, src, torch.full_like(src, -1))

    for side in order:
        if side == 'official' and puzzle is None:
            continue
        (own, par), sec = timed(ours if side == 'ours' else official)
        if side == 'official':
            own, par = sources(own), sources(par)
        result[side + '_s'] = sec
        result[side + '_obj'] = (
            transport_cost(own, vis > 0, flat, eps)
            + transport_cost(par, vis < 1, flat[index], eps))
    return result


def summarise(runs: List[Dict[str, float]]) -> Dict[str, Any]:
    keys = runs[0].keys()
    med = {k: statistics.median(r[k] for r in runs) for k in keys}
    out = dict(median=med)
    if 'official_s' in med:
        ratios = [r['ours_s'] / r['official_s'] for r in runs]
        diff = [r['ours_obj'] - r['official_obj'] for r in runs]
        out.update(ratio_median=statistics.median(ratios),
                   ratio_min=min(ratios), ratio_max=max(ratios),
                   obj_diff_mean=statistics.fmean(diff),
                   obj_diff_sd=(statistics.stdev(diff)
                                if len(diff) > 1 else 0.0),
                   ours_not_worse=sum(d <= 1e-9 for d in diff),
                   rounds=len(runs))
    return out


def markdown(summary: Dict[str, Dict[str, Any]], meta: dict) -> str:
    lines = [f"{meta['batch']} images of {meta['image']}, {meta['threads']} "
             f"thread(s), median of {meta['rounds']} interleaved rounds; "
             f"official: {meta['official'] or 'yes'}", '',
             '| step | ours (ms) | official (ms) | ours / official '
             '(median, min–max) | objective ours − official (mean ± sd) '
             '| rounds ours ≤ official |', '|---|---|---|---|---|---|']
    names = dict(comixup='Co-Mixup labelling + mixing',
                 transport='PuzzleMix transport (both images)')
    for key, s in summary.items():
        m = s['median']
        if 'official_s' in m:
            lines.append(
                f"| {names[key]} | {1e3 * m['ours_s']:.1f} | "
                f"{1e3 * m['official_s']:.1f} | {s['ratio_median']:.2f} "
                f"({s['ratio_min']:.2f}–{s['ratio_max']:.2f}) | "
                f"{s['obj_diff_mean']:+.4f} ± {s['obj_diff_sd']:.4f} | "
                f"{s['ours_not_worse']}/{s['rounds']} |")
        else:
            lines.append(f"| {names[key]} | {1e3 * m['ours_s']:.1f} | — | — "
                         '| — | — |')
    return '\n'.join(lines)


def main(argv: Optional[Sequence[str]] = None) -> dict:
    """``tools/analysis/compare_official_saliency.py``; returns ``{meta,
    summary, runs}`` (CPU only: the official code is CPU/NumPy)."""
    args = parse_args(argv)
    from mixtoolbox.models.mixups import CoMixup
    torch.set_num_threads(args.threads)
    match, puzzle, reason = official_modules(args.official_dir)
    if reason:
        print(f'official code skipped: {reason}')
    mix = CoMixup()
    runs = {m: [] for m in args.methods}
    for r in range(args.warmup + args.rounds):
        order = ('ours', 'official') if r % 2 else ('official', 'ours')
        for method in args.methods:
            seed = args.seed + r
            np.random.seed(seed)
            gen = torch.Generator().manual_seed(seed)
            torch.manual_seed(seed)
            res = (comixup_round(mix, match, args, gen, order)
                   if method == 'comixup' else
                   transport_round(puzzle, args, gen, order))
            if r >= args.warmup:
                runs[method].append(res)
    summary = {m: summarise(v) for m, v in runs.items()}
    meta = dict(batch=args.batch_size,
                image=f'{args.image_size}×{args.image_size}',
                threads=args.threads, rounds=args.rounds,
                official=reason, block_num=args.block_num,
                t_size=args.t_size, t_eps=args.t_eps)
    table = markdown(summary, meta)
    print(table)
    result = dict(meta=meta, summary=summary, runs=runs)
    if args.out:
        with open(args.out, 'w') as f:
            json.dump(result, f, indent=1)
    return result

