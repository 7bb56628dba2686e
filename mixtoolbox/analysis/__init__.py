"""The measuring code behind ``tools/analysis/``: each tool there is a thin
command line over one module here, which tests import like any other code.

==============================  =============================================
tool (``tools/analysis/``)      module (``mixtoolbox.analysis``)
==============================  =============================================
``benchmark_methods.py``        :mod:`.speed` (step time and peak memory of
                                configs; ``--suite imagenet-r50`` /
                                ``multimix-r18``, ``--dense-head-imagenet``)
``benchmark_saliency.py``       :mod:`.saliency_speed`
``compare_official_saliency.py`` :mod:`.official_saliency`
``accuracy_benchmark.py``       :mod:`.accuracy` (method configs under
                                ``configs/benchmarks/fashion_mnist/``)
``eval_calibration.py``,        :mod:`.evaluate`
``eval_robustness.py``,
``eval_ood.py``
``profile_quickstart.py``       :mod:`.run_profile`
``tools/selfsup/mixer_lambda.py``, :mod:`.mixer_lambda`,
``partner_shortcut.py``         :mod:`.partner_shortcut`
==============================  =============================================

Nothing here is imported by ``import mixtoolbox``; the modules import torch,
mmengine and the toolbox's registries when their functions run.
"""
