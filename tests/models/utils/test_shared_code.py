"""models/utils: the config checks, the stage taps, and the code that the
supervised and self-supervised models share instead of repeating."""
import ast
import glob
import os.path as osp

import pytest
import torch
import torch.nn as nn

from mixtoolbox.models.classifiers import AutoMixClassifier
from mixtoolbox.models.mixers import MixerStep
from mixtoolbox.models.selfsup import MixMoCo, SAMixMoCo
from mixtoolbox.models.utils import (
    BadValueError,
    check_bool,
    check_choice,
    check_int,
    check_positive,
    check_real,
    in_range,
    stage_at,
    stage_output,
)
from mixtoolbox.models.utils.validators import check_optional_int

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.dirname(
    osp.abspath(__file__)))))


@pytest.mark.parametrize('check, message', [
    (lambda: in_range('Owner', 'lam', 0.7, 0, 0.5),
     'Owner: `lam` must be a number in [0, 0.5], got 0.7'),
    (lambda: in_range(None, 'mix_policy[1].prob', 'often', 0, 1),
     "mix_policy[1].prob must be a number in [0, 1], got 'often'"),
    (lambda: check_real('Owner', 'w', -1.0, 0),
     'Owner: `w` must be a number >= 0, got -1.0'),
    (lambda: check_optional_int('Owner', 'resolution', 0),
     'Owner: `resolution` must be None or an int >= 1, got 0'),
    (lambda: check_optional_int('Owner', 'resolution', True),
     'Owner: `resolution` must be None or an int >= 1, got True'),
    (lambda: check_real('Owner', 'p', 1.0, 0, 1, high_open=True),
     'Owner: `p` must be a number in [0, 1), got 1.0'),
    (lambda: check_real('Owner', 'm', 0, 0, 1, low_open=True),
     'Owner: `m` must be a number in (0, 1], got 0'),
    (lambda: check_real('Owner', 'x', float('nan')),
     'Owner: `x` must be a number, got nan'),
    (lambda: check_positive('alpha', True, 'Mixup'),
     'Mixup: `alpha` must be a positive finite number (> 0), got True'),
    (lambda: check_positive('alpha', float('inf'), 'Mixup'),
     'Mixup: `alpha` must be a positive finite number (> 0), got inf'),
    (lambda: check_int('Owner', 'n', 2.5),
     'Owner: `n` must be a positive int (>= 1), got 2.5'),
    (lambda: check_int('Owner', 'n', 1, 2),
     'Owner: `n` must be an int >= 2, got 1'),
    (lambda: check_int('Owner', 'layer', 5, 1, 4),
     'Owner: `layer` must be an int in 1..4, got 5'),
    (lambda: check_bool('Owner', 'flag', 1),
     'Owner: `flag` must be True or False, got 1'),
    (lambda: check_choice('Owner', 'view', 'diag', ('cross', 'same')),
     "Owner: `view` must be one of ('cross', 'same'), got 'diag'"),
])
def test_one_line_errors_name_field_and_allowed_values(check, message):
    with pytest.raises(BadValueError) as err:
        check()
    assert str(err.value) == message
    # callers that caught either kind of mistake keep working
    assert isinstance(err.value, ValueError)
    assert isinstance(err.value, TypeError)


def test_accepted_values_come_back_unclamped():
    assert in_range('O', 'x', 1, 0, 1) == 1.0
    assert isinstance(in_range('O', 'x', 1, 0, 1), float)
    assert check_real('O', 'x', -3) == -3.0
    assert check_positive('a', 0.2, 'O') == 0.2
    assert check_int('O', 'n', 7) == 7
    assert check_bool('O', 'f', False) is False
    assert check_choice('O', 'c', 'b', ('a', 'b')) == 'b'


class _Stages(nn.Module):
    res_layers = ['layer1', 'layer2']

    def __init__(self):
        super().__init__()
        self.layer1 = nn.Conv2d(1, 2, 1)
        self.layer2 = nn.Conv2d(2, 3, 1)
        self.calls = 0

    def forward(self, x):
        self.calls += 1
        return self.layer2(self.layer1(x))


def test_stage_output_stops_or_runs_on():
    net, x = _Stages(), torch.rand(2, 1, 4, 4)
    torch.testing.assert_close(stage_output(net, 'layer1', x), net.layer1(x))
    out, tapped = stage_output(net, 'layer1', x, stop=False)
    torch.testing.assert_close(out, net(x))
    torch.testing.assert_close(tapped, net.layer1(x))
    assert stage_at(net, 2, 'Owner') == 'layer2'
    with pytest.raises(ValueError, match=r'`mask_layer` must be an int in '
                       r'1\.\.2, got 3'):
        stage_at(net, 3, 'Owner')
    with pytest.raises(ValueError, match='res_layers'):
        stage_at(nn.Linear(1, 1), 1, 'Owner')


def test_one_mixer_step_for_both_pipelines():
    for name in ('sample_params', 'online_mask', 'blend', 'remember_mix',
                 'init_mixer_step'):
        impl = getattr(MixerStep, name)
        assert getattr(AutoMixClassifier, name) is impl, name
        assert getattr(SAMixMoCo, name) is impl, name
    # and one momentum convention for every momentum encoder
    assert type(AutoMixClassifier.momentum) is property
    assert AutoMixClassifier.momentum.fset.__qualname__ == \
        MixMoCo.momentum.fset.__qualname__


def test_selfsup_does_not_import_classifiers():
    for path in glob.glob(osp.join(ROOT, 'mixtoolbox', 'models', 'selfsup',
                                   '*.py')):
        tree = ast.parse(open(path).read(), path)
        names = [n.module or '' for n in ast.walk(tree)
                 if isinstance(n, ast.ImportFrom)]
        names += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import)
                  for a in n.names]
        assert not [n for n in names if 'classifiers' in n], path
