"""Tables out: terminal text, CSV, JSON and Excel.

CSV and Excel cells that a spreadsheet would run as a formula (text starting with
``=``, ``+``, ``-``, ``@``, tab or carriage return) are prefixed with a single quote,
as OWASP recommends against CSV injection; numbers stay numbers.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import math
import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Mapping, Sequence

import pandas as pd

from graphgov.errors import OptionError

if TYPE_CHECKING:
    from graphgov.views.excel import Sheet

__all__ = ["FORMATS", "CSV_LINE_END", "TERMINAL_WIDTH", "write_table", "write_workbook", "to_records", "neutralise",
           "format_text_table", "wrap_text", "display_width", "visible"]

FORMATS = ("table", "csv", "json", "xlsx")
TERMINAL_WIDTH = 100  # terminal tables fit this many columns
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# CSV records end in CR LF (RFC 4180); with both in the terminator, the csv module quotes any
# value holding a CR or an LF, which a bare "\n" terminator does not do for a lone CR
CSV_LINE_END = "\r\n"
# shown escaped in terminal tables: a CR rewrites the line, bidi overrides reorder it
_INVISIBLE_IN_TERMINAL = re.compile("[\r\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def neutralise(value):
    """Prefix a text cell that would start a spreadsheet formula with ``'``."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(lambda v: neutralise(_plain(v)) if isinstance(v, (list, tuple, dict)) or isinstance(v, str) else v)
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


def _plain(value):
    """Lists and dicts as one text cell for CSV and Excel."""
    if isinstance(value, (list, tuple)):
        return "; ".join(str(_plain(v)) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return value


def _json_value(value):
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NaT:
        return None
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        if value.hour == value.minute == value.second == 0 and value.microsecond == 0:
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    if hasattr(value, "item"):  # numpy scalar
        return _json_value(value.item())
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value


def to_records(df: pd.DataFrame) -> list[dict]:
    """Rows as JSON-ready dicts: NaN/NaT → None, dates → ISO text, numpy → Python."""
    cols = [str(c) for c in df.columns]
    return [{c: _json_value(v) for c, v in zip(cols, row)} for row in df.itertuples(index=False, name=None)]


def display_width(text: str) -> int:
    """Columns a text takes in a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell_text(value) -> str:
    value = _json_value(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "✓" if value else ""
    if isinstance(value, float):
        return f"{value:.4g}" if abs(value) < 1e6 else f"{value:.0f}"
    if isinstance(value, (list, dict)):
        return visible(str(_plain(value)))
    return visible(str(value).replace("\r\n", "\n"))  # line breaks wrap; a lone CR is shown as \r


def visible(text: str) -> str:
    """``text`` with CR, other control characters and bidi overrides shown as ``\\r`` / ``<U+202E>``."""
    return _INVISIBLE_IN_TERMINAL.sub(lambda m: "\\r" if m.group() == "\r" else f"<U+{ord(m.group()):04X}>", text)


def wrap_text(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` terminal columns; a line break in it starts a new line.

    Lines break after a space or Chinese punctuation when one is near the end, else anywhere
    (Chinese has no spaces). Nothing is cut off.
    """
    width = max(width, 2)
    out: list[str] = []
    for para in text.split("\n"):
        line, used, soft = "", 0, -1
        for ch in para:
            w = display_width(ch)
            if used + w > width and line:
                if soft > len(line) * 2 // 3:
                    out.append(line[:soft].rstrip())
                    line = line[soft:].lstrip()
                else:
                    out.append(line)
                    line = ""
                used, soft = display_width(line), -1
            line += ch
            used += w
            if ch in " ，；、。,;/）)_":
                soft = len(line)
        out.append(line)
    return out


def _numeric(cells: list[str]) -> bool:
    try:
        return all(float(c.replace(",", "")) is not None for c in cells if c)
    except ValueError:
        return False


def _header_floor(header: str) -> int:
    """How narrow a header may wrap: its longest word (``sector_`` + ``brokerage``), or half a Chinese one."""
    if header.isascii():
        return max((len(w) for w in re.split(r"(?<=[_ ])", header)), default=1)
    # half its characters (each two columns wide), but a two-character header stays whole
    return min(display_width(header), max(4, 2 * -(-len(header) // 2)))


def format_text_table(df: pd.DataFrame, width: int = TERMINAL_WIDTH, title: str | None = None,
                      max_width: int | None = None) -> str:
    """A plain text table aligned for Chinese and Latin text alike, at most ``width`` columns wide.

    When the natural widths do not fit, the text columns with the most room give it up and
    their cells wrap onto more lines; numbers never wrap and nothing is cut off. Booleans
    show as ✓ or nothing. ``max_width`` wraps any text column wider than that even when the
    table would fit.
    """
    headers = [visible(str(c)) for c in df.columns]
    rows = [[_cell_text(v) for v in row] for row in df.itertuples(index=False, name=None)]

    def widest(texts) -> int:
        return max((display_width(line) for t in texts for line in t.split("\n")), default=0)

    values = [widest([r[i] for r in rows]) for i in range(len(headers))]
    natural = [max(widest([h]), v) for h, v in zip(headers, values)]
    numeric = [_numeric([r[i] for r in rows]) for i in range(len(headers))]
    # first long headers wrap over their values; then long texts wrap; numbers never do
    heads = [_header_floor(h) for h in headers]
    floors = ([max(v, f) for f, v in zip(heads, values)],
              [max(v, f) if num else min(n, max(8, f)) for f, v, n, num in zip(heads, values, natural, numeric)])
    widths = [n if num or max_width is None else min(n, max(max_width, f))
              for n, num, f in zip(natural, numeric, heads)]
    room = width - 2 * (len(headers) - 1)
    for phase, floor in enumerate(floors):
        while sum(widths) > room:
            i = max(range(len(widths)), key=lambda j: (widths[j] - floor[j], widths[j]))
            if widths[i] <= floor[i]:
                break  # as narrow as it goes: wider than the terminal rather than unreadable
            # a header folds in one go (需求编号 → 需求/编号); a long text gives up room a column at a time
            widths[i] = floor[i] if phase == 0 else widths[i] - 1

    def lines(cells) -> list[str]:
        wrapped = [wrap_text(c, w) for c, w in zip(cells, widths)]
        height = max(len(w) for w in wrapped)
        return ["  ".join((w[k] if k < len(w) else "") + " " * (width_ - display_width(w[k] if k < len(w) else ""))
                          for w, width_ in zip(wrapped, widths)).rstrip() for k in range(height)]

    parts = wrap_text(visible(title), width) if title else []
    parts += lines(headers)
    parts.append("  ".join("-" * w for w in widths))
    body = [lines(r) for r in rows]
    spaced = any(len(b) > 1 for b in body)
    for k, block in enumerate(body):
        if spaced and k:
            parts.append("")
        parts.extend(block)
    if not rows:
        parts.append("(no rows)")
    return "\n".join(parts)


def write_table(df: pd.DataFrame, fmt: str, out: str | Path | None = None, title: str | None = None, *,
                lang: str = "zh", labels: dict[str, str] | None = None, width: int = TERMINAL_WIDTH,
                sheets: Sequence["Sheet"] = (), about: Mapping[str, object] | None = None) -> str | None:
    """Write ``df`` as ``fmt`` to ``out``; with no ``out``, return the text instead.

    CSV and JSON keep the English keys and raw values. The terminal table and the Excel
    workbook are for people: headers in ``lang`` (``labels`` overriding some Chinese ones),
    codes as Chinese names, ✓ for true. The table fits ``width`` columns; the workbook
    (:func:`graphgov.views.excel.write_workbook`) has ``sheets`` (default: ``df`` alone,
    named after ``title``) after a first sheet saying ``about`` it.

    Raises OptionError for an unknown format, or xlsx without a file.
    """
    from graphgov.views.labels import people_frame

    if fmt not in FORMATS:
        raise OptionError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt == "xlsx":
        from graphgov.views.excel import Sheet, write_workbook

        if out is None:
            raise OptionError("the xlsx format needs an output file (--out FILE.xlsx)")
        sheets = list(sheets) or [Sheet(title or "表", df, title or "", dict(labels or {}))]
        write_workbook(out, sheets, about, lang)
        return None
    if fmt == "json":
        text = json.dumps(to_records(df), ensure_ascii=False, indent=2)
    elif fmt == "csv":
        buf = io.StringIO()
        _neutralise_frame(df).to_csv(buf, index=False, lineterminator=CSV_LINE_END)
        text = buf.getvalue()
    else:
        text = format_text_table(people_frame(df, lang, labels), width=width, title=title)
    if out is None:
        return text
    # utf-8-sig for CSV so Excel on Chinese Windows opens it without mojibake
    encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
    Path(out).write_text(text if text.endswith("\n") else text + "\n", encoding=encoding,
                         newline="" if fmt == "csv" else None)
    return None


def write_workbook(sheets: dict[str, pd.DataFrame], out: str | Path, about: Mapping[str, object] | None = None,
                   lang: str = "zh") -> None:
    """Write several tables into one .xlsx file, a sheet each, as :func:`graphgov.views.excel.write_workbook`
    does (a first sheet saying what it holds; formulas never run; written beside ``out`` and renamed)."""
    from graphgov.views.excel import Sheet, write_workbook as write_book

    write_book(out, [Sheet(name, df, name) for name, df in sheets.items()], about, lang)
