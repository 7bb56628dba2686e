"""The mixup contract: declared capabilities agree with what each method
does, a forgotten registration or package import fails here, the one
refusal of ``__call__``, and ``mix_tensors`` (the batch-augment fast path)
returns exactly what ``mix`` does."""
import importlib
import inspect
import pkgutil
import sys
import textwrap
from typing import List, Tuple

import pytest
import torch
import torch.nn.functional as F

from mixtoolbox.models.mixups import (
    BaseMixup,
    CoMixup,
    PuzzleMix,
    RMix,
    SaliencyMixup,
)
from mixtoolbox.models.selfsup.utils import check_instance_mixup
from mixtoolbox.registry import BATCH_AUGMENTS

PACKAGES = ('mixtoolbox.models.mixups', 'mixtoolbox.models.feature_mixups')


def defined_mixups(package: str) -> List[Tuple[str, type]]:
    """(module, class) of every concrete, public BaseMixup subclass that a
    module of ``package`` defines."""
    pkg = importlib.import_module(package)
    found = []
    for info in pkgutil.iter_modules(pkg.__path__):
        module = importlib.import_module(f'{package}.{info.name}')
        for name, obj in vars(module).items():
            if (isinstance(obj, type) and issubclass(obj, BaseMixup)
                    and obj.__module__ == module.__name__
                    and not inspect.isabstract(obj)
                    and not name.startswith('_')):
                found.append((info.name, obj))
    return found


def registration_errors(package: str) -> List[str]:
    """What is missing for every mixup of ``package`` to be usable by name:
    the package import (``__init__.py``) and the registration."""
    pkg = importlib.import_module(package)
    errors = []
    for module, cls in defined_mixups(package):
        name = cls.__name__
        if getattr(pkg, name, None) is not cls:
            errors.append(f'{package}.{module} defines {name} but '
                          f'{package}/__init__.py does not import it: add '
                          f'`from .{module} import {name}` (and to __all__)')
        if BATCH_AUGMENTS.module_dict.get(name) is not cls:
            errors.append(f'{name} is not registered: decorate it with '
                          '@BATCH_AUGMENTS.register_module()')
    return errors


def registered_mixups() -> List[type]:
    return sorted((c for c in BATCH_AUGMENTS.module_dict.values()
                   if isinstance(c, type) and issubclass(c, BaseMixup)),
                  key=lambda c: c.__name__)


@pytest.mark.parametrize('package', PACKAGES)
def test_every_mixup_is_imported_and_registered(package):
    assert defined_mixups(package), package
    assert registration_errors(package) == []


def test_a_forgotten_import_or_registration_is_reported(tmp_path,
                                                        monkeypatch):
    pkg = tmp_path / 'contract_probe_pkg'
    pkg.mkdir()
    (pkg / '__init__.py').write_text('')  # the import was forgotten
    (pkg / 'probe.py').write_text(textwrap.dedent('''
        from mixtoolbox.models.mixups import BaseMixup


        class ProbeMix(BaseMixup):  # and so was the decorator
            def sample_params(self, inputs):
                return {}

            def mix(self, inputs, scores):
                raise NotImplementedError
    '''))
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        errors = registration_errors('contract_probe_pkg')
    finally:
        for name in ('contract_probe_pkg', 'contract_probe_pkg.probe'):
            sys.modules.pop(name, None)
    assert len(errors) == 2
    assert 'does not import it' in errors[0] and 'ProbeMix' in errors[0]
    assert 'not registered' in errors[1]


def test_capabilities_are_declared_booleans():
    for cls in registered_mixups():
        for attr in ('model_free', 'pairwise', 'needs_labels', 'inplace'):
            assert isinstance(getattr(cls, attr), bool), (cls, attr)
        assert cls.space in ('input', 'feature'), cls


def test_pairwise_matches_what_mix_takes():
    """Declared ``pairwise`` ⇔ ``mix`` takes a partner ``index``."""
    for cls in registered_mixups():
        takes_index = 'index' in inspect.signature(cls.mix).parameters
        assert cls.pairwise == takes_index, cls.__name__
    assert not BaseMixup.pairwise  # whole-batch unless declared


def test_one_refusal_for_every_mixup_that_needs_the_network():
    refused = []
    x, y = torch.rand(2, 3, 8, 8), torch.eye(2)
    for cls in registered_mixups():
        if cls.model_free:
            continue
        mixup = cls.__new__(cls)  # no __init__: AlignMix would need POT
        with pytest.raises(TypeError) as err:
            mixup(x, y)
        assert str(err.value).startswith(f'{cls.__name__} is not model-free')
        assert f"mix_policy=[dict(type='{cls.__name__}')]" in str(err.value)
        # the message is the base class's, not a per-class override
        assert '__call__' not in vars(cls), cls.__name__
        refused.append(cls.__name__)
    assert {'PuzzleMix', 'CoMixup', 'RMix', 'ManifoldMix', 'MultiMix',
            'DenseMultiMix', 'AlignMix', 'MultiInterp'} <= set(refused)


def test_mix_tensors_is_exactly_mix():
    """The fast path of ``__call__`` returns the very tensors of ``mix``
    (bit-exact), for every model-free mixup."""
    torch.manual_seed(0)
    x = torch.rand(6, 3, 16, 16)
    y = F.one_hot(torch.arange(6) % 3, 3).float()
    for cls in registered_mixups():
        if not cls.model_free:
            continue
        mixup = cls()
        params = mixup.sample_params(x)
        ref = mixup.mix(x.clone(), y.clone(), **params)
        inputs, target = mixup.mix_tensors(x.clone(), y.clone(), **params)
        assert torch.equal(inputs, ref.inputs), cls.__name__
        assert torch.equal(target, ref.target), cls.__name__


def test_call_leaves_inputs_alone_unless_inplace():
    torch.manual_seed(0)
    x, y = torch.rand(4, 3, 8, 8), torch.eye(4)
    for cls in registered_mixups():
        mixup = cls() if cls.model_free else None
        if mixup is None or mixup.inplace:
            continue
        before = x.clone()
        mixup(x, y)
        assert torch.equal(x, before), cls.__name__


def test_saliency_mixups_share_one_base():
    for cls in (PuzzleMix, CoMixup, RMix):
        assert issubclass(cls, SaliencyMixup) and not cls.model_free
        for method in ('forward_train', 'loss', 'saliency'):
            assert method not in vars(cls), (cls.__name__, method)
        assert cls.solved_key


def test_solved_params_skip_the_saliency_pass():
    """Replayed (already solved) params are mixed as they are: no saliency
    pass, no clean loss (the teacher of self-distillation)."""

    class Model:
        def saliency(self, *args):
            raise AssertionError('saliency pass on solved params')

    mix = RMix()
    parts = [dict(index=torch.tensor([1, 0]), weights=(0.5, 0.5),
                  top=torch.ones(2, 1, 2, 2, dtype=torch.bool))]
    solved, clean = mix.solved_params(Model(), torch.rand(2, 3, 8, 8),
                                      torch.eye(2), parts)
    assert solved == parts and clean is None


def test_saliency_mixups_check_clean_loss_settings():
    for cls in (PuzzleMix, CoMixup):
        with pytest.raises(ValueError, match=f'{cls.__name__}: `clean_lam`'):
            cls(clean_lam=-0.5)
        with pytest.raises(ValueError, match=f'{cls.__name__}: `loss`'):
            cls(loss='ce')


def test_self_supervised_loss_takes_declared_pairwise_mixups_only():
    from mmpretrain.models.utils.batch_augments import Mixup as MMPreMixup

    from mixtoolbox.models.mixups import Mixup, ZetaMixup
    check_instance_mixup(Mixup(), 'MixMoCo')
    for mixup in (ZetaMixup(), MMPreMixup(alpha=1.0)):
        with pytest.raises(ValueError, match='not a pairwise mixup'):
            check_instance_mixup(mixup, 'MixMoCo')
