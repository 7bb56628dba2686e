from .dist_utils import batch_shuffle, batch_unshuffle, gather_with_grad
from .inter_intra import InterIntraMix
from .mix_moco import MixMoCo
from .samix_moco import SAMixMoCo
from .utils import check_instance_mixup, mixed_nce

__all__ = ['InterIntraMix', 'MixMoCo', 'SAMixMoCo', 'batch_shuffle',
           'batch_unshuffle', 'check_instance_mixup', 'gather_with_grad',
           'mixed_nce']
