"""Refusing report text that could reach files, extensions or other databases.

A report is read-only Cypher over the graph. LadybugDB runs ``COPY (…) TO 'file'`` and
``LOAD FROM 'file'`` even on a read-only connection, and Neo4j has ``LOAD CSV`` and
plugin procedures (``apoc.load.*``, ``apoc.export.*``, ``gds.graph.export``) that read
or write files; a report could use them to copy phone numbers past the personal-data
filter or print any file on the machine. :func:`file_access` finds such clauses in a
report's text (outside strings and comments), so a report is refused when it is parsed,
on either store, before any store sees it.

Refused: the clauses ``COPY``, ``LOAD`` (``LOAD FROM``, ``LOAD CSV``, ``LOAD EXTENSION``),
``INSTALL``, ``ATTACH``, ``IMPORT`` and ``EXPORT``; ``CALL`` of any procedure but a few
that only describe the schema; and namespaced functions other than Cypher's own
temporal, spatial and vector ones (so no ``apoc.*``, ``gds.*``, ``db.*``, ``dbms.*``).
``CALL { … }`` subqueries are fine.
"""
from __future__ import annotations

import re

__all__ = ["file_access", "mask", "ALLOWED_PROCEDURES", "ALLOWED_NAMESPACES", "REFUSED_CLAUSES"]

REFUSED_CLAUSES = ("COPY", "LOAD", "INSTALL", "ATTACH", "IMPORT", "EXPORT")
# procedures that only describe the schema (LadybugDB's and Neo4j's), compared case-folded
ALLOWED_PROCEDURES = frozenset({"show_tables", "table_info", "show_connection", "db_version", "db.labels",
                                "db.relationshiptypes", "db.propertykeys"})
# Cypher's own namespaced functions: date.truncate, duration.between, point.distance, vector.similarity.cosine …
ALLOWED_NAMESPACES = frozenset({"date", "datetime", "localdatetime", "localtime", "time", "duration", "point",
                                "vector"})

_CLAUSE = re.compile(r"(?<![\w.$:`])(" + "|".join(REFUSED_CLAUSES) + r")\b(?!\s*[:.])", re.IGNORECASE)
_CALL = re.compile(r"(?<![\w.$`])CALL\b\s*(?P<name>[A-Za-z_][\w]*(?:\s*\.\s*[A-Za-z_]\w*)*)?", re.IGNORECASE)
_NAMESPACED = re.compile(r"(?<![\w.$`])(?P<name>[A-Za-z_]\w*(?:\s*\.\s*[A-Za-z_]\w*)+)\s*\(")


def mask(text: str) -> str:
    """``text`` with strings and comments blanked and quoted names made plain, positions kept.

    String literals and comments become spaces (line breaks stay, so line numbers hold);
    a back-quoted name becomes underscores, so ```apoc`.`load``` cannot hide a call.
    """
    out = list(text)
    i, n = 0, len(text)

    def blank(a: int, b: int, fill: str = " ") -> None:
        for k in range(a, min(b, n)):
            if out[k] != "\n":
                out[k] = fill

    while i < n:
        ch = text[i]
        if ch in "'\"`":
            j = i + 1
            while j < n and text[j] != ch:
                j += 2 if text[j] == "\\" and ch != "`" else 1
            blank(i, j + 1, "_" if ch == "`" else " ")
            i = j + 1
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            blank(i, j)
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            blank(i, j)
            i = j
        else:
            i += 1
    return "".join(out)


def file_access(text: str) -> list[tuple[int, str]]:
    """Where ``text`` could touch files or code outside the graph: (offset, message) pairs, in order.

    An empty list means the text only reads the graph.

    Examples
    --------
    >>> [m.split(':')[0] for _, m in file_access("MATCH (u:Unit) RETURN u.name // COPY is fine here")]
    []
    >>> file_access("COPY (MATCH (u:Unit) RETURN u.phone) TO 'leak.csv'")[0]
    (0, 'COPY reads or writes files; a report may only read the graph')
    >>> file_access("CALL apoc.load.json('file:///etc/passwd') YIELD value RETURN value")[0][0]
    0
    """
    plain = mask(text)
    found: list[tuple[int, str]] = []
    for m in _CLAUSE.finditer(plain):
        word = m.group(1).upper()
        found.append((m.start(), f"{word} reads or writes files; a report may only read the graph"))
    for m in _CALL.finditer(plain):
        name = re.sub(r"\s+", "", m["name"] or "")
        if not name:
            continue  # CALL { … } or CALL (x) { … }: a subquery
        if name.casefold() not in ALLOWED_PROCEDURES:
            allowed = ", ".join(sorted(ALLOWED_PROCEDURES))
            found.append((m.start(), f"procedure {name}: a report may not call procedures (they can reach "
                                     f"files, settings and plugins) but these: {allowed}"))
    called = {pos for pos, _ in found}
    for m in _NAMESPACED.finditer(plain):
        name = re.sub(r"\s+", "", m["name"])
        start = m.start()
        if name.split(".")[0].casefold() in ALLOWED_NAMESPACES or name.casefold() in ALLOWED_PROCEDURES:
            continue
        if any(plain[p:start].strip().upper() == "CALL" for p in called):
            continue  # reported with its CALL
        found.append((start, f"{name}(): a report may not call plugin functions (apoc.*, gds.*, db.* …); "
                             f"use Cypher's own functions"))
    return sorted(found)
