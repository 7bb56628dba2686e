# Runtime shared by every mixtoolbox config (mmengine format).
default_scope = 'mixtoolbox'

default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=100),
    param_scheduler=dict(type='ParamSchedulerHook'),
    # keep the latest checkpoints and the best top-1: no run loses one;
    # written atomically (temporary file + rename), old ones deleted after
    checkpoint=dict(type='AtomicCheckpointHook', interval=1, max_keep_ckpts=3,
                    save_best='auto'),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    visualization=dict(type='VisualizationHook', enable=False),
    # RNG states travel with checkpoints so that a resumed run is exact (a
    # default hook, so that configs replacing `custom_hooks` keep it)
    rng_state=dict(type='RNGStateHook'),
    # a NaN / Inf loss stops the run before the weights change; set
    # skip_nonfinite=True to skip such steps (counted) instead
    nonfinite=dict(type='NonFiniteLossHook', skip_nonfinite=False),
)
custom_hooks = []

env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    # tools/train.py switches to 'gloo' when no GPU is present
    dist_cfg=dict(backend='nccl'),
)

vis_backends = [dict(type='LocalVisBackend')]
visualizer = dict(type='UniversalVisualizer', vis_backends=vis_backends)

log_level = 'INFO'
load_from = None
resume = False
randomness = dict(seed=0, deterministic=False)
