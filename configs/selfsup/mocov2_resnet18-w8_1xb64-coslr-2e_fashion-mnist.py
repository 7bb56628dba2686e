# MoCo v2 baseline of the Fashion-MNIST CPU demo
# (tools/selfsup/fashion_mnist_demo.sh).
_base_ = ['./_base_/fashionmnist_mocov2_cpu.py']
