"""Checks of a whole run config before anything is built.

The modules check their own arguments when they are built; what no single
module can see is how the parts fit together (the head against the data, a
modifier against the pipeline, a queue against the batch) and files that
are not there. Those are checked here, from the config alone and in
milliseconds, so that a wrong run stops before data sets, workers or the
work directory are set up. Every failure is a :class:`ConfigError` naming
the field and the values it may take.
"""
import inspect
import os
import os.path as osp
from typing import TYPE_CHECKING, Iterable, Optional

from .errors import (
    ConfigError,
    MissingFileError,
    one_line,
    prepare_hint,
    unknown_type,
    walk,
)

if TYPE_CHECKING:
    from mmengine.config import Config

REMOTE = ('http://', 'https://', 'mmcls://', 'open-mmlab://',
          'torchvision://', 'modelzoo://', 's3://')


def _registered(registry, type_name):
    """The class a ``type`` names, or None (the build reports unknown
    types itself)."""
    if not isinstance(type_name, str):
        return type_name if inspect.isclass(type_name) else None
    try:
        return registry.get(type_name)
    except Exception:  # a scope prefix of a package that is not installed
        return None


def _default(cls, name):
    try:
        param = inspect.signature(cls).parameters.get(name)
    except (TypeError, ValueError):
        return None
    return None if param is None else param.default


def _as_list(value):
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _loaders(cfg, training: bool):
    """The dataloaders the Runner builds for this run."""
    if not training:
        return ['test_dataloader']
    names = ['train_dataloader']
    if cfg.get('val_cfg') is not None and cfg.get('val_dataloader') and \
            cfg.get('val_evaluator') is not None:
        names.append('val_dataloader')
    return names


def _datasets(cfg, loader):
    """``(path, dataset dict)`` of every dataset in a dataloader, wrapped
    ones included."""
    node = (cfg.get(loader) or {}).get('dataset')
    for path, sub in walk(node, f'{loader}.dataset'):
        if isinstance(sub, dict) and 'type' in sub and (
                'data_root' in sub or 'pipeline' in sub):
            yield path, sub


def load_config(path: str) -> 'Config':
    """``Config.fromfile`` with a missing file or a syntax error (in the file
    or one of its ``_base_`` files) as a one-line :class:`ConfigError`."""
    from mmengine.config import Config
    if not osp.isfile(path):
        raise MissingFileError(f'config: file {path!r} does not exist')
    try:
        return Config.fromfile(path)
    except SyntaxError as err:
        raise ConfigError(
            f'config: syntax error in {path!r} or one of its _base_ files, '
            f'line {err.lineno}: {err.msg}: '
            f'{one_line(err.text or "")!r}') from err


# ----------------------------------------------------------------- types
def _typed(node, path):
    """``(path, dict)`` of every dict with a string ``type`` in ``node``."""
    for sub_path, sub in walk(node, path):
        if isinstance(sub, dict) and isinstance(sub.get('type'), str):
            yield sub_path, sub


def _runner_parts(cfg, training: bool):
    """``(registry, path, config)`` of the parts the Runner builds after the
    model (the model reports its own unknown types when it is built)."""
    from mixtoolbox import registry as reg
    wrapper = cfg.get('optim_wrapper') if training else None
    if isinstance(wrapper, dict):
        if isinstance(wrapper.get('type'), str):
            yield reg.OPTIM_WRAPPERS, 'optim_wrapper', wrapper
        optimizer = wrapper.get('optimizer')
        if isinstance(optimizer, dict) and isinstance(optimizer.get('type'),
                                                      str):
            yield reg.OPTIMIZERS, 'optim_wrapper.optimizer', optimizer
    if training:
        for path, part in _typed(cfg.get('param_scheduler'),
                                 'param_scheduler'):
            yield reg.PARAM_SCHEDULERS, path, part
        for path, part in _typed(cfg.get('custom_hooks'), 'custom_hooks'):
            yield reg.HOOKS, path, part
    for loader in _loaders(cfg, training):
        for path, dataset in _datasets(cfg, loader):
            yield reg.DATASETS, path, dataset
            for sub_path, step in _typed(dataset.get('pipeline'),
                                         f'{path}.pipeline'):
                yield reg.TRANSFORMS, sub_path, step
        sampler = (cfg.get(loader) or {}).get('sampler')
        if isinstance(sampler, dict) and isinstance(sampler.get('type'), str):
            yield reg.DATA_SAMPLERS, f'{loader}.sampler', sampler
        evaluator = loader.replace('dataloader', 'evaluator')
        for path, metric in _typed(cfg.get(evaluator), evaluator):
            yield reg.METRICS, path, metric


def check_types(cfg: 'Config', training: bool = True) -> None:
    """Every ``type`` of the optimizer, schedulers, hooks, data sets,
    transforms, samplers and metrics is registered (checked now rather than
    after the model is built; mmengine also reports an unknown optimizer
    as ``None is not a callable object``)."""
    if cfg.get('default_scope', 'mixtoolbox') != 'mixtoolbox':
        return
    for registry, path, part in _runner_parts(cfg, training):
        if registry.get(part['type']) is None:
            raise ConfigError(unknown_type(registry.name, part['type'],
                                           paths=[f'{path}.type']))


# ----------------------------------------------------------------- files
def check_pretrained_files(cfg: 'Config') -> None:
    """Local weight files named by ``init_cfg=dict(type='Pretrained')``,
    ``model.pretrained`` and ``load_from`` must exist."""
    detection = cfg.get('default_scope') == 'mmdet'
    for path, node in walk(cfg.get('model'), 'model'):
        if not isinstance(node, dict):
            continue
        files = []
        if node.get('type') == 'Pretrained' and isinstance(
                node.get('checkpoint'), str):
            files.append((f'{path}.checkpoint', node['checkpoint']))
        if isinstance(node.get('pretrained'), str):
            files.append((f'{path}.pretrained', node['pretrained']))
        for field, file in files:
            if file.startswith(REMOTE) or osp.isfile(file):
                continue
            hint = ('export the backbone of a mixtoolbox checkpoint with '
                    '`python tools/model_converters/extract_backbone.py CKPT '
                    'OUT.pth` and train with `python tools/benchmarks/'
                    'mmdet_train.py CFG --backbone OUT.pth`'
                    if detection else 'give the path of a local weight file '
                    '(nothing is downloaded at run time)')
            raise MissingFileError(f'{field}: file {file!r} does not exist; '
                                   f'{hint}')
    load_from = cfg.get('load_from')
    if load_from and not cfg.get('resume') and isinstance(load_from, str) \
            and not load_from.startswith(REMOTE) and \
            not osp.isfile(load_from):
        raise MissingFileError(f'load_from: file {load_from!r} does not '
                               'exist; give an existing checkpoint or None')


def check_data_roots(cfg: 'Config', training: bool = True) -> None:
    """Every ``data_root`` of the dataloaders this run builds must be a
    directory; the message says how to prepare the data set."""
    for loader in _loaders(cfg, training):
        for path, dataset in _datasets(cfg, loader):
            root = dataset.get('data_root')
            if not isinstance(root, str) or not root:
                continue
            if not osp.isdir(root):
                raise MissingFileError(
                    f'{path}.data_root: directory {root!r} does not exist '
                    f'(working directory {os.getcwd()!r}); '
                    f'{prepare_hint(dataset.get("type"))}')


# ---------------------------------------------------------- consistency
def _dataset_classes(dataset: dict) -> Optional[int]:
    from mixtoolbox.registry import DATASETS
    if dataset.get('metainfo') or dataset.get('classes'):
        return None
    cls = _registered(DATASETS, dataset.get('type'))
    classes = (getattr(cls, 'METAINFO', None) or {}).get('classes')
    return len(classes) if classes else None


def check_num_classes(cfg: 'Config') -> None:
    """The head's and the data preprocessor's ``num_classes`` must match
    the training data set's classes (when its class fixes them)."""
    model = cfg.get('model') or {}
    fields = []
    head = model.get('head')
    if isinstance(head, dict) and isinstance(head.get('num_classes'), int):
        fields.append(('model.head.num_classes', head['num_classes']))
    for prefix, pre in (('model.data_preprocessor',
                         model.get('data_preprocessor')),
                        ('data_preprocessor', cfg.get('data_preprocessor'))):
        if isinstance(pre, dict) and isinstance(pre.get('num_classes'), int):
            fields.append((f'{prefix}.num_classes', pre['num_classes']))
            break
    if not fields:
        return
    for path, dataset in _datasets(cfg, 'train_dataloader'):
        count = _dataset_classes(dataset)
        if count is None:
            continue
        for field, value in fields:
            if value != count:
                raise ConfigError(
                    f'{field} is {value}, but {path} ({dataset["type"]}) has '
                    f'{count} classes; set {field}={count}')


def _augment_entries(cfg):
    model = cfg.get('model') or {}
    train_cfg = model.get('train_cfg') or {}
    for i, aug in enumerate(_as_list(train_cfg.get('augments'))):
        yield f'model.train_cfg.augments[{i}]', aug
    for prefix, pre in (('model.data_preprocessor',
                         model.get('data_preprocessor')),
                        ('data_preprocessor', cfg.get('data_preprocessor'))):
        batch = (pre or {}).get('batch_augments') if isinstance(
            pre, dict) else None
        if isinstance(batch, dict):
            for i, aug in enumerate(_as_list(batch.get('augments'))):
                yield f'{prefix}.batch_augments.augments[{i}]', aug


def check_batch_augments(cfg: 'Config') -> None:
    """mmpretrain's batch augments only see the batch: a mixup that needs
    the network (feature mixups, saliency, ...) cannot run there."""
    from mixtoolbox.registry import BATCH_AUGMENTS
    for path, aug in _augment_entries(cfg):
        if not isinstance(aug, dict):
            continue
        cls = _registered(BATCH_AUGMENTS, aug.get('type'))
        if cls is None or getattr(cls, 'model_free', True):
            continue
        allowed = sorted(name for name, c in BATCH_AUGMENTS.module_dict.items()
                         if getattr(c, 'model_free', True))
        raise ConfigError(
            f'{path}: {aug["type"]} needs the network (it mixes inside it or '
            'uses its gradients), so it cannot be an mmpretrain batch '
            "augment; use model=dict(type='MixupClassifier', mix_policy=["
            f"dict(type='{aug['type']}', ...)]) instead; batch augments that "
            f'can: {", ".join(allowed)}')


def _pipeline_views(cfg) -> int:
    """The most views per image a MultiView transform of the training
    pipeline makes (1 without one)."""
    most = 1
    for _, dataset in _datasets(cfg, 'train_dataloader'):
        for step in _as_list(dataset.get('pipeline')):
            if isinstance(step, dict) and str(step.get('type', '')).split(
                    '.')[-1] == 'MultiView':
                most = max(most, sum(_as_list(step.get('num_views', 1))))
    return most


def check_views(cfg: 'Config') -> None:
    """A modifier that needs several views of each image (self-distillation)
    needs a MultiView transform in the training pipeline."""
    from mixtoolbox.registry import MODELS
    model = cfg.get('model') or {}
    for i, mod in enumerate(_as_list(model.get('modifiers'))):
        if not isinstance(mod, dict):
            continue
        cls = _registered(MODELS, mod.get('type'))
        needed = getattr(cls, 'num_views', 1)
        views = _pipeline_views(cfg)
        if views < needed:
            raise ConfigError(
                f'model.modifiers[{i}] ({mod["type"]}) needs {needed} views '
                f'of every image, but the train pipeline makes {views}; add '
                f"dict(type='MultiView', num_views={needed}, transforms=[...])"
                " before PackInputs in train_dataloader.dataset.pipeline and "
                "data_preprocessor=dict(type='MultiViewDataPreprocessor') "
                '(as in configs/multimix/multimix-distil_*.py)')


def check_queue(cfg: 'Config') -> None:
    """A MoCo queue is refilled one global batch at a time: its length must
    be a multiple of the total batch, and every batch must be full."""
    from mixtoolbox.registry import MODELS
    model = cfg.get('model') or {}
    cls = _registered(MODELS, model.get('type'))
    if cls is None or 'queue_len' not in _constructor_names(cls):
        return
    queue = model.get('queue_len', _default(cls, 'queue_len'))
    loader = cfg.get('train_dataloader') or {}
    batch = loader.get('batch_size')
    if not isinstance(queue, int) or not isinstance(batch, int) or \
            isinstance(queue, bool) or batch < 1:
        return
    world = int(os.environ.get('WORLD_SIZE', '1'))
    total = batch * world
    if queue % total:
        raise ConfigError(
            f'model.queue_len ({queue}) must be a multiple of the total batch '
            f'size (train_dataloader.batch_size {batch} x {world} '
            f'process(es) = {total}); e.g. queue_len='
            f'{max(total, queue // total * total)}')
    if not loader.get('drop_last', False):
        raise ConfigError(
            'train_dataloader.drop_last must be True for a model with a '
            f'queue ({model.get("type")}): a smaller last batch would not '
            'fit the queue')


def _constructor_names(cls) -> Iterable[str]:
    try:
        return inspect.signature(cls).parameters
    except (TypeError, ValueError):
        return ()


def check_loaders(cfg: 'Config', training: bool = True) -> None:
    """``batch_size`` a positive int and ``num_workers`` an int >= 0 in the
    dataloaders this run builds."""
    for loader in _loaders(cfg, training):
        loader_cfg = cfg.get(loader) or {}
        for key, low in (('batch_size', 1), ('num_workers', 0)):
            if key not in loader_cfg:
                continue
            value = loader_cfg[key]
            if isinstance(value, bool) or not isinstance(value, int) or \
                    value < low:
                rule = 'a positive int' if low else 'an int >= 0'
                raise ConfigError(f'{loader}.{key} must be {rule}, got '
                                  f'{value!r}')


CHECKS = (check_loaders, check_types, check_pretrained_files,
          check_data_roots, check_num_classes,
          check_batch_augments, check_views, check_queue)


def check_config(cfg: 'Config', training: bool = True) -> None:
    """Run every check above (data roots of the test loader only when not
    ``training``)."""
    for check in CHECKS:
        if check in (check_data_roots, check_loaders, check_types):
            check(cfg, training=training)
        elif training or check is check_pretrained_files:
            check(cfg)
