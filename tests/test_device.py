"""Device hygiene: the package names the device of every tensor it creates
and never calls ``.cuda()``; the `pytest --device` machinery of
tests/conftest.py; and the GPU check script in its CPU quick mode (so that
the script a GPU session runs in one call cannot rot)."""
import ast
import functools
import json
import os
import os.path as osp
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
import torch

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
PACKAGE = osp.join(ROOT, 'mixtoolbox')
# torch functions that create a tensor on the default device unless told
FACTORIES = {'zeros', 'ones', 'empty', 'full', 'arange', 'linspace',
             'logspace', 'eye', 'rand', 'randn', 'randint', 'randperm',
             'tensor', 'normal'}


@functools.lru_cache(maxsize=1)
def package_calls():
    """(relative path, call node, parent map) of every call in mixtoolbox/."""
    return list(_package_calls())


def _package_calls():
    for folder, _, files in os.walk(PACKAGE):
        for name in sorted(files):
            if not name.endswith('.py'):
                continue
            path = osp.join(folder, name)
            tree = ast.parse(open(path).read(), path)
            parent = {child: node for node in ast.walk(tree)
                      for child in ast.iter_child_nodes(node)}
            for node in ast.walk(tree):
                if isinstance(node, ast.Call):
                    yield osp.relpath(path, ROOT), node, parent


def attr_name(call):
    return call.func.attr if isinstance(call.func, ast.Attribute) else None


def test_package_never_calls_cuda():
    found = [f'{path}:{call.lineno}' for path, call, _ in package_calls()
             if attr_name(call) == 'cuda']
    assert not found, f'.cuda() in the package (use .to(device)): {found}'


def test_numpy_round_trips_go_through_cpu():
    """``x.numpy()`` fails on a CUDA tensor: every one is ``...cpu().numpy()``
    (``.cpu()`` is free for a CPU tensor)."""
    def through_cpu(node):
        while isinstance(node, (ast.Call, ast.Attribute)):
            if isinstance(node, ast.Call) and attr_name(node) == 'cpu':
                return True
            node = node.func if isinstance(node, ast.Call) else node.value
        return False
    found = [f'{path}:{call.lineno}' for path, call, _ in package_calls()
             if attr_name(call) == 'numpy' and not call.args
             and not through_cpu(call.func.value)]
    assert not found, f'.numpy() without .cpu(): {found}'


def test_tensor_factories_name_their_device():
    """``torch.zeros(...)`` & co. give a tensor on torch's default device,
    not the data's: each names its device (or takes ``**kwargs`` that may),
    except module parameters and buffers, which ``.to()`` moves."""
    found = []
    for path, call, parent in package_calls():
        func = call.func
        if not (isinstance(func, ast.Attribute) and func.attr in FACTORIES
                and isinstance(func.value, ast.Name)
                and func.value.id == 'torch'):
            continue
        if any(k.arg in ('device', None) for k in call.keywords):
            continue  # device= given, or **kwargs
        outer = parent.get(call)
        if isinstance(outer, ast.Call) and (
                attr_name(outer) in ('Parameter', 'register_buffer')
                or getattr(outer.func, 'id', None) == 'Parameter'):
            continue
        found.append(f'{path}:{call.lineno} torch.{func.attr}')
    assert not found, f'tensor factories without device=: {found}'


def test_default_device_mode_moves_models_and_restores():
    """The machinery behind `pytest --device cuda`, on the meta device:
    tensors and registry-built models land there (the data preprocessor
    too), and everything is restored afterwards."""
    from mmengine.registry import Registry

    from mixtoolbox.registry import MODELS

    from .conftest import default_device
    build, generator = Registry.build, torch.Generator
    before = torch.get_default_device()
    with default_device(torch.device('meta')):
        assert torch.rand(2).device.type == 'meta'
        model = MODELS.build(dict(
            type='MixupClassifier',
            backbone=dict(type='PreActResNet', depth=18, base_channels=2),
            neck=dict(type='GlobalAveragePooling'),
            head=dict(type='LinearClsHead', num_classes=3, in_channels=16,
                      loss=dict(type='CrossEntropyLoss', use_soft=True)),
            mix_policy=[dict(type='Mixup', alpha=1.0)]))
        assert {p.device.type for p in model.parameters()} == {'meta'}
        assert model.data_preprocessor._device.type == 'meta'
        assert issubclass(torch.Generator, generator)
    assert torch.rand(2).device == before
    assert Registry.build is build and torch.Generator is generator


def speed_tool():
    from mixtoolbox.analysis import speed
    return speed


def test_suite_puzzlemix_takes_its_imagenet_settings():
    speed = speed_tool()
    policy = [dict(type='PuzzleMix', block_nums=(2, 4, 8, 16), neigh_size=4,
                   t_size=4)]
    notes = speed._fit_policy(policy, 224)  # blocks of 112 ... 14 px
    assert policy[0]['neigh_size'] == 2 and policy[0]['t_size'] == 224
    assert policy[0]['block_nums'] == (2, 4, 8, 16) and len(notes) == 1
    assert speed._fit_policy([dict(type='Mixup')], 224) == []
    with pytest.raises(ValueError, match='block_nums'):
        speed._fit_policy([dict(type='PuzzleMix', block_nums=(3, ))], 224)


def test_amp_optim_wrappers():
    """--amp: float16 with loss scaling on CUDA, bfloat16 on a CPU (and the
    latter builds and steps)."""
    from mmengine.config import ConfigDict
    from mmengine.optim import build_optim_wrapper
    speed = speed_tool()
    cfg = ConfigDict(optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.1)))
    assert speed.optim_config(cfg, True, torch.device('cuda')) == dict(
        type='AmpOptimWrapper', dtype='float16', optimizer=cfg.optim_wrapper
        .optimizer)
    assert speed.optim_config(cfg, False, torch.device('cuda')) == \
        cfg.optim_wrapper
    model = torch.nn.Linear(3, 2)
    wrapper = build_optim_wrapper(model, speed.optim_config(
        cfg, True, torch.device('cpu')))
    assert type(wrapper).__name__ == 'BF16OptimWrapper'
    with wrapper.optim_context(model):
        out = model(torch.rand(4, 3))
    assert out.dtype == torch.bfloat16
    wrapper.update_params(out.float().pow(2).mean())


@pytest.mark.skipif(torch.cuda.is_available(), reason='CUDA is available')
def test_device_cuda_without_cuda_skips_in_one_line():
    out = subprocess.run(
        [sys.executable, '-m', 'pytest', '-q', '-p', 'no:cacheprovider',
         '--device', 'cuda', osp.join(ROOT, 'tests', 'test_device.py'),
         '-k', 'never_calls_cuda or round_trips'],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    skips = [line for line in out.stdout.splitlines()
             if line.startswith('SKIPPED')]
    assert len(skips) == 1 and 'CUDA is not available' in skips[0], \
        out.stdout
    assert '2 skipped' in out.stdout


def test_gpu_check_script_quick_cpu(tmp_path):
    """tools/dev/gpu_check.sh --device cpu --quick: wheels step, device
    tests with JUnit XML, both speed tables, the report; exit status 0."""
    script = osp.join(ROOT, 'tools', 'dev', 'gpu_check.sh')
    help_text = subprocess.run(['bash', script, '--help'], text=True,
                               capture_output=True, timeout=30)
    assert help_text.returncode == 0 and 'usage' in help_text.stdout
    out = tmp_path / 'gpu_check'
    env = dict(os.environ, PYTHON=sys.executable)
    run = subprocess.run(['bash', script, '--device', 'cpu', '--quick',
                          '--out', str(out)], cwd=ROOT, env=env, text=True,
                         capture_output=True, timeout=580)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    files = sorted(os.listdir(out))
    assert files == sorted(['report.md', 'summary.json', 'pytest.xml',
                            'pytest.log', 'bench_fp32.json',
                            'bench.log'])  # the device tool returns <= 8
    suite = ET.parse(out / 'pytest.xml').getroot()
    suite = suite if suite.tag == 'testsuite' else suite.find('testsuite')
    assert int(suite.get('tests')) > 10 and int(suite.get('failures')) == 0
    names = {case.get('name') for case in suite.iter('testcase')}
    assert 'test_package_never_calls_cuda' in names
    assert 'test_mix_targets_and_example' in names  # tests/models/...
    assert 'test_resolve_splits_identical_outputs' not in names  # cpu_only
    fp32 = json.load(open(out / 'bench_fp32.json'))
    assert [r['method'] for r in fp32['rows']] == ['vanilla', 'puzzlemix']
    assert fp32['rows'][0]['vs_vanilla'] == 1.0
    assert fp32['rows'][1]['paper_ratio'] == pytest.approx(0.84 / 1.17)
    assert all(r['peak_mib'] > 0 for r in fp32['rows'])
    report = open(out / 'report.md').read()
    for part in ('| wheels |', '| tests | passed |', '| speed_fp32 | passed',
                 '| speed_amp | skipped (quick mode)', '## Speed, float32',
                 'arXiv:2206.14868'):
        assert part in report, part
