"""Hostile and broken input: each refused with a clear message, nothing written, memory bounded.

The library of one-error datasets is in tests/data/bad (test_foundation.py); these are the
inputs a careless export, a pasted-together file or a malicious sender produce.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from conftest import python_env
from graphgov.dataset import reader
from graphgov.dataset.checks import read_and_check
from graphgov.cli import cli
from graphgov.errors import DataError
from graphgov.store import open_store

DATA = Path(__file__).resolve().parent / "data"
GOOD = DATA / "good"
UNIT_ROW = "U9,{name},government,,A3\n"


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    store = tmp_path_factory.mktemp("hostile") / "g.lbdb"
    assert run("load", GOOD, "--store", store).exit_code == 0
    return store


def good_copy(tmp_path: Path) -> Path:
    return Path(shutil.copytree(GOOD, tmp_path / "data"))


def append(folder: Path, file: str, data: str | bytes) -> None:
    with open(folder / file, "ab") as fh:
        fh.write(data.encode("utf-8") if isinstance(data, str) else data)


def many_units(n: int) -> str:
    return "".join(UNIT_ROW.replace("U9", f"U{100 + i}").format(name=f"单位{i}") for i in range(n))


# name, how to spoil the good dataset, where the error is reported, words of the message
CASES = [
    ("only_bom", lambda d: (d / "needs.csv").write_bytes(b"\xef\xbb\xbf"), "needs.csv:", "empty (no header row)"),
    ("blank_lines", lambda d: (d / "needs.csv").write_bytes(b"\r\n\n  \n,,\n"), "needs.csv:", "empty (no header row)"),
    ("header_only_units", lambda d: (d / "units.csv").write_text("id,name,type\n"), "units.csv:", "header but no rows"),
    ("random_binary", lambda d: (d / "units.csv").write_bytes(bytes(range(256)) * 8), "units.csv:", "binary file"),
    ("high_bytes", lambda d: (d / "units.csv").write_bytes(bytes([0xFF, 0xFE, 0x41]) * 3 + bytes([0x80, 0xFF]) * 50),
     "units.csv:", "units.csv"),
    ("nul_after_4k", lambda d: append(d, "units.csv", many_units(200) + "U9,a\x00b,government,,A3\n"),
     "units.csv:206:name:", "control character U+0000"),
    ("escape_sequence", lambda d: append(d, "units.csv", UNIT_ROW.format(name="站\x1b[2J\x1b[31m")),
     "units.csv:6:name:", "control character U+001B"),
    ("excel_error_id", lambda d: append(d, "units.csv", "#N/A,某单位,government,,A3\n"),
     "units.csv:6:id:", "spreadsheet error #N/A"),
    ("excel_error_text", lambda d: append(d, "units.csv", UNIT_ROW.format(name="#REF!")),
     "units.csv:6:name:", "spreadsheet error #REF!"),
    ("pasted_files_bom", lambda d: append(d, "units.csv", "\ufeffid,name,type,sector,area_id\n" + UNIT_ROW.format(name="x")),
     "units.csv:6:", "header row appears again"),
    ("long_cell", lambda d: append(d, "units.csv", UNIT_ROW.format(name="长" * 10_001)),
     "units.csv:6:name:", "more than 10,000"),
    ("huge_cell", lambda d: append(d, "units.csv", UNIT_ROW.format(name="x" * 300_000)),
     "units.csv:", "graphgov's limit is 10,000"),
    ("huge_number", lambda d: append(d, "needs.csv", "N9,x,parking,U1,A3,2024-01-08,high,9.3e18,open\n"),
     "needs.csv:4:quantity:", "the number is too large"),
    ("too_many_columns", lambda d: append(d, "units.csv", "U9,x,government,,A3" + ",y" * 5000 + "\n"),
     "units.csv:6:", "more than graphgov's limit of 1,000 columns"),
    ("duplicate_header", lambda d: (d / "units.csv").write_text("id,name,名称,type\nU1,a,b,railway\n"),
     "units.csv:1:名称:", "two columns mean 'name'"),
    ("zero_width_id", lambda d: append(d, "units.csv", "U\u200b9,某单位,government,,A3\n"),
     "units.csv:6:id:", "invisible characters (U+200B)"),
    ("ideographic_space_id", lambda d: append(d, "units.csv", "U\u30009,某单位,government,,A3\n"),
     "units.csv:6:id:", "may not contain spaces"),
    ("committee_cycle", lambda d: (d / "committees.csv").write_text(
        "id,name,level,parent_id\nC1,甲,street,C3\nC2,乙,street,C1\nC3,丙,street,C2\n"),
     "committees.csv:", "goes round in a circle"),
    ("area_own_parent", lambda d: (d / "areas.csv").write_text(
        (GOOD / "areas.csv").read_text().replace("A3,朝阳站站区,station_area,A2", "A3,朝阳站站区,station_area,A3")),
     "areas.csv:5:parent_id:", "'A3' is its own parent"),
    ("party_org_cycle", lambda d: (d / "party_orgs.csv").write_text(
        "id,name,unit_id,parent_id\nO1,甲,U1,O2\nO2,乙,U1,O1\n"), "party_orgs.csv:", "goes round in a circle"),
]


@pytest.mark.parametrize("case,spoil,location,words", CASES, ids=[c[0] for c in CASES])
def test_hostile_csv_is_refused_and_store_unchanged(loaded, tmp_path, case, spoil, location, words):
    folder = good_copy(tmp_path)
    spoil(folder)
    before = digest(loaded)
    result = run("load", folder, "--store", loaded)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = [ln for ln in result.output.splitlines() if words in ln]
    assert lines, result.output
    assert lines[0].startswith(location), lines[0]
    assert "Nothing was loaded" in result.output
    assert digest(loaded) == before


def test_byte_order_mark_inside_an_id_is_dropped(tmp_path):
    folder = good_copy(tmp_path)
    append(folder, "units.csv", "\ufeffU9,某单位,government,,A3\n")
    units = read_and_check(folder)["units"]
    assert "U9" in set(units["id"])


def test_quoted_formula_from_our_own_export_reads_back_unquoted(tmp_path):
    folder = good_copy(tmp_path)
    append(folder, "units.csv", UNIT_ROW.format(name="'=1+1") + UNIT_ROW.replace("U9", "U10").format(name="'-减量'"))
    names = dict(zip(*read_and_check(folder)["units"][["id", "name"]].T.values))
    assert names["U9"] == "=1+1"
    assert names["U10"] == "-减量'"


def test_header_only_list_is_an_empty_list(tmp_path):
    """A month with no new needs is a header-only needs list: valid, zero needs."""
    folder = good_copy(tmp_path)
    (folder / "needs.csv").write_text("id,title,category,unit_id\n")
    (folder / "projects.csv").write_text("id,title,lead_unit_id\nP1,清洁站区行动,U3\n")
    ds = read_and_check(folder)
    assert len(ds["needs"]) == 0 and len(ds["units"]) == 4


# ---- workbooks -------------------------------------------------------------------------

def spoil_workbook(tmp_path: Path, edit) -> Path:
    book = load_workbook(DATA / "good.xlsx")
    edit(book)
    out = tmp_path / "book.xlsx"
    book.save(out)
    return out


@pytest.mark.parametrize("case,edit,location,words", [
    # openpyxl saves formulas without a computed value: graphgov reads values only, so it is empty
    ("formula_cell", lambda b: b["成员单位"].cell(2, 2, '=HYPERLINK("http://example.invalid","点我")'),
     "book.xlsx[成员单位]:2:名称:", "empty 'name'"),
    ("error_cell", lambda b: b["成员单位"].cell(3, 3, "#DIV/0!"), "book.xlsx[成员单位]:3:类型:", "spreadsheet error #DIV/0!"),
], ids=["formula_cell", "error_cell"])
def test_hostile_workbook_is_refused(loaded, tmp_path, case, edit, location, words):
    path = spoil_workbook(tmp_path, edit)
    before = digest(loaded)
    result = run("load", path, "--store", loaded)
    assert result.exit_code == 1
    lines = [ln for ln in result.output.splitlines() if words in ln]
    assert lines and lines[0].startswith(location), result.output
    assert digest(loaded) == before


@pytest.mark.parametrize("content", [b"", b"id,name\nU1,x\n", b"PK\x03\x04" + b"\x00" * 100],
                         ids=["empty", "csv_named_xlsx", "broken_zip"])
def test_not_a_workbook(tmp_path, content):
    path = tmp_path / "book.xlsx"
    path.write_bytes(content)
    result = run("check", path)
    assert result.exit_code == 1
    assert "book.xlsx: error: the workbook cannot be opened" in result.output


def test_zip_bomb_is_refused_before_unpacking(tmp_path, monkeypatch):
    # the real limit is 512 MB unpacked; a workbook that declares more is not opened
    from graphgov.dataset import limits

    unpacked = sum(i.file_size for i in __import__("zipfile").ZipFile(DATA / "good.xlsx").infolist())
    monkeypatch.setattr(limits, "MAX_XLSX_UNPACKED", unpacked - 1)
    with pytest.raises(DataError, match="unpacks to .* MB, more than graphgov's limit"):
        read_and_check(DATA / "good.xlsx")


def test_file_over_the_size_limit_is_refused_unread(tmp_path):
    folder = good_copy(tmp_path)
    with open(folder / "needs.csv", "r+b") as fh:  # sparse: costs no disk
        fh.truncate(reader.MAX_FILE_BYTES + 1)
    with pytest.raises(DataError, match=r"needs.csv: error: the file is 100 MB, more than graphgov's limit of 100 MB"):
        read_and_check(folder)


# ---- a million rows ----------------------------------------------------------------------

PEAK = textwrap.dedent("""
    import json, resource, sys, time
    from graphgov.dataset.checks import read_and_check
    from graphgov.errors import DataError

    def memory_kb(field):
        # VmHWM is this process's own high-water mark; ru_maxrss would carry the parent's across exec
        try:
            with open("/proc/self/status") as fh:
                return next(int(line.split()[1]) for line in fh if line.startswith(field + ":"))
        except OSError:
            return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    base = memory_kb("VmRSS")  # after the imports
    t = time.perf_counter()
    try:
        read_and_check(sys.argv[1])
        message = "loaded"
    except DataError as err:
        message = str(err)
    peak = memory_kb("VmHWM")
    print(json.dumps({"message": message, "base_kb": base, "peak_kb": peak, "seconds": time.perf_counter() - t}))
""")



def test_million_row_table_is_refused_with_the_limit_and_bounded_memory(tmp_path):
    folder = good_copy(tmp_path)
    rows = 1_000_000
    with open(folder / "needs.csv", "w", encoding="utf-8") as fh:
        fh.write("id,title,category,unit_id,description\n")
        fh.writelines(f"N{i},换乘引导志愿者{i},volunteering,U1,高峰时段站前广场的引导服务\n" for i in range(rows))
    size_kb = (folder / "needs.csv").stat().st_size // 1024
    out = subprocess.run([sys.executable, "-c", PEAK, str(folder)], capture_output=True, text=True, check=True,
                         env=python_env())
    result = json.loads(out.stdout)
    assert "needs.csv: error: the table has 1,000,000 rows, more than graphgov's limit of 500,000 rows" \
        in result["message"]
    grown_kb = result["peak_kb"] - result["base_kb"]
    # streamed: memory grows by far less than the file (88 MB; measured +3 MB), where the earlier
    # whole-file reader grew by 640 MB for a 37 MB file
    assert size_kb > 60_000
    assert grown_kb < size_kb / 2, result


# ---- projects across areas, and --strict -----------------------------------------------------

def far_project(folder: Path) -> Path:
    """Add a Tianjin area and a need there, addressed by the Chaoyang project P1."""
    append(folder, "areas.csv", "T0,天津市,city,\nT1,天津站地区,station_area,T0\n")
    append(folder, "units.csv", "U9,天津站,railway,铁路,T1\n")
    append(folder, "needs.csv", "N9,候车厅引导,volunteering,U9,T1,2024-01-08,high,2,open\n")
    projects = (folder / "projects.csv").read_text().replace(",N1\n", ",N1;N9\n")
    (folder / "projects.csv").write_text(projects)
    return folder


def test_project_for_a_need_in_another_city_is_a_warning_naming_both_areas(tmp_path):
    folder = far_project(good_copy(tmp_path))
    ds = read_and_check(folder)
    [warning] = [w for w in ds.warnings if w.column == "need_ids"]
    text = str(warning)
    assert text.startswith("projects.csv:2:need_ids: warning:")
    assert "A2 东风地区" in text and "T1 天津站地区" in text and "N9" in text and "N1," not in text


def test_project_for_a_need_in_a_nested_area_is_not_flagged(tmp_path):
    # U3 sits in street A2, need N1 in station area A3 inside it; a district unit serving it likewise
    folder = good_copy(tmp_path)
    assert not [w for w in read_and_check(folder).warnings if w.column == "need_ids"]


def test_strict_turns_warnings_into_errors_and_writes_nothing(loaded, tmp_path):
    folder = far_project(good_copy(tmp_path))
    assert run("check", folder).exit_code == 0
    result = run("check", folder, "--strict")
    assert result.exit_code == 1
    assert "projects.csv:2:need_ids: error: project 'P1'" in result.output
    assert "refused because of --strict" in result.output
    before = digest(loaded)
    result = run("load", folder, "--strict", "--store", loaded)
    assert result.exit_code == 1 and "Nothing was loaded" in result.output
    assert digest(loaded) == before
    with open_store(loaded) as store:
        assert "N9" not in set(store.read_tables()["needs"]["id"])


def test_strict_refuses_an_unknown_column(tmp_path):
    folder = good_copy(tmp_path)
    (folder / "units.csv").write_text((folder / "units.csv").read_text().replace("area_id", "area_id,备注", 1))
    assert run("check", folder).exit_code == 0
    result = run("check", folder, "--strict")
    assert result.exit_code == 1 and "units.csv:1:备注: error: unknown column" in result.output


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_read_not_called_binary(tmp_path, encoding):
    folder = good_copy(tmp_path)
    text = (GOOD / "units.csv").read_text(encoding="utf-8") + "U9,某某单位,government,,A3\n"
    (folder / "units.csv").write_bytes(text.encode(encoding))
    units = read_and_check(folder)["units"]
    assert dict(zip(units["id"], units["name"]))["U9"] == "某某单位" and len(units) == 5


def test_binary_with_zero_bytes_is_still_binary(tmp_path):
    folder = good_copy(tmp_path)
    (folder / "units.csv").write_bytes(bytes([0, 1, 2, 3, 0, 0, 7, 0, 9, 0]) * 400)
    with pytest.raises(DataError, match="units.csv: error: this is a binary file"):
        read_and_check(folder)
