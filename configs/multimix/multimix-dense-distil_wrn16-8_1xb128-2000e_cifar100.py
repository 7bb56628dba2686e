# Dense MultiMix + self-distillation (arXiv:2206.14868, the MultiMix paper,
# Sec. 3.3, eq. (9)): an EMA teacher on a second view replays the same Lambda;
# loss 1/2 H(Y~, P~) + 1/2 H(P~', P~) (gamma = 1/2, App. A.1). The gamma
# ablation:
#   --cfg-options model.modifiers.0.gamma=0.7
# The self-distillation config with the Dense MultiMix policy of
# ./multimix-dense_wrn16-8_1xb128-2000e_cifar100.py.
_base_ = './multimix-distil_wrn16-8_1xb128-2000e_cifar100.py'
model = dict(mix_policy=[
    dict(type='DenseMultiMix', n=1000, alpha=(0.5, 2.0), attention='gap',
         nonlinearity='l1_relu', prob=0.5),
    dict(type='Mixup', alpha=1.0, prob=0.5),
])
