"""Registries of mixtoolbox: children of mmpretrain's, scope ``mixtoolbox``.

A module registered here is found from configs as ``type='Name'`` when the
default scope is ``mixtoolbox`` (what :func:`register_all_modules` sets) and as
``type='mixtoolbox.Name'`` from any other scope, e.g. inside mmpretrain's own
``ImageClassifier(train_cfg=dict(augments=[dict(type='mixtoolbox.FMix')]))``.
Lookups that miss here fall back to mmpretrain's registries, then mmengine's,
so every mmpretrain backbone, neck, head, dataset and transform stays usable.

Models of the toolbox build their parts in this scope whatever the caller's
default scope (:class:`BuildsInOwnScope`), so an mmpretrain config can name
``type='mixtoolbox.MixupClassifier'`` with unprefixed parts inside.
"""
import functools
from contextlib import contextmanager

from mmengine.registry import DefaultScope, Registry
from mmpretrain.registry import BATCH_AUGMENTS as MMPRE_BATCH_AUGMENTS
from mmpretrain.registry import DATA_SAMPLERS as MMPRE_DATA_SAMPLERS
from mmpretrain.registry import DATASETS as MMPRE_DATASETS
from mmpretrain.registry import EVALUATORS as MMPRE_EVALUATORS
from mmpretrain.registry import HOOKS as MMPRE_HOOKS
from mmpretrain.registry import LOG_PROCESSORS as MMPRE_LOG_PROCESSORS
from mmpretrain.registry import LOOPS as MMPRE_LOOPS
from mmpretrain.registry import METRICS as MMPRE_METRICS
from mmpretrain.registry import MODEL_WRAPPERS as MMPRE_MODEL_WRAPPERS
from mmpretrain.registry import MODELS as MMPRE_MODELS
from mmpretrain.registry import (
    OPTIM_WRAPPER_CONSTRUCTORS as MMPRE_OPTIM_WRAPPER_CONSTRUCTORS,
)
from mmpretrain.registry import OPTIM_WRAPPERS as MMPRE_OPTIM_WRAPPERS
from mmpretrain.registry import OPTIMIZERS as MMPRE_OPTIMIZERS
from mmpretrain.registry import PARAM_SCHEDULERS as MMPRE_PARAM_SCHEDULERS
from mmpretrain.registry import (
    RUNNER_CONSTRUCTORS as MMPRE_RUNNER_CONSTRUCTORS,
)
from mmpretrain.registry import RUNNERS as MMPRE_RUNNERS
from mmpretrain.registry import TASK_UTILS as MMPRE_TASK_UTILS
from mmpretrain.registry import TRANSFORMS as MMPRE_TRANSFORMS
from mmpretrain.registry import VISBACKENDS as MMPRE_VISBACKENDS
from mmpretrain.registry import VISUALIZERS as MMPRE_VISUALIZERS
from mmpretrain.registry import (
    WEIGHT_INITIALIZERS as MMPRE_WEIGHT_INITIALIZERS,
)

SCOPE = 'mixtoolbox'


@contextmanager
def own_scope():
    """Within the block the default scope is ``mixtoolbox`` (restored after),
    so unprefixed names resolve in these registries, then mmpretrain's."""
    current = DefaultScope.get_current_instance()
    if current is not None and current.scope_name == SCOPE:
        yield
        return
    with DefaultScope.overwrite_default_scope(SCOPE):
        yield


class BuildsInOwnScope:
    """Mixin: the ``__init__`` of the class and of every subclass runs in
    :func:`own_scope`. A model built from another scope (mmpretrain's
    ``tools/train.py`` with ``custom_imports``, ``type='mixtoolbox.X'``)
    then resolves the unprefixed types in its own config — mixups, mixers,
    losses, modifiers, backbones — here first, then in mmpretrain."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        init = cls.__dict__.get('__init__')
        if init is None or getattr(init, '_own_scope', False):
            return

        @functools.wraps(init)
        def scoped_init(self, *args, **kw):
            with own_scope():
                init(self, *args, **kw)

        scoped_init._own_scope = True
        cls.__init__ = scoped_init


def _child(name, parent, *locations):
    return Registry(
        name, parent=parent, scope=SCOPE, locations=list(locations))


# Every registry the mmengine Runner builds from gets a child here: with the
# default scope 'mixtoolbox' mmengine looks for a 'mixtoolbox' child of each
# root registry and would otherwise miss mmpretrain's modules (e.g. its
# UniversalVisualizer).
RUNNERS = _child('runner', MMPRE_RUNNERS, 'mixtoolbox.engine')
RUNNER_CONSTRUCTORS = _child('runner constructor', MMPRE_RUNNER_CONSTRUCTORS,
                             'mixtoolbox.engine')
LOOPS = _child('loop', MMPRE_LOOPS, 'mixtoolbox.engine')
HOOKS = _child('hook', MMPRE_HOOKS, 'mixtoolbox.engine',
               'mixtoolbox.evaluation')
LOG_PROCESSORS = _child('log processor', MMPRE_LOG_PROCESSORS,
                        'mixtoolbox.engine')
OPTIMIZERS = _child('optimizer', MMPRE_OPTIMIZERS, 'mixtoolbox.engine')
OPTIM_WRAPPERS = _child('optim wrapper', MMPRE_OPTIM_WRAPPERS,
                        'mixtoolbox.engine')
OPTIM_WRAPPER_CONSTRUCTORS = _child('optimizer wrapper constructor',
                                    MMPRE_OPTIM_WRAPPER_CONSTRUCTORS,
                                    'mixtoolbox.engine')
PARAM_SCHEDULERS = _child('parameter scheduler', MMPRE_PARAM_SCHEDULERS,
                          'mixtoolbox.engine')
DATASETS = _child('dataset', MMPRE_DATASETS, 'mixtoolbox.datasets')
DATA_SAMPLERS = _child('data sampler', MMPRE_DATA_SAMPLERS,
                       'mixtoolbox.datasets')
TRANSFORMS = _child('transform', MMPRE_TRANSFORMS, 'mixtoolbox.datasets')
MODELS = _child('model', MMPRE_MODELS, 'mixtoolbox.models')
MODEL_WRAPPERS = _child('model_wrapper', MMPRE_MODEL_WRAPPERS,
                        'mixtoolbox.engine')
BATCH_AUGMENTS = _child('batch augment', MMPRE_BATCH_AUGMENTS,
                        'mixtoolbox.models')
METRICS = _child('metric', MMPRE_METRICS, 'mixtoolbox.evaluation')
EVALUATORS = _child('evaluator', MMPRE_EVALUATORS,
                    'mixtoolbox.evaluation')
WEIGHT_INITIALIZERS = _child('weight initializer',
                             MMPRE_WEIGHT_INITIALIZERS, 'mixtoolbox.models')
TASK_UTILS = _child('task util', MMPRE_TASK_UTILS, 'mixtoolbox.models')
VISUALIZERS = _child('visualizer', MMPRE_VISUALIZERS, 'mixtoolbox.engine')
VISBACKENDS = _child('vis_backend', MMPRE_VISBACKENDS, 'mixtoolbox.engine')
