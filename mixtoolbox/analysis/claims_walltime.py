"""Wall time of the claims runs (docs/claims.md): when the machine was busy
with them, from the logs the runs leave behind.

Each accuracy-benchmark run writes one log (``WORK/toolbox/METHOD_seedS.log``)
whose first mmengine line carries the start time (``MM/DD HH:MM:SS``; the
year is the log file's) and whose modification time is the end of the run.
The reference loop trains its runs one after the other in one process, so
its span is [end − Σ ``wall_seconds`` of its rows, end] with ``end`` the
modification time of its results file (a row is appended when a run ends;
a copied file has lost that time, so give the one the runs wrote). The
tool prints the merged busy spans (runs that overlap count once: two at a
time on two cores is the budgeted way to run them), their total (the wall
time of the table) and the summed run time (the cost on one core per
run).

    python tools/analysis/claims_walltime.py work_dirs/claims/toolbox/*.log \\
        work_dirs/claims/pilot/*.log \\
        --reference work_dirs/claims/reference.jsonl
"""
import argparse
import datetime as dt
import json
import os
import re
from typing import List, Optional, Sequence, Tuple

STAMP = re.compile(r'^(\d\d)/(\d\d) (\d\d):(\d\d):(\d\d) ')
Span = Tuple[dt.datetime, dt.datetime, str]


def mtime(path: str) -> dt.datetime:
    return dt.datetime.fromtimestamp(os.path.getmtime(path), dt.timezone.utc)


def log_span(path: str) -> Optional[Span]:
    """(start, end, name) of one run log, None without an mmengine stamp."""
    end = mtime(path)
    with open(path, errors='replace') as f:
        for line in f:
            m = STAMP.match(line)
            if m:
                month, day, hh, mm, ss = map(int, m.groups())
                start = dt.datetime(end.year, month, day, hh, mm, ss,
                                    tzinfo=dt.timezone.utc)
                return start, end, os.path.basename(path)
    return None


def reference_span(results: str) -> Span:
    """The reference loop's span: its rows' summed wall time before the
    results file's last write."""
    total = 0.0
    with open(results) as f:
        for line in f:
            if line.strip():
                total += float(json.loads(line)['wall_seconds'])
    end = mtime(results)
    return end - dt.timedelta(seconds=total), end, 'reference loop'


def merge(spans: Sequence[Span]) -> List[Tuple[dt.datetime, dt.datetime]]:
    """The union of the spans as disjoint, sorted intervals."""
    out: List[List[dt.datetime]] = []
    for start, end, _ in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(a, b) for a, b in out]


def hours(seconds: float) -> str:
    return f'{int(seconds // 3600)} h {int(seconds % 3600 // 60):02d} min'


def main(argv: Optional[Sequence[str]] = None) -> dict:
    parser = argparse.ArgumentParser(
        description='Busy wall time of the claims runs from their logs '
        '(details in the module docstring).')
    parser.add_argument('logs', nargs='*', help='per-run logs of the '
                        'accuracy benchmark')
    parser.add_argument('--reference', metavar='RESULTS',
                        help="the reference loop's results file (as its "
                        'runs wrote it: its modification time is the end)')
    args = parser.parse_args(argv)
    spans = [s for s in map(log_span, args.logs) if s]
    if args.reference:
        spans.append(reference_span(args.reference))
    if not spans:
        raise SystemExit('claims_walltime: no run log with a time stamp')
    busy = merge(spans)
    wall = sum((b - a).total_seconds() for a, b in busy)
    runs = sum((b - a).total_seconds() for a, b, _ in spans)
    for a, b in busy:
        print(f'busy {a:%Y-%m-%d %H:%M} – {b:%H:%M} UTC '
              f'({hours((b - a).total_seconds())})')
    print(f'{len(spans)} runs; wall time (union of the spans): {hours(wall)};'
          f' summed run time: {hours(runs)}')
    return dict(runs=len(spans), wall_s=wall, run_s=runs)
