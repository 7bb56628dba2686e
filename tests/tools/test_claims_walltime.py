"""mixtoolbox.analysis.claims_walltime (tools/analysis/claims_walltime.py):
run spans from log stamps and modification times, the reference loop's span
from its rows, and the union of overlapping spans."""
import calendar
import json
import os

import pytest

from mixtoolbox.analysis import claims_walltime as cw


def log(tmp_path, name, start, end):
    """A run log stamped `start` (HH:MM on 2026-11-29) last written at
    `end`."""
    path = tmp_path / name
    path.write_text(f'11/29 {start}:00 - mmengine - INFO - \nrest\n')
    hh, mm = map(int, end.split(':'))
    t = calendar.timegm((2026, 11, 29, hh, mm, 0))
    os.utime(path, (t, t))
    return str(path)


def test_union_of_overlapping_runs_and_the_reference(tmp_path, capsys):
    a = log(tmp_path, 'a.log', '10:00', '10:30')
    b = log(tmp_path, 'b.log', '10:10', '10:50')   # overlaps a
    c = log(tmp_path, 'c.log', '12:00', '12:20')   # after a gap
    ref = log(tmp_path, 'ref.jsonl', '00:00', '13:00')  # 12:45 – 13:00
    with open(ref, 'w') as f:
        f.write(''.join(json.dumps(dict(wall_seconds=s)) + '\n'
                        for s in (600, 300)))
    t = calendar.timegm((2026, 11, 29, 13, 0, 0))
    os.utime(ref, (t, t))
    out = cw.main([a, b, c, '--reference', ref])
    assert out['runs'] == 4
    assert out['wall_s'] == pytest.approx((50 + 20 + 15) * 60)
    assert out['run_s'] == pytest.approx((30 + 40 + 20 + 15) * 60)
    text = capsys.readouterr().out
    assert 'busy 2026-11-29 10:00 – 10:50 UTC (0 h 50 min)' in text
    assert 'wall time (union of the spans): 1 h 25 min' in text


def test_log_without_stamp_is_skipped_and_none_left_is_an_error(tmp_path):
    path = tmp_path / 'x.log'
    path.write_text('no stamp here\n')
    assert cw.log_span(str(path)) is None
    with pytest.raises(SystemExit, match='no run log with a time stamp'):
        cw.main([str(path)])


def test_help(capsys):
    with pytest.raises(SystemExit) as exc:
        cw.main(['--help'])
    assert exc.value.code == 0
    assert 'Busy wall time' in capsys.readouterr().out
