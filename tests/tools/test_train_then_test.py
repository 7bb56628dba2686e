"""`tools/train.py --test` (train, then the config's test loop in the same
process, as `make quickstart` does) and the `env_cfg.keep_freed_memory`
switch of the training tool."""
import json

import pytest
from mmengine.config import Config

from .test_train_tools import (  # noqa: F401
    QUICKSTART,
    fmnist_root,
    small_options,
    test_tool,
    train,
    train_tool,
)


@pytest.mark.slow
def test_train_then_test_equals_the_test_tool(tmp_path, fmnist_root):  # noqa: F811,E501
    """The fused test reports what tools/test.py reports for the last
    checkpoint: the same weights through the same test loop."""
    out = tmp_path / 'fused.json'
    train(tmp_path / 'run', fmnist_root, 1, '--test', '--test-out', str(out))
    fused = json.loads(out.read_text())
    alone = test_tool.main([
        QUICKSTART, str(tmp_path / 'run' / 'epoch_1.pth'), '--work-dir',
        str(tmp_path / 'test'), '--cfg-options',
        *small_options(fmnist_root, 1)])
    assert 0 <= fused['accuracy/top1'] <= 100
    assert fused['accuracy/top1'] == alone['accuracy/top1']


def test_test_out_needs_test(capsys):
    with pytest.raises(SystemExit) as exit_:
        train_tool.parse_args([QUICKSTART, '--test-out', 'm.json'])
    assert exit_.value.code == 2
    assert '--test-out needs --test' in capsys.readouterr().err


def test_test_needs_the_test_parts_of_the_config():
    cfg = Config.fromfile(QUICKSTART)
    cfg.test_evaluator = None
    args = train_tool.parse_args([QUICKSTART, '--test'])
    with pytest.raises(ValueError, match='--test needs test_evaluator'):
        train_tool.merge_args(cfg, args)


def test_keep_freed_memory_must_be_a_bool():
    cfg = Config.fromfile(QUICKSTART)
    cfg.env_cfg['keep_freed_memory'] = 'yes'
    args = train_tool.parse_args([QUICKSTART])
    with pytest.raises(ValueError, match='env_cfg.keep_freed_memory must be '
                       'True or False'):
        train_tool.merge_args(cfg, args)
