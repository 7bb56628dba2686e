import os
from contextlib import contextmanager

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


# ------------------------------------------------------------------ devices
# `pytest --device cuda` runs the method, classifier, modifier and
# self-supervised tests (tests/models/), the config step test
# (tests/test_configs.py) and tests/test_device.py on the GPU; everything
# else stays on the CPU. Tests of the `device` group that take the `device`
# fixture move their models themselves; the others run with torch's default
# device set to it (see _on_device). Tests that are CPU-only by nature carry
# the `cpu_only` marker and are never moved.
DEVICE_PATHS = ('tests/models/', 'tests/test_configs.py',
                'tests/test_device.py')
# node-id prefix -> why the test stays on the CPU
CPU_ONLY = {
    'tests/transfer/': 'the mmdet transfer needs mmcv compiled ops',
    'tests/tools/test_train_tools.py': 'CPU tools and 2-process gloo DDP',
    'tests/evaluation/test_eval_tools.py': 'CPU evaluation tools over gloo',
    'tests/models/selfsup/test_dist_utils.py': '2-process gloo DDP',
    # graph-cut / solver internals checked against numpy brute force
    'tests/models/mixups/test_puzzlemix.py::test_convex_solver':
        'numpy graph-cut solver',
    'tests/models/mixups/test_puzzlemix.py::test_swap_solver':
        'numpy graph-cut solver',
    'tests/models/mixups/test_puzzlemix.py::test_puzzlemix_mask_is_the':
        'compared with a numpy brute force',
    'tests/models/mixups/test_puzzlemix.py::test_without_smoothness':
        'compared with a CPU reference (module-level CPU scale)',
    'tests/models/mixups/test_puzzlemix.py::test_energy_matches':
        'compared with a numpy reference',
    'tests/models/mixups/test_puzzlemix.py::test_autocast_bf16':
        'CPU bfloat16 autocast (module-level CPU scale)',
    'tests/models/mixups/test_comixup.py::test_sweeps_lower':
        'numpy solver objective',
    'tests/models/mixups/test_comixup.py::test_resolve': 'numpy solver',
    'tests/models/mixups/test_fmix.py::test_low_freq_image':
        'compared with a numpy FFT reference',
    'tests/test_device.py::test_default_device_mode':
        'tests the --device machinery itself, on the meta device',
}


def pytest_addoption(parser):
    parser.addoption(
        '--device', choices=('cpu', 'cuda'), default='cpu',
        help='device of the method / classifier / self-supervised tests '
        'and of the config step test (default cpu); `cuda` adds float16 '
        'autocast variants and skips everything when CUDA is missing')


def pytest_configure(config):
    config.addinivalue_line(
        'markers', 'device: runs on the --device device (set by path in '
        'tests/conftest.py)')
    config.addinivalue_line(
        'markers', 'cpu_only(reason): stays on the CPU under --device cuda')


def _cpu_only_reason(nodeid):
    return next((why for prefix, why in CPU_ONLY.items()
                 if nodeid.startswith(prefix)), None)


def pytest_collection_modifyitems(config, items):
    for item in items:
        reason = _cpu_only_reason(item.nodeid)
        if reason is not None:
            item.add_marker(pytest.mark.cpu_only(reason))
        elif item.nodeid.startswith(DEVICE_PATHS):
            item.add_marker(pytest.mark.device)


def pytest_generate_tests(metafunc):
    # `amp` under CUDA: float32 and float16 autocast variants
    if ('amp' in metafunc.fixturenames
            and metafunc.config.getoption('--device') == 'cuda'):
        metafunc.parametrize('amp', [None, 'float16'], ids=['fp32', 'fp16'])


@pytest.fixture
def amp():
    """Autocast dtype of the test's training step: None (float32) on the
    CPU; under ``--device cuda`` the test runs once with None and once with
    'float16' (see pytest_generate_tests)."""
    return None


def _no_cuda(config):
    return (config.getoption('--device') == 'cuda'
            and not torch.cuda.is_available())


def pytest_report_header(config):
    if _no_cuda(config):
        return (f'--device cuda: CUDA is not available (torch '
                f'{torch.__version__}); every test is skipped')
    return f'device: {config.getoption("--device")}'


@pytest.fixture(scope='session')
def device(request):
    """The ``--device`` device (tests that move their models themselves)."""
    return torch.device(request.config.getoption('--device'))


@contextmanager
def default_device(dev):
    """torch's default device set to ``dev`` for the body; models built
    through a registry are moved there with ``.to()`` (so that their data
    preprocessor casts to it, as after the Runner's ``model.to``),
    ``torch.Generator()`` defaults to it (a generator must live on the
    device of the tensors it fills), and on CUDA ``torch.autocast('cpu')``
    of the CPU autocast tests means CUDA autocast (same dtype). Restored on
    exit."""
    from mmengine.registry import Registry
    saved = (Registry.build, torch.Generator, torch.autocast,
             torch.get_default_device())
    build, generator, autocast = saved[:3]

    def build_on_device(self, *args, **kwargs):
        obj = build(self, *args, **kwargs)
        return obj.to(dev) if isinstance(obj, torch.nn.Module) else obj

    class DeviceGenerator(generator):
        def __new__(cls, device=None):
            return super().__new__(cls, device if device is not None
                                   else torch.get_default_device())

    class DeviceAutocast(autocast):
        def __init__(self, device_type, *args, **kwargs):
            super().__init__(dev.type if device_type == 'cpu'
                             else device_type, *args, **kwargs)

    Registry.build, torch.Generator = build_on_device, DeviceGenerator
    if dev.type == 'cuda':
        torch.autocast = DeviceAutocast
    torch.set_default_device(dev)
    try:
        yield
    finally:
        Registry.build, torch.Generator, torch.autocast = saved[:3]
        # None, not 'cpu': no device mode left behind to slow every call
        torch.set_default_device(None if saved[3].type == 'cpu'
                                 else saved[3])


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    # before any fixture is set up: one reason, one line in the summary
    if _no_cuda(item.config):
        pytest.skip('--device cuda: CUDA is not available')


@pytest.fixture(autouse=True)
def _on_device(request):
    """A `device` test that does not take the ``device`` fixture runs under
    ``default_device(--device)``."""
    name = request.config.getoption('--device')
    if (name == 'cpu' or 'device' in request.fixturenames
            or request.node.get_closest_marker('device') is None):
        yield
        return
    with default_device(torch.device(name)):
        yield
