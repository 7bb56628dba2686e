"""Registries: children of mmpretrain's, scope `mixtoolbox`, user mixups via
`custom_imports`."""
import sys
import textwrap

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope
from mmengine.utils import import_modules_from_strings
from mmpretrain.registry import BATCH_AUGMENTS as MMPRE_BATCH_AUGMENTS
from mmpretrain.registry import MODELS as MMPRE_MODELS
from mmpretrain.structures import DataSample

import mixtoolbox
from mixtoolbox import registry
from tests.tiny_model import tiny_classifier


def test_version():
    assert isinstance(mixtoolbox.__version__, str)
    assert mixtoolbox.__version__.count('.') == 2


def test_children_of_mmpretrain():
    assert registry.MODELS.parent is MMPRE_MODELS
    assert registry.BATCH_AUGMENTS.parent is MMPRE_BATCH_AUGMENTS
    for name in ('MODELS', 'BATCH_AUGMENTS', 'HOOKS', 'DATASETS',
                 'TRANSFORMS', 'METRICS', 'VISUALIZERS'):
        reg = getattr(registry, name)
        assert reg.scope == 'mixtoolbox'
        assert reg._locations, name


def test_lookup_falls_back_to_mmpretrain():
    assert registry.MODELS.get('ResNet') is MMPRE_MODELS.get('ResNet')
    assert registry.MODELS.get('MixupClassifier') is not None
    assert MMPRE_MODELS.get('mixtoolbox.PreActResNet') is \
        registry.MODELS.get('PreActResNet')


def test_register_all_modules_sets_scope():
    from mixtoolbox.utils import register_all_modules
    register_all_modules(init_default_scope=True)
    assert DefaultScope.get_current_instance().scope_name == 'mixtoolbox'


USER_MODULE = '''
import torch
from mixtoolbox.models.mixups import BaseMixup
from mixtoolbox.registry import BATCH_AUGMENTS
from mixtoolbox.structures import MixedBatch


@BATCH_AUGMENTS.register_module()
class FlipMix(BaseMixup):
    """Mixes each image with its partner's horizontal flip."""

    def __init__(self, lam=0.5):
        self.lam = lam

    def sample_params(self, inputs):
        return dict(index=self.sample_index(inputs))

    def mix(self, inputs, scores, index):
        x = self.lam * inputs + (1 - self.lam) * inputs[index].flip(-1)
        y = self.lam * scores + (1 - self.lam) * scores[index]
        return MixedBatch(x, y, index=index, params=dict(index=index))
'''


def test_user_mixup_through_custom_imports(tmp_path, monkeypatch):
    (tmp_path / 'my_mixups.py').write_text(USER_MODULE)
    monkeypatch.syspath_prepend(str(tmp_path))
    cfg_file = tmp_path / 'cfg.py'
    model = tiny_classifier(2, mix_policy=[dict(type='FlipMix', lam=0.7)])
    cfg_file.write_text(textwrap.dedent('''
        custom_imports = dict(imports=['my_mixups'],
                              allow_failed_imports=False)
    ''') + f'model = {model!r}\n')
    cfg = Config.fromfile(str(cfg_file))
    import_modules_from_strings(**cfg.custom_imports)
    try:
        model = registry.MODELS.build(cfg.model)
        mixup = model.policy.mixups[0]
        assert type(mixup).__name__ == 'FlipMix' and mixup.lam == 0.7
        data = [DataSample().set_gt_label(i % 2) for i in range(4)]
        loss = model.loss(torch.randn(4, 3, 16, 16), data)['loss']
        assert torch.isfinite(loss)
    finally:
        registry.BATCH_AUGMENTS.module_dict.pop('FlipMix', None)
        sys.modules.pop('my_mixups', None)


def test_unknown_user_mixup_named_in_error():
    from mixtoolbox.models.classifiers import build_mixup
    with pytest.raises(ValueError, match="'FlipMixx'.*registered mixups"):
        build_mixup(dict(type='FlipMixx'))
