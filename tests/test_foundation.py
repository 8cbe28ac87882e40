"""The foundation: reading, checking, loading, the store's contents and the networkx view."""
from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from graphgov.dataset import schema
from graphgov.dataset.checks import read_and_check
from graphgov.cli import cli
from graphgov.errors import DataError
from graphgov.analysis.graph import to_networkx
from graphgov.store import open_store

DATA = Path(__file__).resolve().parent / "data"
GOOD = DATA / "good"
SAMPLE_DIR = Path(__file__).resolve().parent.parent / "data" / "sample"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run(*args, env=None):
    return CliRunner().invoke(cli, [str(a) for a in args], env=env, catch_exceptions=False)


@pytest.fixture
def loaded(tmp_path):
    """A store loaded with the good dataset, by the CLI."""
    store = tmp_path / "g.lbdb"
    result = run("load", GOOD, "--store", store)
    assert result.exit_code == 0, result.output
    return store


# Each bad dataset, the location its error must be reported at, and words of the message.
BAD = [
    ("missing_table", "missing_table:", "missing table 'needs'"),
    ("missing_column", "needs.csv:1:", "missing column 'category'"),
    ("empty_required", "units.csv:4:name:", "empty 'name'"),
    ("duplicate_id", "units.csv:6:id:", "duplicate id 'U2' (first at row 3)"),
    ("missing_reference", "needs.csv:3:unit_id:", "no unit has id 'U999'"),
    ("bad_enum", "units.csv:5:type:", "'宇宙飞船' is not an allowed type"),
    ("bad_date", "needs.csv:2:raised:", "not a date"),
    ("bad_number", "resources.csv:2:capacity:", "not a whole number"),
    ("negative_capacity", "resources.csv:2:capacity:", "may not be negative"),
    ("negative_quantity", "needs.csv:3:quantity:", "may not be negative"),
    ("area_cycle", "areas.csv:2:parent_id:", "goes round in a circle"),
    ("own_parent", "party_orgs.csv:3:parent_id:", "'O2' is its own parent"),
    ("self_agreement", "agreements.csv:2:unit_b:", "two different units"),
    ("id_with_space", "units.csv:3:id:", "may not contain spaces"),
    ("bad_need_list", "projects.csv:2:need_ids:", "no need has id 'N7'"),
    ("no_units", "units.csv:", "header but no rows"),
    ("no_committees", "committees.csv:", "a dataset needs at least one row in committees"),
    ("binary_file", "units.csv:", "binary file"),
    ("empty_file", "needs.csv:", "empty (no header row)"),
    ("mixed_encoding", "needs.csv:", "mixes UTF-8 with another encoding"),
    ("truncated.xlsx", "truncated.xlsx:", "cannot be opened"),
]


@pytest.mark.parametrize("case,location,words", BAD, ids=[b[0] for b in BAD])
def test_bad_dataset_is_refused_and_store_unchanged(loaded, case, location, words):
    before = digest(loaded)
    tables_before = open_store(loaded).read_tables()
    result = run("load", DATA / "bad" / case, "--store", loaded)
    assert result.exit_code == 1
    lines = [ln for ln in result.output.splitlines() if words in ln]
    assert lines, result.output
    assert lines[0].startswith(location), lines[0]
    assert "Traceback" not in result.output
    assert digest(loaded) == before
    after = open_store(loaded).read_tables()
    for name in tables_before:
        pd.testing.assert_frame_equal(after[name], tables_before[name])


@pytest.mark.parametrize("case,location,words", BAD, ids=[b[0] for b in BAD])
def test_check_command_reports_the_same_error(case, location, words):
    result = run("check", DATA / "bad" / case)
    assert result.exit_code == 1
    lines = [ln for ln in result.output.splitlines() if words in ln]
    assert lines and lines[0].startswith(location), result.output


def test_bad_dataset_into_empty_store_creates_nothing(tmp_path):
    store = tmp_path / "new.lbdb"
    result = run("load", DATA / "bad" / "bad_date", "--store", store)
    assert result.exit_code == 1
    assert not store.exists()


def _tables(path):
    return read_and_check(path).tables


@pytest.mark.parametrize("variant", ["good_gb18030", "good_bom", "good.xlsx"])
def test_encodings_and_workbook_read_the_same_tables(variant):
    ref = _tables(GOOD)
    other = _tables(DATA / variant)
    for name, df in ref.items():
        pd.testing.assert_frame_equal(other[name].reset_index(drop=True), df.reset_index(drop=True), check_dtype=False)


def test_workbook_has_chinese_sheet_names_and_headers():
    from openpyxl import load_workbook

    book = load_workbook(DATA / "good.xlsx", read_only=True)
    assert "需求清单" in book.sheetnames and "资源清单" in book.sheetnames and "项目清单" in book.sheetnames
    header = next(book["需求清单"].iter_rows(values_only=True))
    assert header[:4] == ("编号", "标题", "类别", "所属单位")


def test_utf16_tab_separated_export_is_read(tmp_path):
    folder = tmp_path / "u16"
    shutil.copytree(GOOD, folder)
    df = pd.read_csv(GOOD / "units.csv", dtype=str)
    (folder / "units.csv").write_bytes(df.to_csv(sep="\t", index=False).encode("utf-16"))
    assert read_and_check(folder).tables["units"]["name"].tolist() == df["name"].tolist()


def test_unknown_category_is_a_warning_naming_the_closest(tmp_path):
    folder = tmp_path / "cat"
    shutil.copytree(GOOD, folder)
    needs = pd.read_csv(folder / "needs.csv", dtype=str)
    needs.loc[0, "category"] = "志愿服务队"
    needs.to_csv(folder / "needs.csv", index=False)
    ds = read_and_check(folder)
    (warning,) = [w for w in ds.warnings if w.column == "category"]
    assert warning.row == 2 and "volunteering" in warning.fix
    assert str(warning) == ("needs.csv:2:category: warning: unknown category, kept as written (value: '志愿服务队'); "
                            "the closest known category is volunteering (志愿服务)")
    assert ds.tables["needs"]["category"].iloc[0] == "志愿服务队"


def test_full_width_ids_are_normalised(tmp_path):
    folder = tmp_path / "fw"
    shutil.copytree(GOOD, folder)
    needs = pd.read_csv(folder / "needs.csv", dtype=str)
    needs.loc[0, "unit_id"] = "Ｕ１"  # full-width letters, as typed with a Chinese input method
    needs.to_csv(folder / "needs.csv", index=False)
    assert read_and_check(folder).tables["needs"]["unit_id"].iloc[0] == "U1"


def test_all_errors_reported_in_one_pass(tmp_path):
    folder = tmp_path / "many"
    shutil.copytree(GOOD, folder)
    needs = pd.read_csv(folder / "needs.csv", dtype=str)
    needs.loc[0, "raised"] = "昨天"
    needs.loc[1, "unit_id"] = "U404"
    needs.to_csv(folder / "needs.csv", index=False)
    res = pd.read_csv(folder / "resources.csv", dtype=str)
    res.loc[0, "capacity"] = "-1"
    res.to_csv(folder / "resources.csv", index=False)
    with pytest.raises(DataError) as info:
        read_and_check(folder)
    where = sorted(f"{p.file}:{p.row}:{p.column}" for p in info.value.problems)
    assert where == ["needs.csv:2:raised", "needs.csv:3:unit_id", "resources.csv:2:capacity"]


def test_store_matches_input_tables(loaded):
    store = open_store(loaded)
    counts = store.counts().set_index("name")["count"]
    # optional tables the dataset leaves out (meetings, meta) give no nodes
    src = {n: pd.read_csv(GOOD / f"{n}.csv", dtype=str) for n in schema.DATASET_TABLES if (GOOD / f"{n}.csv").exists()}
    for t in schema.TABLES:
        if t.label:
            assert counts[t.label] == len(src.get(t.name, ())), t.name
    assert counts["MEMBER_OF"] == len(src["memberships"])
    assert counts["PARTICIPATES_IN"] == len(src["participations"])
    assert counts["RAISES"] == len(src["needs"])
    assert counts["ADDRESSES"] == sum(len(v.split(";")) for v in src["projects"]["need_ids"].dropna())
    got = store.query(
        "MATCH (u:Unit)-[:RAISES]->(n:Need {id: $id}) RETURN u.name AS unit, n.title AS title, n.quantity AS q, "
        "n.raised AS raised", {"id": "N1"})
    assert got.iloc[0]["unit"] == "国铁朝阳站"
    assert got.iloc[0]["title"] == "高峰时段换乘引导志愿者"
    assert got.iloc[0]["q"] == 6
    assert pd.Timestamp(got.iloc[0]["raised"]) == pd.Timestamp("2024-01-08")
    uni = store.query("MATCH (u:Unit) WHERE u.type IN ['university', 'research_institute'] RETURN u.name AS n")
    assert uni["n"].tolist() == ["中国人民大学"]
    m = store.query("MATCH (u:Unit)-[m:MEMBER_OF]->(c:Committee) WHERE u.id = $u RETURN m.role AS role", {"u": "U3"})
    assert m["role"].tolist() == ["主任单位"]


def test_loading_twice_gives_the_same_graph(loaded):
    first = open_store(loaded).read_tables()
    result = run("load", GOOD, "--store", loaded)
    assert result.exit_code == 0
    assert "(+0, ~0)" in result.output
    second = open_store(loaded).read_tables()
    for name in first:
        pd.testing.assert_frame_equal(first[name], second[name])


def test_updated_needs_list_changes_exactly_the_changed_rows(loaded, tmp_path):
    before = open_store(loaded).read_tables()
    update = tmp_path / "march"
    update.mkdir()
    needs = pd.read_csv(GOOD / "needs.csv", dtype=str)
    needs.loc[1, "title"] = "站前广场夜间停车秩序(扩大范围)"
    needs.loc[1, "quantity"] = "3"
    new = {"id": "N9", "title": "老旧小区适老化改造咨询", "category": "elderly_care", "unit_id": "U3"}
    needs = pd.concat([needs, pd.DataFrame([new])], ignore_index=True)
    needs.to_csv(update / "需求清单.csv", index=False)
    result = run("load", update, "--partial", "--store", loaded)
    assert result.exit_code == 0, result.output
    assert "needs 3 (+1, ~1)" in result.output
    after = open_store(loaded).read_tables()
    for name in before:
        if name != "needs":
            pd.testing.assert_frame_equal(after[name], before[name])
    b = before["needs"].set_index("id")
    a = after["needs"].set_index("id")
    pd.testing.assert_series_equal(a.loc["N1"], b.loc["N1"])
    assert a.loc["N2", "title"] == "站前广场夜间停车秩序(扩大范围)" and a.loc["N2", "quantity"] == 3
    assert a.loc["N2", "raised"] == b.loc["N2", "raised"]
    assert a.loc["N9", "title"] == "老旧小区适老化改造咨询"
    store = open_store(loaded)
    assert store.query("MATCH (u:Unit {id: 'U3'})-[:RAISES]->(n:Need) RETURN n.id AS id")["id"].tolist() == ["N9"]


def test_update_without_a_column_keeps_the_stored_values_of_that_column(loaded, tmp_path):
    """A needs list with only id, title, category and unit_id: every other column keeps what the
    store held (good/needs.csv: N1 raised 2024-01-08, high, 6 units; N2 raised 2024-02-20, medium, 1)."""
    update = tmp_path / "titles"
    update.mkdir()
    pd.DataFrame([
        {"id": "N1", "title": "换乘引导志愿者（早晚高峰）", "category": "volunteering", "unit_id": "U1"},
        {"id": "N2", "title": "站前广场夜间停车秩序", "category": "parking", "unit_id": "U2"},
    ]).to_csv(update / "needs.csv", index=False)
    result = run("load", update, "--partial", "--store", loaded)
    assert result.exit_code == 0, result.output
    assert "needs 2 (+0, ~1)" in result.output
    needs = open_store(loaded).read_tables()["needs"].set_index("id")
    assert needs.loc["N1", "title"] == "换乘引导志愿者（早晚高峰）"
    assert [str(d.date()) for d in needs["raised"]] == ["2024-01-08", "2024-02-20"]
    assert list(needs["urgency"]) == ["high", "medium"] and list(needs["quantity"]) == [6, 1]
    assert list(needs["area_id"]) == ["A3", "A3"] and list(needs["status"]) == ["open", "open"]


def test_merge_tables_by_hand():
    """Stored rows N1, N2; the file has N2 (new title, no raised column) and N3."""
    from graphgov.store.tables import merge_tables

    t = schema.table("needs")
    old = pd.DataFrame({"id": ["N1", "N2"], "title": ["甲", "乙"], "category": ["legal", "legal"],
                        "unit_id": ["U1", "U1"], "raised": pd.to_datetime(["2024-01-01", "2024-02-01"])})
    new = pd.DataFrame({"id": ["N2", "N3"], "title": ["乙二", "丙"], "category": ["legal", "health"],
                        "unit_id": ["U1", "U2"]})
    merged = merge_tables(old, new, t, {"id", "title", "category", "unit_id"}).set_index("id")
    assert list(merged.index) == ["N1", "N2", "N3"]  # N1 kept though the file lacks it
    assert list(merged["title"]) == ["甲", "乙二", "丙"]
    assert [None if pd.isna(d) else str(d.date()) for d in merged["raised"]] == ["2024-01-01", "2024-02-01", None]
    # the same file with a raised column (empty for N2) clears N2's date: the file had the column
    full = merge_tables(old, new.assign(raised=[None, "2024-03-01"]), t, {"id", "title", "raised"}).set_index("id")
    assert [None if pd.isna(d) else str(d.date()) for d in full["raised"]] == ["2024-01-01", None, "2024-03-01"]


def test_merge_tables_tells_a_missing_key_part_from_any_text():
    """An agreement's kind is part of its key and may be empty: an empty kind is not the text 'None'."""
    from graphgov.store.tables import merge_tables

    t = schema.table("agreements")
    old = pd.DataFrame({"unit_a": ["U1"], "unit_b": ["U2"], "kind": [None]})
    new = pd.DataFrame({"unit_a": ["U1"] * 3, "unit_b": ["U2"] * 3, "kind": ["None", "nan", "XXXX"]})
    merged = merge_tables(old, new, t, {"unit_a", "unit_b", "kind"})
    assert sorted(merged["kind"].fillna("(empty)")) == ["(empty)", "None", "XXXX", "nan"]
    # two agreements of other pairs, both without a kind, are two agreements
    other = pd.DataFrame({"unit_a": ["U3"], "unit_b": ["U4"], "kind": [None]})
    both = merge_tables(old, other, t, {"unit_a", "unit_b", "kind"})
    assert sorted(zip(both["unit_a"], both["unit_b"])) == [("U1", "U2"), ("U3", "U4")]


def test_merge_tables_keys_a_link_by_both_ends():
    """A membership is keyed by unit and committee: a stored row sharing only one end with a row
    of the file is another membership and stays."""
    from graphgov.store.tables import merge_tables

    t = schema.table("memberships")
    old = pd.DataFrame({"unit_id": ["U1", "U3", "U1"], "committee_id": ["C1", "C1", "C3"], "role": ["成员"] * 3})
    new = pd.DataFrame({"unit_id": ["U2", "U1", "U1"], "committee_id": ["C1", "C2", "C1"],
                        "role": ["成员", "主任", "副主任"]})
    merged = merge_tables(old, new, t, {"unit_id", "committee_id", "role"})
    assert sorted(zip(merged["unit_id"], merged["committee_id"], merged["role"])) == [
        ("U1", "C1", "副主任"), ("U1", "C2", "主任"), ("U1", "C3", "成员"), ("U2", "C1", "成员"), ("U3", "C1", "成员")]


def test_a_first_load_adds_every_row_and_changes_none():
    from graphgov.store.tables import merge_dataset

    dataset = read_and_check(GOOD)
    _, added, changed = merge_dataset({}, dataset)
    assert added == {name: len(df) for name, df in dataset.tables.items()}
    assert set(changed.values()) == {0}


def test_replace_drops_the_dispatches_and_events_of_needs_and_resources_gone():
    """N2 and R9 are gone: D2 (for N2) and D3 (on R9) go, and with them the events of N2, D2 and D3."""
    from graphgov.store.tables import drop_dangling_internal

    tables = {
        "needs": pd.DataFrame({"id": ["N1"]}),
        "resources": pd.DataFrame({"id": ["R1"]}),
        "dispatches": pd.DataFrame({"id": ["D1", "D2", "D3"], "need_id": ["N1", "N2", "N1"],
                                    "resource_id": ["R1", "R1", "R9"]}),
        "need_events": pd.DataFrame({"id": ["E1", "E2", "E3", "E4", "E5"], "need_id": ["N1", "N1", "N2", "N1", "N1"],
                                     "dispatch_id": ["D1", None, "D2", "D3", None]}),
    }
    drop_dangling_internal(tables)
    assert tables["dispatches"].to_dict("list") == {"id": ["D1"], "need_id": ["N1"], "resource_id": ["R1"]}
    events = tables["need_events"]
    assert list(events.columns) == ["id", "need_id", "dispatch_id"] and list(events.index) == [0, 1, 2]
    assert events[["id", "need_id"]].to_dict("list") == {"id": ["E1", "E2", "E5"], "need_id": ["N1", "N1", "N1"]}
    assert events["dispatch_id"].iloc[0] == "D1" and events["dispatch_id"].iloc[1:].isna().all()


def test_partial_update_needs_known_references(loaded, tmp_path):
    update = tmp_path / "upd"
    update.mkdir()
    pd.DataFrame([{"id": "N9", "title": "x", "category": "health", "unit_id": "U77"}]).to_csv(update / "needs.csv", index=False)
    before = digest(loaded)
    result = run("load", update, "--partial", "--store", loaded)
    assert result.exit_code == 1
    assert "needs.csv:2:unit_id" in result.output and "'U77'" in result.output
    assert digest(loaded) == before


def test_replace_drops_rows_not_in_the_dataset(loaded, tmp_path):
    smaller = tmp_path / "smaller"
    shutil.copytree(GOOD, smaller)
    needs = pd.read_csv(smaller / "needs.csv", dtype=str)
    needs = needs[needs["id"] != "N2"]
    needs.to_csv(smaller / "needs.csv", index=False)
    assert run("load", smaller, "--store", loaded).exit_code == 0
    assert len(open_store(loaded).read_tables()["needs"]) == 2  # merge keeps N2
    assert run("load", smaller, "--replace", "--store", loaded).exit_code == 0
    assert open_store(loaded).read_tables()["needs"]["id"].tolist() == ["N1"]


def test_networkx_view(loaded):
    g = to_networkx(open_store(loaded))
    assert g.nodes["Unit:U4"]["type"] == "university"
    assert g.nodes["Need:N1"]["name"] == "高峰时段换乘引导志愿者"
    assert g.has_edge("Unit:U1", "Need:N1", key="RAISES")
    assert g.has_edge("Project:P1", "Need:N1", key="ADDRESSES")
    assert g.edges["Unit:U3", "Committee:C1", "MEMBER_OF"]["role"] == "主任单位"
    assert g.has_edge("Area:A3", "Area:A2", key="PART_OF")
    src = read_and_check(GOOD)
    assert g.number_of_nodes() == sum(len(df) for n, df in src.tables.items() if schema.table(n).label)
    assert "phone" not in g.nodes["Unit:U1"]


def test_store_env_variable(tmp_path):
    store = tmp_path / "env.lbdb"
    result = run("load", GOOD, env={"GRAPHGOV_STORE": str(store)})
    assert result.exit_code == 0 and store.exists()
    result = run("info", "--format", "csv", env={"GRAPHGOV_STORE": str(store)})
    df = pd.read_csv(__import__("io").StringIO(result.output))
    assert df.set_index("name").loc["Unit", "count"] == 4


def test_info_without_store_is_a_clear_error(tmp_path):
    result = run("info", "--store", tmp_path / "nothing.lbdb")
    assert result.exit_code == 1
    assert "graphgov load" in result.output


@pytest.mark.parametrize("args, message", [
    (["info", "--format", "bogus"], "Invalid value for '--format': 'bogus' is not one of"),
    (["load"], "Missing argument 'DATASET'"),
    (["check", "/no/such/folder"], "Invalid value for 'DATASET': Path '/no/such/folder' does not exist"),
    (["info", "--top", "0"], "Invalid value for '--top': 0 is not in the range x>=1"),
])
def test_bad_options_exit_2(args, message):
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output


# Every command, written out: renaming or dropping one must fail here (and in the tests that
# name it), not silently shrink a list of tests built from graphgov.cli.COMMANDS.
EXPECTED_COMMANDS = ["accept", "central", "check", "close", "compare", "decline", "demo", "dispatch", "doctor", "export",
                     "fulfil", "gaps", "generate", "history", "info", "load", "map", "match", "query", "reopen",
                     "report", "schema", "trends", "withdraw"]


def test_the_commands_are_the_documented_ones():
    from graphgov.cli import COMMANDS

    assert sorted(COMMANDS) == EXPECTED_COMMANDS
    listed = run("--help").output
    for name in EXPECTED_COMMANDS:
        assert f"\n  {name} " in listed, name


@pytest.mark.parametrize("name", EXPECTED_COMMANDS)
def test_every_command_has_help_with_an_example(name):
    result = run(name, "--help")
    assert result.exit_code == 0, name
    assert "Example" in result.output, name


def test_version():
    from graphgov import __version__

    assert run("--version").output.strip() == f"graphgov, version {__version__}"


def test_export_round_trip_through_chinese_workbook(loaded, tmp_path):
    book = tmp_path / "三张清单.xlsx"
    assert run("export", book, "--lang", "zh", "--store", loaded).exit_code == 0
    again = read_and_check(book).tables
    ref = read_and_check(GOOD).tables
    for name, df in ref.items():
        left = df.drop(columns=schema.table(name).personal_columns).sort_values(list(schema.table(name).key))
        right = again[name].drop(columns=schema.table(name).personal_columns).sort_values(list(schema.table(name).key))
        pd.testing.assert_frame_equal(left.reset_index(drop=True), right.reset_index(drop=True), check_dtype=False)


def test_dataset_format_doc_is_generated_from_the_schema():
    from graphgov.dataset.docs import schema_markdown

    doc = (Path(__file__).resolve().parent.parent / "docs" / "dataset-format.md").read_text(encoding="utf-8")
    assert doc.strip() == schema_markdown().strip(), "run: graphgov schema --format markdown > docs/dataset-format.md"


def _doc_rows() -> dict[str, str]:
    """docs/dataset-format.md's table rows by table name."""
    doc = (Path(__file__).resolve().parent.parent / "docs" / "dataset-format.md").read_text(encoding="utf-8")
    return {m[1]: m[0] for m in re.finditer(r"^\| `(\w+)` .*$", doc, flags=re.M)}


def _readme_columns() -> dict[str, list[str]]:
    """The columns the README's dataset table names, by table."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    out = {}
    for m in re.finditer(r"^\| `(\w+)` [^|]*\| (.*) \|$", readme, flags=re.M):
        cells = re.sub(r"\([^)]*\)", "", m[2])  # drop "(planned, active, …)" and "(or `start`)"
        out[m[1]] = [c.strip().strip("*").split()[0] for c in cells.split(",") if c.strip()]
    return out


@pytest.mark.parametrize("table", [t.name for t in schema.TABLES if (SAMPLE_DIR / f"{t.name}.csv").exists()])
def test_every_header_of_the_sample_and_the_readme_is_in_the_dataset_format_doc(table):
    """The sample writes start/end, the schema says start_date/end_date: the doc must show both."""
    t = schema.table(table)
    row = _doc_rows()[table]
    names = [c for c in (SAMPLE_DIR / f"{table}.csv").read_text(encoding="utf-8").splitlines()[0].split(",")]
    names += _readme_columns()[table]
    for name in names:
        col = next((c for c in t.columns if name == c.name or name in c.zh), None)
        assert col is not None, f"{table}.{name} is not a column or alias in the schema"
        documented = re.search(rf"(?:^|[ (/*]){re.escape(name)}(?:[ /;)*]|$)", row)
        assert documented, f"{table}.{name} is read by graphgov but docs/dataset-format.md does not say so"


def test_sample_workbook_holds_the_sample_csv_data():
    ref = read_and_check(Path(__file__).resolve().parent.parent / "data" / "sample").tables
    book = read_and_check(Path(__file__).resolve().parent.parent / "data" / "sample.xlsx").tables
    for name, df in ref.items():
        pd.testing.assert_frame_equal(book[name].reset_index(drop=True), df.reset_index(drop=True), check_dtype=False)


def test_sample_loads_and_has_the_documented_size(sample_store):
    counts = sample_store.counts().set_index("name")["count"]
    assert 150 <= counts["Unit"] <= 300
    assert counts["Need"] >= 200 and counts["Resource"] >= 150 and counts["Project"] >= 100


def test_wheel_carries_templates_and_bundled_reports(tmp_path):  # builds a wheel: ~10 s
    """A non-editable install gets the map templates and the Cypher reports."""
    import subprocess
    import sys
    import zipfile

    root = Path(__file__).resolve().parent.parent
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                    str(tmp_path), str(root)], check=True, capture_output=True)
    (wheel,) = tmp_path.glob("graphgov-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    from graphgov.views.map_render import APP_SCRIPTS

    for t in ("map.html", "map.css", "report.html", *APP_SCRIPTS):
        assert f"graphgov/views/templates/{t}" in names
    bundled = {Path(n).name for n in names if n.endswith(".cypher")}
    assert bundled == {p.name for p in (root / "queries").glob("*.cypher")}


def test_progress_bar_appears_only_after_a_second(capsys):
    from graphgov.cli.common import Progress

    now = [0.0]
    bar = Progress("loading", clock=lambda: now[0])
    bar("Unit", 1, 10)
    now[0] = 0.5
    bar("Need", 2, 10)
    assert bar.bar is None  # a quick load shows nothing
    now[0] = 1.2
    bar("Resource", 3, 10)
    bar("done", 10, 10)
    bar.close()
    assert bar.bar is not None
    assert "loading" in capsys.readouterr().err


# Each refused dataset's problem in full: where, what, the bad value and the fix, as a planner reads it
# (mutation testing, issue 18: the words above left most of each line unchecked). Written out from the
# files in tests/data/bad and the rule each breaks.
FULL = [
    ("missing_table", "missing_table: error: missing table 'needs' (需求清单); to add or update only these lists "
     "in a store that holds the rest, run with --partial; for a complete dataset add needs.csv (or a sheet named "
     "需求清单) with the columns id, title, category, unit_id"),
    ("missing_column", "needs.csv:1: error: missing column 'category'; add a column headed category or 类别"),
    ("empty_required", "units.csv:4:name: error: empty 'name'; this column is required; fill the cell"),
    ("duplicate_id", "units.csv:6:id: error: duplicate id 'U2' (first at row 3) (value: 'U2'); give each row its "
     "own id, or delete the copy"),
    ("missing_reference", "needs.csv:3:unit_id: error: no unit has id 'U999' (value: 'U999'); add it to units.csv "
     "(成员单位) or correct the id"),
    ("bad_enum", "units.csv:5:type: error: '宇宙飞船' is not an allowed type (value: '宇宙飞船'); use one of: "
     "government (党政机关), railway (铁路), transit (公共交通), "),
    ("bad_date", "needs.csv:2:raised: error: not a date (value: '2024-13-45'); write dates as YYYY-MM-DD, "
     "e.g. 2024-03-01"),
    ("bad_number", "resources.csv:2:capacity: error: not a whole number (value: '很多'); write a whole number, e.g. 3"),
    ("negative_capacity", "resources.csv:2:capacity: error: capacity may not be negative (value: '-3'); "
     "write 0 or more"),
    ("negative_quantity", "needs.csv:3:quantity: error: quantity may not be negative (value: '-1'); write 0 or more"),
    ("area_cycle", "areas.csv:2:parent_id: error: the parent_id chain goes round in a circle: A0 → A3 → A2 → A1 → A0 "
     "(value: 'A0'); break the circle: one of them must have another parent or none"),
    ("own_parent", "party_orgs.csv:3:parent_id: error: 'O2' is its own parent (value: 'O2'); clear parent_id or set "
     "the real parent"),
    ("self_agreement", "agreements.csv:2:unit_b: error: an agreement needs two different units (value: 'U3'); "
     "correct unit_a or unit_b"),
    ("id_with_space", "units.csv:3:id: error: an id may not contain spaces (value: 'U 2'); remove the spaces or use "
     "'-' or '_'"),
    ("bad_need_list", "projects.csv:2:need_ids: error: no need has id 'N7' (value: 'N7'); add it to needs.csv "
     "(需求清单) or correct the id"),
    ("no_units", "units.csv: error: the table has a header but no rows; a dataset needs at least one row in units; "
     "add the units (成员单位) below the header"),
    ("no_committees", "committees.csv: error: the table has a header but no rows; a dataset needs at least one row "
     "in committees; add the committees (委员会) below the header"),
]


@pytest.mark.parametrize("case,line", FULL, ids=[f[0] for f in FULL])
def test_check_command_states_each_problem_in_full(case, line):
    result = run("check", DATA / "bad" / case)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == ("Error: 14 errors in the dataset" if case == "no_units" else "Error: 1 error in the dataset")
    assert lines[1].startswith(line) if case == "bad_enum" else lines[1] == line, result.output
    assert "Traceback" not in result.output


def test_whole_numbers_as_spreadsheets_write_them(tmp_path):
    """A capacity may carry a thousands separator or full-width digits; a fraction is not a whole number."""
    from conftest import write_dataset

    def resources(*capacities):
        return {"committees": [{"id": "K", "name": "委员会", "level": "street"}],
                "units": [{"id": "U1", "name": "甲", "type": "government"}],
                "resources": [{"id": f"R{i}", "title": "场地", "category": "venue", "unit_id": "U1", "capacity": c}
                              for i, c in enumerate(capacities, 1)]}

    ok = read_and_check(write_dataset(tmp_path / "ok", resources("1,200", "３", "7", "0")))
    assert ok["resources"]["capacity"].tolist() == [1200, 3, 7, 0]  # none left is allowed
    assert str(ok["resources"]["capacity"].dtype) == "Int64"  # whole numbers, with room for an empty cell
    with pytest.raises(DataError) as err:
        read_and_check(write_dataset(tmp_path / "bad", resources("2", "2.5")))
    assert [str(p) for p in err.value.problems] == [
        "resources.csv:3:capacity: error: not a whole number (value: '2.5'); write a whole number, e.g. 3"]


def test_ids_with_invisible_characters_or_spaces_are_refused_with_the_fix(tmp_path):
    from conftest import write_dataset

    tables = {"committees": [{"id": "K", "name": "委员会", "level": "street"}],
              "units": [{"id": "U\u200b1", "name": "甲", "type": "government"}, {"id": "U2", "name": "乙",
                                                                                 "type": "school"}],
              "projects": [{"id": "P1", "title": "项目", "need_ids": "N1;N 2"}]}
    with pytest.raises(DataError) as err:
        read_and_check(write_dataset(tmp_path / "d", tables))
    lines = [str(p) for p in err.value.problems]
    # the value as repr() shows it: the invisible character spelt out
    assert "units.csv:2:id: error: an id may not contain invisible characters (U+200B) (value: 'U\\u200b1'); " \
           "retype the id" in lines
    assert "projects.csv:2:need_ids: error: an id may not contain spaces or invisible characters " \
           "(value: 'N1;N 2'); separate ids with ';' and retype them" in lines


def test_a_number_beyond_a_64_bit_column_is_too_large_either_way(tmp_path):
    from conftest import write_dataset

    tables = {"committees": [{"id": "K", "name": "委员会", "level": "street"}],
              "units": [{"id": "U1", "name": "甲", "type": "government"}],
              "resources": [{"id": f"R{i}", "title": "场地", "category": "venue", "unit_id": "U1", "capacity": c}
                            for i, c in enumerate([str(2**63), str(-2**63 - 1)], 1)]}
    with pytest.raises(DataError) as err:
        read_and_check(write_dataset(tmp_path / "d", tables))
    assert [str(p) for p in err.value.problems] == [
        f"resources.csv:{row}:capacity: error: the number is too large (value: '{value}'); check the cell"
        for row, value in ((2, 2**63), (3, -2**63 - 1))]


def test_two_agreements_of_one_pair_without_a_kind_are_a_duplicate(tmp_path):
    """An agreement is keyed by its two units and its kind, which may be empty: two rows of U1–U2 without a
    kind are the same agreement written twice; the same pair with a kind is another agreement."""
    from conftest import write_dataset

    tables = {"committees": [{"id": "K", "name": "委员会", "level": "street"}],
              "units": [{"id": "U1", "name": "甲", "type": "government"}, {"id": "U2", "name": "乙", "type": "school"}],
              "agreements": [{"unit_a": "U1", "unit_b": "U2"}, {"unit_a": "U1", "unit_b": "U2"},
                             {"unit_a": "U1", "unit_b": "U2", "kind": "co_building"}]}
    with pytest.raises(DataError) as err:
        read_and_check(write_dataset(tmp_path / "d", tables))
    assert [str(p) for p in err.value.problems] == [
        "agreements.csv:3:unit_a: error: duplicate row for {'unit_a': 'U1', 'unit_b': 'U2', 'kind': ''} "
        "(first at row 2) (value: 'U1'); give each row its own id, or delete the copy"]


def test_a_checked_dataset_knows_the_spreadsheet_row_of_each_row():
    ds = read_and_check(GOOD)
    units = pd.read_csv(GOOD / "units.csv", dtype=str)
    assert ds.rows["units"] == list(range(2, len(units) + 2))  # the header is row 1
    assert set(ds.rows) == set(ds.tables)
