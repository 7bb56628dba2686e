# PreActResNet-18 on CIFAR-100: multi-mix (Shen, Yu, Yang, Kwok, "Mixup
# Augmentation with Multiple Interpolations", arXiv:2406.01417, 2024,
# https://arxiv.org/abs/2406.01417) around input mixup, alpha = 1, K = 5
# ordered interpolations per pair (Sec. IV-I). Ablation over K (Fig. 6):
#   --cfg-options model.mix_policy.0.k=3
# Protocol (in the base): Shen et al. Sec. IV-B1.
_base_ = '../_base_/protocols/preactresnet18_1xb100-300e_cifar100.py'
model = dict(mix_policy=[
    dict(type='MultiInterp', mixup=dict(type='Mixup', alpha=1.0), k=5)])
# One K·N batch per step: on CPU its activations exceed glibc's mmap
# threshold and would be mapped afresh every step; keep freed memory
# (mixtoolbox/utils/allocator.py, docs/benchmarks.md); CUDA memory unaffected.
env_cfg = dict(keep_freed_memory=True)
