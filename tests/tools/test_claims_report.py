"""The claims report (tools/analysis/claims_report.py) on synthetic results
files: the confidence interval against a hand computation, the three
verdicts (and 'not measured'), the mirrored direction, the t-table
fallback, protocol filtering, the reference-loop agreement table and the
plots.

The tool is loaded from its file (it needs nothing of the package)."""
import importlib.util
import json
import math
import os.path as osp
import sys

import pytest

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TOOL = osp.join(ROOT, 'tools', 'analysis', 'claims_report.py')
spec = importlib.util.spec_from_file_location('claims_report', TOOL)
cr = importlib.util.module_from_spec(spec)
spec.loader.exec_module(cr)

BASE = {0: 80.0, 1: 81.0, 2: 79.5}
# per-seed offsets from the vanilla row
OFFSETS = dict(vanilla=(0, 0, 0), better=(1.0, 1.2, 0.8),
               worse=(-1.0, -1.2, -0.8), tie=(0.5, -0.5, 0.1))


def claim(cid, a, b, direction='greater', metric='top1'):
    return dict(id=cid, text=f'{a} vs {b}', paper='P', where='T1',
                paper_numbers='1 vs 2', metric=metric, a=a, b=b,
                direction=direction)


def toolbox_rows(epochs=30):
    rows = []
    for method, off in OFFSETS.items():
        for seed, base in BASE.items():
            rows.append(dict(method=method, seed=seed, config='c.py',
                             epochs=epochs, train_images=2000,
                             top1=base + off[seed], ece=5.0 - off[seed],
                             fgsm_error=50.0, train_minutes=1.0))
    return rows


def reference_row(method, seed, top1):
    curve = [dict(epoch=e, test_top1=top1 - 3 + e, train_top1=90 + e)
             for e in (1, 2, 3)]
    rel = dict(num_bins=3, count=[10, 20, 70],
               confidence_sum=[2.0, 12.0, 63.0], correct_sum=[3, 11, 60])
    return dict(tool='reference_loop', method=method, seed=seed, top1=top1,
                ece=3.0, train_top1=99.5, curve=curve, reliability=rel,
                epochs=30, train_images=2000, train_minutes=0.5,
                protocol=dict(epochs=30, train_images=2000),
                method_params={})


def write(path, rows):
    with open(path, 'w') as f:
        f.write(''.join(json.dumps(r) + '\n' for r in rows))
    return str(path)


def test_interval_matches_a_hand_computation():
    ci = cr.paired_ci([1.0, 1.2, 0.8])
    # mean 1, sample sd 0.2, t_{0.975, 2} = 4.302653
    half = 4.302653 * 0.2 / math.sqrt(3)
    assert ci['n'] == 3 and ci['mean'] == pytest.approx(1.0)
    assert ci['sd'] == pytest.approx(0.2)
    assert (ci['lo'], ci['hi']) == pytest.approx((1 - half, 1 + half),
                                                 abs=1e-5)


def test_t_table_when_scipy_is_missing(monkeypatch):
    monkeypatch.setitem(sys.modules, 'scipy.stats', None)
    assert cr.t_quantile(2) == 4.303
    assert cr.t_quantile(11) == 2.228      # df 11 uses df 10 (wider)
    assert cr.t_quantile(500) == 1.980
    with pytest.raises(ValueError, match='degrees of freedom'):
        cr.t_quantile(0)


def test_verdicts(tmp_path):
    rows = cr.load_results([write(tmp_path / 'r.jsonl', toolbox_rows())], {})
    claims = [claim('h', 'better', 'vanilla'),
              claim('n', 'worse', 'vanilla'),
              claim('i', 'tie', 'vanilla'),
              claim('l', 'better', 'vanilla', 'less', 'ece'),
              claim('l2', 'better', 'vanilla', 'greater', 'ece'),
              claim('m', 'absent', 'vanilla')]
    got = {r['id']: r for r in cr.evaluate_claims(rows, claims)}
    assert {k: r['verdict'] for k, r in got.items()} == {
        'h': 'holds', 'n': 'not reproduced', 'i': 'inconclusive',
        'l': 'holds', 'l2': 'not reproduced', 'm': 'not measured'}
    assert got['h']['seeds'] == [0, 1, 2]
    assert got['h']['ci']['mean'] == pytest.approx(1.0)
    # a = better: 81, 82.2, 80.3 → mean 81.1667
    assert got['h']['a_stats'][0] == pytest.approx(243.5 / 3)
    assert got['m']['note'] == 'no runs of absent'
    # |Δ| = 1 < 2 × 0.76 (vanilla's std) with 3 seeds: more seeds needed
    assert got['h']['note'] == 'Δ below 2 std: run 5 seeds'
    text = '\n'.join(cr.claims_table(list(got.values())))
    assert '**holds**' in text and '+1.00 [+0.50, +1.50]' in text


def test_one_seed_is_inconclusive():
    ci = cr.paired_ci([2.0])
    assert ci['lo'] is None and cr.verdict(ci, 'greater') == 'inconclusive'
    assert cr.verdict(dict(n=0), 'less') == 'not measured'


def test_protocols_are_kept_apart(tmp_path):
    path = write(tmp_path / 'r.jsonl', toolbox_rows(10) + toolbox_rows(30))
    with pytest.raises(ValueError, match='--where'):
        cr.load_results([path], {})
    rows = cr.load_results([path], {'epochs': '10'})
    assert len(rows) == 12 and all(r['epochs'] == 10 for r in rows.values())


def test_agreement_and_report_with_plots(tmp_path):
    box = write(tmp_path / 'box.jsonl', toolbox_rows())
    ref = write(tmp_path / 'ref.jsonl', [
        reference_row('vanilla', s, BASE[s] + 0.3) for s in BASE] + [
        reference_row('better', s, BASE[s] + 5) for s in BASE])
    claims = str(tmp_path / 'claims.json')
    with open(claims, 'w') as f:
        json.dump([claim('h', 'better', 'vanilla')], f)
    out, plots = str(tmp_path / 'report.md'), str(tmp_path / 'plots')
    text = cr.main([box, ref, '--claims', claims, '--out', out, '--plots',
                    plots, '--reliability-methods'])
    status = {r['method']: r['status'] for r in cr.agreement(
        cr.load_results([box, ref], {}))}
    # vanilla: Δ 0.3 ≤ std 0.76; better: Δ 4.0 > std 0.76
    assert status == {'vanilla': 'agrees', 'better': 'disagrees'}
    bins = cr.reliability_bins(cr.load_results([ref], {}))
    # per seed |2 − 3| + |12 − 11| + |63 − 60| = 5 over 100 images
    assert cr.pooled_ece(bins[('reference', 'vanilla')]) == pytest.approx(5)
    assert bins[('reference', 'vanilla')]['count'] == [30, 60, 210]
    assert '| h | better vs vanilla |' in text
    assert text.count('**holds**') == 2       # toolbox and reference rows
    for name in ('curves', 'reliability', 'claims'):
        with open(osp.join(plots, f'{name}.png'), 'rb') as f:
            assert f.read(8) == b'\x89PNG\r\n\x1a\n'
    assert open(out).read() == text


def test_plots_without_data_say_what_is_missing(tmp_path):
    box = write(tmp_path / 'box.jsonl', toolbox_rows())
    text = cr.main([box, '--plots', str(tmp_path / 'p')])
    assert 'curves: not drawn: no run (of the curve methods) carries' in text
    assert 'reliability: not drawn' in text
    assert not osp.exists(tmp_path / 'p' / 'curves.png')


def test_shipped_claims_load():
    claims = cr.load_claims(cr.DEFAULT_CLAIMS)
    assert len(claims) >= 20
    assert {c['metric'] for c in claims} >= {'top1', 'ece', 'fgsm_error',
                                             'step_ratio'}


@pytest.mark.parametrize('change, message', [
    (dict(direction='up'), "direction 'up' is not one of"),
    (dict(metric='acc'), "metric 'acc' is not one of"),
    (dict(extra=1), "unknown ['extra']"),
])
def test_bad_claims(tmp_path, change, message):
    path = str(tmp_path / 'c.json')
    with open(path, 'w') as f:
        json.dump([dict(claim('x', 'a', 'b'), **change)], f)
    with pytest.raises(ValueError) as info:
        cr.load_claims(path)
    assert message in str(info.value)


def test_help(capsys):
    with pytest.raises(SystemExit):
        cr.parse_args(['--help'])
    assert '--where' in capsys.readouterr().out


def test_more_seeds_lists_the_methods_of_flagged_claims(tmp_path, capsys):
    """A claim with n < 5 whose difference is below two stds names its two
    methods; a clear one does not."""
    rows = [dict(method=m, seed=s, config='c', epochs=1, train_images=8,
                 top1=v + s * 0.5)
            for m, v in (('a', 80.0), ('b', 79.9), ('c', 60.0))
            for s in (0, 1, 2)]
    rows[0]['top1'] += 3  # spread for 'a'
    box = write(tmp_path / 'box.jsonl', rows)
    path = str(tmp_path / 'c.json')
    with open(path, 'w') as f:
        json.dump([claim('ab', 'a', 'b'), claim('ac', 'a', 'c')], f)
    assert cr.main([box, '--claims', path, '--more-seeds']) == 'a b'
    assert capsys.readouterr().out.strip() == 'a b'


def test_into_replaces_only_the_marked_block(tmp_path):
    box = write(tmp_path / 'box.jsonl', toolbox_rows())
    page = tmp_path / 'page.md'
    page.write_text(f'# Title\n\nintro\n\n{cr.BEGIN}\nold table\n{cr.END}\n'
                    '\nafter\n')
    text = cr.main([box, '--into', str(page)])
    new = page.read_text()
    assert new.startswith('# Title\n\nintro\n\n' + cr.BEGIN)
    assert new.endswith(cr.END + '\n\nafter\n')
    assert 'old table' not in new and text in new
    cr.main([box, '--into', str(page)])      # idempotent
    assert page.read_text() == new
    page.write_text('no markers\n')
    with pytest.raises(SystemExit, match='needs a line'):
        cr.main([box, '--into', str(page)])


def step_time_json(path, walls):
    """A benchmark_methods.py --out JSON with per-round wall times."""
    rows = [dict(config=f'configs/x/{name}_net_1xb50.py', wall_all_s=w)
            for name, w in walls.items()]
    data = dict(meta=dict(baseline='configs/x/vanilla_net_1xb50.py'),
                rows=rows)
    with open(path, 'w') as f:
        json.dump(data, f)
    return str(path)


def test_step_time_claims_pair_the_rounds(tmp_path):
    """step_ratio = wall / the baseline's wall of the same round, and the
    claim is paired over rounds: a load that doubles one round cancels."""
    walls = {'vanilla': [1.0, 2.0, 1.0, 1.0],
             'fast-mix': [1.5, 3.0, 1.6, 1.4],
             'slow': [2.0, 4.0, 2.1, 1.9]}
    path = step_time_json(tmp_path / 'step.json', walls)
    rows = cr.load_step_time(path)
    assert rows[(cr.STEP, 'fast_mix', 1)]['step_ratio'] == pytest.approx(1.5)
    assert rows[(cr.STEP, 'slow', 2)]['step_ratio'] == pytest.approx(2.1)
    (res,) = cr.evaluate_claims(rows, [claim('t', 'fast_mix', 'slow',
                                             'less', 'step_ratio')])
    diffs = [-0.5, -0.5, -0.5, -0.5]
    assert res['source'] == cr.STEP and res['ci']['n'] == 4
    assert res['ci']['mean'] == pytest.approx(statistics_mean(diffs))
    assert res['verdict'] == 'holds' and 'rounds' in res['note']
    # through the CLI, next to accuracy rows, without touching their tables
    box = write(tmp_path / 'box.jsonl', toolbox_rows())
    cpath = str(tmp_path / 'c.json')
    with open(cpath, 'w') as f:
        json.dump([claim('t', 'fast_mix', 'slow', 'less', 'step_ratio'),
                   claim('acc', 'better', 'vanilla')], f)
    text = cr.main([box, '--claims', cpath, '--step-time', path])
    assert '| t |' in text and '| step time | 4 |' in text
    assert '| step time | fast_mix' not in text  # not in the method table
    # rounds that do not line up with the baseline's are refused
    bad = step_time_json(tmp_path / 'bad.json',
                         {'vanilla': [1.0, 1.0], 'slow': [2.0]})
    with pytest.raises(ValueError, match='1 rounds, the baseline 2'):
        cr.load_step_time(bad)


def statistics_mean(values):
    return sum(values) / len(values)


def test_oe_from_bins_matches_the_toolbox_metric(tmp_path):
    """OE rebuilt from the stored bins equals calibration_errors' OE on the
    same samples, and a row without ``oe`` (the reference loop's) gets it."""
    import torch

    from mixtoolbox.evaluation.metrics.calibration import calibration_errors
    g = torch.Generator().manual_seed(0)
    conf = torch.rand(500, generator=g, dtype=torch.float64)
    hit = (torch.rand(500, generator=g, dtype=torch.float64) < conf * 0.8)
    m = 15
    idx = torch.bucketize(conf, torch.arange(1, m, dtype=torch.float64) / m)
    rel = dict(num_bins=m,
               count=[float((idx == b).sum()) for b in range(m)],
               confidence_sum=[float(conf[idx == b].sum()) for b in range(m)],
               correct_sum=[float(hit[idx == b].sum()) for b in range(m)])
    want = 100 * calibration_errors(conf, hit, num_bins=m)['oe']
    assert want > 1  # over-confident by construction
    assert cr.oe_from_bins(rel) == pytest.approx(want, rel=1e-9)
    row = reference_row('vanilla', 0, 80.0)
    row['reliability'] = rel
    rows = cr.load_results([write(tmp_path / 'ref.jsonl', [row])], {})
    assert rows[(cr.REFERENCE, 'vanilla', 0)]['oe'] == pytest.approx(want)
