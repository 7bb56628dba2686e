"""The mmdet transfer configs: each builds and initialises from an exported
mixtoolbox R-50 (res5 head included), bad inputs are refused, and the real
R-50-C4 configs fine-tune and evaluate on real images (deepforest trees,
stardist nuclei) through the trainer of tools/benchmarks/."""
import copy
import glob
import os.path as osp
import subprocess
import types

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope

from mixtoolbox.transfer import PretrainedCheckHook, set_pretrained

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
MMDET_CONFIGS = osp.join(REPO, 'configs', 'benchmarks', 'mmdet')
CONFIGS = sorted(glob.glob(osp.join(MMDET_CONFIGS, '*.py')))
BN_SUFFIXES = ('weight', 'bias', 'running_mean', 'running_var',
               'num_batches_tracked')


def _build(model_cfg):
    from mmdet.registry import MODELS
    from mmdet.utils import register_all_modules
    register_all_modules(init_default_scope=False)
    with DefaultScope.overwrite_default_scope('mmdet'):
        return MODELS.build(copy.deepcopy(model_cfg))


def test_all_five_protocols_present():
    names = {osp.basename(c) for c in CONFIGS}
    assert names == {'faster-rcnn_r50-c4_8xb2-ms-24000it_voc0712.py',
                     'faster-rcnn_r50-fpn_8xb2-supervised-12e_coco.py',
                     'mask-rcnn_r50-c4_8xb2-ms-24e_coco.py',
                     'mask-rcnn_r50-fpn_8xb2-ssl-ms-12e_coco.py',
                     'ssd300_r50_8xb8-24e_voc0712.py'}


@pytest.mark.parametrize('path', CONFIGS, ids=osp.basename)
def test_config_loads_the_export(path, r50_backbone):
    cfg = Config.fromfile(path)
    assert cfg.default_scope == 'mmdet'
    assert cfg.model.data_preprocessor.mean == [123.675, 116.28, 103.53]
    assert cfg.model.data_preprocessor.bgr_to_rgb
    assert cfg.model.backbone.style == 'pytorch'
    supervised = 'supervised' in path
    # the supervised recipe freezes BN statistics, so the type is moot
    assert cfg.model.backbone.norm_cfg.type == ('BN' if supervised
                                                else 'SyncBN')
    assert cfg.model.backbone.norm_eval == supervised
    parts = set_pretrained(cfg, r50_backbone)
    is_c4 = '-c4_' in path
    assert parts == ['model.backbone'] + (
        ['model.roi_head.shared_head'] if is_c4 else [])
    export = torch.load(r50_backbone, weights_only=True)['state_dict']
    model = _build(cfg.model)
    model.init_weights()
    loaded = model.backbone.state_dict()
    if is_c4:  # res5 lives in the RoI head
        head = model.roi_head.shared_head
        assert cfg.model.roi_head.shared_head.style == 'pytorch'
        # MoCo's extra BN after res5 is not in the export: it starts fresh
        assert type(head).__name__ == 'ResLayerExtraNorm'
        fresh = {k: v for k, v in head.state_dict().items()
                 if k.startswith('norm.')}
        assert set(fresh) == {f'norm.{t}' for t in BN_SUFFIXES}
        assert fresh['norm.weight'].eq(1).all() and \
            fresh['norm.running_var'].eq(1).all()
        assert fresh['norm.bias'].eq(0).all() and \
            fresh['norm.running_mean'].eq(0).all()
        loaded.update({k: v for k, v in head.state_dict().items()
                       if k not in fresh})
        assert 'layer4.2.conv3.weight' in loaded
    for k, v in loaded.items():
        assert torch.equal(v, export[k]), k
    fresh = copy.deepcopy(cfg.model.backbone)
    fresh.init_cfg = None
    random_init = _build(fresh)
    random_init.init_weights()
    assert not torch.equal(random_init.conv1.weight, export['conv1.weight'])


def _bn_keys(module):
    return [f'{name}.{t}' for name, m in module.named_modules()
            if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)
            for t in BN_SUFFIXES]


def test_perturbed_bn_arrives_in_backbone_and_res5(r50_backbone):
    """The export's BN tensors differ from any fresh ResNet's (the fixture
    perturbs them); every one of them, weights, biases, running statistics
    and counts, must arrive in the detector: res2-4 in the backbone, res5 in
    the RoI head (the C4 Mask R-CNN, whose mmdet base gives res5 no
    init_cfg; test_config_loads_the_export compares every tensor of every
    config with the same perturbed export)."""
    name = 'mask-rcnn_r50-c4_8xb2-ms-24e_coco.py'
    from mmdet.models.backbones import ResNet
    export = torch.load(r50_backbone, weights_only=True)['state_dict']
    fresh = ResNet(depth=50).state_dict()
    cfg = Config.fromfile(osp.join(MMDET_CONFIGS, name))
    set_pretrained(cfg, r50_backbone)
    model = _build(cfg.model)
    model.init_weights()
    parts = dict(backbone=model.backbone, res5=model.roi_head.shared_head)
    counts = {}
    for part, module in parts.items():
        own = module.state_dict()
        keys = [k for k in _bn_keys(module) if k in export]
        counts[part] = len(keys) // len(BN_SUFFIXES)
        for k in keys:
            assert not torch.equal(export[k], fresh[k]), k  # perturbed
            assert torch.equal(own[k], export[k]), f'{part}: {k}'
    # ResNet-50: 1 stem + 3·(3+4+6) + 3 downsample BNs in res2-4, 3·3 + 1 in
    # res5
    assert counts == dict(backbone=43, res5=10)


def test_fpn_recipes():
    """Supervised: BN frozen, stem + res2 frozen (mmdet's). Self-supervised
    (mmselfsup's): every stage trains, SyncBN in backbone, neck and heads,
    short side a choice of 640..800."""
    sup = Config.fromfile(osp.join(
        MMDET_CONFIGS, 'faster-rcnn_r50-fpn_8xb2-supervised-12e_coco.py'))
    assert (sup.model.backbone.frozen_stages, sup.model.backbone.norm_eval) \
        == (1, True)
    ssl = Config.fromfile(osp.join(
        MMDET_CONFIGS, 'mask-rcnn_r50-fpn_8xb2-ssl-ms-12e_coco.py'))
    m = ssl.model
    assert (m.backbone.frozen_stages, m.backbone.norm_eval) == (-1, False)
    for part in (m.backbone, m.neck, m.roi_head.bbox_head,
                 m.roi_head.mask_head):
        assert part.norm_cfg.type == 'SyncBN'
    resize = ssl.train_dataloader.dataset.pipeline[2]
    assert resize.type == 'RandomChoiceResize'
    assert [s[1] for s in resize.scales] == list(range(640, 801, 32))
    model = _build(m)  # builds with the normed heads
    assert sum(isinstance(x, torch.nn.SyncBatchNorm)
               for x in model.neck.modules()) == 8
    moco = Config.fromfile(osp.join(MMDET_CONFIGS,
                                    'mask-rcnn_r50-c4_8xb2-ms-24e_coco.py'))
    assert moco.param_scheduler[0].end == 1000  # detectron2's warm-up
    resize = moco.train_dataloader.dataset.pipeline[2]
    assert [s[1] for s in resize.scales] == list(range(640, 801, 32))
    assert moco.custom_hooks == [dict(type='PreciseBNHook', num_iters=200)]


def test_hook_catches_a_backbone_that_was_not_loaded(r50_backbone, tmp_path):
    cfg = Config.fromfile(osp.join(
        MMDET_CONFIGS, 'faster-rcnn_r50-c4_8xb2-ms-24000it_voc0712.py'))
    parts = set_pretrained(cfg, r50_backbone)
    model = _build(cfg.model)
    model.init_weights()
    runner = types.SimpleNamespace(
        _resume=False, _load_from=None, model=model,
        logger=types.SimpleNamespace(info=lambda msg: None))
    hook = PretrainedCheckHook(r50_backbone, parts)
    hook.before_train(runner)
    assert hook.checked == 318  # all of ResNet-50: res2-4 + res5 head
    with torch.no_grad():
        model.roi_head.shared_head.layer4[0].conv1.weight.add_(1)
    with pytest.raises(RuntimeError, match='shared_head: 1 of .* differ'):
        PretrainedCheckHook(r50_backbone, parts).before_train(runner)


def test_refuses_config_without_init_cfg(r50_backbone):
    cfg = Config.fromfile(osp.join(
        MMDET_CONFIGS, 'faster-rcnn_r50-fpn_8xb2-supervised-12e_coco.py'))
    cfg.model.backbone.init_cfg = None
    with pytest.raises(ValueError, match='model.backbone.init_cfg must be'):
        set_pretrained(cfg, r50_backbone)
    cfg = Config.fromfile(osp.join(MMDET_CONFIGS,
                                   'mask-rcnn_r50-c4_8xb2-ms-24e_coco.py'))
    cfg.model.roi_head.shared_head.init_cfg = None
    with pytest.raises(ValueError, match='shared_head.init_cfg must be'):
        set_pretrained(cfg, r50_backbone)


def test_refuses_another_architecture(tmp_path, build_cls, save_ckpt):
    from mixtoolbox.transfer import export_backbone
    r18 = build_cls(dict(
        type='MixupClassifier', backbone=dict(type='ResNet', depth=18),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='LinearClsHead', num_classes=2, in_channels=512)))
    export_backbone(save_ckpt(r18, str(tmp_path / 'r18.pth')),
                    str(tmp_path / 'b18.pth'))
    cfg = Config.fromfile(osp.join(MMDET_CONFIGS,
                                   'ssd300_r50_8xb8-24e_voc0712.py'))
    with pytest.raises(ValueError, match='another architecture than '
                       r'model.backbone \(ResNet, depth 50\)'):
        set_pretrained(cfg, str(tmp_path / 'b18.pth'))


def test_trainer_bad_input(tool, r50_backbone, tmp_path, monkeypatch):
    trainer = tool('benchmarks/mmdet_train.py')
    cfg = osp.join(MMDET_CONFIGS,
                   'faster-rcnn_r50-fpn_8xb2-supervised-12e_coco.py')
    with pytest.raises(FileNotFoundError, match='no such file'):
        trainer.build_config(trainer.parse_args(
            [cfg, '--backbone', str(tmp_path / 'missing.pth')]))
    with pytest.raises(ValueError, match='no backbone to start from'):
        trainer.build_config(trainer.parse_args(
            [cfg, '--cfg-options', 'model.backbone.init_cfg=None']))
    monkeypatch.setenv('WORLD_SIZE', '2')  # as torchrun sets it
    if not torch.cuda.is_available():
        sync = osp.join(MMDET_CONFIGS,
                        'mask-rcnn_r50-fpn_8xb2-ssl-ms-12e_coco.py')
        with pytest.raises(ValueError, match='SyncBN needs CUDA'):
            trainer.build_config(trainer.parse_args(
                [sync, '--backbone', r50_backbone, '--launcher', 'pytorch']))
    mixtoolbox_cfg = osp.join(REPO, 'configs', 'mixup',
                              'mixup_preactresnet18_1xb128-2000e_cifar10.py')
    with pytest.raises(ValueError, match='default_scope must be "mmdet"'):
        trainer.build_config(trainer.parse_args([mixtoolbox_cfg]))


def test_transfer_script_checks_arguments():
    script = osp.join(REPO, 'tools', 'benchmarks', 'mmdet_transfer.sh')
    proc = subprocess.run(['bash', script, 'a.pth', 'b.py', 'two'],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and 'positive integer' in proc.stderr
    for name in ('mmdet_transfer.sh', 'dist_mmdet_transfer.sh'):
        proc = subprocess.run(
            ['bash', osp.join(REPO, 'tools', 'benchmarks', name)],
            capture_output=True, text=True)
        assert proc.returncode == 2 and 'usage' in proc.stderr


def _moved(module, backbone) -> bool:
    """Whether the optimizer stepped every conv kernel of ``module`` away
    from its exported value (nothing frozen, the stem included)."""
    export = torch.load(backbone, weights_only=True)['state_dict']
    kernels = [(k, p) for k, p in module.named_parameters() if p.dim() == 4]
    return bool(kernels) and all(
        p.requires_grad and not torch.equal(p.detach(), export[k])
        for k, p in kernels)


def _finetune(tool, config, backbone, work_dir):
    trainer = tool('benchmarks/mmdet_train.py')
    args = trainer.parse_args([osp.join(MMDET_CONFIGS, 'smoke', config),
                               '--backbone', backbone,
                               '--work-dir', str(work_dir),
                               '--cfg-options', 'train_cfg.max_iters=1'])
    # the runner makes 'mmdet' the default scope; give it back afterwards
    with DefaultScope.overwrite_default_scope('mmdet'):
        return trainer.run(args)


@pytest.mark.slow
def test_faster_rcnn_c4_finetunes_on_deepforest(smoke_data, r50_backbone,
                                               tool, tmp_path):
    runner, result = _finetune(
        tool, 'faster-rcnn_r50-c4_1xb2-2it_deepforest.py', r50_backbone,
        tmp_path)
    assert result['checked'] == 318  # backbone + res5 equalled the export
    model = runner.model
    assert not any(isinstance(m, torch.nn.SyncBatchNorm)
                   for m in model.modules())  # single process: BN
    # fine-tuned: the pretrained weights moved, in the backbone and in res5
    assert _moved(model.backbone, r50_backbone)
    assert _moved(model.roi_head.shared_head, r50_backbone)
    metrics = result['test']
    assert set(metrics) == {'pascal_voc/mAP', 'pascal_voc/AP50',
                            'pascal_voc/AP75'}
    assert all(0 <= v <= 1 for v in metrics.values())
    assert osp.isfile(tmp_path / 'transfer_metrics.json')


@pytest.mark.slow
def test_mask_rcnn_c4_finetunes_on_stardist(smoke_data, r50_backbone, tool,
                                            tmp_path):
    runner, result = _finetune(tool, 'mask-rcnn_r50-c4_1xb1-2it_stardist.py',
                               r50_backbone, tmp_path)
    assert result['checked'] == 318
    assert _moved(runner.model.backbone, r50_backbone)
    assert _moved(runner.model.roi_head.shared_head, r50_backbone)
    metrics = result['test']
    assert {'coco/bbox_mAP', 'coco/segm_mAP', 'coco/segm_mAP_50'} <= set(
        metrics)
    assert all(0 <= metrics[k] <= 1 for k in ('coco/bbox_mAP',
                                              'coco/segm_mAP'))
