import os

# CI has 2 cores; keep every test process to one intra-op thread so that
# parallel pieces (dataloader workers, gloo ranks) do not oversubscribe.
os.environ.setdefault('OMP_NUM_THREADS', '1')

import pytest  # noqa: E402
import torch  # noqa: E402

torch.set_num_threads(1)


@pytest.fixture(scope='session', autouse=True)
def _register_modules():
    from mixtoolbox.utils import register_all_modules
    register_all_modules(init_default_scope=True)
