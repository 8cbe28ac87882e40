"""Gould–Fernandez brokerage roles: a hand-worked example, brute force, directed triads."""
from __future__ import annotations

import random

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from graphgov.analysis.brokerage import ROLES, brokerage_counts, brokerage_reference, brokerage_roles, network_brokerage
from graphgov.analysis.network import build_network

# The hand-worked example.
#
#   groups: A = {A1, A2, A3, A4}, B = {B1, B2}, C = {C1, C2}
#
#        A1 ─── A3 ─── A4             ties: A1-A2, A1-A3, A2-A3 (a triangle),
#         \    /                            A3-A4, A2-B1, B1-B2, B1-C1, B1-C2
#          A2 ─── B1 ─── B2
#                /  \
#              C1    C2
#
# Each undirected tie is read as two arcs, so every open path a–b–c counts in both
# directions (a→b→c and c→b→a).
#
# A1: its neighbours A2 and A3 are tied             → no brokerage.
# A2: neighbours A1, A3 (tied to each other), B1.
#     (A1,B1), (A3,B1): b in a's group, c not        → representative 2
#     (B1,A1), (B1,A3): b in c's group, a not        → gatekeeper 2
# A3: neighbours A1, A2 (tied), A4.
#     (A1,A4), (A4,A1), (A2,A4), (A4,A2): all in A   → coordinator 4
# B1: neighbours A2, B2, C1, C2 (no ties among them), 12 ordered pairs:
#     (A2,B2) gatekeeper, (B2,A2) representative,
#     (B2,C1), (B2,C2) representative, (C1,B2), (C2,B2) gatekeeper,
#     (A2,C1), (C1,A2), (A2,C2), (C2,A2): three groups → liaison 4
#     (C1,C2), (C2,C1): ends in C, broker in B       → consultant 2
#     so gatekeeper 3, representative 3, consultant 2, liaison 4.
# A4, B2, C1, C2 are leaves: no brokerage.
HAND_EDGES = [("A1", "A2"), ("A1", "A3"), ("A2", "A3"), ("A3", "A4"), ("A2", "B1"), ("B1", "B2"),
              ("B1", "C1"), ("B1", "C2")]
HAND_GROUPS = {"A1": "A", "A2": "A", "A3": "A", "A4": "A", "B1": "B", "B2": "B", "C1": "C", "C2": "C"}
HAND_EXPECTED = {
    #      coordinator gatekeeper representative consultant liaison
    "A1": (0, 0, 0, 0, 0),
    "A2": (0, 2, 2, 0, 0),
    "A3": (4, 0, 0, 0, 0),
    "A4": (0, 0, 0, 0, 0),
    "B1": (0, 3, 3, 2, 4),
    "B2": (0, 0, 0, 0, 0),
    "C1": (0, 0, 0, 0, 0),
    "C2": (0, 0, 0, 0, 0),
}


def hand_graph() -> nx.Graph:
    g = nx.Graph(HAND_EDGES)
    nx.set_node_attributes(g, HAND_GROUPS, "group")
    return g


@pytest.mark.parametrize("node", sorted(HAND_EXPECTED))
def test_hand_worked_example(node):
    roles = brokerage_roles(hand_graph(), "group")
    assert tuple(roles.loc[node, list(ROLES)]) == HAND_EXPECTED[node]
    assert roles.loc[node, "brokerage"] == sum(HAND_EXPECTED[node])


@pytest.mark.parametrize("node", sorted(HAND_EXPECTED))
def test_hand_worked_example_brute_force(node):
    roles = brokerage_reference(hand_graph(), HAND_GROUPS)
    assert tuple(roles.loc[node, list(ROLES)]) == HAND_EXPECTED[node]


@pytest.mark.parametrize("seed", range(12))
def test_fast_path_matches_brute_force_on_random_graphs(seed):
    rng = random.Random(seed)
    g = nx.gnp_random_graph(rng.randint(3, 30), rng.uniform(0.05, 0.6), seed=seed)
    groups = {v: rng.choice("abcd"[: rng.randint(1, 4)]) for v in g}
    fast = brokerage_roles(g, groups)[list(ROLES)]
    slow = brokerage_reference(g, groups).loc[fast.index]
    assert (fast.to_numpy() == slow.to_numpy()).all()


def test_undirected_representative_equals_gatekeeper():
    g = nx.gnp_random_graph(25, 0.2, seed=3)
    groups = {v: v % 3 for v in g}
    roles = brokerage_roles(g, groups)
    assert (roles["representative"] == roles["gatekeeper"]).all()
    assert roles["brokerage"].sum() > 0


@pytest.mark.parametrize(
    "groups, role",
    [
        ({"x": 1, "y": 1, "z": 1}, "coordinator"),
        ({"x": 1, "y": 2, "z": 1}, "consultant"),
        ({"x": 1, "y": 1, "z": 2}, "representative"),
        ({"x": 2, "y": 1, "z": 1}, "gatekeeper"),
        ({"x": 1, "y": 2, "z": 3}, "liaison"),
    ],
)
def test_directed_triad_definitions(groups, role):
    g = nx.DiGraph([("x", "y"), ("y", "z")])
    roles = brokerage_roles(g, groups)
    expected = dict.fromkeys(ROLES, 0)
    expected[role] = 1
    assert roles.loc["y", list(ROLES)].to_dict() == expected
    assert roles.loc[["x", "z"], "brokerage"].tolist() == [0, 0]


def test_directed_closed_triad_is_not_brokerage():
    g = nx.DiGraph([("x", "y"), ("y", "z"), ("x", "z")])
    assert brokerage_roles(g, {"x": 1, "y": 2, "z": 3})["brokerage"].sum() == 0
    # the arc the other way round does not close x → y → z
    g = nx.DiGraph([("x", "y"), ("y", "z"), ("z", "x")])
    assert brokerage_roles(g, {"x": 1, "y": 2, "z": 3}).loc["y", "liaison"] == 1


def test_counts_ignore_weights_and_diagonal():
    from scipy import sparse

    adj = sparse.csr_matrix([[5.0, 2.0, 0.0], [2.0, 0.0, 0.5], [0.0, 0.5, 0.0]])
    counts = brokerage_counts(adj, [0, 1, 0])
    assert counts[1].tolist() == [0, 0, 0, 2, 0]  # node 1 is a consultant between the two 0s


def test_network_brokerage_groups_by_sector_and_block():
    """The hand example as a dataset: agreements for ties, sectors and streets for groups."""
    streets = {"A": "S1", "B": "S2", "C": "S3"}
    units = [{"id": u, "name": f"单位{u}", "type": "government", "sector": f"条{g}", "area_id": streets[g]}
             for u, g in HAND_GROUPS.items()]
    areas = [{"id": "D", "name": "区", "level": "district"}] + [
        {"id": s, "name": f"街道{s}", "level": "street", "parent_id": "D"} for s in streets.values()]
    tables = {"units": pd.DataFrame(units), "areas": pd.DataFrame(areas),
              "agreements": pd.DataFrame([{"unit_a": a, "unit_b": b, "kind": "co_building"} for a, b in HAND_EDGES])}
    net = build_network(tables)
    for by in ("sector", "block"):
        roles = network_brokerage(net, by)
        for node, expected in HAND_EXPECTED.items():
            assert tuple(roles.loc[f"Unit:{node}", list(ROLES)]) == expected


# The same ties with blocks (streets) that cut across the sectors: X = {A1, A2, B1, B2},
# Y = {A3, A4, C1, C2}. Worked by hand as above:
# A2 (X): neighbours A1 (X), A3 (Y) tied to each other, B1 (X).
#     (A1,B1), (B1,A1): all in X                       → coordinator 2
#     (A3,B1): b in c's group, a not                   → gatekeeper 1
#     (B1,A3): b in a's group, c not                   → representative 1
# A3 (Y): neighbours A1, A2 (X, tied), A4 (Y).
#     (A1,A4), (A2,A4): gatekeeper 2; (A4,A1), (A4,A2): representative 2
# B1 (X): neighbours A2, B2 (X) and C1, C2 (Y), none tied.
#     (A2,B2), (B2,A2): coordinator 2; (C1,C2), (C2,C1): consultant 2;
#     X→B1→Y: representative 4; Y→B1→X: gatekeeper 4; only two groups, so no liaison.
BLOCK_OF = {"A1": "X", "A2": "X", "B1": "X", "B2": "X", "A3": "Y", "A4": "Y", "C1": "Y", "C2": "Y"}
BLOCK_EXPECTED = {
    #      coordinator gatekeeper representative consultant liaison
    "A1": (0, 0, 0, 0, 0),
    "A2": (2, 1, 1, 0, 0),
    "A3": (0, 2, 2, 0, 0),
    "A4": (0, 0, 0, 0, 0),
    "B1": (2, 4, 4, 2, 0),
    "B2": (0, 0, 0, 0, 0),
    "C1": (0, 0, 0, 0, 0),
    "C2": (0, 0, 0, 0, 0),
}


def cross_cut_tables() -> dict[str, pd.DataFrame]:
    """The hand example with sectors as HAND_GROUPS and streets as BLOCK_OF: two different partitions."""
    units = [{"id": u, "name": f"单位{u}", "type": "government", "sector": f"条{g}", "area_id": f"街道{BLOCK_OF[u]}"}
             for u, g in HAND_GROUPS.items()]
    areas = [{"id": "D", "name": "区", "level": "district"}] + [
        {"id": f"街道{b}", "name": f"街道{b}", "level": "street", "parent_id": "D"} for b in ("X", "Y")]
    return {"units": pd.DataFrame(units), "areas": pd.DataFrame(areas),
            "agreements": pd.DataFrame([{"unit_a": a, "unit_b": b, "kind": "co_building"} for a, b in HAND_EDGES])}


def test_block_roles_use_the_blocks_not_the_sectors():
    assert tuple(brokerage_reference(hand_graph(), BLOCK_OF).loc["B1", list(ROLES)]) == BLOCK_EXPECTED["B1"]
    net = build_network(cross_cut_tables())
    sector, block = network_brokerage(net, "sector"), network_brokerage(net, "block")
    for node in HAND_GROUPS:
        assert tuple(sector.loc[f"Unit:{node}", list(ROLES)]) == HAND_EXPECTED[node], node
        assert tuple(block.loc[f"Unit:{node}", list(ROLES)]) == BLOCK_EXPECTED[node], node


def test_central_table_reports_block_roles_by_block():
    from graphgov.analysis.central import central_table

    df = central_table(cross_cut_tables()).set_index("id")
    for node in HAND_GROUPS:
        sector = tuple(int(df.loc[node, f"sector_{r}"]) for r in ROLES)
        block = tuple(int(df.loc[node, f"block_{r}"]) for r in ROLES)
        assert (sector, block) == (HAND_EXPECTED[node], BLOCK_EXPECTED[node]), node


def test_network_brokerage_rejects_unknown_grouping():
    net = build_network({"units": pd.DataFrame({"id": ["U1"], "name": ["甲"], "type": ["railway"]})})
    with pytest.raises(ValueError, match="sector"):
        network_brokerage(net, "colour")


# -- edges of the input: counts are integers, loops and weights are not ties, nothing is changed -------
def test_roles_are_integer_counts_on_every_path():
    undirected = brokerage_roles(hand_graph(), "group")
    directed = brokerage_roles(nx.DiGraph([("x", "y"), ("y", "z")]), {"x": 1, "y": 2, "z": 3})
    reference = brokerage_reference(hand_graph(), HAND_GROUPS)
    net = network_brokerage(build_network(cross_cut_tables()), "block")
    for df in (undirected, directed, reference, net):
        assert all(pd.api.types.is_integer_dtype(t) for t in df.dtypes), df.dtypes


def test_a_loop_is_not_a_path():
    """A tie of a unit with itself brokers nothing, on either path."""
    g = nx.DiGraph([("x", "y"), ("y", "z"), ("y", "y")])
    expected = {"x": 0, "y": 1, "z": 0}
    assert brokerage_reference(g, {"x": 1, "y": 2, "z": 3}).sum(axis=1).to_dict() == expected
    u = hand_graph()
    u.add_edge("B1", "B1")
    assert tuple(brokerage_roles(u, "group").loc["B1", list(ROLES)]) == HAND_EXPECTED["B1"]


def test_any_edge_is_a_tie_whatever_its_weight():
    g = hand_graph()
    nx.set_edge_attributes(g, 5.0, "weight")
    g.edges["A2", "B1"]["weight"] = 0.0  # an edge with no weight is still an edge
    roles = brokerage_roles(g, "group")
    for node, expected in HAND_EXPECTED.items():
        assert tuple(roles.loc[node, list(ROLES)]) == expected


def test_empty_and_single_node_graphs():
    assert brokerage_roles(nx.Graph(), {}).empty
    assert brokerage_counts(np.zeros((0, 0)), []).shape == (0, 5)
    one = brokerage_roles(nx.Graph([("a", "a")]), {"a": 1})
    assert one.loc["a"].tolist() == [0, 0, 0, 0, 0, 0]


def test_units_without_a_group_form_one_group():
    """x and z have no group: to the broker y they are one group (consultant), not two (liaison)."""
    roles = brokerage_roles(nx.path_graph(["x", "y", "z"]), {"y": "g"})
    assert roles.loc["y", "consultant"] == 2 and roles.loc["y", "liaison"] == 0


def test_counts_leave_the_matrix_they_are_given_alone():
    from scipy import sparse

    adj = sparse.csr_matrix([[5.0, 2.0, 0.0], [2.0, 0.0, 0.5], [0.0, 0.5, 0.0]])
    before = adj.toarray().copy()
    brokerage_counts(adj, [0, 1, 0])
    assert (adj.toarray() == before).all()


def test_network_brokerage_by_default_sector_area_same_as_block_and_totals():
    net = build_network(cross_cut_tables())
    default, sector = network_brokerage(net), network_brokerage(net, "sector")
    pd.testing.assert_frame_equal(default, sector)
    pd.testing.assert_frame_equal(network_brokerage(net, "area"), network_brokerage(net, "block"))
    for node, expected in BLOCK_EXPECTED.items():
        assert network_brokerage(net, "block").loc[f"Unit:{node}", "brokerage"] == sum(expected)


def test_network_brokerage_leaves_hub_ties_out():
    """A large committee (a hub) of A1, B2 and C1 neither closes a triad nor adds a path."""
    tables = cross_cut_tables()
    tables["committees"] = pd.DataFrame([{"id": "K", "name": "大委员会", "level": "street", "area_id": "街道X"}])
    tables["memberships"] = pd.DataFrame([{"unit_id": u, "committee_id": "K"} for u in ("A1", "B2", "C1")])
    net = build_network(tables, hub_threshold=2)
    assert net.edges["hub"].any()
    roles = network_brokerage(net, "sector")
    for node, expected in HAND_EXPECTED.items():
        assert tuple(roles.loc[f"Unit:{node}", list(ROLES)]) == expected
