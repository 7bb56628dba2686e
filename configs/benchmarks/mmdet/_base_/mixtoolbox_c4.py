# The R50-C4 parts of MoCo's detectron2 recipe (Res5ROIHeadsExtraNorm,
# TEST.PRECISE_BN) shared by the C4 transfer configs, on top of
# ./mixtoolbox_backbone.py: res5 (the RoI head's shared ResLayer) loads the
# same checkpoint (its keys are `layer4.*`) and gets the extra BN after it,
# which starts fresh (`norm.*`), as in MoCo's head; precise BN over 200
# batches after the last iteration. Like `mixtoolbox_model`,
# `mixtoolbox_c4_head` is a helper key each config places into its `model`.
_base_ = './mixtoolbox_backbone.py'
# ResLayerExtraNorm (mmpretrain registers it in mmdet), PreciseBNHook
custom_imports = dict(imports=['mmpretrain.models.utils.res_layer_extra_norm',
                               'mixtoolbox.transfer.precise_bn'],
                      allow_failed_imports=False)
mixtoolbox_c4_head = dict(
    type='ResLayerExtraNorm',
    style='pytorch',
    norm_cfg=dict(type='SyncBN', requires_grad=True),
    norm_eval=False,
    init_cfg=dict(type='Pretrained', checkpoint=_base_.pretrained))
# MoCo's TEST.PRECISE_BN (detectron2's NUM_ITER 200), after the last iteration
custom_hooks = [dict(type='PreciseBNHook', num_iters=200)]
