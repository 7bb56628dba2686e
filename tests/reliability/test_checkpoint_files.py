"""Atomic checkpoints, and one clear line for an unusable one (truncated,
random bytes) from ``--resume``, ``tools/test.py`` and the backbone
exporter; auto-resume falls back to the newest readable checkpoint."""
import os
import os.path as osp
import subprocess
import sys

import pytest
import torch

from mixtoolbox.utils.checkpoint import (
    CheckpointError,
    check_checkpoint,
    checkpoint_problem,
)

from .. import standin_data
from .test_kill_resume import ROOT, arguments, run_killed, train_tool

CONFIG = ('configs/quickstart/'
          'cutmix_preactresnet18-w8_1xb128-3e_fashion-mnist.py')
SMALL = ['train_dataloader.batch_size=8', 'train_cfg.max_epochs=2']


@pytest.fixture(scope='module')
def data_root(tmp_path_factory):
    return standin_data.make_fashion_mnist_standin(
        str(tmp_path_factory.mktemp('fm')), num=16)


@pytest.fixture(scope='module')
def trained(tmp_path_factory, data_root):
    """2 epochs, every checkpoint kept."""
    work = tmp_path_factory.mktemp('run')
    args = arguments(CONFIG, work, data_root, SMALL + [
        'default_hooks.checkpoint.max_keep_ckpts=-1'])
    train_tool.main(args)
    return work, args


def damage(path, how):
    data = open(path, 'rb').read()
    with open(path, 'wb') as f:
        f.write(data[:len(data) // 3] if how == 'truncated' else
                os.urandom(len(data)))


@pytest.mark.parametrize('how', ['truncated', 'random'])
def test_problem_is_named(tmp_path, how):
    path = tmp_path / 'x.pth'
    torch.save({'state_dict': {'w': torch.ones(1000)}}, path)
    assert checkpoint_problem(str(path)) is None
    damage(path, how)
    problem = checkpoint_problem(str(path))
    assert ('truncated' if how == 'truncated' else 'not a PyTorch') in problem
    with pytest.raises(CheckpointError, match='no readable epoch_N'):
        check_checkpoint(str(path))


def run_tool(args):
    env = dict(os.environ, OMP_NUM_THREADS='1', PYTHONPATH=ROOT + os.pathsep
               + os.environ.get('PYTHONPATH', ''))
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)


def assert_one_line(proc, path, usable):
    assert proc.returncode != 0
    lines = [line for line in proc.stderr.splitlines()
             if line.startswith('error:')]
    assert len(lines) == 1, proc.stderr[-2000:]
    assert 'Traceback' not in proc.stderr, proc.stderr[-2000:]
    assert str(path) in lines[0] and str(usable) in lines[0], lines[0]


def in_process(main, args, capsys):
    """A tool's main() in this process: (exit status, stderr)."""
    capsys.readouterr()
    with pytest.raises(SystemExit) as info:
        main(args)
    return info.value.code, capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.parametrize('how', ['truncated', 'random'])
def test_unusable_checkpoint_gives_one_line(trained, tmp_path, how, capsys,
                                            data_root):
    work, _ = trained
    # the data must be there: the config is checked before the checkpoint
    roots = ['--cfg-options'] + [
        f'{split}_dataloader.dataset.data_root={data_root}'
        for split in ('train', 'val', 'test')]
    bad = tmp_path / 'epoch_2.pth'
    bad.write_bytes((work / 'epoch_2.pth').read_bytes())
    damage(bad, how)
    (tmp_path / 'epoch_1.pth').write_bytes((work / 'epoch_1.pth').read_bytes())
    usable = tmp_path / 'epoch_1.pth'
    # the command line, once: no traceback, one line, status 1
    if how == 'truncated':
        proc = run_tool([osp.join('tools', 'train.py'), CONFIG, '--work-dir',
                         str(tmp_path / 'w'), '--resume', str(bad), *roots])
        assert_one_line(proc, bad, usable)
    # --resume PATH, tools/test.py and the backbone exporter
    from mixtoolbox.apis import extract_backbone
    from mixtoolbox.apis import test as test_tool
    for main, args in (
            (train_tool.main, [osp.join(ROOT, CONFIG), '--work-dir',
                               str(tmp_path / 'w'), '--resume', str(bad),
                               *roots]),
            (test_tool.main, [osp.join(ROOT, CONFIG), str(bad), *roots]),
            (extract_backbone.main, [str(bad), str(tmp_path / 'out.pth')])):
        code, err = in_process(main, args, capsys)
        lines = err.strip().splitlines()
        assert code == 1 and len(lines) == 1, err
        assert lines[0].startswith(f'error: checkpoint {bad} is unusable: ')
        assert f'the newest readable checkpoint there is {usable}' in \
            lines[0]
        assert ('truncated' if how == 'truncated' else 'not a PyTorch') in \
            lines[0]


@pytest.mark.slow
def test_auto_resume_falls_back_to_newest_readable(trained, tmp_path,
                                                   capfd):
    work, args = trained
    copy = tmp_path / 'work'
    copy.mkdir()
    for name in ('epoch_1.pth', 'epoch_2.pth'):
        (copy / name).write_bytes((work / name).read_bytes())
    (copy / 'last_checkpoint').write_text(str(copy / 'epoch_2.pth'))
    damage(copy / 'epoch_2.pth', 'truncated')
    args = list(args)
    args[args.index(str(work))] = str(copy)
    runner = train_tool.main(args + ['--resume'])
    assert runner.iter == 4  # resumed at epoch 1 and trained epoch 2 again
    out, err = capfd.readouterr()
    log = out + err
    assert 'resuming from the newest readable checkpoint' in log
    assert str(copy / 'epoch_1.pth') in log
    check_checkpoint(str(copy / 'epoch_2.pth'))  # rewritten, whole


@pytest.mark.slow
def test_kill_while_saving_leaves_the_previous_checkpoint(tmp_path,
                                                          data_root):
    """SIGKILL with half of epoch_2.pth written (max_keep_ckpts=1, which
    deletes epoch_1.pth in mmengine's own hook before writing epoch_2)."""
    work = tmp_path / 'work'
    args = arguments(CONFIG, work, data_root, SMALL)
    args += ['default_hooks.checkpoint.max_keep_ckpts=1']
    run_killed('save', 2, args)
    names = sorted(os.listdir(work))
    assert 'epoch_2.pth' not in names and 'epoch_1.pth' in names, names
    assert open(work / 'last_checkpoint').read().strip().endswith(
        'epoch_1.pth')
    check_checkpoint(str(work / 'epoch_1.pth'))
    runner = train_tool.main(args + ['--resume'])
    assert runner.iter == 4
    check_checkpoint(str(work / 'epoch_2.pth'))
    assert not (work / 'epoch_1.pth').exists()  # max_keep_ckpts=1 again
    # the partial file of the killed process is cleared away
    assert not [n for n in os.listdir(work) if 'partial' in n]
