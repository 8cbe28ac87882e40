"""Betweenness sampled until its top is settled: checked against exact betweenness (igraph, all
sources) on generated districts, the stated expectation against simulation, the batches by
brute force, and the worker processes against one process."""
from __future__ import annotations

import numpy as np
import pytest

from graphgov.analysis import parallel
from graphgov.analysis.betweenness import _batches, expected_wrong, exact_betweenness, source_order
from graphgov.analysis.central import unit_metrics
from graphgov.analysis.network import build_network


@pytest.fixture(scope="module")
def district():
    from graphgov.dataset.generate import generate_with_truth

    tables, _ = generate_with_truth("district", seed=0)
    net = build_network(tables)
    return net, unit_metrics(net, exact=True)


def top50(df):
    return set(df["betweenness"].sort_values(ascending=False, kind="stable").index[:50])


@pytest.mark.parametrize("seed", range(4))
def test_sampled_top_50_against_exact(district, seed):
    net, exact = district
    got = unit_metrics(net, exact_limit=0, seed=seed, samples=64)
    a = got.attrs
    assert not a["betweenness_exact"] and a["betweenness_stopped"] == "settled"
    assert 64 <= a["betweenness_sources"] < len(net.units)  # fewer searches than exact
    assert a["betweenness_expected_wrong"] <= 3.0
    assert len(top50(got) & top50(exact)) >= 45
    # the Hoeffding bound still holds for every unit
    assert np.abs(got["betweenness"] - exact["betweenness"]).max() <= a["betweenness_error"]


def test_expected_wrong_matches_simulation():
    """Truths drawn around the estimates with their standard errors: the mean number of the
    estimated top 20 outside the true top 20 is what the formula says (it fixes the boundary,
    so it is an approximation: within a fifth)."""
    rng = np.random.default_rng(5)
    est = np.sort(rng.gamma(2.0, 1.0, 200))[::-1]
    se = 0.05 + 0.1 * rng.random(200)
    want = expected_wrong(est, se, 20)
    top = set(range(20))
    draws = []
    for _ in range(4000):
        truth = est + se * rng.standard_normal(200)
        draws.append(20 - len(top & set(np.argsort(-truth)[:20])))
    assert want > 0.5
    assert np.mean(draws) == pytest.approx(want, rel=0.2)
    assert expected_wrong(est, np.zeros(200), 20) == 0.0


def test_batches_are_stratified_and_never_repeat():
    groups = np.repeat(np.arange(10), 37)  # 370 units in 10 groups
    order = source_order(370, seed=3, groups=groups)
    assert sorted(order) == list(range(370))
    assert all(np.diff([list(groups[order]).index(g) for g in dict.fromkeys(groups[order])]) > 0)
    batches = _batches(order, 8, seed=3)
    flat = [u for b in batches for u in b]
    assert len(flat) == len(set(flat)) == 8 * len(batches)
    segments = np.array_split(order, 8)
    for b in batches:  # one unit from each segment of the ordered units
        assert sorted(next(i for i, s in enumerate(segments) if u in s) for u in b) == list(range(8))


@pytest.mark.parametrize("workers", [1, 2])
def test_worker_processes_give_the_same_exact_betweenness(district, workers):
    net, exact = district
    n = len(net.units)
    with parallel.Pool({"paths": net.to_igraph(paths=True), "units": n}, workers) as pool:
        got = exact_betweenness(pool, n)
    assert got.exact and got.sources == n
    assert got.values == pytest.approx(exact["betweenness"].to_numpy(), abs=1e-12)


def test_same_seed_same_ranking_with_one_or_two_workers(district):
    net, _ = district
    one = unit_metrics(net, exact_limit=0, seed=2, samples=64, workers=1)
    two = unit_metrics(net, exact_limit=0, seed=2, samples=64, workers=2)
    assert one.attrs["betweenness_sources"] == two.attrs["betweenness_sources"]
    assert one["betweenness"].to_numpy() == pytest.approx(two["betweenness"].to_numpy(), rel=1e-12)
