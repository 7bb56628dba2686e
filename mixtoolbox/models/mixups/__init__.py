from mixtoolbox.models.utils import check_positive
from .base import BaseMixup, check_batch
from .cutmix import CutMix
from .mixup import Mixup
from .resizemix import ResizeMix
from .fmix import FMix
from .gridmix import GridMix
from .smoothmix import SmoothMix
from .saliencymix import SaliencyMix
from .zeta_mixup import ZetaMixup
from .multi_interp import MultiInterp, interp_supported
from .puzzlemix import PuzzleMix
from .comixup import CoMixup
from .rmix import RMix
from .saliency_mixup import SaliencyMixup

__all__ = ['BaseMixup', 'check_batch', 'check_positive', 'Mixup', 'CutMix',
           'ResizeMix', 'FMix', 'GridMix', 'SmoothMix', 'SaliencyMix',
           'ZetaMixup', 'MultiInterp', 'interp_supported', 'PuzzleMix',
           'CoMixup', 'RMix', 'SaliencyMixup']
