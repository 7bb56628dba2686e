# MultiMix + self-distillation (seed 001 §3.3, eq. 9): EMA teacher on a second
# view replays the same Lambda; loss 1/2 H(Y~, P~) + 1/2 H(P~', P~) (gamma = 1/2,
# App. A.1). The gamma ablation: --cfg-options model.modifiers.0.gamma=0.7
_base_ = './vit-small-p16_imagenet_multimix.py'
# Two views of every image: V for the student, V' for the teacher (§3.3).
view = [dict(type='RandomResizedCrop', scale=224),
        dict(type='RandomFlip', prob=0.5, direction='horizontal')]
train_dataloader = dict(dataset=dict(pipeline=[
    dict(type='LoadImageFromFile'),
    dict(type='MultiView', num_views=2, transforms=[view]),
    dict(type='PackInputs'),
]))
data_preprocessor = dict(type='MultiViewDataPreprocessor')
model = dict(modifiers=[dict(type='SelfDistill', gamma=0.5, momentum=0.001)])
