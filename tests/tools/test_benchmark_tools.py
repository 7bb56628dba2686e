"""The speed benchmark (tools/analysis/benchmark_methods.py) and the accuracy
benchmark (tools/analysis/accuracy_benchmark.py) on tiny inputs: they run,
write the table and JSON with the expected rows, resume, and refuse bad
arguments."""
import copy
import json
import os.path as osp
import sys

import pytest
import torch
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.runner import Runner

from mixtoolbox.registry import MODELS
from .. import standin_data

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
sys.path.insert(0, osp.join(ROOT, 'tools', 'analysis'))
import accuracy_benchmark as acc  # noqa: E402
import benchmark_methods as speed  # noqa: E402

BASE = osp.join(ROOT, acc.CONFIG)
CUTMIX = osp.join(ROOT, 'configs/quickstart/'
                  'cutmix_preactresnet18-w8_1xb128-3e_fashion-mnist.py')
DISTIL = osp.join(
    ROOT, 'configs/multimix/'
    'multimix-distil_preactresnet18-w8_1xb128-3e_fashion-mnist.py')


@pytest.fixture(scope='module')
def fmnist_root(tmp_path_factory):
    return standin_data.make_fashion_mnist_standin(
        str(tmp_path_factory.mktemp('fmnist')))


@pytest.mark.parametrize('tool', [speed, acc])
def test_help(tool, capsys):
    with pytest.raises(SystemExit) as exit_info:
        tool.main(['--help'])
    assert exit_info.value.code == 0
    assert 'usage' in capsys.readouterr().out


# ------------------------------------------------------------ speed benchmark
def test_speed_table_and_json(tmp_path):
    out = str(tmp_path / 'speed')
    result = speed.main([CUTMIX, DISTIL, '--baseline', BASE, '--batch-size',
                         '4', '--reps', '1', '--threads', '1', '--out', out])
    rows = json.load(open(out + '.json'))['rows']
    assert [r['config'] for r in rows] == [osp.relpath(p) for p in
                                           (BASE, CUTMIX, DISTIL)]
    assert rows[0]['wall_vs_baseline'] == rows[0]['cpu_vs_baseline'] == 1.0
    for row in rows:
        assert row['batch'] == 4 and row['wall_s'] > 0 and row['peak_mib'] > 0
        assert row['wall_vs_baseline'] == pytest.approx(
            row['wall_s'] / rows[0]['wall_s'])
    table = open(out + '.md').read()
    assert table.count('\n| `configs/') == 3
    assert result['meta']['baseline'] == osp.relpath(BASE)


def test_peak_memory_counts_live_tensors():
    def step():
        keep = torch.ones(2**21)  # 8 MiB live at once ...
        keep.add_(1)
        del keep
        for _ in range(3):  # ... then 3 × 4 MiB, never live together
            torch.ones(2**20).sum()
    peak = speed.peak_memory_mib(dict(step=step), torch.device('cpu'))
    assert 8 <= peak < 10


def test_default_baseline_and_errors(tmp_path):
    mixup = osp.join(ROOT, 'configs/mixup/'
                           'mixup_preactresnet18_1xb100-800e_cifar100.py')
    assert speed.default_baseline(mixup) == osp.join(
        ROOT, 'configs/vanilla/'
        'vanilla_preactresnet18_1xb128-2000e_cifar100.py')
    with pytest.raises(FileNotFoundError, match='--baseline'):
        speed.default_baseline(CUTMIX)  # no vanilla_preactresnet18-w8_*
    with pytest.raises(FileNotFoundError, match='config not found'):
        speed.expand([str(tmp_path / 'missing.py')])
    for bad in (['--reps', '0'], ['--batch-size', '0'], ['--warmup', '-1']):
        with pytest.raises(SystemExit) as exit_info:
            speed.parse_args([CUTMIX, *bad])
        assert exit_info.value.code == 2


# --------------------------------------------------------- accuracy benchmark
def test_method_names():
    assert acc.method_overrides('vanilla')['model']['mix_policy'] == []
    both = acc.method_overrides('cutmix+distil+dense')
    assert [m['type'] for m in both['model']['modifiers']] == [
        'DenseLoss', 'SelfDistill']
    assert both['data_preprocessor']['type'] == 'MultiViewDataPreprocessor'
    assert 'modifiers' not in acc.method_overrides('cutmix')['model']
    for bad, match in (('nomix', 'unknown method'),
                       ('mixup+dense+dense', 'at most once'),
                       ('mixup+ema', 'modifiers are'),
                       ('samix+distil', 'takes no modifiers')):
        with pytest.raises(ValueError, match=match):
            acc.method_overrides(bad)
    with pytest.raises(SystemExit):
        acc.parse_args(['--methods', 'nomix'])
    with pytest.raises(SystemExit):
        acc.parse_args(['--epochs', '0'])


# the methods whose settings differ from their CIFAR configs (sizes tied to
# 28×28 images or the width-8 network) or that change the pipeline; the
# others reuse the CIFAR configs' settings, stepped by tests/test_configs.py
ADAPTED = ['puzzlemix', 'rmix', 'comixup', 'samix', 'automix', 'alignmix',
           'cutmix+dense', 'dense_multimix+distil']


@pytest.mark.parametrize('method', ADAPTED)
def test_adapted_methods_train_on_28px(method, fmnist_root):
    """The overrides build on the protocol config and take a training step
    on 28×28 grey images."""
    cfg = Config.fromfile(BASE)
    cfg.merge_from_dict(acc.method_overrides(method))
    model_cfg = copy.deepcopy(cfg.model)
    model_cfg.setdefault('data_preprocessor', cfg.data_preprocessor)
    torch.manual_seed(0)
    model = MODELS.build(model_cfg).train()
    loader = copy.deepcopy(cfg.train_dataloader)
    loader.update(batch_size=4)
    loader.dataset.update(data_root=fmnist_root, indices=4)
    data = next(iter(Runner.build_dataloader(loader, seed=0)))
    log_vars = model.train_step(data, build_optim_wrapper(
        model, cfg.optim_wrapper))
    assert all(torch.isfinite(torch.as_tensor(v)) for v in log_vars.values())


def test_accuracy_benchmark_runs_and_resumes(tmp_path, fmnist_root, capsys):
    argv = ['--methods', 'vanilla', 'mixup', 'cutmix', '--seeds', '0',
            '--epochs', '1', '--train-images', '8', '--data-root',
            fmnist_root, '--work-dir', str(tmp_path), '--in-process']
    results = tmp_path / 'results.jsonl'
    # a finished run of the same protocol is not repeated
    done = dict(method='cutmix', seed=0, config=acc.CONFIG, epochs=1,
                train_images=8, top1=50.0, ece=1.0, fgsm_error=60.0,
                train_minutes=0.5)
    # ... but one of another protocol does not count
    other = dict(done, method='mixup', epochs=30)
    results.write_text(json.dumps(done) + '\n' + json.dumps(other) + '\n')
    table = acc.main(argv)
    assert '2 run(s) to do, 1 already' in capsys.readouterr().out
    rows = [json.loads(x) for x in results.read_text().splitlines()]
    assert [(r['method'], r['epochs']) for r in rows] == [
        ('cutmix', 1), ('mixup', 30), ('vanilla', 1), ('mixup', 1)]
    for row in rows[2:]:
        assert 0 <= row['top1'] <= 100 and 0 <= row['fgsm_error'] <= 100
        assert row['ece'] >= 0
    assert '| cutmix | 1 | 50.00 | 1.00 | 60.00 | 0.5 |' in table
    assert table.count('\n| vanilla | 1 |') == 1
    assert 'Not measured' not in table

    acc.main(argv)
    assert '0 run(s) to do, 3 already' in capsys.readouterr().out
    assert len(results.read_text().splitlines()) == 4
    text = acc.main(argv + ['--methods', 'vanilla', 'fmix', '--print-only'])
    assert '0 run(s) to do' in capsys.readouterr().out
    assert '| fmix | 0 | — | — | — | — |' in text
    assert text.endswith('Not measured: fmix.')
    assert len(results.read_text().splitlines()) == 4
