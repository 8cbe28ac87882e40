"""Excel workbooks made for an office: a first sheet saying what, when and from where; then one sheet per table.

Every table sheet has its header in the reader's language (Chinese by default; the
English keys of CSV and JSON are listed against them on the first sheet), fitted column
widths with long texts wrapped, a frozen header row and an autofilter. Numbers are Excel
numbers and dates Excel dates, each with a format. Text a spreadsheet would run as a
formula (``=``, ``+``, ``-``, ``@``, tab, carriage return) is written as a text cell marked
"quote prefix", as Excel marks what a user types after an apostrophe: it shows exactly
as typed and is never run, not even after the user edits the cell.
"""
from __future__ import annotations

import datetime as dt
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Sequence

import pandas as pd

from graphgov.errors import OptionError
from graphgov.views.labels import SEVERITY_ZH, headers, people_frame

__all__ = ["Sheet", "ABOUT_SHEETS", "write_workbook", "read_workbook_table", "sheet_name"]

#: names of the first sheet, which says what the workbook holds (skipped when graphgov reads a workbook)
ABOUT_SHEETS = {"zh": "关于", "en": "About"}  # not 说明: that sheet of a dataset is its meta table
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_DATE_KEYS = {"raised", "since", "signed", "available_until", "start_date", "end_date", "oldest", "on_date",
              "as_of", "date"}
_PERCENT_KEYS = {"share", "project_share", "fulfilment_rate"}
_FINE_KEYS = {"pagerank", "betweenness", "closeness", "harmonic", "constraint"}
_MAX_WIDTH = 60
_MIN_WIDTH = 6
_WORDS = {
    "zh": {"what": "内容", "params": "参数", "as_of": "数据日期", "store": "数据来源", "generated": "生成时间", "version": "graphgov 版本",
           "sheets": "工作表", "rows": "行数", "about": "说明", "columns": "列名对照", "header": "列名",
           "key": "字段（CSV/JSON 中的英文名）", "note": "CSV 和 JSON 输出使用右列的英文字段名；本工作簿的表头为中文。"},
    "en": {"what": "What", "params": "Parameters", "as_of": "As of", "store": "Store", "generated": "Generated", "version": "graphgov version",
           "sheets": "Sheets", "rows": "Rows", "about": "About", "columns": "Columns", "header": "Header",
           "key": "Key (in CSV and JSON)", "note": "CSV and JSON outputs use the keys in the right column."},
}


@dataclass
class Sheet:
    """One table sheet: its name, the table (English keys), and a line saying what it holds."""

    name: str
    frame: pd.DataFrame
    title: str = ""
    labels: dict[str, str] = field(default_factory=dict)  # Chinese headers that differ from the usual ones
    codes: bool = True  # vocabulary codes shown by their Chinese names (False: a dataset, kept readable by graphgov)


def sheet_name(text: str, taken: Sequence[str] = ()) -> str:
    """A valid Excel sheet name from ``text``: no ``[]:*?/\\``, at most 31 characters, not already taken."""
    name = _BAD_SHEET_CHARS.sub("_", str(text)).strip("'") or "Sheet"
    name = name[:31]
    k = 2
    while name in taken:
        suffix = f" ({k})"
        name = name[: 31 - len(suffix)] + suffix
        k += 1
    return name


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _plain(value):
    """A cell value Excel can hold: None for missing, Python numbers, dates and text."""
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalar
        value = value.item()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        value = value.replace(tzinfo=None)
        return value.date() if value.time() == dt.time(0) else value
    return value


def _as_date(value):
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return value
    return value


def _number_format(key: str, value) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, dt.datetime):
        return "yyyy-mm-dd hh:mm"
    if isinstance(value, dt.date):
        return "yyyy-mm-dd"
    if isinstance(value, int):
        return "#,##0" if abs(value) >= 10_000 else "0"
    if isinstance(value, float):
        if key in _PERCENT_KEYS:
            return "0.0%"
        return "0.0000" if key in _FINE_KEYS else "0.000"
    return None


def _shown(value, fmt: str | None) -> str:
    """About what Excel shows for a value, to size its column."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        if fmt == "0.0%":
            return f"{value:.1%}"
        return f"{value:.4f}" if fmt == "0.0000" else f"{value:.3f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _write_table(ws, sheet: Sheet, lang: str) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    keys = [str(k) for k in sheet.frame.columns]
    people = people_frame(sheet.frame, lang, sheet.labels, codes=sheet.codes)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    top, top_line = Alignment(vertical="top", wrap_text=True), Alignment(vertical="top")
    widths = []
    for j, header in enumerate(people.columns, start=1):
        cell = ws.cell(row=1, column=j, value=str(header))
        cell.font, cell.fill, cell.alignment = bold, fill, top
        widths.append(_width(str(header)))
    for i, row in enumerate(people.itertuples(index=False, name=None), start=2):
        for j, (key, value) in enumerate(zip(keys, row), start=1):
            value = _plain(value)
            if key in _DATE_KEYS:
                value = _as_date(value)
            cell = ws.cell(row=i, column=j)
            cell.value = value
            cell.alignment = top_line
            fmt = _number_format(key, value)
            if fmt:
                cell.number_format = fmt
            elif isinstance(value, str):
                cell.data_type = "s"  # openpyxl would take "=…" for a formula
                if value.startswith(_FORMULA_START):
                    cell.quotePrefix = True
            widths[j - 1] = max(widths[j - 1], max((_width(t) for t in _shown(value, fmt).splitlines()), default=0))
    lines = [1] * (len(people) + 2)  # text lines of each row, for its height
    for j, w in enumerate(widths, start=1):
        letter = get_column_letter(j)
        fitted = max(_MIN_WIDTH, min(w, _MAX_WIDTH))
        ws.column_dimensions[letter].width = fitted + 2
        for (cell,) in ws.iter_rows(min_row=2, min_col=j, max_col=j):
            if isinstance(cell.value, str) and (w > _MAX_WIDTH or "\n" in cell.value):
                cell.alignment = top
                need = sum(max(1, -(-_width(t) // fitted)) for t in cell.value.splitlines())
                lines[cell.row] = max(lines[cell.row], need)
    for row, n in enumerate(lines):
        if row >= 2 and n > 1:
            ws.row_dimensions[row].height = 18 * min(n, 30)  # Excel and LibreOffice do not grow rows on opening
    ws.freeze_panes = "A2"
    last = get_column_letter(max(len(keys), 1))
    ws.auto_filter.ref = f"A1:{last}{max(len(people), 1) + 1}"
    _print_setup(ws)


def _print_setup(ws, header: bool = True) -> None:
    """Printed (or saved as PDF): landscape, all columns on the page's width, the header on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    if header:
        ws.print_title_rows = "1:1"


def _write_about(ws, sheets: list[tuple[str, Sheet]], about: Mapping[str, object], lang: str) -> None:
    from openpyxl.styles import Alignment, Font

    from graphgov import __version__

    words = _WORDS[lang]
    bold = Font(bold=True)
    rows: list[tuple] = [(f"graphgov · {about.get('what') or ''}".rstrip(" ·"),)]
    rows.append(())
    for key in ("what", "params", "as_of", "store"):
        if about.get(key) is not None:
            rows.append((words[key], _as_date(about[key]) if key == "as_of" else about[key]))
    rows.append((words["generated"], dt.datetime.now().replace(microsecond=0)))
    rows.append((words["version"], __version__))
    rows.append(())
    rows.append((words["sheets"], words["rows"], words["about"]))
    rows += [(name, len(s.frame), s.title) for name, s in sheets]
    rows.append(())
    rows.append((words["columns"], words["header"], words["key"]))
    for name, s in sheets:
        keys = [str(k) for k in s.frame.columns]
        rows += [(name, h, k) for h, k in zip(headers(keys, lang, s.labels), keys)]
    rows.append(())
    rows.append((words["note"],))
    for i, row in enumerate(rows, start=1):
        for j, value in enumerate(row, start=1):
            cell = ws.cell(row=i, column=j, value=_plain(value))
            cell.data_type = "n" if isinstance(value, (int, float)) else cell.data_type
            if isinstance(value, str):
                cell.data_type = "s"
            if isinstance(value, dt.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            if j == 1 or i == 1 or value in (words["sheets"], words["rows"], words["about"], words["header"],
                                             words["key"]):
                cell.font = bold
            cell.alignment = Alignment(vertical="top")
    ws["A1"].font = Font(bold=True, size=14)
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 44
    ws.column_dimensions["C"].width = 44
    _print_setup(ws, header=False)


def write_workbook(path: str | Path, sheets: Sequence[Sheet], about: Mapping[str, object] | None = None,
                   lang: str = "zh") -> Path:
    """Write ``sheets`` into one .xlsx at ``path``, after a first sheet saying what the workbook holds.

    ``about`` may give ``what`` (what the tables are), ``params`` (the options that made them),
    ``as_of`` (the date the data is judged at) and ``store`` (where it came from). Returns the path.

    Raises
    ------
    OptionError
        For an unknown ``lang``.
    """
    from openpyxl import Workbook

    if lang not in _WORDS:
        raise OptionError(f"unknown language {lang!r}; choose zh or en")
    book = Workbook()
    front = book.active
    front.title = ABOUT_SHEETS[lang]
    named: list[tuple[str, Sheet]] = []
    for s in sheets:
        name = sheet_name(s.name, [front.title] + [n for n, _ in named])
        _write_table(book.create_sheet(name), s, lang)
        named.append((name, s))
    _write_about(front, named, dict(about or {}), lang)
    book.active = 1 if named else 0  # open on the first table
    path = Path(path)
    part = path.with_name(path.name + ".part")  # written beside it and renamed: never half a workbook
    try:
        book.save(part)
        os.replace(part, path)
    finally:
        part.unlink(missing_ok=True)
    return path


def read_workbook_table(path: str | Path, sheet: int = 0) -> pd.DataFrame:
    """A table sheet of a workbook graphgov wrote, with its English keys back (for ``map --findings F.xlsx``).

    ``sheet`` counts the table sheets (the first sheet that says what the workbook holds is
    skipped). A workbook from elsewhere is read as it is, first sheet first.
    """
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        names = book.sheetnames
        first = book[names[0]]
        rows = list(first.iter_rows(values_only=True)) if names[0] in ABOUT_SHEETS.values() else []
    finally:
        book.close()
    if not rows:
        return pd.read_excel(path, sheet_name=sheet, dtype=object)
    name = names[1 + sheet]
    keys: dict[str, str] = {}
    started = False
    for row in rows:
        if row and row[0] in (_WORDS["zh"]["columns"], _WORDS["en"]["columns"]):
            started = True
            continue
        if started and row and row[0] == name and len(row) >= 3:
            keys[str(row[1])] = str(row[2])
    df = pd.read_excel(path, sheet_name=name, dtype=object).rename(columns=keys)
    if "severity" in df:  # the one code a map colours by, shown in Chinese
        back = {zh: code for code, zh in SEVERITY_ZH.items()}
        df["severity"] = df["severity"].map(lambda v: back.get(v, v))
    return df
