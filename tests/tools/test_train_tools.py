"""The command-line tools end to end through the real mmengine Runner on real
Fashion-MNIST: training, exact resume, testing, 2-process CPU (gloo) DDP."""
import os
import os.path as osp
import subprocess
import sys

import pytest
import torch
from mmengine.config import Config

from mixtoolbox.apis import test as test_tool
from mixtoolbox.apis import train as train_tool

from .. import standin_data

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
QUICKSTART = osp.join(ROOT, 'configs/quickstart/'
                      'cutmix_preactresnet18-w8_1xb128-3e_fashion-mnist.py')


@pytest.fixture(scope='module')
def fmnist_root(tmp_path_factory):
    return standin_data.make_fashion_mnist(
        str(tmp_path_factory.mktemp('fmnist')))


def small_options(data_root, epochs, num_train=96):
    """The quick-start config cut to a few iterations of real data."""
    return [
        f'train_dataloader.dataset.data_root={data_root}',
        f'val_dataloader.dataset.data_root={data_root}',
        f'test_dataloader.dataset.data_root={data_root}',
        f'train_dataloader.dataset.indices={num_train}',
        'val_dataloader.dataset.indices=64',
        'test_dataloader.dataset.indices=64',
        'train_dataloader.batch_size=32',
        'train_dataloader.num_workers=0',
        'val_dataloader.num_workers=0',
        'test_dataloader.num_workers=0',
        'train_dataloader.persistent_workers=False',
        'val_dataloader.persistent_workers=False',
        'test_dataloader.persistent_workers=False',
        f'train_cfg.max_epochs={epochs}',
        f'train_cfg.val_interval={epochs}',
        'default_hooks.logger.interval=1',
        'default_hooks.checkpoint.max_keep_ckpts=-1',
        'randomness.seed=7',
        'randomness.deterministic=True',
    ]


def train(work_dir, data_root, epochs, *extra):
    args = [QUICKSTART, '--work-dir', str(work_dir), *extra,
            '--cfg-options', *small_options(data_root, epochs)]
    return train_tool.main(args)


def weights(path):
    return torch.load(path, map_location='cpu', weights_only=True)[
        'state_dict']


@pytest.mark.slow
def test_resume_is_bit_exact(tmp_path, fmnist_root):
    """Train 1 epoch, resume to 2 == 2 epochs in one go (bit-exact on CPU
    with a fixed seed), through torch.load(weights_only=True)."""
    train(tmp_path / 'full', fmnist_root, 2)
    train(tmp_path / 'part', fmnist_root, 1)
    runner = train(tmp_path / 'part', fmnist_root, 2, '--resume')
    assert runner.iter == 2 * 3 and runner.epoch == 2
    full = weights(tmp_path / 'full' / 'epoch_2.pth')
    resumed = weights(tmp_path / 'part' / 'epoch_2.pth')
    assert full.keys() == resumed.keys()
    for key in full:
        assert torch.equal(full[key], resumed[key]), key
    # sanity: training moved the weights
    first = weights(tmp_path / 'part' / 'epoch_1.pth')
    assert any(not torch.equal(first[k], full[k]) for k in full)


@pytest.mark.slow
def test_test_tool_reports_accuracy(tmp_path, fmnist_root):
    train(tmp_path / 'run', fmnist_root, 1)
    out = tmp_path / 'metrics.json'
    metrics = test_tool.main([
        QUICKSTART, str(tmp_path / 'run' / 'epoch_1.pth'), '--work-dir',
        str(tmp_path / 'test'), '--out', str(out), '--out-item', 'metrics',
        '--cfg-options', *small_options(fmnist_root, 1)])
    assert 0 <= metrics['accuracy/top1'] <= 100
    assert out.exists()


def test_test_tool_missing_checkpoint(tmp_path):
    with pytest.raises(FileNotFoundError, match='checkpoint not found'):
        test_tool.main([QUICKSTART, str(tmp_path / 'nope.pth')])


def test_train_args_fold_into_config(tmp_path):
    args = train_tool.parse_args([
        QUICKSTART, '--work-dir', str(tmp_path), '--amp', '--auto-scale-lr',
        '--resume', 'ckpt.pth', '--no-validate', '--cfg-options',
        'model.mix_policy.0.alpha=0.5'])
    cfg = train_tool.merge_args(Config.fromfile(QUICKSTART), args)
    assert cfg.work_dir == str(tmp_path)
    assert cfg.optim_wrapper.type == ('AmpOptimWrapper'
                                      if torch.cuda.is_available() else
                                      'BF16OptimWrapper')
    assert cfg.resume is True and cfg.load_from == 'ckpt.pth'
    assert cfg.auto_scale_lr.enable is True
    assert cfg.val_cfg is None and cfg.val_dataloader is None
    assert cfg.model.mix_policy[0].alpha == 0.5


def test_auto_scale_lr_needs_base_batch_size(tmp_path):
    cfg = Config.fromfile(QUICKSTART)
    cfg.pop('auto_scale_lr', None)
    args = train_tool.parse_args([QUICKSTART, '--auto-scale-lr'])
    with pytest.raises(ValueError, match='base_batch_size'):
        train_tool.merge_args(cfg, args)


@pytest.mark.parametrize('tool', ['train.py', 'test.py'])
def test_help(tool):
    out = subprocess.run([sys.executable, osp.join(ROOT, 'tools', tool),
                          '--help'], capture_output=True, text=True,
                         check=True).stdout
    for flag in ('--work-dir', '--cfg-options', '--launcher', '--amp'):
        assert flag in out
    if tool == 'train.py':
        assert '--resume' in out and '--auto-scale-lr' in out


@pytest.mark.slow
def test_amp_bf16_training_on_cpu(tmp_path, fmnist_root):
    runner = train(tmp_path / 'amp', fmnist_root, 1, '--amp')
    assert type(runner.optim_wrapper).__name__ in ('BF16OptimWrapper',
                                                   'AmpOptimWrapper')
    assert (tmp_path / 'amp' / 'epoch_1.pth').exists()


@pytest.mark.slow
def test_dist_train_two_cpu_processes(tmp_path, fmnist_root):
    """tools/dist_train.sh with 2 processes over gloo on CPU. No PORT: the
    launcher's standalone rendezvous takes a free one (a fixed port fails
    with EADDRINUSE whenever another run on the machine holds it)."""
    env = dict(os.environ, PYTHON=sys.executable, OMP_NUM_THREADS='1')
    env.pop('PORT', None)
    work = tmp_path / 'dist'
    proc = subprocess.run(
        ['bash', osp.join(ROOT, 'tools', 'dist_train.sh'), QUICKSTART, '2',
         '--work-dir', str(work), '--cfg-options',
         *small_options(fmnist_root, 1, num_train=128)],
        capture_output=True, text=True, env=env, timeout=300)
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log[-3000:]
    assert (work / 'epoch_1.pth').exists()
    # 128 samples, batch 32 per process, 2 processes → 2 iterations
    assert 'Epoch(train) [1][2/2]' in log
    assert "'backend': 'gloo'" in log or 'gloo' in log


def test_fashion_mnist_evaluates_on_the_test_images(fmnist_root):
    """mmpretrain's FashionMNIST picks files by `test_mode`; the base config
    must really validate and test on the 10,000 test images."""
    from mmpretrain.registry import DATASETS
    cfg = Config.fromfile(QUICKSTART)
    for name, size in (('train_dataloader', 60000), ('val_dataloader', 10000),
                       ('test_dataloader', 10000)):
        ds_cfg = dict(cfg[name].dataset, data_root=fmnist_root,
                      lazy_init=True)
        dataset = DATASETS.build(ds_cfg)
        dataset.full_init()
        assert len(dataset) == size, name
