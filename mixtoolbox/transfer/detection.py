"""Point an mmdet transfer config at an exported backbone, and prove the
detector really starts from it.

A detector whose ``Pretrained`` init silently fails (wrong path, wrong
architecture, a head that nobody told to load res5) still trains and still
produces an mAP; only lower. mmengine's ``load_checkpoint`` merely logs
mismatched keys, so these helpers refuse such runs instead: before training
(:func:`set_pretrained`) by comparing the export with the backbone the
config builds, and after weight initialisation (:class:`PretrainedCheckHook`)
by comparing the initialised tensors with the export.

>>> from mmengine.config import Config
>>> cfg = Config.fromfile('configs/benchmarks/mmdet/'
...                       'faster-rcnn_r50-c4_8xb2-ms-24000it_voc0712.py')
>>> set_pretrained(cfg, 'r50_backbone.pth')  # doctest: +SKIP
['model.backbone', 'model.roi_head.shared_head']
"""
import copy
from typing import Dict, List, Optional

import torch
from mmengine.hooks import Hook

from .export import load_state_dict

# Layers of a detector part that are not in a pretrained backbone and start
# fresh: the extra norm after res5 (keys ``norm.*``).
FRESH_PREFIXES = {'ResLayerExtraNorm': ('norm.', )}


def _pretrained_targets(model_cfg) -> Dict[str, dict]:
    """Config path -> module config of every part that must load the
    backbone: the backbone and, in C4 detectors, the res5 shared head."""
    if model_cfg.get('backbone') is None:
        raise ValueError('the config has no model.backbone')
    parts = {'model.backbone': model_cfg['backbone']}
    shared = (model_cfg.get('roi_head') or {}).get('shared_head')
    if shared is not None:
        parts['model.roi_head.shared_head'] = shared
    for path, part in parts.items():
        init = part.get('init_cfg')
        if not (isinstance(init, dict) and init.get('type') == 'Pretrained'):
            raise ValueError(
                f"{path}.init_cfg must be dict(type='Pretrained', "
                f'checkpoint=...) so the exported backbone is loaded, got '
                f'{init!r}; see configs/benchmarks/mmdet/')
        if init.get('prefix') is not None:
            raise ValueError(f'{path}.init_cfg.prefix must be unset: an '
                             'exported backbone has no key prefix')
    return parts


def _build(part_cfg) -> torch.nn.Module:
    # registers ResLayerExtraNorm in mmdet's MODELS
    import mmpretrain.models.utils.res_layer_extra_norm  # noqa: F401
    from mmdet.registry import MODELS
    from mmdet.utils import register_all_modules
    from mmengine.registry import DefaultScope
    register_all_modules(init_default_scope=False)
    cfg = copy.deepcopy(dict(part_cfg))
    cfg.pop('init_cfg', None)
    with DefaultScope.overwrite_default_scope('mmdet'):
        return MODELS.build(cfg)


def set_pretrained(cfg, checkpoint: str) -> List[str]:
    """Make every part that needs it load ``checkpoint`` (an export of
    :func:`~mixtoolbox.transfer.export_backbone`), after checking that the
    export holds every tensor of the config's backbone with the same shape.

    Returns the config paths that were pointed at ``checkpoint``.
    """
    sd = load_state_dict(checkpoint)
    parts = _pretrained_targets(cfg.model)
    for path, part in parts.items():
        want = _pretrained_state(_build(part))
        missing = sorted(k for k in want if k not in sd)
        wrong = sorted(f'{k} {tuple(sd[k].shape)}!={tuple(v.shape)}'
                       for k, v in want.items()
                       if k in sd and sd[k].shape != v.shape)
        if missing or wrong:
            raise ValueError(
                f'checkpoint {checkpoint!r} is another architecture than '
                f'{path} ({part.get("type")}, depth {part.get("depth")}): '
                f'{len(missing)} tensors missing {missing[:3]}, '
                f'{len(wrong)} of another shape {wrong[:3]}')
        part['init_cfg']['checkpoint'] = checkpoint
    return list(parts)


def _pretrained_state(module) -> dict:
    """``module.state_dict()`` without the layers that are not part of the
    pretrained network (the extra norm of mmpretrain's
    ``ResLayerExtraNorm``, which starts fresh as in MoCo's head)."""
    fresh = FRESH_PREFIXES.get(type(module).__name__, ())
    return {k: v for k, v in module.state_dict().items()
            if not k.startswith(tuple(fresh))}


def _module(model, path: str) -> torch.nn.Module:
    for name in path.split('.')[1:]:
        model = getattr(model, name)
    return model


class PretrainedCheckHook(Hook):
    """Fail the run unless, once weights are initialised, every tensor of the
    backbone (and of the res5 shared head) equals the export.

    Skipped when the run resumes or loads another checkpoint, whose weights
    rightly differ. ``self.checked`` counts the tensors compared.
    """
    priority = 'VERY_HIGH'

    def __init__(self, checkpoint: str, parts: Optional[List[str]] = None):
        self.checkpoint = checkpoint
        self.parts = parts or ['model.backbone']
        self.checked = 0

    def before_train(self, runner) -> None:
        if runner._resume or runner._load_from:
            return
        model = runner.model
        model = getattr(model, 'module', model)  # DDP wrapper
        sd = load_state_dict(self.checkpoint)
        for path in self.parts:
            own = _pretrained_state(_module(model, path))
            differ = [k for k, v in own.items()
                      if k not in sd or not torch.equal(v.detach().cpu(),
                                                        sd[k])]
            if differ:
                raise RuntimeError(
                    f'{path}: {len(differ)} of {len(own)} tensors differ '
                    f'from {self.checkpoint!r} after init, e.g. {differ[:3]};'
                    ' the pretrained backbone was not loaded')
            self.checked += len(own)
        runner.logger.info(f'PretrainedCheckHook: {self.checked} tensors of '
                           f'{", ".join(self.parts)} equal {self.checkpoint}')
