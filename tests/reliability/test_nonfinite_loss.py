"""A NaN loss stops the run (naming the iteration, the method and the loss
term) and leaves the last checkpoint as it was; ``skip_nonfinite`` skips
the step and counts it."""
import pytest
import torch
from mmengine.hooks import Hook
from mmengine.runner import Runner

from mixtoolbox.engine.hooks import NonFiniteLossError

from .. import standin_data
from .test_kill_resume import arguments, train_tool

CONFIG = ('configs/quickstart/'
          'cutmix_preactresnet18-w8_1xb128-3e_fashion-mnist.py')
OPTIONS = ['train_dataloader.batch_size=8', 'train_cfg.max_epochs=2',
           'model.mix_policy.0.prob=1.0']
BAD_ITER = 3  # the first step of epoch 2, after epoch_1.pth


class NaNInputs(Hook):
    """Poison the (normalised) images of one training step."""
    priority = 'LOWEST'

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        if runner.iter + 1 != BAD_ITER:
            return
        preprocessor = runner.model.data_preprocessor
        forward = preprocessor.forward

        def nan_forward(*args, **kwargs):
            del preprocessor.forward  # this step only
            data = forward(*args, **kwargs)
            data['inputs'] = data['inputs'] * float('nan')
            return data

        preprocessor.forward = nan_forward


@pytest.fixture
def poisoned(monkeypatch):
    train = Runner.train

    def train_with_nan(self):
        self.register_hook(NaNInputs())
        return train(self)

    monkeypatch.setattr(Runner, 'train', train_with_nan)


@pytest.fixture(scope='module')
def data_root(tmp_path_factory):
    return standin_data.make_fashion_mnist_standin(
        str(tmp_path_factory.mktemp('fm')), num=16)


@pytest.mark.slow
def test_nan_loss_stops_and_keeps_the_checkpoint(tmp_path, data_root,
                                                 poisoned):
    work = tmp_path / 'work'
    with pytest.raises(NonFiniteLossError) as info:
        train_tool.main(arguments(CONFIG, work, data_root, OPTIONS))
    message = str(info.value)
    assert '\n' not in message
    assert f'iteration {BAD_ITER} (epoch 2)' in message
    assert 'MixupClassifier (CutMix drawn for this step)' in message
    assert 'loss=nan' in message
    assert str(work / 'epoch_1.pth') in message
    assert sorted(p.name for p in work.glob('*.pth')) == ['epoch_1.pth']
    ckpt = torch.load(work / 'epoch_1.pth', map_location='cpu',
                      weights_only=False)
    assert ckpt['meta']['iter'] == 2
    assert all(torch.isfinite(v).all() for v in ckpt['state_dict'].values()
               if v.is_floating_point())


@pytest.mark.slow
def test_skip_nonfinite_skips_and_counts(tmp_path, data_root, poisoned):
    work = tmp_path / 'work'
    runner = train_tool.main(arguments(
        CONFIG, work, data_root,
        OPTIONS + ['default_hooks.nonfinite.skip_nonfinite=True']))
    assert runner.iter == 4
    assert runner.message_hub.get_scalar(
        'train/nonfinite_skipped').current() == 1
    ckpt = torch.load(work / 'epoch_2.pth', map_location='cpu',
                      weights_only=False)
    assert ckpt['meta']['nonfinite_skipped'] == 1
    assert all(torch.isfinite(v).all() for v in ckpt['state_dict'].values()
               if v.is_floating_point())
