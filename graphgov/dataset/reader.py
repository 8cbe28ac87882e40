"""Reading a dataset: a folder of CSV files or one .xlsx workbook, as raw text tables.

The reader only finds tables and columns and decodes text; it does not judge values
(that is :mod:`graphgov.dataset.checks`). File, sheet and header names are accepted in English
or Chinese through the aliases in :mod:`graphgov.dataset.schema`. CSV files may be UTF-8 (with
or without BOM), UTF-16 with BOM (Excel's "Unicode text") or GB18030/GBK, as Excel on
Chinese Windows writes them.
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from graphgov.dataset import schema
from graphgov.errors import DataError, OptionError, Problem

__all__ = ["RawTable", "RawDataset", "read_dataset", "write_dataset", "MAX_ROWS", "MAX_CELL", "MAX_COLUMNS",
           "MAX_FILE_BYTES", "fold"]

# Limits keep memory and time bounded whatever a file holds (graphgov.dataset.limits lists
# them all); a table past a limit is refused, never half read.
from graphgov.dataset.limits import (MAX_BLANK_ROWS, MAX_CELL, MAX_CELLS, MAX_COLUMNS, MAX_FILE_BYTES,  # noqa: E402
                                     MAX_ROWS, FileProblem as _FileProblem)

_CHUNK = 1 << 20
# what Excel and WPS write into a cell whose formula failed
EXCEL_ERRORS = frozenset({"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!",
                          "#CALC!", "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#UNKNOWN!", "#CONNECT!", "#BUSY!"})
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # Unicode category Cc but tab and line breaks


def fold(text: str) -> str:
    """Fold a name for matching: NFKC (full-width → half-width), trimmed, case-folded."""
    return unicodedata.normalize("NFKC", str(text)).strip().casefold()


def _table_lookup() -> dict[str, str]:
    out = {}
    for t in schema.TABLES:
        for name in (t.name, t.name.replace("_", " "), t.name.replace("_", ""), *t.zh):
            out[fold(name)] = t.name
    return out


def _column_lookup(t: schema.Table) -> dict[str, str]:
    out = {}
    for c in t.columns:
        for name in (c.name, c.name.replace("_", " "), *c.zh):
            out.setdefault(fold(name), c.name)
    return out


_TABLES = _table_lookup()
_COLUMNS = {t.name: _column_lookup(t) for t in schema.TABLES}


@dataclass
class RawTable:
    """One table as read: text cells, canonical column names, where each row came from."""

    name: str
    source: str  # "needs.csv" or "book.xlsx[需求清单]"
    frame: pd.DataFrame  # object dtype; canonical column names; None for empty cells
    rows: list[int]  # spreadsheet row number of each frame row (header = 1)
    headers: dict[str, str]  # canonical column -> header as written in the file
    present: set[str] = field(default_factory=set)  # canonical columns the file has


@dataclass
class RawDataset:
    path: Path
    tables: dict[str, RawTable]
    problems: list[Problem]
    warnings: list[Problem]
    found: set[str] = field(default_factory=set)  # tables with a file or sheet, readable or not
    unreadable: bool = False  # the workbook itself could not be opened


def _encoding(path: Path) -> tuple[str, int]:
    """The text encoding of a CSV file and its number of line breaks, read in chunks.

    The file is streamed, never held whole in memory. Raises _FileProblem for binary,
    mixed-encoding or undecodable files.
    """
    with path.open("rb") as fh:
        head = fh.read(4096)
    utf16 = _utf16_without_bom(head)
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and not utf16:
        raise _FileProblem("this is a binary file, not CSV text", "save the sheet as CSV (UTF-8) or .xlsx")
    if head.startswith(codecs.BOM_UTF8):
        encodings = ["utf-8-sig"]
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ["utf-16"]
    elif utf16:
        encodings = [utf16]
    else:
        encodings = ["utf-8", "gb18030"]
    utf8_failure = None  # (line, whether valid non-ASCII text came before it)
    for enc in encodings:
        decoder = codecs.getincrementaldecoder(enc)()
        lines, non_ascii, cjk_runs = 0, False, 0
        try:
            with path.open("rb") as fh:
                while chunk := fh.read(_CHUNK):
                    try:
                        decoder.decode(chunk)
                    except UnicodeDecodeError as err:
                        good = chunk[: max(err.start, 0)]
                        non_ascii = non_ascii or any(b >= 0x80 for b in good)
                        if enc == "utf-8":
                            utf8_failure = (lines + good.count(b"\n") + 1, non_ascii)
                        raise
                    lines += chunk.count(b"\n") + chunk.count(b"\r")  # an upper bound on rows
                    non_ascii = non_ascii or any(b >= 0x80 for b in chunk)
                    if enc == "gb18030":
                        cjk_runs += _utf8_cjk_runs(chunk)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        if enc == "gb18030" and cjk_runs >= 2:
            raise _FileProblem(
                "the file mixes UTF-8 and GBK/GB18030 text",
                "open it in a text editor and save it again with one encoding (UTF-8)",
            )
        return enc, lines
    if utf8_failure is not None and utf8_failure[1]:
        raise _FileProblem(
            f"the file mixes UTF-8 with another encoding (the first non-UTF-8 text is on line {utf8_failure[0]})",
            "open it in a text editor and save it again with one encoding (UTF-8)",
        )
    raise _FileProblem(
        "the text is neither UTF-8 nor GB18030/GBK",
        "save the file again as 'CSV UTF-8' from Excel or WPS",
    )


def _utf16_without_bom(head: bytes) -> str | None:
    """``"utf-16-le"`` / ``"utf-16-be"`` when the first bytes are UTF-16 text without a byte-order mark.

    Column names, separators and line breaks are ASCII, so UTF-16 text has a zero byte in
    every other position (the odd ones little-endian, the even ones big-endian) and hardly
    any in the others; binary data has zeros anywhere.
    """
    head = head[: len(head) // 2 * 2]
    if len(head) < 8:
        return None
    half = len(head) // 2
    odd, even = head[1::2].count(0), head[0::2].count(0)
    for enc, zeros, other in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if zeros >= half * 0.2 and other <= half * 0.02:
            try:
                text = head.decode(enc)
            except UnicodeDecodeError:
                continue
            if any(sep in text for sep in (",", "\t", ";")) and not _CONTROL.search(text.replace("\x00", "")):
                return enc
    return None


def _utf8_cjk_runs(data: bytes) -> int:
    """Runs of three or more UTF-8-encoded CJK characters in ``data``.

    GB18030 decodes almost any byte string, so a file pasted together from a UTF-8 and
    a GBK export decodes 'successfully' into mojibake; UTF-8 three-byte sequences for
    CJK characters are rare in genuine GBK text, so two such runs mean a mixed file.
    """
    return len(re.findall(rb"(?:[\xe4-\xe9][\x80-\xbf]{2}){3,}", data))


def _sniff_delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _check_size(path: Path) -> None:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise _FileProblem(f"the file is {size / 2**20:,.0f} MB, more than graphgov's limit of "
                           f"{MAX_FILE_BYTES / 2**20:,.0f} MB for one file (MAX_FILE_BYTES)",
                           "split the list by area or year and load the parts")


def _open_csv(path: Path, encoding: str):
    fh = path.open("r", encoding=encoding, newline="")
    first = fh.readline()
    fh.seek(0)
    return fh, csv.reader(fh, delimiter=_sniff_delimiter(first))


def _csv_rows(path: Path, source: str):
    """The rows of a CSV file as lists of text, streamed.

    Raises _FileProblem for an unreadable file or one with more than MAX_ROWS rows; the
    row count is taken in a first streaming pass, so a huge table is refused before any
    of it is kept in memory.
    """
    _check_size(path)
    encoding, lines = _encoding(path)
    if lines > MAX_ROWS:  # only then can the table be too long: count its rows, stopping at a run of empty ones
        n, blank, rownum = 0, 0, 0
        for row in _parsed(path, encoding):
            rownum += 1
            if any(c.strip() for c in row):
                n, blank = n + 1, 0
            else:
                blank += 1
                if blank > MAX_BLANK_ROWS:
                    raise _blank_rows(rownum)
        n -= 1  # the header
        if n > MAX_ROWS:
            raise _FileProblem(f"the table has {n:,} rows, more than graphgov's limit of {MAX_ROWS:,} rows "
                               "for one table (MAX_ROWS)", "split the list by area or year and load the parts")
    yield from _parsed(path, encoding)


def _blank_rows(rownum: int) -> _FileProblem:
    return _FileProblem(f"more than {MAX_BLANK_ROWS:,} empty rows one after another, up to row {rownum:,} "
                        f"(MAX_BLANK_ROWS): the file is padded with empty rows or separators",
                        "delete the empty rows (in Excel: select them, Delete Rows) and save again", rownum)


def _parsed(path: Path, encoding: str):
    fh, reader = _open_csv(path, encoding)
    with fh:
        try:
            yield from reader
        except csv.Error as err:
            if "field larger than field limit" in str(err):
                raise _FileProblem(f"a cell near line {reader.line_num} holds more than {csv.field_size_limit():,} "
                                   f"characters (graphgov's limit is {MAX_CELL:,}, MAX_CELL)",
                                   "shorten it, or close the quote that an unclosed \" starts", reader.line_num) from err
            raise _FileProblem(f"the CSV cannot be parsed near line {reader.line_num}: {err}",
                               "check for an unclosed quote", reader.line_num) from err


def _xlsx_sheets(path: Path):
    from graphgov.dataset.workbook import sheets

    _check_size(path)
    yield from sheets(path)


def _cell(value):
    """A spreadsheet cell as text (dates stay dates); None for empty."""
    if value is None:
        return None
    if isinstance(value, (dt.datetime, dt.date)):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, bool):
        return str(value).lower()
    # a byte-order mark inside the text comes from files pasted together; it is never data
    text = str(value).replace("\ufeff", "")
    if text.strip() == "":
        return None
    if text[0] == "'" and text[1:].startswith(_FORMULA_START):
        return text[1:]  # undo the quote graphgov's exports put before formula-like text
    return text


def _cell_problem(value) -> tuple[str, str] | None:
    """What is wrong with a text cell no spreadsheet user means to write, with the fix; or None."""
    if "#" in value and value.strip() in EXCEL_ERRORS:
        return (f"the cell holds the spreadsheet error {value.strip()}",
                "correct the formula in the source sheet, or paste its values only")
    control = _CONTROL.search(value)
    if control:
        return (f"the cell holds the control character U+{ord(control.group()):04X}",
                "delete it (retype the cell); only printable text, tabs and line breaks are kept")
    return None


def _filled(value) -> bool:
    return value is not None and (not isinstance(value, str) or value.strip() != "")


def _build_table(name: str, source: str, rows_iter, problems: list[Problem], warnings: list[Problem]) -> RawTable | None:
    """Stream a table's rows into a RawTable, enforcing the limits as rows arrive.

    Only the columns the schema knows are kept, so memory follows the rows and the known
    columns, not the width of the sheet. Past a limit (rows, empty rows in a row, filled
    cells, cells in a row) the table is refused at that row and the rest is not read.
    """
    tdef = schema.table(name)
    lookup = _COLUMNS[name]
    header = None
    mapping: dict[int, str] = {}
    headers: dict[str, str] = {}
    records, numbers = [], []
    rownum = blank = cells = 0
    for raw in rows_iter:
        rownum += 1
        if len(raw) > MAX_COLUMNS and any(_filled(v) for v in raw[MAX_COLUMNS:]):
            problems.append(Problem(source, rownum, None, f"the row has {len(raw):,} cells, more than graphgov's "
                                    f"limit of {MAX_COLUMNS:,} columns (MAX_COLUMNS)", fix="delete the extra columns"))
            return None
        filled = sum(1 for v in raw[:MAX_COLUMNS] if _filled(v))
        if not filled:
            blank += 1
            if blank > MAX_BLANK_ROWS:
                err = _blank_rows(rownum)
                problems.append(Problem(source, rownum, None, err.message, fix=err.fix))
                return None
            continue
        blank = 0
        cells += filled
        if cells > MAX_CELLS:
            problems.append(Problem(source, rownum, None, f"the table has more than {MAX_CELLS:,} filled cells "
                                    f"(MAX_CELLS)", fix="split the list by area or year, or delete unused columns"))
            return None
        if header is None:
            cells_ = [_cell(v) for v in raw[:MAX_COLUMNS]]
            header = [("" if c is None else str(c)) for c in cells_]
            header_folded = [fold(c) for c in cells_ if c is not None]
            first = next(i for i, c in enumerate(cells_) if c is not None)
            header_first = str(cells_[first]).strip()
            header_row = rownum
            mapping, headers = _map_header(header, header_row, source, tdef, lookup, problems, warnings)
            continue
        if len(records) >= MAX_ROWS:
            problems.append(Problem(source, rownum, None, f"the table has more than {MAX_ROWS:,} rows, "
                                    f"graphgov's limit for one table (MAX_ROWS)",
                                    fix="split the list by area or year and load the parts"))
            return None
        lead = _cell(raw[first]) if first < len(raw) else None
        if isinstance(lead, str) and lead.strip() == header_first and \
                [fold(c) for c in (_cell(v) for v in raw[:MAX_COLUMNS]) if c is not None] == header_folded:
            problems.append(Problem(source, rownum, None, "the header row appears again inside the table "
                                    "(two files pasted together?)", fix="delete this row"))
            continue
        records.append([_cell(raw[idx]) if idx < len(raw) else None for idx in mapping])
        numbers.append(rownum)
    if header is None:
        problems.append(Problem(source, None, None, "the table is empty (no header row)",
                                fix=f"add a header row with the columns {', '.join(tdef.required_columns)}"))
        return None
    data = {canon: [None] * len(records) for canon in tdef.column_names}
    columns = list(mapping.values())
    for i, rec in enumerate(records):
        for canon, value in zip(columns, rec):
            if isinstance(value, str):
                bad = _cell_problem(value)
                if bad:
                    problems.append(Problem(source, numbers[i], headers[canon], bad[0], value[:80], fix=bad[1]))
                if len(value) > MAX_CELL:
                    problems.append(Problem(source, numbers[i], headers[canon],
                                            f"the cell holds {len(value):,} characters, more than {MAX_CELL:,} "
                                            f"(MAX_CELL)", fix="shorten it"))
                    value = value[:MAX_CELL]
                if value.strip() == "":
                    value = None
            data[canon][i] = value
    frame = pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in data.items()})
    return RawTable(name, source, frame, numbers, headers, set(headers))


def _map_header(header: list[str], header_row: int, source: str, tdef, lookup: dict[str, str],
                problems: list[Problem], warnings: list[Problem]) -> tuple[dict[int, str], dict[str, str]]:
    """Column position → canonical column, and canonical column → header as written."""
    mapping: dict[int, str] = {}
    headers: dict[str, str] = {}
    for idx, head in enumerate(header):
        if head.strip() == "":
            continue
        canon = lookup.get(fold(head))
        if canon is None:
            warnings.append(Problem(source, header_row, head, "unknown column, ignored", severity="warning",
                                    fix=f"known columns: {', '.join(tdef.column_names)}"))
            continue
        if canon in headers:
            problems.append(Problem(source, header_row, head, f"two columns mean {canon!r} ({headers[canon]!r} and {head!r})",
                                    fix="keep one of them"))
            continue
        mapping[idx] = canon
        headers[canon] = head
    return mapping, headers


_WORKBOOKS = (".xlsx", ".xlsm", ".xls", ".et", ".ods")
_ABOUT_SHEETS = {fold("关于"), fold("About")}  # graphgov.views.excel.ABOUT_SHEETS: what a workbook holds
_OLD_FORMATS = {".xls": "Excel 97–2003 (.xls)", ".et": "WPS spreadsheet (.et)", ".ods": "OpenDocument (.ods)"}


def read_dataset(path: str | Path) -> RawDataset:
    """Read every table of a dataset (folder of CSV files, or one .xlsx workbook).

    Problems the reader finds (undecodable files, unknown or doubled tables, empty
    tables) are collected in ``problems``; a path that is neither a folder nor an
    .xlsx file raises OptionError.
    """
    path = Path(path)
    problems: list[Problem] = []
    warnings: list[Problem] = []
    tables: dict[str, RawTable] = {}
    found: set[str] = set()
    unreadable = False

    def add(name_in_file: str, source: str, rows_factory):
        name = _TABLES.get(fold(name_in_file))
        if name is None and fold(name_in_file) in _ABOUT_SHEETS:
            return  # the sheet graphgov's workbooks open with, saying what they hold
        if name is None:
            warnings.append(Problem(source, None, None, "not a graphgov table, ignored", severity="warning",
                                    fix="name files or sheets after the tables: " + ", ".join(schema.DATASET_TABLES)))
            return
        if name in tables:
            problems.append(Problem(source, None, None, f"a second {name!r} table (the first is {tables[name].source})",
                                    fix="keep one file or sheet per table"))
            return
        found.add(name)
        try:
            tab = _build_table(name, source, rows_factory(), problems, warnings)
        except _FileProblem as err:
            problems.append(Problem(source, err.row, None, err.message, fix=err.fix))
            return
        if tab is not None:
            tables[name] = tab

    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix.lower() in (".csv", ".tsv", ".txt") and p.is_file())
        if not files:
            books = sorted(p.name for p in path.iterdir() if p.suffix.lower() in _WORKBOOKS)
            hint = f" (it holds {', '.join(books[:3])}: give the workbook itself)" if books else ""
            raise OptionError(f"{path}: no .csv files in this folder{hint}; a dataset is a folder of CSV files "
                              f"or one .xlsx workbook")
        for f in files:
            add(f.stem, f.name, lambda f=f: _csv_rows(f, f.name))
    elif path.is_file() and path.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            for title, rows in _xlsx_sheets(path):
                add(title, f"{path.name}[{title}]", lambda rows=rows: rows)
        except _FileProblem as err:
            problems.append(Problem(path.name, err.row, None, err.message, fix=err.fix))
            unreadable = True
    elif not path.exists():
        raise OptionError(f"{path}: no such file or folder")
    elif path.suffix.lower() in _OLD_FORMATS:
        raise OptionError(f"{path}: an old {_OLD_FORMATS[path.suffix.lower()]} file, which graphgov cannot read; "
                          f"open it in Excel or WPS and save it as .xlsx (文件-另存为-Excel 工作簿 .xlsx)")
    else:
        raise OptionError(f"{path}: not a dataset; give a folder of CSV files or an .xlsx workbook")
    return RawDataset(path, tables, problems, warnings, found, unreadable)


def write_dataset(tables: dict[str, pd.DataFrame], out: str | Path, fmt: str = "csv", lang: str = "en",
                  personal: bool = True, source: str | None = None) -> Path:
    """Write tables in the dataset format: a folder of CSV files or one .xlsx workbook.

    ``lang="zh"`` writes Chinese file/sheet names and headers (the first alias of each).
    ``personal=False`` leaves out the columns the schema marks as personal data. A
    workbook (:func:`graphgov.views.excel.write_workbook`) starts with a sheet saying what
    it holds and from where (``source``); it is skipped when the workbook is read back.
    Returns the path written.
    """
    from graphgov.views.tables import CSV_LINE_END, neutralise

    out = Path(out)
    frames, titles, headers = {}, [], {}
    for t in schema.TABLES:
        if t.name not in tables:
            continue
        df = tables[t.name]
        cols = [c for c in t.columns if c.name in df.columns and (personal or not c.personal)]
        frame = pd.DataFrame({c.name: _out_column(df[c.name], c, fmt, lang) for c in cols})
        headers[t.name] = {c.name: (c.zh[0] if lang == "zh" and c.zh else c.name) for c in cols}
        frames[(t.zh[0] if lang == "zh" else t.name)] = frame
        titles.append(f"{t.zh[0]} ({t.name})")
    if fmt == "csv":
        out.mkdir(parents=True, exist_ok=True)
        for (name, frame), table in zip(frames.items(), headers.values()):
            frame.rename(columns=table).map(neutralise).to_csv(out / f"{name}.csv", index=False, encoding="utf-8",
                                                               lineterminator=CSV_LINE_END)
    elif fmt == "xlsx":
        from graphgov.views.excel import Sheet, write_workbook

        out.parent.mkdir(parents=True, exist_ok=True)
        what = "数据集（成员单位与三张清单）" if lang == "zh" else "a dataset (the roster and three lists)"
        # the dataset's own headers; codes in Chinese too for a Chinese workbook (the reader takes both)
        sheets = [Sheet(name, frame, title, table, codes=False)
                  for (name, frame), title, table in zip(frames.items(), titles, headers.values())]
        write_workbook(out, sheets, {"what": what, "store": source}, "zh" if lang == "zh" else "en")
    else:
        raise OptionError(f"unknown dataset format {fmt!r}; use csv or xlsx")
    return out


def _out_column(series: pd.Series, col: schema.Column, fmt: str = "csv", lang: str = "en") -> pd.Series:
    if fmt == "xlsx" and lang == "zh" and (col.enum or col.kind == "category"):
        from graphgov.dataset import vocab

        name = col.enum or "category"  # each column's own vocabulary, whose Chinese names the reader takes back
        return series.map(lambda v: vocab.zh_label(name, v) if isinstance(v, str) else v).astype(object).where(
            series.notna(), None)
    if col.kind == "date":
        days = pd.to_datetime(series, errors="coerce")
        if fmt == "xlsx":  # real dates, which Excel shows and sorts as dates
            return days.dt.date.astype(object).where(days.notna(), None)
        return days.dt.strftime("%Y-%m-%d").astype(object).where(series.notna(), None)
    if col.kind == "int":
        return series.map(lambda v: None if v is None or pd.isna(v) else int(v)).astype(object)
    return series.astype(object).where(series.notna(), None)
