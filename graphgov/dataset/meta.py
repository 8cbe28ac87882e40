"""A dataset's own date: the reference date every date-dependent answer defaults to.

A dataset may state, in its optional ``meta`` table (说明 / 元数据), the date its lists
describe (``as_of``, 截止日期), a title and a source. A store keeps that row as its one
``Dataset`` node. :func:`reference_date` decides the date an answer is given for: the
date asked for, else the dataset's date, else today, so a dataset that states its
date gives the same answers on any day.

>>> import pandas as pd
>>> tables = {"meta": pd.DataFrame({"id": ["dataset"], "as_of": [pd.Timestamp("2025-12-31")]})}
>>> reference_date(tables, today=dt.date(2026, 11, 29))
datetime.date(2025, 12, 31)
>>> reference_date(tables, "2024-06-30")
datetime.date(2024, 6, 30)
"""
from __future__ import annotations

import datetime as dt
from typing import Callable

import pandas as pd

from graphgov.errors import OptionError

__all__ = ["as_date", "dataset_meta", "dataset_date", "reference_date"]


def as_date(value, what: str = "the date") -> dt.date | None:
    """A date from a date, datetime, pandas Timestamp or ``YYYY-MM-DD`` text; None for empty.

    Raises OptionError for text that is not a date.
    """
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, float) and value != value:
        return None
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError as err:
        raise OptionError(f"bad date {value!r} for {what}; write it as YYYY-MM-DD") from err


def _meta_frame(source) -> pd.DataFrame | None:
    """The ``meta`` table of a dict of tables, a checked Dataset or a store (read alone)."""
    if hasattr(source, "read_tables"):
        return source.read_tables(names=("meta",)).get("meta")
    tables = source.tables if hasattr(source, "tables") else source
    if not isinstance(tables, dict):
        return None
    return tables.get("meta")


def dataset_meta(source) -> dict:
    """The dataset's ``as_of`` (a date or None), ``title`` and ``source`` (text or None)."""
    df = _meta_frame(source)
    out = {"as_of": None, "title": None, "source": None, "description": None}
    if df is None or df.empty:
        return out
    row = df.iloc[0]
    for key in out:
        if key in df.columns:
            value = row[key]
            if key == "as_of":
                out[key] = as_date(value)
            elif isinstance(value, str) and value.strip():
                out[key] = value
    return out


def dataset_date(source) -> dt.date | None:
    """The date the dataset states for itself (``meta.as_of``), or None."""
    return dataset_meta(source)["as_of"]


def reference_date(source=None, given=None, today: dt.date | Callable[[], dt.date] | None = None) -> dt.date:
    """The date an answer is given for: ``given``, else the dataset's own date, else today.

    ``source`` is a dict of tables, a checked Dataset or a store (None: no dataset);
    ``today`` a date or a clock (default :func:`datetime.date.today`), for tests.
    Raises OptionError when ``given`` is text that is not a date.
    """
    chosen = as_date(given, "as_of")
    if chosen is not None:
        return chosen
    if source is not None:
        own = dataset_date(source)
        if own is not None:
            return own
    if callable(today):
        return today()
    return today or dt.date.today()
