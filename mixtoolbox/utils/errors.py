"""Errors a user fixes in the config or on the command line, and how the
command-line tools report them: ``error: <message>`` on one line and exit
status 2, without a Python traceback (``--debug`` shows it).

Which exceptions count as the user's (:func:`explain`):

* :class:`ConfigError` (and :class:`MissingFileError`), raised by the checks
  of :mod:`mixtoolbox.utils.config_checks` and by the tools;
* the registry's ``KeyError`` for an unknown ``type`` (rewritten to name the
  config field and the registered names closest to the typo);
* the ``TypeError`` of a config dict with a key the class does not take
  (rewritten to name the field and list the keys the class takes);
* mmpretrain's "specify download=True" for data that is not there
  (rewritten to give the project's own preparation command, as nothing is
  downloaded at run time);
* a ``ValueError`` / ``TypeError`` / ``KeyError`` / ``FileNotFoundError`` /
  ``SyntaxError`` raised by a ``raise`` statement of mixtoolbox, the tools,
  OpenMMLab or ``torch.optim`` (the validators of every method, whose
  messages name the field and the allowed values), or a ``RuntimeError``
  raised by one in mixtoolbox / tools.

Anything else (an exception raised by Python or torch inside the code, an
``AssertionError``, ...) is a bug, not a config problem, and keeps its full
traceback.
"""
import difflib
import linecache
import os.path as osp
import re
import sys
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Iterator,
    Optional,
    Sequence,
    Tuple,
)

if TYPE_CHECKING:
    from mmengine.config import Config


class ConfigError(ValueError):
    """A config or command-line value the run cannot use; the message names
    the field and the values it may take."""


class MissingFileError(ConfigError, FileNotFoundError):
    """A file or directory the config names does not exist."""


_HERE = osp.dirname(osp.abspath(__file__))
PROJECT_DIRS = (osp.dirname(_HERE),  # the mixtoolbox package
                osp.join(osp.dirname(osp.dirname(_HERE)), 'tools'))
_OPENMMLAB = ('mmengine', 'mmpretrain', 'mmdet', 'mmcv')


def _package_dirs(names) -> Tuple[str, ...]:
    import importlib.util
    dirs = []
    for name in names:
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.origin:
            dirs.append(osp.dirname(spec.origin))
    return tuple(dirs)


def _torch_optim() -> Tuple[str, ...]:
    """torch.optim checks its hyper-parameters (``Invalid learning rate``)."""
    dirs = _package_dirs(['torch'])
    return tuple(osp.join(d, 'optim') for d in dirs)


def _innermost(tb):
    while tb.tb_next is not None:
        tb = tb.tb_next
    return tb


def _raised_by_statement(tb, dirs) -> bool:
    """Whether the exception comes from a ``raise`` statement in a file under
    one of ``dirs`` (and not from Python or torch failing inside it)."""
    if tb is None:
        return False
    last = _innermost(tb)
    path = osp.abspath(last.tb_frame.f_code.co_filename)
    if not any(path.startswith(d + osp.sep) for d in dirs):
        return False
    line = linecache.getline(path, last.tb_lineno).strip()
    return line.startswith('raise ')


def one_line(text: str) -> str:
    """``text`` with its line breaks and runs of spaces collapsed."""
    return ' '.join(str(text).split())


# ------------------------------------------------------------ config paths
def walk(node: Any, path: str = '') -> Iterator[Tuple[str, object]]:
    """``(dotted path, value)`` for every dict / list node of a config."""
    node = getattr(node, '_cfg_dict', node)  # an mmengine Config
    yield path, node
    if isinstance(node, dict):
        items = ((f'{path}.{k}' if path else str(k), v)
                 for k, v in node.items())
    elif isinstance(node, (list, tuple)):
        items = ((f'{path}[{i}]', v) for i, v in enumerate(node))
    else:
        return
    for sub_path, value in items:
        if isinstance(value, (dict, list, tuple)):
            yield from walk(value, sub_path)


def _paths_of_type(cfg, type_name, key=None):
    if cfg is None:
        return []
    found = []
    for path, node in walk(cfg):
        if isinstance(node, dict) and isinstance(node.get('type'), str) \
                and node['type'].split('.')[-1] == type_name.split('.')[-1] \
                and (key is None or key in node):
            found.append(path)
    return found


def _at(paths, suffix='') -> str:
    return f' at {", ".join(p + suffix for p in paths[:3])}' if paths else ''


# ------------------------------------------------------------ rewrites
_UNREGISTERED = re.compile(
    r"^(?P<type>\S+) is not in the (?P<scope>[\w.-]+)::(?P<name>[\w ]+) "
    r'registry')


def registered_names(registry_name: str, scope: str) -> list:
    """Every name a config can give as ``type`` for this registry."""
    from mmengine.registry import Registry

    import mixtoolbox.registry as ours
    candidates = []
    if scope in (ours.SCOPE, 'mmpretrain', 'mmengine'):
        candidates += [r for r in vars(ours).values()
                       if isinstance(r, Registry) and r.name == registry_name]
    else:
        try:
            import importlib
            other = importlib.import_module(f'{scope}.registry')
            candidates += [r for r in vars(other).values()
                           if isinstance(r, Registry)
                           and r.name == registry_name]
        except ImportError:
            pass
    names = set()
    for registry in candidates:
        while registry is not None:
            names.update(registry.module_dict)
            registry = registry.parent
    return sorted(names)


def unknown_type(registry_name: str, wrong: str, scope: str = 'mixtoolbox',
                 paths: Sequence[str] = ()) -> str:
    """The message for a ``type`` that is not registered: where it is and
    the registered names (all of them, or those closest to it)."""
    names = registered_names(registry_name, scope)
    close = difflib.get_close_matches(wrong, names, n=5, cutoff=0.5)
    if len(names) <= 30:
        allowed = f'registered: {", ".join(names)}'
    elif close:
        allowed = (f'closest registered names: {", ".join(close)} '
                   f'({len(names)} registered)')
    else:
        allowed = f'none of the {len(names)} registered names is close'
    return (f'unknown {registry_name} type {wrong!r}{_at(list(paths))}; '
            f'{allowed}')


def _unregistered(message: str, cfg) -> Optional[str]:
    match = _UNREGISTERED.match(message)
    if match is None:
        return None
    wrong = match['type']
    paths = [p + '.type' for p in _paths_of_type(cfg, wrong)]
    return unknown_type(match['name'], wrong, match['scope'], paths)


_BAD_KEY = re.compile(r"^(?P<cls>\w+)\.__init__\(\) got an unexpected "
                      r"keyword argument '(?P<key>\w+)'")
_MISSING_KEY = re.compile(r'^(?P<cls>\w+)\.__init__\(\) missing \d+ required '
                          r'(?:positional |keyword-only )arguments?: '
                          r'(?P<keys>.+)$')


def _constructor_keys(cls) -> list:
    import inspect
    try:
        params = inspect.signature(cls).parameters.values()
    except (TypeError, ValueError):
        return []
    return [p.name for p in params
            if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]


def _paths_with_key(cfg, key):
    return [path for path, node in walk(cfg) if isinstance(node, dict)
            and key in node] if cfg is not None else []


def _bad_keys(exc: TypeError, cfg) -> Optional[str]:
    """A config dict whose keys do not fit its class: the TypeError of the
    call ``cls(**config)`` made by mmengine / mmpretrain (the registry, the
    Runner), i.e. raised in their frame, not inside the class."""
    message = one_line(exc)
    match = _BAD_KEY.match(message) or _MISSING_KEY.match(message)
    if match is None:
        return None
    last = _innermost(exc.__traceback__)
    path = osp.abspath(last.tb_frame.f_code.co_filename)
    if not any(path.startswith(d + osp.sep)
               for d in _package_dirs(_OPENMMLAB)):
        return None
    name = match['cls']
    cls = last.tb_frame.f_locals.get('obj_cls')
    if getattr(cls, '__name__', None) != name:
        cls = last.tb_frame.f_globals.get(name)
    if cls is None:
        return None
    allowed = ', '.join(_constructor_keys(cls)) or '(see its docstring)'
    if 'key' in match.groupdict():
        key = match['key']
        where = _at(_paths_of_type(cfg, name, key)
                    or _paths_with_key(cfg, key))
        return (f'{name} has no option {key!r}{where}; its options: '
                f'{allowed}')
    where = _at(_paths_of_type(cfg, name))
    return f'{name} needs {match["keys"]}{where}; its options: {allowed}'


# what to run (or where to put the files) when a data set is not there;
# nothing is ever downloaded at run time
PREPARE = {
    'FashionMNIST': 'prepare it with `make data` (or `python tools/'
    'dataset_converters/prepare_fashion_mnist.py --out DIR` and '
    'data_root=DIR)',
    'CIFAR10': "put the extracted python version ('cifar-10-batches-py/') "
    'of CIFAR-10 there',
    'CIFAR100': "put the extracted python version ('cifar-100-python/') of "
    'CIFAR-100 there',
}
PREPARE_OTHER = ('the layout is described at the top of the dataset config '
                 '(configs/_base_/datasets/, configs/selfsup/_base_/, '
                 'docs/transfer.md for detection)')


def prepare_hint(dataset_type: Optional[str]) -> str:
    return PREPARE.get((dataset_type or '').split('.')[-1], PREPARE_OTHER)


def _data_missing(exc, cfg) -> Optional[str]:
    """mmpretrain's datasets advise ``download=True`` — wrong without a
    network, and mixtoolbox never downloads."""
    message = one_line(exc)
    if 'download=True' not in message:
        return None
    frame = _innermost(exc.__traceback__).tb_frame
    owner = frame.f_locals.get('self')
    dataset_type = type(owner).__name__ if owner is not None else None
    root = getattr(owner, 'data_root', None) or '?'
    paths = _paths_of_type(cfg, dataset_type) if dataset_type else []
    field = f'{paths[0]}.data_root' if paths else 'data_root'
    return (f'{field}: the {dataset_type or "dataset"} files are not in '
            f'{root!r}; {prepare_hint(dataset_type)}')


def explain(exc: BaseException, cfg: Optional['Config'] = None
            ) -> Optional[str]:
    """The one-line message for a user's error, or None for a bug (which
    keeps its traceback). ``cfg`` (the run's config) lets messages name the
    field that is wrong."""
    if not isinstance(exc, Exception):
        return None
    if isinstance(exc, ConfigError):
        return one_line(exc)
    if isinstance(exc, KeyError) and exc.args and isinstance(exc.args[0],
                                                             str):
        text = _unregistered(one_line(exc.args[0]), cfg)
        if text:
            return text
    if isinstance(exc, TypeError):
        text = _bad_keys(exc, cfg)
        if text:
            return text
    if isinstance(exc, RuntimeError):
        text = _data_missing(exc, cfg)
        if text:
            return text
    tb = exc.__traceback__
    if isinstance(exc, (ValueError, TypeError, KeyError, FileNotFoundError,
                        SyntaxError)) and _raised_by_statement(
            tb, PROJECT_DIRS + _package_dirs(_OPENMMLAB) + _torch_optim()):
        text = one_line(exc.args[0] if isinstance(exc, KeyError)
                        and exc.args else exc)
        if _raised_by_statement(tb, _torch_optim()):
            text = f'optim_wrapper.optimizer: {text}'
        return text
    if isinstance(exc, RuntimeError) and _raised_by_statement(
            tb, PROJECT_DIRS):
        return one_line(exc)
    return None


class UserErrors:
    """Context manager of the command-line tools: a user's error (see
    :func:`explain`) is printed as ``error: <message>`` on stderr and ends
    the process with status 2; with ``debug`` or for any other exception
    the traceback is shown as usual. Set ``cfg`` once the config is loaded
    so that messages can name fields.
    """

    def __init__(self, debug: bool = False, status: int = 2):
        self.debug = debug
        self.status = status
        self.cfg = None

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc is None or self.debug:
            return False
        message = explain(exc, self.cfg)
        if message is None:
            return False
        print(f'error: {message}', file=sys.stderr, flush=True)
        raise SystemExit(self.status) from None


def run_tool(main: Callable, args: Any) -> Any:
    """``main(args, errors)`` of a command-line tool inside
    :class:`UserErrors` (``args.debug`` turns the one-line reports off)."""
    with UserErrors(debug=getattr(args, 'debug', False)) as errors:
        return main(args, errors)
