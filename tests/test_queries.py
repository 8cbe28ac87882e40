"""The Cypher report library: lint with Neo4j's front end, header rules, results checked independently.

Every bundled report is run on the embedded store over three datasets (the bundled
sample, a generated station-area dataset and a small hand-made one full of empty
cells, dispatches and cross-unit party lines) and its rows compared with the same
report computed by plain pandas/networkx loops over the checked tables.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from cypherlint import cypher_linter  # noqa: F401  (fixture)
from graphgov.dataset.checks import read_and_check
from graphgov.cli import cli
from graphgov.errors import GraphGovError, NotFoundError, OptionError
from graphgov.dataset.generate import write_generated
from graphgov.queries.library import (
    QueryFileError,
    bundled_dir,
    find_report,
    load_report,
    load_reports,
    parameters_used,
    parse_report,
    parse_value,
    run_report,
)
from graphgov.results import Results
from graphgov.store import open_store

from conftest import SAMPLE, write_dataset
from results_reports import exp_analysis_runs, exp_central_units, exp_findings_by_area, exp_open_proposals  # noqa: F401

REPORTS = load_reports()
NAMES = sorted(REPORTS)
UNIVERSITY_TYPES = ("university", "research_institute")
DONE = ("fulfilled", "closed")


# ---------------------------------------------------------------------------------------
# The linter harness itself: it must catch each kind of mistake.
# ---------------------------------------------------------------------------------------

LINT_CASES = [
    ("MATCH (u:Unit RETURN u", {}, "Invalid input"),
    ("MATCH (u:Unit) RETURN v.id", {}, "Variable `v` not defined"),
    ("MATCH (u:Units) RETURN u.id", {}, "Label Units is not present"),
    ("MATCH (u:Unit)-[:MEMBER]->(c:Committee) RETURN c.id", {}, "Relationship type MEMBER is not present"),
    ("MATCH (u:Unit) RETURN u.full_name", {}, "full_name is not present"),
    ("MATCH (u:Unit) RETURN label(u)", {}, "Function label is not present"),
    ("MATCH (u:Unit) RETURN apoc.text.join([u.name], ',')", {}, "Function apoc.text.join is not present"),
    ("MATCH (u:Unit) WHERE u.id = $unit RETURN u.id", {}, "Parameter $unit is not defined"),
    ("MATCH (n:Need)-[:RAISES]->(u:Unit) RETURN u.id", {}, "(:Unit) has no incoming [:RAISES]"),
    ("CALL gds.pageRankk.stream('g') YIELD nodeId RETURN nodeId", {}, "Procedure gds.pageRankk.stream is not present"),
    ("RETURN date('2024-01-01') - date('2023-01-01') AS d", {}, "Type mismatch"),
]


@pytest.fixture(scope="module")
def linted_cases(cypher_linter):
    """All the cases in one Node process (it takes about a second to start)."""
    return cypher_linter.lint([(str(i), text, params) for i, (text, params, _) in enumerate(LINT_CASES)])


@pytest.mark.parametrize("index", range(len(LINT_CASES)), ids=[c[2] for c in LINT_CASES])
def test_linter_catches(linted_cases, index):
    text, _, expected = LINT_CASES[index]
    diags = linted_cases[str(index)]
    assert diags, f"no diagnostic for {text!r}"
    assert any(expected in d.message for d in diags), [str(d) for d in diags]


def test_linter_accepts_good_cypher(cypher_linter):
    queries = [
        ("plain", "MATCH (u:Unit)-[m:MEMBER_OF]->(c:Committee) WHERE c.id = $c RETURN u.name, m.role", {"c": "C1"}),
        ("gds", "CALL gds.pageRank.stream('g') YIELD nodeId, score "
                "RETURN gds.util.asNode(nodeId).id AS id, score", {}),
        ("date", "MATCH (n:Need) WHERE n.raised <= $as_of - $age RETURN n.id", {"as_of": "2024-01-01", "age": "P1D"}),
    ]
    assert cypher_linter.check(queries) == {}


def test_linter_rejects_unknown_gds_name(cypher_linter):
    from cypherlint import CypherLinter, linter_schema

    linter = CypherLinter(linter_schema(procedures=("gds.pageRankk.stream",)))
    with pytest.raises(ValueError, match="gds.pageRankk.stream"):
        linter.lint([("q", "RETURN 1 AS x", {})])


# ---------------------------------------------------------------------------------------
# Every bundled report passes Neo4j's linter.
# ---------------------------------------------------------------------------------------

def _example_value(param):
    if param.kind == "date":
        return "2025-01-01"
    if param.kind == "duration":
        return "P90D"
    return param.default if param.default is not None else "U001"


def test_bundled_reports_pass_neo4j_linter(cypher_linter):
    queries = [(r.name, r.text, {p.name: _example_value(p) for p in r.params}) for r in REPORTS.values()]
    found = cypher_linter.check(queries)
    assert found == {}, "\n".join(
        f"{REPORTS[name].path}:{REPORTS[name].first_line + d.line - 1}: {d}" for name, ds in found.items() for d in ds
    )


def test_at_least_twelve_bundled_reports_with_both_descriptions():
    assert len(REPORTS) >= 12
    for r in REPORTS.values():
        assert r.bundled and r.path.parent == bundled_dir()
        assert r.description and r.description_zh
        assert any("\u4e00" <= ch <= "\u9fff" for ch in r.description_zh), r.name


# ---------------------------------------------------------------------------------------
# The header parser.
# ---------------------------------------------------------------------------------------

GOOD = """\
// name: demo
// description: A demo report
//   over two lines.
// 说明: 示例。
// param: n = 3  -- how many
// param: ratio = 0.5
// param: label = 'Unit'
// param: flag = true
// param: since = 2024-01-31
// param: as_of = today
// param: age = 30 days
// param: who  -- required

MATCH (u:Unit)
WHERE u.id = $who AND $flag AND $ratio > 0 AND u.type <> $label  // '$not_a_param'
  AND $as_of - $age >= $since
RETURN u.id AS id, '$nor_this' AS s LIMIT $n;
"""


def test_parse_good_header(tmp_path):
    path = tmp_path / "demo.cypher"
    path.write_text(GOOD, encoding="utf-8")
    r = load_report(path)
    assert r.name == "demo"
    assert r.description == "A demo report over two lines."
    assert r.description_zh == "示例。"
    kinds = {p.name: (p.kind, p.default, p.required) for p in r.params}
    assert kinds == {
        "n": ("int", 3, False),
        "ratio": ("float", 0.5, False),
        "label": ("str", "Unit", False),
        "flag": ("bool", True, False),
        "since": ("date", dt.date(2024, 1, 31), False),
        "as_of": ("date", None, False),
        "age": ("duration", dt.timedelta(days=30), False),
        "who": ("str", None, True),
    }
    assert r.first_line == 14
    assert r.text.startswith("MATCH (u:Unit)") and r.text.endswith("LIMIT $n")
    assert parameters_used(r.text) == ["who", "flag", "ratio", "label", "as_of", "age", "since", "n"]
    today = dt.date(2025, 5, 6)
    assert r.bind({"who": "U1", "n": "7", "flag": "no", "age": "10"}, today=today) == {
        "n": 7, "ratio": 0.5, "label": "Unit", "flag": False, "since": dt.date(2024, 1, 31),
        "as_of": today, "age": dt.timedelta(days=10), "who": "U1",
    }


@pytest.mark.parametrize(
    "value, kind, expected",
    [
        ("12", "int", 12), ("-3", "int", -3), ("2.5", "float", 2.5), ("yes", "bool", True), ("否", "bool", False),
        ("2024-02-29", "date", dt.date(2024, 2, 29)), ("today", "date", dt.date(2020, 1, 2)),
        ("90", "duration", dt.timedelta(days=90)), ("90 days", "duration", dt.timedelta(days=90)),
        (" text ", "str", " text "),
    ],
)
def test_parse_value(value, kind, expected):
    assert parse_value(value, kind, "p", today=dt.date(2020, 1, 2)) == expected


@pytest.mark.parametrize("value, kind", [("x", "int"), ("1.5", "int"), ("maybe", "bool"), ("2024-02-30", "date"),
                                         ("3 weeks", "duration"), ("abc", "float")])
def test_parse_value_rejects(value, kind):
    with pytest.raises(OptionError, match=f"parameter 'p': '{value}' is not"):
        parse_value(value, kind, "p")


def test_bind_rejects_unknown_and_missing():
    r = parse_report(GOOD, "demo.cypher")
    with pytest.raises(OptionError, match="'who' is required"):
        r.bind({})
    with pytest.raises(OptionError, match="has no parameter 'nn'"):
        r.bind({"who": "U1", "nn": "1"})


HEAD = "// name: bad\n// description: d\n// 说明: 说明\n"


@pytest.mark.parametrize(
    "text, line, message",
    [
        ("// description: d\n// 说明: x\nRETURN 1 AS x\n", 1, "no '// name: ...' line"),
        ("// name: bad\n// 说明: x\nRETURN 1 AS x\n", 1, "no '// description: ...' line"),
        ("// name: bad\n// description: d\nRETURN 1 AS x\n", 1, "no '// 说明: ...' line"),
        ("// name: bad\n// name: bad\n// description: d\n// 说明: x\nRETURN 1 AS x\n", 2, "a second 'name' line"),
        ("// name: other\n// description: d\n// 说明: x\nRETURN 1 AS x\n", 1, "differs from the file name"),
        ("// name: Bad-Name\n// description: d\n// 说明: x\nRETURN 1 AS x\n", 1, "must be lower case"),
        (HEAD + "// author: me\nRETURN 1 AS x\n", 4, "unknown header field 'author'"),
        (HEAD + "// just a remark\nRETURN 1 AS x\n", 4, "a header line must be"),
        (HEAD + "// param: 1x = 2\nRETURN 1 AS x\n", 4, "bad param line"),
        (HEAD + "// param: n = twelve\nRETURN $n AS x\n", 4, "default 'twelve' is none of"),
        (HEAD + "// param: n =\nRETURN $n AS x\n", 4, "has '=' but no default"),
        (HEAD + "// param: n = 1\n// param: n = 2\nRETURN $n AS x\n", 5, "declared twice"),
        (HEAD + "// param: n = 1\nRETURN 1 AS x\n", 4, "declared but the query never uses $n"),
        (HEAD + "\nMATCH (u:Unit)\n\nWHERE u.id = $unit\nRETURN u.id\n", 7, "uses $unit but the header declares"),
        (HEAD + "RETURN 1 AS x;\nRETURN 2 AS y\n", 4, "a report file holds one statement"),
        (HEAD + "RETURN 'open AS x\n", 4, "unclosed '"),
        (HEAD + "\n\n", 4, "a header but no query"),
    ],
)
def test_malformed_files_name_file_and_line(tmp_path, text, line, message):
    path = tmp_path / "bad.cypher"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(QueryFileError, match=re.escape(message)) as err:
        load_report(path)
    assert str(err.value).startswith(f"{path}:{line}: "), str(err.value)
    assert err.value.path == str(path) and err.value.line == line
    assert isinstance(err.value, GraphGovError)


def test_non_utf8_file_is_rejected(tmp_path):
    path = tmp_path / "bad.cypher"
    path.write_bytes((HEAD + "RETURN '需求' AS x\n").encode("gb18030"))
    with pytest.raises(QueryFileError, match="not UTF-8"):
        load_report(path)


def test_user_folders_join_bundled_and_clash_is_an_error(tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "my_units.cypher").write_text(HEAD.replace("bad", "my_units") + "MATCH (u:Unit) RETURN u.id AS id\n",
                                          encoding="utf-8")
    reports = load_reports([mine])
    assert set(reports) == set(REPORTS) | {"my_units"}
    assert not reports["my_units"].bundled
    (mine / "paper_members.cypher").write_text(HEAD.replace("bad", "paper_members") + "RETURN 1 AS x\n",
                                               encoding="utf-8")
    with pytest.raises(QueryFileError, match="a report named 'paper_members' already exists"):
        load_reports([mine])
    with pytest.raises(OptionError, match="no such folder"):
        load_reports([tmp_path / "nowhere"])


def test_find_report_suggests():
    with pytest.raises(NotFoundError, match="did you mean unmet_needs"):
        find_report("unmet_need", REPORTS)


# ---------------------------------------------------------------------------------------
# Datasets and the independent computations.
# ---------------------------------------------------------------------------------------

EDGE_TABLES = {
    "areas": [
        {"id": "A1", "name": "甲区", "level": "district"},
        {"id": "A2", "name": "乙街道", "level": "street", "parent_id": "A1"},
        {"id": "A3", "name": "丙社区", "level": "community", "parent_id": "A2"},
    ],
    "committees": [
        {"id": "C1", "name": "乙街道协调委员会", "level": "street", "area_id": "A2", "cadence": "monthly", "meetings": 10},
        {"id": "C2", "name": "丙社区联盟", "level": "alliance", "area_id": "A3", "parent_id": "C1"},
        {"id": "C3", "name": "空委员会", "level": "community", "cadence": "quarterly", "meetings": 0},
    ],
    "units": [
        {"id": "U1", "name": "街道办事处", "type": "government", "sector": "政府", "area_id": "A2"},
        {"id": "U2", "name": "某大学", "type": "university", "sector": "教育", "area_id": "A3"},
        {"id": "U3", "name": "某研究院", "type": "research_institute"},
        {"id": "U4", "name": "某商场", "type": "private_enterprise", "sector": "商业", "area_id": "A3"},
        {"id": "U5", "name": "某医院", "type": "hospital", "sector": "卫生", "area_id": "A2"},
        {"id": "U6", "name": "丙社区居委会", "type": "community", "area_id": "A3"},
        {"id": "U7", "name": "派出所", "type": "police", "sector": "公安", "area_id": "A2"},
    ],
    "memberships": [
        {"unit_id": u, "committee_id": "C1", "role": "成员单位", "since": "2022-01-01"} for u in ("U1", "U2", "U3", "U4", "U5")
    ] + [
        {"unit_id": "U2", "committee_id": "C2", "role": "主任单位"},
        {"unit_id": "U4", "committee_id": "C2"},
        {"unit_id": "U6", "committee_id": "C2", "since": "2023-03-03"},
        {"unit_id": "U7", "committee_id": "C1", "role": "成员单位"},
    ],
    "agreements": [
        {"unit_a": "U2", "unit_b": "U1", "kind": "think_tank", "signed": "2023-01-01"},
        {"unit_a": "U3", "unit_b": "U4", "kind": "co_building", "signed": "2023-05-01"},
        {"unit_a": "U2", "unit_b": "U3", "kind": "think_tank", "signed": "2024-02-02"},
        {"unit_a": "U1", "unit_b": "U6", "kind": "strategic"},
        {"unit_a": "U6", "unit_b": "U4", "kind": "co_building", "signed": "2024-07-07"},
    ],
    "party_orgs": [
        {"id": "O1", "name": "街道党工委", "unit_id": "U1", "type": "committee", "members": 40},
        {"id": "O2", "name": "机关支部", "unit_id": "U1", "type": "branch", "parent_id": "O1", "members": 12},
        {"id": "O3", "name": "大学党委", "unit_id": "U2", "type": "committee", "parent_id": "O1", "members": 300},
        {"id": "O4", "name": "学院支部", "unit_id": "U2", "type": "branch", "parent_id": "O3", "members": 30},
        {"id": "O5", "name": "商场支部", "unit_id": "U4", "type": "branch", "parent_id": "O3"},
        {"id": "O6", "name": "居委会支部", "unit_id": "U6", "type": "branch"},
        {"id": "O7", "name": "商场联合支部", "unit_id": "U4", "type": "joint_branch", "parent_id": "O5", "members": 5},
    ],
    "needs": [
        {"id": "N1", "title": "停车位", "category": "parking", "unit_id": "U1", "area_id": "A2",
         "raised": "2024-01-10", "urgency": "high", "quantity": 20, "status": "open"},
        {"id": "N2", "title": "夜间停车", "category": "parking", "unit_id": "U1", "raised": "2023-02-01", "quantity": 5},
        {"id": "N3", "title": "合同纠纷", "category": "legal", "unit_id": "U4", "area_id": "A3",
         "raised": "2024-06-01", "status": "fulfilled", "dispatched_on": "2024-06-03", "accepted_on": "2024-06-05",
         "fulfilled_on": "2024-06-28", "rating": "4"},
        {"id": "N4", "title": "助老", "category": "elderly_care", "unit_id": "U6", "status": "dispatched", "urgency": "high",
         "dispatched_on": "2024-11-11"},
        {"id": "N5", "title": "规划咨询", "category": "think_tank", "unit_id": "U3", "raised": "2022-05-05",
         "status": "open"},
        {"id": "N6", "title": "志愿者", "category": "volunteering", "unit_id": "U2", "area_id": "A3",
         "raised": "2024-12-01", "status": "partial", "quantity": 5, "dispatched_on": "2024-12-02",
         "accepted_on": "2024-12-04"},
        {"id": "N7", "title": "停车秩序", "category": "parking", "unit_id": "U6", "area_id": "A3",
         "raised": "2021-01-01", "status": "closed", "closed_on": "2021-03-01", "rating": "不满意"},
        {"id": "N8", "title": "停车引导", "category": "parking", "unit_id": "U5", "area_id": "A3",
         "raised": "2025-01-20", "status": "accepted", "urgency": "low", "channel": "hotline",
         "dispatched_on": "2025-01-21", "accepted_on": "2025-01-25"},
        {"id": "N9", "title": "停车诱导屏", "category": "parking", "unit_id": "U5", "area_id": "A3",
         "raised": "2024-02-10", "status": "fulfilled", "channel": "grid", "dispatched_on": "2024-02-12",
         "accepted_on": "2024-02-13", "fulfilled_on": "2024-02-15", "rating": "满意"},
    ],
    "resources": [
        {"id": "R1", "title": "专家团队", "category": "think_tank", "unit_id": "U2", "area_id": "A3", "capacity": 3,
         "available_until": "2026-01-01"},
        {"id": "R2", "title": "商场车位", "category": "parking", "unit_id": "U4", "area_id": "A2", "capacity": 10,
         "available_until": "2024-12-31"},
        {"id": "R3", "title": "机关志愿者", "category": "volunteering", "unit_id": "U1"},
        {"id": "R4", "title": "社区车位", "category": "parking", "unit_id": "U6", "area_id": "A3", "capacity": 4,
         "available_until": "2030-01-01"},
        {"id": "R5", "title": "课程", "category": "education", "unit_id": "U2", "area_id": "A3", "capacity": 2},
    ],
    "projects": [
        {"id": "P1", "title": "片区规划", "category": "think_tank", "lead_unit_id": "U2", "status": "active",
         "start_date": "2024-02-01", "need_ids": "N5;N1"},
        {"id": "P2", "title": "志愿服务", "status": "planned", "need_ids": "N6"},
        {"id": "P3", "title": "商场共建", "category": "commerce", "lead_unit_id": "U4", "start_date": "2024-09-09"},
    ],
    "participations": [
        {"project_id": "P1", "unit_id": "U1", "role": "参与"},
        {"project_id": "P1", "unit_id": "U3", "role": "参与"},
        {"project_id": "P2", "unit_id": "U6"},
        {"project_id": "P2", "unit_id": "U2"},
        {"project_id": "P3", "unit_id": "U4", "role": "牵头"},
    ],
}
EDGE_DISPATCHES = [
    {"id": "D1", "need_id": "N1", "resource_id": "R2", "status": "accepted"},
    {"id": "D2", "need_id": "N6", "resource_id": "R3", "status": "declined"},
    {"id": "D3", "need_id": "N4", "resource_id": "R4", "status": "fulfilled"},
    {"id": "D4", "need_id": "N8", "resource_id": "R4", "status": "withdrawn"},
]


def _add_dispatches(store, rows):
    with store.transaction():
        for r in rows:
            store.query("MATCH (n:Need {id: $need}), (r:Resource {id: $res}) "
                        "CREATE (d:Dispatch {id: $id, need_id: $need, resource_id: $res, status: $status}), "
                        "(d)-[:FOR_NEED]->(n), (d)-[:USES]->(r)",
                        {"id": r["id"], "need": r["need_id"], "res": r["resource_id"], "status": r["status"]})


@pytest.fixture(scope="module", params=["sample", "station", "edge"])
def world(request, tmp_path_factory):
    """(store, checked tables, reference date) for one dataset."""
    tmp = tmp_path_factory.mktemp(f"reports-{request.param}")
    dispatches = []
    if request.param == "sample":
        folder, as_of = SAMPLE, dt.date(2025, 12, 31)
    elif request.param == "station":
        folder, as_of = tmp / "station", dt.date(2025, 6, 30)
        write_generated("station", 7, folder)
    else:
        folder, as_of = write_dataset(tmp / "edge", EDGE_TABLES), dt.date(2025, 3, 1)
        dispatches = EDGE_DISPATCHES
    dataset = read_and_check(folder)
    store = open_store(tmp / "g.lbdb", read_only=False)
    store.load(dataset)
    if dispatches:
        _add_dispatches(store, dispatches)
    # what central, gaps and match --all --assign store, kept as computed for the independent rows
    results = Results(store)
    computed = {"_central": results.compute_central(), "_findings": results.compute_findings(as_of=as_of),
                "_proposals": results.compute_assignments(as_of=as_of)[0]}
    computed["_stamps"] = results.stamps()
    store.close()
    store = open_store(tmp / "g.lbdb")
    tables = dict(dataset.tables)
    tables["dispatches"] = pd.DataFrame(dispatches, columns=["id", "need_id", "resource_id", "status"])
    tables.update(computed)
    yield store, tables, as_of
    store.close()


# -- helpers over the checked tables ----------------------------------------------------------

from results_reports import _none, _rows  # noqa: E402  (one copy of the row helpers)
from results_reports import _open as _unmet  # noqa: E402


def _involved(T) -> dict[str, set[str]]:
    """project id -> units that lead it or take part."""
    out = defaultdict(set)
    for p in _rows(T["projects"]):
        if p["lead_unit_id"]:
            out[p["id"]].add(p["lead_unit_id"])
    for r in _rows(T["participations"]):
        out[r["project_id"]].add(r["unit_id"])
    return out


def _unit_projects(T) -> dict[str, set[str]]:
    out = defaultdict(set)
    for pid, units in _involved(T).items():
        for u in units:
            out[u].add(pid)
    return out


def _addressing(T) -> dict[str, set[str]]:
    """need id -> projects whose need_ids list it."""
    out = defaultdict(set)
    for p in _rows(T["projects"]):
        for nid in (p["need_ids"] or "").split(";"):
            if nid.strip():
                out[nid.strip()].add(p["id"])
    return out


def _by_id(T, name):
    return {r["id"]: r for r in _rows(T[name])}


def _members(T) -> dict[str, list[dict]]:
    out = defaultdict(list)
    for m in _rows(T["memberships"]):
        out[m["committee_id"]].append(m)
    return out


def _available(r, as_of) -> bool:
    return r["available_until"] is None or r["available_until"] >= pd.Timestamp(as_of)


def _partners(T) -> dict[str, set[str]]:
    out = defaultdict(set)
    for a in _rows(T["agreements"]):
        out[a["unit_a"]].add(a["unit_b"])
        out[a["unit_b"]].add(a["unit_a"])
    return out


# -- one independent computation per report ------------------------------------------------

def exp_committee_roster(T, committee=""):
    units, comms = _by_id(T, "units"), _by_id(T, "committees")
    needs = pd.Series([n["unit_id"] for n in _rows(T["needs"])]).value_counts()
    res = pd.Series([r["unit_id"] for r in _rows(T["resources"])]).value_counts()
    projects = _unit_projects(T)
    rows = []
    for m in _rows(T["memberships"]):
        if committee and m["committee_id"] != committee:
            continue
        u = units[m["unit_id"]]
        rows.append([m["committee_id"], comms[m["committee_id"]]["name"], u["id"], u["name"], u["type"], u["sector"],
                     m["role"], m["since"], needs.get(u["id"], 0), res.get(u["id"], 0), len(projects[u["id"]])])
    return ["committee_id", "committee", "unit_id", "unit", "unit_type", "sector", "role", "since", "needs",
            "resources", "projects"], rows


CADENCE_PER_YEAR = {"weekly": 52, "monthly": 12, "quarterly": 4, "half_yearly": 2, "yearly": 1}


def exp_committee_activity(T):
    members = _members(T)
    projects = _unit_projects(T)
    rows = []
    for c in _rows(T["committees"]):
        mem = {m["unit_id"] for m in members[c["id"]]}
        needs = [n for n in _rows(T["needs"]) if n["unit_id"] in mem]
        res = [r for r in _rows(T["resources"]) if r["unit_id"] in mem]
        projs = set().union(*(projects[u] for u in mem)) if mem else set()
        rows.append([c["id"], c["name"], c["level"], c["cadence"], CADENCE_PER_YEAR.get(c["cadence"]), c["meetings"],
                     len(mem), len(needs), sum(_unmet(n["status"]) for n in needs), len(res), len(projs)])
    return ["committee_id", "committee", "level", "cadence", "meetings_expected", "meetings", "members", "needs",
            "unmet_needs", "resources", "projects"], rows


def exp_unmet_needs(T, category=""):
    units, areas = _by_id(T, "units"), _by_id(T, "areas")
    groups = defaultdict(list)
    for n in _rows(T["needs"]):
        if not _unmet(n["status"]) or (category and n["category"] != category):
            continue
        area_id = n["area_id"] or units[n["unit_id"]]["area_id"]
        area = areas[area_id]["name"] if area_id else None
        groups[(n["category"], area_id, area)].append(n)
    rows = []
    for (cat, area_id, area), ns in groups.items():
        dates = [n["raised"] for n in ns if n["raised"] is not None]
        rows.append([cat, area_id, area, len(ns), sum(n["urgency"] == "high" for n in ns),
                     min(dates) if dates else None])
    return ["category", "area_id", "area", "unmet", "urgent", "oldest"], rows


def exp_supply_demand(T, as_of):
    needs, res = _rows(T["needs"]), _rows(T["resources"])
    cats = {n["category"] for n in needs} | {r["category"] for r in res}
    rows = []
    for cat in cats:
        unmet = [n for n in needs if n["category"] == cat and _unmet(n["status"])]
        avail = [r for r in res if r["category"] == cat and _available(r, as_of)]
        ratio = None if not unmet else len(avail) / len(unmet)
        rows.append([cat, sum(n["category"] == cat for n in needs), len(unmet),
                     sum(n["quantity"] or 0 for n in unmet), len(avail), sum(r["capacity"] or 0 for r in avail), ratio])
    return ["category", "needs", "unmet_needs", "unmet_quantity", "resources", "capacity",
            "resources_per_unmet_need"], rows


def exp_cross_ties(T):
    units, members = _by_id(T, "units"), _members(T)
    projects, partners = _unit_projects(T), _partners(T)
    rows = []
    for c in _rows(T["committees"]):
        mem = sorted({m["unit_id"] for m in members[c["id"]]})
        distinct = [len({units[u][k] for u in mem} - {None}) for k in ("type", "sector", "area_id")]
        ties = cross_s = cross_a = 0
        for i, a in enumerate(mem):
            for b in mem[i + 1:]:
                if b in partners[a] or projects[a] & projects[b]:
                    ua, ub = units[a], units[b]
                    ties += 1
                    cross_s += ua["sector"] is not None and ub["sector"] is not None and ua["sector"] != ub["sector"]
                    cross_a += ua["area_id"] is not None and ub["area_id"] is not None and ua["area_id"] != ub["area_id"]
        rows.append([c["id"], c["name"], len(mem), *distinct, ties, cross_s, cross_a])
    return ["committee_id", "committee", "members", "types", "sectors", "areas", "ties", "cross_sector_ties",
            "cross_area_ties"], rows


def exp_multi_committee_units(T, min_committees=2):
    units, comms = _by_id(T, "units"), _by_id(T, "committees")
    on = defaultdict(set)
    for m in _rows(T["memberships"]):
        on[m["unit_id"]].add(m["committee_id"])
    rows = [[u, units[u]["name"], units[u]["type"], units[u]["sector"], len(cs), {comms[c]["name"] for c in cs}]
            for u, cs in on.items() if len(cs) >= min_committees]
    return ["unit_id", "unit", "unit_type", "sector", "committees", "committee_names"], rows


def exp_need_conversion(T, committee=""):
    addressing = _addressing(T)
    mem = {m["unit_id"] for m in _members(T)[committee]} if committee else None
    needs = [n for n in _rows(T["needs"]) if mem is None or n["unit_id"] in mem]
    rows = []
    for cat in sorted({n["category"] for n in needs}):
        ns = [n for n in needs if n["category"] == cat]
        done = sum(bool(addressing[n["id"]]) for n in ns)
        rows.append([cat, len(ns), done, done / len(ns)])
    if needs:
        done = sum(bool(addressing[n["id"]]) for n in needs)
        rows.append(["(all)", len(needs), done, done / len(needs)])
    return ["category", "needs", "in_projects", "share"], rows


def exp_paper_members(T, committee=""):
    units, comms = _by_id(T, "units"), _by_id(T, "committees")
    active = ({n["unit_id"] for n in _rows(T["needs"])} | {r["unit_id"] for r in _rows(T["resources"])}
              | set(_unit_projects(T)) | set(_partners(T)))
    rows = []
    for m in _rows(T["memberships"]):
        if (committee and m["committee_id"] != committee) or m["unit_id"] in active:
            continue
        u = units[m["unit_id"]]
        rows.append([m["committee_id"], comms[m["committee_id"]]["name"], u["id"], u["name"], u["type"], m["role"],
                     m["since"]])
    return ["committee_id", "committee", "unit_id", "unit", "unit_type", "role", "since"], rows


def exp_stale_needs(T, as_of, min_age=dt.timedelta(days=365), only_unaddressed=False):
    units, addressing = _by_id(T, "units"), _addressing(T)
    limit = pd.Timestamp(as_of - min_age)
    rows = []
    for n in _rows(T["needs"]):
        if n["raised"] is None or n["raised"] > limit or not _unmet(n["status"]):
            continue
        k = len(addressing[n["id"]])
        if only_unaddressed and k:
            continue
        rows.append([n["id"], n["title"], n["category"], n["urgency"], n["status"], n["raised"], n["unit_id"],
                     units[n["unit_id"]]["name"], k])
    return ["need_id", "title", "category", "urgency", "status", "raised", "unit_id", "unit", "projects"], rows


def exp_unused_resources(T, as_of):
    units = _by_id(T, "units")
    used = {d["resource_id"] for d in _rows(T["dispatches"]) if d["status"] in ("accepted", "partial", "fulfilled")}
    unmet = pd.Series([n["category"] for n in _rows(T["needs"]) if _unmet(n["status"])]).value_counts()
    rows = [[r["id"], r["title"], r["category"], r["capacity"], r["available_until"], r["unit_id"],
             units[r["unit_id"]]["name"], unmet.get(r["category"], 0)]
            for r in _rows(T["resources"]) if _available(r, as_of) and r["id"] not in used]
    return ["resource_id", "title", "category", "capacity", "available_until", "unit_id", "unit",
            "unmet_needs_same_category"], rows


def exp_think_tank_ties(T):
    units = _by_id(T, "units")
    rows = []
    for a in _rows(T["agreements"]):
        for s, o in ((a["unit_a"], a["unit_b"]), (a["unit_b"], a["unit_a"])):
            if units[s]["type"] in UNIVERSITY_TYPES:
                rows.append([s, units[s]["name"], o, units[o]["name"], units[o]["type"], "agreement", a["kind"],
                             a["signed"]])
    seen = set()
    for p in _rows(T["projects"]):
        involved = _involved(T)[p["id"]]
        for s in involved:
            for o in involved - {s}:
                if units[s]["type"] in UNIVERSITY_TYPES:
                    row = (s, units[s]["name"], o, units[o]["name"], units[o]["type"], "project", p["title"],
                           p["start_date"])
                    if row not in seen:
                        seen.add(row)
                        rows.append(list(row))
    return ["university_id", "university", "partner_id", "partner", "partner_type", "tie", "detail", "since"], rows


def exp_party_org_tree(T, unit):
    orgs, units = _by_id(T, "party_orgs"), _by_id(T, "units")
    up = nx.DiGraph()  # child -> parent
    up.add_nodes_from(orgs)
    up.add_edges_from((o["id"], o["parent_id"]) for o in orgs.values() if o["parent_id"])
    own = [o for o in orgs if orgs[o]["unit_id"] == unit]
    found = set()
    for start in own:
        for x in nx.single_source_shortest_path_length(up, start, cutoff=10):
            found.add((x, "superior"))
        for x, d in nx.single_source_shortest_path_length(up.reverse(), start, cutoff=10).items():
            if d >= 1:
                found.add((x, "subordinate"))
    rows = set()
    for x, rel in found:
        o = orgs[x]
        rows.add(("own" if o["unit_id"] == unit else rel, x, o["name"], o["type"], o["members"], o["parent_id"] or "",
                  o["unit_id"], units[o["unit_id"]]["name"]))
    return ["relation", "org_id", "org", "org_type", "members", "parent_id", "unit_id", "unit"], [list(r) for r in rows]


def exp_links_between_units(T, a, b):
    units, comms, areas, orgs = _by_id(T, "units"), _by_id(T, "committees"), _by_id(T, "areas"), _by_id(T, "party_orgs")
    involved, addressing, partners = _involved(T), _addressing(T), _partners(T)
    on = defaultdict(set)
    for m in _rows(T["memberships"]):
        on[m["unit_id"]].add(m["committee_id"])
    links = set()
    for c in on[a] & on[b]:
        links.add(("committee", c, comms[c]["name"]))
    for g in _rows(T["agreements"]):
        if {g["unit_a"], g["unit_b"]} == {a, b}:
            links.add(("agreement", g["kind"] or "", g["kind"] or ""))
    for p, us in involved.items():
        if a in us and b in us:
            links.add(("project", p, _by_id(T, "projects")[p]["title"]))
    if units[a]["area_id"] and units[a]["area_id"] == units[b]["area_id"]:
        ar = units[a]["area_id"]
        links.add(("area", ar, areas[ar]["name"]))
    for o1 in (o for o in orgs.values() if o["unit_id"] == a):
        for o2 in (o for o in orgs.values() if o["unit_id"] == b):
            if o1["parent_id"] == o2["id"] or o2["parent_id"] == o1["id"]:
                links.add(("party_org", f"{o1['id']} - {o2['id']}", f"{o1['name']} - {o2['name']}"))
    for raiser, server, link in ((a, b, "need_of_a_served_by_b"), (b, a, "need_of_b_served_by_a")):
        for n in _rows(T["needs"]):
            if n["unit_id"] == raiser and any(server in involved[p] for p in addressing[n["id"]]):
                links.add((link, n["id"], n["title"]))
    for m in (partners[a] & partners[b]) - {a, b}:
        links.add(("common_partner", m, units[m]["name"]))
    return ["link", "via_id", "via"], [list(x) for x in links]


def exp_unserved_needs(T, as_of, same_area=False):
    units, res = _by_id(T, "units"), _rows(T["resources"])
    rows = []
    for n in _rows(T["needs"]):
        if not _unmet(n["status"]):
            continue
        if any(r["category"] == n["category"] and _available(r, as_of)
               and (not same_area or (r["area_id"] is not None and r["area_id"] == n["area_id"])) for r in res):
            continue
        rows.append([n["id"], n["title"], n["category"], n["area_id"], n["urgency"], n["raised"], n["unit_id"],
                     units[n["unit_id"]]["name"]])
    return ["need_id", "title", "category", "area_id", "urgency", "raised", "unit_id", "unit"], rows


# -- the reports over time -------------------------------------------------------------------

def _in(d, a, b) -> bool:
    return d is not None and pd.Timestamp(a) <= d <= pd.Timestamp(b)


def _raised_by(T, committee=""):
    needs = _rows(T["needs"])
    if not committee:
        return needs
    members = {m["unit_id"] for m in _members(T)[committee]}
    return [n for n in needs if n["unit_id"] in members]


def exp_needs_by_month(T, year, committee=""):
    needs = _raised_by(T, committee)
    rows = []
    for m in range(1, 13):
        first = pd.Timestamp(f"{year}-{m:02d}-01")
        last = first + pd.offsets.MonthEnd(0)
        rows.append([f"{year}-{m:02d}"] + [sum(_in(n[c], first, last) for n in needs)
                                           for c in ("raised", "dispatched_on", "fulfilled_on", "closed_on")])
    return ["month", "raised", "dispatched", "fulfilled", "closed"], rows


def exp_time_to_fulfil(T, since, until, fast, normal, slow):
    done = [n for n in _rows(T["needs"]) if n["raised"] is not None and _in(n["fulfilled_on"], since, until)]
    rows = []
    for cat in sorted({n["category"] for n in done}):
        days = [(n["fulfilled_on"] - n["raised"]).days for n in done if n["category"] == cat]
        within = [sum(d <= limit.days for d in days) for limit in (fast, normal, slow)]
        rows.append([cat, len(days), *within, len(days) - within[2], within[1] / len(days)])
    return ["category", "fulfilled", "within_fast", "within_normal", "within_slow", "longer",
            "share_within_normal"], rows


def exp_dispatch_funnel(T, since, until, committee=""):
    needs = [n for n in _raised_by(T, committee) if _in(n["raised"], since, until)]
    past = {"dispatched": ("dispatched", "accepted", "partial", "fulfilled"),
            "accepted": ("accepted", "partial", "fulfilled"), "fulfilled": ("fulfilled",)}

    def reached(n, step):
        later = {"dispatched": ("dispatched_on", "accepted_on", "fulfilled_on"),
                 "accepted": ("accepted_on", "fulfilled_on"), "fulfilled": ("fulfilled_on",)}[step]
        return any(n[c] is not None for c in later) or (n["status"] or "open") in past[step]

    rows = []
    for cat in sorted({n["category"] for n in needs}):
        ns = [n for n in needs if n["category"] == cat]
        counts = [sum(reached(n, s) for n in ns) for s in ("dispatched", "accepted", "fulfilled")]
        closed = sum(n["status"] == "closed" and not reached(n, "fulfilled") for n in ns)
        rows.append([cat, len(ns), *counts, closed, counts[2] / len(ns)])
    return ["category", "raised", "dispatched", "accepted", "fulfilled", "closed", "fulfilled_share"], rows


def exp_expiring_resources(T, as_of, days):
    units = _by_id(T, "units")
    live = defaultdict(int)
    for d in _rows(T["dispatches"]):
        if d["status"] in ("dispatched", "accepted", "partial"):
            live[d["resource_id"]] += 1
    rows = [[r["id"], r["title"], r["category"], r["capacity"], r["available_until"], r["unit_id"],
             units[r["unit_id"]]["name"], live[r["id"]]]
            for r in _rows(T["resources"]) if _in(r["available_until"], as_of, as_of + days)]
    return ["resource_id", "title", "category", "capacity", "available_until", "unit_id", "unit",
            "live_dispatches"], rows


def _ancestors(T, table, start):
    parent = {r["id"]: r["parent_id"] for r in _rows(T[table])}
    out = []
    while start is not None and start not in out:
        out.append(start)
        start = parent.get(start)
    return out


def exp_area_rollup(T, level=""):
    units, areas = _by_id(T, "units"), _by_id(T, "areas")
    per = defaultdict(list)
    for n in _rows(T["needs"]):
        place = n["area_id"] or units[n["unit_id"]]["area_id"]
        for a in _ancestors(T, "areas", place) if place else []:
            per[a].append(n["status"] or "open")
    rows = []
    for a, statuses in per.items():
        if level and areas[a]["level"] != level:
            continue
        done, closed = statuses.count("fulfilled"), statuses.count("closed")
        rate = None if len(statuses) == closed else done / (len(statuses) - closed)
        rows.append([a, areas[a]["name"], areas[a]["level"], len(statuses), done, closed,
                     len(statuses) - done - closed, rate])
    return ["area_id", "area", "level", "needs", "fulfilled", "closed", "unmet", "resolution_rate"], rows


def _need_stats(needs, addressing):
    done = sum(n["status"] == "fulfilled" for n in needs)
    closed = sum(n["status"] == "closed" for n in needs)
    return len(needs), done, closed, sum(bool(addressing[n["id"]]) for n in needs)


def exp_committee_rollup(T):
    members, addressing, projects = _members(T), _addressing(T), _unit_projects(T)
    rows = []
    for c in _rows(T["committees"]):
        below = [x["id"] for x in _rows(T["committees"]) if c["id"] in _ancestors(T, "committees", x["id"])]
        units = {m["unit_id"] for b in below for m in members[b]}
        needs = [n for n in _rows(T["needs"]) if n["unit_id"] in units]
        n, done, closed, named = _need_stats(needs, addressing)
        rows.append([c["id"], c["name"], c["level"], len(below), len(units), n, done, closed, n - done - closed, named,
                     len(set().union(*(projects[u] for u in units)) if units else set())])
    return ["committee_id", "committee", "level", "committees", "units", "needs", "fulfilled", "closed", "unmet",
            "needs_in_projects", "projects"], rows


def exp_committee_comparison(T, since, until):
    members, addressing, projects = _members(T), _addressing(T), _by_id(T, "projects")
    involved = _unit_projects(T)
    rows = []
    for c in _rows(T["committees"]):
        units = {m["unit_id"] for m in members[c["id"]]}
        needs = [n for n in _rows(T["needs"]) if n["unit_id"] in units and _in(n["raised"], since, until)]
        n, done, closed, named = _need_stats(needs, addressing)
        theirs = set().union(*(involved[u] for u in units)) if units else set()
        started = sum(_in(projects[p]["start_date"], since, until) for p in theirs)
        completed = sum(projects[p]["status"] == "completed" and _in(projects[p]["end_date"], since, until)
                        for p in theirs)
        rows.append([c["id"], c["name"], c["level"], len(units), n, named, named / n if n else None, done, closed,
                     done / (n - closed) if n > closed else None, started, completed])
    return ["committee_id", "committee", "level", "members", "needs", "converted", "conversion_rate", "fulfilled",
            "closed", "resolution_rate", "projects_started", "projects_completed"], rows


EXPECTED = {name[4:]: fn for name, fn in globals().items() if name.startswith("exp_")}
RATIO_COLUMNS = {"share", "resources_per_unmet_need", "share_within_normal", "fulfilled_share", "resolution_rate",
                 "conversion_rate"}


def test_every_bundled_report_has_an_independent_computation():
    assert set(EXPECTED) == set(REPORTS)


# -- comparing -----------------------------------------------------------------------------

def _cell(v):
    v = _none(v)
    if v is None:
        return None
    if isinstance(v, (set, frozenset, list, tuple, np.ndarray)):
        return tuple(sorted(_cell(x) for x in v))
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (pd.Timestamp, dt.datetime)):
        return v.date().isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, (int, float, np.integer, np.floating)):
        return float(v)
    return str(v)


def _sort_key(row, keep):
    return tuple((row[i] is None, str(row[i])) for i in keep)


def assert_same_rows(actual: pd.DataFrame, columns, expected_rows, label):
    assert list(actual.columns) == columns, label
    got = [tuple(_cell(v) for v in r) for r in actual.itertuples(index=False)]
    want = [tuple(_cell(v) for v in r) for r in expected_rows]
    assert len(got) == len(want), f"{label}: {len(got)} rows, expected {len(want)}"
    keep = [i for i, c in enumerate(columns) if c not in RATIO_COLUMNS]
    got.sort(key=lambda r: _sort_key(r, keep))
    want.sort(key=lambda r: _sort_key(r, keep))
    for g, w in zip(got, want):
        for i, c in enumerate(columns):
            if c in RATIO_COLUMNS and g[i] is not None and w[i] is not None:
                # the report rounds (3 or 2 decimals); allow for either rounding rule
                assert g[i] == pytest.approx(w[i], abs=0.0051), (label, c, g, w)
            else:
                assert g[i] == w[i], f"{label}: column {c}: got {g[i]!r}, expected {w[i]!r}\n got  {g}\n want {w}"


def _cases(name, T, as_of):
    """Parameter sets to try for each report on a dataset (values as the CLI passes them)."""
    committees = sorted(T["committees"]["id"])
    big = T["memberships"]["committee_id"].value_counts().index[0]
    units = sorted(T["units"]["id"])
    orgs = T["party_orgs"]
    cross = orgs.merge(orgs, left_on="parent_id", right_on="id", suffixes=("", "_p"))
    tree_units = sorted(set(cross.loc[cross["unit_id"] != cross["unit_id_p"], "unit_id"]))[:2]
    tree_units += sorted(set(cross["unit_id_p"]))[:2] + units[-1:]
    agreements = T["agreements"]
    pairs = [(agreements["unit_a"].iloc[i], agreements["unit_b"].iloc[i]) for i in range(min(3, len(agreements)))]
    m = T["memberships"]
    same = m[m["committee_id"] == big]["unit_id"].tolist()
    pairs += [(same[0], same[1]), (units[0], units[-1])]
    iso = as_of.isoformat()
    cats = T["needs"]["category"].value_counts().index
    return {
        "committee_roster": [{}, {"committee": big}, {"committee": committees[-1]}],
        "committee_activity": [{}],
        "unmet_needs": [{}, {"category": cats[0]}],
        "supply_demand": [{"as_of": iso}, {"as_of": "2020-01-01"}],
        "cross_ties": [{}],
        "multi_committee_units": [{}, {"min_committees": "1"}, {"min_committees": "3"}],
        "need_conversion": [{}, {"committee": big}],
        "paper_members": [{}, {"committee": big}],
        "stale_needs": [{"as_of": iso}, {"as_of": iso, "min_age": "30", "only_unaddressed": "true"},
                        {"as_of": iso, "min_age": "0 days"}],
        "unused_resources": [{"as_of": iso}, {"as_of": "2020-01-01"}],
        "think_tank_ties": [{}],
        "party_org_tree": [{"unit": u} for u in tree_units],
        "links_between_units": [{"a": x, "b": y} for x, y in pairs] + [{"a": y, "b": x} for x, y in pairs[:1]],
        "unserved_needs": [{"as_of": iso}, {"as_of": iso, "same_area": "true"}],
        "needs_by_month": [{"year": str(as_of.year)}, {"year": str(as_of.year - 1), "committee": big}],
        "time_to_fulfil": [{"until": iso}, {"since": f"{as_of.year}-01-01", "until": iso, "fast": "3", "normal": "14",
                                            "slow": "60"}],
        "dispatch_funnel": [{"until": iso}, {"since": f"{as_of.year - 1}-01-01", "until": iso, "committee": big}],
        "expiring_resources": [{"as_of": iso}, {"as_of": iso, "days": "365"}],
        "area_rollup": [{}, {"level": "district"}, {"level": "street"}],
        "committee_rollup": [{}],
        "committee_comparison": [{"until": iso}, {"since": f"{as_of.year}-01-01", "until": iso}],
        "central_units": [{}, {"committee": big, "top": "3"}, {"top": "1"}],
        "findings_by_area": [{}, {"kind": "unmet_need"}, {"area": str(T["areas"]["id"].iloc[0])},
                             {"area": str(T["areas"]["id"].iloc[-1]), "kind": "supply_gap"}],
        "open_proposals": [{}, {"category": cats[0]}],
        "analysis_runs": [{}],
    }[name]


@pytest.mark.parametrize("name", NAMES)
def test_report_equals_independent_computation(world, name):
    store, T, as_of = world
    report = REPORTS[name]
    nonempty = 0
    for given in _cases(name, T, as_of):
        actual = run_report(store.query, report, given, today=as_of)
        values = report.bind(given, today=as_of)
        columns, rows = EXPECTED[name](T, **values)
        assert_same_rows(actual, columns, rows, f"{name} {given}")
        nonempty += len(rows) > 0
    assert nonempty, f"{name}: every case gave no rows; the comparison proves nothing"
    # what a person reads (terminal, Excel) is Chinese: every column the report returns has a header
    from graphgov.views.labels import COLUMN_ZH

    assert [c for c in actual.columns if c not in COLUMN_ZH] == [], f"{name}: columns without a Chinese header"


def _readme_gap(letter: str, pattern: str) -> list[str]:
    """The ids the sample's README lists under its deliberate gap (letter)."""
    text = (SAMPLE / "README.md").read_text(encoding="utf-8")
    start = text.index(f"**({letter})")
    end = text.find("**(", start + 4)
    return re.findall(pattern, text[start:end if end > 0 else None])


def test_sample_gaps_are_found(tmp_path):
    """The deliberate gaps data/sample/README.md states for 2025-12-31, found by the reports."""
    store = open_store(tmp_path / "s.lbdb", read_only=False)
    store.load(read_and_check(SAMPLE))
    try:
        paper = run_report(store.query, REPORTS["paper_members"])
        expected = sorted(set(_readme_gap("a", r"`(U\d+)`")))
        assert len(expected) >= 3
        assert sorted(set(paper["unit_id"])) == expected
        old = run_report(store.query, REPORTS["stale_needs"], {"as_of": "2025-12-31", "only_unaddressed": "true"})
        expected = _readme_gap("c", r"`(N\d+)`")
        assert len(expected) >= 3
        assert list(old["need_id"]) == expected
        unserved = run_report(store.query, REPORTS["unserved_needs"], {"as_of": "2025-12-31"})
        legal = re.search(r"Category `legal`.*", "\n".join([(SAMPLE / "README.md").read_text(encoding="utf-8")]))
        expected = set(re.findall(r"`(N\d+)`", legal[0]))
        assert len(expected) >= 3
        assert set(unserved.loc[unserved["category"] == "legal", "need_id"]) == expected
    finally:
        store.close()


# ---------------------------------------------------------------------------------------
# The command line.
# ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def edge_store_path(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cli")
    store = open_store(tmp / "e.lbdb", read_only=False)
    store.load(read_and_check(write_dataset(tmp / "edge", EDGE_TABLES)))
    store.close()
    return tmp / "e.lbdb"


# The reports over time on the small dataset, worked out by hand from EDGE_TABLES (as of 2025-03-01).
BY_HAND = [
    ("needs_by_month", {"year": "2024"}, [  # raised N1 Jan, N9 Feb, N3 Jun, N6 Dec; dispatched N9, N3, N4 Nov, N6
        ("2024-01", 1, 0, 0, 0), ("2024-02", 1, 1, 1, 0), ("2024-03", 0, 0, 0, 0), ("2024-04", 0, 0, 0, 0),
        ("2024-05", 0, 0, 0, 0), ("2024-06", 1, 1, 1, 0), ("2024-07", 0, 0, 0, 0), ("2024-08", 0, 0, 0, 0),
        ("2024-09", 0, 0, 0, 0), ("2024-10", 0, 0, 0, 0), ("2024-11", 0, 1, 0, 0), ("2024-12", 1, 1, 0, 0)]),
    ("time_to_fulfil", {"until": "2025-03-01"}, [  # N3 in 27 days, N9 in 5
        ("legal", 1, 0, 1, 1, 0, 1.0), ("parking", 1, 1, 1, 1, 0, 1.0)]),
    ("dispatch_funnel", {"until": "2025-03-01"}, [  # N4 has no raised date; N7 closed without a dispatch
        ("legal", 1, 1, 1, 1, 0, 1.0), ("parking", 5, 2, 2, 1, 1, 0.2), ("think_tank", 1, 0, 0, 0, 0, 0.0),
        ("volunteering", 1, 1, 1, 0, 0, 0.0)]),
    ("expiring_resources", {"as_of": "2025-03-01", "days": "365"}, [
        ("R1", "专家团队", "think_tank", 3, "2026-01-01", "U2", "某大学", 0)]),
    ("area_rollup", {"level": "district"}, [  # all but N5 (unit without an area): N3, N9 done, N7 closed
        ("A1", "甲区", "district", 8, 2, 1, 5, 2 / 7)]),
]


@pytest.mark.parametrize("name, params, rows", BY_HAND, ids=[c[0] for c in BY_HAND])
def test_reports_over_time_by_hand(edge_store_path, name, params, rows):
    with open_store(edge_store_path) as store:
        got = run_report(store.query, REPORTS[name], params, today=dt.date(2025, 3, 1))
    have = [tuple(_cell(v) for v in r) for r in got.itertuples(index=False)]
    want = [tuple(_cell(v) for v in r) for r in rows]
    ratios = [i for i, c in enumerate(got.columns) if c in RATIO_COLUMNS]  # rounded to 3 places by the report

    def exact(r):
        return tuple(x for i, x in enumerate(r) if i not in ratios)

    assert [exact(r) for r in have] == [exact(r) for r in want]
    for i in ratios:
        assert [r[i] for r in have] == pytest.approx([r[i] for r in want], abs=0.0005)


def test_committee_rollup_by_hand(edge_store_path):
    """C1 holds C2: units U1–U7, the needs N1–N9 (N3, N9 fulfilled, N7 closed; P1, P2 name N1, N5, N6), P1–P3."""
    with open_store(edge_store_path) as store:
        got = run_report(store.query, REPORTS["committee_rollup"]).set_index("committee_id")
    assert got.loc["C1", ["committees", "units", "needs", "fulfilled", "closed", "unmet", "needs_in_projects",
                          "projects"]].tolist() == [2, 7, 9, 2, 1, 6, 3, 3]
    assert got.loc["C3", ["committees", "units", "needs", "projects"]].tolist() == [1, 0, 0, 0]


def test_cli_list(tmp_path):
    result = CliRunner().invoke(cli, ["query", "list", "--format", "json"])
    assert result.exit_code == 0, result.output
    import json

    listed = {r["name"]: r for r in json.loads(result.output)}
    assert set(listed) == set(REPORTS)
    assert listed["stale_needs"]["parameters"] == "as_of=today, min_age=365 days, only_unaddressed=false"
    assert listed["party_org_tree"]["parameters"] == "unit (required)"


def test_cli_run_formats(edge_store_path, tmp_path):
    runner = CliRunner()
    out = tmp_path / "roster.csv"
    result = runner.invoke(cli, ["query", "run", "committee_roster", "--store", str(edge_store_path),
                                 "--param", "committee=C2", "--format", "csv", "--out", str(out)])
    assert result.exit_code == 0, result.output
    df = pd.read_csv(out, encoding="utf-8-sig")
    assert sorted(df["unit_id"]) == ["U2", "U4", "U6"]
    xlsx = tmp_path / "tree.xlsx"
    result = runner.invoke(cli, ["query", "run", "party_org_tree", "--store", str(edge_store_path), "-p", "unit=U4",
                                 "--format", "xlsx", "--out", str(xlsx)])
    assert result.exit_code == 0, result.output
    from graphgov.views.excel import read_workbook_table

    tree = read_workbook_table(xlsx)  # the table sheet after the one saying what it holds, keys back
    assert dict(zip(tree["org_id"], tree["relation"])) == {"O5": "own", "O7": "own", "O3": "superior", "O1": "superior"}
    result = runner.invoke(cli, ["query", "run", "stale_needs", "--store", str(edge_store_path),
                                 "-p", "as_of=2025-03-01", "-p", "min_age=700"])
    assert result.exit_code == 0, result.output
    assert "N2" in result.output and "N5" in result.output and "N1" not in result.output


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["query", "run", "stale_needs", "-p", "min_age=soon"], 2, "'soon' is not a number of days"),
        (["query", "run", "stale_needs", "-p", "age=3"], 2, "has no parameter 'age'"),
        (["query", "run", "stale_needs", "-p", "min_age"], 2, "is not KEY=VALUE"),
        (["query", "run", "party_org_tree"], 2, "'unit' is required"),
        (["query", "run", "stale_need"], 2, "did you mean stale_needs"),
        (["query", "run", "paper_members", "--format", "xlsx"], 2, "xlsx"),
    ],
)
def test_cli_errors(edge_store_path, args, code, message):
    result = CliRunner().invoke(cli, args + ["--store", str(edge_store_path)])
    assert result.exit_code == code, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_cli_user_folder(edge_store_path, tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "units_of_type.cypher").write_text(
        "// name: units_of_type\n// description: Units of one type.\n// 说明: 某类型的单位。\n"
        "// param: type = 'university'  -- a unit type code\n"
        "MATCH (u:Unit) WHERE u.type = $type RETURN u.id AS unit_id ORDER BY unit_id\n", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(cli, ["query", "run", "units_of_type", "--queries", str(mine), "--store",
                                 str(edge_store_path), "-p", "type=research_institute", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.output.split() == ["unit_id", "U3"]
    (mine / "broken.cypher").write_text("// name: broken\n// description: x\nRETURN 1 AS x\n", encoding="utf-8")
    result = runner.invoke(cli, ["query", "list", "--queries", str(mine)])
    assert result.exit_code == 1
    assert f"{mine / 'broken.cypher'}:1: " in result.output


def test_cli_show():
    result = CliRunner().invoke(cli, ["query", "show", "paper_members"])
    assert result.exit_code == 0
    assert "// name: paper_members" in result.output and "MATCH (u:Unit)-[m:MEMBER_OF]->(c:Committee)" in result.output


def test_docs_list_every_bundled_report():
    text = (SAMPLE.parent.parent / "docs" / "queries.md").read_text(encoding="utf-8")
    missing = [name for name in REPORTS if f"| `{name}` |" not in text]
    assert missing == []


def test_cli_run_on_unreachable_neo4j_is_one_line():
    result = CliRunner().invoke(cli, ["query", "run", "unmet_needs", "--neo4j", "neo4j://127.0.0.1:9"],
                                env={"NEO4J_PASSWORD": "s3cret-value", "NEO4J_USERNAME": "analyst"})
    assert result.exit_code == 3, result.output  # StoreUnavailableError: the server cannot be reached
    assert "cannot reach Neo4j" in result.output
    assert "s3cret-value" not in result.output and "Traceback" not in result.output


# ---------------------------------------------------------------------------------------
# A report the store refuses: the report file is at fault, named at file:line:column.
# ---------------------------------------------------------------------------------------
HEADER = "// name: {name}\n// description: A report with a mistake.\n// 说明: 有错误的报表。\n"


@pytest.mark.parametrize("name, body, where", [
    # the first query line is the file's line 5, indented by two: LadybugDB's offset 14 is column 17
    ("broken_first", "\n  MATCH (n:Unit RETURN n.id AS id\n", "5:17"),
    # a parameter line moves the query down; the mistake is on the query's second line, the file's line 7
    ("broken_later", "// param: k = 2\n\nMATCH (n:Unit) WHERE size(n.id) > $k\nRETURN n.id AS id,,\n", "7:19"),
])
def test_a_report_with_a_syntax_error_is_named_at_file_line_column(edge_store_path, tmp_path, name, body, where):
    mine = tmp_path / "mine"
    mine.mkdir()
    path = mine / f"{name}.cypher"
    path.write_text(HEADER.format(name=name) + body, encoding="utf-8")
    result = CliRunner().invoke(cli, ["query", "run", name, "--queries", str(mine), "--store", str(edge_store_path)])
    assert result.exit_code == 1, result.output
    assert f"Error: {path}:{where}: the query was not accepted" in result.output
    assert "Traceback" not in result.output


def test_a_report_refused_without_a_position_still_names_its_file(edge_store_path, tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    path = mine / "no_such_property.cypher"
    path.write_text(HEADER.format(name="no_such_property") + "MATCH (n:Unit) RETURN n.nickname AS nick\n",
                    encoding="utf-8")
    result = CliRunner().invoke(cli, ["query", "run", "no_such_property", "--queries", str(mine),
                                      "--store", str(edge_store_path)])
    assert result.exit_code == 1
    assert f"Error: {path}: the query was not accepted by the store" in result.output and "nickname" in result.output


def test_neo4j_positions_count_columns_from_one():
    report = parse_report(HEADER.format(name="broken_later")
                          + "// param: k = 2\n\nMATCH (n:Unit) WHERE size(n.id) > $k\nRETURN n.id AS id,,\n",
                          "mine/broken_later.cypher")

    def refuse(cypher, params):
        raise OptionError("the Cypher query was not accepted by Neo4j: Invalid input ',': expected an expression "
                          "(line 2, column 19 (offset: 56))")

    with pytest.raises(QueryFileError) as caught:
        run_report(refuse, report)
    assert (caught.value.line, caught.value.column) == (7, 19)
    assert str(caught.value).startswith("mine/broken_later.cypher:7:19: the query was not accepted by the store: "
                                        "Invalid input ',': expected an expression\n")
    assert caught.value.exit_code == 1
