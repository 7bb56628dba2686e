"""Transfer of mixtoolbox backbones to mmdet detectors (MultiMix,
Venkataramanan et al., NeurIPS 2023, §4.3; SAMix, Li et al.,
arXiv:2111.15454, Table 6): checkpoint export, config wiring, the total
batch on any number of processes, precise BN and data converters.

Imports mmdet lazily, so mixtoolbox itself does not need it installed.
"""
from .coco import label_image_to_coco, to_rgb8, voc_xml_to_coco
from .detection import PretrainedCheckHook, set_pretrained
from .export import (
                     ENCODER_PREFIXES,
                     check_mmdet_resnet,
                     export_backbone,
                     load_state_dict,
                     resnet_arch,
                     select_encoder,
)

__all__ = [
    'ENCODER_PREFIXES', 'PretrainedCheckHook', 'check_mmdet_resnet',
    'export_backbone', 'label_image_to_coco', 'load_state_dict',
    'resnet_arch', 'select_encoder', 'set_pretrained', 'to_rgb8',
    'voc_xml_to_coco'
]
