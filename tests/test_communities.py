"""Stable communities: the consensus rule checked by brute force, NMI by its formula, and
partitions and silo findings that stay the same whatever the seed."""
from __future__ import annotations

import math
import random
from collections import Counter

import igraph as ig
import numpy as np
import pandas as pd
import pytest

from graphgov.analysis.communities import _consensus, nmi, stable_communities
from graphgov.analysis.gaps import find_gaps
from graphgov.analysis.network import build_network


def nmi_by_formula(a, b) -> float:
    """2·I(A;B) / (H(A) + H(B)) from the counts, as Danon et al. define it."""
    n = len(a)
    pa, pb, pab = Counter(a), Counter(b), Counter(zip(a, b))
    h = lambda c: -sum(k / n * math.log(k / n) for k in c.values())  # noqa: E731
    mi = sum(k / n * math.log(k * n / (pa[x] * pb[y])) for (x, y), k in pab.items())
    ha, hb = h(pa), h(pb)
    return 1.0 if ha + hb == 0 else 2 * mi / (ha + hb)


@pytest.mark.parametrize("seed", range(5))
def test_nmi_equals_its_formula(seed):
    rng = random.Random(seed)
    a = [rng.randrange(4) for _ in range(60)]
    b = [x if rng.random() < 0.7 else rng.randrange(5) for x in a]
    assert nmi(a, b) == pytest.approx(nmi_by_formula(a, b))
    assert nmi(a, a) == pytest.approx(1.0)


@pytest.mark.parametrize("seed", range(6))
def test_consensus_is_the_groups_of_ties_most_runs_agree_on(seed):
    """Brute force: union–find over the ties whose ends share a community in ≥ agree of the runs."""
    rng = random.Random(seed)
    n = rng.randint(5, 30)
    edges = np.array(sorted({tuple(sorted(rng.sample(range(n), 2))) for _ in range(rng.randint(3, 60))}))
    runs = [np.array([rng.randrange(3) for _ in range(n)]) for _ in range(rng.randint(2, 9))]
    agree = rng.choice([0.5, 0.75, 0.8, 1.0])
    parent = list(range(n))

    def find(x):
        while parent[x] != x:
            x = parent[x]
        return x

    for a, b in edges:
        if sum(r[a] == r[b] for r in runs) >= agree * len(runs):
            parent[find(a)] = find(b)
    want = [find(v) for v in range(n)]
    got = _consensus(runs, edges, n, agree)
    same = lambda labels: {(i, j) for i in range(n) for j in range(n) if labels[i] == labels[j]}  # noqa: E731
    assert same(got) == same(want)
    firsts = [list(got).index(c) for c in range(got.max() + 1)]
    assert firsts == sorted(firsts)  # numbered by each community's first vertex


def planted_graph() -> ig.Graph:
    """Three cliques of 8 joined by one tie each: any good partition finds them."""
    g = ig.Graph()
    g.add_vertices(24)
    edges = [(c * 8 + i, c * 8 + j) for c in range(3) for i in range(8) for j in range(i + 1, 8)]
    g.add_edges(edges + [(0, 8), (9, 16)])
    g.es["weight"] = 1.0
    return g


def test_planted_communities_found_with_any_seed():
    results = [stable_communities(planted_graph(), seed=s) for s in range(5)]
    for c in results:
        assert list(c.membership) == [0] * 8 + [1] * 8 + [2] * 8
        assert c.stability == pytest.approx(1.0) and c.agreement == pytest.approx(1.0)
        assert c.runs == 2  # two runs agreed: no more were made


@pytest.fixture(scope="module")
def district():
    from graphgov.dataset.generate import generate_with_truth

    tables, _ = generate_with_truth("district", seed=0)
    return tables, build_network(tables)


def test_district_consensus_does_not_flip_with_the_seed(district):
    _, net = district
    g = net.to_igraph()
    n = len(net.units)
    results = [stable_communities(g, seed=s) for s in range(3)]
    across = [nmi(results[i].membership[:n], results[j].membership[:n]) for i in range(3) for j in range(i + 1, 3)]
    # single Leiden runs on this network agree about as little as the issue measured for Louvain
    assert results[0].agreement < 0.7
    assert min(across) >= 0.88, across
    assert all(0.85 <= r.stability <= 1.0 for r in results)


def closed_group_tables() -> dict[str, pd.DataFrame]:
    """Ten units tied among themselves and once outside, in a network of loosely tied others."""
    rng = random.Random(3)
    closed = [f"A{i}" for i in range(10)]
    loose = [f"B{i:02d}" for i in range(40)]
    pairs = {(a, b) for i, a in enumerate(closed) for b in closed[i + 1:]}
    pairs |= {tuple(sorted(rng.sample(loose, 2))) for _ in range(90)}
    pairs.add(("A0", "B00"))
    units = closed + loose
    return {
        "units": pd.DataFrame({"id": units, "name": units, "type": "government", "sector": "政府"}),
        "agreements": pd.DataFrame(sorted(pairs), columns=["unit_a", "unit_b"]).assign(kind="co_building"),
    }


def test_silo_findings_the_same_run_after_run():
    tables = closed_group_tables()
    found = [find_gaps(tables, as_of="2025-12-31", kinds="silo", seed=s) for s in range(4)]
    keys = [sorted(zip(f["subject_type"], f["subject_id"], f["message"])) for f in found]
    assert all(k == keys[0] for k in keys)
    community = found[0][found[0]["subject_type"] == "group:community"]
    assert len(community) == 1
    assert sorted(community.iloc[0]["evidence"]["members"]) == sorted(f"A{i}" for i in range(10))
    assert "stability" in found[0].attrs["communities"]
