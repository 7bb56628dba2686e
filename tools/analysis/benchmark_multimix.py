"""Training-step time and peak memory of MultiMix and its variants.

Every method trains the same PreActResNet-18 (100 classes) on the same
random batch; steps are interleaved (one step of each method per round, in
an order rotated every round) so
that a busy machine slows all methods alike, and the medians are compared
with vanilla, in wall time and in process CPU time. Peak memory is the
growth of resident memory during one training step after a warm-up step,
for each method in a fresh subprocess (CPU), or
``torch.cuda.max_memory_allocated`` (CUDA). ``--imagenet`` adds the tensor
sizes of the dense head at ImageNet scale (r = 49, c = 1000, d = 2048,
n = 1000, m = 128) and measures that head alone.

Goals (issue 4): MultiMix n = 1000 ≤ 1.05×, Dense MultiMix r = 16 ≤ 1.15×,
+ self-distillation ≤ 1.5× of vanilla.

Example::

    python tools/analysis/benchmark_multimix.py --reps 5 --threads 2
"""
import argparse
import json
import resource
import statistics
import subprocess
import sys
import threading
import time

import torch

from mixtoolbox.models.feature_mixups import (DenseMultiMix, dense_multimix,
                                              dense_weighted_ce)
from mixtoolbox.registry import MODELS
from mixtoolbox.utils import register_all_modules


class StraightDenseMultiMix(DenseMultiMix):
    """Dense MultiMix interpolating the embeddings (n·d·r values) before the
    1×1 classifier, the straightforward version DESIGN.md §5 measured; kept
    here only as the reference the logit interpolation is compared with."""

    def forward_train(self, model, inputs, scores, params=None):
        z = model.dense_embed(inputs, self.resolution).flatten(2)
        params = params or self.sample_params(z)
        attn = self.attention_map(z, scores)
        z_mix, y_mix, weight = dense_multimix(z, scores, params['lam'], attn)
        out = self.mix(z, scores, attn=attn, **params)
        out.inputs, out.target, out.extras['weight'] = z_mix, y_mix, weight
        return model.classify(z_mix), out


METHODS = {
    'vanilla': ([], []),
    'multimix': ([dict(type='MultiMix', n=1000)], []),
    'dense_straightforward': ([dict(type='DenseMultiMix', n=1000)], []),
    'dense': ([dict(type='DenseMultiMix', n=1000)], []),
    'multimix+distil': ([dict(type='MultiMix', n=1000)],
                        [dict(type='SelfDistill')]),
    'dense+distil': ([dict(type='DenseMultiMix', n=1000)],
                     [dict(type='SelfDistill')]),
}


def build(method, device):
    policy, modifiers = METHODS[method]
    cfg = dict(type='MixupClassifier',
               backbone=dict(type='PreActResNet', depth=18),
               neck=dict(type='GlobalAveragePooling'),
               head=dict(type='LinearClsHead', num_classes=100,
                         in_channels=512,
                         loss=dict(type='CrossEntropyLoss', use_soft=True)),
               mix_policy=policy, modifiers=modifiers)
    model = MODELS.build(cfg)
    if method == 'dense_straightforward':
        model.policy.mixups[0] = StraightDenseMultiMix(n=1000)
    model.to(device).train()
    opt = torch.optim.SGD(
        [p for p in model.parameters() if p.requires_grad], lr=0.01,
        momentum=0.9)
    return model, opt


def make_batch(args, device):
    from mmpretrain.structures import DataSample
    g = torch.Generator().manual_seed(0)
    x = torch.randn(args.batch, 3, 32, 32, generator=g).to(device)
    samples = [DataSample().set_gt_label(i % 100) for i in range(args.batch)]
    return [x, x.flip(3)], samples


def step(model, opt, views, samples):
    inputs = views if len(model.modifiers) else views[0]
    losses = model.loss(inputs, samples)
    opt.zero_grad()
    sum(losses.values()).backward()
    opt.step()
    if views[0].is_cuda:
        torch.cuda.synchronize()


def time_all(args, device):
    """Median wall time and median process CPU time (all threads) per step;
    CPU time is the steadier of the two on a machine shared with other
    jobs, since waiting for a core does not count."""
    torch.manual_seed(0)
    models = {m: build(m, device) for m in args.methods}
    views, samples = make_batch(args, device)
    wall = {m: [] for m in args.methods}
    cpu = {m: [] for m in args.methods}
    for r in range(args.warmup + args.reps):
        # rotate the order each round: with a fixed order, position effects
        # showed up as a spurious 1.1x for methods that cost what vanilla does
        shift = r % len(args.methods)
        for m in args.methods[shift:] + args.methods[:shift]:
            t0, c0 = time.perf_counter(), time.process_time()
            step(*models[m], views, samples)
            if r >= args.warmup:
                wall[m].append(time.perf_counter() - t0)
                cpu[m].append(time.process_time() - c0)
    return ({m: statistics.median(t) for m, t in wall.items()},
            {m: statistics.median(t) for m, t in cpu.items()})


class PeakRSS:
    """Peak resident memory while the block runs, sampled from
    /proc/self/statm every millisecond by a thread (torch's CPU allocator
    keeps no statistics; large buffers go back to the OS when freed, so the
    resident size follows the live tensors)."""

    def __enter__(self):
        self.page = resource.getpagesize()
        self.base = self.peak = self.rss()
        self.running = True
        self.thread = threading.Thread(target=self.sample, daemon=True)
        self.thread.start()
        return self

    def rss(self) -> int:
        with open('/proc/self/statm') as f:
            return int(f.read().split()[1]) * self.page

    def sample(self):
        while self.running:
            self.peak = max(self.peak, self.rss())
            time.sleep(0.001)

    def __exit__(self, *exc):
        self.running = False
        self.thread.join()
        self.peak = max(self.peak, self.rss())

    @property
    def growth_mib(self) -> float:
        return (self.peak - self.base) / 2**20


def peak_memory(method, args, device):
    """Peak growth (MiB) over training steps of ``method``."""
    if device.type == 'cuda':
        model, opt = build(method, device)
        views, samples = make_batch(args, device)
        step(model, opt, views, samples)
        torch.cuda.reset_peak_memory_stats()
        base = torch.cuda.memory_allocated()
        step(model, opt, views, samples)
        return (torch.cuda.max_memory_allocated() - base) / 2**20
    cmd = [sys.executable, __file__, '--single', method, '--batch',
           str(args.batch), '--threads', str(args.threads)]
    return json.loads(subprocess.check_output(cmd).decode().splitlines()[-1])


def single(method, args):
    """Run in a fresh process: after a warm-up step (gradients and optimiser
    state exist), the peak resident growth during one training step."""
    model, opt = build(method, torch.device('cpu'))
    views, samples = make_batch(args, torch.device('cpu'))
    step(model, opt, views, samples)
    with PeakRSS() as peak:
        step(model, opt, views, samples)
    print(json.dumps(peak.growth_mib))


def imagenet_head(args):
    """Tensor sizes of the dense head at ImageNet scale, and a measured
    forward/backward of the head alone (random embeddings)."""
    m, d, r, c, n = 128, 2048, 49, 1000, 1000
    mib = 4 / 2**20
    rows = [('embeddings Z [m, d, r]', m * d * r),
            ('Λ [r, m, n]', r * m * n),
            ('straightforward: Z̃ [n, d, r]', n * d * r),
            ('logit trick: logits [m, c, r]', m * c * r),
            ('mixed logits / log-softmax / Ỹ [n, c, r] (each)', n * c * r)]
    print('\nImageNet-scale dense head (float32, m = 128):')
    for name, count in rows:
        print(f'  {name:50s} {count * mib:9.1f} MiB')
    torch.manual_seed(0)
    head = torch.nn.Linear(d, c)
    z = torch.randn(m, d, 7, 7, requires_grad=True)
    y = torch.eye(c)[torch.randint(c, (m, ))]
    mixup = DenseMultiMix(n=n)
    with PeakRSS() as peak:
        t0 = time.perf_counter()
        zf = z.flatten(2)
        lam = mixup.sample_params(zf)['lam']
        logits = head(zf.movedim(1, -1)).movedim(-1, 1)
        batch = mixup.mix(logits, y, lam=lam,
                          attn=mixup.attention_map(zf, y))
        dense_weighted_ce(batch.inputs, batch.target,
                          batch.extras['weight']).backward()
        took = time.perf_counter() - t0
    print(f'  measured head-only step (fwd + bwd): {took:.2f} s, peak '
          f'resident growth {peak.growth_mib:.0f} MiB')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--methods', nargs='+', default=list(METHODS),
                        choices=list(METHODS))
    parser.add_argument('--batch', type=int, default=128)
    parser.add_argument('--reps', type=int, default=5,
                        help='timed rounds (median reported)')
    parser.add_argument('--warmup', type=int, default=1)
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--no-memory', action='store_true')
    parser.add_argument('--imagenet', action='store_true',
                        help='also size and run the ImageNet-scale head')
    parser.add_argument('--single', choices=list(METHODS),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    register_all_modules(init_default_scope=True)
    if args.single:
        return single(args.single, args)
    device = torch.device(args.device)
    wall, cpu = time_all(args, device)
    memory = {} if args.no_memory else {
        m: peak_memory(m, args, device) for m in args.methods}
    print(f'PreActResNet-18, batch {args.batch}, 32x32, 100 classes, '
          f'{args.device}, {args.threads} threads, median of {args.reps} '
          'interleaved rounds:')
    print('| method | wall (s) | vs vanilla | CPU time (s) | vs vanilla '
          '| peak step memory (MiB) |')
    print('|---|---|---|---|---|---|')
    for m in args.methods:
        ratios = [f'{t[m] / t["vanilla"]:.2f}x' if 'vanilla' in t else '-'
                  for t in (wall, cpu)]
        mem = f'{memory[m]:.0f}' if m in memory else '-'
        print(f'| {m} | {wall[m]:.3f} | {ratios[0]} | {cpu[m]:.3f} | '
              f'{ratios[1]} | {mem} |')
    if args.imagenet:
        imagenet_head(args)


if __name__ == '__main__':
    main()
