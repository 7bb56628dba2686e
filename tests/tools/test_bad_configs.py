"""Malformed configs and ``--cfg-options`` go through tools/train.py (and
tools/test.py) and are refused with exit status 2 and one line
``error: <message>`` naming the field and the values it may take — no
Python traceback unless ``--debug``.

The cases run in-process (tools/train.py's ``cli`` with captured stderr);
three run as real subprocesses to check what a user sees."""
import os
import os.path as osp
import subprocess
import sys

import pytest

from mixtoolbox.apis import test as test_api
from mixtoolbox.apis import train as train_api

from .. import standin_data

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TOOLS = osp.join(ROOT, 'tools')
QUICK = osp.join(ROOT, 'configs/quickstart/'
                       'cutmix_preactresnet18-w8_1xb128-3e_fashion-mnist.py')
AUTOMIX = osp.join(ROOT, 'configs/automix/'
                   'automix_preactresnet18-w8_1xb100-10e_fashion-mnist.py')
MOCO = osp.join(ROOT, 'configs/selfsup/'
                      'mocov2_resnet18-w8_1xb64-coslr-2e_fashion-mnist.py')
DISTIL = osp.join(
    ROOT, 'configs/multimix/'
    'multimix-distil_preactresnet18-w8_1xb128-3e_fashion-mnist.py')
MMDET = osp.join(ROOT, 'configs/benchmarks/mmdet/'
                       'faster-rcnn_r50-fpn_8xb2-supervised-12e_coco.py')
MISSING = '/nonexistent/mixtoolbox'

# configs written for a case: `_base_` is filled in, the rest is appended
FILES = {
    'prob_sum': (QUICK, "model = dict(mix_policy=[\n"
                 "    dict(type='CutMix', alpha=1.0, prob=0.7),\n"
                 "    dict(type='Mixup', alpha=1.0, prob=0.6)])\n"),
    'prob_missing': (QUICK, "model = dict(mix_policy=[\n"
                     "    dict(type='CutMix', alpha=1.0, prob=0.5),\n"
                     "    dict(type='Mixup', alpha=1.0)])\n"),
    'manifold_layer': (QUICK, "model = dict(mix_policy=[\n"
                       "    dict(type='ManifoldMix', layers=(0, 9))])\n"),
    'multimix_n0': (QUICK, "model = dict(mix_policy=[dict(type='MultiMix', "
                    "n=0)])\n"),
    'feature_mixup_in_imageclassifier': (
        QUICK, "model = dict(_delete_=True, type='ImageClassifier',\n"
        "    backbone=dict(type='PreActResNet', depth=18, in_channels=1,\n"
        "                  base_channels=8),\n"
        "    neck=dict(type='GlobalAveragePooling'),\n"
        "    head=dict(type='LinearClsHead', num_classes=10, in_channels=64,\n"
        "              loss=dict(type='CrossEntropyLoss', use_soft=True)),\n"
        "    train_cfg=dict(augments=[dict(type='ManifoldMix')]))\n"),
    'two_view_modifier': (QUICK, "model = dict(modifiers=[\n"
                          "    dict(type='SelfDistill', gamma=0.5)])\n"),
    'unknown_modifier': (QUICK, "model = dict(modifiers=[\n"
                         "    dict(type='DenseLos')])\n"),
    'policy_and_augments': (QUICK, "model = dict(train_cfg=dict(augments=[\n"
                            "    dict(type='Mixup', alpha=1.0)]))\n"),
    'automix_with_policy': (AUTOMIX, "model = dict(mix_policy=[\n"
                            "    dict(type='Mixup', alpha=1.0)])\n"),
    'unknown_hook': (QUICK, "custom_hooks = [dict(type='EMAHookk')]\n"),
    'syntax_error': (QUICK, "model = dict(mix_policy=[dict(type='Mixup'\n"),
}

# id: (config, extra arguments, --cfg-options, words the error must hold)
CASES = {
    # the mixing policy
    'unknown_mixup': (QUICK, [], ['model.mix_policy.0.type=CutMixx'],
                      ['CutMixx', 'mixup', 'CutMix', 'Mixup', 'FMix']),
    'prob_above_1': (QUICK, [], ['model.mix_policy.0.prob=1.7'],
                     ['mix_policy[0].prob', '[0, 1]', '1.7']),
    'prob_negative': (QUICK, [], ['model.mix_policy.0.prob=-0.1'],
                      ['mix_policy[0].prob', '[0, 1]']),
    'prob_not_number': (QUICK, [], ['model.mix_policy.0.prob=often'],
                        ['mix_policy[0].prob', '[0, 1]', 'often']),
    'prob_sum_above_1': ('prob_sum', [], [], ['mix_policy', 'sum',
                                              'at most 1', '1.3']),
    'prob_missing_with_two': ('prob_missing', [], [],
                              ['mix_policy[1]', 'prob']),
    'alpha_negative': (QUICK, [], ['model.mix_policy.0.alpha=-1'],
                       ['alpha', '> 0', '-1']),
    'alpha_zero': (QUICK, [], ['model.mix_policy.0.alpha=0'],
                   ['alpha', '> 0']),
    'alpha_not_number': (QUICK, [], ['model.mix_policy.0.alpha=large'],
                         ['alpha', 'number', 'large']),
    'mixup_unknown_key': (QUICK, [], ['model.mix_policy.0.alhpa=1'],
                          ['alhpa', 'CutMix', 'alpha',
                           'model.mix_policy[0]']),
    'multimix_n_zero': ('multimix_n0', [], [], ['MultiMix', 'n', '0']),
    'feature_mixup_in_image_classifier': (
        'feature_mixup_in_imageclassifier', [], [],
        ['model.train_cfg.augments[0]', 'ManifoldMix', 'MixupClassifier',
         'CutMix']),
    'mix_policy_and_augments': ('policy_and_augments', [], [],
                                ['mix_policy', 'train_cfg.augments']),
    'hard_label_loss': (QUICK, [], ['model.head.loss.use_soft=False'],
                        ['head.loss', 'use_soft=True']),
    'manifold_layer_missing': ('manifold_layer', [], [],
                               ['ManifoldMix', 'layer', '9']),
    # modifiers
    'two_view_modifier_one_view': ('two_view_modifier', [], [],
                                   ['model.modifiers[0]', 'SelfDistill',
                                    'MultiView', '2 views']),
    'unknown_modifier': ('unknown_modifier', [], [],
                         ['DenseLos', 'model.modifiers[0].type',
                          'DenseLoss']),
    'modifiers_not_list': (QUICK, [], ['model.modifiers=DenseLoss'],
                           ['modifiers', 'list', 'DenseLoss']),
    'distil_gamma_above_1': (DISTIL, [], ['model.modifiers.0.gamma=1.5'],
                             ['SelfDistill', 'gamma', '1.5']),
    # AutoMix / SAMix
    'mixer_layer_missing': (AUTOMIX, [], ['model.mask_layer=7'],
                            ['mask_layer', '1..4', '7']),
    'automix_alpha_negative': (AUTOMIX, [], ['model.alpha=-2'],
                               ['AutoMixClassifier', 'alpha', '> 0']),
    'automix_with_mix_policy': ('automix_with_policy', [], [],
                                ['AutoMixClassifier', 'mix_policy',
                                 'empty']),
    'mixer_unknown_key': (AUTOMIX, [], ['model.mixer.reductoin=2'],
                          ['reductoin', 'SAMixMixer', 'reduction',
                           'model.mixer']),
    # MoCo
    'moco_queue_not_multiple': (MOCO, [], ['model.queue_len=1000',
                                           'train_dataloader.batch_size=64'],
                                ['model.queue_len', '1000', '64',
                                 'multiple', 'queue_len=960']),
    'moco_queue_zero': (MOCO, [], ['model.queue_len=0'],
                        ['queue_len', 'positive int', '0']),
    'moco_last_batch': (MOCO, [], ['train_dataloader.drop_last=False'],
                        ['train_dataloader.drop_last', 'True']),
    'moco_view': (MOCO, [], ['model.view=diagonal'],
                  ['view', 'cross', 'diagonal']),
    # the head against the data
    'num_classes_head': (QUICK, [], ['model.head.num_classes=100'],
                         ['model.head.num_classes', '100', 'FashionMNIST',
                          'num_classes=10']),
    'num_classes_preprocessor': (QUICK, [],
                                 ['data_preprocessor.num_classes=7'],
                                 ['data_preprocessor.num_classes', '7',
                                  'num_classes=10']),
    # files
    'missing_data_root': (QUICK, [], [
        f'train_dataloader.dataset.data_root={MISSING}'],
        ['train_dataloader.dataset.data_root', MISSING, 'make data',
         'prepare_fashion_mnist.py']),
    'missing_val_data_root': (QUICK, ['--keep-val'], [
        f'val_dataloader.dataset.data_root={MISSING}'],
        ['val_dataloader.dataset.data_root', 'make data']),
    'empty_data_root': (QUICK, [],
                        ['train_dataloader.dataset.data_root={empty}'],
                        ['data_root', 'FashionMNIST', 'make data']),
    'missing_pretrained': (QUICK, [], [
        'model.backbone.init_cfg.type=Pretrained',
        f'model.backbone.init_cfg.checkpoint={MISSING}.pth'],
        ['model.backbone.init_cfg.checkpoint', MISSING, 'local']),
    'missing_load_from': (QUICK, [], [f'load_from={MISSING}.pth'],
                          ['load_from', MISSING]),
    'mmdet_without_exported_backbone': (
        MMDET, [], [], ['model.backbone.init_cfg.checkpoint', 'backbone.pth',
                        'extract_backbone.py', '--backbone']),
    'missing_config_file': (f'{MISSING}.py', [], [], ['config', MISSING]),
    'config_syntax_error': ('syntax_error', [], [], ['syntax']),
    # registries and keys
    'unknown_backbone': (QUICK, [], ['model.backbone.type=PreActResNett'],
                         ['PreActResNett', 'model.backbone.type',
                          'PreActResNet']),
    'backbone_unknown_key': (QUICK, [], ['model.backbone.widht=3'],
                             ['widht', 'PreActResNet', 'base_channels',
                              'model.backbone']),
    'backbone_depth': (QUICK, [], ['model.backbone.depth=19'],
                       ['depth', '18', '19']),
    'unknown_optimizer': (QUICK, [], ['optim_wrapper.optimizer.type=SGDD'],
                          ['SGDD', 'optim_wrapper.optimizer.type', 'SGD']),
    'optimizer_unknown_key': (QUICK, [],
                              ['optim_wrapper.optimizer.momentun=0.9'],
                              ['momentun', 'SGD', 'momentum']),
    'negative_lr': (QUICK, [], ['optim_wrapper.optimizer.lr=-0.1'],
                    ['optim_wrapper.optimizer', 'learning rate', '-0.1']),
    'unknown_hook': ('unknown_hook', [], [],
                     ['EMAHookk', 'custom_hooks[0].type', 'EMAHook']),
    'unknown_dataset': (QUICK, [],
                        ['train_dataloader.dataset.type=FashionMNISTT'],
                        ['FashionMNISTT', 'train_dataloader.dataset.type',
                         'FashionMNIST']),
    'unknown_transform': (QUICK, [],
                          ['train_dataloader.dataset.pipeline.0.type=RandomCropp'],
                          ['RandomCropp', 'RandomCrop']),
    'unknown_metric': (QUICK, ['--keep-val'], ['val_evaluator.type=Acuracy'],
                       ['Acuracy', 'val_evaluator.type', 'Accuracy']),
    'train_loop_unknown_key': (QUICK, [], ['train_cfg.max_epoch=2'],
                               ['max_epoch', 'max_epochs', 'train_cfg']),
    'batch_size_zero': (QUICK, [], ['train_dataloader.batch_size=0'],
                        ['train_dataloader.batch_size', 'positive', '0']),
    'batch_size_not_int': (QUICK, [], ['train_dataloader.batch_size=many'],
                           ['train_dataloader.batch_size', 'positive',
                            'many']),
    'num_workers_negative': (QUICK, [], ['train_dataloader.num_workers=-1'],
                             ['train_dataloader.num_workers', '>= 0', '-1']),
    # command-line flags
    'amp_with_other_wrapper': (QUICK, ['--amp'],
                               ['optim_wrapper.type=OptimWrapperDict'],
                               ['--amp', 'OptimWrapper',
                                'OptimWrapperDict']),
    'auto_scale_lr_without_base': (QUICK, ['--auto-scale-lr'],
                                   ['auto_scale_lr=None'],
                                   ['--auto-scale-lr', 'base_batch_size']),
}


@pytest.fixture(autouse=True)
def _fresh_loggers():
    """mmengine reuses a logger of the same experiment name (config and
    second); one made in an earlier test writes to that test's closed
    captured stream and prints a 'Logging error' traceback."""
    from mmengine.logging import MMLogger
    MMLogger._instance_dict.clear()
    yield
    MMLogger._instance_dict.clear()


@pytest.fixture(scope='module')
def train_tool():
    return train_api


@pytest.fixture(scope='module')
def data(tmp_path_factory):
    root = tmp_path_factory.mktemp('bad_cfg_data')
    return {'data': standin_data.make_fashion_mnist_standin(
        str(root / 'fmnist')),
            'empty': str(root / 'empty')}


def argv_of(case, data, tmp_path):
    """tools/train.py arguments for a case: its config on stand-in data cut
    to one short epoch (so that a case that is not refused ends quickly)."""
    config, extra, options, _ = CASES[case]
    os.makedirs(data['empty'], exist_ok=True)
    if config in FILES:
        base, text = FILES[config]
        config = str(tmp_path / f'{config}.py')
        with open(config, 'w') as f:
            f.write(f'_base_ = {base!r}\n{text}')
    extra = list(extra)
    keep_val = '--keep-val' in extra
    if keep_val:
        extra.remove('--keep-val')
    loaders = ['train_dataloader'] + (['val_dataloader'] if keep_val else [])
    common = []
    for loader in loaders:
        common += [f'{loader}.dataset.data_root={data["data"]}',
                   f'{loader}.num_workers=0',
                   f'{loader}.persistent_workers=False']
    common += ['train_dataloader.batch_size=4', 'train_cfg.max_epochs=1']
    options = [o.format(**data) for o in options]
    return [config, '--work-dir', str(tmp_path / 'work'), *extra,
            *([] if keep_val else ['--no-validate']),
            '--cfg-options', *common, *options]


def check_refusal(stderr, words):
    assert 'Traceback' not in stderr, stderr
    errors = [line for line in stderr.splitlines()
              if line.startswith('error: ')]
    assert len(errors) == 1, stderr
    missing = [w for w in words if w not in errors[0]]
    assert not missing, (missing, errors[0])
    return errors[0]


@pytest.mark.parametrize('case', sorted(CASES))
def test_bad_config_refused_in_one_line(case, train_tool, data, tmp_path,
                                        capsys):
    argv = argv_of(case, data, tmp_path)
    with pytest.raises(SystemExit) as exit_info:
        train_tool.cli(argv)
    assert exit_info.value.code == 2
    check_refusal(capsys.readouterr().err, CASES[case][3])


def test_at_least_40_cases():
    assert len(CASES) >= 40


def test_test_tool_refuses_in_one_line(data, tmp_path, capsys):
    tool = test_api
    ckpt = tmp_path / 'none.pth'
    with pytest.raises(SystemExit) as exit_info:
        tool.cli([QUICK, str(ckpt)])
    assert exit_info.value.code == 2
    check_refusal(capsys.readouterr().err, ['checkpoint', str(ckpt)])
    ckpt.write_bytes(b'')
    with pytest.raises(SystemExit) as exit_info:
        tool.cli([QUICK, str(ckpt), '--cfg-options',
                  f'test_dataloader.dataset.data_root={MISSING}'])
    assert exit_info.value.code == 2
    check_refusal(capsys.readouterr().err,
                  ['test_dataloader.dataset.data_root', 'make data'])


def test_bug_keeps_its_traceback(train_tool, data, tmp_path, monkeypatch):
    """An exception the code did not raise on purpose is not a config
    error: it propagates with its traceback."""
    from mixtoolbox.models.utils import policy

    def broken(*args, **kwargs):
        return None.probs  # an AttributeError from Python itself

    monkeypatch.setattr(policy.MixPolicy, '__init__', broken)
    argv = argv_of('hard_label_loss', data, tmp_path)[:-1]
    with pytest.raises(AttributeError):
        train_tool.cli(argv)


def _run(args, cwd):
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep +
               os.environ.get('PYTHONPATH', ''))
    return subprocess.run([sys.executable, osp.join(TOOLS, 'train.py'),
                           *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


def test_subprocess_missing_data_root_and_debug(tmp_path):
    """The shipped quick-start config from a directory without data/: the
    advice is the project's preparation command, not a download; with
    ``--debug`` the traceback is shown."""
    args = [QUICK, '--work-dir', str(tmp_path / 'w')]
    out = _run(args, cwd=tmp_path)
    assert out.returncode == 2, out.stderr
    line = check_refusal(out.stderr, ['data/fashion_mnist', 'make data'])
    assert 'download' not in line
    assert not (tmp_path / 'w').exists()  # stopped before the Runner
    debug = _run(args + ['--debug'], cwd=tmp_path)
    assert debug.returncode == 1
    assert 'Traceback' in debug.stderr
    assert 'MissingFileError: train_dataloader.dataset.data_root' in \
        debug.stderr


def test_subprocess_bad_value(tmp_path, data):
    """A validator's error while the Runner builds the model."""
    out = _run(argv_of('prob_above_1', data, tmp_path), cwd=tmp_path)
    assert out.returncode == 2, out.stderr
    check_refusal(out.stderr, CASES['prob_above_1'][3])


def test_help_documents_debug(train_tool, capsys):
    for tool in (train_tool, test_api):
        with pytest.raises(SystemExit) as exit_info:
            tool.parse_args(['--help'])
        assert exit_info.value.code == 0
        out = capsys.readouterr().out
        assert '--debug' in out and 'traceback' in out
