# "+distil": self-distillation of S. Venkataramanan, E. Kijak, L. Amsaleg,
# Y. Avrithis, "Teach me how to Interpolate a Myriad of Embeddings",
# https://arxiv.org/abs/2206.14868, Sec. 3.3, eq. (9): gamma = 1/2, an EMA
# teacher on a second view. EMA weight 0.01 per step, not the paper's 0.001:
# in a run of a few hundred steps the latter leaves the teacher averaging
# over ~1000 steps near its initialisation. A fragment:
# tools/analysis/accuracy_benchmark.py appends `modifiers` to the method's
# and merges the rest (two views, their data preprocessor).
modifiers = [dict(type='SelfDistill', gamma=0.5, momentum=0.01)]
view = [dict(type='RandomCrop', crop_size=28, padding=2),
        dict(type='RandomFlip', prob=0.5, direction='horizontal')]
train_dataloader = dict(dataset=dict(pipeline=[
    dict(type='MultiView', num_views=2, transforms=[view]),
    dict(type='PackInputs')]))
data_preprocessor = dict(type='MultiViewDataPreprocessor')
