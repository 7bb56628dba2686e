"""Kill -9 and resume, every model type: N iterations in one go == the same
run SIGKILLed at a random iteration after a checkpoint, then ``--resume``d
to the end — weights, EMA teacher / momentum network / queue, optimizer
state and the online-clustering memory all ``torch.equal``.

Tiny stand-in Fashion-MNIST (16 images), 3 epochs of 2 iterations, one
thread, ``num_workers=0``. The killed run is a separate process
(:mod:`tests.reliability.driver`); the uninterrupted and resumed runs run in
the test process."""
import os
import os.path as osp
import random
import subprocess
import sys

import pytest
import torch

from mixtoolbox.apis import train as train_tool

from .. import standin_data

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))

EPOCHS, ITERS_PER_EPOCH = 3, 2
TOTAL = EPOCHS * ITERS_PER_EPOCH

# model type -> (config, options that make it tiny)
CASES = {
    # MixupClassifier: MultiMix (p = 0.5) / Mixup (p = 0.5) + SelfDistill
    # with its EMA teacher on a second view
    'MixupClassifier': (
        'configs/multimix/'
        'multimix-distil_preactresnet18-w8_1xb128-3e_fashion-mnist.py',
        ['train_dataloader.batch_size=8', 'model.mix_policy.0.n=16']),
    # AutoMixClassifier (SAMix): Mixer, momentum network (cosine momentum
    # schedule), annealed mask-loss weight
    'AutoMixClassifier': (
        'configs/samix/samix_preactresnet18-w8_1xb100-10e_fashion-mnist.py',
        ['train_dataloader.batch_size=8']),
    # MixMoCo: the queue
    'MixMoCo': (
        'configs/selfsup/'
        'mocov2-mixup_resnet18-w8_1xb64-coslr-2e_fashion-mnist.py',
        ['train_dataloader.batch_size=8', 'model.queue_len=16']),
    # SAMix-C: SAMixMoCo + OnlineClusteringHook (memory, pseudo labels)
    'SAMixMoCo': (
        'configs/selfsup/samix-c_resnet18-w8_1xb64-coslr-2e_fashion-mnist.py',
        ['train_dataloader.batch_size=8', 'model.queue_len=16',
         'model.num_clusters=3', 'custom_hooks.2.num_clusters=3']),
}


@pytest.fixture(scope='module')
def data_root(tmp_path_factory):
    return standin_data.make_fashion_mnist_standin(
        str(tmp_path_factory.mktemp('fm')), num=16)


def arguments(config, work_dir, data_root, extra):
    return [osp.join(ROOT, config), '--work-dir', str(work_dir),
            '--no-validate', '--cfg-options',
            f'train_dataloader.dataset.data_root={data_root}',
            'train_dataloader.dataset.indices=None',
            'train_dataloader.num_workers=0',
            'train_dataloader.persistent_workers=False',
            f'train_cfg.max_epochs={EPOCHS}',
            'default_hooks.logger.interval=1',
            'randomness.seed=3', 'randomness.deterministic=True', *extra]


def run_killed(mode, k, args):
    """tools/train.py in a child process, SIGKILLed (see driver.py)."""
    env = dict(os.environ, OMP_NUM_THREADS='1', PYTHONPATH=ROOT + os.pathsep
               + os.environ.get('PYTHONPATH', ''))
    proc = subprocess.run(
        [sys.executable, '-m', 'tests.reliability.driver', mode, str(k),
         *args], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=600)
    assert proc.returncode == -9, (proc.returncode, proc.stderr[-3000:])
    return proc


def final_state(work_dir):
    ckpt = torch.load(osp.join(work_dir, f'epoch_{EPOCHS}.pth'),
                      map_location='cpu', weights_only=False)
    state = {f'model.{k}': v for k, v in ckpt['state_dict'].items()}
    for i, s in ckpt['optimizer']['state'].items():
        state.update({f'optim.{i}.{k}': v for k, v in s.items()})
    for k, v in (ckpt.get('online_clustering') or {}).items():
        state[f'clustering.{k}'] = v
    return ckpt, state


def assert_same(expected, got):
    assert expected.keys() == got.keys()
    different = [k for k in expected if not (
        torch.equal(expected[k], got[k]) if torch.is_tensor(expected[k])
        else expected[k] == got[k])]
    assert not different, f'{len(different)} tensors differ: {different[:8]}'


@pytest.mark.slow
@pytest.mark.parametrize('model_type', list(CASES))
def test_kill_and_resume_is_exact(model_type, tmp_path, data_root):
    config, extra = CASES[model_type]
    full = tmp_path / 'full'
    runner = train_tool.main(arguments(config, full, data_root, extra))
    assert runner.iter == TOTAL and type(
        getattr(runner.model, 'module', runner.model)).__name__ == model_type

    # killed at a random iteration after the first checkpoint (printed, so
    # that a failure can be replayed)
    # (SystemRandom: the runs above seeded python's `random`)
    k = random.SystemRandom().randint(ITERS_PER_EPOCH + 1, TOTAL)
    print(f'{model_type}: SIGKILL before iteration {k} of {TOTAL}')
    part = tmp_path / 'part'
    args = arguments(config, part, data_root, extra)
    run_killed('iter', k, args)
    assert not (part / f'epoch_{EPOCHS}.pth').exists()
    resumed = train_tool.main(args + ['--resume'])  # auto-resume
    assert resumed.iter == TOTAL

    ckpt, expected = final_state(full)
    ckpt_r, got = final_state(part)
    assert_same(expected, got)
    assert ckpt['meta']['iter'] == ckpt_r['meta']['iter'] == TOTAL
    # what must be there for each model type
    keys = set(expected)
    wanted = {
        'MixupClassifier': 'modifiers.0.teacher.module.',
        'AutoMixClassifier': 'momentum_net.module.',
        'MixMoCo': 'queue',
        'SAMixMoCo': 'clustering.feats',
    }[model_type]
    assert any(wanted in key for key in keys), wanted
    # training moved the weights (the comparison is not of two inits)
    first = torch.load(osp.join(full, 'epoch_1.pth'), map_location='cpu',
                       weights_only=False) if osp.exists(
                           osp.join(full, 'epoch_1.pth')) else None
    if first is not None:
        assert any(not torch.equal(v, ckpt['state_dict'][n])
                   for n, v in first['state_dict'].items()
                   if v.is_floating_point())
