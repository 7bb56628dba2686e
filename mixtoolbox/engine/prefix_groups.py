"""Own learning rate and own schedule for a part of the model (e.g. the
SAMix / AutoMix Mixer) through the unchanged mmengine Runner.

mmengine's schedulers change every param group of the optimizer, and most of
them are chainable (each step scales the group's *current* value), so two
schedulers on the same group compound. Here the optimizer wrapper constructor
tags every param group with the module prefix its parameters belong to, and
:class:`PrefixParamScheduler` runs an ordinary mmengine scheduler on only the
groups it selects by that tag; the main schedule is wrapped the same way with
``exclude`` so that each group has exactly one schedule.

Example (config)::

    optim_wrapper = dict(
        constructor='PrefixGroupOptimWrapperConstructor',
        optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=1e-4),
        paramwise_cfg=dict(custom_keys={'mixer': dict(lr_mult=1.0)}))
    param_scheduler = [
        dict(type='PrefixParamScheduler', exclude='mixer',
             scheduler='CosineAnnealingLR', by_epoch=True, T_max=800,
             eta_min=0.0),
        dict(type='PrefixParamScheduler', include='mixer',
             scheduler='CosineAnnealingLR', by_epoch=True, T_max=800,
             eta_min=1e-3),
    ]
"""
from typing import Callable, List, Optional, Sequence, Union

from mmengine.optim import (BaseOptimWrapper, DefaultOptimWrapperConstructor,
                            _ParamScheduler)

from mixtoolbox.registry import OPTIM_WRAPPER_CONSTRUCTORS, PARAM_SCHEDULERS

#: key of the module-prefix tag in every param group
PREFIX_KEY = 'module_prefix'


def _matches(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + '.')


def _prefix_list(field: str, value, owner: str) -> List[str]:
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, (list, tuple)) or not values or not all(
            isinstance(v, str) and v and not v.endswith('.')
            for v in values):
        raise ValueError(f'{owner}: `{field}` must be a module prefix (str, '
                         "e.g. 'mixer' or 'backbone.layer4') or a non-empty "
                         f'list of them, got {value!r}')
    return list(values)


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class PrefixGroupOptimWrapperConstructor(DefaultOptimWrapperConstructor):
    """mmengine's default constructor (``paramwise_cfg`` with
    ``custom_keys``, ``bias_decay_mult``, … works unchanged) that tags each
    param group with ``module_prefix`` and merges groups of equal settings
    and equal tag, so the optimizer keeps a handful of groups instead of one
    per parameter.

    ``paramwise_cfg`` accepts one more key:

    - ``group_prefixes`` (list[str]): the module prefixes to tag (a
      parameter gets the longest prefix it lies under; parameters under none
      get ``''``). Defaults to the names of the model's top-level children
      that own trainable parameters (``backbone``, ``neck``, ``head``,
      ``mixer``, … for :class:`AutoMixClassifier`).

    Frozen parameters (e.g. AutoMix's momentum network) are left out, as by
    the default constructor.

    Raises:
        ValueError: ``paramwise_cfg.group_prefixes`` is not a list of
            prefixes, or one of them matches no trainable parameter.
    """

    def __init__(self, optim_wrapper_cfg: dict,
                 paramwise_cfg: Optional[dict] = None):
        paramwise_cfg = dict(paramwise_cfg or {})
        prefixes = paramwise_cfg.pop('group_prefixes', None)
        self.group_prefixes = None if prefixes is None else _prefix_list(
            'paramwise_cfg.group_prefixes', prefixes, type(self).__name__)
        super().__init__(optim_wrapper_cfg, paramwise_cfg)
        # the parent adds parameters group by group only for a non-empty
        # paramwise_cfg; an empty custom_keys changes no setting
        self.paramwise_cfg.setdefault('custom_keys', {})

    def add_params(self, params: List[dict], module, prefix: str = '',
                   is_dcn_module=None) -> None:
        # a wholly frozen subtree (AutoMix's momentum network) would only
        # produce one "skipped" warning per parameter
        if prefix and not any(p.requires_grad for p in module.parameters()):
            return
        super().add_params(params, module, prefix, is_dcn_module)
        if prefix:  # the parent recurses through this method
            return
        names = {id(p): n for n, p in module.named_parameters()}
        trainable = [n for n, p in module.named_parameters()
                     if p.requires_grad]
        prefixes = self.group_prefixes or sorted(
            {n.split('.')[0] for n in trainable})
        for p in prefixes:
            if not any(_matches(n, p) for n in trainable):
                raise ValueError(
                    f'{type(self).__name__}: `paramwise_cfg.group_prefixes` '
                    f'entry {p!r} matches no trainable parameter of '
                    f'{type(module).__name__}; top-level modules: '
                    f'{sorted({n.split(".")[0] for n in trainable})}')
        by_length = sorted(prefixes, key=len, reverse=True)
        merged: List[dict] = []
        for group in params:
            name = names[id(group['params'][0])]
            group[PREFIX_KEY] = next(
                (p for p in by_length if _matches(name, p)), '')
            settings = {k: v for k, v in group.items() if k != 'params'}
            target = next((g for g in merged if settings ==
                           {k: v for k, v in g.items() if k != 'params'}),
                          None)
            if target is None:
                merged.append(dict(group, params=list(group['params'])))
            else:
                target['params'].extend(group['params'])
        params[:] = merged


class _GroupView(BaseOptimWrapper):
    """Some param groups of an optimizer (wrapper), seen as an optimizer by
    an mmengine scheduler. The groups are looked up on every access because
    loading an optimizer state (resume) replaces the group dicts. Step
    counting goes to the owner, so mmengine's "scheduler.step() before
    optimizer.step()" check sees the real steps."""

    def __init__(self, owner, selected: Callable[[dict], bool]):
        inner = owner.optimizer if isinstance(owner,
                                              BaseOptimWrapper) else owner
        super().__init__(inner)
        self._owner, self._selected = owner, selected

    @property
    def param_groups(self) -> List[dict]:
        return [g for g in self._owner.param_groups if self._selected(g)]

    @property
    def step(self):
        return self._owner.step

    @step.setter
    def step(self, method) -> None:
        self._owner.step = method

    @property
    def _global_step(self) -> int:
        return self._owner._global_step

    @_global_step.setter
    def _global_step(self, value: int) -> None:
        self._owner._global_step = value

    def update_params(self, *args, **kwargs):
        return self._owner.update_params(*args, **kwargs)

    def backward(self, loss, **kwargs) -> None:
        return self._owner.backward(loss, **kwargs)

    def zero_grad(self, **kwargs) -> None:
        return self._owner.zero_grad(**kwargs)


@PARAM_SCHEDULERS.register_module()
class PrefixParamScheduler(_ParamScheduler):
    """Run the mmengine scheduler ``scheduler`` on the param groups whose
    ``module_prefix`` tag (set by
    :class:`PrefixGroupOptimWrapperConstructor`) lies under one of
    ``include``, or on all the others (``exclude``).

    Every other key is the wrapped scheduler's own (``by_epoch``, ``begin``,
    ``end``, ``T_max``, ``eta_min``, ``convert_to_iter_based``, …), so a
    plain scheduler config becomes a prefix-restricted one by adding
    ``type='PrefixParamScheduler'``, ``scheduler=<its type>`` and
    ``include`` / ``exclude``. The Runner steps, saves and resumes it like
    any scheduler (``by_epoch``, ``state_dict``, ``load_state_dict``).

    Args:
        optimizer: the optimizer wrapper (given by the Runner).
        scheduler (str): a registered scheduler type, e.g.
            ``'CosineAnnealingLR'``.
        include (str | list[str]): module prefixes whose groups are
            scheduled, e.g. ``'mixer'``. Defaults to None.
        exclude (str | list[str]): module prefixes whose groups are *not*
            scheduled (all other groups are). Defaults to None. Exactly one
            of ``include`` / ``exclude`` must be given.
        **kwargs: the wrapped scheduler's arguments.

    Raises:
        ValueError: both or neither of ``include`` / ``exclude``; a prefix
            that tags no param group (the allowed values are listed); an
            optimizer without tags; an unknown ``scheduler`` type.
    """

    def __init__(self, optimizer, scheduler: str,
                 include: Union[str, Sequence[str], None] = None,
                 exclude: Union[str, Sequence[str], None] = None,
                 convert_to_iter_based: bool = False,
                 epoch_length: Optional[int] = None, **kwargs):
        # A _ParamScheduler (the Runner's resume keeps only those) that
        # delegates everything to the wrapped scheduler; the base __init__
        # is not run because it would act on every param group.
        name = type(self).__name__
        if (include is None) == (exclude is None):
            raise ValueError(f'{name}: give exactly one of `include` and '
                             f'`exclude`, got include={include!r}, '
                             f'exclude={exclude!r}')
        field = 'include' if include is not None else 'exclude'
        prefixes = _prefix_list(
            field, include if include is not None else exclude, name)
        groups = optimizer.param_groups
        tags = [g.get(PREFIX_KEY) for g in groups]
        if all(t is None for t in tags):
            raise ValueError(
                f'{name}: the optimizer\'s param groups carry no '
                f'`{PREFIX_KEY}` tag; build it with optim_wrapper=dict('
                "constructor='PrefixGroupOptimWrapperConstructor', ...)")
        known = sorted({t for t in tags if t})
        for p in prefixes:
            if not any(t is not None and _matches(t, p) for t in tags):
                raise ValueError(f'{name}: `{field}` prefix {p!r} tags no '
                                 f'param group; allowed: {known}')

        def selected(group: dict) -> bool:
            tag = group.get(PREFIX_KEY)
            hit = tag is not None and any(_matches(tag, p) for p in prefixes)
            return hit if field == 'include' else not hit

        if not isinstance(scheduler, str) or \
                PARAM_SCHEDULERS.get(scheduler) is None:
            raise ValueError(f'{name}: `scheduler` must be a registered '
                             'parameter scheduler type (e.g. '
                             f"'CosineAnnealingLR'), got {scheduler!r}")
        # untagged groups (mmengine's base_param_settings) do not count
        if not any(selected(g) for g in groups if PREFIX_KEY in g):
            raise ValueError(f'{name}: `exclude`={prefixes!r} leaves no '
                             'param group to schedule')
        view = _GroupView(optimizer, selected)
        cls = PARAM_SCHEDULERS.get(scheduler)
        if convert_to_iter_based:
            self.scheduler = cls.build_iter_from_epoch(
                optimizer=view, epoch_length=epoch_length, **kwargs)
        else:
            self.scheduler = cls(optimizer=view, **kwargs)
        self.by_epoch = self.scheduler.by_epoch

    @classmethod
    def build_iter_from_epoch(cls, *args, **kwargs):
        """What mmengine calls for ``convert_to_iter_based=True``: the
        wrapped scheduler converts itself."""
        return cls(*args, convert_to_iter_based=True, **kwargs)

    @property
    def need_val_args(self) -> bool:
        """Metric-driven schedulers (ReduceOnPlateau) are stepped after
        validation with the metrics; mmengine asks for this flag."""
        return getattr(self.scheduler, 'need_val_args', False)

    def step(self, *args, **kwargs) -> None:
        self.scheduler.step(*args, **kwargs)

    def get_last_value(self) -> list:
        return self.scheduler.get_last_value()

    def state_dict(self) -> dict:
        return self.scheduler.state_dict()

    def load_state_dict(self, state_dict: dict) -> None:
        self.scheduler.load_state_dict(state_dict)
