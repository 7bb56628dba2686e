# App. A.1 of the MultiMix paper (Venkataramanan et al., NeurIPS 2023,
# https://arxiv.org/abs/2311.05538; PuzzleMix's protocol): SGD lr 0.1, momentum
# 0.9, wd 1e-4, 1200 epochs, ×0.1 after 600 and 900.

# The step schedule of ./cifar_sgd_2000e.py, shortened.
_base_ = './cifar_sgd_2000e.py'
param_scheduler = dict(milestones=[600, 900])
train_cfg = dict(max_epochs=1200)
