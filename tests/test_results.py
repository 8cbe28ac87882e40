"""Analysis results kept in the store: written and read back unchanged on both stores, stamped,
fresh while the data they read stay the same, kept across loads, reused by the report."""
from __future__ import annotations

import json

import ladybug
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from conftest import write_dataset
from cypherlint import cypher_linter  # noqa: F401  (fixture)
from graphgov.cli import cli
from graphgov.dataset import schema
from graphgov.dataset.checks import read_and_check
from graphgov.results import Results, data_version, stored
from graphgov.store import open_store
from planted import AS_OF, planted_tables


@pytest.fixture
def planted_path(tmp_path):
    path = tmp_path / "p.lbdb"
    with open_store(path, read_only=False) as store:
        store.load(read_and_check(write_dataset(tmp_path / "data", planted_tables())))
    return path


def partial(folder, name, rows):
    """A partial dataset: one table's file."""
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_csv(folder / f"{name}.csv", index=False)
    return folder


def computed(store, as_of=AS_OF):
    r = Results(store)
    return r.compute_central(), r.compute_findings(as_of=as_of), r.compute_assignments(as_of=as_of)[0]


def same(a: pd.DataFrame, b: pd.DataFrame, columns) -> None:
    for c in columns:
        x, y = list(a[c]), list(b[c])
        assert len(x) == len(y), c
        for u, v in zip(x, y):
            if isinstance(u, float) and isinstance(v, float):
                assert (np.isnan(u) and np.isnan(v)) or u == v, (c, u, v)
            else:
                assert u == v, (c, u, v)


def test_stored_results_read_back_as_computed(planted_path):
    with open_store(planted_path) as store:
        central, findings, assignments = computed(store)
        again = Results(store)
        c2, f2 = again.central(), again.findings(as_of=AS_OF)
        a2 = again.assignments(as_of=AS_OF)
    want = central.sort_values("betweenness", ascending=False, kind="stable")
    same(want.reset_index(drop=True), c2, [c for c in central.columns if c != "rank"])
    same(findings, f2, list(findings.columns))
    same(assignments, a2, list(assignments.columns))
    assert f2.attrs["as_of"] == AS_OF and f2.attrs["communities"]["runs"] >= 2


def test_what_the_store_holds(planted_path):
    with open_store(planted_path) as store:
        central, findings, assignments = computed(store)
        units = store.query("MATCH (u:Unit) RETURN u.id AS id, u.central_rank AS r, u.betweenness AS b, "
                            "u.sector_liaison AS l, u.community AS c ORDER BY r")
        about = store.query("MATCH (f:Finding)-[:ABOUT]->(u:Unit) WHERE f.kind = 'single_broker' "
                            "RETURN u.id AS id, f.severity AS severity")
        located = store.query("MATCH (f:Finding)-[:LOCATED_IN]->(a:Area) WHERE f.kind = 'unmet_need' "
                              "RETURN f.subject_id AS need, a.id AS area ORDER BY need")
        pairs = store.query("MATCH (n:Need)<-[:FOR_NEED]-(p:Proposal)-[:USES]->(r:Resource) "
                            "RETURN n.id AS need, r.id AS resource, p.units AS units")
        runs = store.query("MATCH (r:AnalysisRun) RETURN r.analysis AS a, r.data_version AS v, r.params AS p")
        tables = store.read_tables()
    assert units["id"].iloc[0] == "B" and units["b"].iloc[0] == pytest.approx(central.loc[0, "betweenness"])
    assert units.set_index("id").loc["B", "l"] == 2 * 7 * 4
    assert units["c"].notna().all()
    assert list(about["id"]) == ["B"]
    # the planted unmet needs N2 (T1, in S1) and N3 (E1, in S2) are located in their own areas
    assert located.set_index("need").loc["N2", "area"] == "S1" and located.set_index("need").loc["N3", "area"] == "S2"
    assert sorted(zip(pairs["need"], pairs["resource"])) == sorted(zip(assignments["need_id"],
                                                                       assignments["resource_id"]))
    versions = dict(zip(runs["a"], runs["v"]))
    assert versions == {a: data_version(tables, a) for a in ("central", "gaps", "match")}
    assert json.loads(runs.set_index("a").loc["gaps", "p"])["as_of"] == AS_OF


def test_fresh_until_the_data_it_reads_change(planted_path, tmp_path):
    with open_store(planted_path) as store:
        computed(store)
    # a new need: the lists changed, the network did not
    need = [{"id": "N9", "title": "新需求", "category": "legal", "unit_id": "T1", "status": "open"}]
    with open_store(planted_path, read_only=False) as store:
        store.load(read_and_check(partial(tmp_path / "n", "needs", need), partial=True,
                                  known_ids=store.known_ids()))
    with open_store(planted_path) as store:
        r = Results(store)
        status = r.status().set_index("analysis")["state"].to_dict()
        assert status == {"central": "fresh", "gaps": "stale", "match": "stale"}
        assert r.fresh("central", {"other": "parameters"}) is None  # other parameters: not these results
    # a new agreement changes the network
    ag = [{"unit_a": "T1", "unit_b": "E1", "kind": "co_building"}]
    with open_store(planted_path, read_only=False) as store:
        store.load(read_and_check(partial(tmp_path / "a", "agreements", ag), partial=True,
                                  known_ids=store.known_ids()))
    with open_store(planted_path) as store:
        assert Results(store).status().set_index("analysis").loc["central", "state"] == "stale"


def test_results_survive_loads_and_a_replacing_load_drops_what_points_at_removed_rows(planted_path, tmp_path):
    with open_store(planted_path) as store:
        _, findings, assignments = computed(store)
    data = write_dataset(tmp_path / "again", planted_tables())
    with open_store(planted_path, read_only=False) as store:
        store.load(read_and_check(data))  # the same rows again
    with open_store(planted_path) as store:
        r = Results(store)
        assert set(r.status()["state"]) == {"fresh"}
        assert len(r.findings(as_of=AS_OF)) == len(findings)
    gone = next(n for n in assignments["need_id"] if n != "N1")  # PJ1 names N1
    tables = planted_tables()
    tables["needs"] = [n for n in tables["needs"] if n["id"] != gone]
    with open_store(planted_path, read_only=False) as store:
        store.load(read_and_check(write_dataset(tmp_path / "less", tables)), replace=True)
    with open_store(planted_path) as store:
        left = store.query("MATCH (p:Proposal) RETURN p.need_id AS need")
        about = store.query("MATCH (f:Finding)-[:ABOUT]->(n:Need) RETURN n.id AS need")
        assert gone not in set(left["need"]) and gone not in set(about["need"])
        assert len(left) == int((assignments["need_id"] != gone).sum())
        assert Results(store).status().set_index("analysis").loc["match", "state"] == "stale"


def test_report_reuses_fresh_results_and_recompute_forces(planted_path, tmp_path):
    runner = CliRunner()
    args = ["report", "--store", str(planted_path), "--date", AS_OF, "--out", str(tmp_path / "r.html")]
    first = runner.invoke(cli, args)
    assert first.exit_code == 0, first.output
    assert "reused" not in first.stderr
    second = runner.invoke(cli, args)
    assert second.exit_code == 0 and second.stderr.count("reused (data unchanged)") == 3, second.stderr
    forced = runner.invoke(cli, args + ["--recompute"])
    assert forced.exit_code == 0 and "reused" not in forced.stderr
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "东风街道办事处" in html


def test_scoped_runs_are_not_stored(planted_path):
    with open_store(planted_path) as store:
        Results(store).compute_central(committee="C2")
        assert stored.read_stamps(store) == {}
        assert store.query("MATCH (u:Unit) WHERE u.central_rank IS NOT NULL RETURN count(*) AS n")["n"][0] == 0


def test_analysis_commands_store_and_no_save_does_not(planted_path):
    runner = CliRunner()
    assert runner.invoke(cli, ["central", "--store", str(planted_path), "--no-save"]).exit_code == 0
    with open_store(planted_path) as store:
        assert stored.read_stamps(store) == {}
    for args in (["central"], ["gaps", "--as-of", AS_OF], ["match", "--all", "--assign", "--on", AS_OF]):
        result = runner.invoke(cli, [*args, "--store", str(planted_path)])
        assert result.exit_code == 0, result.output
    with open_store(planted_path) as store:
        assert set(stored.read_stamps(store)) == {"central", "gaps", "match"}


def test_a_store_from_an_older_graphgov_gets_the_new_tables(tmp_path):
    """A database made with the schema before results: opened, it gains the tables and properties."""
    path = tmp_path / "old.lbdb"
    db = ladybug.Database(str(path))
    conn = ladybug.Connection(db)
    old = [t for t in schema.node_tables() if not t.computed]
    for t in old:
        conn.execute(f"CREATE NODE TABLE {t.label}({', '.join(f'{c.name} {c.db_type}' for c in t.columns)}, "
                     "PRIMARY KEY(id))")
    props = schema.relation_properties()
    for rtype, pairs in schema.relation_endpoints().items():
        parts = [f"FROM {a} TO {b}" for a, b in pairs if a in {t.label for t in old} and b in {t.label for t in old}]
        if parts:
            parts += [f"{c.name} {c.db_type}" for c in props.get(rtype, [])]
            conn.execute(f"CREATE REL TABLE {rtype}({', '.join(parts)})")
    conn.execute("CREATE (:Unit {id: 'U1', name: '甲', type: 'government'})")
    conn.close()
    db.close()
    with open_store(path) as store:
        assert store.query("MATCH (u:Unit) RETURN u.betweenness AS b")["b"].isna().all()
        Results(store).compute_central()
        assert store.query("MATCH (u:Unit) RETURN u.central_rank AS r")["r"].tolist() == [1]
        assert set(store.counts()["name"]) >= {"Finding", "Proposal", "AnalysisRun", "ABOUT"}


# -- Neo4j ----------------------------------------------------------------------------------
# The same results on a real Neo4j server: tests/test_neo4j.py (test_stored_results_are_the_same_on_both_stores_and_reused,
# test_central_with_gds_keeps_its_measures_on_the_units). Here: every statement is one Neo4j's linter accepts.

def test_result_statements_pass_neo4j_linter(cypher_linter):
    problems = cypher_linter.check([(name, text, params) for name, text, params in stored.statements()])
    assert problems == {}, problems
