"""Fuzzing the reader and checks: whatever the files hold, the outcome is a Dataset or a GraphGovError.

Random bytes, random CSV text (random headers from the schema's names and aliases plus junk,
random cells, random encodings) and random workbooks go through ``read_and_check`` and
through ``graphgov check``; any other exception, or a traceback from the CLI, fails.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from graphgov.dataset import reader, schema
from graphgov.dataset.checks import Dataset, read_and_check
from graphgov.cli import cli
from graphgov.errors import GraphGovError

GOOD = Path(__file__).resolve().parent / "data" / "good"
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

TABLE_NAMES = [t.name for t in schema.TABLES] + [z for t in schema.TABLES for z in t.zh[:1]]
HEADERS = sorted({n for t in schema.TABLES for c in t.columns for n in (c.name, *c.zh)})
IDS = ["U1", "U2", "U3", "U4", "A0", "A1", "A2", "A3", "C1", "N1", "N2", "R1", "P1", "O1", "O2", "Ｕ１", " U1 ", "U 1"]
WORDS = ["government", "railway", "volunteering", "交通出行", "open", "high", "monthly", "station_area", "2024-02-30",
         "2024-03-01", "2024年3月1日", "-1", "1e309", "nan", "3.5", "#N/A", "=1+1", "'=cmd", "\ufeff", "\u200b", "N1;N2"]


def text_cells():
    return st.one_of(
        st.sampled_from(IDS + WORDS),
        st.text(max_size=30),
        st.integers(min_value=-10**20, max_value=10**20).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.just(""),
    )


def outcome(path: Path, **kw):
    """Read and check ``path``; return the Dataset or the GraphGovError, let anything else escape."""
    try:
        ds = read_and_check(path, **kw)
    except GraphGovError as err:
        assert str(err)
        return err
    assert isinstance(ds, Dataset)
    return ds


def check_cli(path: Path, expected: int | None = None):
    """Run ``graphgov check``: exit 0 for a good dataset, 1 for bad data, never a traceback.

    The right code is what the library says of the same files (a Dataset → 0, a
    GraphGovError → 1) unless the case gives it as ``expected``.
    """
    found = outcome(path)
    if expected is None:
        expected = 1 if isinstance(found, GraphGovError) else 0
    result = CliRunner().invoke(cli, ["check", str(path)])
    assert result.exit_code == expected, (result.exit_code, result.output, result.exception)
    if result.exception is not None:
        assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    if isinstance(found, GraphGovError):  # the user is told what the library found
        first = str(found.problems[0]) if getattr(found, "problems", None) else str(found).splitlines()[0]
        assert first in result.output, (first, result.output)
    return result


def fresh_copy(tmp_path: Path, name: str) -> Path:
    folder = tmp_path / name
    if folder.exists():
        shutil.rmtree(folder)
    return Path(shutil.copytree(GOOD, folder))


@FUZZ
@given(data=st.binary(max_size=3000), table=st.sampled_from([t.name for t in schema.TABLES]))
def test_random_bytes_in_place_of_a_table(tmp_path, data, table):
    folder = fresh_copy(tmp_path, "bytes")
    (folder / f"{table}.csv").write_bytes(data)
    outcome(folder)


@st.composite
def csv_tables(draw):
    headers = draw(st.lists(st.one_of(st.sampled_from(HEADERS), st.text(max_size=12)), min_size=0, max_size=9))
    rows = draw(st.lists(st.lists(text_cells(), max_size=len(headers) + 2), max_size=12))
    delimiter = draw(st.sampled_from([",", ",", "\t", ";"]))
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator=draw(st.sampled_from(["\n", "\r\n", "\r"])))
    if headers:
        writer.writerow(headers)
    writer.writerows(rows)
    return buf.getvalue()


def encode(text: str, encoding: str) -> bytes:
    try:
        return text.encode(encoding, errors="surrogatepass" if encoding.startswith("utf") else "strict")
    except UnicodeEncodeError:
        return text.encode("utf-8", errors="surrogatepass")


@FUZZ
@given(texts=st.dictionaries(st.sampled_from(TABLE_NAMES), csv_tables(), max_size=4),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]),
       partial=st.booleans())
@example(texts={"areas": ",U1\nU1\n"}, encoding="utf-8", partial=False)  # found by this test: a short row
def test_random_csv_tables(tmp_path, texts, encoding, partial):
    folder = fresh_copy(tmp_path, "csv")
    for name, text in texts.items():
        for old in folder.glob("*.csv"):  # the random table replaces the good one of that name
            if reader.fold(old.stem) in (reader.fold(name), reader.fold(schema.table(reader._TABLES[reader.fold(name)]).name)):
                old.unlink()
        (folder / f"{name}.csv").write_bytes(encode(text, encoding))
    known = {"units": {"U1", "U2"}, "needs": {"N1"}} if partial else None
    result = outcome(folder, known_ids=known, partial=partial)
    if isinstance(result, Dataset):  # whatever got through is typed as the schema says
        for name, df in result.tables.items():
            assert list(df.columns) == schema.table(name).column_names
            for col in schema.table(name).columns:
                if col.kind in ("id", "ref"):
                    assert all(v is None or (isinstance(v, str) and v == v.strip() and " " not in v)
                               for v in df[col.name]), (name, col.name)


xlsx_values = st.one_of(
    st.none(),
    st.sampled_from(IDS + WORDS[:-4]),
    st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=20),
    st.integers(min_value=-10**15, max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2100, 1, 1)),
)


@FUZZ
@given(sheets=st.dictionaries(
    st.one_of(st.sampled_from(TABLE_NAMES), st.text(alphabet="abc需求", min_size=1, max_size=8)),
    st.tuples(st.lists(st.sampled_from(HEADERS), max_size=8),
              st.lists(st.lists(xlsx_values, max_size=9), max_size=10)),
    max_size=6))
@example(sheets={"areas": (["ID"], [[dt.date(2000, 1, 1)]])})  # found by this test: a date below the header
def test_random_workbooks(tmp_path, sheets):
    book = Workbook()
    book.remove(book.active)
    for title, (headers, rows) in sheets.items():
        sheet = book.create_sheet(title[:31])
        if headers:
            sheet.append(headers)
        for row in rows:
            sheet.append(row)
    if not sheets:
        book.create_sheet("empty")
    path = tmp_path / "fuzz.xlsx"
    book.save(path)
    outcome(path)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=csv_tables(), table=st.sampled_from(["units", "needs", "projects", "areas"]),
       garbage=st.binary(max_size=200))
@example(text="quantity\n9.223372036854776e+18\n", table="needs", garbage=b"")  # found by this test: int64 overflow
def test_check_command_exits_0_or_1_without_traceback(tmp_path, text, table, garbage):
    folder = fresh_copy(tmp_path, "cli")
    (folder / f"{table}.csv").write_text(text, encoding="utf-8", errors="surrogatepass")
    (folder / "agreements.csv").write_bytes((GOOD / "agreements.csv").read_bytes() + garbage)
    check_cli(folder)


@pytest.mark.parametrize("data", [b"", b"\x00", b"PK\x03\x04junk", b"\xef\xbb\xbf", b"<html>"])
def test_check_command_on_broken_workbooks(tmp_path, data):
    """Not a workbook at all: bad data (exit 1), told so in one line naming the file."""
    path = tmp_path / "x.xlsx"
    path.write_bytes(data)
    result = check_cli(path, expected=1)
    assert "x.xlsx: error: the workbook cannot be opened" in result.output


def test_check_command_on_a_good_workbook(tmp_path):
    """The same command on a sound workbook exits 0, so the cases above can fail."""
    path = tmp_path / "x.xlsx"
    path.write_bytes((GOOD.parent / "good.xlsx").read_bytes())
    check_cli(path, expected=0)
