"""One exception hierarchy for graphgov.

Every error a user can cause is a :class:`GraphGovError`; the CLI prints its message
(no traceback) and exits with its ``exit_code``: 1 for bad data (or a store that fails),
2 for bad options, 3 for a store server that cannot be reached, 4 for one that refuses
the credentials.
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "GraphGovError",
    "DataError",
    "OptionError",
    "StoreError",
    "StoreBusyError",
    "StoreDamagedError",
    "StoreUnavailableError",
    "StoreAuthError",
    "ConstraintViolation",
    "TransactionTooLarge",
    "NotFoundError",
    "TransitionError",
    "Problem",
]


class GraphGovError(Exception):
    """Base class of every error graphgov reports to a user."""

    exit_code = 1


class OptionError(GraphGovError):
    """A bad option or argument: an unknown name, a value of the wrong kind."""

    exit_code = 2


class NotFoundError(GraphGovError):
    """Something named by the user (a need, a unit, a report) does not exist."""

    exit_code = 1


class StoreError(GraphGovError):
    """The graph store cannot be opened or written."""


class StoreBusyError(StoreError):
    """Another graphgov process holds the store."""


class StoreDamagedError(StoreError):
    """The store's file cannot be read as a graphgov store (empty, truncated, garbled, another database)."""


class StoreUnavailableError(StoreError):
    """The store's server cannot be reached (down, wrong host or port, network)."""

    exit_code = 3


class StoreAuthError(StoreError):
    """The store's server refused the user name or password."""

    exit_code = 4


class TransactionTooLarge(StoreError):
    """The store's server cannot hold a write in one transaction (its transaction memory is too small).

    ``reason`` is the server's own words; ``staged`` says whether the load was staged already.
    """

    def __init__(self, message: str, reason: str = "", staged: bool = False):
        super().__init__(message)
        self.reason = reason
        self.staged = staged


class ConstraintViolation(StoreError):
    """A write would break a rule the store enforces (a second node with the same id)."""


class TransitionError(GraphGovError):
    """A status change that the need's life cycle does not allow."""


@dataclass(frozen=True)
class Problem:
    """One finding of the checks, located in a file.

    ``row`` is the spreadsheet row number (the header is row 1), ``column`` the header
    as written in the file. ``severity`` is "error" or "warning".
    """

    file: str
    row: int | None
    column: str | None
    message: str
    value: object = None
    fix: str = ""
    severity: str = "error"

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f":{self.row}"
        if self.column is not None:
            where += f":{self.column}"
        text = f"{where}: {self.severity}: {self.message}"
        if self.value is not None:
            text += f" (value: {self.value!r})"
        if self.fix:
            text += f"; {self.fix}"
        return text


class DataError(GraphGovError):
    """The dataset has errors; ``problems`` lists every one of them."""

    def __init__(self, problems: list[Problem], warnings: list[Problem] | None = None):
        self.problems = list(problems)
        self.warnings = list(warnings or [])
        n = len(self.problems)
        head = f"{n} error{'s' if n != 1 else ''} in the dataset"
        super().__init__("\n".join([head, *map(str, self.problems)]))
