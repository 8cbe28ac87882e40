"""Personal data in result tables: recognising and leaving out phones and contact names.

The schema marks the columns that hold personal data (``Column.personal``: contact
persons, phone numbers, party secretaries' names). Tables built from the schema leave
them out by name (:func:`graphgov.analysis.graph.to_networkx`, :func:`graphgov.dataset.reader.write_dataset`).
A Cypher report may return them under any alias, so :func:`strip_personal` works two ways:

* by name: a result column is personal when its name, or one of its parts split at
  ``.``, ``_`` or space, is a personal column of the schema, one of its Chinese headers
  or a common alias (``phone``, ``u.phone``, ``contact_phone``, ``mobile``, ``tel``, ``sec``,
  ``联系电话``, ``联系方式``); nodes and maps returned whole lose those keys;
* by value, when given the personal values the store holds (:func:`personal_values`):
  a column holding one is left out, and inside maps and lists such a value is removed
  wherever it sits (``{tel: u.phone}``, ``collect(u.phone)``, ``'电话 ' + u.phone``).

It errs on the side of leaving a column out.
"""
from __future__ import annotations

import re
from typing import Iterable

import pandas as pd

from graphgov.dataset import schema

__all__ = ["PERSONAL_NAMES", "ALIASES", "is_personal", "strip_personal", "personal_values", "holds_personal"]

# words people use for the same columns that the schema's own names do not cover
ALIASES = frozenset({"mobile", "mob", "cell", "cellphone", "tel", "telephone", "phone_no", "phonenumber", "sec",
                     "secy", "secretary", "contacts_person", "contact_person", "email", "wechat",
                     "联系方式", "联系人电话", "手机号", "手机号码", "电话号码", "座机", "书记", "书记姓名", "负责人电话",
                     "邮箱", "微信"})
PERSONAL_NAMES: frozenset[str] = frozenset(
    name.casefold() for t in schema.ALL_TABLES for c in t.columns if c.personal for name in (c.name, *c.zh)
) | ALIASES
_PARTS = re.compile(r"[._\s]+")
# values this long are looked for inside longer texts too; shorter ones (a name like 王女士) only whole
_SUBSTRING_FROM = 7


def is_personal(column: str) -> bool:
    """True when a result column named ``column`` holds personal data.

    >>> is_personal("u.phone"), is_personal("contact_phone"), is_personal("联系方式"), is_personal("unit")
    (True, True, True, False)
    """
    name = str(column).strip().casefold()
    return name in PERSONAL_NAMES or any(part in PERSONAL_NAMES for part in _PARTS.split(name))


class _Known:
    """Personal values to look for: whole texts, and long ones (phones) inside texts too."""

    def __init__(self, values: Iterable[str]):
        self.whole = frozenset(v.strip() for v in values if isinstance(v, str) and v.strip())
        long = sorted((v for v in self.whole if len(v) >= _SUBSTRING_FROM), key=len, reverse=True)
        self.inside = re.compile("|".join(map(re.escape, long))) if long else None

    def __bool__(self) -> bool:
        return bool(self.whole)

    def matches(self, value) -> bool:
        if not isinstance(value, str):
            return False
        text = value.strip()
        return text in self.whole or (self.inside is not None and self.inside.search(text) is not None)


def holds_personal(value, known: _Known) -> bool:
    """Whether a cell (a text, or a map or list at any depth) holds one of the ``known`` values."""
    if isinstance(value, dict):
        return any(holds_personal(v, known) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(holds_personal(v, known) for v in value)
    return known.matches(value)


def _scrub(value, known: _Known):
    if isinstance(value, dict):
        return {k: _scrub(v, known) for k, v in value.items()
                if not is_personal(k) and not known.matches(v)}
    if isinstance(value, (list, tuple)):
        return type(value)(_scrub(v, known) for v in value if not known.matches(v))
    return value


def personal_values(store) -> set[str]:
    """Every personal value the store holds (phones, contacts, secretaries), to look for in results."""
    names = [t.name for t in schema.node_tables() if t.personal_columns]
    out: set[str] = set()
    for name, df in store.read_tables(include_internal=False, names=names).items():
        for c in schema.table(name).personal_columns:
            out.update(v for v in df[c] if isinstance(v, str) and v.strip())
    return out


def _texty(s: pd.Series) -> bool:
    """Whether a column may hold text, maps or lists (object or string dtype)."""
    return s.dtype == object or pd.api.types.is_string_dtype(s)


def strip_personal(df: pd.DataFrame, known: Iterable[str] = ()) -> tuple[pd.DataFrame, list[str]]:
    """``df`` without personal columns, and with personal keys and values removed from map/list cells.

    ``known`` are the personal values the store holds (:func:`personal_values`): a column
    holding one at its top level is left out as well. Returns the new frame and what was
    left out: the names of the columns, then ``values in COLUMN`` for each column whose
    maps or lists lost a value.

    >>> out, left = strip_personal(pd.DataFrame({"id": ["U1"], "tel": ["13800000000"], "m": [{"a": "13800000000"}]}),
    ...                            ["13800000000"])
    >>> list(out.columns), out.loc[0, "m"], left
    (['id', 'm'], {}, ['tel', 'values in m'])
    """
    seen = _Known(known)
    dropped = [c for c in df.columns if is_personal(c)
               or seen and _texty(df[c]) and df[c].map(lambda v: not isinstance(v, (dict, list, tuple))
                                                       and seen.matches(v)).any()]
    out = df.drop(columns=dropped)
    scrubbed = []
    for col in out.columns:
        if _texty(out[col]):
            before = out[col]
            out[col] = before.map(lambda v: _scrub(v, seen))
            if seen and before.map(lambda v: isinstance(v, (dict, list, tuple)) and holds_personal(v, seen)).any():
                scrubbed.append(f"values in {col}")
    return out, [str(c) for c in dropped] + scrubbed
