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

import pandas as pd

from graphgov.errors import OptionError

__all__ = ["FORMATS", "CSV_LINE_END", "write_table", "write_workbook", "to_records", "neutralise", "format_text_table",
           "display_width", "visible"]

FORMATS = ("table", "csv", "json", "xlsx")
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
    if isinstance(value, float):
        return f"{value:.4g}" if abs(value) < 1e6 else f"{value:.0f}"
    if isinstance(value, (list, dict)):
        return visible(str(_plain(value)))
    return visible(str(value).replace("\n", " "))


def visible(text: str) -> str:
    """``text`` with CR, other control characters and bidi overrides shown as ``\\r`` / ``<U+202E>``."""
    return _INVISIBLE_IN_TERMINAL.sub(lambda m: "\\r" if m.group() == "\r" else f"<U+{ord(m.group()):04X}>", text)


def format_text_table(df: pd.DataFrame, max_width: int = 40, title: str | None = None) -> str:
    """A plain text table aligned for Chinese and Latin text alike."""
    headers = [visible(str(c)) for c in df.columns]
    rows = [[_cell_text(v) for v in row] for row in df.itertuples(index=False, name=None)]

    def clip(text: str) -> str:
        if display_width(text) <= max_width:
            return text
        out, width = "", 0
        for ch in text:
            w = display_width(ch)
            if width + w > max_width - 1:
                break
            out += ch
            width += w
        return out + "…"

    rows = [[clip(c) for c in r] for r in rows]
    widths = [max([display_width(h)] + [display_width(r[i]) for r in rows]) for i, h in enumerate(headers)]

    def line(cells):
        return "  ".join(c + " " * (w - display_width(c)) for c, w in zip(cells, widths)).rstrip()

    parts = []
    if title:
        parts.append(visible(title))
    parts.append(line(headers))
    parts.append("  ".join("-" * w for w in widths))
    parts.extend(line(r) for r in rows)
    if not rows:
        parts.append("(no rows)")
    return "\n".join(parts)


def write_table(df: pd.DataFrame, fmt: str, out: str | Path | None = None, title: str | None = None) -> str | None:
    """Write ``df`` as ``fmt`` to ``out``; with no ``out``, return the text instead.

    Raises OptionError for an unknown format, or xlsx without a file.
    """
    if fmt not in FORMATS:
        raise OptionError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt == "xlsx":
        if out is None:
            raise OptionError("the xlsx format needs an output file (--out FILE.xlsx)")
        frame = _neutralise_frame(df)
        for col in frame.columns:
            if isinstance(frame[col].dtype, pd.DatetimeTZDtype):
                frame[col] = frame[col].dt.tz_localize(None)
        frame.to_excel(out, index=False, engine="openpyxl")
        return None
    if fmt == "json":
        text = json.dumps(to_records(df), ensure_ascii=False, indent=2)
    elif fmt == "csv":
        buf = io.StringIO()
        _neutralise_frame(df).to_csv(buf, index=False, lineterminator=CSV_LINE_END)
        text = buf.getvalue()
    else:
        text = format_text_table(df, title=title)
    if out is None:
        return text
    # utf-8-sig for CSV so Excel on Chinese Windows opens it without mojibake
    encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
    Path(out).write_text(text if text.endswith("\n") else text + "\n", encoding=encoding,
                         newline="" if fmt == "csv" else None)
    return None


def write_workbook(sheets: dict[str, pd.DataFrame], out: str | Path) -> None:
    """Write several tables into one .xlsx file, a sheet each (names cut to Excel's 31 characters).

    Cells are neutralised as in :func:`write_table`; the file is written beside ``out``
    and renamed, so a failure leaves no half-written workbook.
    """
    import os

    out = Path(out)
    tmp = out.with_name(out.name + ".part")
    with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
        for name, df in sheets.items():
            frame = _neutralise_frame(df)
            for col in frame.columns:
                if isinstance(frame[col].dtype, pd.DatetimeTZDtype):
                    frame[col] = frame[col].dt.tz_localize(None)
            frame.to_excel(writer, sheet_name=name[:31], index=False)
    os.replace(tmp, out)
