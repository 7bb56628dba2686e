"""The code of the command-line tools under ``tools/`` that run or convert
things (the measuring tools are in :mod:`mixtoolbox.analysis`). Each script
there only imports its module here and calls it; tests and other tools
import these modules like any other code.

- ``tools/train.py``, ``tools/test.py``: :mod:`.train`, :mod:`.test`;
- ``tools/selfsup/linear_eval.py``: :mod:`.linear_eval`;
- ``tools/model_converters/extract_backbone.py``: :mod:`.extract_backbone`;
- ``tools/benchmarks/mmdet_train.py``: :mod:`.mmdet_train`;
- ``tools/dataset_converters/{prepare_fashion_mnist,stl10,voc_xml_to_coco,
  label_image_to_coco}.py``: the modules of the same names;
- ``tools/visualization/mixed_gallery.py``: :mod:`.mixed_gallery`.
"""
