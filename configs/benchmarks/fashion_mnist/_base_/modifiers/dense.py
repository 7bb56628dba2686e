# "+dense": the dense loss of S. Venkataramanan, E. Kijak, L. Amsaleg,
# Y. Avrithis, "Embedding Space Interpolation Beyond Mini-Batch, Beyond Pairs
# and Beyond Examples", NeurIPS 2023, https://arxiv.org/abs/2311.05538,
# App. A.5 (Table 12: the loss applied densely to other mixups). A fragment:
# tools/analysis/accuracy_benchmark.py appends `modifiers` to the method's.
modifiers = [dict(type='DenseLoss')]
