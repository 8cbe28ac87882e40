"""Personal data: phones and contact names stay out of every output unless asked for.

The bundled sample has fictional contacts, phones and party secretaries for some units,
needs and party organizations. No such value may appear in exports, report results,
central/gaps outputs, maps or reports made without an explicit ``--include-personal``; with
the option, where a command has it, they do appear (so the test can tell the difference).
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from graphgov.dataset import schema
from graphgov.cli import COMMANDS, cli
from graphgov.analysis.graph import to_networkx
from graphgov.views.privacy import is_personal, strip_personal
from graphgov.queries.library import load_reports
from graphgov.store import open_store

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def personal_values() -> dict[str, set[str]]:
    """Column → the personal values the sample holds in it, read straight from its CSV files."""
    out: dict[str, set[str]] = {}
    for t in schema.TABLES:
        df = pd.read_csv(SAMPLE / f"{t.name}.csv", dtype=str, keep_default_na=False)
        for c in t.personal_columns:
            if c in df:
                out.setdefault(f"{t.name}.{c}", set()).update(v for v in df[c] if v.strip())
    return out


PERSONAL = personal_values()
SECRETS = sorted(set().union(*PERSONAL.values()))


def leaks(text: str) -> list[str]:
    return [v for v in SECRETS if v in text]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = tmp_path_factory.mktemp("personal") / "sample.lbdb"
    result = invoke("load", SAMPLE, "--store", path)
    assert result.exit_code == 0, result.output
    return path


def test_the_sample_has_personal_data_to_protect():
    assert len(PERSONAL["units.phone"]) >= 10 and len(PERSONAL["units.contact"]) >= 5
    assert PERSONAL["needs.phone"] and PERSONAL["party_orgs.secretary"]
    # the values are nowhere else in the sample, so finding one in an output is a leak
    for t in schema.TABLES:
        df = pd.read_csv(SAMPLE / f"{t.name}.csv", dtype=str, keep_default_na=False)
        other = "\n".join(df[c].str.cat(sep="\n") for c in df.columns if c not in t.personal_columns)
        assert not leaks(other), (t.name, leaks(other))


def all_text(folder_or_file: Path) -> str:
    if folder_or_file.is_dir():
        return "\n".join(f.read_text(encoding="utf-8-sig") for f in sorted(folder_or_file.glob("*.csv")))
    if folder_or_file.suffix == ".xlsx":
        book = load_workbook(folder_or_file, read_only=True)
        return "\n".join(str(v) for s in book.worksheets for row in s.iter_rows(values_only=True) for v in row
                         if v is not None)
    return folder_or_file.read_text(encoding="utf-8")


@pytest.mark.parametrize("target,extra", [("csv", ["--lang", "en"]), ("csv", ["--lang", "zh"]), ("book.xlsx", [])],
                         ids=["csv", "csv-zh", "xlsx"])
@pytest.mark.parametrize("source", ["store", "from"])
def test_export_leaves_personal_data_out_unless_asked(store, tmp_path, target, extra, source):
    src = ["--store", store] if source == "store" else ["--from", SAMPLE]
    plain, full = tmp_path / "plain", tmp_path / "full"
    plain.mkdir(), full.mkdir()
    assert invoke("export", plain / target, *src, *extra).exit_code == 0
    assert invoke("export", full / target, *src, *extra, "--include-personal").exit_code == 0
    assert leaks(all_text(plain / target)) == []
    assert set(leaks(all_text(full / target))) == set(SECRETS)


REPORTS = load_reports(())


def report_args(name: str) -> list[str]:
    args = []
    for p in REPORTS[name].params:
        if p.required:  # a unit id, or the year of needs_by_month
            args += ["--param", f"{p.name}={'2025' if p.name == 'year' else 'U001'}"]
    return args


@pytest.mark.parametrize("fmt", ["json", "csv"])
@pytest.mark.parametrize("name", sorted(REPORTS))
def test_reports_show_no_personal_data(store, name, fmt):
    result = invoke("query", "run", name, "--store", store, "--format", fmt, *report_args(name))
    assert result.exit_code == 0, result.output
    assert leaks(result.output) == []


PERSONAL_REPORT = """// name: contacts_of_units
// description: Units with their contact and phone, whole nodes too, for the personal-data test.
// 说明: 测试用。
MATCH (u:Unit) WHERE u.phone IS NOT NULL
RETURN u.id AS id, u.name AS name, u.contact AS contact, u.phone AS unit_phone, u AS node,
       {who: u.contact, tel: u.phone, phone: u.phone} AS card
ORDER BY id
"""


def test_a_report_returning_personal_columns_is_stripped_unless_asked(store, tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "contacts_of_units.cypher").write_text(PERSONAL_REPORT, encoding="utf-8")
    plain = invoke("query", "run", "contacts_of_units", "--queries", folder, "--store", store, "--format", "json")
    assert plain.exit_code == 0, plain.output
    rows = json.loads(plain.stdout)
    assert len(rows) == len(PERSONAL["units.phone"])
    assert set(rows[0]) == {"id", "name", "node", "card"}
    assert "left out personal data: contact, unit_phone" in plain.stderr
    assert not any(k in rows[0]["node"] for k in ("phone", "contact"))
    assert "phone" not in rows[0]["card"]
    # an alias and an unknown key are caught too: by name (tel) and by the store's own values (who)
    assert rows[0]["card"] == {}
    assert leaks(plain.stdout) == []
    full = invoke("query", "run", "contacts_of_units", "--queries", folder, "--store", store, "--format", "json",
                  "--include-personal")
    assert set(leaks(full.stdout)) >= PERSONAL["units.phone"] | PERSONAL["units.contact"]


@pytest.mark.parametrize("column,personal", [
    ("phone", True), ("u.phone", True), ("contact_phone", True), ("Contact", True), ("secretary_name", True),
    ("联系电话", True), ("手机", True), ("书记", True),
    ("联系方式", True), ("mobile", True), ("sec", True), ("u.tel", True), ("书记姓名", True),
    ("unit", False), ("phones_total", False), ("name", False), ("contacts", False), ("电话会议", False),
])
def test_personal_column_names(column, personal):
    assert is_personal(column) is personal


ALIASED_REPORT = """// name: aliased_contacts
// description: Personal values under names the schema does not know, and inside maps and lists.
// 说明: 测试用。
MATCH (u:Unit) WHERE u.phone IS NOT NULL
WITH collect(u.phone) AS numbers, collect(u.contact) AS people, collect({k: u.phone, n: u.name}) AS cards,
     min(u.phone) AS x, min('热线 ' + u.phone) AS hotline, min(u.contact) AS 联系方式
RETURN numbers, people, cards, x, hotline, 联系方式, size(numbers) AS how_many
"""


def test_aliases_and_values_inside_maps_and_lists_are_left_out(store, tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "aliased_contacts.cypher").write_text(ALIASED_REPORT, encoding="utf-8")
    for fmt in ("json", "csv", "table"):
        result = invoke("query", "run", "aliased_contacts", "--queries", folder, "--store", store, "--format", fmt)
        assert result.exit_code == 0, result.output
        assert leaks(result.stdout) == [], (fmt, leaks(result.stdout))
    rows = json.loads(invoke("query", "run", "aliased_contacts", "--queries", folder, "--store", store,
                             "--format", "json").stdout)
    assert set(rows[0]) == {"numbers", "people", "cards", "how_many"}
    assert rows[0]["numbers"] == [] and rows[0]["people"] == [] and all(set(c) == {"n"} for c in rows[0]["cards"])
    assert rows[0]["how_many"] == len(PERSONAL["units.phone"])


def test_strip_personal_scrubs_nested_nodes():
    df = pd.DataFrame({"id": ["U1"], "phone": ["1"], "n": [{"name": "a", "phone": "1", "inner": [{"contact": "x"}]}]})
    out, dropped = strip_personal(df)
    assert dropped == ["phone"]
    assert out.loc[0, "n"] == {"name": "a", "inner": [{}]}


ANALYSES = [(c, a) for c, a in [("central", []), ("gaps", []), ("match", ["--all"])] if c in COMMANDS]


@pytest.mark.parametrize("fmt", ["json", "csv"])
@pytest.mark.parametrize("cmd,args", ANALYSES, ids=[c for c, _ in ANALYSES])
def test_analyses_show_no_personal_data(store, cmd, args, fmt):
    result = invoke(cmd, *args, "--store", store, "--format", fmt)
    assert result.exit_code == 0, result.output
    assert leaks(result.output) == []


def test_networkx_view_has_no_personal_attributes_by_default(store):
    with open_store(store) as s:
        g = to_networkx(s)
        g_full = to_networkx(s, personal=True)
    text = json.dumps([attrs for _, attrs in g.nodes(data=True)], ensure_ascii=False, default=str)
    assert leaks(text) == []
    full = json.dumps([attrs for _, attrs in g_full.nodes(data=True)], ensure_ascii=False, default=str)
    assert set(leaks(full)) == set(SECRETS)


def unit_with_phone() -> str:
    df = pd.read_csv(SAMPLE / "units.csv", dtype=str, keep_default_na=False)
    return df[df["phone"] != ""]["id"].iloc[0]


MAPS = [["--view", "unit", "--unit", unit_with_phone(), "--radius", "1"], []]


@pytest.mark.skipif("map" not in COMMANDS, reason="graphgov map is not there yet")
@pytest.mark.parametrize("args", MAPS, ids=["unit-view", "default"])
def test_map_leaves_personal_data_out_unless_asked(store, tmp_path, args):
    plain, full = tmp_path / "plain.html", tmp_path / "full.html"
    result = invoke("map", *args, "--store", store, "--out", plain)
    assert result.exit_code == 0, result.output
    assert leaks(plain.read_text(encoding="utf-8")) == []
    result = invoke("map", *args, "--store", store, "--out", full, "--include-personal")
    assert result.exit_code == 0, result.output
    shown = leaks(full.read_text(encoding="utf-8"))
    assert shown, "the map shows no phone or contact even when asked"
    phone = pd.read_csv(SAMPLE / "units.csv", dtype=str, keep_default_na=False).set_index("id").loc[
        unit_with_phone(), "phone"]
    assert phone in shown


@pytest.mark.skipif("report" not in COMMANDS, reason="graphgov report is not there yet")
def test_report_shows_no_personal_data(store, tmp_path):
    out = tmp_path / "report.html"
    result = invoke("report", "--store", store, "--out", out)
    assert result.exit_code == 0, result.output
    assert leaks(out.read_text(encoding="utf-8")) == []
