"""Large groups as hub nodes give the same shortest paths as the expanded network.

The graph has every kind of pair the hub form must get right: pairs that share a hub
committee and also a small committee, a project or an agreement (the expanded tie is the
sum), pairs that share two hub groups and nothing else, pairs that share one hub only, and
a hub project. The reference is computed independently: the expanded network's weights
by plain loops over the tables, shortest paths and Brandes betweenness in exact
arithmetic (``tests/exact_paths.py``).
"""
from __future__ import annotations

import networkx as nx
import pandas as pd
import pytest

from exact_paths import exact_brandes, expanded_weights
from graphgov.analysis.central import unit_metrics
from graphgov.analysis.network import build_network

UNITS = [f"U{i:02d}" for i in range(1, 14)]


def hub_tables() -> dict[str, pd.DataFrame]:
    members = (
        [(u, "C1") for u in UNITS[0:6]]          # U01–U06: a hub committee (6 > 4), 1/5 per pair
        + [(u, "C2") for u in UNITS[3:8]]        # U04–U08: a second hub (5 > 4), 1/4; U04–U06 share both
        + [(u, "C3") for u in ("U01", "U02", "U09")]  # small: 1/2 per pair; U01–U02 also share C1
        + [(u, "C4") for u in ("U12", "U13")]
    )
    return {
        "units": pd.DataFrame({"id": UNITS, "name": UNITS, "type": "government"}),
        "committees": pd.DataFrame({"id": ["C1", "C2", "C3", "C4"], "name": ["甲", "乙", "丙", "丁"],
                                    "level": "street"}),
        "memberships": pd.DataFrame(members, columns=["unit_id", "committee_id"]),
        "projects": pd.DataFrame({"id": ["P1", "P2"], "title": ["大项目", "小项目"], "lead_unit_id": ["U08", "U03"]}),
        "participations": pd.DataFrame({"project_id": ["P1"] * 4 + ["P2"],
                                        "unit_id": ["U09", "U10", "U11", "U12", "U07"]}),
        "agreements": pd.DataFrame({"unit_a": ["U05", "U10", "U02"], "unit_b": ["U06", "U11", "U12"],
                                    "kind": "co_building"}),
        "party_orgs": pd.DataFrame({"id": ["O1", "O2"], "name": ["党委", "支部"], "unit_id": ["U01", "U09"],
                                    "parent_id": [None, "O1"]}),
    }


@pytest.fixture(scope="module")
def forms():
    tables = hub_tables()
    hub = build_network(tables, hub_threshold=4)
    full = build_network(tables, hub_threshold=None)
    weights = expanded_weights(tables)
    return hub, full, weights


def test_the_graph_has_the_pairs_that_matter(forms):
    hub, full, _ = forms
    assert set(hub.hubs["id"]) == {"C1", "C2", "P1"} and full.hubs.empty
    tied_and_hub = hub.edges[~hub.edges["hub"] & (hub.edges["hub_weight"] > 0)]
    # U01–U02 (C3 + C1), U05–U06 (agreement + C1 + C2), U10–U11 (agreement + P1), U09–U10 … (C3? no: P1 only)
    assert {("Unit:U01", "Unit:U02"), ("Unit:U05", "Unit:U06"), ("Unit:U10", "Unit:U11")} <= set(
        zip(tied_and_hub["source"], tied_and_hub["target"]))
    assert set(zip(hub.hub_pairs["source"], hub.hub_pairs["target"])) == {("Unit:U04", "Unit:U05"),
                                                                        ("Unit:U04", "Unit:U06")}
    assert hub.hub_pairs["hub_weight"].tolist() == pytest.approx([1 / 5 + 1 / 4] * 2)


def test_exact_reference_matches_the_expanded_network(forms):
    _, full, weights = forms
    got = {(a[5:], b[5:]): w for a, b, w in full.edges[["source", "target", "weight"]].itertuples(index=False)}
    assert got.keys() == weights.keys()
    for pair, w in weights.items():
        assert got[pair] == pytest.approx(float(w))


def test_hub_form_distances_equal_the_expanded_network(forms):
    hub, _, weights = forms
    exact = nx.Graph()
    exact.add_nodes_from(UNITS)
    exact.add_weighted_edges_from((a, b, 1 / w) for (a, b), w in weights.items())
    want = dict(nx.all_pairs_dijkstra_path_length(exact))  # Fractions: exact sums
    got = dict(nx.all_pairs_dijkstra_path_length(hub.to_networkx(paths=True), weight="distance"))
    for a in UNITS:
        for b in UNITS:
            assert got[f"Unit:{a}"][f"Unit:{b}"] == pytest.approx(float(want[a][b]), rel=1e-12), (a, b)
    # without the pairs that share two hubs, U04–U05 would be 1/(1/4) = 4 instead of 1/(1/5 + 1/4)
    plain = dict(nx.single_source_dijkstra_path_length(hub.to_networkx(), "Unit:U04", weight="distance"))
    assert plain["Unit:U06"] > got["Unit:U04"]["Unit:U06"] * 1.5


@pytest.mark.parametrize("engine", ["igraph", "networkx"])
def test_hub_form_path_metrics_equal_exact_arithmetic(forms, engine):
    hub, full, weights = forms
    between, closeness, harmonic = exact_brandes(UNITS, weights)
    for net in (hub, full):
        m = unit_metrics(net, engine=engine, exact=True)
        for metric, want in (("betweenness", between), ("closeness", closeness), ("harmonic", harmonic)):
            got = m[metric].to_dict()
            for u in UNITS:
                assert got[f"Unit:{u}"] == pytest.approx(float(want[u]), abs=1e-12), (metric, u)
    assert max(between.values()) > 0


@pytest.mark.parametrize("engine", ["igraph", "networkx"])
def test_every_metric_equals_the_expanded_networks(forms, engine):
    """Degree and weighted degree through hubs; PageRank, constraint and effective size on the hub
    groups expanded into their pairs (the expanded network has no hubs: its metrics are the reference)."""
    import networkx as nx

    hub, full, weights = forms
    mh, mf = unit_metrics(hub, engine=engine, exact=True), unit_metrics(full, engine=engine, exact=True)
    for metric in ("degree", "weighted_degree", "articulation", "pagerank", "constraint", "effective_size"):
        assert mh[metric].astype(float).to_numpy() == pytest.approx(mf[metric].astype(float).to_numpy(),
                                                                    nan_ok=True), metric
    # and independently: networkx on the expanded weights built by loops
    g = nx.Graph()
    g.add_nodes_from(UNITS)
    g.add_weighted_edges_from((a, b, float(w)) for (a, b), w in weights.items())
    pr = nx.pagerank(g, weight="weight", tol=1e-12, max_iter=10000)
    con = nx.constraint(g, weight="weight")
    for u in UNITS:
        assert mh.loc[f"Unit:{u}", "pagerank"] == pytest.approx(pr[u], abs=1e-9)
        assert mh.loc[f"Unit:{u}", "constraint"] == pytest.approx(con[u], abs=1e-9, nan_ok=True)
