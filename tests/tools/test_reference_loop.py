"""The independent reference loop (tools/analysis/reference_loop.py): the same
seed gives the same run in two processes, each mixing function follows its
paper's equation on a tiny hand-made example, the network is the toolbox's
architecture, the schedule is mmengine's, and the tool imports nothing of
mixtoolbox (nor mmengine's Runner).

The tool is loaded from its file on purpose: it must stay outside the
package (its point is to share no code with it)."""
import glob
import gzip
import importlib.util
import json
import os
import os.path as osp
import shutil
import subprocess
import sys

import numpy as np
import pytest
import torch

from .. import standin_data

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TOOL = osp.join(ROOT, 'tools', 'analysis', 'reference_loop.py')
spec = importlib.util.spec_from_file_location('reference_loop', TOOL)
ref = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ref)

# a tiny protocol: 48 training images, batches of 16, width 2, 2 epochs,
# 40 test images
TINY = ['--train-images', '48', '--batch-size', '16', '--width', '2',
        '--epochs', '2', '--test-images', '40', '--multimix-n', '50',
        '--seed', '0', '--threads', '1', '--method', *ref.METHODS]
# what differs between two identical runs
TIMING = ('train_minutes', 'seconds_per_iter', 'cpu_seconds_per_iter',
          'wall_seconds', 'command', 'curve')
CURVE_TIMING = ('epoch_seconds', 'eval_seconds')


@pytest.fixture(scope='module')
def idx_root(tmp_path_factory):
    """Stand-in IDX files, the training images gzipped (both readers)."""
    root = standin_data.make_fashion_mnist_standin(
        str(tmp_path_factory.mktemp('idx')), num=64)
    name = osp.join(root, 'train-images-idx3-ubyte')
    with open(name, 'rb') as src, gzip.open(name + '.gz', 'wb') as dst:
        shutil.copyfileobj(src, dst)
    os.remove(name)
    return root


def vanilla_config():
    found = glob.glob(osp.join(ROOT, 'configs', 'benchmarks', 'fashion_mnist',
                               '*vanilla*.py'))
    assert len(found) == 1, f'one vanilla benchmark config expected: {found}'
    return found[0]


def strip(row):
    curve = [{k: v for k, v in p.items() if k not in CURVE_TIMING}
             for p in row['curve']]
    return dict({k: v for k, v in row.items() if k not in TIMING},
                curve=curve)


def test_same_seed_same_run_in_two_processes_without_mixtoolbox(
        idx_root, tmp_path):
    """One process reads the protocol from the toolbox config (then
    overridden by TINY), the other uses the defaults: same rows."""
    first, second = str(tmp_path / 'a.jsonl'), str(tmp_path / 'b.jsonl')
    argv = [TOOL, '--config', vanilla_config()] + TINY
    code = (f'import runpy, sys, json; sys.argv = {argv!r} + '
            f'["--data-root", {idx_root!r}, "--out", {first!r}]; '
            f'runpy.run_path({TOOL!r}, run_name="__main__"); '
            'print("MODULES", json.dumps(sorted(m for m in sys.modules if '
            'm.split(".")[0] == "mixtoolbox" or m == "mmengine.runner")))')
    env = dict(os.environ, OMP_NUM_THREADS='1', PYTHONPATH=ROOT)
    proc = subprocess.run([sys.executable, '-c', code], capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    modules = json.loads(proc.stdout.split('MODULES ')[-1])
    assert modules == [], f'the reference loop imported {modules}'
    rows = ref.main(TINY + ['--data-root', idx_root, '--out', second])
    other = [json.loads(line) for line in open(first)]
    assert [r['method'] for r in other] == list(ref.METHODS)
    assert [strip(r) for r in rows] == [strip(r) for r in other]
    for row in rows:
        assert row['deterministic'] and row['iters'] == 6
        assert [p['epoch'] for p in row['curve']] == [1, 2]
        assert 0 <= row['top1'] <= 100 and row['test_images'] == 40
        assert sum(row['reliability']['count']) == 40
    # the methods really differ, and so does another seed
    assert len({r['state_sha256'] for r in rows}) == len(ref.METHODS)
    again = ref.main(TINY[:-5] + ['--method', 'mixup', '--seed', '1',
                                  '--data-root', idx_root, '--out', second])
    assert again[0]['state_sha256'] != rows[1]['state_sha256']
    # a finished (method, seed, protocol) is skipped
    assert ref.main(TINY + ['--data-root', idx_root, '--out', second]) == []


def test_mixup_is_the_convex_combination():
    x = torch.arange(12.).view(3, 1, 2, 2)
    y = torch.eye(3)
    perm = torch.tensor([2, 0, 1])
    xm, ym = ref.mixup(x, y, 0.3, perm)
    for i in range(3):
        assert torch.allclose(xm[i], 0.3 * x[i] + 0.7 * x[perm[i]])
        assert torch.allclose(ym[i], 0.3 * y[i] + 0.7 * y[perm[i]])
    assert torch.allclose(ym.sum(1), torch.ones(3))


def test_cutmix_label_share_is_the_pixel_share():
    # image i is the constant i + 1, so every pixel says whose it is
    x = torch.arange(1., 4.).view(3, 1, 1, 1).expand(3, 1, 6, 8).clone()
    y = torch.eye(3)
    perm = torch.tensor([1, 2, 0])
    rng = np.random.default_rng(0)
    areas = set()
    for lam in np.linspace(0.02, 0.98, 25):
        box = ref.cutmix_box(float(lam), 6, 8, rng)
        top, bottom, left, right = box
        assert 0 <= top <= bottom <= 6 and 0 <= left <= right <= 8
        xm, ym = ref.cutmix(x, y, box, perm)
        for i in range(3):
            own = (xm[i] == i + 1).float().mean()
            partner = (xm[i] == perm[i] + 1).float().mean()
            assert own + partner == 1
            assert ym[i, i] == pytest.approx(float(own))
            assert ym[i, perm[i]] == pytest.approx(float(partner))
        areas.add((bottom - top) * (right - left))
    assert len(areas) > 5     # boxes of many sizes, some clipped
    # a box in the middle: sides int(H·√(1−λ)), int(W·√(1−λ)) (even here)
    xm, ym = ref.cutmix(x, y, (1, 5, 2, 6), perm)
    assert ym[0].tolist() == pytest.approx([1 - 16 / 48, 16 / 48, 0])


def test_multimix_weights_and_interpolation():
    rng = np.random.default_rng(0)
    lam = ref.dirichlet_weights(5, 20000, (1.0, 1.0), rng)
    assert lam.shape == (5, 20000) and (lam >= 0).all()
    assert np.allclose(lam.sum(axis=0), 1)
    # Dir(α 1_m): E λ_i = 1/m, Var λ_i = (1/m)(1 − 1/m)/(mα + 1)
    assert lam.mean() == pytest.approx(0.2, rel=0.02)
    assert lam.var(axis=1).mean() == pytest.approx(0.16 / 6, rel=0.05)
    # α_k ~ U[0.5, 2] per column: small α gives spikier columns
    wide = ref.dirichlet_weights(5, 4000, (0.5, 2.0), rng)
    assert np.allclose(wide.sum(axis=0), 1)
    z = torch.tensor([[1., 0.], [0., 1.], [2., 2.]])
    y = torch.eye(3)
    lam = torch.tensor([[1., .5, .2], [0., .5, .3], [0., 0., .5]])
    zm, ym = ref.multimix(z, y, lam)
    assert torch.allclose(zm, torch.tensor([[1, 0], [.5, .5], [1.2, 1.3]]))
    assert torch.allclose(ym, lam.t()) and torch.allclose(ym.sum(1),
                                                          torch.ones(3))


def test_network_is_the_toolbox_architecture():
    """The toolbox's PreActResNet-18 + linear head, weights copied in
    registration order, gives the same logits as the reference network."""
    from mixtoolbox.models.backbones.preact_resnet import PreActResNet
    torch.manual_seed(0)
    theirs = PreActResNet(depth=18, in_channels=1, base_channels=4)
    head = torch.nn.Linear(32, 10)
    mine = ref.PreActResNet18(width=4)
    src = list(theirs.state_dict().values()) + list(
        head.state_dict().values())
    dst = mine.state_dict()
    assert [tuple(v.shape) for v in src] == [tuple(v.shape)
                                             for v in dst.values()]
    mine.load_state_dict(dict(zip(dst, src)))
    for net in (theirs, head, mine):
        net.eval()
    x = torch.randn(3, 1, 28, 28)
    with torch.no_grad():
        expected = head(theirs(x)[0].mean(dim=(2, 3)))
        assert torch.allclose(mine(x), expected, atol=1e-6)


def test_schedule_is_mmengines_warmup_and_cosine():
    from mmengine.optim.scheduler import CosineAnnealingLR, LinearLR
    epochs, per_epoch = 4, 5
    opt = torch.optim.SGD(torch.nn.Linear(1, 1).parameters(), lr=0.1)
    scheds = [
        LinearLR.build_iter_from_epoch(opt, start_factor=0.1, by_epoch=True,
                                       begin=0, end=1,
                                       epoch_length=per_epoch),
        CosineAnnealingLR.build_iter_from_epoch(
            opt, by_epoch=True, begin=1, end=epochs, T_max=epochs - 1,
            eta_min=0.0, epoch_length=per_epoch)]
    for it in range(epochs * per_epoch):
        assert ref.learning_rate(it, epochs * per_epoch, per_epoch, 0.1,
                                 0.1) == pytest.approx(
                                     opt.param_groups[0]['lr'], abs=1e-12)
        opt.step()
        for s in scheds:
            s.step()


def test_config_protocol_is_the_default_protocol():
    got = ref.protocol_from_config(vanilla_config())
    # the config trains 30 epochs, the accuracy benchmark 10 by default
    assert dict(ref.PROTOCOL, **got) == dict(ref.PROTOCOL, epochs=got[
        'epochs'])


@pytest.mark.parametrize('argv, message', [
    (['--method', 'fmix'], '--method: unknown'),
    (['--flip-prob', '2'], '--flip-prob must lie in [0, 1]'),
    (['--batch-size', '1'], '--batch-size must be >= 2'),
    (['--multimix-alpha', '2', '1'], '--multimix-alpha: need'),
    (['--epochs', '2', '--iters', '3'], 'not allowed with'),
])
def test_bad_arguments(argv, message, capsys):
    with pytest.raises(SystemExit) as info:
        ref.parse_args(argv)
    assert info.value.code == 2
    assert message in capsys.readouterr().err


def test_help(capsys):
    with pytest.raises(SystemExit):
        ref.parse_args(['--help'])
    assert '--method' in capsys.readouterr().out


def test_idx_reader_refuses_other_files(tmp_path):
    bad = tmp_path / 'x-idx3-ubyte'
    bad.write_bytes(b'\x00\x00\x0d\x03' + b'\x00' * 16)
    with pytest.raises(ValueError, match='not an unsigned-byte IDX'):
        ref.read_idx(str(bad))
    short = tmp_path / 'y-idx1-ubyte'
    short.write_bytes(b'\x00\x00\x08\x01\x00\x00\x00\x05\x01\x02')
    with pytest.raises(ValueError, match='header says'):
        ref.read_idx(str(short))


@pytest.mark.parametrize('override, field', [
    ("model = dict(backbone=dict(depth=34))", 'model.backbone'),
    ("optim_wrapper = dict(optimizer=dict(_delete_=True, type='AdamW', "
     "lr=1e-3))", 'optim_wrapper.optimizer.type'),
])
def test_config_settings_the_loop_cannot_run_are_refused(tmp_path, override,
                                                         field):
    path = tmp_path / 'changed.py'
    path.write_text(f'_base_ = [{vanilla_config()!r}]\n{override}\n')
    with pytest.raises(ValueError, match=field):
        ref.protocol_from_config(str(path))
