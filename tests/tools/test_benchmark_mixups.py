"""tools/analysis/benchmark_mixups.py: a tiny run writes the table and the
JSON with one row per method and size, batch sizes per image size; bad
arguments are refused."""
import json
import math
import os
import os.path as osp
import subprocess
import sys

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TOOL = osp.join(ROOT, 'tools', 'analysis', 'benchmark_mixups.py')


def run(*args):
    env = dict(os.environ, OMP_NUM_THREADS='1', PYTHONPATH=ROOT + os.pathsep
               + os.environ.get('PYTHONPATH', ''))
    return subprocess.run([sys.executable, TOOL, *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def test_tiny_run_writes_table_and_json(tmp_path):
    out = str(tmp_path / 'mixups')
    proc = run('--reps', '2', '--sizes', '8', '16', '--batch', '4', '6',
               '--threads', '1', '--out', out)
    assert proc.returncode == 0, proc.stderr
    data = json.load(open(out + '.json'))
    shapes = [tuple(r['shape']) for r in data['rows']]
    assert shapes == [(4, 3, 8, 8)] * 3 + [(6, 3, 16, 16)] * 3
    assert [r['method'] for r in data['rows']] == ['Mixup', 'CutMix',
                                                   'ResizeMix'] * 2
    for row in data['rows']:
        assert {'mixtoolbox', 'mmpretrain'} <= set(row['median_ms'])
        ratio = row['ratio_vs_fastest_peer']
        assert math.isfinite(ratio) and ratio > 0
    assert data['meta']['threads'] == 1
    table = open(out + '.md').read()
    assert 'load average' in table and table.count('**') == 2 * 6


def test_bad_arguments_are_refused():
    proc = run('--sizes', '8', '16', '--batch', '4', '6', '8')
    assert proc.returncode == 2 and '--batch takes one size' in proc.stderr
    proc = run('--reps', '0')
    assert proc.returncode == 2 and '--reps must be >= 1' in proc.stderr
