"""The hints a new user meets when something is wrong: each names the right next step."""
from __future__ import annotations

import shutil

import pandas as pd
import pytest
from click.testing import CliRunner

from conftest import SAMPLE
from graphgov.cli import cli


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_an_unknown_need_points_to_the_needs_and_close_ids(sample_store):
    result = run("match", "n12", "--store", sample_store.path)
    assert result.exit_code == 1
    assert "did you mean N0012" in result.output
    assert "graphgov match --all" in result.output
    assert "export" not in result.output  # 'export needs' would write the whole store into needs/


def test_one_list_without_partial_suggests_partial(tmp_path):
    folder = tmp_path / "三月需求清单"
    folder.mkdir()
    shutil.copy(SAMPLE / "needs.csv", folder / "needs.csv")
    result = run("load", folder, "--store", tmp_path / "g.lbdb")
    assert result.exit_code == 1
    errors = [ln for ln in result.output.splitlines() if ": error: " in ln]
    assert len(errors) == 1, result.output  # one message, not one per missing table
    assert "--partial" in errors[0] and "'committees' (委员会)" in errors[0]


def test_committee_view_without_a_committee_lists_the_committees(sample_store, tmp_path):
    result = run("map", "--view", "committee", "--store", sample_store.path, "--out", tmp_path / "m.html")
    assert result.exit_code == 2
    assert "--committee ID" in result.output
    assert "C07 朝阳站地区党建工作协调委员会" in result.output and "C30 天津站公共交通服务联盟" in result.output
    assert not (tmp_path / "m.html").exists()


@pytest.mark.parametrize("name", ["三张清单.xls", "needs.et"])
def test_an_old_spreadsheet_is_told_to_be_saved_as_xlsx(tmp_path, name):
    book = tmp_path / name
    book.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)  # the OLE2 header of an .xls
    result = run("check", book)
    assert result.exit_code == 2
    assert "save it as .xlsx" in result.output and "not a dataset" not in result.output


def test_a_folder_holding_only_a_workbook_says_so(tmp_path):
    (tmp_path / "lists").mkdir()
    (tmp_path / "lists" / "三张清单.xlsx").write_bytes(b"")
    result = run("check", tmp_path / "lists")
    assert result.exit_code == 2 and "三张清单.xlsx: give the workbook itself" in result.output


def test_warnings_are_shown_with_the_errors(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(SAMPLE, folder, ignore=shutil.ignore_patterns("*.py", "*.md"))
    needs = pd.read_csv(folder / "needs.csv", dtype=str, keep_default_na=False)
    needs["备注说明"] = "x"  # an unknown column: a warning
    needs.loc[3, "urgency"] = "sehr"  # a bad value: an error
    needs.to_csv(folder / "needs.csv", index=False)
    for command in ("check", "load"):
        result = run(command, folder, "--store", tmp_path / "g.lbdb")
        assert result.exit_code == 1
        assert "needs.csv:5:urgency: error:" in result.output
        assert "needs.csv:1:备注说明: warning: unknown column" in result.output, command


def test_an_unknown_report_is_a_bad_option(sample_store):
    result = run("query", "run", "nosuch", "--store", sample_store.path)
    assert result.exit_code == 2
    assert "no report named 'nosuch'" in result.output


def test_one_warning_is_one_warning():
    result = run("check", SAMPLE)
    assert result.exit_code == 0
    assert "; 1 warning)" in result.output and "1 warnings" not in result.output


def test_one_row_written_is_one_row(sample_store, tmp_path):
    result = run("query", "run", "committee_roster", "--param", "committee=C07", "--top", "1", "--format", "csv",
                 "--out", tmp_path / "one.csv", "--store", sample_store.path)
    assert result.exit_code == 0, result.output
    assert "wrote 1 row to" in result.output


@pytest.mark.parametrize("args, words", [
    (["central", "--committee", "C7"], "did you mean C07 朝阳站地区党建工作协调委员会?"),
    (["gaps", "--area", "BJ-CY-A", "--as-of", "2025-12-31"], "did you mean BJ-CY-AZ"),
    (["history", "N999"], "'graphgov match --all' lists the needs"),
    (["dispatch", "N0012", "R9999", "--on", "2025-12-31"], "'graphgov match NEED_ID' lists the resources"),
])
def test_unknown_ids_point_to_close_ids_or_a_listing_not_to_export(sample_store_copy, args, words):
    result = run(*args, "--store", sample_store_copy)
    assert result.exit_code == 1
    assert words in result.output and "export" not in result.output
