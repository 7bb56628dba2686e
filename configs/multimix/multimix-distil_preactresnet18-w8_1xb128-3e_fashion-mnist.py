# MultiMix + self-distillation (arXiv:2206.14868, Sec. 3.3, eq. (9)) on
# Fashion-MNIST (CPU). The teacher's EMA weight is 0.01 per step (not the 0.001
# of the long schedules): a 3-epoch run has ~1400 steps, and a teacher
# averaging over ~1000 would stay near init.
_base_ = './multimix_preactresnet18-w8_1xb128-3e_fashion-mnist.py'
# Two views of every image, V for the student and V' for the teacher: the
# base's train augmentations, drawn twice.
view = _base_.train_pipeline[:-1]
train_dataloader = dict(dataset=dict(pipeline=[
    dict(type='MultiView', num_views=2, transforms=[view]),
    dict(type='PackInputs'),
]))
data_preprocessor = dict(type='MultiViewDataPreprocessor')
model = dict(modifiers=[dict(type='SelfDistill', gamma=0.5, momentum=0.01)])
