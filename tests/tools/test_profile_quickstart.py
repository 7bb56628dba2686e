"""mixtoolbox.analysis.run_profile (tools/analysis/profile_quickstart.py): a
few iterations of the quick-start config through the real Runner on stand-in
Fashion-MNIST; every phase gets a row, the rows add up to the wall time, the
extrapolation follows the rates."""
import json
import os.path as osp

import pytest

from mixtoolbox.analysis import run_profile as prof

from .. import standin_data

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def test_help(capsys):
    with pytest.raises(SystemExit) as exit_info:
        prof.main(['--help'])
    assert exit_info.value.code == 0
    assert 'usage' in capsys.readouterr().out


def test_bad_arguments(capsys):
    with pytest.raises(SystemExit):
        prof.main(['--iters', '0'])
    assert '--iters must be a positive integer' in capsys.readouterr().err


def test_profile_rows_add_up(tmp_path, capsys):
    root = standin_data.make_fashion_mnist_standin(str(tmp_path / 'fm'),
                                                   num=32)
    out = str(tmp_path / 'profile.json')
    result = prof.main([
        osp.join(ROOT, prof.DEFAULT_CONFIG), '--iters', '3',
        '--work-dir', str(tmp_path / 'work'), '--json', out,
        '--cfg-options', f'train_dataloader.dataset.data_root={root}',
        f'val_dataloader.dataset.data_root={root}',
        'train_dataloader.batch_size=4', 'val_dataloader.batch_size=8',
        'default_hooks.logger.interval=1'])
    rows = {r['phase']: r for r in result['rows']}
    for phase in ('train: data loading', 'train: data preprocessor',
                  'train: forward + mixing + loss', 'train: backward',
                  'train: optimizer step', 'eval: data loading',
                  'eval: forward (predict)', 'eval: metric evaluate',
                  'hook AtomicCheckpointHook.after_train_epoch',
                  'hook LoggerHook.after_train_iter',
                  'set-up: build the Runner'):
        assert phase in rows, sorted(rows)
    assert rows['train: backward']['calls'] == 3
    assert rows['train: data loading']['calls'] == 3
    assert rows['eval: data loading']['calls'] == 4  # 32 images / 8
    assert result['done'] == dict(epochs=1, iters=3, vals=1)
    # the quick-start config: 3 epochs of 32 / 4 = 8 iterations, no
    # validation during training
    assert result['full'] == dict(epochs=3, iters=24, vals=0)
    assert all(r['own_s'] >= 0 for r in result['rows'])
    assert sum(r['own_s'] for r in result['rows']) == pytest.approx(
        result['wall_s'], rel=1e-6)
    est = result['estimate']
    per_iter = sum(r['own_s'] for r in result['rows'] if r['scale'] ==
                   'iter') / 3
    assert est['s_per_iter'] == pytest.approx(per_iter)
    assert est['full_training_s'] > 8 * per_iter * 3
    table = capsys.readouterr().out
    assert '| train: backward' in table and 'extrapolated' in table
    saved = json.load(open(out))
    assert saved['done']['iters'] == 3 and len(saved['rows']) == len(
        result['rows'])
    assert osp.isfile(tmp_path / 'work' / 'epoch_1.pth')
