"""The ours-vs-official comparison (mixtoolbox.analysis.official_saliency,
tools/analysis/compare_official_saliency.py) without the official code: our
side is timed and scored, the official columns are skipped with the reason,
bad arguments are refused."""
import json

import pytest

from mixtoolbox.analysis import official_saliency as tool


def test_help(capsys):
    with pytest.raises(SystemExit) as exit_info:
        tool.main(['--help'])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    for option in ('--official-dir', '--rounds', '--threads', '--methods'):
        assert option in text


def test_runs_ours_without_official(tmp_path, capsys):
    out = str(tmp_path / 'cmp.json')
    result = tool.main(['--batch-size', '8', '--rounds', '1', '--warmup',
                        '0', '--official-dir', str(tmp_path), '--out', out])
    text = capsys.readouterr().out
    assert 'official code skipped' in text
    saved = json.load(open(out))
    assert saved['meta'] == result['meta']
    for method in ('comixup', 'transport'):
        med = saved['summary'][method]['median']
        assert med['ours_s'] > 0 and 'official_s' not in med
    # Co-Mixup's objective: negative unary sums plus non-negative terms
    assert saved['runs']['comixup'][0]['ours_obj'] != 0
    assert '| Co-Mixup labelling + mixing |' in text


def test_bad_arguments():
    with pytest.raises(SystemExit):
        tool.parse_args(['--image-size', '30'])
    with pytest.raises(SystemExit):
        tool.parse_args(['--rounds', '0'])
