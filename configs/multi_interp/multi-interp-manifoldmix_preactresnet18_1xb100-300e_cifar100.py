# PreActResNet-18 on CIFAR-100: multi-mix around manifold mixup (Shen, Yu,
# Yang, Kwok, "Mixup Augmentation with Multiple Interpolations",
# arXiv:2406.01417, 2024, https://arxiv.org/abs/2406.01417, Sec. III-A1 and the
# K ablation of Sec. IV-I): one layer s drawn per step, K = 5 sorted lambda_k
# from one Beta, one forward to s. Manifold mixup's own CIFAR settings (Verma
# et al., "Manifold Mixup", ICML 2019, Sec. 5.1): alpha = 2, layers {0 (input),
# 1, 2} for PreActResNet-18. Protocol (in the base): Shen et al. Sec. IV-B1.
_base_ = '../_base_/protocols/preactresnet18_1xb100-300e_cifar100.py'
model = dict(mix_policy=[
    dict(type='MultiInterp', k=5,
         mixup=dict(type='ManifoldMix', alpha=2.0, layers=(0, 1, 2)))])
# One K·N batch per step: on CPU its activations exceed glibc's mmap
# threshold and would be mapped afresh every step; keep freed memory
# (mixtoolbox/utils/allocator.py, docs/benchmarks.md); CUDA memory unaffected.
env_cfg = dict(keep_freed_memory=True)
