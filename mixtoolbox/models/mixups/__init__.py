from mixtoolbox.models.utils import check_positive

from .base import BaseMixup, check_batch
from .comixup import CoMixup
from .cutmix import CutMix
from .fmix import FMix
from .gridmix import GridMix
from .mixup import Mixup
from .multi_interp import MultiInterp, interp_supported
from .puzzlemix import PuzzleMix
from .resizemix import ResizeMix
from .rmix import RMix
from .saliency_mixup import SaliencyMixup
from .saliencymix import SaliencyMix
from .smoothmix import SmoothMix
from .zeta_mixup import ZetaMixup

__all__ = ['BaseMixup', 'check_batch', 'check_positive', 'Mixup', 'CutMix',
           'ResizeMix', 'FMix', 'GridMix', 'SmoothMix', 'SaliencyMix',
           'ZetaMixup', 'MultiInterp', 'interp_supported', 'PuzzleMix',
           'CoMixup', 'RMix', 'SaliencyMixup']
