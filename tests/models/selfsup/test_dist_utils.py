"""Cross-process shuffle / gather with and without gradients: a real
2-process gloo group (torch.multiprocessing, forked), tiny tensors."""
import os
import socket

import torch
import torch.distributed as dist
import torch.multiprocessing as mp

from mixtoolbox.models.selfsup import (
    batch_shuffle,
    batch_unshuffle,
    gather_with_grad,
)


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _worker(rank, world, port, out):
    os.environ.update(MASTER_ADDR='127.0.0.1', MASTER_PORT=str(port))
    torch.set_num_threads(1)
    dist.init_process_group('gloo', rank=rank, world_size=world)
    try:
        torch.manual_seed(rank)
        # gather keeps gradients: loss_r = Σ w_r ⊙ cat(x_0, x_1); the grad of
        # x_r is the sum over both processes' weights on its rows
        x = torch.full((2, 3), float(rank + 1), requires_grad=True)
        weight = torch.arange(12.0).view(4, 3) * (rank + 1)
        (gather_with_grad(x) * weight).sum().backward()
        rows = slice(2 * rank, 2 * rank + 2)
        expected = (torch.arange(12.0).view(4, 3) * 3)[rows]
        ok_gather = torch.equal(x.grad, expected)

        # shuffle → per-row op → unshuffle is the identity, with gradients
        y = torch.randn(3, 2, requires_grad=True)
        shuffled, undo = batch_shuffle(y, keep_grad=True)
        back = batch_unshuffle(shuffled * 2, undo, keep_grad=True)
        (back * back).sum().backward()
        ok_shuffle = torch.allclose(back, 2 * y) and torch.allclose(
            y.grad, 8 * y.detach())
        # the shuffle really crosses processes
        mine = torch.full((3, 1), float(rank))
        mixed, _ = batch_shuffle(mine, keep_grad=True)
        pooled = gather_with_grad(mixed).flatten().sort().values
        ok_global = pooled.tolist() == [0.0] * 3 + [1.0] * 3

        # the no-grad path (mmpretrain's) undoes the same way
        z = torch.randn(3, 2)
        s, u = batch_shuffle(z)
        ok_nograd = torch.equal(batch_unshuffle(s, u), z)

        # a full SAMixMoCo step: same queue on both processes afterwards
        from mixtoolbox.utils import register_all_modules
        register_all_modules()
        from tests.models.selfsup.helpers import build, samples, views
        torch.manual_seed(0)
        model = build('SAMixMoCo', mixer=dict(type='SAMixMixer',
                                              in_channels=16))
        torch.manual_seed(rank)
        losses = model.loss(views(seed=rank), samples())
        sum(losses.values()).backward()
        queues = [torch.zeros_like(model.queue) for _ in range(world)]
        dist.all_gather(queues, model.queue)
        ok_step = (torch.equal(queues[0], queues[1])
                   and int(model.queue_ptr) == 8
                   and all(torch.isfinite(v) for v in losses.values())
                   and model.mixer.proj.weight.grad is not None)
        out[rank] = (ok_gather, ok_shuffle, ok_global, ok_nograd, ok_step)
    finally:
        dist.destroy_process_group()


def test_two_process_gloo():
    # fork: the children inherit the imported modules (spawn re-imports
    # mmpretrain in each, ~10 s on a loaded 2-core machine)
    out = mp.get_context('fork').Manager().dict()
    mp.start_processes(_worker, args=(2, _free_port(), out), nprocs=2,
                       join=True, start_method='fork')
    names = ('gather', 'shuffle', 'global', 'no-grad', 'samix step')
    for rank in range(2):
        assert dict(zip(names, out[rank])) == dict.fromkeys(names, True)
