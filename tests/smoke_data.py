"""Test data, not part of the package: real detection / instance-segmentation
smoke data that ships inside two PyPI wheels, fetched with
``pip download --no-deps`` (nothing is installed or imported from them) and
converted to COCO JSON with the package's converters
(:mod:`mixtoolbox.transfer.coco`).

- ``deepforest==2.1.0`` (MIT): ``deepforest/data/*.xml`` = 4 aerial RGB
  images with 951 tree boxes in Pascal VOC XML.
- ``stardist==0.9.2`` (BSD-3): ``stardist/data/images/img2d.tif`` (512×512
  fluorescence microscopy) and ``mask2d.tif`` (its 125-nucleus label image).

Layout written under ``root`` (default ``data/smoke``)::

    wheels/*.whl
    deepforest/*.png, *.xml, trees.json (all 4 images; classes Alive, Dead,
        Tree), trees_400px.json (the 2 small images, one class Tree)
    stardist/img2d.png, nuclei.json

``make smoke-data`` runs ``python -m tests.smoke_data data/smoke`` from the
repository root; the ``smoke_data`` fixture of ``tests/transfer/`` calls
:func:`prepare_smoke_data` and skips only on :class:`RegistryUnreachable`.
Calls after the first reuse the wheels, so only the first one needs the
registry.
"""
import glob
import json
import os
import os.path as osp
import subprocess
import sys
import zipfile
from typing import Sequence

DEEPFOREST = 'deepforest==2.1.0'
STARDIST = 'stardist==0.9.2'
# stardist ships only platform wheels; its data files are the same in all of
# them, so ask for one fixed platform and the result does not depend on the
# host that runs the tests.
STARDIST_WHEEL = ['--only-binary=:all:', '--platform',
                  'manylinux_2_28_x86_64', '--python-version', '3.11',
                  '--implementation', 'cp', '--abi', 'cp311']
SMALL_IMAGES = ('OSBS_029', 'SOAP_061')  # the two 400×400 px images

_OFFLINE = ('NewConnectionError', 'Max retries exceeded',
            'Temporary failure in name resolution', 'Network is unreachable',
            'Name or service not known', 'ProxyError', 'ConnectTimeout',
            'Read timed out', 'Could not fetch URL', 'connection broken')


class RegistryUnreachable(RuntimeError):
    """pip could not reach the package index (offline machine)."""


def fetch_wheel(spec: str, wheel_dir: str, extra: Sequence[str] = ()) -> str:
    """Path of the wheel of ``spec`` (``name==version``) in ``wheel_dir``,
    downloaded with pip when absent."""
    name, version = spec.split('==')
    pattern = osp.join(wheel_dir, f'{name}-{version}-*.whl')
    found = sorted(glob.glob(pattern))
    if found:
        return found[0]
    os.makedirs(wheel_dir, exist_ok=True)
    proc = subprocess.run(
        [sys.executable, '-m', 'pip', 'download', '--no-deps',
         '--disable-pip-version-check', '-d', wheel_dir, *extra, spec],
        capture_output=True, text=True)
    found = sorted(glob.glob(pattern))
    if proc.returncode == 0 and found:
        return found[0]
    log = proc.stdout + proc.stderr
    if any(marker in log for marker in _OFFLINE):
        raise RegistryUnreachable(f'pip cannot reach the registry for '
                                  f'{spec}:\n{log[-2000:]}')
    raise RuntimeError(f'pip download {spec} failed:\n{log[-2000:]}')


def _extract(wheel: str, members: Sequence[str], out_dir: str) -> None:
    os.makedirs(out_dir, exist_ok=True)
    with zipfile.ZipFile(wheel) as zf:
        for member in members:
            target = osp.join(out_dir, osp.basename(member))
            if not osp.isfile(target):
                with zf.open(member) as src, open(target, 'wb') as dst:
                    dst.write(src.read())


def _dump(obj: dict, path: str) -> None:
    with open(path, 'w') as f:
        json.dump(obj, f)


def prepare_deepforest(root: str) -> dict:
    """Extract the 4 annotated images and write ``trees.json`` and
    ``trees_400px.json``; returns their paths."""
    from mixtoolbox.transfer.coco import voc_xml_to_coco
    wheel = fetch_wheel(DEEPFOREST, osp.join(root, 'wheels'))
    out = osp.join(root, 'deepforest')
    with zipfile.ZipFile(wheel) as zf:
        xmls = sorted(n for n in zf.namelist()
                      if n.startswith('deepforest/data/')
                      and n.endswith('.xml'))
        stems = {osp.splitext(osp.basename(n))[0] for n in xmls}
        images = [n for n in zf.namelist()
                  if n.startswith('deepforest/data/') and n.endswith('.png')
                  and osp.splitext(osp.basename(n))[0] in stems]
    _extract(wheel, xmls + images, out)
    local = [osp.join(out, osp.basename(x)) for x in xmls]
    paths = dict(all=osp.join(out, 'trees.json'),
                 small=osp.join(out, 'trees_400px.json'))
    _dump(voc_xml_to_coco(local, out), paths['all'])
    _dump(voc_xml_to_coco(
        [x for x in local if osp.basename(x)[:-4] in SMALL_IMAGES], out,
        classes=['Tree'], rename=dict(Alive='Tree', Dead='Tree')),
        paths['small'])
    return paths


def prepare_stardist(root: str) -> dict:
    """Write ``img2d.png`` (8-bit RGB) and ``nuclei.json`` (RLE masks)."""
    import mmcv

    from mixtoolbox.transfer.coco import label_image_to_coco, to_rgb8
    wheel = fetch_wheel(STARDIST, osp.join(root, 'wheels'), STARDIST_WHEEL)
    out = osp.join(root, 'stardist')
    _extract(wheel, ['stardist/data/images/img2d.tif',
                     'stardist/data/images/mask2d.tif'], out)
    image = mmcv.imread(osp.join(out, 'img2d.tif'), flag='unchanged')
    labels = mmcv.imread(osp.join(out, 'mask2d.tif'), flag='unchanged')
    mmcv.imwrite(to_rgb8(image), osp.join(out, 'img2d.png'))
    path = osp.join(out, 'nuclei.json')
    _dump(label_image_to_coco(labels, 'img2d.png', 'nucleus'), path)
    return dict(all=path)


def prepare_smoke_data(root: str = 'data/smoke') -> dict:
    """Both datasets; ``{'deepforest': {...}, 'stardist': {...}}``."""
    return dict(deepforest=prepare_deepforest(root),
                stardist=prepare_stardist(root))


if __name__ == '__main__':
    print(json.dumps(prepare_smoke_data(*sys.argv[1:2]), indent=1))
