"""Excel outputs for an office: central, gaps, match, query run and export, opened with openpyxl.

Each workbook starts with a sheet saying what it holds, as of when and from which store;
each table sheet has Chinese sheet name and headers, fitted widths, a frozen header, an
autofilter, Excel numbers and dates with formats, and readable text for evidence and reasons.
"""
from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from conftest import SAMPLE, load_tables
from graphgov.cli import cli
from graphgov.dataset import schema
from graphgov.dataset.checks import read_and_check
from graphgov.views.excel import read_workbook_table


def run(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result


def about(book) -> dict:
    """The first sheet's ``label → value`` lines."""
    ws = book.worksheets[0]
    return {row[0]: row[1] for row in ws.iter_rows(values_only=True) if row and row[0] and len(row) > 1}


def cells(ws) -> dict:
    """Header → the first data row's cell."""
    return {c.value: ws.cell(row=2, column=c.column) for c in ws[1]}


def width(ws, header: str) -> float:
    column = next(c.column_letter for c in ws[1] if c.value == header)
    return ws.column_dimensions[column].width


def assert_table_sheet(ws, rows: int) -> None:
    assert ws.freeze_panes == "A2"
    last = ws.cell(row=1, column=ws.max_column).column_letter
    assert ws.auto_filter.ref == f"A1:{last}{rows + 1}"
    assert ws.max_row == rows + 1
    for c in ws[1]:
        assert 8 <= ws.column_dimensions[c.column_letter].width <= 62, c.value
        assert c.font.bold


@pytest.fixture(scope="module")
def books(sample_store, tmp_path_factory):
    """Every command's workbook on the sample, as of its reference date."""
    out = tmp_path_factory.mktemp("xlsx")
    store = ["--store", sample_store.path]
    run("central", "--format", "xlsx", "--out", out / "central.xlsx", *store)
    run("gaps", "--as-of", "2025-12-31", "--format", "xlsx", "--out", out / "gaps.xlsx", *store)
    run("match", "N0012", "--on", "2025-12-31", "--format", "xlsx", "--out", out / "match1.xlsx", *store)
    run("match", "--all", "--assign", "--on", "2025-12-31", "--format", "xlsx", "--out", out / "assign.xlsx", *store)
    run("query", "run", "stale_needs", "--param", "as_of=2025-12-31", "--format", "xlsx", "--out",
        out / "query.xlsx", *store)
    run("export", out / "export.xlsx", *store)
    run("central", "--format", "xlsx", "--lang", "en", "--out", out / "central-en.xlsx", *store)
    return {p.stem: p for p in out.glob("*.xlsx")}


def test_central_workbook(books, sample_store):
    book = openpyxl.load_workbook(books["central"])
    assert book.sheetnames == ["关于", "核心单位"]
    assert about(book)["数据来源"] == str(sample_store.path)
    assert isinstance(about(book)["生成时间"], dt.datetime)
    ws = book["核心单位"]
    assert_table_sheet(ws, 207)
    row = cells(ws)
    assert [c.value for c in ws[1]][:5] == ["排名", "编号", "名称", "类型代码", "类型"]
    assert row["排名"].value == 1 and row["排名"].number_format == "0"
    assert row["中介中心度"].data_type == "n" and row["中介中心度"].number_format == "0.0000"
    assert row["关键节点"].value in ("✓", None)
    assert width(ws, "名称") > width(ws, "编号")  # fitted to the names, not one width for all


def test_central_workbook_in_english(books):
    book = openpyxl.load_workbook(books["central-en"])
    assert book.sheetnames == ["About", "central actors"]
    assert [c.value for c in book["central actors"][1]][:3] == ["rank", "id", "name"]


def test_gaps_workbook_reads_as_text_and_dates(books):
    book = openpyxl.load_workbook(books["gaps"])
    assert book.sheetnames == ["关于", "薄弱环节"]
    assert about(book)["数据日期"] == dt.datetime(2025, 12, 31)
    ws = book["薄弱环节"]
    assert [c.value for c in ws[1]][:6] == ["严重程度", "类别", "对象", "问题", "建议", "依据"]
    first = cells(ws)
    assert first["严重程度"].value == "高" and first["分值"].number_format == "0.000"
    evidence = first["依据"].value
    assert "{" not in evidence and "需求：N0017" in evidence and "已过天数：960" in evidence
    assert first["依据"].alignment.wrap_text and ws.row_dimensions[2].height > 15
    assert width(ws, "问题") == 62  # long texts wrap at a readable width


def test_gaps_workbook_feeds_the_map(books, sample_store, tmp_path):
    """graphgov reads its own workbook back with the English keys (map --findings F.xlsx)."""
    df = read_workbook_table(books["gaps"])
    assert {"kind", "severity", "subject_id", "message"} <= set(df.columns)
    assert set(df["severity"]) <= {"high", "medium", "low"}
    run("map", "--view", "gaps", "--findings", books["gaps"], "--store", sample_store.path, "--out", tmp_path / "m.html")


def test_match_workbooks(books):
    book = openpyxl.load_workbook(books["match1"])
    assert book.sheetnames == ["关于", "需求 N0012 的候选资源"]
    assert about(book)["数据日期"] == dt.datetime(2025, 12, 31)
    row = cells(book.worksheets[1])
    assert row["资源编号"].value == "R0004" and row["分值"].number_format == "0.000"
    assert row["类别匹配"].data_type == "n"  # the score part, not a category
    assert row["匹配理由"].value.splitlines()[0] == "同类别：志愿服务"
    assign = openpyxl.load_workbook(books["assign"])
    assert assign.sheetnames == ["关于", "派单清单", "未匹配需求"]  # one workbook, a sheet per section
    assert_table_sheet(assign["未匹配需求"], assign["未匹配需求"].max_row - 1)
    assert cells(assign["派单清单"])["份数"].data_type == "n"


def test_query_workbook_has_dates_and_numbers(books):
    book = openpyxl.load_workbook(books["query"])
    assert book.sheetnames == ["关于", "stale_needs"]
    info = about(book)
    assert info["数据日期"] == dt.datetime(2025, 12, 31) and "min_age = 365 days" in info["参数"]
    row = cells(book["stale_needs"])
    assert row["提出日期"].is_date and row["提出日期"].number_format == "yyyy-mm-dd"
    assert row["项目数"].data_type == "n"
    assert row["紧急程度"].value in ("一般", "较急", "紧急")


def test_export_workbook_is_chinese_and_reads_back(books):
    book = openpyxl.load_workbook(books["export"])
    assert book.sheetnames[:3] == ["关于", "区域", "委员会"] and "需求清单" in book.sheetnames
    needs = book["需求清单"]
    assert_table_sheet(needs, 249)
    row = cells(needs)
    assert row["提出日期"].is_date and row["数量"].data_type == "n" and row["类别"].value == "停车"
    again = read_and_check(books["export"]).tables
    ref = read_and_check(SAMPLE).tables
    for name in ("needs", "projects", "memberships"):  # personal columns are left out of an export
        cols = [c for c in ref[name].columns if c in again[name].columns and c not in ("contact", "phone")]
        key = list(schema.table(name).key)
        pd.testing.assert_frame_equal(ref[name][cols].sort_values(key).reset_index(drop=True),
                                      again[name][cols].sort_values(key).reset_index(drop=True), check_dtype=False)


def test_a_neutralised_cell_shows_its_text_as_typed(tmp_path):
    """Formula-like names are text cells with Excel's quote prefix: never run, shown exactly as typed."""
    typed = "=HYPERLINK(\"http://x\",\"点我\")"
    store = load_tables(tmp_path, {
        "areas": [{"id": "A1", "name": "朝阳区", "level": "district"}],
        "committees": [{"id": "C1", "name": "委员会", "level": "district", "area_id": "A1"}],
        "units": [{"id": "U1", "name": typed, "type": "government", "area_id": "A1"},
                  {"id": "U2", "name": "-2 号单位", "type": "hospital", "area_id": "A1"}],
        "memberships": [{"unit_id": "U1", "committee_id": "C1"}, {"unit_id": "U2", "committee_id": "C1"}],
    })
    out = tmp_path / "c.xlsx"
    run("central", "--format", "xlsx", "--out", out, "--store", store.path)
    ws = openpyxl.load_workbook(out).worksheets[1]
    names = {c.value: c for (c,) in ws.iter_rows(min_row=2, min_col=3, max_col=3)}
    for text in (typed, "-2 号单位"):
        cell = names[text]
        assert cell.data_type == "s" and cell.quotePrefix
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
