"""The evaluation entry points (mixtoolbox.analysis.evaluate, behind
tools/analysis/eval_*.py) and the embedding hook, end to end through mmengine
on a tiny image-folder stand-in (no real dataset needed)."""

import mmcv
import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.runner import Runner

from mixtoolbox.analysis import evaluate
from mixtoolbox.registry import MODELS

CONFIG = """
default_scope = 'mixtoolbox'
model = dict(
    type='MixupClassifier',
    backbone=dict(type='PreActResNet', depth=18, base_channels=4),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(type='LinearClsHead', num_classes=2, in_channels=32,
              loss=dict(type='CrossEntropyLoss', use_soft=True)),
    data_preprocessor=dict(num_classes=2, mean=[120.] * 3, std=[60.] * 3))
test_dataloader = dict(
    batch_size=4, num_workers=0,
    dataset=dict(type='CustomDataset', data_root={root!r},
                 pipeline=[dict(type='LoadImageFromFile'),
                           dict(type='PackInputs')]),
    sampler=dict(type='DefaultSampler', shuffle=False))
test_evaluator = dict(type='Accuracy', topk=(1, ))
test_cfg = dict()
env_cfg = dict(dist_cfg=dict(backend='gloo'))
"""


@pytest.fixture(scope='module')
def setup(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('eval_tools')
    rng = np.random.default_rng(0)
    for cls in ('a', 'b'):
        for i in range(3):
            mmcv.imwrite(rng.integers(0, 256, (8, 8, 3), dtype=np.uint8),
                         str(tmp / 'id' / cls / f'{i}.png'))
    for i in range(2):
        mmcv.imwrite(rng.integers(0, 256, (10, 12, 3), dtype=np.uint8),
                     str(tmp / 'ood' / f'{i}.png'))
    cfg_file = tmp / 'tiny.py'
    cfg_file.write_text(CONFIG.format(root=str(tmp / 'id')))
    torch.manual_seed(0)
    model = MODELS.build(Config.fromfile(str(cfg_file)).model)
    ckpt = tmp / 'tiny.pth'
    torch.save(dict(state_dict=model.state_dict(), meta=dict()), str(ckpt))
    return tmp, str(cfg_file), str(ckpt)


def test_eval_calibration(setup):
    tmp, cfg, ckpt = setup
    out = tmp / 'cal.json'
    metrics = evaluate.eval_calibration(
        [cfg, ckpt, '--num-bins', '10', '--work-dir', str(tmp / 'w1'),
         '--out', str(out)])
    assert set(metrics) == {'accuracy/top1', 'calibration/ece',
                            'calibration/oe'}
    assert out.exists()
    # the same numbers straight from the model's softmax
    from mixtoolbox.evaluation import calibration_errors
    scores, labels = _predict(cfg, ckpt)
    conf, pred = scores.max(dim=1)
    expected = calibration_errors(conf, pred == labels, num_bins=10)
    assert metrics['calibration/ece'] == pytest.approx(
        100 * expected['ece'], abs=1e-4)
    assert metrics['calibration/oe'] == pytest.approx(
        100 * expected['oe'], abs=1e-4)


def _predict(cfg_file, ckpt):
    from mmengine.runner import load_checkpoint
    cfg = Config.fromfile(cfg_file)
    model = MODELS.build(cfg.model).eval()
    load_checkpoint(model, ckpt, map_location='cpu')
    scores, labels = [], []
    with torch.no_grad():
        for data in Runner.build_dataloader(cfg.test_dataloader):
            for sample in model.test_step(data):
                scores.append(sample.pred_score)
                labels.append(int(sample.gt_label))
    return torch.stack(scores), torch.tensor(labels)


def test_eval_robustness(setup):
    tmp, cfg, ckpt = setup
    metrics = evaluate.eval_robustness(
        [cfg, ckpt, '--steps', '2', '--work-dir', str(tmp / 'w2')])
    assert metrics['num_samples'] == 6
    scores, labels = _predict(cfg, ckpt)
    clean = 100 * (scores.argmax(1) != labels).float().mean().item()
    assert metrics['clean_error'] == pytest.approx(clean)
    # ascending the true-label loss does not lower the error of this model
    assert metrics['fgsm_error'] >= metrics['clean_error']
    assert metrics['pgd_error'] >= metrics['clean_error']


def test_eval_ood(setup):
    tmp, cfg, ckpt = setup
    metrics = evaluate.eval_ood(
        [cfg, ckpt, '--ood-data-root', str(tmp / 'ood'), '--ood-resize', '8',
         '8', '--work-dir', str(tmp / 'w3')])
    assert set(metrics) == {'ood/det_acc', 'ood/auroc', 'ood/aupr_in',
                            'ood/aupr_out'}
    assert all(0 <= v <= 100 for v in metrics.values())
    with pytest.raises(FileNotFoundError, match='ood-data-root'):
        evaluate.eval_ood([cfg, ckpt, '--ood-data-root',
                                str(tmp / 'missing')])


def test_ood_pipeline_reads_files_for_in_memory_datasets():
    cfg = Config(dict(test_dataloader=dict(
        batch_size=2, dataset=dict(type='CIFAR10',
                                   pipeline=[dict(type='PackInputs')]))))
    loader, reads_files = evaluate.ood_dataloader_cfg(
        cfg, 'ood_dir', resize=(32, 32))
    assert not reads_files
    assert [t['type'] for t in loader.dataset.pipeline] == [
        'LoadImageFromFile', 'Resize', 'PackInputs']
    assert loader.dataset.with_label is False
    assert cfg.test_dataloader.dataset.type == 'CIFAR10'  # not modified


def test_help_exits_cleanly():
    for parse in (evaluate.calibration_args, evaluate.robustness_args,
                  evaluate.ood_args):
        with pytest.raises(SystemExit) as exc:
            parse(['--help'])
        assert exc.value.code == 0
    with pytest.raises(SystemExit) as exc:
        evaluate.calibration_args(['c.py', 'k.pth', '--num-bins', '0'])
    assert exc.value.code == 2


def test_embedding_hook_and_metric_from_a_test_config(setup):
    tmp, cfg_file, ckpt = setup
    cfg = Config.fromfile(cfg_file)
    cfg.work_dir = str(tmp / 'w4')
    cfg.load_from = ckpt
    cfg.custom_hooks = [dict(type='RecordEmbeddingHook')]
    cfg.test_evaluator = [dict(type='Accuracy'),
                          dict(type='AlignmentUniformity')]
    runner = Runner.from_cfg(cfg)
    metrics = runner.test()
    # embeddings are neck outputs: recompute them directly and compare
    from mixtoolbox.evaluation import alignment, uniformity
    model = runner.model
    feats, labels = [], []
    with torch.no_grad():
        for data in runner.test_dataloader:
            data = model.data_preprocessor(data, False)
            feats.append(model.extract_feat(data['inputs'])[-1])
            labels += [int(s.gt_label) for s in data['data_samples']]
    feats = torch.cat(feats)
    assert metrics['embedding/alignment'] == pytest.approx(
        alignment(feats, labels), rel=1e-5)
    assert metrics['embedding/uniformity'] == pytest.approx(
        uniformity(feats), rel=1e-5)
    # the hook detaches after the epoch: predictions carry no embedding
    with torch.no_grad():
        out = model.test_step(next(iter(runner.test_dataloader)))
    assert 'embedding' not in out[0]
