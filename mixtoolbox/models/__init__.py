from .backbones import *  # noqa: F401,F403
from .classifiers import *  # noqa: F401,F403
from .feature_mixups import *  # noqa: F401,F403
from .heads import *  # noqa: F401,F403
from .modifiers import *  # noqa: F401,F403
from .losses import *  # noqa: F401,F403
from .mixers import *  # noqa: F401,F403
from .mixups import *  # noqa: F401,F403
