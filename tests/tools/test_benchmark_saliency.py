"""The saliency-mixup time breakdown (mixtoolbox.analysis.saliency_speed,
tools/analysis/benchmark_saliency.py)
on a tiny setting: every phase is found and timed, the parts add up to the
step, the wrappers are gone afterwards, and bad arguments are refused."""
import json
import os.path as osp

import pytest

from mixtoolbox.analysis import saliency_speed as tool
from mixtoolbox.models.mixups import saliency_mixup, saliency_utils

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))

# PreActResNet-18 of width 8 (64 features): the CIFAR configs, only smaller
TINY = ['--cfg-options', 'model.backbone.base_channels=8',
        'model.head.in_channels=64']


def test_help(capsys):
    with pytest.raises(SystemExit) as exit_info:
        tool.main(['--help'])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    for option in ('--configs', '--baseline', '--batch-size', '--reps',
                   '--warmup', '--threads', '--out', '--cfg-options'):
        assert option in text


def test_breakdown_adds_up(tmp_path):
    out = str(tmp_path / 'saliency')
    result = tool.main(['--batch-size', '4', '--reps', '1', '--warmup', '0',
                        '--threads', '1', '--out', out] + TINY)
    saved = json.load(open(out + '.json'))
    assert saved['meta'] == result['meta']
    assert saved['meta']['batch'] == 4 and saved['meta']['image'] == '32×32'
    rows = saved['rows']
    assert [r['method'] for r in rows] == ['vanilla', 'PuzzleMix', 'CoMixup',
                                           'RMix']
    assert rows[0]['config'] == osp.relpath(osp.join(ROOT, tool.BASELINE))
    assert rows[0]['calls_per_step'] == dict(saliency=[0], mask=[0])
    for kind in ('wall', 'cpu'):
        assert rows[0][f'{kind}_vs_vanilla']['total'] == 1.0
        assert rows[0][f'{kind}_s']['rest'] == rows[0][f'{kind}_s']['total']
    for row in rows[1:]:
        # one saliency pass and one mask optimisation per step, no more
        assert row['calls_per_step'] == dict(saliency=[1], mask=[1])
        assert row['batch'] == 4
        for kind in ('wall', 'cpu'):
            t = row[f'{kind}_s']
            assert all(t[p] > 0 for p in tool.PHASES), (row['method'], t)
            assert t['saliency'] + t['mask'] + t['rest'] == pytest.approx(
                t['total'], rel=1e-6)
            ratio = row[f'{kind}_vs_vanilla']
            base = rows[0][f'{kind}_s']['total']
            assert ratio['mask'] == pytest.approx(t['mask'] / base)
    table = open(out + '.md').read()
    assert 'saliency pass | mask optimisation | rest | total' in table
    assert table.count('| vanilla | '
                       '`vanilla_preactresnet18_1xb128-2000e_cifar100` | '
                       '— | — |') == 2
    assert table.count('| PuzzleMix |') == table.count('| RMix |') == 2
    # the methods (their SaliencyMixup base) run unwrapped again afterwards
    assert saliency_mixup.saliency_pass is saliency_utils.saliency_pass


def test_errors(capsys):
    for bad in (['--reps', '0'], ['--batch-size', '0'], ['--warmup', '-1'],
                ['--threads', '0']):
        with pytest.raises(SystemExit) as exit_info:
            tool.parse_args(bad)
        assert exit_info.value.code == 2
    with pytest.raises(ValueError, match='--configs must use'):
        tool.main(['--configs',
                   'configs/mixup/'
                   'mixup_preactresnet18_1xb100-800e_cifar100.py',
                   '--batch-size', '2', '--reps', '1'] + TINY)
