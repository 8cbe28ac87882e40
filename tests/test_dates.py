"""A dataset's own date, dated steps in the lists and the dispatch loop, one --as-of everywhere, the same demo any day."""
from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
import sys

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from graphgov.cli import cli
from graphgov.dataset.checks import read_and_check
from graphgov.dataset.meta import dataset_meta, reference_date
from graphgov.errors import DataError, OptionError
from graphgov.matching import lifecycle
from graphgov.matching.milestones import MILESTONE_STATEMENTS, RATING_STATEMENT
from graphgov.store import open_store

from conftest import ROOT, SAMPLE, python_env, write_dataset
from cypherlint import cypher_linter  # noqa: F401  (fixture)

BASE = {
    "areas": [{"id": "A1", "name": "区", "level": "district"}],
    "committees": [{"id": "C1", "name": "委员会", "level": "district", "area_id": "A1"}],
    "units": [{"id": "U1", "name": "甲", "type": "government", "area_id": "A1"},
              {"id": "U2", "name": "乙", "type": "hospital", "area_id": "A1"}],
    "memberships": [{"unit_id": "U1", "committee_id": "C1"}, {"unit_id": "U2", "committee_id": "C1"}],
    "needs": [{"id": "N1", "title": "义诊", "category": "health", "unit_id": "U1", "raised": "2025-03-01"}],
    "resources": [{"id": "R1", "title": "医生", "category": "health", "unit_id": "U2", "capacity": 2,
                   "available_until": "2025-12-31"}],
    "projects": [],
    "participations": [],
}


def dataset(tmp_path, **changes):
    tables = {k: [dict(r) for r in v] for k, v in BASE.items()} | changes
    return write_dataset(tmp_path / "d", tables)


# -- the meta table ----------------------------------------------------------------------------

def test_meta_row_is_read_stored_and_read_back(tmp_path):
    folder = dataset(tmp_path, meta=[{"as_of": "2025年6月30日", "title": "三月清单", "source": "街道工委"}])
    ds = read_and_check(folder)
    assert dataset_meta(ds) == {"as_of": dt.date(2025, 6, 30), "title": "三月清单", "source": "街道工委",
                                "description": None}
    with open_store(tmp_path / "g.lbdb") as store:
        store.load(ds)
        assert dataset_meta(store)["as_of"] == dt.date(2025, 6, 30)
        assert store.query("MATCH (d:Dataset) RETURN d.id AS id")["id"].tolist() == ["dataset"]
        assert reference_date(store) == dt.date(2025, 6, 30)
        assert reference_date(store, "2024-01-02") == dt.date(2024, 1, 2)
    assert reference_date({}, today=dt.date(2030, 1, 1)) == dt.date(2030, 1, 1)


def test_chinese_sheet_and_headers(tmp_path):
    book = tmp_path / "清单.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "元数据"
    wb.active.append(["截止日期", "标题", "来源"])
    wb.active.append(["2025-12-31", "年度清单", "区委组织部"])
    for name, rows in (("成员单位", [["编号", "名称", "类型"], ["U1", "甲", "政府"]]),
                       ("委员会", [["编号", "名称", "层级"], ["C1", "委员会", "区级"]])):
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    wb.save(book)
    from graphgov.dataset.reader import read_dataset
    from graphgov.dataset.checks import check_dataset

    ds = check_dataset(read_dataset(book), partial=True)
    assert dataset_meta(ds)["as_of"] == dt.date(2025, 12, 31)


def test_an_instructions_sheet_named_shuoming_is_ignored_with_a_warning(tmp_path):
    folder = dataset(tmp_path)
    (folder / "meta.csv").unlink()
    (folder / "说明.csv").write_text("填写说明\n请按模板填写各清单\n", encoding="utf-8")
    ds = read_and_check(folder)
    assert "meta" not in ds.tables
    assert [str(w) for w in ds.warnings if "meta" in w.message] == [
        "说明.csv: warning: none of the meta columns (as_of, title, source), ignored; head the columns as_of "
        "(截止日期), title (标题), source (来源) to state the dataset's date"]


def test_a_meta_file_without_its_columns_is_ignored_and_the_lists_after_it_still_read(tmp_path):
    folder = dataset(tmp_path)
    (folder / "meta.csv").write_text("填写人\n张三\n", encoding="utf-8")  # read before needs … units
    ds = read_and_check(folder)
    assert "meta" not in ds.tables
    assert {"needs", "resources", "units"} <= set(ds.tables)


def test_meta_with_two_rows_is_refused(tmp_path):
    folder = dataset(tmp_path, meta=[{"as_of": "2025-06-30"}, {"as_of": "2025-07-01"}])
    with pytest.raises(DataError, match="meta.csv:3: .*holds one row"):
        read_and_check(folder)


# -- needs with their history -------------------------------------------------------------------

def test_needs_history_columns_status_and_rating(tmp_path):
    needs = [
        {"id": "N1", "title": "甲", "category": "health", "unit_id": "U1", "raised": "2025-03-01",
         "dispatched_on": "2025-03-02", "fulfilled_on": "2025-03-20", "rating": "4", "channel": "12345"},
        {"id": "N2", "title": "乙", "category": "health", "unit_id": "U1", "raised": "2025-03-01",
         "dispatched_on": "2025-03-05", "status": "open"},
        {"id": "N3", "title": "丙", "category": "health", "unit_id": "U2", "raised": "2025-03-01",
         "closed_on": "2025-04-01", "rating": "基本满意", "channel": "网格"},
    ]
    ds = read_and_check(dataset(tmp_path, needs=needs))
    got = ds.tables["needs"].set_index("id")
    assert got["status"].to_dict() == {"N1": "fulfilled", "N2": "open", "N3": "closed"}  # N1, N3 from their dates
    assert got["rating"].tolist()[::2] == ["satisfied", "basically_satisfied"]
    assert got["channel"].tolist()[::2] == ["hotline", "grid"]
    warned = [w for w in ds.warnings if w.column == "status"]
    assert len(warned) == 1 and "dispatched date" in warned[0].message and warned[0].row == 3


def test_a_step_before_the_need_was_raised_is_an_error(tmp_path):
    needs = [{"id": "N1", "title": "甲", "category": "health", "unit_id": "U1", "raised": "2025-03-01",
              "fulfilled_on": "2025-02-01"}]
    with pytest.raises(DataError, match=r"needs.csv:2:fulfilled_on: .*before the need was raised"):
        read_and_check(dataset(tmp_path, needs=needs))
    needs[0].update(fulfilled_on="2025-03-02", rating="很一般")
    with pytest.raises(DataError, match="not an allowed rating"):
        read_and_check(dataset(tmp_path, needs=needs))


# -- the dispatch loop keeps the need's milestones -----------------------------------------------

def test_loop_writes_milestones_and_rating(tmp_path):
    path = tmp_path / "g.lbdb"
    with open_store(path) as store:
        store.load(read_and_check(dataset(tmp_path)))
    store = open_store(path)
    d = lifecycle.dispatch(store, "N1", "R1", on="2025-03-03")
    lifecycle.accept(store, d["id"], on="2025-03-04")
    lifecycle.fulfil(store, d["id"], on="2025-03-10", rating="满意")
    with pytest.raises(OptionError, match="rating '好' is not one of"):
        lifecycle.close_need(store, "N1", rating="好")
    need = store.read_tables(names=["needs"])["needs"].iloc[0]
    assert [need[c].date() for c in ("dispatched_on", "accepted_on", "fulfilled_on")] == [
        dt.date(2025, 3, 3), dt.date(2025, 3, 4), dt.date(2025, 3, 10)]
    assert need["rating"] == "satisfied" and need["status"] == "fulfilled"
    store.close()


def test_close_and_reopen_keep_closed_on(tmp_path):
    path = tmp_path / "g.lbdb"
    with open_store(path) as store:
        store.load(read_and_check(dataset(tmp_path)))
    store = open_store(path)
    lifecycle.close_need(store, "N1", on="2025-04-01", rating=2)
    assert store.query("MATCH (n:Need) RETURN n.closed_on AS c, n.rating AS r").iloc[0].tolist() == [
        pd.Timestamp("2025-04-01"), "dissatisfied"]
    lifecycle.reopen_need(store, "N1", on="2025-04-05")
    assert pd.isna(store.query("MATCH (n:Need) RETURN n.closed_on AS c")["c"].iloc[0])
    store.close()


def test_milestone_statements_pass_neo4j_linter(cypher_linter):
    queries = [(f"milestone {k}", q, {"id": "N1", "day": "2025-01-01"}) for k, q in MILESTONE_STATEMENTS.items()]
    queries.append(("rating", RATING_STATEMENT, {"id": "N1", "rating": "satisfied"}))
    queries.append(("batch", lifecycle._B_NEED_STATUS, {"rows": []}))
    assert cypher_linter.check(queries) == {}


# -- one --as-of, defaulting to the dataset's date --------------------------------------------------

@pytest.fixture(scope="module")
def sample_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("dates") / "s.lbdb"
    with open_store(path) as store:
        store.load(read_and_check(SAMPLE))
    return path


def test_gaps_and_reports_default_to_the_dataset_date(sample_path):
    runner = CliRunner()
    result = runner.invoke(cli, ["gaps", "--store", str(sample_path), "--kind", "unmet_need", "--top", "1"])
    assert result.exit_code == 0 and "（截至 2025-12-31）" in result.output
    default = runner.invoke(cli, ["query", "run", "stale_needs", "--store", str(sample_path), "--format", "csv"])
    given = runner.invoke(cli, ["query", "run", "stale_needs", "--store", str(sample_path), "--format", "csv",
                                "-p", "as_of=2025-12-31"])
    assert default.exit_code == given.exit_code == 0
    assert default.output == given.output and "N0017" in default.output


@pytest.mark.parametrize("command", [["gaps"], ["match", "N0001"], ["report", "--no-map", "--out", "x.html"],
                                     ["trends"], ["map", "--out", "m.html"]])
def test_every_dated_command_takes_as_of_and_its_old_names(sample_path, command, tmp_path):
    runner = CliRunner()
    with runner.isolated_filesystem(temp_dir=tmp_path):
        help_text = runner.invoke(cli, [command[0], "--help"]).output
        assert "--as-of" in help_text and "--on " not in help_text and "--date " not in help_text
        for flag in ("--as-of", "--date", "--on"):
            result = runner.invoke(cli, [*command, "--store", str(sample_path), flag, "2025-12-31"])
            assert result.exit_code == 0, (flag, result.output)
        result = runner.invoke(cli, [*command, "--store", str(sample_path), "--on", "2025-12-30", "--as-of",
                                     "2025-12-31"])
        assert result.exit_code == 2 and "two different dates" in result.output


def test_a_step_recorded_on_the_dataset_date_says_so(sample_path, tmp_path):
    import shutil

    path = tmp_path / "copy.lbdb"
    shutil.copy2(sample_path, path)
    result = CliRunner().invoke(cli, ["close", "N0023", "--store", str(path), "--rating", "3"])
    assert result.exit_code == 0, result.output
    assert "recorded on 2025-12-31, the dataset's own date" in result.output
    with open_store(path) as store:
        row = store.query("MATCH (n:Need {id: 'N0023'}) RETURN n.closed_on AS c, n.rating AS r").iloc[0]
    assert (row["c"], row["r"]) == (pd.Timestamp("2025-12-31"), "basically_satisfied")


# -- the demo gives the same files on any day -------------------------------------------------------

DEMO = """
import datetime, sys
class Day(datetime.date):
    @classmethod
    def today(cls):
        return cls({y}, {m}, {d})
datetime.date = Day
sys.argv = ["graphgov", "demo", "--data", {data!r}, "--out-dir", {out!r}, "--store", {store!r}]
from graphgov.cli import main
main()
"""


def _demo_on(day: dt.date, tmp_path) -> dict[str, str]:
    out, store = tmp_path / f"vis-{day}", tmp_path / f"s-{day}.lbdb"
    code = DEMO.format(y=day.year, m=day.month, d=day.day, data=str(SAMPLE), out=str(out), store=str(store))
    env = python_env()
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.iterdir())}


def test_demo_on_two_days_writes_the_same_map_and_report(tmp_path):
    first = _demo_on(dt.date(2026, 1, 15), tmp_path)
    second = _demo_on(dt.date(2031, 7, 4), tmp_path)
    assert set(first) == {"sample_map.html", "sample_report.html"}
    assert first == second
    committed = {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
                 for p in (ROOT / "visualizations").glob("sample_*.html")}
    assert committed == first, "the committed pages are not what the demo writes: run graphgov demo"
