"""DistributedDataParallel that also wraps a model living on the CPU."""
from mmengine.model import MMDistributedDataParallel
from mmengine.registry import MODEL_WRAPPERS as MMENGINE_MODEL_WRAPPERS


# Registered in mmengine's root registry: the Runner resolves wrapper types
# with `MODEL_WRAPPERS.get` on that root, which cannot see grandchildren such
# as mixtoolbox's registry (even with a scope prefix).
@MMENGINE_MODEL_WRAPPERS.register_module()
class CPUCompatibleDDP(MMDistributedDataParallel):
    """mmengine's DDP wrapper, minus ``device_ids`` for CPU modules.

    mmengine's Runner always passes ``device_ids=[LOCAL_RANK]``, which torch
    rejects for a module whose parameters are on the CPU; gloo-based CPU
    training (`tools/dist_train.sh` on a machine without GPUs) needs
    ``device_ids=None``. On GPU it behaves exactly like the parent.
    """

    def __init__(self, module, device_ids=None, **kwargs):
        param = next(module.parameters(), None)
        if param is not None and param.device.type == 'cpu':
            device_ids = None
        super().__init__(module=module, device_ids=device_ids, **kwargs)
