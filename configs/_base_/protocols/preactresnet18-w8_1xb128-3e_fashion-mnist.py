# The CPU-sized Fashion-MNIST runs (the quick start and the MultiMix demo): a
# width-8 PreActResNet-18, batch 128, 3 epochs of SGD with a one-epoch warm-up
# and cosine decay, gloo between CPU processes, a checkpoint every epoch (the
# last one kept) and a log line every 50 iterations.
_base_ = [
    '../models/preactresnet18-w8_fashion-mnist.py',
    '../datasets/fashion_mnist.py',
    '../schedules/fashion-mnist_sgd_warmup-cosine_3e.py',
    '../default_runtime.py',
]
default_hooks = dict(logger=dict(interval=50),
                     checkpoint=dict(interval=1, max_keep_ckpts=1,
                                     save_best=None))
env_cfg = dict(dist_cfg=dict(backend='gloo'))
