"""Annealing / momentum-schedule / mixed-gallery hooks, and a short run of
the SAMix pipeline through the real mmengine Runner (with resume)."""
import os.path as osp
from types import SimpleNamespace

import pytest
import torch
from mmengine.runner import Runner
from PIL import Image

from mixtoolbox.engine.hooks import (
    AnnealingHook,
    MixedGalleryHook,
    MomentumScheduleHook,
    anneal_value,
)
from mixtoolbox.registry import HOOKS
from tests.engine.helpers import ITER_HOOKS, tiny_loader, tiny_model_cfg


def fake_runner(model, it=0, max_iters=10, epoch=0, max_epochs=4):
    return SimpleNamespace(model=model, iter=it, max_iters=max_iters,
                           epoch=epoch, max_epochs=max_epochs)


def test_anneal_values():
    assert anneal_value('linear', 0.1, 0.0, 0.0) == pytest.approx(0.1)
    assert anneal_value('linear', 0.1, 0.0, 0.25) == pytest.approx(0.075)
    assert anneal_value('linear', 0.1, 0.0, 1.0) == pytest.approx(0.0)
    assert anneal_value('cosine', 1.0, 0.0, 0.5) == pytest.approx(0.5)
    assert anneal_value('cosine', 1.0, 0.0, 1 / 3) == pytest.approx(0.75)
    assert anneal_value('step', 1.0, None, 0.0, step=7, milestones=[5, 8],
                        gamma=0.5) == pytest.approx(0.5)


def test_annealing_hook_sets_a_dotted_attribute():
    model = SimpleNamespace(mixer=SimpleNamespace(mask_loss_weight=-1.0))
    hook = HOOKS.build(dict(type='AnnealingHook',
                            attr='mixer.mask_loss_weight', start=0.1,
                            end=0.0))
    hook.before_train(fake_runner(model))
    hook.before_train_iter(fake_runner(model, it=5), 5)
    assert model.mixer.mask_loss_weight == pytest.approx(0.05)
    by_epoch = AnnealingHook('mixer.mask_loss_weight', 1.0, 0.0,
                             policy='cosine', by_epoch=True)
    by_epoch.before_train_iter(fake_runner(model, it=9, epoch=2), 0)
    assert model.mixer.mask_loss_weight == pytest.approx(0.5)
    step = AnnealingHook('mixer.mask_loss_weight', 1.0, policy='step',
                         milestones=[3, 6], gamma=0.1)
    step.before_train_iter(fake_runner(model, it=6), 0)
    assert model.mixer.mask_loss_weight == pytest.approx(0.01)
    with pytest.raises(AttributeError, match='mixer.mask_weight'):
        AnnealingHook('mixer.mask_weight', 0.1, 0.0).before_train(
            fake_runner(model))


def test_momentum_schedule_cosine_from_0999_to_1():
    model = SimpleNamespace(momentum=0.0)
    hook = HOOKS.build(dict(type='MomentumScheduleHook'))
    values = []
    for it in (0, 50, 100):
        hook.before_train_iter(fake_runner(model, it=it, max_iters=100), it)
        values.append(model.momentum)
    assert values == pytest.approx([0.999, 0.9995, 1.0])


@pytest.mark.parametrize('cls, kwargs, err', [
    (AnnealingHook, dict(attr='', start=0.1, end=0.0), ValueError),
    (AnnealingHook, dict(attr='a', start=0.1, end=0.0, policy='exp'),
     ValueError),
    (AnnealingHook, dict(attr='a', start=0.1), ValueError),
    (AnnealingHook, dict(attr='a', start=0.1, end=0.0, policy='step',
                         milestones=[2]), ValueError),
    (AnnealingHook, dict(attr='a', start=1.0, policy='step'), ValueError),
    (AnnealingHook, dict(attr='a', start=1.0, policy='step',
                         milestones=[5, 3]), ValueError),
    (AnnealingHook, dict(attr='a', start='0.1', end=0.0), TypeError),
    (MomentumScheduleHook, dict(start=1.2), ValueError),
    (MomentumScheduleHook, dict(end=-0.1), ValueError),
    (MixedGalleryHook, dict(interval=0), ValueError),
    (MixedGalleryHook, dict(num_samples=2.5), ValueError),
])
def test_bad_hook_config(cls, kwargs, err):
    with pytest.raises(err, match=cls.__name__):
        cls(**kwargs)


def test_gallery_hook_refuses_a_model_without_mixed_batches():
    with pytest.raises(TypeError, match='last_mix'):
        MixedGalleryHook().before_train(fake_runner(SimpleNamespace()))


def make_runner(work_dir, max_iters, resume=False):
    return Runner(
        model=tiny_model_cfg(), work_dir=str(work_dir),
        default_scope='mixtoolbox',
        train_dataloader=tiny_loader(),
        train_cfg=dict(by_epoch=False, max_iters=max_iters),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.01)),
        default_hooks=ITER_HOOKS,
        custom_hooks=[
            dict(type='MomentumScheduleHook', start=0.999, end=1.0),
            dict(type='AnnealingHook', attr='mixer.mask_loss_weight',
                 start=0.1, end=0.0),
            dict(type='MixedGalleryHook', interval=2, num_samples=3)],
        resume=resume, log_level='WARNING')


@pytest.mark.slow
def test_two_iterations_through_the_runner_and_resume(tmp_path):
    runner = make_runner(tmp_path, max_iters=2)
    runner.train()
    model = runner.model
    assert model.momentum_net.steps.item() == 2
    # values set before the last iteration (iteration 1 of 2)
    assert model.mixer.mask_loss_weight == pytest.approx(0.05)
    assert model.momentum == pytest.approx(0.9995)
    assert model.last_mix is None and not model.keep_last_mix
    png = osp.join(tmp_path, 'mixed_samples', 'iter_2.png')
    width, height = Image.open(png).size
    # rows x_i, x_j, mask, mixed; 3 columns of 32 px with 1 px padding
    assert (width, height) == (3 * 33 + 1, 4 * 33 + 1)
    state = {k: v.clone() for k, v in model.state_dict().items()}

    # resuming at the end runs no iteration: the model is the checkpoint's
    resumed = make_runner(tmp_path, max_iters=2, resume=True)
    resumed.train()
    assert resumed.iter == 2
    restored = resumed.model.state_dict()
    for key in ('mixer.proj.weight', 'mixer.gamma', 'momentum_net.steps',
                'momentum_net.module.backbone.layer3.0.conv1.weight'):
        assert torch.equal(restored[key], state[key]), key
