"""The Neo4j store: every statement linted by Neo4j's own front end, the load plan checked by
running it on a real Cypher engine here (LadybugDB), and live tests when NEO4J_URI is set."""
from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from cypherlint import CypherLinter, linter_schema
from graphgov.dataset import schema
from graphgov.dataset.checks import read_and_check
from graphgov.cli import cli
from graphgov.analysis.gds import GDS_FUNCTIONS, GDS_PROCEDURES, gds_statements
from graphgov.store import open_store
from graphgov.store.ladybug_store import ddl_statements
from graphgov.store.neo4j_store import BATCH_SIZE, Neo4jSettings, Neo4jStore, load_statements

ROOT = Path(__file__).resolve().parent.parent
GOOD = ROOT / "tests" / "data" / "good"
SAMPLE = ROOT / "data" / "sample"

PARAMS = {"rows": [], "ids": [], "types": [], "graph": "g", "samples": 1, "seed": 1, "hub_threshold": 50}


@pytest.fixture(scope="module")
def neo4j_linter():
    """The linter with our schema plus what only Neo4j has: the University label and the GDS calls."""
    from cypherlint import LinterMissing

    sch = linter_schema(procedures=GDS_PROCEDURES, functions=GDS_FUNCTIONS)
    sch["labels"] = sch["labels"] + ["University"]
    try:
        return CypherLinter(schema=sch)
    except LinterMissing as err:
        pytest.fail(str(err), pytrace=False)


def test_every_statement_sent_to_neo4j_passes_neo4js_linter(neo4j_linter):
    statements = load_statements() + [(f"gds {n}", s) for n, s in gds_statements()]
    problems = neo4j_linter.check([(n, s, PARAMS) for n, s in statements])
    assert problems == {}, "\n".join(f"{n}: {'; '.join(map(str, d))}" for n, d in problems.items())


def test_linter_rejects_what_neo4j_would(neo4j_linter):
    bad = [("syntax", "MATCH (u:Unit RETURN u", {}), ("label", "MATCH (u:Unitt) RETURN u.id", {}),
           ("gds", "CALL gds.pageRankk.stream('g') YIELD nodeId RETURN nodeId", {})]
    try:
        found = neo4j_linter.lint(bad)
    except ValueError as err:  # an unknown GDS procedure is reported before linting
        assert "gds.pageRankk.stream" in str(err)
        found = neo4j_linter.lint(bad[:2])
    assert found["syntax"] and found["label"]


class RecordingStore(Neo4jStore):
    """The Neo4j store with its statements sent to a recorder (no Neo4j server can run here)."""

    def __init__(self):
        super().__init__(Neo4jSettings("neo4j://recorder", "neo4j", "not-used"))
        self.sent: list[tuple[str, dict]] = []

    def query(self, cypher, params=None):
        self.sent.append((cypher, dict(params or {})))
        return pd.DataFrame()


def test_load_plan_constraints_first_batches_and_params_only():
    ds = read_and_check(SAMPLE)
    rec = RecordingStore()
    rec.load(ds, batch_size=100)
    texts = [s for s, _ in rec.sent]
    n_labels = len(schema.node_tables())
    assert all(t.startswith("CREATE CONSTRAINT") for t in texts[:n_labels])
    assert not any(t.startswith("CREATE CONSTRAINT") for t in texts[n_labels:])
    for text, params in rec.sent:
        for rows in (params.get("rows") or [], params.get("ids") or []):
            assert len(rows) <= 100
    # no value from the data ever appears in a statement's text
    names = set(ds.tables["units"]["name"]) | set(ds.tables["needs"]["title"])
    assert not any(name in t for name in names for t in set(texts))
    sent_units = [r["id"] for t, p in rec.sent if "MERGE (n:Unit" in t for r in p["rows"]]
    assert sorted(sent_units) == sorted(ds.tables["units"]["id"])


def _run_on_ladybug(tmp_path, statements):
    """Execute recorded Neo4j load statements on a LadybugDB with graphgov's schema."""
    import ladybug

    db = ladybug.Database(str(tmp_path / "replay.lbdb"))
    conn = ladybug.Connection(db)
    for ddl in ddl_statements():
        conn.execute(ddl)
    for text, params in statements:
        if text.startswith("CREATE CONSTRAINT") or "University" in text:
            continue  # Neo4j-only: LadybugDB's primary keys are the constraints, it has one label per node
        conn.execute(text, params)
    return conn, db


def test_load_statements_build_the_same_graph_on_a_real_cypher_engine(tmp_path):
    """Run the very statements sent to Neo4j on LadybugDB, twice: same graph as the embedded load."""
    ds = read_and_check(GOOD)
    rec = RecordingStore()
    rec.load(ds, batch_size=2)
    rec.load(ds, batch_size=2)  # idempotent: a repeated (or resumed) load changes nothing
    conn, db = _run_on_ladybug(tmp_path, rec.sent)
    from graphgov.store.tables import read_tables_from

    replayed = read_tables_from(lambda q, p=None: conn.execute(q, p or {}).get_as_df(), include_internal=False)
    conn.close()
    db.close()
    embedded = open_store(tmp_path / "emb.lbdb")
    embedded.load(ds)
    expected = embedded.read_tables(include_internal=False)
    for name, df in expected.items():
        key = list(schema.table(name).key)
        pd.testing.assert_frame_equal(replayed[name].sort_values(key).reset_index(drop=True),
                                      df.sort_values(key).reset_index(drop=True), check_dtype=False)


def test_changed_reference_moves_the_edge(tmp_path):
    """An updated need whose unit changed must not keep its old RAISES edge."""
    ds = read_and_check(GOOD)
    rec = RecordingStore()
    rec.load(ds)
    needs = ds.tables["needs"].copy()
    needs.loc[needs["id"] == "N1", "unit_id"] = "U3"
    ds.tables["needs"] = needs
    rec.load(ds)
    conn, db = _run_on_ladybug(tmp_path, rec.sent)
    got = conn.execute("MATCH (u:Unit)-[:RAISES]->(n:Need {id: 'N1'}) RETURN u.id AS u").get_as_df()["u"].tolist()
    conn.close()
    db.close()
    assert got == ["U3"]


def test_password_is_never_shown(monkeypatch):
    monkeypatch.setenv("NEO4J_PASSWORD", "s3cret-pass")
    settings = Neo4jSettings.from_env(uri="neo4j://127.0.0.1:1")
    assert "s3cret-pass" not in repr(settings) and "s3cret-pass" not in str(settings)
    result = CliRunner().invoke(cli, ["load", str(GOOD), "--neo4j", "neo4j://127.0.0.1:1"])
    assert result.exit_code == 1
    assert "s3cret-pass" not in result.output
    assert "cannot reach Neo4j" in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_no_password_option_exists():
    result = CliRunner().invoke(cli, ["load", "--help"])
    assert "--password" not in result.output


def test_missing_password_without_a_terminal_is_a_clear_error(monkeypatch):
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    result = CliRunner().invoke(cli, ["info", "--neo4j", "neo4j://127.0.0.1:1"])
    assert result.exit_code == 2 and "NEO4J_PASSWORD" in result.output


# -- live tests: a real Neo4j 5 server, when NEO4J_URI (and NEO4J_PASSWORD) are set ------------

live = pytest.mark.skipif(not os.environ.get("NEO4J_URI"), reason="set NEO4J_URI and NEO4J_PASSWORD to run against Neo4j")


@pytest.fixture
def neo4j_store():
    store = Neo4jStore(Neo4jSettings.from_env())
    store.query("MATCH (n) DETACH DELETE n")
    yield store
    store.close()


@live
@pytest.mark.neo4j
def test_live_load_twice_gives_the_embedded_graph(neo4j_store, tmp_path):
    ds = read_and_check(SAMPLE)
    neo4j_store.load(ds)
    neo4j_store.load(ds)
    embedded = open_store(tmp_path / "e.lbdb")
    embedded.load(ds)
    a = neo4j_store.counts().set_index("name")["count"]
    b = embedded.counts().set_index("name")["count"]
    for label in [t.label for t in schema.node_tables()]:
        assert a[label] == b[label]
    constraints = neo4j_store.query("SHOW CONSTRAINTS YIELD labelsOrTypes RETURN labelsOrTypes")
    assert len(constraints) >= len(schema.node_tables())
    assert a["University"] == int((ds.tables["units"]["type"].isin(["university", "research_institute"])).sum())


@live
@pytest.mark.neo4j
def test_live_every_report_equals_the_embedded_store(neo4j_store, tmp_path):
    import datetime as dt

    from graphgov.queries.library import load_reports, run_report

    ds = read_and_check(SAMPLE)
    neo4j_store.load(ds)
    embedded = open_store(tmp_path / "e.lbdb")
    embedded.load(ds)
    examples = {"a": "U001", "b": "U009", "unit": "U001"}
    today = dt.date(2025, 12, 31)
    for name, report in load_reports().items():
        given = {p.name: examples[p.name] for p in report.params if p.name in examples}
        left = run_report(embedded.query, report, given, today)
        right = run_report(neo4j_store.query, report, given, today)
        assert list(left.columns) == list(right.columns), name
        key = list(left.columns)
        pd.testing.assert_frame_equal(_normal(left, key), _normal(right, key), check_dtype=False, obj=name)


def _normal(df: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    """Numbers as floats and dates as ISO text, so both drivers' types compare."""
    import datetime as dt

    def cell(v):
        if isinstance(v, (pd.Timestamp, dt.datetime)):
            return v.date().isoformat()
        if isinstance(v, dt.date):
            return v.isoformat()
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return float(v)
        if isinstance(v, (list, tuple)):
            return repr([cell(x) for x in v])
        return v

    out = df.astype(object).map(cell)
    return out.sort_values(key, key=lambda s: s.astype(str)).reset_index(drop=True)


class AnsweringStore:
    """Answers GDS statements with fixed tables, as a server with the plugin would."""

    def __init__(self, has_gds=True):
        from graphgov.analysis.gds import BETWEENNESS, DEGREE, DROP, PAGERANK, PROJECT, UNITS, VERSION

        self.has_gds = has_gds
        self.sent = []
        self.answers = {
            VERSION: pd.DataFrame({"version": ["2.6.0"]}),
            PROJECT: pd.DataFrame({"graph": ["g"], "nodes": [3], "ties": [2]}),
            DEGREE: pd.DataFrame({"id": ["U1", "U2"], "weighted_degree": [2.0, 1.0]}),
            PAGERANK: pd.DataFrame({"id": ["U1", "U2"], "pagerank": [0.2, 0.5]}),
            BETWEENNESS: pd.DataFrame({"id": ["U1", "U2"], "betweenness": [1.0, 0.0]}),
            UNITS: pd.DataFrame({"id": ["U1", "U2", "U3"], "name": ["甲", "乙", "丙"], "type": ["railway"] * 3}),
            DROP: pd.DataFrame({"graphName": ["g"]}),
        }
        self.version = VERSION

    def query(self, cypher, params=None):
        from graphgov.errors import StoreError

        self.sent.append((cypher, params or {}))
        if cypher == self.version and not self.has_gds:
            raise StoreError("Neo4j refused the statement: Unknown function 'gds.version'")
        return self.answers[cypher]


def test_gds_central_merges_streams_and_drops_the_projection():
    from graphgov.analysis.gds import DROP, PROJECT, gds_central

    store = AnsweringStore()
    df = gds_central(store, samples=64, seed=3)
    assert df["id"].tolist() == ["U2", "U1", "U3"]  # by PageRank; U3 has no ties: zeros
    assert df.set_index("id").loc["U3", ["weighted_degree", "pagerank", "betweenness"]].tolist() == [0, 0, 0]
    names = [c for c, _ in store.sent]
    assert names.index(PROJECT) < names.index(DROP) == len(names) - 2
    graph = store.sent[names.index(PROJECT)][1]["graph"]
    assert store.sent[names.index(DROP)][1]["graph"] == graph
    assert any(p.get("samples") == 64 and p.get("seed") == 3 for _, p in store.sent)


def test_gds_missing_plugin_says_so():
    from graphgov.errors import StoreError
    from graphgov.analysis.gds import gds_central

    with pytest.raises(StoreError, match="no Graph Data Science plugin"):
        gds_central(AnsweringStore(has_gds=False))


def test_central_engine_gds_needs_a_server(monkeypatch):
    monkeypatch.delenv("NEO4J_URI", raising=False)
    result = CliRunner().invoke(cli, ["central", "--engine", "gds"])
    assert result.exit_code == 2 and "NEO4J_URI" in result.output
