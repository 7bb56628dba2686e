# MultiMix + self-distillation on Fashion-MNIST (CPU). The teacher's EMA
# weight is 0.01 per step (not the 0.001 of the long schedules): a 3-epoch run
# has ~1400 steps, and a teacher averaging over ~1000 would stay near init.
_base_ = './preactresnet18_fashionmnist_multimix_cpu.py'
view = [dict(type='RandomCrop', crop_size=28, padding=2),
        dict(type='RandomFlip', prob=0.5, direction='horizontal')]
train_dataloader = dict(dataset=dict(pipeline=[
    dict(type='MultiView', num_views=2, transforms=[view]),
    dict(type='PackInputs'),
]))
data_preprocessor = dict(type='MultiViewDataPreprocessor')
model = dict(modifiers=[dict(type='SelfDistill', gamma=0.5, momentum=0.01)])
