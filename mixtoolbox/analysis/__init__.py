"""The measuring code behind ``tools/analysis/`` (and ``tools/selfsup/``'s
measurements): each script there only imports its module here and calls
it; tests import these modules like any other code.

- ``benchmark_methods.py``: :mod:`.speed` (step time and peak memory of
  configs; ``--suite imagenet-r50`` / ``multimix-r18``,
  ``--dense-head-imagenet``);
- ``benchmark_saliency.py``: :mod:`.saliency_speed`;
- ``compare_official_saliency.py``: :mod:`.official_saliency`;
- ``accuracy_benchmark.py``: :mod:`.accuracy` (method configs under
  ``configs/benchmarks/fashion_mnist/``);
- ``eval_calibration.py``, ``eval_robustness.py``, ``eval_ood.py``:
  :mod:`.evaluate`;
- ``profile_quickstart.py``: :mod:`.run_profile`;
- ``claims_walltime.py``: :mod:`.claims_walltime` (busy wall time of the
  claims runs);
- ``mixer_mask_stats.py``: :mod:`.mixer_masks` (a trained SAMix / AutoMix
  Mixer's masks per λ);
- ``tools/selfsup/mixer_lambda.py``, ``partner_shortcut.py``:
  :mod:`.mixer_lambda`, :mod:`.partner_shortcut`;
- shared helpers: :mod:`.common`.

Nothing here is imported by ``import mixtoolbox``.
"""
