"""Reading a dataset: a folder of CSV files or one .xlsx workbook, as raw text tables.

The reader only finds tables and columns and decodes text; it does not judge values
(that is :mod:`graphgov.checks`). File, sheet and header names are accepted in English
or Chinese through the aliases in :mod:`graphgov.schema`. CSV files may be UTF-8 (with
or without BOM), UTF-16 with BOM (Excel's "Unicode text") or GB18030/GBK, as Excel on
Chinese Windows writes them.
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from graphgov import schema
from graphgov.errors import DataError, OptionError, Problem

__all__ = ["RawTable", "RawDataset", "read_dataset", "write_dataset", "MAX_ROWS", "fold"]

MAX_ROWS = 1_000_000  # rows per table; a larger table is refused, not half read
MAX_CELL = 10_000  # characters in one cell


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


def _decode(data: bytes, source: str) -> str:
    if b"\x00" in data[:4096] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _FileProblem("this is a binary file, not CSV text", "save the sheet as CSV (UTF-8) or .xlsx")
    if data.startswith(codecs.BOM_UTF8):
        encodings = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ["utf-16"]
    else:
        encodings = ["utf-8", "gb18030"]
    for enc in encodings:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if enc == "gb18030" and _looks_mixed(data):
            raise _FileProblem(
                "the file mixes UTF-8 and GBK/GB18030 text",
                "open it in a text editor and save it again with one encoding (UTF-8)",
            )
        return text
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        good = data[: err.start]
        if any(b >= 0x80 for b in good):
            line = good.count(b"\n") + 1
            raise _FileProblem(
                f"the file mixes UTF-8 with another encoding (the first non-UTF-8 text is on line {line})",
                "open it in a text editor and save it again with one encoding (UTF-8)",
            ) from None
    raise _FileProblem(
        "the text is neither UTF-8 nor GB18030/GBK",
        "save the file again as 'CSV UTF-8' from Excel or WPS",
    )


def _looks_mixed(data: bytes) -> bool:
    """True when a file that is not valid UTF-8 still holds long valid UTF-8 Chinese runs.

    GB18030 decodes almost any byte string, so a file pasted together from a UTF-8 and
    a GBK export decodes 'successfully' into mojibake; UTF-8 three-byte sequences for
    CJK characters are rare in genuine GBK text.
    """
    import re

    runs = re.findall(rb"(?:[\xe4-\xe9][\x80-\xbf]{2}){3,}", data)
    return len(runs) >= 2


class _FileProblem(Exception):
    def __init__(self, message: str, fix: str):
        super().__init__(message)
        self.message, self.fix = message, fix


def _sniff_delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _csv_rows(path: Path, source: str):
    data = path.read_bytes()
    text = _decode(data, source)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text))
    try:
        for row in reader:
            yield row
    except csv.Error as err:
        raise _FileProblem(f"the CSV cannot be parsed near line {reader.line_num}: {err}",
                           "check for an unclosed quote") from err


def _xlsx_sheets(path: Path):
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as err:
        raise _FileProblem(f"the workbook cannot be opened ({err.__class__.__name__}: {err})",
                           "the file may be truncated or not an .xlsx; save it again from Excel or WPS") from err
    try:
        for sheet in book.worksheets:
            yield sheet.title, sheet.iter_rows(values_only=True)
    finally:
        book.close()


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
    text = str(value)
    if text.strip() == "":
        return None
    return text


def _build_table(name: str, source: str, rows_iter, problems: list[Problem], warnings: list[Problem]) -> RawTable | None:
    tdef = schema.table(name)
    lookup = _COLUMNS[name]
    header = None
    records, numbers = [], []
    rownum = 0
    for raw in rows_iter:
        rownum += 1
        cells = [_cell(v) for v in raw]
        if header is None:
            if not any(c is not None for c in cells):
                continue  # blank lines above the header
            header = [("" if c is None else str(c)) for c in cells]
            header_row = rownum
            continue
        if not any(c is not None for c in cells):
            continue
        if len(records) >= MAX_ROWS:
            problems.append(Problem(source, rownum, None, f"the table has more than {MAX_ROWS:,} rows, graphgov's limit for one table",
                                    fix="split the list by area or year and load the parts"))
            return None
        records.append(cells)
        numbers.append(rownum)
    if header is None:
        problems.append(Problem(source, None, None, "the table is empty (no header row)",
                                fix=f"add a header row with the columns {', '.join(tdef.required_columns)}"))
        return None
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
    data = {}
    for canon in tdef.column_names:
        data[canon] = [None] * len(records)
    for i, rec in enumerate(records):
        for idx, canon in mapping.items():
            if idx < len(rec):
                value = rec[idx]
                if isinstance(value, str):
                    if len(value) > MAX_CELL:
                        problems.append(Problem(source, numbers[i], headers[canon],
                                                f"the cell holds {len(value):,} characters, more than {MAX_CELL:,}",
                                                fix="shorten it"))
                        value = value[:MAX_CELL]
                    if value.strip() == "":
                        value = None
                data[canon][i] = value
    frame = pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in data.items()})
    return RawTable(name, source, frame, numbers, headers, set(headers))


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
            problems.append(Problem(source, None, None, err.message, fix=err.fix))
            return
        if tab is not None:
            tables[name] = tab

    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix.lower() in (".csv", ".tsv", ".txt") and p.is_file())
        if not files:
            raise OptionError(f"{path}: no .csv files in this folder; a dataset is a folder of CSV files or one .xlsx workbook")
        for f in files:
            add(f.stem, f.name, lambda f=f: _csv_rows(f, f.name))
    elif path.is_file() and path.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            for title, rows in _xlsx_sheets(path):
                add(title, f"{path.name}[{title}]", lambda rows=rows: rows)
        except _FileProblem as err:
            problems.append(Problem(path.name, None, None, err.message, fix=err.fix))
            unreadable = True
    elif not path.exists():
        raise OptionError(f"{path}: no such file or folder")
    else:
        raise OptionError(f"{path}: not a dataset; give a folder of CSV files or an .xlsx workbook")
    return RawDataset(path, tables, problems, warnings, found, unreadable)


def write_dataset(tables: dict[str, pd.DataFrame], out: str | Path, fmt: str = "csv", lang: str = "en",
                  personal: bool = True) -> Path:
    """Write tables in the dataset format: a folder of CSV files or one .xlsx workbook.

    ``lang="zh"`` writes Chinese file/sheet names and headers (the first alias of each).
    ``personal=False`` leaves out the columns the schema marks as personal data.
    Returns the path written.
    """
    from graphgov.export import neutralise

    out = Path(out)
    frames = {}
    for t in schema.TABLES:
        if t.name not in tables:
            continue
        df = tables[t.name]
        cols = [c for c in t.columns if c.name in df.columns and (personal or not c.personal)]
        frame = pd.DataFrame({(c.zh[0] if lang == "zh" and c.zh else c.name): _out_column(df[c.name], c) for c in cols})
        frames[(t.zh[0] if lang == "zh" else t.name)] = frame
    if fmt == "csv":
        out.mkdir(parents=True, exist_ok=True)
        for name, frame in frames.items():
            frame.map(neutralise).to_csv(out / f"{name}.csv", index=False, encoding="utf-8", lineterminator="\n")
    elif fmt == "xlsx":
        out.parent.mkdir(parents=True, exist_ok=True)
        with pd.ExcelWriter(out, engine="openpyxl") as writer:
            for name, frame in frames.items():
                frame.map(neutralise).to_excel(writer, sheet_name=name, index=False)
    else:
        raise OptionError(f"unknown dataset format {fmt!r}; use csv or xlsx")
    return out


def _out_column(series: pd.Series, col: schema.Column) -> pd.Series:
    if col.kind == "date":
        return pd.to_datetime(series, errors="coerce").dt.strftime("%Y-%m-%d").astype(object).where(series.notna(), None)
    if col.kind == "int":
        return series.map(lambda v: None if v is None or pd.isna(v) else int(v)).astype(object)
    return series.astype(object).where(series.notna(), None)
