"""Own learning rate and own schedule for a part of the model (e.g. the
SAMix / AutoMix Mixer) through the unchanged mmengine Runner: the optimizer
wrapper constructor half.

mmengine's schedulers change every param group of the optimizer, and most of
them are chainable (each step scales the group's *current* value), so two
schedulers on the same group compound. Here the optimizer wrapper constructor
tags every param group with the module prefix its parameters belong to, and
:class:`~mixtoolbox.engine.schedulers.PrefixParamScheduler` runs an ordinary
mmengine scheduler on only the groups it selects by that tag; the main
schedule is wrapped the same way with ``exclude`` so that each group has
exactly one schedule.

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
from typing import List, Optional, Sequence, Union

import torch.nn as nn
from mmengine.optim import DefaultOptimWrapperConstructor

from mixtoolbox.registry import OPTIM_WRAPPER_CONSTRUCTORS

#: key of the module-prefix tag in every param group
PREFIX_KEY = 'module_prefix'


def matches(name: str, prefix: str) -> bool:
    """``name`` is ``prefix`` or lies under it (``prefix.…``)."""
    return name == prefix or name.startswith(prefix + '.')


def prefix_list(field: str, value: Union[str, Sequence[str]],
                owner: str) -> List[str]:
    """``value`` (a module prefix or a list of them) as a list, or a
    ValueError naming ``field``."""
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
        self.group_prefixes = None if prefixes is None else prefix_list(
            'paramwise_cfg.group_prefixes', prefixes, type(self).__name__)
        super().__init__(optim_wrapper_cfg, paramwise_cfg)
        # the parent adds parameters group by group only for a non-empty
        # paramwise_cfg; an empty custom_keys changes no setting
        self.paramwise_cfg.setdefault('custom_keys', {})

    def add_params(self, params: List[dict], module: nn.Module,
                   prefix: str = '',
                   is_dcn_module: Optional[Union[int, float]] = None) -> None:
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
            if not any(matches(n, p) for n in trainable):
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
                (p for p in by_length if matches(name, p)), '')
            settings = {k: v for k, v in group.items() if k != 'params'}
            target = next((g for g in merged if settings ==
                           {k: v for k, v in g.items() if k != 'params'}),
                          None)
            if target is None:
                merged.append(dict(group, params=list(group['params'])))
            else:
                target['params'].extend(group['params'])
        params[:] = merged
