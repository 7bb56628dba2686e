"""A separate lr and lr schedule for the Mixer: param groups tagged by module
prefix, schedulers restricted to them, through the real mmengine Runner with
checkpoint and resume."""
import math

import pytest
import torch
from mmengine.hooks import Hook
from mmengine.optim import build_optim_wrapper
from mmengine.runner import Runner

from mixtoolbox.engine import PrefixParamScheduler
from mixtoolbox.engine.optimizers import PREFIX_KEY
from mixtoolbox.registry import MODELS, PARAM_SCHEDULERS
from tests.engine.helpers import ITER_HOOKS, tiny_loader, tiny_model_cfg

BASE_LR, MIXER_LR = 0.1, 0.05
CONSTRUCTOR = 'PrefixGroupOptimWrapperConstructor'


def optim_cfg(**paramwise):
    return dict(constructor=CONSTRUCTOR,
                optimizer=dict(type='SGD', lr=BASE_LR, momentum=0.9,
                               weight_decay=1e-4),
                paramwise_cfg=dict(
                    custom_keys={'mixer': dict(lr_mult=MIXER_LR / BASE_LR,
                                               momentum=0.5)},
                    **paramwise))


def groups_by_tag(optim_wrapper):
    return {g[PREFIX_KEY]: g for g in optim_wrapper.param_groups
            if PREFIX_KEY in g}


def test_constructor_tags_and_merges_groups():
    model = MODELS.build(tiny_model_cfg())
    wrapper = build_optim_wrapper(model, optim_cfg())
    groups = groups_by_tag(wrapper)
    # one group per top-level module with trainable parameters; the
    # momentum network is frozen and left out
    assert sorted(groups) == ['backbone', 'head', 'mixer']
    assert len(wrapper.optimizer.param_groups) == 3
    assert groups['mixer']['lr'] == pytest.approx(MIXER_LR)
    assert groups['mixer']['momentum'] == 0.5
    assert groups['backbone']['lr'] == BASE_LR
    in_optim = {id(p) for g in wrapper.optimizer.param_groups
                for p in g['params']}
    trainable = {id(p) for p in model.parameters() if p.requires_grad}
    assert in_optim == trainable
    assert {id(p) for p in groups['mixer']['params']} == {
        id(p) for p in model.mixer.parameters()}


def test_constructor_explicit_prefixes_take_the_longest_match():
    model = MODELS.build(tiny_model_cfg())
    wrapper = build_optim_wrapper(model, optim_cfg(
        group_prefixes=['backbone', 'backbone.layer4', 'mixer']))
    groups = groups_by_tag(wrapper)
    assert sorted(groups) == ['', 'backbone', 'backbone.layer4', 'mixer']
    assert {id(p) for p in groups['backbone.layer4']['params']} == {
        id(p) for p in model.backbone.layer4.parameters()}
    assert {id(p) for p in groups['']['params']} == {
        id(p) for p in model.head.parameters()}


def lr_of(wrapper, tag):
    return groups_by_tag(wrapper)[tag]['lr']


def cosine(base, eta_min, t, period):
    return eta_min + (base - eta_min) * (
        1 + math.cos(math.pi * t / period)) / 2


def test_schedulers_touch_only_their_groups():
    model = MODELS.build(tiny_model_cfg())
    wrapper = build_optim_wrapper(model, optim_cfg())
    main = PARAM_SCHEDULERS.build(
        dict(type='PrefixParamScheduler', exclude='mixer',
             scheduler='CosineAnnealingLR', by_epoch=True, T_max=2,
             eta_min=0.0, convert_to_iter_based=True),
        default_args=dict(optimizer=wrapper, epoch_length=3))
    mixer = PARAM_SCHEDULERS.build(
        dict(type='PrefixParamScheduler', include=['mixer'],
             scheduler='MultiStepLR', by_epoch=False, milestones=[2],
             gamma=0.1),
        default_args=dict(optimizer=wrapper, epoch_length=3))
    assert not main.by_epoch and not mixer.by_epoch  # converted to iters
    for it in range(1, 5):
        wrapper.step()
        main.step()
        mixer.step()
        for tag in ('backbone', 'head'):
            assert lr_of(wrapper, tag) == pytest.approx(
                cosine(BASE_LR, 0.0, it, 6))
        assert lr_of(wrapper, 'mixer') == pytest.approx(
            MIXER_LR * (0.1 if it >= 2 else 1.0))


MAX_ITERS = 4


def make_runner(work_dir, load_from=None):
    return Runner(
        model=tiny_model_cfg(), work_dir=str(work_dir),
        default_scope='mixtoolbox',
        train_dataloader=tiny_loader(),
        train_cfg=dict(by_epoch=False, max_iters=MAX_ITERS),
        optim_wrapper=optim_cfg(),
        param_scheduler=[
            dict(type='PrefixParamScheduler', exclude='mixer',
                 scheduler='CosineAnnealingLR', by_epoch=False,
                 T_max=MAX_ITERS, eta_min=0.0),
            dict(type='PrefixParamScheduler', include='mixer',
                 scheduler='CosineAnnealingLR', by_epoch=False,
                 T_max=MAX_ITERS, eta_min=0.01),
        ],
        default_hooks=ITER_HOOKS,
        load_from=load_from, resume=load_from is not None,
        log_level='WARNING')


class RecordLr(Hook):
    """Records the lr of the online and the Mixer group at every step."""

    def __init__(self):
        self.seen = []

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        self.seen.append((runner.iter, lr_of(runner.optim_wrapper, 'backbone'),
                          lr_of(runner.optim_wrapper, 'mixer')))


@pytest.mark.slow
def test_runner_follows_both_schedules_and_resumes(tmp_path):
    runner = make_runner(tmp_path)
    record = RecordLr()
    runner.register_hook(record)
    runner.train()
    assert [it for it, _, _ in record.seen] == list(range(MAX_ITERS))
    for it, online, mixer in record.seen:
        assert online == pytest.approx(cosine(BASE_LR, 0.0, it, MAX_ITERS))
        assert mixer == pytest.approx(cosine(MIXER_LR, 0.01, it, MAX_ITERS))
    # the Mixer really trains with its own group (non-zero lr all along)
    assert lr_of(runner.optim_wrapper, 'mixer') > 0.01

    # resume from the middle: both schedulers continue where they were
    ckpt = tmp_path / 'iter_2.pth'
    assert ckpt.is_file()
    resumed = make_runner(tmp_path / 'resumed', load_from=str(ckpt))
    record2 = RecordLr()
    resumed.register_hook(record2)
    resumed.train()
    assert [it for it, _, _ in record2.seen] == [2, 3]
    assert [lr for _, *lrs in record2.seen for lr in lrs] == pytest.approx(
        [lr for _, *lrs in record.seen[2:] for lr in lrs])
    saved = torch.load(ckpt, weights_only=False)['param_schedulers']
    assert [s['last_step'] for s in saved] == [2, 2]


def test_bad_input_names_the_field():
    model = MODELS.build(tiny_model_cfg())
    wrapper = build_optim_wrapper(model, optim_cfg())

    def build(**kwargs):
        cfg = dict(scheduler='CosineAnnealingLR', T_max=4)
        cfg.update(kwargs)
        return PrefixParamScheduler(wrapper, **cfg)

    with pytest.raises(ValueError, match='`include` and `exclude`'):
        build()
    with pytest.raises(ValueError, match='`include` and `exclude`'):
        build(include='mixer', exclude='head')
    with pytest.raises(ValueError, match=r"`include` prefix 'mixr'.*"
                       r"\['backbone', 'head', 'mixer'\]"):
        build(include='mixr')
    with pytest.raises(ValueError, match='`exclude`'):
        build(exclude=['backbone', 'head', 'mixer'])
    with pytest.raises(ValueError, match='`include`'):
        build(include=[])
    with pytest.raises(ValueError, match='`scheduler`'):
        build(include='mixer', scheduler='CosineLR')
    plain = build_optim_wrapper(model, dict(optimizer=dict(type='SGD',
                                                           lr=0.1)))
    with pytest.raises(ValueError, match='PrefixGroupOptimWrapperConstructor'):
        PrefixParamScheduler(plain, scheduler='CosineAnnealingLR',
                             include='mixer', T_max=4)
    with pytest.raises(ValueError, match='group_prefixes.*mixr'):
        build_optim_wrapper(model, optim_cfg(group_prefixes=['mixr']))
    with pytest.raises(ValueError, match='group_prefixes'):
        build_optim_wrapper(model, optim_cfg(group_prefixes='mixer.'))
