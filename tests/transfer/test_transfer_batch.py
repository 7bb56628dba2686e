"""The protocol's total batch on 1, 2, 4 and 8 processes (gradient
accumulation, linear lr scaling, or nothing), the trainer's --plan and the
scripts' --help."""
import copy
import os.path as osp
import subprocess

import pytest
from mmengine.config import Config

from mixtoolbox.transfer.batch import fit_total_batch, world_size_from_env

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
MMDET_CONFIGS = osp.join(REPO, 'configs', 'benchmarks', 'mmdet')
SCRIPTS = osp.join(REPO, 'tools', 'benchmarks')


@pytest.fixture(scope='module')
def voc_c4():
    return Config.fromfile(osp.join(
        MMDET_CONFIGS, 'faster-rcnn_r50-c4_8xb2-ms-24000it_voc0712.py'))


@pytest.mark.parametrize('procs', [1, 2, 4, 8])
def test_accumulation_keeps_batch_lr_and_optimizer_steps(voc_c4, procs):
    cfg = copy.deepcopy(voc_c4)
    plan = fit_total_batch(cfg, procs, 'accumulate')
    k = 8 // procs
    assert (plan['accumulate'], plan['total'], plan['lr']) == (k, 16, 0.02)
    assert cfg.optim_wrapper.get('accumulative_counts', 1) == k
    # 24k optimizer steps, 100 warm-up steps, steps at 18k / 22k
    assert cfg.train_cfg.max_iters == 24000 * k
    assert cfg.train_cfg.val_interval == 4000 * k
    warmup, steps = cfg.param_scheduler
    assert (warmup.begin, warmup.end) == (0, 100 * k)
    assert steps.milestones == [18000 * k, 22000 * k]
    assert steps.end == 24000 * k
    assert cfg.default_hooks.checkpoint.interval == 4000 * k
    # precise BN sees the protocol's 200 x 16 images
    assert cfg.custom_hooks[0].num_iters == 200 * k
    assert plan['bn_images'] == 2 * procs
    bn_warning = [line for line in plan['lines'] if 'BatchNorm' in line]
    assert bool(bn_warning) == (procs < 8)
    assert plan['lines'][0].startswith(
        f'batch: {procs} process(es) x 2 image(s) x {k} accumulated = 16 '
        'per optimizer step (protocol 16), lr 0.02')


@pytest.mark.parametrize('procs', [1, 2, 4, 8])
def test_scale_lr_and_none(voc_c4, procs):
    cfg = copy.deepcopy(voc_c4)
    plan = fit_total_batch(cfg, procs, 'scale-lr')
    assert plan['total'] == 2 * procs and cfg.auto_scale_lr.enable
    assert plan['lr'] == pytest.approx(0.02 * procs / 8)
    assert cfg.train_cfg.max_iters == 24000  # 1/k of the images
    assert 'accumulative_counts' not in cfg.optim_wrapper
    cfg = copy.deepcopy(voc_c4)
    plan = fit_total_batch(cfg, procs, 'none')
    assert (plan['total'], plan['lr']) == (2 * procs, 0.02)
    assert any('not comparable' in line for line in plan['lines']) == (
        procs < 8)


def test_epoch_schedules_and_ssd(tmp_path):
    cfg = Config.fromfile(osp.join(MMDET_CONFIGS,
                                   'mask-rcnn_r50-c4_8xb2-ms-24e_coco.py'))
    warmup = cfg.param_scheduler[0].end
    fit_total_batch(cfg, 2, 'accumulate')
    assert cfg.train_cfg.max_epochs == 24  # epochs stay epochs
    assert cfg.param_scheduler[0].end == 4 * warmup  # warm-up in iterations
    assert cfg.param_scheduler[1].milestones == [16, 22]
    ssd = Config.fromfile(osp.join(MMDET_CONFIGS,
                                   'ssd300_r50_8xb8-24e_voc0712.py'))
    plan = fit_total_batch(ssd, 1, 'accumulate')  # SSD's protocol is 64
    assert (plan['base'], plan['accumulate'], plan['lr']) == (64, 8, 1e-3)


def test_refusals(voc_c4):
    with pytest.raises(ValueError, match='does not divide the protocol'):
        fit_total_batch(copy.deepcopy(voc_c4), 3, 'accumulate')
    with pytest.raises(ValueError, match='does not divide'):
        fit_total_batch(copy.deepcopy(voc_c4), 16, 'accumulate')  # 32 > 16
    with pytest.raises(ValueError, match='batch policy must be one of'):
        fit_total_batch(copy.deepcopy(voc_c4), 1, 'double')
    cfg = copy.deepcopy(voc_c4)
    cfg.optim_wrapper.accumulative_counts = 2
    with pytest.raises(ValueError, match='accumulative_counts=2 is set by'):
        fit_total_batch(cfg, 1, 'accumulate')
    cfg.pop('auto_scale_lr')
    with pytest.raises(ValueError, match='base_batch_size'):
        fit_total_batch(cfg, 1, 'scale-lr')
    assert world_size_from_env('pytorch', dict(WORLD_SIZE='4')) == 4
    assert world_size_from_env('none', {}) == 1
    with pytest.raises(ValueError, match='SLURM_NTASKS'):
        world_size_from_env('slurm', {})


def test_trainer_plan(tool, capsys):
    trainer = tool('benchmarks/mmdet_train.py')
    cfg = osp.join(MMDET_CONFIGS,
                   'faster-rcnn_r50-c4_8xb2-ms-24000it_voc0712.py')
    plan = trainer.main([cfg, '--plan', '2'])
    out = capsys.readouterr()
    assert plan['accumulate'] == 4 and 'x 4 accumulated = 16' in out.out
    assert 'BatchNorm statistics come from 4 image(s)' in out.err
    plan = trainer.main([cfg, '--plan', '2', '--auto-scale-lr'])
    assert plan['policy'] == 'scale-lr' and plan['lr'] == 0.005
    with pytest.raises(SystemExit) as stop:
        trainer.main([cfg, '--plan', '3'])
    assert stop.value.code == 2
    assert 'does not divide' in capsys.readouterr().err
    smoke = osp.join(MMDET_CONFIGS, 'smoke',
                     'faster-rcnn_r50-c4_1xb2-2it_deepforest.py')
    assert trainer.main([smoke, '--plan', '1'])['policy'] == 'none'


@pytest.mark.parametrize('script', ['mmdet_transfer.sh',
                                    'dist_mmdet_transfer.sh'])
def test_scripts_help(script):
    proc = subprocess.run(['bash', osp.join(SCRIPTS, script), '--help'],
                          capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stderr == ''
    for word in ('CHECKPOINT', 'CONFIG', 'GPUS', 'ENCODER', 'PREFIX',
                 'WORK_DIR', 'PORT', '--batch-policy', '--cfg-options'):
        assert word in proc.stdout, word
    if script.startswith('dist'):
        assert 'NNODES' in proc.stdout and 'MASTER_ADDR' in proc.stdout
    proc = subprocess.run(['bash', osp.join(SCRIPTS, script), 'a.pth',
                           'b.py'], capture_output=True, text=True,
                          env=dict(PATH='/usr/bin:/bin'))
    assert proc.returncode == 2 and 'GPUS' in proc.stderr
