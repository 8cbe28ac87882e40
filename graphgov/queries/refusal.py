"""A report the store refused, placed where its author can fix it: ``file:line:column`` of the report file.

The stores say where a statement failed in their own words and numbering — LadybugDB
``(line: 3, offset: 7)`` with columns from 0, Neo4j ``(line 3, column 8 (offset: 27))`` with
columns from 1 — counting from the query body. :func:`placed_refusal` turns that into the
report file's own line and column (header lines and the first line's indent counted).
"""
from __future__ import annotations

import re
from pathlib import Path

from graphgov.errors import GraphGovError

# library.py imports this module (the error class), so nothing here imports library.py
__all__ = ["QueryFileError", "placed_refusal"]


class QueryFileError(GraphGovError):
    """A report file that breaks the header or query rules; the message names file and line."""

    exit_code = 1

    def __init__(self, path: str | Path, line: int | None, message: str, column: int | None = None):
        self.path, self.line, self.column = str(path), line, column
        where = self.path if line is None else f"{self.path}:{line}"
        if line is not None and column is not None:
            where += f":{column}"
        super().__init__(f"{where}: {message}")


_POSITIONS = ((re.compile(r"\(line:\s*(?P<line>\d+),\s*offset:\s*(?P<column>\d+)\)"), 0),
              (re.compile(r"\(line\s+(?P<line>\d+),\s*column\s+(?P<column>\d+)"), 1))
_REFUSED = re.compile(r"^the Cypher query was not accepted[^:]*:\s*")
_POSITION_TEXT = re.compile(r"\s*\(line:?\s*\d+,\s*(?:offset|column)[^)]*\)+")


def placed_refusal(report, err: Exception) -> QueryFileError:
    """The store's refusal ``err`` of ``report``'s query (a :class:`~graphgov.queries.library.Report`) as a
    QueryFileError at the report file's line and column.

    Without a position in the store's message, the error names the file alone.
    """
    # the store's first line may have dropped the position; the error it was raised from keeps it
    text = str(err.__cause__ or err)
    text = _REFUSED.sub("", text.split('\n"')[0])  # LadybugDB echoes the query after '\n"'
    found = [(m, base) for m, base in ((p.search(text), b) for p, b in _POSITIONS) if m]
    reason = " ".join(_POSITION_TEXT.sub("", text).split())
    message = f"the query was not accepted by the store: {reason}"
    if not found:
        return QueryFileError(report.path, None, message)
    m, base = found[0]
    line, column = int(m["line"]), int(m["column"]) + 1 - base
    body = report.text.splitlines()
    shown = body[line - 1] if 0 < line <= len(body) else ""
    return QueryFileError(report.path, report.first_line + line - 1,
                          f"{message}\n    {shown}\n    {' ' * (column - 1)}^",
                          column=column + (report.first_column - 1 if line == 1 else 0))
