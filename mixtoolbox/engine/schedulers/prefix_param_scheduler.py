"""A parameter scheduler restricted to the param groups of some modules
(the scheduler half of
:mod:`mixtoolbox.engine.optimizers.prefix_group_constructor`, whose module
docstring shows the config): e.g. the SAMix / AutoMix Mixer gets its own
schedule while the rest of the model keeps the main one."""
from typing import Callable, List, Optional, Sequence, Union

from mmengine.optim import BaseOptimWrapper, _ParamScheduler
from torch import Tensor
from torch.optim import Optimizer

from mixtoolbox.registry import PARAM_SCHEDULERS

from ..optimizers.prefix_group_constructor import (
    PREFIX_KEY,
    matches,
    prefix_list,
)


class _GroupView(BaseOptimWrapper):
    """Some param groups of an optimizer (wrapper), seen as an optimizer by
    an mmengine scheduler. The groups are looked up on every access because
    loading an optimizer state (resume) replaces the group dicts. Step
    counting goes to the owner, so mmengine's "scheduler.step() before
    optimizer.step()" check sees the real steps."""

    def __init__(self, owner: Union[BaseOptimWrapper, Optimizer],
                 selected: Callable[[dict], bool]) -> None:
        inner = owner.optimizer if isinstance(owner,
                                              BaseOptimWrapper) else owner
        super().__init__(inner)
        self._owner, self._selected = owner, selected

    @property
    def param_groups(self) -> List[dict]:
        return [g for g in self._owner.param_groups if self._selected(g)]

    @property
    def step(self) -> Callable:
        return self._owner.step

    @step.setter
    def step(self, method: Callable) -> None:
        self._owner.step = method

    @property
    def _global_step(self) -> int:
        return self._owner._global_step

    @_global_step.setter
    def _global_step(self, value: int) -> None:
        self._owner._global_step = value

    def update_params(self, *args, **kwargs) -> None:
        return self._owner.update_params(*args, **kwargs)

    def backward(self, loss: Tensor, **kwargs) -> None:
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

    def __init__(self, optimizer: Union[BaseOptimWrapper, Optimizer],
                 scheduler: str,
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
        prefixes = prefix_list(
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
            if not any(t is not None and matches(t, p) for t in tags):
                raise ValueError(f'{name}: `{field}` prefix {p!r} tags no '
                                 f'param group; allowed: {known}')

        def selected(group: dict) -> bool:
            tag = group.get(PREFIX_KEY)
            hit = tag is not None and any(matches(tag, p) for p in prefixes)
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
    def build_iter_from_epoch(cls, *args, **kwargs) -> 'PrefixParamScheduler':
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
