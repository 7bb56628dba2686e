# The 3-epoch CPU schedule of the Fashion-MNIST quick-start configs: SGD lr
# 0.1, Nesterov momentum 0.9, wd 5e-4; one-epoch linear warm-up, then cosine
# decay to zero over the other epochs (per iteration); validated after the
# last epoch.
max_epochs = 3
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, nesterov=True,
                   weight_decay=5e-4))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=1,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', by_epoch=True, begin=1, end=max_epochs,
         T_max=max_epochs - 1, eta_min=0.0, convert_to_iter_based=True),
]
train_cfg = dict(by_epoch=True, max_epochs=max_epochs, val_interval=max_epochs)
val_cfg = dict()
test_cfg = dict()
