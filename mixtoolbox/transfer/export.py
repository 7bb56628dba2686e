"""Turn a mixtoolbox / mmpretrain checkpoint into an mmdet ResNet checkpoint.

The detection transfer protocols of MultiMix (Venkataramanan et al.,
NeurIPS 2023, §4.3 / Table 4) and SAMix (Li et al., arXiv:2111.15454,
§4.2 / Table 6 / App. A.1.3) fine-tune a detector from a pretrained
ResNet-50. mmpretrain's ``ResNet`` and mmdet's ``ResNet`` name their weights
identically (``conv1``, ``bn1``, ``layer{1..4}.{block}.{conv,bn}{1..3}``,
``downsample.{0,1}``), so exporting is selecting the encoder's keys and
stripping its prefix. What can go wrong is the architecture, so every export
is checked against a freshly built mmdet ``ResNet`` of the inferred depth:
no missing, unexpected or mis-shaped tensor is accepted.

>>> from mixtoolbox.transfer import export_backbone
>>> report = export_backbone('epoch_300.pth', 'r50.pth')  # doctest: +SKIP
>>> report['arch']  # doctest: +SKIP
'ResNet-50'
"""
import os
import os.path as osp
import pickle
from collections import OrderedDict
from typing import Dict, Optional, Sequence

import torch

# Where each encoder's backbone lives in a checkpoint, tried in order.
ENCODER_PREFIXES = {
    # MixupClassifier / mmpretrain ImageClassifier, MoCo's query encoder.
    'online': ('backbone.', ),
    # AutoMix / SAMix momentum copy of the classifier: AutoMixClassifier's
    # `momentum_net` (an EMA of ModuleDict(backbone, neck, head)).
    'momentum': ('momentum_net.module.backbone.', 'momentum_backbone.'),
    # mmpretrain 1.2 momentum (key / target) encoders:
    # MoCo v1/v2 and DenseCL `encoder_k`, MoCo v3 `momentum_encoder`,
    # BYOL `target_net`, all an EMA of nn.Sequential(backbone, neck).
    'key': ('encoder_k.module.0.', 'momentum_encoder.module.0.',
            'target_net.module.0.'),
}

# (block type, blocks per stage) -> depth, as in mmdet's ResNet.arch_settings
_ARCHS = {
    ('BasicBlock', (2, 2, 2, 2)): 18,
    ('BasicBlock', (3, 4, 6, 3)): 34,
    ('Bottleneck', (3, 4, 6, 3)): 50,
    ('Bottleneck', (3, 4, 23, 3)): 101,
    ('Bottleneck', (3, 8, 36, 3)): 152,
}


def load_state_dict(path: str) -> Dict[str, torch.Tensor]:
    """The model weights of an mmengine / plain PyTorch checkpoint.

    Loads with ``weights_only=True`` (mmengine's own pickled types are
    allow-listed, see :mod:`mixtoolbox.utils.checkpoint`), so a checkpoint
    never runs code while it is read.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'checkpoint: no such file {path!r}')
    from mixtoolbox.utils import allow_mmengine_checkpoint_types
    allow_mmengine_checkpoint_types()
    try:
        ckpt = torch.load(path, map_location='cpu', weights_only=True)
    except pickle.UnpicklingError as err:
        raise ValueError(f'checkpoint {path!r} holds objects other than '
                         f'tensors and mmengine metadata: {err}') from err
    if isinstance(ckpt, dict) and isinstance(ckpt.get('state_dict'), dict):
        ckpt = ckpt['state_dict']
    if not isinstance(ckpt, dict) or not ckpt or not all(
            torch.is_tensor(v) for v in ckpt.values()):
        raise ValueError(f'checkpoint {path!r}: expected a state dict (or a '
                         "dict with a 'state_dict' entry) of tensors")
    # checkpoints saved from a DDP-wrapped model prefix every key
    if all(k.startswith('module.') for k in ckpt):
        ckpt = {k[len('module.'):]: v for k, v in ckpt.items()}
    return ckpt


def select_encoder(state_dict: Dict[str, torch.Tensor],
                   encoder: str = 'online',
                   prefix: Optional[str] = None
                   ) -> 'tuple[OrderedDict, str]':
    """The keys under the encoder's prefix, with the prefix removed.

    Args:
        encoder (str): 'online', 'momentum' or 'key' (see
            ``ENCODER_PREFIXES``); ignored when ``prefix`` is given.
        prefix (str, optional): explicit key prefix, e.g.
            ``'momentum_net.module.backbone.'``.
    Returns:
        (sub state dict, the prefix used)
    """
    if prefix is not None:
        candidates: Sequence[str] = (prefix, )
    elif encoder in ENCODER_PREFIXES:
        candidates = ENCODER_PREFIXES[encoder]
    else:
        raise ValueError(f'encoder must be one of {sorted(ENCODER_PREFIXES)},'
                         f' got {encoder!r}')
    for cand in candidates:
        sub = OrderedDict((k[len(cand):], v) for k, v in state_dict.items()
                          if k.startswith(cand))
        if sub:
            return sub, cand
    tops = sorted({k.split('.')[0] + '.' for k in state_dict})
    raise ValueError(f'no weights under prefix {" or ".join(candidates)!r};'
                     f' the checkpoint has top-level prefixes {tops}; pass '
                     'the right --encoder or an explicit --prefix')


def resnet_arch(sd: Dict[str, torch.Tensor]) -> int:
    """Depth of the ImageNet-style ResNet ``sd`` holds; ``ValueError`` for
    anything mmdet's ``ResNet`` cannot load."""
    stems = [k for k, v in sd.items() if v.dim() == 4 and v.shape[1] == 3]
    if not stems:
        raise ValueError('backbone has no convolution on 3-channel images; '
                         'not a ResNet (keys start with '
                         f'{sorted({k.split(".")[0] for k in sd})[:8]})')
    stem_key = stems[0]
    kernel = tuple(sd[stem_key].shape[-2:])
    if stem_key.startswith('stem.0.'):
        raise ValueError(f'backbone stem is {stem_key!r}: the deep stem of '
                         'ResNetV1c/V1d is not exported, only the standard '
                         'ResNet stem conv1 (7x7)')
    if kernel == (3, 3):
        raise ValueError(
            f'backbone stem {stem_key!r} is a 3x3 conv: a CIFAR-style '
            'network (PreActResNet, WideResNet, ResNet_CIFAR) cannot go to '
            "mmdet's ResNet, whose 7x7 stride-2 stem + max-pool detectors "
            'rely on; pretrain an ImageNet-style ResNet (e.g. '
            'configs/_base_/models/resnet50.py) to transfer')
    if stem_key != 'conv1.weight' or kernel != (7, 7):
        raise ValueError(f'backbone is not a ResNet: its first conv on the '
                         f'image is {stem_key!r} with a {kernel} kernel, '
                         "mmdet's ResNet needs conv1.weight (7x7)")
    block = 'Bottleneck' if 'layer1.0.conv3.weight' in sd else 'BasicBlock'
    blocks = tuple(
        len({k.split('.')[1] for k in sd if k.startswith(f'layer{i}.')})
        for i in range(1, 5))
    depth = _ARCHS.get((block, blocks))
    if depth is None:
        raise ValueError(f'backbone is a ResNet with {block} blocks {blocks}'
                         ' per stage, which matches no mmdet ResNet depth '
                         f'(known: {sorted(set(_ARCHS.values()))})')
    return depth


def check_mmdet_resnet(sd: Dict[str, torch.Tensor], depth: int) -> dict:
    """Missing, unexpected and mis-shaped keys of ``sd`` against mmdet's
    ``ResNet(depth)`` (four stages)."""
    from mmdet.models.backbones import ResNet
    ref = ResNet(depth=depth).state_dict()
    return dict(
        missing=sorted(set(ref) - set(sd)),
        unexpected=sorted(set(sd) - set(ref)),
        mismatched=sorted(k for k in set(ref) & set(sd)
                          if ref[k].shape != sd[k].shape))


def export_backbone(src: str,
                    dst: str,
                    encoder: str = 'online',
                    prefix: Optional[str] = None) -> dict:
    """Write the encoder's ResNet from checkpoint ``src`` to ``dst`` as an
    mmdet-loadable ``{'state_dict', 'meta'}`` checkpoint.

    Returns a report: ``arch``, ``prefix``, ``num_tensors`` and the
    (empty) ``missing`` / ``unexpected`` / ``mismatched`` key lists.
    """
    sd, used = select_encoder(load_state_dict(src), encoder, prefix)
    depth = resnet_arch(sd)
    keys = check_mmdet_resnet(sd, depth)
    if any(keys.values()):
        raise ValueError(
            f"the backbone does not load into mmdet's ResNet-{depth}: "
            + '; '.join(f'{k} {v[:5]}{"..." if len(v) > 5 else ""}'
                        for k, v in keys.items() if v))
    report = dict(arch=f'ResNet-{depth}', depth=depth, prefix=used,
                  num_tensors=len(sd), **keys)
    meta = dict(source=osp.abspath(src), prefix=used, arch=report['arch'],
                converter='mixtoolbox.transfer.export_backbone')
    parent = osp.dirname(osp.abspath(dst))
    if not osp.isdir(parent):
        raise FileNotFoundError(f'output directory {parent!r} does not exist')
    # write then rename: nodes of a multi-node run export to the same path
    tmp = f'{dst}.tmp{os.getpid()}'
    torch.save(dict(state_dict=OrderedDict(
        (k, v.detach().clone().contiguous()) for k, v in sd.items()),
        meta=meta), tmp)
    os.replace(tmp, dst)
    return report
