# PreActResNet-18 on Tiny-ImageNet-200 (64 px), the protocol of the MultiMix
# paper (Venkataramanan et al., NeurIPS 2023, https://arxiv.org/abs/2311.05538,
# App. A.1, PuzzleMix's): batch 128, SGD lr 0.1, momentum 0.9, wd 1e-4, 1200
# epochs, x0.1 after 600 and 900. (The paper trains on two GPUs with every
# hyper-parameter per GPU; one process with batch 128 here.)
_base_ = [
    '../models/resnet18_tiny.py',
    '../datasets/tiny_imagenet.py',
    '../schedules/tiny_sgd_1200e.py',
    '../default_runtime.py',
]
