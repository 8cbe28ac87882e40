"""The Neo4j store against a real Neo4j 5.26 server with Graph Data Science (started from
Maven Central on loopback, see tests/neo4j/), side by side with the embedded store.

Every command runs on both stores and must give the same answers; loads are exact and
atomic; the dispatch loop never gives the last unit of a resource twice; errors and the
server's notifications reach the user as one line each. Every statement sent during these
tests is recorded and, at the end, linted by Neo4j's own Cypher front end and packed with
the driver's own encoder.
"""
from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from conftest import ROOT, SAMPLE, python_env, write_dataset
from cypherlint import CypherLinter, LinterMissing, linter_schema
from graphgov.analysis.gds import GDS_FUNCTIONS, GDS_PROCEDURES
from graphgov.cli import cli
from graphgov.dataset import schema
from graphgov.dataset.checks import read_and_check
from graphgov.errors import ConstraintViolation, OptionError, StoreUnavailableError, TransitionError
from graphgov.matching import lifecycle
from graphgov.store import open_store
from graphgov.store.neo4j_store import (LOCK_LABEL, STAGED_LABEL, Neo4jSettings, Neo4jStore, load_statements,
                                       staged_labels)

pytestmark = pytest.mark.neo4j

DAY = "2025-12-31"
SENT: list[tuple[str, dict]] = []  # every statement any Neo4j store sent in this module


@pytest.fixture(autouse=True)
def record_statements(monkeypatch):
    """The recording driver: every statement and parameter map, whichever code sent it."""
    original = Neo4jStore._run

    def run(self, cypher, params, shown):
        SENT.append((cypher, dict(params or {})))
        return original(self, cypher, params, shown)

    monkeypatch.setattr(Neo4jStore, "_run", run)


@pytest.fixture
def server(neo4j_server, monkeypatch):
    for k, v in neo4j_server.env().items():
        monkeypatch.setenv(k, v)
    monkeypatch.delenv("NEO4J_DATABASE", raising=False)
    monkeypatch.delenv("GRAPHGOV_STORE", raising=False)
    return neo4j_server


@pytest.fixture
def neo(server):
    """The server's database, emptied (data and the writers' lock node)."""
    store = Neo4jStore(Neo4jSettings.from_env())
    store.query("MATCH (n) DETACH DELETE n")
    yield store
    store.close()


def invoke(*args, ok=True):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    if ok:
        assert result.exit_code == 0, f"{args}: exit {result.exit_code}\n{result.output}\n{result.exception!r}"
    return result


# -- answers compared between the stores ---------------------------------------------------------

def _cell(v):
    if v is None or v is pd.NaT or (isinstance(v, float) and v != v):
        return None
    if isinstance(v, (pd.Timestamp, dt.datetime)):
        return v.date().isoformat() if isinstance(v, pd.Timestamp) or v.time() == dt.time() else v.isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)):
        return round(float(v), 9)
    if isinstance(v, (list, tuple)):
        return repr([_cell(x) for x in v])
    if isinstance(v, dict):
        return repr({k: _cell(x) for k, x in sorted(v.items())})
    return v


def normal(df: pd.DataFrame, drop=()) -> pd.DataFrame:
    """Numbers as rounded floats, dates as ISO text, rows sorted: both drivers' types compare."""
    df = df.drop(columns=[c for c in drop if c in df.columns])
    out = df.astype(object).map(_cell)
    return out.sort_values(list(out.columns), key=lambda s: s.astype(str)).reset_index(drop=True)


def same_json(left: str, right: str, drop=()) -> None:
    a, b = pd.DataFrame(json.loads(left)), pd.DataFrame(json.loads(right))
    assert list(a.columns) == list(b.columns)
    pd.testing.assert_frame_equal(normal(a, drop), normal(b, drop), check_dtype=False)


def compare_command(args: list, lbdb: Path, uri: str, drop=()) -> None:
    left = invoke(*args, "--store", lbdb, "--format", "json").stdout
    right = invoke(*args, "--store", uri, "--format", "json").stdout
    same_json(left, right, drop)


def _loaded_both(tmp_path, dataset, neo) -> Path:
    lbdb = tmp_path / "g.lbdb"
    invoke("load", dataset, "--store", lbdb)
    invoke("load", dataset, "--store", neo.settings.uri)
    return lbdb


def _same_tables(lb_store, neo) -> None:
    a, b = lb_store.read_tables(include_computed=True), neo.read_tables(include_computed=True)
    assert set(a) == set(b)
    for t in schema.ALL_TABLES:
        if t.name not in a:  # stored analysis results: read only when asked for
            continue
        key = list(t.key)
        pd.testing.assert_frame_equal(normal(a[t.name]).sort_values(key).reset_index(drop=True),
                                      normal(b[t.name]).sort_values(key).reset_index(drop=True),
                                      check_dtype=False, obj=t.name)


ANALYSES = [
    ["info"],
    ["central"],
    ["central", "--committee", "C01"],
    ["gaps", "--as-of", DAY],
    ["match", "N0012", "--on", DAY],
    ["match", "--all", "--on", DAY],
    ["match", "--all", "--assign", "--on", DAY],
    ["match", "--all", "--assign", "--unmatched", "--on", DAY],
]


def test_every_command_gives_the_same_answers_on_both_stores(tmp_path, neo):
    lbdb = _loaded_both(tmp_path, SAMPLE, neo)
    with open_store(lbdb) as lb:
        _same_tables(lb, neo)
    for args in ANALYSES:
        compare_command(args, lbdb, neo.settings.uri)
    # every bundled Cypher report, with its default parameters
    from graphgov.queries.library import load_reports

    examples = {"committee": "C01", "unit": "U001", "a": "U001", "b": "U009", "need": "N0012", "area": "BJ-CY",
                "year": "2025"}
    for name, report in sorted(load_reports().items()):
        params = [x for p in report.params if p.required for x in ("--param", f"{p.name}={examples[p.name]}")]
        params += [x for p in report.params if p.kind == "date" for x in ("--param", f"{p.name}={DAY}")]
        # the stamps of stored results say when each store computed them: a second or two apart
        drop = ("computed_at", "seconds") if name == "analysis_runs" else ()
        compare_command(["query", "run", name, *params, "--include-personal"], lbdb, neo.settings.uri, drop)
    # exports: the same files, table by table
    for store, out in ((lbdb, tmp_path / "e1"), (neo.settings.uri, tmp_path / "e2")):
        invoke("export", out, "--store", store)
    for f in sorted((tmp_path / "e1").glob("*.csv")):
        a, b = pd.read_csv(f, dtype=str), pd.read_csv(tmp_path / "e2" / f.name, dtype=str)
        pd.testing.assert_frame_equal(normal(a), normal(b), obj=f.name)


def test_maps_and_reports_are_the_same_from_both_stores(tmp_path, neo):
    lbdb = _loaded_both(tmp_path, SAMPLE, neo)
    for kind, args in (("map", ["map", "--view", "committee", "--committee", "C01"]),
                       ("report", ["report", "--date", DAY])):
        a, b = tmp_path / f"{kind}-lb.html", tmp_path / f"{kind}-neo.html"
        invoke(*args, "--store", lbdb, "--out", a)
        invoke(*args, "--store", neo.settings.uri, "--out", b)
        assert a.read_text(encoding="utf-8") == b.read_text(encoding="utf-8"), kind


def test_stored_results_are_the_same_on_both_stores_and_reused(tmp_path, neo):
    """central, gaps and match --assign keep their results in either store; Cypher reports read the
    same rows from both; the report and the map reuse them (and say so) instead of computing again."""
    lbdb = _loaded_both(tmp_path, SAMPLE, neo)
    uri = neo.settings.uri
    for args in (["central"], ["gaps", "--as-of", DAY], ["match", "--all", "--assign", "--as-of", DAY]):
        compare_command(args, lbdb, uri)
    for name in ("central_units", "findings_by_area", "open_proposals"):
        left = invoke("query", "run", name, "--store", lbdb, "--format", "json").stdout
        assert len(json.loads(left)) > 0, name  # rows to compare, not two empty answers
        compare_command(["query", "run", name], lbdb, uri)
    # the stamps: the data version is a digest of the rows, whichever store holds them
    compare_command(["query", "run", "analysis_runs"], lbdb, uri, drop=("computed_at", "seconds"))
    runs = {r["analysis"]: r for r in json.loads(invoke("query", "run", "analysis_runs", "--store", uri,
                                                        "--format", "json").stdout)}
    assert set(runs) == {"central", "gaps", "match"} and runs["central"]["rows"] == 207
    pages = []
    for store in (lbdb, uri):
        out = tmp_path / f"report-{len(pages)}.html"
        r = invoke("report", "--as-of", DAY, "--store", store, "--out", out)
        for what in ("central: stored results", "gaps: stored findings", "match: stored proposals"):
            assert what in r.output and "reused" in r.output, (store, r.output)
        pages.append(out.read_text(encoding="utf-8"))
    assert pages[0] == pages[1]
    # a load of the same data keeps them fresh; a changed membership makes central stale again
    invoke("load", SAMPLE, "--store", uri)
    r = invoke("map", "--view", "gaps", "--store", uri, "--out", tmp_path / "m.html")
    assert "gaps: stored findings" in r.output
    neo.query("MATCH (:Unit {id: 'U001'})-[m:MEMBER_OF]->(:Committee {id: 'C01'}) DELETE m")
    r = invoke("report", "--as-of", DAY, "--store", uri, "--out", tmp_path / "again.html")
    assert "central: stored results" not in r.output and "match: stored proposals" not in r.output


def test_central_with_gds_keeps_its_measures_on_the_units(tmp_path, neo):
    """central --engine gds stores weighted degree, PageRank and betweenness on the units in Neo4j,
    stamped engine gds, as the table it printed; the report does not take them for the Python engine's."""
    invoke("load", SAMPLE, "--store", neo.settings.uri)
    shown = pd.DataFrame(json.loads(invoke("central", "--engine", "gds", "--store", neo.settings.uri,
                                           "--format", "json").stdout)).set_index("id")
    kept = neo.query("MATCH (u:Unit) WHERE u.pagerank IS NOT NULL RETURN u.id AS id, u.pagerank AS pagerank, "
                     "u.betweenness AS betweenness, u.weighted_degree AS weighted_degree, "
                     "u.central_rank AS central_rank").set_index("id")
    assert set(kept.index) == set(shown.index) and len(kept) == 207
    for col in ("pagerank", "betweenness", "weighted_degree"):
        assert (kept[col] - shown.loc[kept.index, col]).abs().max() < 1e-9, col
    # central_rank orders by betweenness, as the Python engine's does
    order = kept.sort_values(["betweenness", "weighted_degree"], ascending=[False, False]).index
    assert kept.loc[order[0], "central_rank"] == 1
    runs = neo.query("MATCH (r:AnalysisRun {analysis: 'central'}) RETURN r.params AS params")
    assert json.loads(runs["params"].iloc[0])["engine"] == "gds"
    r = invoke("report", "--as-of", DAY, "--store", neo.settings.uri, "--out", tmp_path / "r.html")
    assert "central: stored results" not in r.output  # a GDS table lacks closeness, brokerage …: computed
    invoke("central", "--engine", "gds", "--no-save", "--store", neo.settings.uri, "--format", "json")
    runs = neo.query("MATCH (r:AnalysisRun {analysis: 'central'}) RETURN r.params AS params")
    assert json.loads(runs["params"].iloc[0])["engine"] == "igraph"  # --no-save left the report's run alone


def test_demo_runs_on_neo4j(tmp_path, neo):
    out = tmp_path / "demo"
    result = invoke("demo", "--store", neo.settings.uri, "--out-dir", out, "--date", DAY)
    assert "loaded into " + neo.settings.uri in result.output
    assert (out / "sample_map.html").is_file() and (out / "sample_report.html").is_file()
    assert neo.counts().set_index("name").loc["Unit", "count"] == 207


def test_the_dispatch_loop_gives_the_same_answers_on_both_stores(tmp_path, neo):
    lbdb = _loaded_both(tmp_path, SAMPLE, neo)
    proposal = json.loads(invoke("match", "N0012", "--on", DAY, "--format", "json", "--store", lbdb).stdout)[0]
    steps = [
        ["dispatch", "N0012", proposal["resource_id"], "--on", DAY, "--quantity", "1"],
        ["accept", "D000001", "--on", DAY],
        ["fulfil", "D000001", "--quantity", "1", "--on", DAY],
        ["close", "N0012", "--on", DAY],
        ["reopen", "N0012", "--on", DAY],
        ["dispatch", "N0001", "R0009", "--on", DAY, "--quantity", "1"],
        ["decline", "D000002", "--on", DAY],
    ]
    for args in steps:
        for store in (lbdb, neo.settings.uri):
            invoke(*args, "--store", store, "--format", "json")
    for need in ("N0012", "N0001"):
        compare_command(["history", need], lbdb, neo.settings.uri, drop=("recorded_at",))
    compare_command(["match", "--all", "--assign", "--on", DAY], lbdb, neo.settings.uri)
    for store in (lbdb, neo.settings.uri):
        invoke("match", "--all", "--assign", "--dispatch", "--on", DAY, "--store", store, "--format", "json")
    with open_store(lbdb) as lb:
        a = lb.read_tables()
    b = neo.read_tables()
    for name in ("dispatches", "needs"):
        pd.testing.assert_frame_equal(normal(a[name]).sort_values("id").reset_index(drop=True),
                                      normal(b[name]).sort_values("id").reset_index(drop=True), check_dtype=False)
    ev = [normal(t["need_events"], drop=("recorded_at",)) for t in (a, b)]
    pd.testing.assert_frame_equal(ev[0], ev[1], check_dtype=False)


@pytest.mark.slow
def test_a_generated_district_gives_the_same_answers_on_both_stores(tmp_path, neo):
    from graphgov.dataset.generate import REFERENCE_DATE, write_generated

    write_generated("district", 1, tmp_path / "district")
    lbdb = _loaded_both(tmp_path, tmp_path / "district", neo)
    with open_store(lbdb) as lb:
        _same_tables(lb, neo)
    day = str(REFERENCE_DATE)
    for args in (["info"], ["central"], ["gaps", "--as-of", day], ["match", "--all", "--assign", "--on", day]):
        compare_command(args, lbdb, neo.settings.uri)
    compare_command(["query", "run", "unmet_needs"], lbdb, neo.settings.uri)
    pair = pd.read_csv(tmp_path / "district" / "agreements.csv", dtype=str).iloc[0]
    compare_command(["query", "run", "links_between_units", "--param", f"a={pair['unit_a']}",
                     "--param", f"b={pair['unit_b']}"], lbdb, neo.settings.uri)


def _scoped_answers_are_the_whole_answers(store, scopes, day) -> None:
    """central and gaps of each scope: the same on the scope's rows as on every table; fewer rows read."""
    from graphgov.analysis.central import central_table
    from graphgov.analysis.gaps import find_gaps

    whole = store.read_tables()
    for scope in scopes:
        part = store.read_scope(**scope)
        assert sum(map(len, part.values())) < sum(map(len, whole.values())) / 1.5, scope
        pd.testing.assert_frame_equal(central_table(part, exact=True, **scope),
                                      central_table(whole, exact=True, **scope), obj=str(scope))
        pd.testing.assert_frame_equal(find_gaps(part, as_of=day, **scope).astype(str),
                                      find_gaps(whole, as_of=day, **scope).astype(str), obj=str(scope))


SCOPES = [{"committee": "C01"}, {"area": "BJ-CY"}, {"committee": "C07"}, {"committee": "C01", "area": "BJ-CY"}]


def test_a_scope_is_read_alone_and_answers_as_the_whole(tmp_path, neo):
    """central/gaps --committee/--area fetch only the scope's rows (parameterised Cypher on both stores)
    and answer exactly as the analyses of every table do; on Neo4j they receive fewer rows."""
    lbdb = _loaded_both(tmp_path, SAMPLE, neo)
    day = dt.date.fromisoformat(DAY)
    with open_store(lbdb) as lb:
        _scoped_answers_are_the_whole_answers(lb, SCOPES, day)
    _scoped_answers_are_the_whole_answers(neo, SCOPES, day)
    for args in (["central", "--committee", "C07"], ["gaps", "--area", "BJ-CY", "--as-of", DAY],
                 ["gaps", "--committee", "C01", "--as-of", DAY]):
        compare_command(args, lbdb, neo.settings.uri)
    received = {}
    for name, read in (("whole", lambda st: st.read_tables()), ("scope", lambda st: st.read_scope("C07"))):
        store = Neo4jStore(Neo4jSettings.from_env())
        read(store)
        received[name] = store.traffic.rows
        store.close()
    assert received["scope"] < received["whole"] / 3, received
    r = invoke("central", "--committee", "NOPE", "--store", neo.settings.uri, ok=False)
    assert r.exit_code == 1 and "no committee with id 'NOPE'" in r.output and "Traceback" not in r.output


@pytest.mark.slow
def test_a_scope_of_a_generated_district_is_read_alone_and_answers_as_the_whole(tmp_path, neo):
    from graphgov.dataset.generate import REFERENCE_DATE, write_generated

    write_generated("district", 1, tmp_path / "district")
    lbdb = _loaded_both(tmp_path, tmp_path / "district", neo)
    areas = pd.read_csv(tmp_path / "district" / "areas.csv", dtype=str)
    comms = pd.read_csv(tmp_path / "district" / "committees.csv", dtype=str)
    street = areas.loc[areas["level"] == "street", "id"].iloc[0]
    committee = comms.loc[comms["area_id"] == street, "id"].iloc[0]
    scopes = [{"committee": committee}, {"area": street}]
    with open_store(lbdb) as lb:
        _scoped_answers_are_the_whole_answers(lb, scopes, REFERENCE_DATE)
    _scoped_answers_are_the_whole_answers(neo, scopes, REFERENCE_DATE)
    compare_command(["gaps", "--committee", committee, "--as-of", str(REFERENCE_DATE)], lbdb, neo.settings.uri)


# -- loads: exact, replacing, atomic -------------------------------------------------------------

PAIRS = {
    "areas": [{"id": "A1", "name": "朝阳站区", "level": "station_area"}],
    "committees": [{"id": "C1", "name": "朝阳站区党建协调委员会", "level": "station_area", "area_id": "A1"}],
    "units": [{"id": f"U{i}", "name": f"单位{i}", "type": "railway", "area_id": "A1"} for i in (1, 2, 3)],
    "memberships": [{"unit_id": f"U{i}", "committee_id": "C1"} for i in (1, 2, 3)],
    "agreements": [{"unit_a": "U1", "unit_b": "U2", "kind": "co_building", "signed": "2024-03-01"},
                   {"unit_a": "U1", "unit_b": "U2", "kind": "think_tank", "signed": "2024-05-01"},
                   {"unit_a": "U2", "unit_b": "U3", "kind": "co_building"}],
}


def test_two_agreements_of_one_pair_stay_two_and_the_report_sees_both(tmp_path, neo):
    data = write_dataset(tmp_path / "pairs", PAIRS)
    lbdb = _loaded_both(tmp_path, data, neo)
    assert neo.query("MATCH (:Unit)-[r:AGREEMENT]->(:Unit) RETURN count(r) AS n")["n"][0] == 3
    compare_command(["query", "run", "links_between_units", "--param", "a=U1", "--param", "b=U2"], lbdb,
                    neo.settings.uri)
    rows = json.loads(invoke("query", "run", "links_between_units", "--param", "a=U1", "--param", "b=U2",
                             "--store", neo.settings.uri, "--format", "json").stdout)
    assert sorted(r["via_id"] for r in rows if r["link"] == "agreement") == ["co_building", "think_tank"], rows
    invoke("load", data, "--store", neo.settings.uri)  # twice: still three
    assert neo.query("MATCH (:Unit)-[r:AGREEMENT]->(:Unit) RETURN count(r) AS n")["n"][0] == 3


def test_replace_removes_what_the_dataset_no_longer_holds(tmp_path, neo):
    lbdb = _loaded_both(tmp_path, SAMPLE, neo)
    small = write_dataset(tmp_path / "small", PAIRS)
    for store in (lbdb, neo.settings.uri):
        out = invoke("load", small, "--replace", "--store", store).output
    assert "units -" in out  # says what went
    counts = neo.counts().set_index("name")["count"]
    assert counts["Unit"] == 3 and counts["Need"] == 0 and counts["AGREEMENT"] == 3
    with open_store(lbdb) as lb:
        _same_tables(lb, neo)


READ_STATE = ("RETURN COUNT { (:Unit) } AS units, COUNT { (:Need) } AS needs, "
              "COUNT { (:Unit)-[:MEMBER_OF]->(:Committee) } AS members, COUNT { (:GraphgovStaged) } AS staged")


def _state(store) -> tuple[int, int, int]:
    row = store.query(READ_STATE).iloc[0]
    return int(row["units"]), int(row["needs"]), int(row["members"])


@pytest.mark.parametrize("transaction", ["one", "staged"])
def test_a_reader_never_sees_half_a_load(tmp_path, neo, transaction):
    """A reader polling labelled counts during a load sees the graph before it or after it, whether the
    load is one transaction or staged (the staged nodes are there meanwhile, under their hidden label)."""
    from graphgov.dataset.generate import write_generated

    write_generated("district", 2, tmp_path / "district")
    ds = read_and_check(tmp_path / "district")
    if transaction == "staged":  # relationships to nodes already there go in the final transaction
        neo.load(read_and_check(SAMPLE))
    before = _state(neo)
    seen, staged, done, failed = [], [], threading.Event(), []
    span = {}

    def watch():
        try:
            reader = Neo4jStore(Neo4jSettings.from_env())
            while not done.is_set():
                row = reader.query(READ_STATE).iloc[0]
                seen.append((time.monotonic(), (int(row["units"]), int(row["needs"]), int(row["members"]))))
                staged.append(int(row["staged"]))
            reader.close()
        except Exception as err:  # noqa: BLE001 - reported by the test below
            failed.append(err)

    t = threading.Thread(target=watch)
    t.start()
    deadline = time.monotonic() + 60
    while not seen and not failed and time.monotonic() < deadline:  # reading before the load starts
        time.sleep(0.01)
    assert seen and not failed, failed
    try:
        span["start"] = time.monotonic()
        Neo4jStore(Neo4jSettings.from_env()).load(ds, batch_size=100, transaction=transaction)
        span["end"] = time.monotonic()
    finally:
        done.set()
        t.join()
    assert not failed, failed
    after = _state(neo)
    assert after != before
    during = [v for at, v in seen if span["start"] < at < span["end"]]
    assert during, "the reader made no observation while the load ran"
    # Neo4j reads are read-committed, not snapshots: the one read that runs across the commit may count
    # some labels before it and some after. No other read sees anything but the two states.
    mixed = [v for _, v in seen if v not in (before, after)]
    assert len(mixed) <= 1, mixed
    assert all(x in (b, a) for v in mixed for x, b, a in zip(v, before, after)), mixed
    assert (max(staged) > 0) == (transaction == "staged"), max(staged)
    assert neo.query("MATCH (n:GraphgovStaged) RETURN count(n) AS n")["n"][0] == 0  # all switched in


def test_auto_stages_a_load_the_server_refuses_in_one_transaction(tmp_path, neo, monkeypatch):
    """--transaction auto: when the server refuses the one-transaction load for its memory (made to
    happen here at the first node write inside a transaction), the load is staged instead and gives the
    same graph as the embedded store; --transaction one gives the refusal, having written nothing."""
    from graphgov.errors import TransactionTooLarge

    original = Neo4jStore._run

    def tight(self, cypher, params, shown):
        if self._tx is not None and " MERGE (n:" in cypher:
            raise TransactionTooLarge("cannot hold this write in one transaction", reason="limit reached")
        return original(self, cypher, params, shown)

    monkeypatch.setattr(Neo4jStore, "_run", tight)
    r = invoke("load", SAMPLE, "--store", neo.settings.uri, "--transaction", "one", ok=False)
    assert r.exit_code == 1 and "one transaction" in r.output and "Traceback" not in r.output
    assert neo.query("MATCH (n) WHERE NOT n:GraphgovLock RETURN count(n) AS n")["n"][0] == 0
    r = invoke("load", SAMPLE, "--store", neo.settings.uri)
    assert "it was staged" in r.output
    lbdb = tmp_path / "g.lbdb"
    invoke("load", SAMPLE, "--store", lbdb)
    with open_store(lbdb) as lb:
        _same_tables(lb, neo)

    def tighter(self, cypher, params, shown):  # not even the final transaction fits
        if self._tx is not None and "REMOVE n:GraphgovStaged" in cypher:
            raise TransactionTooLarge("cannot hold this write in one transaction", reason="limit reached")
        return tight(self, cypher, params, shown)

    monkeypatch.setattr(Neo4jStore, "_run", tighter)
    before = neo.counts()
    data = write_dataset(tmp_path / "pairs", PAIRS)
    r = invoke("load", data, "--store", neo.settings.uri, ok=False)
    assert r.exit_code == 1 and "cannot hold even the final transaction of a staged load" in r.output
    assert [line.startswith("Error:") for line in r.output.splitlines()].count(True) == 1
    assert "Traceback" not in r.output
    pd.testing.assert_frame_equal(neo.counts(), before)


def test_a_load_killed_while_staging_is_undone_and_running_it_again_finishes(tmp_path, neo):
    """The client killed while it writes the staged part: readers of graphgov's labels still see the
    graph as it was; the next load removes the leftovers and gives exactly the graph of a clean load."""
    from graphgov.dataset.generate import write_generated

    write_generated("district", 3, tmp_path / "district")
    invoke("load", SAMPLE, "--store", neo.settings.uri)
    before = neo.counts()
    env = python_env()  # the copy of graphgov this run tests
    cmd = [sys.executable, "-m", "graphgov", "load", str(tmp_path / "district"), "--store", neo.settings.uri,
           "--transaction", "staged"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    staging = 0
    while time.monotonic() < deadline and proc.poll() is None:
        staging = neo.query("MATCH (n:GraphgovStaged) RETURN count(n) AS n")["n"][0]
        if staging:
            break
        time.sleep(0.02)
    proc.kill()
    proc.wait()
    assert staging, "the load finished before it could be killed while staging"
    deadline = time.monotonic() + 60  # the server rolls back the dead client's final transaction
    while neo.query("SHOW TRANSACTIONS YIELD currentQuery WHERE currentQuery STARTS WITH 'UNWIND' "
                    "RETURN count(*) AS n")["n"][0] and time.monotonic() < deadline:
        time.sleep(0.2)
    pd.testing.assert_frame_equal(neo.counts(), before)
    assert neo.query("MATCH (n:GraphgovStaged) RETURN count(n) AS n")["n"][0] > 0  # the leftovers
    out = invoke("load", tmp_path / "district", "--store", neo.settings.uri, "--transaction", "staged").output
    assert "loaded" in out
    assert neo.query("MATCH (n:GraphgovStaged) RETURN count(n) AS n")["n"][0] == 0
    lbdb = tmp_path / "e.lbdb"
    invoke("load", SAMPLE, "--store", lbdb)
    invoke("load", tmp_path / "district", "--store", lbdb)
    with open_store(lbdb) as lb:
        _same_tables(lb, neo)
        pd.testing.assert_frame_equal(lb.counts(), neo.counts())


def test_a_killed_load_leaves_the_graph_as_it_was_and_running_it_again_finishes(tmp_path, neo):
    from graphgov.dataset.generate import write_generated

    write_generated("district", 3, tmp_path / "district")
    invoke("load", SAMPLE, "--store", neo.settings.uri)
    before = neo.counts()
    env = python_env()
    cmd = [sys.executable, "-m", "graphgov", "load", str(tmp_path / "district"), "--store", neo.settings.uri]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # kill the client once its transaction is writing on the server
    deadline = time.monotonic() + 120
    writing = False
    while time.monotonic() < deadline and proc.poll() is None:
        tx = neo.query("SHOW TRANSACTIONS YIELD currentQuery, status "
                       "WHERE currentQuery STARTS WITH 'UNWIND $rows' RETURN count(*) AS n")
        if tx["n"][0] > 0:
            writing = True
            break
        time.sleep(0.05)
    proc.kill()
    proc.wait()
    assert writing, "the load finished before it could be killed mid-write"
    # the server rolls back the dead client's transaction
    deadline = time.monotonic() + 60
    while neo.query("SHOW TRANSACTIONS YIELD currentQuery WHERE currentQuery STARTS WITH 'UNWIND' "
                    "RETURN count(*) AS n")["n"][0] and time.monotonic() < deadline:
        time.sleep(0.2)
    pd.testing.assert_frame_equal(neo.counts(), before)
    invoke("load", tmp_path / "district", "--store", neo.settings.uri)
    lbdb = tmp_path / "e.lbdb"
    invoke("load", SAMPLE, "--store", lbdb)
    invoke("load", tmp_path / "district", "--store", lbdb)
    with open_store(lbdb) as lb:
        pd.testing.assert_frame_equal(lb.counts(), neo.counts())


# -- the dispatch loop under concurrency ---------------------------------------------------------

LAST_UNIT = {
    "areas": [{"id": "A1", "name": "福州站区", "level": "station_area"}],
    "committees": [{"id": "C1", "name": "八闽第一站党建联盟", "level": "alliance", "area_id": "A1"}],
    "units": [{"id": f"U{i}", "name": f"单位{i}", "type": "railway", "area_id": "A1"} for i in (1, 2, 3)],
    "memberships": [{"unit_id": f"U{i}", "committee_id": "C1"} for i in (1, 2, 3)],
    "needs": [{"id": f"N{i}", "title": f"母婴室物资{i}", "category": "maternal_child", "unit_id": f"U{i}",
               "raised": "2025-11-01", "quantity": 1} for i in (1, 2)],
    "resources": [{"id": "R1", "title": "母婴室用品捐赠", "category": "maternal_child", "unit_id": "U3",
                   "capacity": 1}],
}


def test_two_coordinators_never_both_take_the_last_unit(tmp_path, neo):
    neo.load(read_and_check(write_dataset(tmp_path / "last", LAST_UNIT)))
    barrier = threading.Barrier(2)
    outcome, times = {}, {}
    original = Neo4jStore.lock

    def slow_lock(self, label, id_):
        original(self, label, id_)
        time.sleep(0.3)  # hold the lock a while, so the other coordinator must wait for it

    def coordinator(need):
        store = Neo4jStore(Neo4jSettings.from_env())
        store.lock = slow_lock.__get__(store)
        barrier.wait()
        times[need] = [time.monotonic()]
        try:
            outcome[need] = lifecycle.dispatch(store, need, "R1", on=DAY)["id"]
        except TransitionError as err:
            outcome[need] = err
        times[need].append(time.monotonic())
        store.close()

    threads = [threading.Thread(target=coordinator, args=(n,)) for n in ("N1", "N2")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert max(t[0] for t in times.values()) < min(t[1] for t in times.values()), "the two never overlapped"
    won = [n for n, v in outcome.items() if isinstance(v, str)]
    lost = [v for v in outcome.values() if isinstance(v, TransitionError)]
    assert len(won) == 1 and len(lost) == 1 and "no capacity left" in str(lost[0])
    assert neo.query("MATCH (d:Dispatch) RETURN count(d) AS n")["n"][0] == 1


def test_a_refused_step_changes_nothing(tmp_path, neo):
    neo.load(read_and_check(write_dataset(tmp_path / "last", LAST_UNIT)))
    lifecycle.dispatch(neo, "N1", "R1", on=DAY)
    before = neo.read_tables()
    with pytest.raises(TransitionError):
        lifecycle.fulfil(neo, "D000001", on=DAY)  # not accepted yet
    with pytest.raises(TransitionError):
        lifecycle.dispatch(neo, "N2", "R1", on=DAY)
    after = neo.read_tables()
    for name in ("dispatches", "need_events", "needs"):
        pd.testing.assert_frame_equal(normal(before[name]), normal(after[name]))


# -- errors and notifications ---------------------------------------------------------------------

def test_wrong_password_unreachable_server_and_bad_address_each_say_so(server, monkeypatch):
    monkeypatch.setenv("NEO4J_PASSWORD", "not-the-password")
    r = invoke("info", "--store", server.uri, ok=False)
    assert r.exit_code == 4 and "refused user 'neo4j'" in r.output and "not-the-password" not in r.output
    assert len(r.output.strip().splitlines()) == 1 and "Traceback" not in r.output
    r = invoke("info", "--store", "bolt://127.0.0.1:1", ok=False)
    assert r.exit_code == 3 and "cannot reach Neo4j at bolt://127.0.0.1:1" in r.output
    r = invoke("info", "--store", "neo4j://127.0.0.1:notaport", ok=False)
    assert r.exit_code == 2 and "bad Neo4j address" in r.output


def test_bad_parameter_value_and_bad_query_are_option_errors(tmp_path, neo):
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "big_number.cypher").write_text(
        "// name: big_number\n// description: A number.\n// 说明: 数字。\n// param: n = 1  -- a number\n"
        "RETURN $n AS n\n", encoding="utf-8")
    r = invoke("query", "run", "big_number", "--queries", folder, "--param", f"n={10 ** 30}",
               "--store", neo.settings.uri, ok=False)
    assert r.exit_code == 2 and "too large" in r.output, r.output  # refused before anything is sent
    with pytest.raises(OptionError, match="parameter value cannot be sent to Neo4j"):
        neo.query("RETURN $n AS n", {"n": 10 ** 30})  # what the driver cannot pack is an option error too
    with pytest.raises(OptionError, match="not accepted by Neo4j"):
        neo.query("MATCH (u:Unit RETURN u")


def test_a_second_node_with_the_same_id_is_a_constraint_violation(tmp_path, neo):
    neo.load(read_and_check(write_dataset(tmp_path / "last", LAST_UNIT)))
    with pytest.raises(ConstraintViolation, match="constraint"):
        neo.query("CREATE (:Unit {id: 'U1'})")


# the server's notifications are read without the driver's deprecated summary_notifications
@pytest.mark.filterwarnings("error::DeprecationWarning")
def test_a_report_naming_a_missing_label_warns_on_neo4j_and_fails_on_ladybug(tmp_path, neo):
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "typo.cypher").write_text("// name: typo\n// description: Misspelt label.\n// 说明: 拼错。\n"
                                        "MATCH (u:Unitt) RETURN u.id AS id\n", encoding="utf-8")
    neo.load(read_and_check(write_dataset(tmp_path / "last", LAST_UNIT)))
    r = invoke("query", "run", "typo", "--queries", folder, "--store", neo.settings.uri)
    warned = [line for line in r.output.splitlines() if line.startswith("Warning: Neo4j:")]
    assert len(warned) == 1 and "Unitt" in warned[0], r.output
    lbdb = tmp_path / "g.lbdb"
    invoke("load", tmp_path / "last", "--store", lbdb)
    r = invoke("query", "run", "typo", "--queries", folder, "--store", lbdb, ok=False)
    # the report file is at fault, so it is bad input (1), named at its file
    assert r.exit_code == 1 and "Unitt" in r.output and "typo.cypher" in r.output


def test_the_server_stopped_mid_transaction_loses_nothing_committed(tmp_path, neo4j_server, monkeypatch):
    """Its own server, so the others keep running: a transaction cut by a server crash is not applied."""
    if not hasattr(neo4j_server, "kill"):
        pytest.fail("needs a server the tests started (GRAPHGOV_TEST_NEO4J_URI names one they cannot stop)")
    sys.path.insert(0, str(ROOT / "tests" / "neo4j"))
    import server as launcher

    srv = launcher.start(tmp_path / "crash")
    try:
        for k, v in srv.env().items():
            monkeypatch.setenv(k, v)
        store = Neo4jStore(Neo4jSettings.from_env())
        store.load(read_and_check(write_dataset(tmp_path / "last", LAST_UNIT)))
        with pytest.raises(StoreUnavailableError, match="connection was lost"):
            with store.transaction():
                store.query("MATCH (r:Resource {id: 'R1'}) SET r.capacity = 99")
                srv.kill()
        store.close()
        srv.start()
        again = Neo4jStore(Neo4jSettings.from_env())
        assert again.query("MATCH (r:Resource {id: 'R1'}) RETURN r.capacity AS c")["c"][0] == 1
        again.close()
    finally:
        srv.stop()


# -- Graph Data Science ---------------------------------------------------------------------------

def test_central_with_gds_agrees_with_the_python_engine(tmp_path, neo):
    lbdb = _loaded_both(tmp_path, SAMPLE, neo)
    common = ["--hub-threshold", "1000", "--format", "json"]
    gds = pd.DataFrame(json.loads(invoke("central", "--engine", "gds", "--samples", "1000", *common,
                                         "--store", neo.settings.uri).stdout)).set_index("id")
    py = pd.DataFrame(json.loads(invoke("central", "--exact", *common, "--store", lbdb).stdout)).set_index("id")
    both = gds.join(py, lsuffix="_gds", rsuffix="_py", how="inner")
    assert len(both) == len(py) == 207
    # the same weighted network: weighted degree equal unit by unit
    assert (both["weighted_degree_gds"] - both["weighted_degree_py"]).abs().max() < 1e-9
    # exact betweenness in both: GDS counts shortest paths between pairs, the Python table divides by the
    # (n-1)(n-2)/2 pairs of the other units; paths of equal length summed in floating point may count as
    # one or two (NOTES.md), so a few units differ slightly
    pairs = (len(py) - 1) * (len(py) - 2) / 2
    tied = both[both["betweenness_py"] > 1e-6]
    ratio = tied["betweenness_gds"] / pairs / tied["betweenness_py"]
    assert ratio.median() == pytest.approx(1, abs=1e-9)
    assert (ratio - 1).abs().max() < 0.02, ratio.sort_values()
    assert set(both.nlargest(10, "betweenness_gds").index) == set(both.nlargest(10, "betweenness_py").index)
    # PageRank: both the same random walk on the same weights; orders agree
    rho = both["pagerank_gds"].rank().corr(both["pagerank_py"].rank())
    assert rho > 0.98, rho


# -- every statement sent, linted and packed ------------------------------------------------------

def test_every_statement_sent_passes_neo4js_linter_and_packs():
    """Runs last in this module: everything the tests above made graphgov send to Neo4j."""
    from graphgov.store.neo4j_store import pack

    assert len(SENT) > 200, "too few statements recorded: run the whole module"
    sch = linter_schema(procedures=GDS_PROCEDURES, functions=GDS_FUNCTIONS)
    sch["labels"] += ["University", LOCK_LABEL, STAGED_LABEL, *staged_labels()]
    sch["propertyKeys"] += ["writes"]
    # a staged load's relationships join its staged nodes (GraphgovStaged and GraphgovStaged<Label>)
    for joined in list(sch["graphSchema"]):
        sch["graphSchema"] += [{**joined, "from": STAGED_LABEL + joined["from"], "to": STAGED_LABEL + joined["to"]},
                               {**joined, "from": STAGED_LABEL, "to": STAGED_LABEL}]
    try:
        linter = CypherLinter(schema=sch)
    except LinterMissing as err:
        pytest.fail(str(err), pytrace=False)
    first: dict[str, dict] = {}
    for text, params in SENT:
        first.setdefault(text, params)
        if "RETURN $n AS n" not in text:  # the test of a value Neo4j cannot take
            pack(params)  # the driver's own encoder takes every parameter map
    ours = {t: p for t, p in first.items() if not _users(t)}
    problems = linter.check([(f"s{i}", t, {k: _example(v) for k, v in p.items()})
                             for i, (t, p) in enumerate(ours.items())])
    texts = list(ours)
    assert problems == {}, "\n".join(f"{texts[int(n[1:])]}\n  {'; '.join(map(str, d))}" for n, d in problems.items())
    assert {s for _, s in load_statements()} & set(first), "no load statement was recorded"


def _users(text: str) -> bool:
    """Statements the tests wrote on purpose (misspelt, malformed) or sent directly."""
    return any(s in text for s in ("Unitt", "MATCH (u:Unit RETURN", "SHOW TRANSACTIONS", "CREATE (:Unit {id: 'U1'})",
                                   "MATCH (n) DETACH DELETE n", "SET r.capacity = 99", "RETURN $n AS n"))


def _example(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return [_example(v) for v in value[:1]]
    if isinstance(value, dict):
        return {k: _example(v) for k, v in value.items()}
    return value


# -- without a server ------------------------------------------------------------------------------

def test_password_is_never_shown(monkeypatch):
    monkeypatch.setenv("NEO4J_PASSWORD", "s3cret-pass")
    settings = Neo4jSettings.from_env(uri="neo4j://127.0.0.1:1")
    assert "s3cret-pass" not in repr(settings) and "s3cret-pass" not in str(settings)
    result = CliRunner().invoke(cli, ["load", str(SAMPLE), "--neo4j", "neo4j://127.0.0.1:1"])
    assert result.exit_code == 3
    assert "s3cret-pass" not in result.output
    assert "cannot reach Neo4j" in result.output and "Traceback" not in result.output


def test_no_password_option_exists():
    for command in ("load", "info", "central", "query"):
        assert "--password" not in CliRunner().invoke(cli, [command, "--help"]).output


def test_missing_password_without_a_terminal_is_a_clear_error(monkeypatch):
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    result = CliRunner().invoke(cli, ["info", "--neo4j", "neo4j://127.0.0.1:1"])
    assert result.exit_code == 2 and "NEO4J_PASSWORD" in result.output


def test_an_unknown_load_transaction_is_an_option_error(tmp_path):
    r = CliRunner().invoke(cli, ["load", str(SAMPLE), "--store", str(tmp_path / "g.lbdb"), "--transaction", "twice"])
    assert r.exit_code == 2 and "--transaction" in r.output
    import graphgov

    with pytest.raises(OptionError, match="unknown load transaction 'twice'"):
        graphgov.load(SAMPLE, store=str(tmp_path / "g.lbdb"), transaction="twice")


def test_central_engine_gds_needs_a_server(monkeypatch):
    monkeypatch.delenv("NEO4J_URI", raising=False)
    result = CliRunner().invoke(cli, ["central", "--engine", "gds", "--store", "x.lbdb"])
    assert result.exit_code == 2 and "neo4j://" in result.output
