"""Precise BN (MoCo's detectron2 C4 recipe): running statistics become the
average of the batch statistics over the given batches, once, at the end."""
import types

import pytest
import torch
from torch import nn

from mixtoolbox.transfer.precise_bn import PreciseBNHook, update_bn_stats


class Net(nn.Module):
    """What the hook needs of an mmdet detector: ``data_preprocessor`` and
    ``forward(..., mode='loss')``; one BN that trains, one in eval mode."""

    def __init__(self):
        super().__init__()
        self.bn = nn.BatchNorm1d(2, momentum=0.1)
        self.frozen = nn.BatchNorm1d(2)
        self.modes = []

    def data_preprocessor(self, data, training):
        assert training
        return dict(inputs=data)

    def forward(self, inputs, mode):
        self.modes.append(mode)
        return self.frozen(self.bn(inputs))

    def train(self, mode=True):
        super().train(mode)
        self.frozen.eval()  # like norm_eval / frozen stages
        return self


def _batches():
    gen = torch.Generator().manual_seed(0)
    return [torch.randn(5, 2, generator=gen) * s + s for s in (1., 2., 3.)]


def test_average_of_batch_statistics():
    net = Net()
    batches = _batches()
    with torch.no_grad():
        net.bn.weight.fill_(2.0)
    frozen_before = net.frozen.running_mean.clone()
    # 4 iterations over 3 batches: the loader is cycled, batch 0 twice
    assert update_bn_stats(net, batches, 4) == 1
    used = batches + batches[:1]
    mean = torch.stack([b.mean(0) for b in used]).mean(0)
    var = torch.stack([b.var(0, unbiased=True) for b in used]).mean(0)
    assert torch.allclose(net.bn.running_mean, mean, atol=1e-6)
    assert torch.allclose(net.bn.running_var, var, atol=1e-5)
    assert net.bn.momentum == 0.1  # restored
    assert int(net.bn.num_batches_tracked) == 4
    assert torch.equal(net.bn.weight, torch.full((2, ), 2.0))  # no training
    assert torch.equal(net.frozen.running_mean, frozen_before)
    assert net.modes == ['loss'] * 4  # the training forward, as detectron2
    with pytest.raises(ValueError, match='dataloader is empty'):
        update_bn_stats(Net(), [], 1)


def test_hook_runs_once_after_the_last_iteration():
    net = Net()
    runner = types.SimpleNamespace(
        model=net, train_dataloader=_batches(), iter=0, max_iters=3,
        logger=types.SimpleNamespace(info=lambda msg: None))
    hook = PreciseBNHook(num_iters=3)
    for it in range(3):
        runner.iter = it
        hook.after_train_iter(runner, it)
        assert len(net.modes) == (3 if it == 2 else 0)
    assert hook.priority == 'ABOVE_NORMAL'  # before the checkpoint hook
    for bad in (0, 1.5, True):
        with pytest.raises(ValueError, match='num_iters'):
            PreciseBNHook(num_iters=bad)
