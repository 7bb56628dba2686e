"""The speed benchmark (mixtoolbox.analysis.speed, behind
tools/analysis/benchmark_methods.py) and the accuracy benchmark
(mixtoolbox.analysis.accuracy, behind tools/analysis/accuracy_benchmark.py,
with its method configs in configs/benchmarks/fashion_mnist/) on tiny
inputs: they run, write the table and JSON with the expected rows, resume,
and refuse bad arguments; the thin tools answer --help."""
import ast
import copy
import glob
import json
import os.path as osp
import re
import subprocess
import sys

import pytest
import torch
from mmengine.optim import build_optim_wrapper
from mmengine.runner import Runner

from mixtoolbox.analysis import accuracy as acc
from mixtoolbox.analysis import speed
from mixtoolbox.registry import MODELS

from .. import standin_data

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
BASE = osp.join(ROOT, acc.config_path('vanilla'))
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


# every Python script under tools/ is a thin command line over a module of
# mixtoolbox.analysis / mixtoolbox.apis, except these, which keep their code
SELF_CONTAINED = {
    # compares the package's mixing ops with mmpretrain's and timm's
    'analysis/benchmark_mixups.py',
    # a training loop that must not import the package (an independent
    # check of it), and the report over its results and the toolbox's
    'analysis/reference_loop.py', 'analysis/claims_report.py'}
THIN_TOOLS = sorted(
    path for path in glob.glob(osp.join(ROOT, 'tools', '*.py'))
    + glob.glob(osp.join(ROOT, 'tools', '*', '*.py'))
    if osp.relpath(path, osp.join(ROOT, 'tools')) not in SELF_CONTAINED)
HELP_ALL = """
import contextlib, io, runpy, sys
for path in sys.argv[1:]:
    sys.argv = [path, '--help']
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        try:
            runpy.run_path(path, run_name='__main__')
            code = 'no exit'
        except SystemExit as exit:
            code = exit.code
    assert code in (0, None), (path, code)
    assert out.getvalue().startswith('usage:'), (path, out.getvalue())
print('ALL OK', len(sys.argv))
"""


def test_thin_tools_answer_help():
    """Each script only imports its package module and calls it; run as a
    script (one process for all of them) it answers --help."""
    assert len(THIN_TOOLS) >= 19
    for path in THIN_TOOLS:
        text = open(path).read()
        assert re.search(r'^from mixtoolbox\.(analysis|apis)\.\w+ import '
                         r'\w+$', text, re.M), path
        body = ast.parse(text).body
        kinds = [type(node).__name__ for node in body]
        assert kinds[0] == 'Expr' and kinds[-1] == 'If', (path, kinds)
        assert set(kinds[1:-1]) <= {'Import', 'ImportFrom'}, (path, kinds)
    out = subprocess.run([sys.executable, '-c', HELP_ALL, *THIN_TOOLS],
                         cwd=ROOT, capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    assert 'ALL OK' in out.stdout


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


def test_multimix_suite(tmp_path):
    """--suite multimix-r18: vanilla and the chosen MultiMix variant on the
    PreActResNet-18 CIFAR-100 model, with the step-time goal."""
    out = str(tmp_path / 'mm')
    result = speed.main(['--suite', 'multimix-r18', '--methods',
                         'multimix_dense_distil', '--batch-size', '2',
                         '--reps', '1', '--warmup', '0', '--threads', '1',
                         '--out', out])
    rows = json.load(open(out + '.json'))['rows']
    assert [r['method'] for r in rows] == ['vanilla', 'multimix_dense_distil']
    assert rows[0]['vs_vanilla'] == 1.0 and rows[0]['goal'] is None
    dense = rows[1]
    assert dense['goal'] == 'step <= 1.5x' and dense['paper_ratio'] is None
    assert dense['goal_met'] == (dense['vs_vanilla'] >= 1 / 1.5)
    assert speed.R18_DISTIL in dense['source']
    assert all(r['batch'] == 2 and r['peak_mib'] > 0 for r in rows)
    assert result['meta']['image_size'] == 32
    table = open(out + '.md').read()
    assert 'step <= 1.5x' in table and 'arXiv:2206.14868' not in table


def test_dense_head_sizes_and_measurement():
    """The --dense-head-imagenet computation at toy sizes: tensor sizes
    follow the dimensions, the step runs and its memory is measured."""
    m, d, side, c, n = 4, 8, 2, 5, 6
    head = speed.dense_head_imagenet(torch.device('cpu'), m=m, d=d,
                                     side=side, c=c, n=n)
    r = side * side
    mib = head['tensors_mib']
    assert mib['logits [m, c, r]'] == m * c * r * 4 / 2**20
    assert mib['interpolation weights [r, m, n]'] == r * m * n * 4 / 2**20
    assert head['wall_s'] > 0 and head['peak_mib'] > 0
    assert 'r = 4' in speed.dense_head_markdown(head)
    for bad in ([], ['--methods', 'multimix'],
                [CUTMIX, '--suite', 'multimix-r18'],
                ['--suite', 'multimix-r18', '--methods', 'samix']):
        with pytest.raises(SystemExit):
            speed.parse_args(bad)
    assert speed.parse_args(['--dense-head-imagenet']).dense_head_imagenet


def test_default_baseline_and_errors(tmp_path):
    mixup = osp.join(ROOT, 'configs/mixup/'
                           'mixup_preactresnet18_1xb100-800e_cifar100.py')
    assert speed.default_baseline(mixup) == osp.join(
        ROOT, 'configs/vanilla/'
        'vanilla_preactresnet18_1xb128-2000e_cifar100.py')
    with pytest.raises(FileNotFoundError, match='--baseline'):
        speed.default_baseline(CUTMIX)  # no vanilla_preactresnet18-w8_*
    # mmpretrain-style names: same model and dataset, then same schedule
    (tmp_path / 'vanilla').mkdir()
    for name in ('vanilla_r18_1xb100-800e_c100.py',
                 'vanilla_r18_1xb128-2000e_c100.py',
                 'vanilla_r50_1xb1-1e_c100.py'):
        (tmp_path / 'vanilla' / name).write_text('')
    assert speed.default_baseline(
        str(tmp_path / 'mixup' / 'mixup_r18_1xb128-2000e_c100.py')) == str(
            tmp_path / 'vanilla' / 'vanilla_r18_1xb128-2000e_c100.py')
    with pytest.raises(FileNotFoundError, match='no single vanilla'):
        speed.default_baseline(  # two r18 ones, neither of this schedule
            str(tmp_path / 'mixup' / 'mixup_r18_1xb64-300e_c100.py'))
    with pytest.raises(FileNotFoundError, match='config not found'):
        speed.expand([str(tmp_path / 'missing.py')])
    for bad in (['--reps', '0'], ['--batch-size', '0'], ['--warmup', '-1']):
        with pytest.raises(SystemExit) as exit_info:
            speed.parse_args([CUTMIX, *bad])
        assert exit_info.value.code == 2


# --------------------------------------------------------- accuracy benchmark
def test_method_names():
    assert acc.method_config('vanilla').model.mix_policy == []
    both = acc.method_config('cutmix+distil+dense')
    assert [m['type'] for m in both.model.modifiers] == [
        'DenseLoss', 'SelfDistill']
    assert both.data_preprocessor.type == 'MultiViewDataPreprocessor'
    assert both.model.mix_policy == [dict(type='CutMix', alpha=1.0,
                                          prob=0.5)]
    assert 'modifiers' not in acc.method_config('cutmix').model
    # '-' in a file name is '_' in a method name; both are accepted
    assert acc.canonical('dense-multimix+distil') == 'dense_multimix+distil'
    assert acc.config_path('dense_multimix') == acc.config_path(
        'dense-multimix') == osp.join(
            acc.CONFIG_DIR,
            'dense-multimix_preactresnet18-w8_1xb100-10e_fashionmnist2k.py')
    # a config path is a method too
    assert acc.method_config(BASE + '+dense').model.modifiers == [
        dict(type='DenseLoss')]
    for bad, match in (('nomix', 'unknown method'),
                       ('mixup+dense+dense', 'at most once'),
                       ('mixup+ema', 'modifiers are'),
                       ('samix+distil', 'takes no modifiers'),
                       ('missing.py', 'no config file')):
        with pytest.raises(ValueError, match=match):
            acc.method_config(bad)
    with pytest.raises(SystemExit):
        acc.parse_args(['--methods', 'nomix'])
    with pytest.raises(SystemExit):
        acc.parse_args(['--epochs', '0'])


def test_method_configs_follow_the_protocol():
    """Every config of the folder is a row of the default table, inherits
    the vanilla config (directly or through another method's) and is named
    {method}_{backbone}_{N}xb{bs}-{schedule}_{dataset}.py; its schedule is
    what schedule_overrides builds for its epochs."""
    found = acc.available_methods()
    bases = {m.split('+')[0] for m in acc.DEFAULT_METHODS}
    assert set(found) == bases
    vanilla = acc.method_config('vanilla')
    for name, path in found.items():
        assert re.fullmatch(r'[a-z0-9-]+_preactresnet18-w8_1xb100-10e_'
                            r'fashionmnist2k\.py', osp.basename(path)), path
        cfg = acc.method_config(name)
        for key in ('train_dataloader', 'test_dataloader', 'optim_wrapper',
                    'param_scheduler', 'train_cfg', 'test_evaluator'):
            assert cfg[key] == vanilla[key], (name, key)
        assert cfg.model.backbone == vanilla.model.backbone
        assert cfg.train_dataloader.batch_size == 100
        # protocol v2 sets its own length, subset and batch
        proto = acc.settings(name, acc.parse_args([]))
        assert (proto['epochs'], proto['train_images'],
                proto['batch_size']) == (acc.V2_EPOCHS, acc.V2_IMAGES,
                                         acc.V2_BATCH)
        smoke = acc.settings(name, acc.parse_args(['--protocol', 'smoke']))
        assert (smoke['epochs'], smoke['train_images'], smoke['batch_size'],
                smoke['curve_every']) == (10, 2000, 100, 0)
    sched = acc.schedule_overrides(vanilla.train_cfg.max_epochs)
    assert vanilla.train_cfg.max_epochs == 10
    assert vanilla.param_scheduler == sched['param_scheduler']


# the methods whose settings differ from their CIFAR configs (sizes tied to
# 28×28 images or the width-8 network) or that change the pipeline; the
# others reuse the CIFAR configs' settings, stepped by tests/test_configs.py
ADAPTED = ['puzzlemix', 'rmix', 'comixup', 'samix', 'automix', 'alignmix',
           'cutmix+dense', 'dense_multimix+distil', 'dense_multimix_layer3',
           'multi_interp_puzzlemix']


@pytest.mark.parametrize('method', ADAPTED)
def test_adapted_methods_train_on_28px(method, fmnist_root):
    """The overrides build on the protocol config and take a training step
    on 28×28 grey images."""
    cfg = acc.method_config(method)
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
            '--epochs', '1', '--train-images', '8', '--curve-every', '1',
            '--curve-images', '8', '--fgsm-images', '8', '--data-root',
            fmnist_root, '--work-dir', str(tmp_path), '--in-process']
    results = tmp_path / 'results.jsonl'
    # a finished run of the same protocol is not repeated
    done = dict(method='cutmix', seed=0, config=acc.config_path('cutmix'),
                epochs=1, train_images=8, batch_size=50, curve_every=1,
                curve_images=8,
                fgsm_images=8, top1=50.0, ece=1.0,
                fgsm_error=60.0, train_minutes=0.5)
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
        assert row['ece'] >= 0 and 0 <= row['train_top1'] <= 100
        # one curve point (epoch 1 = the last) on 20 test images / the 8
        # training images; the final clean training top-1 is the curve's
        (point, ) = row['curve']
        assert point['epoch'] == 1 and point['iter'] == 1
        assert point['train_top1'] == row['train_top1']
        assert (point['test_top1'] * 8 / 100) % 1 == pytest.approx(0)
        rel = row['reliability']
        assert sum(rel['count']) == 16 and len(rel['count']) == 15
        # the bins give back the stored top-1 and ECE
        assert 100 * sum(rel['correct_sum']) / 16 == pytest.approx(row['top1'])
        ece = sum(abs(c - a) for c, a in zip(rel['confidence_sum'],
                                             rel['correct_sum'])) / 16 * 100
        assert ece == pytest.approx(row['ece'], abs=1e-6)
        assert len(row['state_sha256']) == 64 and row['commit']
        assert row['command'].startswith(
            'python tools/analysis/accuracy_benchmark.py --protocol v2 '
            '--methods '
            f'{row["method"]} --seeds 0 --epochs 1 --train-images 8 '
            '--batch-size 50')
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


def test_accuracy_benchmark_verify_reruns_a_row_identically(
        tmp_path, fmnist_root, capsys):
    """A stored (method, seed) re-run in a fresh process gives the same
    numbers and bit-identical weights; a tampered row is caught."""
    argv = ['--methods', 'vanilla', '--seeds', '0', '--epochs', '1',
            '--train-images', '8', '--curve-every', '1', '--curve-images',
            '8', '--fgsm-images', '8', '--data-root', fmnist_root,
            '--work-dir', str(tmp_path)]
    acc.main(argv)
    capsys.readouterr()
    assert acc.main(argv + ['--verify', 'vanilla', '0']) is True
    assert 'verify: OK' in capsys.readouterr().out
    results = tmp_path / 'results.jsonl'
    row = json.loads(results.read_text())
    row['top1'] += 0.01
    results.write_text(json.dumps(row) + '\n')
    with pytest.raises(SystemExit):
        acc.main(argv + ['--verify', 'vanilla', '0'])
    assert 'top1' in capsys.readouterr().out
    with pytest.raises(SystemExit, match='no run of mixup'):
        acc.main(argv + ['--verify', 'mixup', '0'])


def test_keep_freed_memory_flag_is_recorded():
    """The allocator switch is parsed and said in the table's header (the
    switch itself: tests/utils/test_allocator.py, in its own process)."""
    assert speed.parse_args([BASE, '--keep-freed-memory']).keep_freed_memory
    assert not speed.parse_args([BASE]).keep_freed_memory
    meta = dict(machine='m', torch='t', threads=1, device='cpu', reps=1,
                warmup=0, baseline=BASE, baseline_batch=4)
    row = dict(config=BASE, batch=4, wall_s=1.0, cpu_s=1.0, peak_mib=None,
               wall_vs_baseline=1.0, cpu_vs_baseline=1.0)
    assert 'keeps freed memory' not in speed.markdown([row], meta)
    assert 'keeps freed memory' in speed.markdown(
        [row], dict(meta, keep_freed_memory=True))


def test_recording_a_curve_leaves_the_training_unchanged(tmp_path,
                                                         fmnist_root):
    """The curve points run the model in eval mode between epochs; with the
    torch RNG state restored around them the final weights are bit-identical
    to a run without a curve."""
    hashes = {}
    for every in ('0', '1'):
        argv = ['--methods', 'mixup', '--seeds', '0', '--epochs', '2',
                '--train-images', '8', '--batch-size', '4', '--curve-every',
                every, '--curve-images', '8', '--fgsm-images', '8',
                '--data-root', fmnist_root, '--work-dir',
                str(tmp_path / every), '--in-process']
        acc.main(argv)
        row = json.loads((tmp_path / every / 'results.jsonl').read_text())
        hashes[every] = row['state_sha256']
        assert ('curve' in row) == (every == '1')
    assert hashes['0'] == hashes['1']
