# MultiMix + self-distillation (arXiv:2206.14868, the MultiMix paper, Sec. 3.3,
# eq. (9)): an EMA teacher on a second view replays the same Lambda; loss 1/2
# H(Y~, P~) + 1/2 H(P~', P~) (gamma = 1/2, App. A.1). The gamma ablation:
#   --cfg-options model.modifiers.0.gamma=0.7
_base_ = './multimix_preactresnet18_1xb128-2000e_cifar100.py'
# Two views of every image, V for the student and V' for the teacher (Sec.
# 3.3): the base's train augmentations, drawn twice.
view = _base_.train_pipeline[:-1]
train_dataloader = dict(dataset=dict(pipeline=[
    dict(type='MultiView', num_views=2, transforms=[view]),
    dict(type='PackInputs'),
]))
data_preprocessor = dict(type='MultiViewDataPreprocessor')
model = dict(modifiers=[dict(type='SelfDistill', gamma=0.5, momentum=0.001)])
