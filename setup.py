"""Install mixtoolbox: ``pip install -e .`` (see README for the full stack)."""
import os.path as osp
from setuptools import find_packages, setup


def read_requirements(name):
    """Requirement lines of ``requirements/<name>.txt`` without comments."""
    path = osp.join(osp.dirname(__file__), 'requirements', f'{name}.txt')
    with open(path) as f:
        lines = (line.split('#')[0].strip() for line in f)
        return [line for line in lines if line]


def read_version():
    scope = {}
    version_file = osp.join(osp.dirname(__file__), 'mixtoolbox', 'version.py')
    with open(version_file) as f:
        exec(f.read(), scope)
    return scope['__version__']


setup(
    name='mixtoolbox',
    version=read_version(),
    description='Mixup toolbox for the OpenMMLab 2.0 stack '
    '(mmengine, mmcv 2, mmpretrain 1.x, mmdet 3.x)',
    long_description=open(osp.join(osp.dirname(__file__), 'README.md')).read()
    if osp.exists(osp.join(osp.dirname(__file__), 'README.md')) else '',
    long_description_content_type='text/markdown',
    packages=find_packages(exclude=('tests', 'tests.*', 'configs', 'tools')),
    python_requires='>=3.8',
    install_requires=read_requirements('runtime'),
    extras_require={
        'tests': read_requirements('tests'),
        'optional': read_requirements('optional'),
    },
    license='Apache-2.0',
    zip_safe=False,
)
