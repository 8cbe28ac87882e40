"""The store interface: what every command above the store needs, whichever store it is.

Analyses, matching, the dispatch loop, views, reports and exports talk only to
:class:`Store`: read a query into a DataFrame, read tables, run writes in one
transaction, load a checked dataset. :class:`~graphgov.store.ladybug_store.LadybugStore`
(the embedded default) and :class:`~graphgov.store.neo4j_store.Neo4jStore` (a team's
server) each override what differs; the shared tests run every command on both.
"""
from __future__ import annotations

import abc
import contextlib
from dataclasses import dataclass, field
from typing import Callable, Iterable

import pandas as pd

from graphgov.dataset import schema
from graphgov.store.tables import read_tables_from

__all__ = ["Store", "LoadResult", "Progress", "UNIVERSITY_TYPES", "LOAD_TRANSACTIONS", "edge_statement",
           "check_transaction"]

Progress = Callable[[str, int, int], None]
UNIVERSITY_TYPES = ("university", "research_institute")
WRITE_BATCH = 5_000
#: how a server store writes a load: "one" transaction, "staged" (the nodes it adds written first under
#: a hidden label, switched in by one final transaction), or "auto": one, staged when the server refuses
#: one transaction for its memory
LOAD_TRANSACTIONS = ("auto", "one", "staged")


def check_transaction(transaction: str) -> None:
    """Raise OptionError unless ``transaction`` is one of :data:`LOAD_TRANSACTIONS`."""
    if transaction not in LOAD_TRANSACTIONS:
        from graphgov.errors import OptionError

        raise OptionError(f"unknown load transaction {transaction!r}; choose one of {', '.join(LOAD_TRANSACTIONS)}")


@dataclass
class LoadResult:
    """What a load did: rows per table before and after, and rows added/changed."""

    before: dict[str, int]
    after: dict[str, int]
    added: dict[str, int] = field(default_factory=dict)
    changed: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    removed: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what the user should know (a damaged store rebuilt …)


class Store(abc.ABC):
    """A graphgov graph store.

    ``query`` runs Cypher with values only in ``params`` and returns a DataFrame; inside
    ``with store.transaction():`` the same ``query`` runs in that write transaction, which
    commits when the block ends and rolls back on any error. ``warnings`` collects what
    the store said about the statements (Neo4j's notifications), for the command to show.
    """

    #: "ladybug" or "neo4j"
    kind: str = ""

    def __init__(self) -> None:
        self.warnings: list[str] = []

    # -- what each store provides -------------------------------------------------------
    @property
    @abc.abstractmethod
    def location(self) -> str:
        """Where the store is, for messages (a path or a server address, never a password)."""

    @abc.abstractmethod
    def query(self, cypher: str, params: dict | None = None) -> pd.DataFrame:
        """Run one Cypher statement; a DataFrame of its rows."""

    @abc.abstractmethod
    def transaction(self) -> contextlib.AbstractContextManager["Store"]:
        """A write transaction: ``query`` inside it writes; all or nothing."""

    @abc.abstractmethod
    def load(self, dataset, replace: bool = False, progress: Progress | None = None,
             transaction: str = "auto") -> LoadResult:
        """Merge a checked dataset into the store by the tables' keys (or replace it), all or nothing.

        ``transaction`` ("auto", "one", "staged") says how a server store writes a load too large
        for one of its transactions (see :class:`~graphgov.store.neo4j_store.Neo4jStore`); a file
        store is swapped in whole whatever it says.
        """

    def report_query(self, cypher: str, params: dict | None = None) -> pd.DataFrame:
        """Run a user's report (checked by :mod:`graphgov.queries.safety` already); as :meth:`query` here.

        A store whose server comments on statements (Neo4j) shows those comments as warnings.
        """
        return self.query(cypher, params)

    def exists(self) -> bool:
        """Whether the store holds a graphgov graph (or can: a server always can)."""
        return True

    def close(self) -> None:
        """Release connections; the store can be used again afterwards."""

    def recover(self) -> str | None:
        """Finish a write that was interrupted (a killed process), if one is pending.

        Returns what was done, or None when nothing was pending. A server store recovers
        by itself, so this does nothing there. Raises StoreBusyError while a writer is at work.
        """
        return None

    def lock(self, label: str, id_: str) -> None:
        """Inside a transaction, hold a write lock on one node until the transaction ends.

        The embedded store has one writer at a time already, so this does nothing there.
        """

    # -- the same on every store ---------------------------------------------------------
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def read_tables(self, include_internal: bool = True, names: Iterable[str] | None = None,
                    include_computed: bool = False) -> dict[str, pd.DataFrame]:
        """Tables as stored, in the dataset's shape; only ``names`` when given. Stored analysis
        results (``schema.RESULT_TABLES``) only when named or with ``include_computed``."""
        return read_tables_from(self.query, include_internal, names, include_computed)

    def read_scope(self, committee: str | None = None, area: str | None = None) -> dict[str, pd.DataFrame]:
        """The tables an analysis of one scope needs, read alone (every table when neither is given);
        the analyses give the same answers on them as on every table. See :mod:`graphgov.store.scoped`.

        Raises NotFoundError for an unknown committee or area.
        """
        from graphgov.store.scoped import read_scope_tables

        return read_scope_tables(self.query, committee, area)

    def known_ids(self) -> dict[str, set[str]]:
        """The ids of every node table a dataset may refer to (for checking a partial dataset's references)."""
        return {t.name: set(self.query(f"MATCH (n:{t.label}) RETURN n.id AS id")["id"])
                for t in schema.node_tables() if not t.computed}

    def write_rows(self, cypher: str, rows: pd.DataFrame, batch_size: int = WRITE_BATCH) -> None:
        """Inside a transaction, run ``cypher`` once for every row of ``rows``, the row bound to ``row``.

        ``cypher`` follows ``UNWIND $rows AS row``: for example ``MATCH (u:Unit {id: row.id})
        SET u.pagerank = row.pagerank``. Values travel only as parameters, in batches of
        ``batch_size`` rows; NaN becomes null. Stores may send the rows another way.
        """
        from graphgov.store.plan import cell

        columns = list(rows.columns)
        records = [{c: cell(v) for c, v in zip(columns, r)} for r in rows.itertuples(index=False, name=None)]
        for start in range(0, len(records), batch_size):
            self.query(f"UNWIND $rows AS row {cypher}", {"rows": records[start:start + batch_size]})

    def write_edges(self, rtype: str, a: str, b: str, pairs: pd.DataFrame, batch_size: int = WRITE_BATCH) -> None:
        """Inside a transaction, create a ``rtype`` relationship from each node ``a`` with id
        ``pairs.source`` to the node ``b`` with id ``pairs.target`` (schema names; both nodes exist)."""
        rows = pd.DataFrame({"id": pairs["source"].to_numpy(), _end_key(b): pairs["target"].to_numpy()})
        self.write_rows(edge_statement(rtype, a, b), rows, batch_size)

    def parents(self) -> dict[str, dict[str, str | None]]:
        """The stored hierarchies: for areas, committees and party organizations, id → parent_id."""
        from graphgov.dataset.hierarchy import HIERARCHIES

        tables = self.read_tables(include_internal=False, names=HIERARCHIES)
        return {name: {i: (p if isinstance(p, str) else None) for i, p in zip(df["id"], df["parent_id"])}
                for name, df in tables.items()}

    def counts(self) -> pd.DataFrame:
        """Rows ``kind`` (node/relationship), ``name``, ``count`` for every label and type."""
        rows = []
        for t in schema.node_tables():
            rows.append(("node", t.label, self._count(f"MATCH (n:{t.label}) RETURN count(n) AS n")))
        rows.append(("node", "University (Unit with type university/research_institute)",
                     self._count("MATCH (n:Unit) WHERE n.type IN $types RETURN count(n) AS n",
                                 {"types": list(UNIVERSITY_TYPES)})))
        for rtype, pairs in schema.relation_endpoints().items():
            # endpoints named, so a type shared by several tables counts the same on both stores
            total = sum(self._count(f"MATCH (:{a})-[r:{rtype}]->(:{b}) RETURN count(r) AS n") for a, b in pairs)
            rows.append(("relationship", rtype, total))
        return pd.DataFrame(rows, columns=["kind", "name", "count"])

    def _count(self, cypher: str, params: dict | None = None) -> int:
        df = self.query(cypher, params)
        return int(df["n"].iloc[0]) if len(df) else 0


def _end_key(label: str) -> str:
    """The row key naming a relationship's end node: ``unit_id`` for a Unit, ``need_id`` for a Need …
    (property names of the schema, so Neo4j's linter knows them)."""
    return next(t.name for t in schema.node_tables() if t.label == label)[:-1] + "_id"


def edge_statement(rtype: str, a: str, b: str) -> str:
    """The statement :meth:`Store.write_edges` runs for each row (after ``UNWIND $rows AS row``)."""
    dst = _end_key(b)
    return f"MATCH (x:{a} {{id: row.id}}) MATCH (y:{b} {{id: row.{dst}}}) CREATE (x)-[:{rtype}]->(y)"
