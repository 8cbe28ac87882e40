"""The Neo4j store: the team's server, for a city's or a province's graph.

Same labels, relationship types and properties as the embedded store (both come from
:mod:`graphgov.dataset.schema`), so every command and Cypher report runs unchanged.
Universities and research institutes also carry the label ``University``.

A load is one transaction when the server can hold it: it reads the stored tables,
merges the dataset into them as the embedded store does and sends only the difference
(:mod:`graphgov.store.plan`); readers see the graph before or after, never between, and a
load cut off by a lost connection or a killed client is rolled back by the server. A load
too large for one transaction is staged: the nodes it adds (and the relationships among
them) are written in transactions of their own under labels no graphgov query names, and
one final transaction switches them in with every other change, so readers of graphgov's
labels still see before or after. What a cut-off staged load left is removed when the
next load starts. Every write transaction (a load, a step of the dispatch loop) first
takes a write lock on one ``GraphgovLock`` node, so writers queue one after another as on
the embedded store.

Connection settings are those of Neo4j's own tools: ``NEO4J_URI``, ``NEO4J_USERNAME``,
``NEO4J_PASSWORD`` and ``NEO4J_DATABASE``. The password is read from the environment or
asked for without echo; it is never a command-line value and never printed.
"""
from __future__ import annotations

import contextlib
import os
import re
import time
from dataclasses import dataclass, field
from typing import Callable, Iterator

import pandas as pd

from graphgov.dataset import schema
from graphgov.errors import (ConstraintViolation, OptionError, StoreAuthError, StoreError,
                             StoreUnavailableError, TransactionTooLarge)
from graphgov.store.base import UNIVERSITY_TYPES, LoadResult, Progress, Store, check_transaction
from graphgov.store.plan import (BATCH_SIZE, STAGED_LABEL, plan_statements, staged_label, staged_plan,
                                 staged_statements, write_plan)
from graphgov.store.tables import merge_dataset

__all__ = ["Neo4jSettings", "Neo4jStore", "Traffic", "constraint_statements", "university_statements",
           "load_statements", "is_neo4j_uri", "pack", "LOCK_LABEL", "LOCK_STATEMENT", "BATCH_SIZE",
           "NEO4J_SCHEMES", "STAGED_LABEL", "staged_labels", "staging_statements"]

NEO4J_SCHEMES = ("neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc")
_SCHEME = re.compile(r"^([a-z0-9+]+)://", re.I)
LOCK_LABEL = "GraphgovLock"
# Writing a property takes the node's write lock until the transaction ends; MERGE on the
# constrained id makes the node once even when two writers start together.
LOCK_STATEMENT = "MERGE (l:GraphgovLock {id: 'store'}) SET l.writes = coalesce(l.writes, 0) + 1"
#: "auto" stages a load that writes more nodes and relationships than this. Measured on the test
#: server (512 MiB for all open transactions): one transaction held 383,000 of the Beijing preset's
#: 457,000 before the server refused it, 40 s in. A refusal fills the server's whole transaction
#: memory meanwhile, failing other users' transactions, so a load this size is staged at once.
STAGE_ABOVE = 200_000
# Leftovers of a cut-off staged load, removed a batch at a time (each batch its own transaction):
# relationships first, so a batch of nodes never drags a hub's thousands of relationships along
CLEAR_STAGED = [f"MATCH (:{STAGED_LABEL})-[r]->() WITH r LIMIT $limit DELETE r RETURN count(*) AS n",
                f"MATCH (n:{STAGED_LABEL}) WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS n"]
# Notification categories worth a user's attention on a report: unknown names, old syntax.
_SHOWN = {"UNRECOGNIZED", "DEPRECATION", "UNSUPPORTED"}


def is_neo4j_uri(text: str | os.PathLike | None) -> bool:
    """Whether a ``--store`` value names a Neo4j server (``neo4j://``, ``bolt+s://`` …) rather than a file."""
    m = _SCHEME.match(str(text or ""))
    return bool(m) and m.group(1).lower() in NEO4J_SCHEMES


@dataclass(frozen=True)
class Neo4jSettings:
    uri: str
    user: str
    password: str
    database: str | None = None

    def __repr__(self) -> str:  # never show the password
        return f"Neo4jSettings(uri={self.uri!r}, user={self.user!r}, database={self.database!r})"

    @classmethod
    def from_env(cls, uri: str | None = None, user: str | None = None, database: str | None = None,
                 ask_password: Callable[[], str] | None = None, environ=os.environ) -> "Neo4jSettings":
        """Settings from arguments, else Neo4j's variables; the password only from the environment or a prompt."""
        uri = uri or environ.get("NEO4J_URI")
        if not uri:
            raise OptionError("no Neo4j server given: use --store neo4j://HOST:7687 (or --neo4j URI) or set NEO4J_URI")
        user = user or environ.get("NEO4J_USERNAME") or environ.get("NEO4J_USER") or "neo4j"
        password = environ.get("NEO4J_PASSWORD")
        if password is None:
            if ask_password is None:
                raise OptionError("no Neo4j password: set NEO4J_PASSWORD (it is never taken on the command line)")
            password = ask_password()
        return cls(uri, user, password, database or environ.get("NEO4J_DATABASE") or None)


# -- the statements --------------------------------------------------------------------

def constraint_statements() -> list[str]:
    """One uniqueness constraint on ``id`` for every label, for the writers' lock node and for every
    label a staged load writes under (a staged relationship finds its ends by them)."""
    labels = [t.label for t in schema.node_tables()] + [LOCK_LABEL] + staged_labels()
    return [f"CREATE CONSTRAINT {constraint}_id IF NOT EXISTS FOR (n:{label}) REQUIRE n.id IS UNIQUE"
            for constraint, label in ((label.lower(), label) for label in labels)]


def staged_labels() -> list[str]:
    """The labels of a staged load's nodes: ``GraphgovStagedUnit`` … (each also has ``GraphgovStaged``)."""
    return [staged_label(t.label) for t in schema.node_tables()]


def staging_statements() -> list[str]:
    """The removal of a cut-off staged load's leftovers."""
    return list(CLEAR_STAGED)


def university_statements() -> list[str]:
    return [
        "MATCH (u:Unit) WHERE u.type IN $types AND NOT u:University SET u:University",
        "MATCH (u:University) WHERE NOT u.type IN $types REMOVE u:University",
    ]


def load_statements() -> list[tuple[str, str]]:
    """Every statement a load may send, named, for the linter tests."""
    out = [(f"constraint {i}", s) for i, s in enumerate(constraint_statements())]
    out.append(("lock", LOCK_STATEMENT))
    out += plan_statements()
    out += staged_statements()
    out += [(f"staging {i}", s) for i, s in enumerate(staging_statements())]
    out += [(f"university {i}", s) for i, s in enumerate(university_statements())]
    return out


def _from_neo4j(value):
    if hasattr(value, "to_native"):
        return value.to_native()
    return value


@dataclass
class Traffic:
    """What a store sent and received: statements (round trips), parameter bytes and result rows and bytes.

    Bytes are counted with the driver's own PackStream encoder, as they travel over Bolt.
    """

    statements: int = 0
    sent_bytes: int = 0
    rows: int = 0
    received_bytes: int = 0
    by_statement: dict = field(default_factory=dict)

    def add(self, cypher: str, params: dict, rows: list) -> None:
        sent, got = _packed_size(params), _packed_size(rows)
        self.statements += 1
        self.sent_bytes += sent
        self.rows += len(rows)
        self.received_bytes += got
        entry = self.by_statement.setdefault(cypher, [0, 0, 0])
        entry[0] += 1
        entry[1] += sent
        entry[2] += got


def pack(value) -> bytes:
    """``value`` encoded as the driver sends it over Bolt (PackStream, dates as Bolt structures).

    Raises the driver's own error (OverflowError, ValueError, TypeError) for a value it cannot send.
    """
    from neo4j._codec.hydration.bolt.v2 import HydrationHandler
    from neo4j._codec.packstream.v1 import PackableBuffer, Packer

    buf = PackableBuffer()
    Packer(buf)._pack(value, dehydration_hooks=HydrationHandler().new_hydration_scope().dehydration_hooks)
    return bytes(buf.data)


def _packed_size(value) -> int:
    try:
        return len(pack(value))
    except (ImportError, OverflowError, ValueError, TypeError):  # counted as nothing; sending it reports the error
        return 0


class Neo4jStore(Store):
    """A graphgov store on a Neo4j 5 server.

    Parameters
    ----------
    settings : where and as whom to connect.
    driver : an open driver to use instead of making one.
    recorder : a list that receives ``(cypher, params)`` for every statement sent.
    warn : called with each server notification worth showing; by default they are
        collected in ``warnings``.
    """

    kind = "neo4j"

    def __init__(self, settings: Neo4jSettings, driver=None, recorder: list | None = None,
                 warn: Callable[[str], None] | None = None):
        super().__init__()
        self.settings = settings
        self._driver = driver
        self._session = None
        self._tx = None
        self.recorder = recorder
        self.warn = warn
        self.traffic = Traffic()

    @property
    def location(self) -> str:
        return self.settings.uri + (f" (database {self.settings.database})" if self.settings.database else "")

    @property
    def driver(self):
        if self._driver is None:
            import logging

            import neo4j

            # the driver's own warnings would print around our one-line message
            logging.getLogger("neo4j").addHandler(logging.NullHandler())
            logging.getLogger("neo4j").propagate = False
            bad_address = (ValueError, neo4j.exceptions.ConfigurationError)
            try:
                driver = neo4j.GraphDatabase.driver(self.settings.uri, auth=(self.settings.user, self.settings.password))
            except bad_address as err:
                raise OptionError(f"bad Neo4j address {self.settings.uri!r}: {_first_line(err)}") from None
            try:
                driver.verify_connectivity()
            except Exception as err:  # the driver raises many kinds; _neo4j_error sorts them
                driver.close()
                if isinstance(err, bad_address) and not isinstance(err, neo4j.exceptions.Neo4jError):
                    # raised before anything was sent: the address cannot be resolved or parsed
                    raise OptionError(f"bad Neo4j address {self.settings.uri!r}: {_first_line(err)}") from None
                raise _neo4j_error(self.settings, err) from None
            self._driver = driver
        return self._driver

    def close(self) -> None:
        if self._driver is not None:
            self._driver.close()
            self._driver = None

    # -- statements ------------------------------------------------------------------------
    def query(self, cypher: str, params: dict | None = None) -> pd.DataFrame:
        """Run a Cypher statement (values only in ``params``); a DataFrame of the records."""
        return self._run(cypher, params, shown=False)

    def report_query(self, cypher: str, params: dict | None = None) -> pd.DataFrame:
        """Run a user's report: as :meth:`query`, and the server's notifications become warnings."""
        return self._run(cypher, params, shown=True)

    def _run(self, cypher: str, params: dict | None, shown: bool) -> pd.DataFrame:
        params = dict(params or {})
        if self.recorder is not None:
            self.recorder.append((cypher, params))
        driver = self.driver
        try:
            if self._tx is not None:
                result = self._tx.run(cypher, params)
                keys = list(result.keys())
                records = list(result)
                summary = result.consume()
            else:
                records, summary, keys = driver.execute_query(cypher, params, database_=self.settings.database)
        except Exception as err:
            raise _neo4j_error(self.settings, err) from None
        rows = [[_from_neo4j(v) for v in r.values()] for r in records]
        self.traffic.add(cypher, params, rows)
        if shown:
            self._notify(summary)
        return pd.DataFrame(rows, columns=keys)

    def _notify(self, summary) -> None:
        for text in _notices(summary):
            if text in self.warnings:
                continue
            self.warnings.append(text)
            if self.warn is not None:
                self.warn(text)

    # -- writing ---------------------------------------------------------------------------
    @contextlib.contextmanager
    def transaction(self) -> Iterator["Neo4jStore"]:
        """One write transaction, holding the writers' lock: committed on success, rolled back on error."""
        if self._tx is not None:
            raise StoreError("a transaction is already open on this store")
        driver = self.driver
        session = driver.session(database=self.settings.database)
        try:
            try:
                self._tx = session.begin_transaction()
            except Exception as err:
                raise _neo4j_error(self.settings, err) from None
            try:
                self._run(LOCK_STATEMENT, {}, shown=False)
                yield self
            except BaseException:
                with contextlib.suppress(Exception):
                    self._tx.rollback()
                raise
            try:
                self._tx.commit()
            except Exception as err:
                raise _neo4j_error(self.settings, err) from None
        finally:
            self._tx = None
            session.close()

    def lock(self, label: str, id_: str) -> None:
        """Hold the write lock of node ``label`` ``id_`` until the transaction ends."""
        if self._tx is None:
            raise StoreError("lock() needs an open transaction")
        if label not in {t.label for t in schema.node_tables()}:
            raise OptionError(f"{label!r} is not a label of graphgov's schema")
        self._run(f"MATCH (n:{label} {{id: $id}}) SET n.id = n.id", {"id": id_}, shown=False)

    def ensure_schema(self) -> None:
        """The uniqueness constraints (schema changes cannot share a transaction with data)."""
        for stmt in constraint_statements():
            self._run(stmt, {}, shown=False)

    @contextlib.contextmanager
    def _apart(self) -> Iterator[None]:
        """Statements run inside this block are transactions of their own, even while one is open."""
        tx, self._tx = self._tx, None
        try:
            yield
        finally:
            self._tx = tx

    def clear_staged(self, batch_size: int = BATCH_SIZE) -> int:
        """Remove what cut-off staged loads left (nodes under the staged label and their relationships),
        a batch per transaction; the number of nodes removed. Called by a load holding the writers' lock,
        so no staged load is running."""
        removed = []
        with self._apart():
            for statement in CLEAR_STAGED:
                removed.append(0)
                while True:
                    n = self._count(statement, {"limit": batch_size})
                    removed[-1] += n
                    if n < batch_size:
                        break
        return removed[-1]

    def load(self, dataset, replace: bool = False, progress: Progress | None = None,
             batch_size: int = BATCH_SIZE, transaction: str = "auto") -> LoadResult:
        """Merge a checked dataset into the graph (or replace it), visible to readers all at once.

        ``transaction``: ``"one"`` writes everything in one transaction (raises
        TransactionTooLarge, having written nothing, when the server cannot hold it);
        ``"staged"`` writes the nodes the load adds, and the relationships among them, in
        transactions of their own under the hidden labels ``GraphgovStaged`` and
        ``GraphgovStaged<Label>`` only, then switches them
        in and makes every other change in one final transaction; ``"auto"`` stages a load
        that writes more than :data:`STAGE_ABOVE` nodes and relationships, or that the server
        refuses in one transaction for its memory, and otherwise writes one transaction
        (``notes`` says when it staged). Either way nothing under graphgov's labels changes
        until the last commit, and on any error that transaction is rolled back.
        """
        check_transaction(transaction)
        started = time.perf_counter()
        report = progress or (lambda step, done, total: None)
        self.ensure_schema()
        notes: list[str] = []
        try:
            old, merged, added, changed = self._load(dataset, replace, report, batch_size, transaction, notes)
        except TransactionTooLarge as err:
            if transaction != "auto" or err.staged:
                raise
            notes.append(f"the load did not fit in one transaction of the server ({err.reason}); "
                         f"it was staged and switched in by one final transaction")
            old, merged, added, changed = self._load(dataset, replace, report, batch_size, "staged", notes)
        before = {n: len(df) for n, df in old.items()}
        after = {n: len(df) for n, df in merged.items()}
        removed = {n: max(0, before.get(n, 0) - after[n] + added.get(n, 0)) for n in after}
        return LoadResult(before, after, added, changed, time.perf_counter() - started,
                          {n: k for n, k in removed.items() if k}, notes)

    def _load(self, dataset, replace: bool, report, batch_size: int, transaction: str, notes: list[str]):
        """One load; the final transaction holds the writers' lock from before it reads the stored tables,
        so the staged nodes it finds are its own or those of a load that was cut off (removed first)."""
        staged = transaction == "staged"
        try:
            with self.transaction():
                left = self.clear_staged(batch_size)
                if left:
                    notes.append(f"removed {left:,} nodes a cut-off staged load had left (never visible under "
                                 f"graphgov's labels)")
                old = self.read_tables()
                merged, added, changed = merge_dataset(old, dataset, replace)
                apart, final = [], []
                if not staged:
                    final = write_plan(old, merged, batch_size)
                    rows = sum(len(st.params.get("rows", st.params.get("ids", ()))) for st in final)
                    if transaction == "auto" and rows > STAGE_ABOVE:
                        staged = True
                        notes.append(f"the load writes {rows:,} nodes and relationships, more than graphgov puts "
                                     f"in one transaction ({STAGE_ABOVE:,}); it was staged and switched in by one "
                                     f"final transaction")
                if staged:
                    plan = staged_plan(old, merged, batch_size)
                    apart, final = plan.stage, plan.final
                total = len(apart) + len(final) + 1
                with self._apart():  # the staged part: transactions of their own, committed one by one
                    for i, st in enumerate(apart, 1):
                        self._run(st.cypher, st.params, shown=False)
                        report(st.step, i, total)
                for i, st in enumerate(final, len(apart) + 1):
                    self._run(st.cypher, st.params, shown=False)
                    report(st.step, i, total)
                for stmt in university_statements():
                    self._run(stmt, {"types": list(UNIVERSITY_TYPES)}, shown=False)
                report("done", total, total)
        except TransactionTooLarge as err:
            if not staged:
                raise
            raise TransactionTooLarge(
                f"Neo4j at {self.settings.uri} cannot hold even the final transaction of a staged load "
                f"({err.reason}); nothing under graphgov's labels changed (the staged part is removed by the next "
                f"load). Raise db.memory.transaction.max and dbms.memory.transaction.total.max on the server, or "
                f"load the lists one at a time with --partial", reason=err.reason, staged=True) from None
        return old, merged, added, changed


def _notices(summary) -> list[str]:
    """The server's notifications worth showing, each as one line ``Neo4j: …``.

    Newer drivers (6.x here) give them as GQL status objects; ``summary_notifications`` is deprecated
    there (a DeprecationWarning on every report), so it is read only from older drivers.
    """
    if hasattr(type(summary), "gql_status_objects"):
        out = []
        for status in summary.gql_status_objects:
            category = str(getattr(status, "raw_classification", None) or "")
            if not status.is_notification or category.upper() not in _SHOWN:
                continue
            # "warn: label does not exist. The label `X` does not exist. …": the level is said by "Warning:"
            text = re.sub(r"^(warn|info|note|error):\s*", "", status.status_description or "", flags=re.I)
            out.append(f"Neo4j: {_first_line(text)}" if text else f"Neo4j: {status.gql_status}")
        return out
    out = []
    for n in getattr(summary, "summary_notifications", None) or []:
        category = str(getattr(getattr(n, "category", None), "value", getattr(n, "category", "")) or "")
        if category.upper() in _SHOWN:
            out.append(f"Neo4j: {n.title}" + (f" — {_first_line(n.description)}" if n.description else ""))
    return out


def _first_line(err) -> str:
    text = getattr(err, "message", None) or str(err)
    return text.splitlines()[0] if text else err.__class__.__name__


def _neo4j_error(settings: Neo4jSettings, err: Exception) -> Exception:
    """One line a user can act on, for whatever the driver raised."""
    import neo4j.exceptions as ne

    where = settings.uri
    if isinstance(err, ne.AuthError):
        return StoreAuthError(f"Neo4j at {where} refused user {settings.user!r} with the given password "
                              f"(check NEO4J_USERNAME and NEO4J_PASSWORD)")
    if isinstance(err, (ne.ServiceUnavailable, ne.SessionExpired, ne.IncompleteCommit)) or isinstance(err, OSError):
        return StoreUnavailableError(f"cannot reach Neo4j at {where}, or the connection was lost: is the server "
                                     f"running and the address right? ({_first_line(err)}); nothing of an unfinished "
                                     f"write was kept")
    if isinstance(err, ne.ConstraintError):
        return ConstraintViolation(f"Neo4j at {where} refused a write that breaks a constraint: {_first_line(err)}")
    if isinstance(err, ne.CypherSyntaxError) or (isinstance(err, ne.ClientError) and ".Statement." in (err.code or "")):
        return OptionError(f"the Cypher query was not accepted by Neo4j: {_first_line(err)}")
    if "memory.transaction" in str(err):
        return TransactionTooLarge(
            f"Neo4j at {where} cannot hold this write in one transaction ({_first_line(err)}); nothing was written. "
            f"Load it with --transaction staged (or auto), or raise db.memory.transaction.max and "
            f"dbms.memory.transaction.total.max on the server", reason=_first_line(err))
    if isinstance(err, ne.ClientError):
        return StoreError(f"Neo4j at {where} refused the statement: {_first_line(err)}")
    if isinstance(err, ne.Neo4jError):
        return StoreError(f"Neo4j at {where} failed: {_first_line(err)}")
    if isinstance(err, (TypeError, ValueError, OverflowError)):
        # raised while packing parameters: the value, not the address, is wrong
        return OptionError(f"a parameter value cannot be sent to Neo4j: {_first_line(err)}")
    return StoreError(f"Neo4j at {where}: {err.__class__.__name__}: {_first_line(err)}")
