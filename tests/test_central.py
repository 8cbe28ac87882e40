"""The coordination network and central actors: hand-checked graphs, networkx vs igraph,
sampling error bounds, the planted dataset and the ``graphgov central`` command."""
from __future__ import annotations

import json
import random

import networkx as nx
import numpy as np
import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from graphgov.analysis.central import METRICS, articulation_cuts, betweenness_error, central_table, unit_metrics
from graphgov.cli import cli
from graphgov.errors import NotFoundError, OptionError
from graphgov.analysis.network import CoordinationNetwork, build_network, coordination_network, scope_units
from conftest import load_tables
from planted import planted_tables


def net_from(g: nx.Graph, groups: dict | None = None) -> CoordinationNetwork:
    """A CoordinationNetwork straight from a weighted networkx graph (one 'agreement' layer)."""
    keys = sorted(g.nodes)
    groups = groups or {}
    units = pd.DataFrame({
        "id": keys, "name": keys, "type": "government", "type_zh": "党政机关", "sector": None, "area_id": None,
        "sector_group": [groups.get(k, "x") for k in keys], "block": None, "block_name": "x",
    }, index=pd.Index(keys, name="key"))
    rows = [(min(a, b), max(a, b), float(d.get("weight", 1.0))) for a, b, d in g.edges(data=True)]
    e = pd.DataFrame(rows, columns=["source", "target", "weight"])
    e["distance"] = 1.0 / e["weight"]
    e["agreement"] = e["weight"]
    e["hub"] = False
    hubs = pd.DataFrame(columns=["key", "id", "name", "kind", "size", "members"])
    return CoordinationNetwork(units, e, hubs, ("agreement",), {})


def path4():
    return nx.path_graph(["a", "b", "c", "d"])


def star():
    return nx.star_graph(["h", "x", "y", "z"])


def weighted():
    g = nx.Graph()
    g.add_edge("a", "b", weight=1.0)
    g.add_edge("a", "c", weight=0.5)
    g.add_edge("b", "c", weight=2.0)
    g.add_edge("c", "d", weight=1.0)
    return g


# Worked by hand (see docs/analysis.md for the definitions):
# path a-b-c-d: b lies on 2 of the 3 pairs it is not in → 2/3; closeness of a = 3/(1+2+3);
#   harmonic of a = (1 + 1/2 + 1/3)/3; constraint of a = 1 (one contact), of b = 2·(1/2)² = 1/2;
#   PageRank solves x_a = .15/4 + .85·x_b/2, x_b = .15/4 + .85·(x_a + x_b/2).
# star h-x,y,z: h on every pair → 1; leaf closeness 3/(1+2+2); constraint of h = 3·(1/3)²;
#   PageRank x_h = .15/4 + .85·3·x_l, x_l = .15/4 + .85·x_h/3.
# weighted a-b 1, a-c 0.5, b-c 2, c-d 1: a→c is shorter through b (1 + 1/2 < 2);
#   effective size of b = (1 - 2/3·1/2) + (1 - 1/3·1/4) = 19/12.
CASES = [
    (path4, "a", "degree", 1), (path4, "b", "degree", 2),
    (path4, "a", "betweenness", 0.0), (path4, "b", "betweenness", 2 / 3),
    (path4, "a", "closeness", 0.5), (path4, "b", "closeness", 0.75),
    (path4, "a", "harmonic", (1 + 1 / 2 + 1 / 3) / 3), (path4, "b", "harmonic", (1 + 1 + 1 / 2) / 3),
    (path4, "a", "constraint", 1.0), (path4, "b", "constraint", 0.5),
    (path4, "a", "effective_size", 1.0), (path4, "b", "effective_size", 2.0),
    (path4, "a", "pagerank", 0.175439), (path4, "b", "pagerank", 0.324561),
    (path4, "a", "articulation", False), (path4, "b", "articulation", True),
    (star, "h", "betweenness", 1.0), (star, "x", "betweenness", 0.0),
    (star, "h", "closeness", 1.0), (star, "x", "closeness", 0.6),
    (star, "h", "harmonic", 1.0), (star, "x", "harmonic", 2 / 3),
    (star, "h", "constraint", 1 / 3), (star, "x", "constraint", 1.0),
    (star, "h", "effective_size", 3.0), (star, "x", "effective_size", 1.0),
    (star, "h", "pagerank", 0.479730), (star, "x", "pagerank", 0.173423),
    (star, "h", "articulation", True),
    (weighted, "c", "weighted_degree", 3.5), (weighted, "c", "degree", 3),
    (weighted, "b", "betweenness", 2 / 3), (weighted, "c", "betweenness", 2 / 3), (weighted, "a", "betweenness", 0.0),
    (weighted, "b", "effective_size", 19 / 12),
    (weighted, "c", "articulation", True),
]


@pytest.mark.parametrize("engine", ["igraph", "networkx"])
@pytest.mark.parametrize("graph, node, metric, expected", CASES)
def test_metric_by_hand(graph, node, metric, expected, engine):
    m = unit_metrics(net_from(graph()), engine=engine, exact=True)
    if isinstance(expected, bool):
        assert bool(m.loc[node, metric]) is expected
    else:
        assert m.loc[node, metric] == pytest.approx(expected, abs=1e-6)


def test_isolated_unit_has_no_constraint():
    g = path4()
    g.add_node("lonely")
    m = unit_metrics(net_from(g), exact=True)
    assert np.isnan(m.loc["lonely", "constraint"]) and np.isnan(m.loc["lonely", "effective_size"])
    assert m.loc["lonely", "betweenness"] == 0 and m.loc["lonely", "harmonic"] == 0


def random_weighted(seed: int) -> nx.Graph:
    rng = random.Random(seed)
    g = nx.gnp_random_graph(rng.randint(5, 40), rng.uniform(0.05, 0.35), seed=seed)
    g = nx.relabel_nodes(g, {v: f"n{v:02d}" for v in g})
    for a, b in g.edges:
        # powers of two keep path lengths exact, so ties between shortest paths are real ties
        g.edges[a, b]["weight"] = rng.choice([0.5, 1.0, 2.0, 4.0])
    return g


@pytest.mark.parametrize("seed", range(10))
def test_igraph_agrees_with_networkx(seed):
    net = net_from(random_weighted(seed))
    fast = unit_metrics(net, engine="igraph", exact=True)
    ref = unit_metrics(net, engine="networkx")
    for metric in METRICS:
        assert fast[metric].astype(float).to_numpy() == pytest.approx(
            ref[metric].astype(float).to_numpy(), abs=1e-7, nan_ok=True), metric


def test_effective_size_follows_burts_definition_not_a_shortcut():
    # networkx 3.6's all-nodes sparse shortcut gives 5/3 for b here; its per-node path,
    # Burt's definition and our sparse version give 19/12
    g = weighted()
    assert nx.effective_size(g, nodes=["b"], weight="weight")["b"] == pytest.approx(19 / 12)
    assert unit_metrics(net_from(g), exact=True).loc["b", "effective_size"] == pytest.approx(19 / 12)


def test_sampled_betweenness_within_stated_bound():
    g = nx.gnp_random_graph(300, 0.02, seed=7)
    g = nx.relabel_nodes(g, {v: f"n{v:03d}" for v in g})
    net = net_from(g)
    exact = unit_metrics(net, exact=True)
    for most in (60, 4096):  # a fixed sample, and sampling until the top 50 is settled
        approx = unit_metrics(net, samples=60, seed=1, exact_limit=0, max_samples=most)
        assert exact.attrs["betweenness_exact"] and not approx.attrs["betweenness_exact"]
        k = approx.attrs["betweenness_sources"]
        assert 60 <= k <= (64 if most == 60 else 300)
        eps = approx.attrs["betweenness_error"]
        assert eps == pytest.approx(betweenness_error(300, k))
        assert 0 < eps < 1
        assert np.abs(approx["betweenness"] - exact["betweenness"]).max() <= eps
    assert unit_metrics(net, samples=60, seed=1).attrs["betweenness_exact"]  # 300 units: under the limit
    again = unit_metrics(net, samples=60, seed=1, exact_limit=0)
    assert (again["betweenness"] == approx["betweenness"]).all()
    assert unit_metrics(net, samples=60, exact=True, exact_limit=0)["betweenness"].to_numpy() == pytest.approx(
        exact["betweenness"].to_numpy())


@pytest.mark.parametrize("seed", range(8))
def test_articulation_cuts_match_removal(seed):
    rng = random.Random(seed)
    g = nx.gnp_random_graph(rng.randint(4, 30), rng.uniform(0.05, 0.2), seed=seed)
    weights = np.array([[1.0, rng.randint(0, 3)] for _ in g])
    cuts = articulation_cuts(nx.to_scipy_sparse_array(g, nodelist=list(range(len(g))), format="csr"), weights)
    assert set(cuts.index) == set(nx.articulation_points(g))
    for v in cuts.index:
        comp = nx.node_connected_component(g, v)
        h = g.subgraph(comp - {v})
        parts = sorted((list(c) for c in nx.connected_components(h)), key=len, reverse=True)
        assert cuts.loc[v, "pieces"] == len(parts)
        stranded = [u for p in parts[1:] for u in p]
        assert cuts.loc[v, "cut_0"] == len(stranded)
        assert cuts.loc[v, "cut_1"] == pytest.approx(weights[stranded, 1].sum()) or len(parts[0]) == len(parts[1])


# -- the network --------------------------------------------------------------------------------
def small_tables(**extra):
    units = pd.DataFrame({"id": ["U1", "U2", "U3", "U4"], "name": ["甲", "乙", "丙", "丁"],
                          "type": ["railway", "transit", "government", "school"],
                          "area_id": ["S1", "S1", "S2", "S2"]})
    tables = {
        "units": units,
        "areas": pd.DataFrame({"id": ["D", "S1", "S2"], "name": ["区", "一街", "二街"],
                               "level": ["district", "street", "street"], "parent_id": [None, "D", "D"]}),
        "committees": pd.DataFrame({"id": ["C1", "C2"], "name": ["委员会", "联盟"], "level": ["street", "alliance"],
                                    "area_id": ["S1", "S2"], "parent_id": [None, "C1"]}),
        "memberships": pd.DataFrame({"unit_id": ["U1", "U2", "U3", "U4"], "committee_id": ["C1", "C1", "C1", "C2"]}),
        "projects": pd.DataFrame({"id": ["P1"], "title": ["项目"], "lead_unit_id": ["U1"]}),
        "participations": pd.DataFrame({"project_id": ["P1"], "unit_id": ["U2"]}),
        "agreements": pd.DataFrame({"unit_a": ["U2"], "unit_b": ["U3"], "kind": ["co_building"]}),
        "party_orgs": pd.DataFrame({"id": ["O1", "O3"], "name": ["党委", "支部"], "unit_id": ["U1", "U3"],
                                    "parent_id": [None, "O1"]}),
    }
    tables.update(extra)
    return tables


@pytest.mark.parametrize("layers, a, b, expected", [
    (None, "U1", "U2", 0.5 + 1.0),          # committee of 3: 1/(3-1); joint project: 1
    (None, "U1", "U3", 0.5 + 0.5),          # committee; U3's party branch reports to U1's party committee
    (None, "U2", "U3", 0.5 + 1.0),          # committee; co-building agreement
    ("committee", "U1", "U2", 0.5),
    ("project,agreement", "U2", "U3", 1.0),
    ("party", "U1", "U3", 0.5),
])
def test_layer_weights(layers, a, b, expected):
    g = coordination_network(small_tables(), layers=layers)
    assert g.edges[f"Unit:{a}", f"Unit:{b}"]["weight"] == pytest.approx(expected)
    assert g.edges[f"Unit:{a}", f"Unit:{b}"]["distance"] == pytest.approx(1 / expected)


def test_layers_are_checked():
    with pytest.raises(OptionError, match="unknown layer 'friendship'"):
        build_network(small_tables(), layers="committee,friendship")


@pytest.mark.parametrize("committee, area, expected", [
    (None, None, {"U1", "U2", "U3", "U4"}),
    ("C1", None, {"U1", "U2", "U3", "U4"}),   # C2 reports to C1
    ("C2", None, {"U4"}),
    (None, "S1", {"U1", "U2", "U3"}),         # located there, or on a committee located there
    (None, "S2", {"U3", "U4"}),
    (None, "D", {"U1", "U2", "U3", "U4"}),
])
def test_scope(committee, area, expected):
    assert scope_units(small_tables(), committee, area) == expected


def test_unknown_scope_is_reported():
    with pytest.raises(NotFoundError, match="no committee with id 'C9'"):
        build_network(small_tables(), committee="C9")
    with pytest.raises(NotFoundError, match="no area with id 'X'"):
        build_network(small_tables(), area="X")


def big_committee_tables():
    ids = [f"U{i}" for i in range(1, 7)]
    return {
        "units": pd.DataFrame({"id": ids, "name": [f"单位{i}" for i in ids], "type": "government"}),
        "committees": pd.DataFrame({"id": ["C1"], "name": ["大委员会"], "level": ["street"]}),
        "memberships": pd.DataFrame({"unit_id": ids[:5], "committee_id": "C1"}),
        "agreements": pd.DataFrame({"unit_a": ["U5"], "unit_b": ["U6"], "kind": ["co_building"]}),
    }


def test_large_committee_becomes_a_hub_with_the_same_distances():
    hub = build_network(big_committee_tables(), hub_threshold=3)
    full = build_network(big_committee_tables(), hub_threshold=None)
    assert list(hub.hubs["key"]) == ["Committee:C1"] and full.hubs.empty
    assert len(full.edges) == 10 + 1 and len(hub.edges) == 5 + 1
    gh, gf = hub.to_networkx(), full.to_networkx()
    assert gh.nodes["Committee:C1"]["kind"] == "hub"
    dh = dict(nx.all_pairs_dijkstra_path_length(gh, weight="distance"))
    df = dict(nx.all_pairs_dijkstra_path_length(gf, weight="distance"))
    for a in full.units.index:
        for b in full.units.index:
            assert dh[a][b] == pytest.approx(df[a][b])
    mh, mf = unit_metrics(hub, exact=True), unit_metrics(full, exact=True)
    for metric in ("degree", "weighted_degree", "betweenness", "closeness", "harmonic", "articulation"):
        assert mh[metric].astype(float).to_numpy() == pytest.approx(mf[metric].astype(float).to_numpy()), metric
    assert mh.loc["Unit:U5", "betweenness"] == pytest.approx(0.4)  # 4 of the 10 pairs of the others


# -- the planted dataset -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    """The planted dataset loaded once for the read-only tests of this module."""
    store = load_tables(tmp_path_factory.mktemp("planted"), planted_tables())
    yield store
    store.close()


def test_planted_bridge_ranks_first(make_store):
    df = central_table(make_store(planted_tables(), name="planted"))
    assert df.loc[0, "id"] == "B" and df.loc[0, "rank"] == 1
    assert df.loc[0, "name"] == "东风街道办事处"
    assert set(df.loc[df["articulation"], "id"]) == {"B"}
    b = df.set_index("id").loc["B"]
    assert b["degree"] == 11 and b["weighted_degree"] == pytest.approx(2.0)  # two committees, 1 each
    # B (sector 街道, block 示范区) links 7 transport units on one street to 4 education units
    # on the other: every open path joins three groups, in both directions
    for by in ("sector", "block"):
        assert b[f"{by}_liaison"] == 2 * 7 * 4
        assert b[f"{by}_coordinator"] == b[f"{by}_gatekeeper"] == b[f"{by}_representative"] == 0
        assert b[f"{by}_brokerage"] == 2 * 7 * 4
    assert df.attrs["betweenness_exact"]


def test_planted_central_by_committee_and_layers(planted):
    c2 = central_table(planted, committee="C2")
    assert set(c2["id"]) == {"E1", "E2", "E3", "E4", "B"}
    only_agreements = central_table(planted, layers="agreement", sort_by="degree")
    assert set(only_agreements.loc[only_agreements["degree"] > 0, "id"]) == {"E1", "E2", "E3", "E4", "T2", "T3"}
    with pytest.raises(OptionError, match="cannot sort by"):
        central_table(planted, sort_by="fame")


# -- the command ---------------------------------------------------------------------------------------
def run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_cli_table(planted):
    result = run("central", "--store", str(planted.path), "--top", "3")
    assert result.exit_code == 0, result.output
    assert "东风街道办事处" in result.output and "中介中心度" in result.output
    assert len(result.output.strip().splitlines()) == 3 + 3  # title, header, rule, 3 units


def test_cli_json(planted):
    result = run("central", "--store", str(planted.path), "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert len(rows) == 12 and rows[0]["id"] == "B"
    for key in ("id", "name", "type", *METRICS, "sector_liaison", "block_gatekeeper"):
        assert key in rows[0]
    assert rows[0]["articulation"] is True


def test_cli_csv_round_trips(planted, tmp_path):
    out = tmp_path / "central.csv"
    result = run("central", "--store", str(planted.path), "--format", "csv", "--out", str(out))
    assert result.exit_code == 0, result.output
    df = pd.read_csv(out, encoding="utf-8-sig").set_index("id")
    assert len(df) == 12 and df["name"].iloc[0] == "东风街道办事处"
    # B joins the 7 transport and 4 education units: 28 of the 55 pairs of the other 11
    assert df.loc["B", "betweenness"] == pytest.approx(28 / 55)
    # every unit's value again with networkx's Brandes on the same weighted ties, not graphgov's engine
    net = build_network(planted.read_tables(include_internal=False))
    g = nx.Graph()
    g.add_nodes_from(net.units.index)
    g.add_weighted_edges_from(net.edges[["source", "target", "distance"]].itertuples(index=False), weight="distance")
    ref = nx.betweenness_centrality(g, weight="distance", normalized=True)
    for uid in df.index:
        assert df.loc[uid, "betweenness"] == pytest.approx(ref[f"Unit:{uid}"], abs=1e-6), uid


def test_cli_xlsx(planted, tmp_path):
    out = tmp_path / "central.xlsx"
    result = run("central", "--store", str(planted.path), "--format", "xlsx", "--out", str(out), "--top", "5")
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[0] == "关于"
    ws = book.worksheets[1]
    header = [c.value for c in ws[1]]
    assert header[:3] == ["排名", "编号", "名称"] and ws.max_row == 6
    assert ws.cell(row=2, column=3).value == "东风街道办事处"


@pytest.mark.parametrize("args, message", [
    (["--layers", "committee,gossip"], "unknown layer 'gossip'; choose from committee, project, agreement, party"),
    (["--format", "pdf"], "Invalid value for '--format': 'pdf' is not one of"),
    (["--top", "0"], "Invalid value for '--top': 0 is not in the range x>=1"),
    (["--sort", "fame"], "Invalid value for '--sort': 'fame' is not one of 'degree'"),
    (["--hub-threshold", "1"], "--hub-threshold: must be 0 (expand all) or at least 2"),
    (["--format", "xlsx"], "--format xlsx needs --out FILE.xlsx"),
])
def test_cli_bad_options_exit_2(planted, args, message):
    result = CliRunner().invoke(cli, ["central", "--store", str(planted.path), *args])
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output


def test_cli_unknown_committee_exits_1(planted):
    result = CliRunner().invoke(cli, ["central", "--store", str(planted.path), "--committee", "C9"])
    assert result.exit_code == 1, result.output
    assert "no committee with id 'C9'" in result.output and "Traceback" not in result.output


def test_cli_reports_sampling(planted):
    result = CliRunner().invoke(cli, ["central", "--store", str(planted.path), "--samples", "4", "--exact-limit", "0",
                                       "--format", "csv"])
    assert result.exit_code == 0
    assert "betweenness sampled from" in result.output and "of 12 units" in result.output
    assert "of the top 11 by betweenness, about" in result.output  # how sure the ranking is


def test_sample_dataset_bridge(sample_store):
    df = central_table(sample_store).set_index("id")
    assert bool(df.loc["U009", "articulation"])  # the only tie between Tianjin and Beijing
    assert df.loc["U009", "rank"] <= 5
