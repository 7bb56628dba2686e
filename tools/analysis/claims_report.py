#!/usr/bin/env python
"""The claims report: per-method statistics, paired differences with 95 %
confidence intervals, a verdict per claim, the reference-loop agreement
table, and PNG plots, from the results files of the accuracy benchmark
(``tools/analysis/accuracy_benchmark.py``) and of the reference loop
(``tools/analysis/reference_loop.py``).

Inputs. Each results file holds one JSON object per line with at least
``method``, ``seed`` and metrics: ``top1``, ``ece``, ``oe``,
``fgsm_error`` (all in %), ``train_minutes``, and where present
``train_top1``, ``curve`` (list of ``{"epoch", "test_top1",
"train_top1"}``) and ``reliability`` (``num_bins`` and per-bin ``count``,
``confidence_sum``, ``correct_sum``). A row with ``"tool":
"reference_loop"`` belongs to the *reference* source, every other row to
the *toolbox* source. A row without ``oe`` (the over-confidence error) but
with ``reliability`` gets it from its bins (``oe_from_bins``; the
reference loop stores only the bins). Rows of several protocols in one
file must be told apart with ``--where KEY=VALUE`` (a top-level key or a
key of the row's ``protocol``), or the report refuses them; a (source,
method, seed) run twice under the same protocol counts once (the last
line wins).

Statistics. Per source and method: mean ± sample standard deviation over
seeds. A claim "A <direction> B on metric M" is tested on the seeds both A
and B ran (paired: the same seed gives both runs the same data order in the
toolbox): d_s = M(A, s) − M(B, s), d̄ its mean, s_d its sample standard
deviation, n the number of common seeds, and the 95 % confidence interval

    d̄ ± t_{0.975, n−1} · s_d / √n

(Student t; the quantile from scipy when installed, else from the table
``T_975``, which for a degree of freedom it lacks uses the next smaller one,
i.e. a wider interval).

Verdict (for direction ``greater``, the claim A > B; ``less`` mirrors it):

* **holds**: the whole interval lies above 0 (lower bound > 0);
* **not reproduced**: the whole interval lies below 0 (upper bound < 0):
  the data show the opposite direction;
* **inconclusive**: the interval contains 0, or n = 1 (no interval);
* **not measured**: no common seed (a method is missing).

Step time. ``--step-time FILE`` adds the side-by-side timings of
``tools/analysis/benchmark_methods.py --out`` (its JSON): each config is
named like the accuracy benchmark names it (the file name up to the first
``_``, ``-`` read as ``_``), and its metric ``step_ratio`` in timing round
i is its wall time per step divided by the baseline's wall time in the same
round i. A claim on ``step_ratio`` is paired over rounds instead of seeds
(the *step time* source): the rounds interleave the configs, so a load
that slows round i slows every config of that round alike. Speed claims
read this, not ``train_minutes`` (wall time of runs that shared the CPUs).

A claim stated as "at least as good" is tested the same way, so a tie
reads "inconclusive", never "holds". The *note* column flags a claim with
n < 5 whose |d̄| is below two standard deviations of either method: more
seeds are needed to decide it.

Agreement (reference loop vs toolbox). For each method with runs in both
sources: both means ± stds, Δ = mean(reference) − mean(toolbox) and the
tolerance max(std(reference), std(toolbox)), one seed standard deviation;
**agrees** when |Δ| ≤ tolerance, **disagrees** otherwise, **too few seeds**
when either side has fewer than 2. The two sources do not share random
streams, so this comparison is unpaired. Rows whose ``epochs`` or
``train_images`` differ between the sources are flagged as different
protocols.

Plots (matplotlib, PNG, with ``--plots DIR``): ``curves.png`` test and
clean-train top-1 per epoch (mean over seeds, shaded ± std) for the rows
that carry ``curve``; ``reliability.png`` reliability diagrams (per-bin
counts summed over seeds) for the rows that carry ``reliability``;
``claims.png`` each claim's mean difference with its 95 % interval, signed
so that the claimed direction is to the right. A plot without data is
skipped and the report says which field the results need.

    python tools/analysis/claims_report.py \\
        work_dirs/accuracy_benchmark/results.jsonl \\
        work_dirs/reference_loop/results.jsonl \\
        --where epochs=30 --out docs/claims_table.md --plots docs/figures
"""
import argparse
import json
import math
import os
import os.path as osp
import statistics
from collections import defaultdict
from typing import Dict, List, Optional, Sequence, Tuple

HERE = osp.dirname(osp.abspath(__file__))
DEFAULT_CLAIMS = osp.join(HERE, 'claims_fashion_mnist.yaml')
METRICS = ('top1', 'ece', 'oe', 'fgsm_error', 'train_minutes',
           'train_top1', 'step_ratio')
DIRECTIONS = ('greater', 'less')
CLAIM_KEYS = ('id', 'text', 'paper', 'where', 'paper_numbers', 'metric', 'a',
              'b', 'direction')
# Student t quantiles t_{0.975, df}; a df not listed uses the next smaller
# one (a wider, conservative interval).
T_975 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447,
         7: 2.365, 8: 2.306, 9: 2.262, 10: 2.228, 12: 2.179, 15: 2.131,
         20: 2.086, 30: 2.042, 60: 2.000, 120: 1.980}
REFERENCE, TOOLBOX, STEP = 'reference', 'toolbox', 'step time'


# ------------------------------------------------------------ statistics
def t_quantile(df: int) -> float:
    """t_{0.975, df} for df ≥ 1."""
    if df < 1:
        raise ValueError(f'degrees of freedom must be >= 1, got {df}')
    try:
        from scipy.stats import t
        return float(t.ppf(0.975, df))
    except ImportError:
        return T_975[max(k for k in T_975 if k <= df)]


def mean_std(values: Sequence[float]) -> Tuple[float, Optional[float]]:
    """Mean and sample standard deviation (None for one value)."""
    mean = statistics.fmean(values)
    return mean, (statistics.stdev(values) if len(values) > 1 else None)


def paired_ci(diffs: Sequence[float]) -> dict:
    """Mean of the paired differences and its 95 % Student-t interval."""
    n = len(diffs)
    mean, sd = mean_std(diffs)
    if n < 2:
        return dict(n=n, mean=mean, sd=None, lo=None, hi=None)
    half = t_quantile(n - 1) * sd / math.sqrt(n)
    return dict(n=n, mean=mean, sd=sd, lo=mean - half, hi=mean + half)


def verdict(ci: dict, direction: str) -> str:
    """The rule of the module docstring."""
    if ci['n'] == 0:
        return 'not measured'
    if ci['lo'] is None:
        return 'inconclusive'
    lo, hi = ((ci['lo'], ci['hi']) if direction == 'greater'
              else (-ci['hi'], -ci['lo']))
    if lo > 0:
        return 'holds'
    if hi < 0:
        return 'not reproduced'
    return 'inconclusive'


# ------------------------------------------------------------------ input
def load_claims(path: str) -> List[dict]:
    """The claims list (YAML or JSON), each entry checked."""
    with open(path) as f:
        if path.endswith(('.yaml', '.yml')):
            import yaml
            claims = yaml.safe_load(f)
        else:
            claims = json.load(f)
    if not isinstance(claims, list):
        raise ValueError(f'{path}: expected a list of claims, got '
                         f'{type(claims).__name__}')
    seen = set()
    for i, claim in enumerate(claims):
        where = f'{path}: claim {i} ({claim.get("id", "?")})'
        missing = [k for k in CLAIM_KEYS if k not in claim]
        extra = [k for k in claim if k not in CLAIM_KEYS]
        if missing or extra:
            raise ValueError(f'{where}: missing {missing}, unknown {extra}; '
                             f'the keys are {list(CLAIM_KEYS)}')
        if claim['metric'] not in METRICS:
            raise ValueError(f'{where}: metric {claim["metric"]!r} is not '
                             f'one of {list(METRICS)}')
        if claim['direction'] not in DIRECTIONS:
            raise ValueError(f'{where}: direction {claim["direction"]!r} is '
                             f'not one of {list(DIRECTIONS)}')
        if claim['id'] in seen:
            raise ValueError(f'{where}: duplicate id {claim["id"]!r}')
        seen.add(claim['id'])
        claim['paper_numbers'] = str(claim['paper_numbers'])
    return claims


def parse_where(items: Sequence[str]) -> Dict[str, str]:
    """``['k=v', ...]`` as a dict; ValueError for an item without '='."""
    out = {}
    for item in items:
        key, sep, value = item.partition('=')
        if not sep or not key:
            raise ValueError(f'--where: expected KEY=VALUE, got {item!r}')
        out[key] = value
    return out


def field(row: dict, key: str) -> object:
    """``row[key]``, else ``row['protocol'][key]`` (None if neither)."""
    if key in row:
        return row[key]
    return (row.get('protocol') or {}).get(key)


def matches(row: dict, where: Dict[str, str]) -> bool:
    """Whether every KEY=VALUE of ``where`` holds (compared as text)."""
    return all(str(field(row, k)) == v for k, v in where.items())


def signature(row: dict) -> str:
    """The protocol a row ran under."""
    if row.get('tool') == 'reference_loop':
        return json.dumps([row.get('protocol'), row.get('method_params')],
                          sort_keys=True)
    return json.dumps([row.get(k) for k in ('config', 'epochs',
                                            'train_images')])


def load_results(paths: Sequence[str],
                 where: Dict[str, str]) -> Dict[Tuple[str, str, int], dict]:
    """{(source, method, seed): row} of the rows that match ``where``."""
    rows: Dict[Tuple[str, str, int], dict] = {}
    sigs = defaultdict(set)
    for path in paths:
        with open(path) as f:
            for number, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as err:
                    raise ValueError(f'{path}:{number}: not JSON ({err})')
                for key in ('method', 'seed'):
                    if key not in row:
                        raise ValueError(f'{path}:{number}: no {key!r}')
                if not matches(row, where):
                    continue
                source = (REFERENCE if row.get('tool') == 'reference_loop'
                          else TOOLBOX)
                key = (source, row['method'], int(row['seed']))
                if row.get('oe') is None and row.get('reliability'):
                    row['oe'] = oe_from_bins(row['reliability'])
                rows[key] = row
                sigs[key].add(signature(row))
    mixed = {k: v for k, v in sigs.items() if len(v) > 1}
    if mixed:
        (source, method, seed), protos = next(iter(mixed.items()))
        raise ValueError(
            f'{len(mixed)} run(s) appear under several protocols, e.g. '
            f'{source} {method} seed {seed}: {sorted(protos)}; select one '
            'with --where KEY=VALUE (e.g. --where epochs=30)')
    return rows


def oe_from_bins(rel: dict) -> float:
    """Over-confidence error (%) of calibration bins: Σ_m |B_m|/N ·
    conf(B_m) · max(conf(B_m) − acc(B_m), 0) (Thulasidasan et al., NeurIPS
    2019; the formula of ``mixtoolbox.evaluation.calibration_errors``)."""
    total = sum(rel['count'])
    oe = 0.0
    for n, conf, hit in zip(rel['count'], rel['confidence_sum'],
                            rel['correct_sum']):
        if n:
            oe += n / total * (conf / n) * max(conf / n - hit / n, 0.0)
    return 100.0 * oe


def load_step_time(path: str) -> Dict[Tuple[str, str, int], dict]:
    """{(STEP, method, round): {'step_ratio': wall / baseline wall}} from a
    ``benchmark_methods.py --out`` JSON (see the module docstring)."""
    with open(path) as f:
        try:
            data = json.load(f)
        except json.JSONDecodeError as err:
            raise ValueError(f'{path}: not JSON ({err})')
    try:
        base = data['meta']['baseline']
        timings = {row['config']: row['wall_all_s'] for row in data['rows']}
    except (KeyError, TypeError) as err:
        raise ValueError(f'{path}: not a benchmark_methods.py JSON (needs '
                         f'meta.baseline and rows[].config / wall_all_s; '
                         f'missing {err})')
    if base not in timings:
        raise ValueError(f'{path}: the baseline {base} has no timings')
    rows = {}
    for config, walls in timings.items():
        if len(walls) != len(timings[base]):
            raise ValueError(f'{path}: {config} has {len(walls)} rounds, '
                             f'the baseline {len(timings[base])}')
        method = osp.basename(config).split('_')[0].replace('-', '_')
        for i, (wall, ref) in enumerate(zip(walls, timings[base])):
            rows[(STEP, method, i)] = dict(step_ratio=wall / ref)
    return rows


def by_method(rows: dict, source: str, metric: str) -> Dict[str, dict]:
    """{method: {seed: value}} of one source and metric."""
    out: Dict[str, dict] = defaultdict(dict)
    for (src, method, seed), row in rows.items():
        if src == source and row.get(metric) is not None:
            out[method][seed] = float(row[metric])
    return out


# --------------------------------------------------------------- analysis
def evaluate_claims(rows: dict, claims: List[dict]) -> List[dict]:
    """One result per (claim, source) with data, or one 'not measured'."""
    results = []
    for claim in claims:
        found = False
        for source in (TOOLBOX, REFERENCE, STEP):
            values = by_method(rows, source, claim['metric'])
            a, b = values.get(claim['a'], {}), values.get(claim['b'], {})
            seeds = sorted(set(a) & set(b))
            if not seeds:
                continue
            found = True
            ci = paired_ci([a[s] - b[s] for s in seeds])
            stats_a, stats_b = mean_std([a[s] for s in seeds]), mean_std(
                [b[s] for s in seeds])
            note = ''
            spread = max(x or 0 for x in (stats_a[1], stats_b[1]))
            if source == STEP:
                note = 'n: timing rounds, side by side'
            elif ci['n'] < 5 and abs(ci['mean']) < 2 * spread:
                note = 'Δ below 2 std: run 5 seeds'
            results.append(dict(claim, source=source, seeds=seeds,
                                a_stats=stats_a, b_stats=stats_b, ci=ci,
                                verdict=verdict(ci, claim['direction']),
                                note=note))
        if not found:
            results.append(dict(claim, source='—', seeds=[], a_stats=None,
                                b_stats=None, ci=dict(n=0),
                                verdict='not measured',
                                note=missing_note(rows, claim)))
    return results


def missing_note(rows: dict, claim: dict) -> str:
    """Why a claim has no common seed."""
    absent = [m for m in (claim['a'], claim['b'])
              if not any(key[1] == m for key in rows)]
    if absent:
        return 'no runs of ' + ', '.join(absent)
    return f'no seed with `{claim["metric"]}` for both'


def agreement(rows: dict, metric: str = 'top1') -> List[dict]:
    """Reference loop vs toolbox per method (see the module docstring)."""
    ref = by_method(rows, REFERENCE, metric)
    box = by_method(rows, TOOLBOX, metric)
    out = []
    for method in sorted(set(ref) & set(box)):
        r_mean, r_sd = mean_std(list(ref[method].values()))
        b_mean, b_sd = mean_std(list(box[method].values()))
        protos = {(field(row, 'epochs'), field(row, 'train_images'))
                  for (src, m, _), row in rows.items()
                  if m == method and src != STEP}
        if len(protos) > 1:
            status, tol = 'different protocols', None
        elif r_sd is None or b_sd is None:
            status, tol = 'too few seeds', None
        else:
            tol = max(r_sd, b_sd)
            status = 'agrees' if abs(r_mean - b_mean) <= tol else \
                'disagrees'
        out.append(dict(method=method, ref=(r_mean, r_sd, len(ref[method])),
                        box=(b_mean, b_sd, len(box[method])),
                        delta=r_mean - b_mean, tol=tol, status=status))
    return out


# ---------------------------------------------------------------- output
def fmt(stats: Optional[tuple], digits: int = 2) -> str:
    """'mean ± std' (or the mean alone) of a (mean, std, ...) tuple."""
    if stats is None:
        return '—'
    mean, sd = stats[0], stats[1]
    return f'{mean:.{digits}f}' + ('' if sd is None else f' ± {sd:.{digits}f}')


def method_table(rows: dict) -> List[str]:
    lines = ['| source | method | seeds | top-1 (%) | train top-1 (%) | '
             'ECE (%) | OE (%) | FGSM error (%) | train min / run |',
             '|---|---|---|---|---|---|---|---|---|']
    keys = sorted({(src, m) for src, m, _ in rows if src != STEP})
    for source, method in keys:
        runs = [r for (s, m, _), r in rows.items()
                if s == source and m == method]
        cells = []
        for metric in ('top1', 'train_top1', 'ece', 'oe', 'fgsm_error',
                       'train_minutes'):
            vals = [float(r[metric]) for r in runs
                    if r.get(metric) is not None]
            cells.append(fmt(mean_std(vals), 1 if metric == 'train_minutes'
                             else 2) if vals else '—')
        lines.append(f'| {source} | {method} | {len(runs)} | '
                     + ' | '.join(cells) + ' |')
    return lines


def claims_table(results: List[dict]) -> List[str]:
    lines = ["| id | claim | paper (where) | paper's numbers | A vs B | "
             'metric | source | n | A | B | Δ = A − B [95 % CI] | verdict | '
             'note |',
             '|---|---|---|---|---|---|---|---|---|---|---|---|---|']
    for r in results:
        ci = r['ci']
        if ci['n'] == 0:
            diff = '—'
        elif ci['lo'] is None:
            diff = f'{ci["mean"]:+.2f} [one seed]'
        else:
            diff = f'{ci["mean"]:+.2f} [{ci["lo"]:+.2f}, {ci["hi"]:+.2f}]'
        sign = '>' if r['direction'] == 'greater' else '<'
        lines.append(
            f'| {r["id"]} | {r["text"]} | {r["paper"]} ({r["where"]}) | '
            f'{r["paper_numbers"]} | {r["a"]} {sign} {r["b"]} | '
            f'{r["metric"]} | {r["source"]} | {ci["n"]} | '
            f'{fmt(r["a_stats"])} | {fmt(r["b_stats"])} | {diff} | '
            f'**{r["verdict"]}** | {r["note"]} |')
    return lines


def agreement_table(rows: List[dict]) -> List[str]:
    lines = ['| method | toolbox top-1 (seeds) | reference top-1 (seeds) | '
             'Δ (ref − toolbox) | tolerance (1 std) | status |',
             '|---|---|---|---|---|---|']
    for r in rows:
        tol = '—' if r['tol'] is None else f'{r["tol"]:.2f}'
        lines.append(f'| {r["method"]} | {fmt(r["box"])} ({r["box"][2]}) | '
                     f'{fmt(r["ref"])} ({r["ref"][2]}) | {r["delta"]:+.2f} | '
                     f'{tol} | **{r["status"]}** |')
    return lines


# ------------------------------------------------------------------ plots
def _curves(rows: dict, methods: Sequence[str] = ()
            ) -> Dict[Tuple[str, str], dict]:
    """{(source, method): {epoch: ([test...], [train...])}} over seeds,
    keeping the epochs every seed has (only ``methods`` when given)."""
    grouped = defaultdict(list)
    for (source, method, _), row in rows.items():
        if methods and method not in methods:
            continue
        if row.get('curve'):
            grouped[(source, method)].append(
                {p['epoch']: p for p in row['curve']})
    out = {}
    for key, runs in grouped.items():
        common = sorted(set.intersection(*(set(r) for r in runs)))
        out[key] = {e: ([r[e]['test_top1'] for r in runs],
                        [r[e].get('train_top1') for r in runs])
                    for e in common}
    return out


def _test_images(rows: dict, source: str, method: str) -> str:
    """'first N' / 'all' test images of a method's curve points."""
    sizes = {row.get('curve_images') or field(row, 'test_images')
             for (src, m, _), row in rows.items()
             if src == source and m == method}
    size = sizes.pop() if len(sizes) == 1 else None
    return 'all test images' if size in (None, 10000) else \
        f'first {size} test'


def plot_curves(rows: dict, path: str,
                methods: Sequence[str] = ()) -> Optional[str]:
    curves = _curves(rows, methods)
    if not curves:
        return None
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    # one colour per method, the source as line style
    names = sorted({method for _, method in curves})
    colours = {m: plt.get_cmap('tab10')(i % 10) for i, m in enumerate(names)}
    for (source, method), points in sorted(curves.items()):
        epochs = list(points)
        for ax, idx in zip(axes, (0, 1)):
            series = [points[e][idx] for e in epochs]
            if any(v is None for s in series for v in s):
                continue
            mean = [statistics.fmean(s) for s in series]
            sd = [statistics.stdev(s) if len(s) > 1 else 0 for s in series]
            line, = ax.plot(epochs, mean, label=f'{method} ({source}, '
                            f'{len(series[0])} seeds, '
                            f'{_test_images(rows, source, method)})',
                            ls='-' if source == TOOLBOX else '--',
                            color=colours[method])
            ax.fill_between(epochs, [m - s for m, s in zip(mean, sd)],
                            [m + s for m, s in zip(mean, sd)],
                            color=line.get_color(), alpha=0.2)
    for ax, title in zip(axes, ('test top-1 (%)', 'clean train top-1 (%)')):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel('epoch')
        ax.set_ylabel(title)
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def reliability_bins(rows: dict) -> Dict[Tuple[str, str], dict]:
    """{(source, method): summed bins} of the rows with ``reliability``."""
    out = {}
    for (source, method, _), row in sorted(rows.items()):
        rel = row.get('reliability')
        if not rel:
            continue
        acc = out.setdefault((source, method), dict(
            num_bins=rel['num_bins'], seeds=0,
            count=[0.0] * rel['num_bins'],
            confidence_sum=[0.0] * rel['num_bins'],
            correct_sum=[0.0] * rel['num_bins']))
        if acc['num_bins'] != rel['num_bins']:
            raise ValueError(f'{source} {method}: runs with {acc["num_bins"]}'
                             f' and {rel["num_bins"]} calibration bins')
        acc['seeds'] += 1
        for k in ('count', 'confidence_sum', 'correct_sum'):
            acc[k] = [x + y for x, y in zip(acc[k], rel[k])]
    return out


def pooled_ece(bins: dict) -> float:
    """ECE (%) of the summed bins: Σ_m |B_m|/N · |conf(B_m) − acc(B_m)|,
    i.e. Σ_m |Σ confidence − Σ correct| / N."""
    gap = sum(abs(c - a) for c, a in zip(bins['confidence_sum'],
                                         bins['correct_sum']))
    return 100 * gap / sum(bins['count'])


def plot_reliability(rows: dict, path: str,
                     methods: Sequence[str]) -> Optional[str]:
    bins = {k: v for k, v in reliability_bins(rows).items()
            if not methods or k[1] in methods}
    if not bins:
        return None
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    keys = sorted(bins)
    fig, axes = plt.subplots(1, len(keys), figsize=(3.2 * len(keys), 3.4),
                             squeeze=False)
    for ax, key in zip(axes[0], keys):
        b = bins[key]
        m = b['num_bins']
        centres = [(i + 0.5) / m for i in range(m)]
        acc = [c / n if n else 0 for c, n in zip(b['correct_sum'],
                                                  b['count'])]
        conf = [c / n if n else 0 for c, n in zip(b['confidence_sum'],
                                                   b['count'])]
        ax.bar(centres, acc, width=1 / m, edgecolor='k', label='accuracy')
        ax.bar(centres, [c - a for c, a in zip(conf, acc)], bottom=acc,
               width=1 / m, color='tab:red', alpha=0.3, label='gap')
        ax.plot([0, 1], [0, 1], 'k--', lw=1)
        ax.set_title(f'{key[1]} ({key[0]}, {b["seeds"]} seeds)\n'
                     f'pooled ECE {pooled_ece(b):.2f} %', fontsize=8)
        ax.set_xlabel('confidence')
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
    axes[0][0].set_ylabel('accuracy')
    axes[0][0].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def plot_claims(results: List[dict], path: str) -> Optional[str]:
    shown = [r for r in results if r['ci']['n'] >= 2]
    if not shown:
        return None
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    colours = {'holds': 'tab:green', 'not reproduced': 'tab:red',
               'inconclusive': 'tab:gray'}
    fig, ax = plt.subplots(figsize=(7, 0.35 * len(shown) + 1.2))
    for y, r in enumerate(shown):
        sign = 1 if r['direction'] == 'greater' else -1
        ci = r['ci']
        mean = sign * ci['mean']
        lo, hi = sorted((sign * ci['lo'], sign * ci['hi']))
        ax.errorbar(mean, y, xerr=[[mean - lo], [hi - mean]], fmt='o',
                    color=colours[r['verdict']], capsize=3)
    ax.axvline(0, color='k', lw=1)
    ax.set_yticks(range(len(shown)))
    ax.set_yticklabels([f'{r["id"]} ({r["metric"]}, {r["source"]})'
                        for r in shown], fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel('difference in the claimed direction, 95 % CI '
                  '(right of 0: as claimed)')
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


# -------------------------------------------------------------------- CLI
def report(rows: dict, claims: List[dict], plots: Optional[str] = None,
           reliability_methods: Sequence[str] = (),
           curve_methods: Sequence[str] = (),
           link_from: Optional[str] = None) -> str:
    """The Markdown report (and the plots, when ``plots`` is a folder;
    embedded as images relative to the folder ``link_from`` when given,
    else listed by path)."""
    results = evaluate_claims(rows, claims)
    agree = agreement(rows)
    lines = ['### Methods', '', 'Mean ± sample std over seeds.', '']
    lines += method_table(rows)
    lines += ['', '### Claims', '',
              'Δ: paired difference over common seeds, 95 % Student-t '
              'interval; verdict rule in tools/analysis/claims_report.py.',
              '']
    lines += claims_table(results)
    lines += ['', '### Reference loop vs toolbox', '']
    lines += agreement_table(agree) if agree else [
        'No method has runs from both sources.']
    if plots:
        os.makedirs(plots, exist_ok=True)
        lines += ['', '### Plots', '']
        made = [
            (plot_curves(rows, osp.join(plots, 'curves.png'), curve_methods),
             'no run (of the curve methods) carries `curve` (per-epoch '
             '`test_top1`)'),
            (plot_reliability(rows, osp.join(plots, 'reliability.png'),
                              reliability_methods),
             'no run carries `reliability` (per-bin `count`, '
             '`confidence_sum`, `correct_sum` of the test set)'),
            (plot_claims(results, osp.join(plots, 'claims.png')),
             'no claim has two common seeds')]
        captions = dict(
            curves='test top-1 (left) and clean training top-1 (right) '
            'along the run, mean over seeds, shaded ± std',
            reliability='reliability diagrams, bins summed over seeds',
            claims='each claim\'s paired difference with its 95 % interval, '
            'signed so that the claimed direction is to the right')
        for (path, why), name in zip(made, ('curves', 'reliability',
                                            'claims')):
            if not path:
                lines.append(f'- {name}: not drawn: {why}.')
            elif link_from:
                rel = osp.relpath(path, link_from)
                lines += [f'**{name}**: {captions[name]}.', '',
                          f'![{name}]({rel})', '']
            else:
                lines.append(f'- {name}: `{path}`')
    return '\n'.join(lines) + '\n'


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Per-method mean ± std, paired differences with 95 % '
        'CIs and a verdict per claim, the reference-loop agreement table, '
        'and PNG plots, from accuracy-benchmark and reference-loop results '
        'files (rules in the module docstring).')
    parser.add_argument('results', nargs='+', help='JSON-lines results files')
    parser.add_argument('--claims', default=DEFAULT_CLAIMS,
                        help='claims list, YAML or JSON (default: '
                        f'{osp.relpath(DEFAULT_CLAIMS)})')
    parser.add_argument('--where', nargs='*', default=[], metavar='KEY=VALUE',
                        help='keep only rows whose KEY (top level or in '
                        '`protocol`) equals VALUE, e.g. epochs=30')
    parser.add_argument('--out', help='write the Markdown here (default: '
                        'print it)')
    parser.add_argument('--into', metavar='FILE',
                        help=f'replace the lines between {BEGIN!r} and '
                        f'{END!r} in FILE with the report (e.g. '
                        'docs/claims.md)')
    parser.add_argument('--plots', metavar='DIR',
                        help='write curves.png, reliability.png and '
                        'claims.png into DIR')
    parser.add_argument('--curve-methods', nargs='*', default=[],
                        help='methods of the learning-curve plot (none '
                        'given: all)')
    parser.add_argument('--reliability-methods', nargs='*',
                        default=['vanilla', 'mixup', 'multimix',
                                 'multimix+distil'],
                        help='methods of the reliability diagrams (none '
                        'given: all)')
    parser.add_argument('--step-time', metavar='JSON',
                        help='side-by-side step times of '
                        'benchmark_methods.py --out (for claims on '
                        'step_ratio)')
    parser.add_argument('--more-seeds', action='store_true',
                        help='print only the toolbox methods of the claims '
                        'flagged "run 5 seeds" (space-separated, for '
                        'scripts/claims.sh more-seeds) and exit')
    return parser.parse_args(argv)


BEGIN = '<!-- BEGIN claims_report.py output -->'
END = '<!-- END claims_report.py output -->'


def write_into(path: str, text: str) -> None:
    """Replace the block between the BEGIN and END marker lines of
    ``path`` with ``text`` (ValueError when the markers are missing)."""
    with open(path) as f:
        old = f.read()
    start, end = old.find(BEGIN), old.find(END)
    if start < 0 or end < start:
        raise ValueError(f'{path}: needs a line {BEGIN!r} followed by a line '
                         f'{END!r}')
    with open(path, 'w') as f:
        f.write(old[:start + len(BEGIN)] + '\n\n' + text + '\n'
                + old[end:])


def more_seeds(rows: dict, claims: List[dict]) -> List[str]:
    """The toolbox methods of the claims whose note asks for 5 seeds."""
    out = []
    for r in evaluate_claims(rows, claims):
        if r['source'] == TOOLBOX and r['note']:
            out += [m for m in (r['a'], r['b']) if m not in out]
    return out


def main(argv: Optional[Sequence[str]] = None) -> str:
    args = parse_args(argv)
    try:
        where = parse_where(args.where)
        claims = load_claims(args.claims)
        rows = load_results(args.results, where)
        if rows and args.step_time:
            rows.update(load_step_time(args.step_time))
    except (ValueError, OSError) as err:
        raise SystemExit(f'claims_report: {err}')
    if not rows:
        raise SystemExit('claims_report: no rows match '
                         f'{where or "(no filter)"} in {args.results}')
    if args.more_seeds:
        text = ' '.join(more_seeds(rows, claims))
        print(text)
        return text
    target = args.into or args.out
    text = report(rows, claims, args.plots, args.reliability_methods,
                  args.curve_methods,
                  osp.dirname(osp.abspath(target)) if target else None)
    if args.into:
        try:
            write_into(args.into, text)
        except (ValueError, OSError) as err:
            raise SystemExit(f'claims_report: {err}')
        print(f'wrote {args.into}')
    if args.out:
        if osp.dirname(args.out):
            os.makedirs(osp.dirname(args.out), exist_ok=True)
        with open(args.out, 'w') as f:
            f.write(text)
        print(f'wrote {args.out}')
    elif not args.into:
        print(text)
    return text


if __name__ == '__main__':
    main()
