"""Registering mixtoolbox's modules and setting its default scope."""
import datetime
import warnings

from mmengine import DefaultScope


def register_all_modules(init_default_scope: bool = True) -> None:
    """Import every mixtoolbox module (and mmpretrain's) into the registries.

    Args:
        init_default_scope (bool): make ``mixtoolbox`` the current default
            scope, so configs can write ``type='Mixup'`` without a prefix.
            Defaults to True.
    """
    import mmpretrain.utils
    mmpretrain.utils.register_all_modules(init_default_scope=False)

    import mixtoolbox.datasets  # noqa: F401
    import mixtoolbox.engine  # noqa: F401
    import mixtoolbox.evaluation  # noqa: F401
    import mixtoolbox.models  # noqa: F401

    from .checkpoint import allow_mmengine_checkpoint_types
    allow_mmengine_checkpoint_types()

    if not init_default_scope:
        return
    current = DefaultScope.get_current_instance()
    if current is None:
        DefaultScope.get_instance('mixtoolbox', scope_name='mixtoolbox')
    elif current.scope_name != 'mixtoolbox':
        warnings.warn(f'The current default scope "{current.scope_name}" is '
                      'not "mixtoolbox"; `register_all_modules` creates a new '
                      'default scope named "mixtoolbox".')
        name = f'mixtoolbox-{datetime.datetime.now()}'
        DefaultScope.get_instance(name, scope_name='mixtoolbox')
