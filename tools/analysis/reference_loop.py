#!/usr/bin/env python
"""An independent reference training loop for the Fashion-MNIST accuracy
protocol: plain PyTorch, no mmengine Runner and no ``mixtoolbox`` import.

It re-implements, from the papers and not from the toolbox's code, what the
toolbox's accuracy benchmark (``tools/analysis/accuracy_benchmark.py``)
trains, so that a disagreement between the two points at a defect:

* data: its own reader of the Fashion-MNIST IDX files (raw or ``.gz``), the
  first ``--train-images`` training images, the 10,000 test images;
  RandomCrop(28, zero padding ``--crop-padding`` in pixel units) and a
  horizontal flip with probability 0.5, then (x − mean) / std in pixel units;
* network: PreActResNet-18 (He, Zhang, Ren and Sun, "Identity Mappings in
  Deep Residual Networks", ECCV 2016, arXiv:1603.05027) with a 3×3 stem and
  no max-pool, stages of width w, 2w, 4w, 8w (strides 1, 2, 2, 2), a final
  BN → ReLU, global average pooling and a linear classifier initialised
  N(0, 0.01²) with zero bias (as mmpretrain's ``LinearClsHead``);
* schedule: SGD (Nesterov momentum, weight decay on every parameter), a
  linear warm-up from ``--warmup-start`` × lr over the first epoch reaching
  lr at its last iteration, then cosine to 0 over the remaining iterations
  (mmengine's ``LinearLR`` + ``CosineAnnealingLR`` converted to iterations);
* loss: cross-entropy with soft targets, averaged over the batch;
* methods (each a few lines below, randomness passed in):
  - Mixup: Zhang, Cisse, Dauphin and Lopez-Paz, "mixup: Beyond Empirical
    Risk Minimization", ICLR 2018, arXiv:1710.09412 — λ ~ Beta(α, α),
    x̃ = λ x_i + (1 − λ) x_j, ỹ = λ y_i + (1 − λ) y_j (their eq. 1);
  - CutMix: Yun, Han, Oh, Chun, Choe and Yoo, "CutMix: Regularization
    Strategy to Train Strong Classifiers with Localizable Features",
    ICCV 2019, arXiv:1905.04899 — λ ~ Beta(α, α), a box of sides
    √(1 − λ)·(H, W) centred uniformly, clipped; the label share is the pixel
    share after clipping (their eq. 1 and §3.1); applied on an iteration
    with probability ``--cutmix-prob`` (0.5, as the benchmark's config and
    its authors' CIFAR command), plain cross-entropy otherwise;
  - MultiMix: Venkataramanan, Kijak, Amsaleg and Avrithis, "Embedding Space
    Interpolation Beyond Mini-Batch, Beyond Pairs and Beyond Examples",
    NeurIPS 2023, arXiv:2311.05538 — n interpolation vectors
    λ_k ~ Dir(α_k 1_m) over the whole mini-batch of m, α_k ~ U[0.5, 2];
    Z̃ = ZΛ, Ỹ = YΛ and the loss H(Ỹ, g_W(Z̃)) (§3.2, eqs. 6–8 of the
    review version; the embedding is the pooled feature before the last
    linear layer); each iteration applies MultiMix with probability 0.5 and
    input mixup otherwise (App. A.1).

The defaults are the toolbox's protocol at the time of writing
(``configs/benchmarks/fashion_mnist/preactresnet18-w8_fashionmnist2k_
vanilla.py`` with the accuracy benchmark's default of 10 epochs); every
protocol value is an option, and ``--config`` reads them from a toolbox
benchmark config (through mmengine's ``Config`` only) so that both tools can
be pointed at the same protocol.

Each (method, seed) appends one JSON line to ``--out``: top-1 and ECE on
the test set, the test/train top-1 per evaluated epoch, the clean training
accuracy, reliability-diagram bins, wall time, the git commit and the
command. Runs whose (method, seed, protocol) are already in ``--out`` are
skipped (``--force`` re-runs them). On a CPU with a fixed seed and thread
count a run is deterministic: the same command gives the same numbers and
the same ``state_sha256`` of the final weights.

    python tools/analysis/reference_loop.py --method vanilla mixup \\
        --seed 0 1 2 --out work_dirs/reference_loop/results.jsonl
    python tools/analysis/reference_loop.py --method multimix --seed 0 \\
        --config configs/benchmarks/fashion_mnist/\\
preactresnet18-w8_fashionmnist2k_vanilla.py --epochs 30
"""
import argparse
import gzip
import hashlib
import json
import math
import os
import os.path as osp
import shlex
import struct
import subprocess
import sys
import time
from contextlib import contextmanager
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import Tensor

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
METHODS = ('vanilla', 'mixup', 'cutmix', 'multimix')
NUM_CLASSES = 10
# The toolbox protocol (see the module docstring); `epochs` is the accuracy
# benchmark's default, the config's own max_epochs is 30.
# `test_images` None: all 10,000.
PROTOCOL = dict(train_images=2000, epochs=10, iters=None, batch_size=100,
                width=8, lr=0.1, momentum=0.9, nesterov=True,
                weight_decay=5e-4, warmup_epochs=1, warmup_start=0.1,
                crop_padding=2, flip_prob=0.5, mean=72.94, std=90.02,
                test_images=None)
# Hyper-parameters of the methods as the accuracy benchmark sets them.
METHOD_PARAMS = dict(mixup_alpha=1.0, cutmix_alpha=1.0, cutmix_prob=0.5,
                     multimix_n=1000, multimix_alpha=(0.5, 2.0),
                     multimix_prob=0.5)
IDX_FILES = dict(train=('train-images-idx3-ubyte', 'train-labels-idx1-ubyte'),
                 test=('t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'))


# ------------------------------------------------------------------- data
def read_idx(path: str) -> np.ndarray:
    """An IDX file (LeCun's MNIST format; ``path`` or ``path.gz``) as a
    uint8 array: magic ``0x0000 08 D`` (unsigned bytes, D dimensions), D
    big-endian uint32 sizes, then the data."""
    if not osp.isfile(path) and osp.isfile(path + '.gz'):
        path = path + '.gz'
    if not osp.isfile(path):
        raise FileNotFoundError(f'IDX file not found: {path} (nor {path}.gz)')
    opener = gzip.open if path.endswith('.gz') else open
    with opener(path, 'rb') as f:
        raw = f.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08:
        raise ValueError(f'{path}: not an unsigned-byte IDX file (magic '
                         f'{raw[:4].hex()}, expected 000008xx)')
    ndim = raw[3]
    shape = struct.unpack(f'>{ndim}I', raw[4:4 + 4 * ndim])
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    if data.size != int(np.prod(shape)):
        raise ValueError(f'{path}: header says {shape} '
                         f'({int(np.prod(shape))} bytes), file has '
                         f'{data.size}')
    return data.reshape(shape)


def load_split(root: str, split: str,
               limit: Optional[int] = None) -> Tuple[np.ndarray, np.ndarray]:
    """Images ``[N, 28, 28]`` and labels ``[N]`` of ``split`` ('train' or
    'test'), the first ``limit`` of them when given."""
    images, labels = (read_idx(osp.join(root, name))
                      for name in IDX_FILES[split])
    if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
        raise ValueError(f'{root}: {split} images {images.shape} and labels '
                         f'{labels.shape} do not match')
    if limit is not None:
        if not 1 <= limit <= len(images):
            raise ValueError(f'--train-images must lie in [1, {len(images)}]'
                             f', got {limit}')
        images, labels = images[:limit], labels[:limit]
    return images, labels


def augment(x: Tensor, rng: np.random.Generator, padding: int,
            flip_prob: float) -> Tensor:
    """Random crop of the input size from the zero-padded image, then a
    horizontal flip with probability ``flip_prob``, one draw per image;
    ``x`` is ``[N, C, H, W]`` in pixel units."""
    n, _, h, w = x.shape
    if padding > 0:
        padded = F.pad(x, (padding, padding, padding, padding), value=0.0)
        top = rng.integers(0, 2 * padding + 1, size=n)
        left = rng.integers(0, 2 * padding + 1, size=n)
        x = torch.stack([padded[i, :, t:t + h, s:s + w]
                         for i, (t, s) in enumerate(zip(top, left))])
    if flip_prob > 0:
        flip = torch.as_tensor(rng.random(n) < flip_prob, device=x.device)
        x = torch.where(flip.view(n, 1, 1, 1), x.flip(-1), x)
    return x


# ------------------------------------------------------------------ model
class PreActBlock(nn.Module):
    """BN-ReLU-conv3×3-BN-ReLU-conv3×3; the shortcut is the identity or a
    1×1 strided conv of the pre-activated input (He et al. 2016, Fig. 4e)."""

    def __init__(self, cin: int, cout: int, stride: int):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.proj = (nn.Conv2d(cin, cout, 1, stride, bias=False)
                     if stride != 1 or cin != cout else None)

    def forward(self, x: Tensor) -> Tensor:
        pre = F.relu(self.bn1(x))
        skip = x if self.proj is None else self.proj(pre)
        out = self.conv2(F.relu(self.bn2(self.conv1(pre))))
        return out + skip


class PreActResNet18(nn.Module):
    """PreActResNet-18 for small images: 3×3 stem, four stages of two
    blocks (widths w, 2w, 4w, 8w; strides 1, 2, 2, 2), final BN-ReLU,
    global average pooling; :meth:`embed` is f_θ, ``fc`` is g_W."""

    def __init__(self, width: int = 8, in_channels: int = 1,
                 num_classes: int = NUM_CLASSES):
        super().__init__()
        self.stem = nn.Conv2d(in_channels, width, 3, 1, 1, bias=False)
        blocks, cin = [], width
        for stage, stride in enumerate((1, 2, 2, 2)):
            cout = width * 2 ** stage
            blocks += [PreActBlock(cin, cout, stride),
                       PreActBlock(cout, cout, 1)]
            cin = cout
        self.blocks = nn.Sequential(*blocks)
        self.bn = nn.BatchNorm2d(cin)
        self.fc = nn.Linear(cin, num_classes)
        nn.init.normal_(self.fc.weight, 0.0, 0.01)
        nn.init.zeros_(self.fc.bias)

    def embed(self, x: Tensor) -> Tensor:
        z = F.relu(self.bn(self.blocks(self.stem(x))))
        return z.mean(dim=(2, 3))

    def forward(self, x: Tensor) -> Tensor:
        return self.fc(self.embed(x))


# ----------------------------------------------------------------- mixing
def mixup(x: Tensor, y: Tensor, lam: float,
          perm: Tensor) -> Tuple[Tensor, Tensor]:
    """Mixup (Zhang et al. 2018, eq. 1): λ·(x, y) + (1 − λ)·(x, y)[perm]."""
    return lam * x + (1 - lam) * x[perm], lam * y + (1 - lam) * y[perm]


def cutmix_box(lam: float, height: int, width: int,
               rng: np.random.Generator) -> Tuple[int, int, int, int]:
    """CutMix box (Yun et al. 2019, §3.1): sides √(1 − λ)·(H, W), centre
    uniform over the image, clipped to it; (top, bottom, left, right)."""
    side = math.sqrt(1 - lam)
    bh, bw = int(height * side), int(width * side)
    cy, cx = int(rng.integers(height)), int(rng.integers(width))
    top, bottom = max(cy - bh // 2, 0), min(cy + bh // 2, height)
    left, right = max(cx - bw // 2, 0), min(cx + bw // 2, width)
    return top, bottom, left, right


def cutmix(x: Tensor, y: Tensor, box: Tuple[int, int, int, int],
           perm: Tensor) -> Tuple[Tensor, Tensor]:
    """CutMix (Yun et al. 2019, eq. 1): the box of x[perm] pasted into x;
    the target weights are the pixel shares of the result."""
    top, bottom, left, right = box
    keep = torch.ones_like(x[:1, :1])
    keep[..., top:bottom, left:right] = 0
    own = float(keep.mean())
    return keep * x + (1 - keep) * x[perm], own * y + (1 - own) * y[perm]


def dirichlet_weights(m: int, n: int, alpha: Tuple[float, float],
                      rng: np.random.Generator) -> np.ndarray:
    """Λ ∈ R^{m×n}: column k is λ_k ~ Dir(α_k 1_m), α_k ~ U[alpha] (MultiMix,
    §3.2 and §4.4), sampled as normalised Gamma(α_k, 1) draws."""
    conc = rng.uniform(alpha[0], alpha[1], size=(1, n))
    gam = rng.gamma(np.broadcast_to(conc, (m, n)))
    return gam / gam.sum(axis=0, keepdims=True)


def multimix(z: Tensor, y: Tensor, lam: Tensor) -> Tuple[Tensor, Tensor]:
    """MultiMix (eqs. 6–7): Z̃ = ZΛ, Ỹ = YΛ; with examples as rows of
    ``z [m, d]`` and ``y [m, c]`` that is Λᵀz ``[n, d]`` and Λᵀy ``[n, c]``."""
    return lam.t() @ z, lam.t() @ y


def soft_cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    """−Σ_c ỹ_c log softmax(logits)_c, averaged over the batch."""
    return -(target * F.log_softmax(logits, dim=1)).sum(dim=1).mean()


def train_step_loss(model: PreActResNet18, method: str, x: Tensor,
                    y: Tensor, rng: np.random.Generator,
                    params: dict) -> Tensor:
    """The loss of one iteration of ``method`` on normalised images ``x`` and
    one-hot targets ``y``."""
    if method == 'vanilla' or (method == 'cutmix' and
                               rng.random() >= params['cutmix_prob']):
        return soft_cross_entropy(model(x), y)
    m = x.size(0)
    if method == 'multimix' and rng.random() < params['multimix_prob']:
        lam = torch.as_tensor(
            dirichlet_weights(m, params['multimix_n'],
                              params['multimix_alpha'], rng),
            dtype=x.dtype, device=x.device)
        z_mix, y_mix = multimix(model.embed(x), y, lam)
        return soft_cross_entropy(model.fc(z_mix), y_mix)
    perm = torch.as_tensor(rng.permutation(m), device=x.device)
    if method == 'cutmix':
        lam = float(rng.beta(params['cutmix_alpha'], params['cutmix_alpha']))
        x_mix, y_mix = cutmix(x, y, cutmix_box(lam, *x.shape[-2:], rng), perm)
    else:  # mixup, and multimix's input-mixup iterations
        lam = float(rng.beta(params['mixup_alpha'], params['mixup_alpha']))
        x_mix, y_mix = mixup(x, y, lam, perm)
    return soft_cross_entropy(model(x_mix), y_mix)


# --------------------------------------------------------------- schedule
def learning_rate(it: int, total: int, warmup: int, lr: float,
                  start: float) -> float:
    """lr of iteration ``it`` (0-based): linear from ``start``·lr at 0 to lr
    at ``warmup − 1``, then cosine from lr at ``warmup`` to 0 at ``total``."""
    if it < warmup:
        return lr * (start + (1 - start) * it / max(warmup - 1, 1))
    return lr * 0.5 * (1 + math.cos(math.pi * (it - warmup)
                                    / max(total - warmup, 1)))


# ------------------------------------------------------------- evaluation
@torch.no_grad()
def evaluate(model: nn.Module, images: Tensor, labels: Tensor,
             batch_size: int, num_bins: int = 15) -> dict:
    """Top-1 (%), ECE (%) with ``num_bins`` equal-width confidence bins
    ((m−1)/M, m/M], and the per-bin sums of a reliability diagram."""
    model.eval()
    conf, hit = [], []
    for start in range(0, len(images), batch_size):
        prob = model(images[start:start + batch_size]).softmax(dim=1)
        top, pred = prob.max(dim=1)
        conf.append(top.double().cpu())
        hit.append((pred == labels[start:start + batch_size]).double().cpu())
    conf_all, hit_all = torch.cat(conf), torch.cat(hit)
    bins = (torch.ceil(conf_all * num_bins).long() - 1).clamp(0, num_bins - 1)
    count = torch.bincount(bins, minlength=num_bins).double()
    conf_sum = torch.bincount(bins, conf_all, minlength=num_bins)
    hit_sum = torch.bincount(bins, hit_all, minlength=num_bins)
    gap = (hit_sum - conf_sum).abs().sum() / len(conf_all)
    return dict(top1=100 * float(hit_all.mean()), ece=100 * float(gap),
                reliability=dict(num_bins=num_bins, count=count.tolist(),
                                 confidence_sum=conf_sum.tolist(),
                                 correct_sum=hit_sum.tolist()))


# -------------------------------------------------------------- protocol
def protocol_from_config(path: str) -> dict:
    """The protocol values of a toolbox Fashion-MNIST benchmark config, read
    with mmengine's ``Config`` (which imports nothing of mixtoolbox); a
    setting this loop cannot reproduce is a ValueError naming it."""
    from mmengine.config import Config
    cfg = Config.fromfile(path)
    out = {}

    def need(ok: bool, field: str, value) -> None:
        if not ok:
            raise ValueError(f'{path}: {field} = {value!r} is not what the '
                             'reference loop implements')

    backbone = cfg.model.backbone
    need(backbone.get('type') == 'PreActResNet' and backbone.get('depth')
         == 18 and backbone.get('in_channels') == 1, 'model.backbone',
         backbone)
    need(backbone.get('stem_stride', 1) == 1
         and backbone.get('last_stride', 2) == 2, 'model.backbone', backbone)
    need(cfg.model.head.get('num_classes') == NUM_CLASSES,
         'model.head.num_classes', cfg.model.head.get('num_classes'))
    out['width'] = int(backbone.get('base_channels', 64))
    loader = cfg.train_dataloader
    out['batch_size'] = int(loader.batch_size)
    indices = loader.dataset.get('indices')
    need(indices is None or isinstance(indices, int),
         'train_dataloader.dataset.indices', indices)
    out['train_images'] = 60000 if indices is None else int(indices)
    out['crop_padding'], out['flip_prob'] = 0, 0.0
    for step in loader.dataset.pipeline:
        kind = step['type']
        if kind == 'RandomCrop':
            need(step.get('crop_size') in (28, (28, 28))
                 and step.get('pad_val', 0) == 0
                 and step.get('padding_mode', 'constant') == 'constant',
                 'RandomCrop', step)
            out['crop_padding'] = int(step.get('padding') or 0)
        elif kind == 'RandomFlip':
            need(step.get('direction', 'horizontal') == 'horizontal',
                 'RandomFlip.direction', step.get('direction'))
            out['flip_prob'] = float(step['prob'])
        else:
            need(kind == 'PackInputs', 'train pipeline step', kind)
    pre = cfg.get('data_preprocessor') or cfg.model.get('data_preprocessor')
    need(len(pre.mean) == 1 and len(pre.std) == 1, 'data_preprocessor', pre)
    out['mean'], out['std'] = float(pre.mean[0]), float(pre.std[0])
    opt = cfg.optim_wrapper.optimizer
    need(opt.type == 'SGD', 'optim_wrapper.optimizer.type', opt.type)
    need('paramwise_cfg' not in cfg.optim_wrapper,
         'optim_wrapper.paramwise_cfg', cfg.optim_wrapper.get('paramwise_cfg'))
    out.update(lr=float(opt.lr), momentum=float(opt.get('momentum', 0)),
               nesterov=bool(opt.get('nesterov', False)),
               weight_decay=float(opt.get('weight_decay', 0)))
    sched = cfg.param_scheduler
    need(len(sched) == 2 and sched[0].type == 'LinearLR'
         and sched[0].get('begin', 0) == 0
         and sched[1].type == 'CosineAnnealingLR'
         and sched[1].get('eta_min', 0) == 0
         and sched[1].begin == sched[0].end
         and sched[1].end == cfg.train_cfg.max_epochs
         and sched[1].T_max == sched[1].end - sched[1].begin,
         'param_scheduler', sched)
    out['warmup_epochs'] = int(sched[0].end)
    out['warmup_start'] = float(sched[0].start_factor)
    out['epochs'] = int(cfg.train_cfg.max_epochs)
    return out


def git_commit() -> Dict[str, object]:
    def git(*args):
        return subprocess.run(['git', '-C', ROOT, *args], capture_output=True,
                               text=True).stdout.strip()
    commit = git('rev-parse', 'HEAD') or None
    dirty = bool(git('status', '--porcelain', '--untracked-files=no'))
    return dict(commit=commit, dirty=dirty)


def state_sha256(model: nn.Module) -> str:
    digest = hashlib.sha256()
    for name, value in model.state_dict().items():
        digest.update(name.encode())
        digest.update(value.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()


@contextmanager
def deterministic_cpu_state(seed: int, threads: int,
                            device: torch.device) -> Iterator[bool]:
    """Seeded, deterministic torch for one run; the caller's RNG state,
    thread count and deterministic-algorithms flag come back afterwards.
    Yields whether deterministic algorithms could be switched on."""
    old_threads = torch.get_num_threads()
    old_flag = torch.are_deterministic_algorithms_enabled()
    os.environ.setdefault('CUBLAS_WORKSPACE_CONFIG', ':4096:8')
    cuda = [device.index or 0] if device.type == 'cuda' else []
    with torch.random.fork_rng(devices=cuda):
        torch.set_num_threads(threads)
        try:
            torch.use_deterministic_algorithms(True)
            ok = True
        except RuntimeError:
            ok = False
        torch.manual_seed(seed)
        try:
            yield ok
        finally:
            torch.use_deterministic_algorithms(old_flag)
            torch.set_num_threads(old_threads)


def run(method: str, seed: int, protocol: dict, params: dict,
        data_root: str, device: str = 'cpu', threads: int = 1,
        eval_every: int = 1, log=print) -> dict:
    """Train ``method`` with ``seed`` on ``protocol`` and return the
    result row (see the module docstring)."""
    dev = torch.device(device)
    torch.backends.cudnn.benchmark = False
    with deterministic_cpu_state(seed, threads, dev) as deterministic:
        row = _train(method, seed, protocol, params, data_root, dev,
                     eval_every, log)
    return dict(row, device=str(dev), threads=threads,
                deterministic=deterministic, torch=torch.__version__,
                **git_commit())


def _train(method: str, seed: int, p: dict, params: dict, data_root: str,
           dev: torch.device, eval_every: int, log) -> dict:
    rng = np.random.default_rng(seed)

    def to_tensor(images):
        return torch.as_tensor(images.astype(np.float32),
                               device=dev).unsqueeze(1)

    def normalise(x):
        return (x - p['mean']) / p['std']

    train_x, train_y = load_split(data_root, 'train', p['train_images'])
    test_x, test_y = load_split(data_root, 'test')
    if p['test_images'] is not None:
        test_x, test_y = test_x[:p['test_images']], test_y[:p['test_images']]
    train_x, test_x = to_tensor(train_x), normalise(to_tensor(test_x))
    train_y = torch.as_tensor(train_y.astype(np.int64), device=dev)
    test_y = torch.as_tensor(test_y.astype(np.int64), device=dev)
    clean_train = normalise(train_x)
    n_train, bs = len(train_x), p['batch_size']
    per_epoch = math.ceil(n_train / bs)
    total = p['iters'] or p['epochs'] * per_epoch
    epochs = math.ceil(total / per_epoch)
    warmup = min(p['warmup_epochs'] * per_epoch, total)

    model = PreActResNet18(p['width']).to(dev)
    optimizer = torch.optim.SGD(model.parameters(), lr=p['lr'],
                                momentum=p['momentum'],
                                nesterov=p['nesterov'],
                                weight_decay=p['weight_decay'])
    curve, it, train_seconds, train_cpu = [], 0, 0.0, 0.0
    start = time.time()
    for epoch in range(1, epochs + 1):
        tick, cpu_tick, first_it = time.time(), time.process_time(), it
        model.train()
        order = torch.as_tensor(rng.permutation(n_train), device=dev)
        for b in range(per_epoch):
            if it == total:
                break
            idx = order[b * bs:(b + 1) * bs]
            x = normalise(augment(train_x[idx], rng, p['crop_padding'],
                                  p['flip_prob']))
            y = F.one_hot(train_y[idx], NUM_CLASSES).to(x.dtype)
            for group in optimizer.param_groups:
                group['lr'] = learning_rate(it, total, warmup, p['lr'],
                                            p['warmup_start'])
            loss = train_step_loss(model, method, x, y, rng, params)
            last_loss = loss.item()
            if not math.isfinite(last_loss):
                raise FloatingPointError(f'{method} seed {seed}: loss '
                                         f'{last_loss} at iteration {it}')
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            it += 1
        epoch_seconds = time.time() - tick
        train_seconds += epoch_seconds
        train_cpu += time.process_time() - cpu_tick
        if epoch % eval_every == 0 or epoch == epochs:
            tick = time.time()
            test = evaluate(model, test_x, test_y, 500)
            train = evaluate(model, clean_train, train_y, 500)
            eval_seconds = time.time() - tick
            curve.append(dict(epoch=epoch, iter=it, test_top1=test['top1'],
                              train_top1=train['top1'], loss=last_loss,
                              epoch_seconds=epoch_seconds,
                              eval_seconds=eval_seconds))
            log(f'{method} seed {seed} epoch {epoch}/{epochs} iter {it}: '
                f'loss {last_loss:.4f} test top-1 {test["top1"]:.2f} '
                f'train top-1 {train["top1"]:.2f} '
                f'({epoch_seconds / max(it - first_it, 1):.3f} s/iter, '
                f'evaluation {eval_seconds:.1f} s)')
    return dict(
        tool='reference_loop', method=method, seed=seed,
        top1=test['top1'], ece=test['ece'], train_top1=train['top1'],
        curve=curve, reliability=test['reliability'],
        epochs=p['epochs'], train_images=p['train_images'],
        protocol=dict(p), method_params=params_of(method, params),
        test_images=len(test_x), iters=total,
        train_minutes=train_seconds / 60,
        seconds_per_iter=train_seconds / total,
        cpu_seconds_per_iter=train_cpu / total,
        wall_seconds=time.time() - start, state_sha256=state_sha256(model))


def params_of(method: str, params: dict) -> dict:
    """The hyper-parameters ``method`` uses (part of a run's identity)."""
    keys = dict(vanilla=(), mixup=('mixup_alpha', ),
                cutmix=('cutmix_alpha', 'cutmix_prob'),
                multimix=('multimix_n', 'multimix_alpha', 'multimix_prob',
                          'mixup_alpha'))[method]
    return {k: list(params[k]) if isinstance(params[k], tuple) else params[k]
            for k in keys}


# -------------------------------------------------------------------- CLI
def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Independent plain-PyTorch training loop (no mmengine '
        'Runner, no mixtoolbox import) for the Fashion-MNIST accuracy '
        'protocol: vanilla, Mixup, CutMix and MultiMix written from their '
        'papers; appends one JSON line per (method, seed) to --out.')
    parser.add_argument('--method', nargs='+', default=['vanilla'],
                        help=f'one or more of {", ".join(METHODS)}')
    parser.add_argument('--seed', type=int, nargs='+', default=[0])
    parser.add_argument('--out', default='work_dirs/reference_loop/'
                        'results.jsonl', help='JSON-lines results file '
                        '(appended to)')
    parser.add_argument('--config', help='read the protocol from this '
                        'toolbox benchmark config (explicit options below '
                        'override it)')
    parser.add_argument('--data-root', default=None,
                        help='folder of the IDX files, raw or .gz (default: '
                        'data/fashion_mnist, else '
                        '/usr/share/datasets/fashion-mnist)')
    group = parser.add_argument_group(
        'protocol (defaults: the toolbox benchmark protocol)')
    length = group.add_mutually_exclusive_group()
    length.add_argument('--epochs', type=int,
                        help=f'epochs (default {PROTOCOL["epochs"]})')
    length.add_argument('--iters', type=int,
                        help='total iterations instead of --epochs')
    for name, kind in (('train_images', int), ('batch_size', int),
                       ('width', int), ('lr', float), ('momentum', float),
                       ('weight_decay', float), ('warmup_epochs', int),
                       ('warmup_start', float), ('crop_padding', int),
                       ('flip_prob', float), ('mean', float),
                       ('std', float)):
        group.add_argument('--' + name.replace('_', '-'), type=kind,
                           help=f'default {PROTOCOL[name]}')
    group.add_argument('--nesterov', type=int, choices=(0, 1),
                       help='Nesterov momentum (default 1)')
    mix = parser.add_argument_group('methods (defaults: the accuracy '
                                    "benchmark's settings)")
    mix.add_argument('--mixup-alpha', type=float,
                     default=METHOD_PARAMS['mixup_alpha'])
    mix.add_argument('--cutmix-alpha', type=float,
                     default=METHOD_PARAMS['cutmix_alpha'])
    mix.add_argument('--cutmix-prob', type=float,
                     default=METHOD_PARAMS['cutmix_prob'],
                     help='probability of a CutMix iteration (plain '
                     'cross-entropy otherwise; its authors\' CIFAR command)')
    mix.add_argument('--multimix-n', type=int,
                     default=METHOD_PARAMS['multimix_n'],
                     help='interpolated embeddings per MultiMix iteration')
    mix.add_argument('--multimix-alpha', type=float, nargs=2,
                     default=METHOD_PARAMS['multimix_alpha'],
                     metavar=('LOW', 'HIGH'),
                     help='α_k ~ U[LOW, HIGH]; equal bounds fix α')
    mix.add_argument('--multimix-prob', type=float,
                     default=METHOD_PARAMS['multimix_prob'],
                     help='probability of a MultiMix iteration (input '
                     'mixup otherwise)')
    run_opts = parser.add_argument_group('running')
    run_opts.add_argument('--device', default='cpu')
    run_opts.add_argument('--threads', type=int, default=1,
                          help='torch CPU threads (part of a CPU run\'s '
                          'bit-exact identity; default 1)')
    run_opts.add_argument('--eval-every', type=int, default=1,
                          help='test every N epochs (curve points; the last '
                          'epoch is always tested)')
    run_opts.add_argument('--test-images', type=int,
                          help='test on the first N test images only (for '
                          'quick checks; the protocol uses all 10,000)')
    run_opts.add_argument('--force', action='store_true',
                          help='re-run (method, seed, protocol) rows '
                          'already in --out')
    args = parser.parse_args(argv)
    bad = [m for m in args.method if m not in METHODS]
    if bad:
        parser.error(f'--method: unknown {bad}; choose from {METHODS}')
    protocol = dict(PROTOCOL)
    if args.config:
        try:
            protocol.update(protocol_from_config(args.config))
        except (ValueError, KeyError, AttributeError, TypeError) as err:
            parser.error(f'--config: {err}')
    for key in PROTOCOL:
        value = getattr(args, key, None)
        if value is not None:
            protocol[key] = value
    if args.iters is not None:
        protocol['epochs'] = None
    if args.nesterov is not None:
        protocol['nesterov'] = bool(args.nesterov)
    checks = dict(train_images=1, batch_size=2, width=1, epochs=1, iters=1,
                  warmup_epochs=1, threads=1, eval_every=1, test_images=1,
                  multimix_n=1)
    merged = dict(protocol, threads=args.threads, eval_every=args.eval_every,
                  multimix_n=args.multimix_n)
    for key, low in checks.items():
        if merged.get(key) is not None and merged[key] < low:
            parser.error(f'--{key.replace("_", "-")} must be >= {low}, got '
                         f'{merged[key]}')
    for key in ('lr', 'std', 'mixup_alpha', 'cutmix_alpha'):
        value = protocol[key] if key in protocol else getattr(args, key)
        if not value > 0:
            parser.error(f'--{key.replace("_", "-")} must be > 0, got '
                         f'{value}')
    for key in ('momentum', 'weight_decay', 'crop_padding'):
        if protocol[key] < 0:
            parser.error(f'--{key.replace("_", "-")} must be >= 0, got '
                         f'{protocol[key]}')
    for key in ('flip_prob', 'warmup_start', 'multimix_prob', 'cutmix_prob'):
        value = protocol[key] if key in protocol else getattr(args, key)
        if not 0 <= value <= 1:
            parser.error(f'--{key.replace("_", "-")} must lie in [0, 1], got '
                         f'{value}')
    low, high = args.multimix_alpha
    if not 0 < low <= high:
        parser.error('--multimix-alpha: need 0 < LOW <= HIGH, got '
                     f'{low} {high}')
    args.protocol = protocol
    args.params = dict(mixup_alpha=args.mixup_alpha,
                       cutmix_alpha=args.cutmix_alpha,
                       cutmix_prob=args.cutmix_prob,
                       multimix_n=args.multimix_n,
                       multimix_alpha=(low, high),
                       multimix_prob=args.multimix_prob)
    if args.data_root is None:
        local = osp.join(ROOT, 'data', 'fashion_mnist')
        args.data_root = (local if osp.isdir(local)
                          else '/usr/share/datasets/fashion-mnist')
    return args


def identity(method: str, seed: int, protocol: dict,
             method_params: dict) -> tuple:
    """What makes two rows the same run: method, seed, protocol (test-set
    size included) and the method's hyper-parameters."""
    return (method, seed, json.dumps(protocol, sort_keys=True),
            json.dumps(method_params, sort_keys=True))


def main(argv: Optional[Sequence[str]] = None) -> List[dict]:
    args = parse_args(argv)
    done = set()
    if osp.isfile(args.out) and not args.force:
        with open(args.out) as f:
            old = [json.loads(line) for line in f if line.strip()]
        done = {identity(r['method'], r['seed'], r['protocol'],
                         r['method_params'])
                for r in old if r.get('tool') == 'reference_loop'}
    if osp.dirname(args.out):
        os.makedirs(osp.dirname(args.out), exist_ok=True)
    print(f'protocol: {json.dumps(args.protocol)}; data: {args.data_root}',
          flush=True)
    rows = []
    for seed in args.seed:
        for method in args.method:
            key = identity(method, seed, args.protocol,
                           params_of(method, args.params))
            if key in done:
                print(f'skip {method} seed {seed}: already in {args.out}')
                continue
            row = run(method, seed, args.protocol, args.params,
                      args.data_root, args.device, args.threads,
                      args.eval_every)
            row['command'] = shlex.join([sys.executable, *sys.argv]
                                        if argv is None else
                                        ['reference_loop.py', *argv])
            with open(args.out, 'a') as f:
                f.write(json.dumps(row) + '\n')
            print(f'done {method} seed {seed}: top-1 {row["top1"]:.2f} '
                  f'(train {row["train_top1"]:.2f}, '
                  f'{row["seconds_per_iter"]:.3f} s/iter)', flush=True)
            rows.append(row)
    return rows


if __name__ == '__main__':
    main()
