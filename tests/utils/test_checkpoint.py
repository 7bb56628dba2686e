"""The narrow fix for mmengine checkpoints under torch >= 2.6."""
import pickle

import numpy as np
import pytest
import torch
from mmengine.logging.history_buffer import HistoryBuffer

from mixtoolbox.utils import (
    allow_mmengine_checkpoint_types,
    mmengine_checkpoint_types,
)


def mmengine_like_checkpoint():
    buf = HistoryBuffer()
    buf.update(1.5)
    return dict(meta=dict(seed=np.int64(3), arr=np.arange(3),
                          empty=np.zeros(0), empty_buffer=HistoryBuffer(),
                          rng=np.random.get_state()),
                message_hub=dict(log_scalars={'loss': buf}),
                state_dict={'w': torch.ones(2)})


def test_resume_types_load_with_weights_only(tmp_path):
    path = tmp_path / 'ckpt.pth'
    torch.save(mmengine_like_checkpoint(), path)
    allow_mmengine_checkpoint_types()
    ckpt = torch.load(path, weights_only=True)
    assert isinstance(ckpt['message_hub']['log_scalars']['loss'],
                      HistoryBuffer)
    assert np.array_equal(ckpt['meta']['arr'], np.arange(3))


def test_safety_check_still_on_for_other_types(tmp_path):
    allow_mmengine_checkpoint_types()

    class Evil:
        def __reduce__(self):
            return (print, ('pwned', ))

    path = tmp_path / 'evil.pth'
    torch.save({'x': Evil()}, path)
    with pytest.raises(pickle.UnpicklingError):
        torch.load(path, weights_only=True)


def test_allow_list_is_narrow_and_idempotent():
    allow_mmengine_checkpoint_types()
    before = len(torch.serialization.get_safe_globals())
    allow_mmengine_checkpoint_types()
    assert len(torch.serialization.get_safe_globals()) == before
    names = {getattr(t, '__name__', str(t)) for t in
             mmengine_checkpoint_types()}
    assert {'ndarray', 'dtype', 'HistoryBuffer', 'getattr'} <= names
    assert 'eval' not in names and 'exec' not in names
