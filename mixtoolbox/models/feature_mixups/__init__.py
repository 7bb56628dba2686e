from mixtoolbox.models.utils import stage_names

from .alignmix import AlignMix
from .base import FeatureMixup, forward_mixed_at
from .dense_multimix import DenseMultiMix
from .functional import (
                         aligned_mix,
                         attention,
                         dense_multimix,
                         dense_weighted_ce,
                         multimix,
                         sample_dirichlet,
                         sinkhorn_plan,
)
from .manifoldmix import ManifoldMix
from .multimix import MultiMix

__all__ = [
    'AlignMix', 'DenseMultiMix', 'FeatureMixup', 'ManifoldMix', 'MultiMix',
    'aligned_mix', 'attention', 'dense_multimix', 'dense_weighted_ce',
    'forward_mixed_at', 'multimix', 'sample_dirichlet', 'sinkhorn_plan',
    'stage_names'
]
