# MultiMix + self-distillation (arXiv:2206.14868, the MultiMix paper, Sec. 3.3,
# eq. (9)): an EMA teacher on a second view replays the same Lambda; loss 1/2
# H(Y~, P~) + 1/2 H(P~', P~) (gamma = 1/2, App. A.1). The gamma ablation:
#   --cfg-options model.modifiers.0.gamma=0.7
# The PreActResNet-18 config of the same protocol with the WRN16-8 backbone of
# ../_base_/models/wrn16_8_cifar.py (the networks differ in nothing else).
_base_ = './multimix-distil_preactresnet18_1xb128-2000e_cifar100.py'
model = dict(backbone=dict(_delete_=True, type='WideResNet', depth=16,
                           widen_factor=8, out_indices=(2, )))
