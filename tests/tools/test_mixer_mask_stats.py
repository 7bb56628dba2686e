"""mixtoolbox.analysis.mixer_masks (tools/analysis/mixer_mask_stats.py): the
statistics against a hand computation on the Mixer's own output, the train
mode it runs in (and restores), and its argument checks."""
import pytest
import torch

from mixtoolbox.analysis import mixer_masks as mm
from mixtoolbox.registry import MODELS
from tests.engine.helpers import tiny_model_cfg


def build():
    """The engine tests' tiny SAMix classifier, without the Mixer's dropout
    (two runs of the Mixer on one batch must agree)."""
    cfg = tiny_model_cfg()
    cfg['mixer'] = dict(cfg['mixer'], dropout=0.0)
    torch.manual_seed(0)
    model = MODELS.build(cfg)
    model.momentum_update()
    return model.eval()


def test_stats_match_the_mixer_output_in_train_mode():
    model = build()
    x = torch.randn(6, 3, 32, 32, generator=torch.Generator().manual_seed(1))
    index = torch.tensor([1, 2, 3, 4, 5, 0])
    rows = mm.mask_stats(model, x, [0.2, 0.7], index)
    assert not model.training  # restored
    model.train()
    with torch.no_grad():
        mask = model.mixer(model.momentum_features(x), 0.7, index,
                           x.shape[-2:]).flatten(1)
    row = rows[1]
    assert row['lam'] == 0.7
    assert row['mean'] == pytest.approx(mask.mean().item(), abs=1e-6)
    assert row['mean_min'] == pytest.approx(mask.mean(1).min().item())
    assert row['spatial_std'] == pytest.approx(
        mask.std(1, unbiased=False).mean().item(), abs=1e-6)
    sat = ((mask < 0.1) | (mask > 0.9)).float().mean().item()
    assert row['saturated'] == pytest.approx(sat)
    assert 0 <= row['spatial_std'] <= 0.5


def test_a_model_without_mixer_is_refused():
    with pytest.raises(ValueError, match='has no learnable Mixer'):
        mm.mask_stats(torch.nn.Linear(2, 2), torch.zeros(2, 2), [0.5],
                      torch.tensor([1, 0]))


@pytest.mark.parametrize('argv, message', [
    (['c.py', 'w.pth', '--num', '1'], '--num must be >= 2'),
    (['c.py', 'w.pth', '--lams', '0.5', '1.0'], '--lams must lie in'),
])
def test_bad_arguments(argv, message, capsys):
    with pytest.raises(SystemExit):
        mm.parse_args(argv)
    assert message in capsys.readouterr().err


def test_help(capsys):
    with pytest.raises(SystemExit) as exc:
        mm.parse_args(['--help'])
    assert exc.value.code == 0
    assert 'spatial spread' in capsys.readouterr().out
