"""Bridges (单线联系): single ties whose loss splits the network, checked against networkx on the
expanded network, with the sides counted by brute-force removal; brokerage role names as in R's sna."""
from __future__ import annotations

import random

import networkx as nx
import pandas as pd
import pytest

from exact_paths import expanded_weights
from graphgov.analysis import brokerage
from graphgov.analysis.gaps import find_gaps
from graphgov.analysis.network import build_network
from graphgov.analysis.gap_structure import bridge_ties


def random_tables(seed: int) -> dict[str, pd.DataFrame]:
    """Units in a few committees (some above the hub threshold), agreements and pendant units."""
    rng = random.Random(seed)
    units = [f"U{i:02d}" for i in range(rng.randint(8, 30))]
    members, committees = [], []
    for c in range(rng.randint(1, 4)):
        size = rng.choice([2, 2, 3, 6, 7])
        committees.append(f"C{c}")
        members += [(u, f"C{c}") for u in rng.sample(units, min(size, len(units)))]
    pairs = {tuple(sorted(rng.sample(units, 2))) for _ in range(rng.randint(2, len(units)))}
    needs = [{"id": f"N{i}", "title": "需求", "category": "parking", "unit_id": rng.choice(units), "status": "open"}
             for i in range(rng.randint(0, 6))]
    return {
        "units": pd.DataFrame({"id": units, "name": units, "type": "government"}),
        "committees": pd.DataFrame({"id": committees, "name": committees, "level": "street"}),
        "memberships": pd.DataFrame(sorted(set(members)), columns=["unit_id", "committee_id"]),
        "agreements": pd.DataFrame(sorted(pairs), columns=["unit_a", "unit_b"]).assign(kind="co_building"),
        "needs": pd.DataFrame(needs, columns=["id", "title", "category", "unit_id", "status"]),
    }


def expanded_graph(tables) -> nx.Graph:
    g = nx.Graph()
    g.add_nodes_from(tables["units"]["id"])
    g.add_edges_from(expanded_weights(tables))
    return g


@pytest.mark.parametrize("seed", range(12))
def test_bridges_are_the_expanded_networks_bridges(seed):
    tables = random_tables(seed)
    net = build_network(tables, hub_threshold=5)
    ids = list(net.units["id"])
    got = {(ids[a], ids[b]) for a, b in bridge_ties(net)}
    assert got == {tuple(sorted(e)) for e in nx.bridges(expanded_graph(tables))}


@pytest.mark.parametrize("seed", range(12))
def test_bridge_findings_count_what_the_loss_cuts_off(seed):
    tables = random_tables(seed)
    df = find_gaps(tables, as_of="2025-12-31", kinds="bridge", hub_threshold=5)
    g = expanded_graph(tables)
    open_needs = tables["needs"]["unit_id"].value_counts()
    assert len(df) == len(list(nx.bridges(g)))
    for row in df.itertuples():
        a, b = row.subject_ids
        h = g.copy()
        h.remove_edge(a, b)
        need = lambda side: sum(int(open_needs.get(u, 0)) for u in side)  # noqa: E731
        sides = sorted([nx.node_connected_component(h, a), nx.node_connected_component(h, b)],
                       key=lambda side: (len(side), -need(side), side != nx.node_connected_component(h, b)))
        small = sides[0]
        assert row.evidence["stranded_units"] == len(small)
        assert row.evidence["stranded_open_needs"] == need(small)
        assert set(row.evidence["cut_off"]) == small


def test_a_single_agreement_between_two_halves():
    left, right = ["L1", "L2", "L3"], ["R1", "R2", "R3"]
    tables = {
        "units": pd.DataFrame({"id": left + right, "name": ["左一", "左二", "左三", "右一", "右二", "右三"],
                               "type": "government"}),
        "committees": pd.DataFrame({"id": ["C1", "C2"], "name": ["左委员会", "右委员会"], "level": "street"}),
        "memberships": pd.DataFrame({"unit_id": left + right, "committee_id": ["C1"] * 3 + ["C2"] * 3}),
        "agreements": pd.DataFrame({"unit_a": ["L3"], "unit_b": ["R1"], "kind": ["co_building"], "signed": ["2024-05-01"]}),
        "needs": pd.DataFrame({"id": ["N1"], "title": ["停车"], "category": ["parking"], "unit_id": ["R2"], "status": ["open"]}),
    }
    df = find_gaps(tables, as_of="2025-12-31", kinds="bridge")
    assert len(df) == 1
    row = df.iloc[0]
    assert row["kind_zh"] == "单线联系" and row["subject_ids"] == ["L3", "R1"] and row["severity"] == "high"
    assert row["evidence"]["rests_on"] == ["共建协议:co_building"]
    assert (row["evidence"]["stranded_units"], row["evidence"]["stranded_open_needs"]) == (3, 1)
    assert sorted(row["evidence"]["cut_off"]) == ["R1", "R2", "R3"]  # as many units as the left: the side with a need
    assert "左三与右一之间只有一条联系（共建协议:co_building）" in row["message"]


def test_role_names_follow_sna():
    """R's sna::brokerage: b_IO is the representative (A→A→B), b_OI the gatekeeper (A→B→B)."""
    doc = brokerage.__doc__
    assert "representative     代表者     b in a's group, c in another              b_IO" in doc
    assert "gatekeeper         守门者     b in c's group, a in another              b_OI" in doc
    g = nx.DiGraph([("a", "b"), ("b", "c")])
    roles = brokerage.brokerage_reference(g, {"a": 1, "b": 1, "c": 2})  # A → A → B
    assert roles.loc["b", "representative"] == 1 and roles.loc["b", "gatekeeper"] == 0
    roles = brokerage.brokerage_reference(g, {"a": 1, "b": 2, "c": 2})  # A → B → B
    assert roles.loc["b", "gatekeeper"] == 1 and roles.loc["b", "representative"] == 0
