"""Injection: names full of quotes, backslashes and Cypher go in and come out intact.

* Every command that shows names runs on a store whose ids and names are hostile; each
  name must come back exactly as written, and no name may ever be part of the text of a
  Cypher statement (every statement sent to LadybugDB is recorded and searched).
* A source scan: Cypher built in graphgov/ with f-strings interpolates only schema names
  (labels, relationship types, property names), never data; values go in as ``$params``.
* CSV and xlsx outputs neutralise cells a spreadsheet would run as a formula (OWASP), and
  numbers, negative ones included, stay numbers.
"""
from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import ladybug
import pandas as pd
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from graphgov.cli import cli
from graphgov.queries.library import load_reports
from graphgov.store import open_store

from conftest import write_dataset

ROOT = Path(__file__).resolve().parent.parent
MARK = "ZQ"  # in every hostile id and name: if it shows up in a Cypher text, data was spliced in

NAMES = [
    "站'区\" }) RETURN 1 // ZQ0",
    "back\\slash \\' \\\" ${x} $name ZQ1",
    "多行\n名称 `tick` ; MATCH (n) DETACH DELETE n // ZQ2",
    "'}) MATCH (n) DETACH DELETE n WITH 1 AS x MATCH ({name:' ZQ3",
    '=HYPERLINK("http://example.invalid","ZQ4")',
    "-2+3+cmd|' /C calc'!A0 ZQ5",
    "@SUM(1+1) ZQ6",
    "+86 ZQ7 热线",
    "<script>alert('ZQ8')</script> &amp; </td> {{x}}",
    "\\u0027 \\n ZQ9 %s {0} }}{{",
]
UNIT_IDS = ["U'ZQ1", 'U"ZQ2', "U\\ZQ3", "U})ZQ4", "U//ZQ5", "U$ZQ6", "U`ZQ7", "U=ZQ8"]
COMMITTEE = "C'})-[r]-()//ZQ"


def hostile_tables() -> dict[str, list[dict]]:
    units = [{"id": uid, "name": NAMES[i % len(NAMES)] + f" u{i}", "type": t, "sector": NAMES[(i + 3) % len(NAMES)],
              "area_id": "A'ZQ2"}
             for i, (uid, t) in enumerate(zip(UNIT_IDS, ["government", "railway", "transit", "university", "police",
                                                         "hospital", "social_org", "community"]))]
    return {
        "areas": [{"id": "A'ZQ1", "name": NAMES[0], "level": "district", "parent_id": ""},
                  {"id": "A'ZQ2", "name": NAMES[1], "level": "station_area", "parent_id": "A'ZQ1"}],
        "committees": [{"id": COMMITTEE, "name": NAMES[2], "level": "station_area", "area_id": "A'ZQ2",
                        "cadence": "monthly", "meetings": 3}],
        "units": units,
        "memberships": [{"unit_id": u, "committee_id": COMMITTEE, "role": NAMES[i % len(NAMES)]}
                        for i, u in enumerate(UNIT_IDS[:6])],
        "agreements": [{"unit_a": UNIT_IDS[0], "unit_b": UNIT_IDS[6], "kind": NAMES[3], "signed": "2024-01-01"}],
        "party_orgs": [{"id": "O'ZQ1", "name": NAMES[4], "unit_id": UNIT_IDS[1], "type": "branch"},
                       {"id": "O\\ZQ2", "name": NAMES[5], "unit_id": UNIT_IDS[2], "parent_id": "O'ZQ1"}],
        "needs": [{"id": f"N'ZQ{i}", "title": name, "category": cat, "unit_id": UNIT_IDS[i % 8], "area_id": "A'ZQ2",
                   "description": NAMES[(i + 1) % len(NAMES)], "raised": "2023-01-05", "status": "open", "quantity": 2}
                  for i, (name, cat) in enumerate(zip(NAMES, ["parking", "volunteering", "transport", "safety",
                                                              "elderly_care", "think_tank", "venue", "health",
                                                              "education", "culture"]))],
        "resources": [{"id": f"R\"ZQ{i}", "title": NAMES[-1 - i], "category": cat, "unit_id": UNIT_IDS[-1 - i],
                       "area_id": "A'ZQ2", "capacity": 3, "available_until": "2099-12-31"}
                      for i, cat in enumerate(["parking", "volunteering", "think_tank", "venue"])],
        "projects": [{"id": "P'ZQ1", "title": NAMES[6], "category": "parking", "lead_unit_id": UNIT_IDS[0],
                      "status": "active", "need_ids": "N'ZQ0;N'ZQ1"}],
        "participations": [{"project_id": "P'ZQ1", "unit_id": u, "role": NAMES[8]} for u in UNIT_IDS[:3]],
    }


@pytest.fixture(scope="module")
def recorded():
    """Every Cypher text sent to LadybugDB while this module runs."""
    texts: list[str] = []
    original = ladybug.Connection.execute

    def execute(self, query, *args, **kwargs):
        texts.append(query if isinstance(query, str) else repr(query))
        return original(self, query, *args, **kwargs)

    ladybug.Connection.execute = execute
    yield texts
    ladybug.Connection.execute = original


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, recorded):
    tmp = tmp_path_factory.mktemp("inject")
    tables = hostile_tables()
    folder = write_dataset(tmp / "data", tables)
    store = tmp / "h.lbdb"
    result = invoke("load", folder, "--store", store)
    assert result.exit_code == 0, result.output
    return store, tables


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def strings(value):
    """Every text in a JSON value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)


def hostile_ids() -> list[str]:
    return sorted({r[c] for rows in hostile_tables().values() for r in rows for c in ("id", "unit_id") if c in r})


def assert_intact(texts) -> set[str]:
    """Every text holding the mark holds a hostile name or id unchanged; return those seen."""
    originals = NAMES + hostile_ids()
    seen = set()
    for s in texts:
        # matching's text reason quotes the character pairs two titles share, not whole names
        if s.startswith("文本相似"):
            continue
        if MARK in s:
            found = [o for o in originals if o in s]
            assert found, f"mangled: {s!r}"
            seen.update(found)
    return seen


def test_names_are_stored_exactly(hostile):
    store, tables = hostile
    with open_store(store) as s:
        stored = s.read_tables()
    assert sorted(stored["units"]["name"]) == sorted(u["name"] for u in tables["units"])
    assert sorted(stored["units"]["id"]) == sorted(UNIT_IDS)
    assert sorted(stored["needs"]["title"]) == sorted(NAMES)
    assert sorted(stored["needs"]["description"]) == sorted(NAMES)
    assert stored["committees"]["id"].tolist() == [COMMITTEE]
    assert sorted(stored["memberships"]["role"]) == sorted(NAMES[:6])


def test_info_counts(hostile):
    store, tables = hostile
    result = invoke("info", "--store", store, "--format", "json")
    assert result.exit_code == 0
    counts = {(r["kind"], r["name"]): r["count"] for r in json.loads(result.output)}
    assert counts[("node", "Unit")] == len(UNIT_IDS) and counts[("node", "Need")] == len(NAMES)
    assert counts[("relationship", "MEMBER_OF")] == 6 and counts[("relationship", "ADDRESSES")] == 2


def report_args(report) -> list[str]:
    args = []
    for p in report.params:
        if p.name in ("a", "unit"):
            args += ["--param", f"{p.name}={UNIT_IDS[0]}"]
        elif p.name == "b":
            args += ["--param", f"b={UNIT_IDS[6]}"]
        elif p.name == "committee":
            args += ["--param", f"committee={COMMITTEE}"]
        elif p.name == "min_age":
            args += ["--param", "min_age=30"]
        elif p.name == "year":  # needs_by_month: the hostile needs are raised in 2023
            args += ["--param", "year=2023"]
    return args


BUNDLED = sorted(r.name for r in load_reports(()).values())


@pytest.mark.parametrize("name", BUNDLED)
def test_every_report_shows_names_intact(hostile, name):
    store, _ = hostile
    report = load_reports(())[name]
    result = invoke("query", "run", name, "--store", store, "--format", "json", *report_args(report))
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output[result.output.index("["):])
    assert_intact(strings(rows))


def test_reports_together_show_every_name(hostile):
    store, _ = hostile
    seen = set()
    for name in BUNDLED:
        report = load_reports(())[name]
        result = invoke("query", "run", name, "--store", store, "--format", "json", *report_args(report))
        seen |= assert_intact(strings(json.loads(result.output[result.output.index("["):])))
    assert set(NAMES) <= seen, set(NAMES) - seen
    assert {UNIT_IDS[0], UNIT_IDS[6], COMMITTEE} <= seen


# Named, not filtered by the commands there are: a renamed command must fail here, not drop out.
ANALYSES = [
    ("central", []),
    ("central", ["--committee", COMMITTEE]),
    ("gaps", []),
    ("match", ["--all"]),
    ("match", ["N'ZQ1"]),
]


@pytest.mark.parametrize("cmd,args", ANALYSES, ids=[f"{c}{'-' + a[0] if a else ''}" for c, a in ANALYSES])
def test_analysis_commands_show_names_intact(hostile, cmd, args):
    store, _ = hostile
    result = invoke(cmd, *args, "--store", store, "--format", "json")
    assert result.exit_code == 0, result.output
    out = result.output
    rows = json.loads(out[out.index("["):] if out.lstrip().startswith("[") or "[" in out else out)
    seen = assert_intact(strings(rows))
    assert seen, "no hostile name in the output at all"


@pytest.mark.parametrize("cmd", ["map", "report"])
def test_html_outputs_have_no_live_markup_from_names(hostile, tmp_path, cmd):
    store, _ = hostile
    out = tmp_path / f"{cmd}.html"
    result = invoke(cmd, "--store", store, "--out", out)
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "<script>alert('ZQ8')" not in html
    assert "ZQ8" in html  # the name is there, escaped


def test_dispatch_loop_takes_hostile_ids(hostile):
    """Ids with quotes and backslashes go through dispatch, accept and history as plain values."""
    store, _ = hostile
    need, resource = "N'ZQ1", 'R"ZQ1'  # both volunteering
    result = invoke("dispatch", need, resource, "--on", "2024-03-01", "--broker", UNIT_IDS[0], "--store", store,
                    "--format", "json")
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.stdout)
    assert (row["need_id"], row["resource_id"]) == (need, resource)
    dispatch_id = row["dispatch_id"]
    assert invoke("accept", dispatch_id, "--on", "2024-03-02", "--store", store).exit_code == 0
    result = invoke("history", need, "--store", store, "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["step"] for r in rows] == ["dispatch", "accept"] and rows[0]["resource_id"] == resource
    with open_store(store) as s:
        dispatches = s.read_tables()["dispatches"]
    row = dispatches[dispatches["id"] == dispatch_id].iloc[0]
    assert (row["need_id"], row["resource_id"], row["broker_id"]) == (need, resource, UNIT_IDS[0])


def test_no_data_value_is_ever_part_of_a_cypher_text(hostile, recorded):
    # runs last in this module's order of definition: by now load, info, reports and analyses ran
    assert len(recorded) > 20
    spliced = [q for q in recorded if MARK in q]
    assert not spliced, spliced[:3]


# ---- the source rule: Cypher f-strings interpolate schema names only ---------------------------

CYPHER = re.compile(r"\b(MATCH|MERGE|CREATE|RETURN|DELETE|DETACH|UNWIND|COPY|CALL|WHERE|SET|REMOVE|LOAD|DROP|ALTER)\b")
# Interpolations reviewed as schema names: each is a label, relationship type or property
# name from graphgov.dataset.schema, or a list joined from them. A new one fails this test until it
# is checked and added here; a data value must go in as a $param instead.
SCHEMA_NAMES = {
    "t.label", "t.name", "rel.type", "rtype", "a", "b", "src", "dst", "rel.from_col", "rel.to_col",
    "cols", "sets", "', '.join(parts)", "', '.join(cols)",
    "_RETURN_D",  # lifecycle.py: the Dispatch table's property names
    # store/plan.py, neo4j_store.py: a staged load's hidden labels, "GraphgovStaged" + a schema label
    "STAGED_LABEL", "staged_label(t.label)", "staged_label(a)", "staged_label(b)",
    # store/tables.py read_table: a condition of store/scoped.py's own, on n/a/b with its values in $ids
    "where", "cond",
    "props", "same",  # store/plan.py: a relationship's property names, as a map and as equality tests
    "label", "constraint", "name",  # store/neo4j_store.py: constraint labels and names; lock() checks its label
    "cypher",  # Store.write_rows: a statement of graphgov's own (results/stored.py), built from schema names
}


def cypher_interpolations():
    for path in sorted((ROOT / "graphgov").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', '?')}"
            if isinstance(node, ast.JoinedStr):
                text = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
                if CYPHER.search(text):
                    for v in node.values:
                        if isinstance(v, ast.FormattedValue):
                            yield where, ast.unparse(v.value)
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format"
                  and isinstance(node.func.value, ast.Constant) and isinstance(node.func.value.value, str)
                  and CYPHER.search(node.func.value.value)):
                yield where, ".format(...)"
            elif (isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mod, ast.Add))
                  and isinstance(node.left, ast.Constant) and isinstance(node.left.value, str)
                  and CYPHER.search(node.left.value) and not isinstance(node.right, (ast.Constant, ast.JoinedStr))):
                yield where, f"string {'%' if isinstance(node.op, ast.Mod) else '+'} {ast.unparse(node.right)}"


def test_cypher_is_built_from_schema_names_only():
    found = list(cypher_interpolations())
    assert found, "the scan finds nothing: it no longer matches how Cypher is written"
    bad = [f"{where}: {expr}" for where, expr in found if expr not in SCHEMA_NAMES]
    assert not bad, "Cypher built with values that are not schema names (use $params):\n" + "\n".join(bad)


def test_source_scan_catches_a_spliced_value(tmp_path):
    code = 'def f(store, value):\n    return store.query(f"MATCH (u:Unit) WHERE u.name = \'{value}\' RETURN u")\n'
    tree = ast.parse(code)
    node = next(n for n in ast.walk(tree) if isinstance(n, ast.JoinedStr))
    exprs = [ast.unparse(v.value) for v in node.values if isinstance(v, ast.FormattedValue)]
    assert exprs == ["value"] and "value" not in SCHEMA_NAMES


def test_bundled_reports_take_values_as_params_only():
    for report in load_reports(()).values():
        text = report.path.read_text(encoding="utf-8")
        body = "\n".join(ln for ln in text.splitlines() if not ln.lstrip().startswith("//"))
        assert not re.search(r"\{\{|\{[a-z_]+\}|%s|%\(", body), report.name
        for p in report.params:
            assert f"${p.name}" in body, (report.name, p.name)


# ---- spreadsheet formulas in CSV and xlsx outputs -------------------------------------------------

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

NUMBERS_REPORT = """// name: numbers_and_text
// description: Negative numbers, phone-like text and formula-like text, for the export test.
// 说明: 导出测试。
RETURN -5 AS delta, -2.5 AS ratio, 0 AS zero, 1234567 AS big, '+86 138 0000 0000' AS hotline,
       '=1+1' AS formula, '-3' AS text_minus, '@cmd' AS at, 'plain' AS plain, 'x=1' AS inner
"""


@pytest.fixture
def numbers_report(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "numbers_and_text.cypher").write_text(NUMBERS_REPORT, encoding="utf-8")
    return folder


def test_query_csv_neutralises_formulas_and_keeps_numbers(hostile, numbers_report, tmp_path):
    store, _ = hostile
    out = tmp_path / "n.csv"
    result = invoke("query", "run", "numbers_and_text", "--queries", numbers_report, "--store", store,
                    "--format", "csv", "--out", out)
    assert result.exit_code == 0, result.output
    df = pd.read_csv(out, encoding="utf-8-sig")
    row = df.iloc[0]
    assert row["delta"] == -5 and pd.api.types.is_integer_dtype(df["delta"])
    assert row["ratio"] == pytest.approx(-2.5) and row["zero"] == 0 and row["big"] == 1234567
    assert row["hotline"] == "'+86 138 0000 0000"
    assert row["formula"] == "'=1+1" and row["text_minus"] == "'-3" and row["at"] == "'@cmd"
    assert row["plain"] == "plain" and row["inner"] == "x=1"


def test_query_xlsx_has_no_formula_cells_and_numeric_numbers(hostile, numbers_report, tmp_path):
    store, _ = hostile
    out = tmp_path / "n.xlsx"
    result = invoke("query", "run", "numbers_and_text", "--queries", numbers_report, "--store", store,
                    "--format", "xlsx", "--out", out)
    assert result.exit_code == 0, result.output
    book = load_workbook(out)
    sheet = book.worksheets[1]  # after the sheet saying what the workbook holds
    header = [c.value for c in sheet[1]]
    cells = dict(zip(header, sheet[2]))
    assert cells["delta"].value == -5 and cells["delta"].data_type == "n"
    assert cells["ratio"].value == -2.5 and cells["ratio"].data_type == "n"
    # formula-like text is a text cell marked quote-prefix: shown exactly as typed, never run
    assert cells["formula"].value == "=1+1" and cells["formula"].data_type == "s" and cells["formula"].quotePrefix
    assert cells["hotline"].value == "+86 138 0000 0000" and cells["hotline"].quotePrefix
    assert cells["text_minus"].value == "-3" and cells["text_minus"].data_type == "s"
    assert cells["plain"].value == "plain" and not cells["plain"].quotePrefix
    assert all(c.data_type != "f" for ws in book.worksheets for row in ws.iter_rows() for c in row)


def assert_no_live_formula_csv(folder: Path):
    for f in folder.glob("*.csv"):
        df = pd.read_csv(f, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        for col in df.columns:
            assert not str(col).startswith(FORMULA_START), (f.name, col)
            for v in df[col]:
                if v and v[0] in "=+@\t\r":
                    pytest.fail(f"{f.name}:{col}: live formula {v!r}")
                if v.startswith("-") and not re.fullmatch(r"-\d+(\.\d+)?", v):
                    pytest.fail(f"{f.name}:{col}: live formula {v!r}")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_export_csv_neutralises_hostile_names(hostile, tmp_path, lang):
    store, _ = hostile
    out = tmp_path / "csv"
    result = invoke("export", out, "--store", store, "--lang", lang)
    assert result.exit_code == 0, result.output
    assert_no_live_formula_csv(out)
    units = pd.read_csv(out / ("units.csv" if lang == "en" else "成员单位.csv"), dtype=str, keep_default_na=False)
    names = set(units.iloc[:, 1])
    assert "'" + NAMES[4] + " u4" in names and NAMES[0] + " u0" in names


def test_export_xlsx_keeps_numbers_numeric_and_text_inert(hostile, tmp_path):
    store, _ = hostile
    out = tmp_path / "book.xlsx"
    result = invoke("export", out, "--store", store)
    assert result.exit_code == 0, result.output
    book = load_workbook(out)
    for sheet in book.worksheets:
        for row in sheet.iter_rows(min_row=2):
            for c in row:
                assert c.data_type != "f", (sheet.title, c.coordinate, c.value)
                if isinstance(c.value, str) and c.value.startswith(FORMULA_START):
                    assert c.data_type == "s" and c.quotePrefix, (sheet.title, c.coordinate, c.value)
    needs = pd.read_excel(out, sheet_name="需求清单")
    assert pd.api.types.is_integer_dtype(needs["数量"]) and set(needs["数量"]) == {2}
    assert pd.api.types.is_integer_dtype(pd.read_excel(out, sheet_name="委员会")["年度会议次数"])


def test_exported_dataset_reads_back_as_the_same_names(hostile, tmp_path):
    """The quote that disarms a formula is taken off again when graphgov reads its own export."""
    from graphgov.dataset.checks import read_and_check

    store, tables = hostile
    out = tmp_path / "again"
    assert invoke("export", out, "--store", store, "--include-personal").exit_code == 0
    ds = read_and_check(out)
    assert sorted(ds["units"]["name"]) == sorted(u["name"] for u in tables["units"])
    assert sorted(ds["needs"]["title"]) == sorted(NAMES)
