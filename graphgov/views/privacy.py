"""Personal data in result tables: recognising and leaving out phones and contact names.

The schema marks the columns that hold personal data (``Column.personal``: contact
persons, phone numbers, party secretaries' names). Tables built from the schema leave
them out by name (:func:`graphgov.analysis.graph.to_networkx`, :func:`graphgov.dataset.reader.write_dataset`).
A Cypher report may return them under any alias, so :func:`strip_personal` goes by the
property name: a result column is personal when its name, or one of its parts split at
``.``, ``_`` or space, is a personal column of the schema or one of its Chinese headers
(``phone``, ``u.phone``, ``contact_phone``, ``联系电话``); nodes and maps returned whole
lose those keys. It errs on the side of leaving a column out.
"""
from __future__ import annotations

import re

import pandas as pd

from graphgov.dataset import schema

__all__ = ["PERSONAL_NAMES", "is_personal", "strip_personal"]

PERSONAL_NAMES: frozenset[str] = frozenset(
    name.casefold() for t in schema.ALL_TABLES for c in t.columns if c.personal for name in (c.name, *c.zh)
)
_PARTS = re.compile(r"[._\s]+")


def is_personal(column: str) -> bool:
    """True when a result column named ``column`` holds personal data.

    >>> is_personal("u.phone"), is_personal("contact_phone"), is_personal("联系电话"), is_personal("unit")
    (True, True, True, False)
    """
    name = str(column).strip().casefold()
    return name in PERSONAL_NAMES or any(part in PERSONAL_NAMES for part in _PARTS.split(name))


def _scrub(value):
    if isinstance(value, dict):
        return {k: _scrub(v) for k, v in value.items() if not is_personal(k)}
    if isinstance(value, (list, tuple)):
        return type(value)(_scrub(v) for v in value)
    return value


def strip_personal(df: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """``df`` without personal columns, and with personal keys removed from node/map cells.

    Returns the new frame and the names of the columns left out.
    """
    dropped = [c for c in df.columns if is_personal(c)]
    out = df.drop(columns=dropped)
    for col in out.columns:
        if out[col].dtype == object:
            out[col] = out[col].map(_scrub)
    return out, [str(c) for c in dropped]
