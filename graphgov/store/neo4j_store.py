"""The Neo4j store: the team's server, for a city's or a province's graph.

Same labels, relationship types and properties as the embedded store (both come from
:mod:`graphgov.dataset.schema`), so the Cypher reports run unchanged. Universities and research
institutes carry the extra label ``University``.

Loading uses ``UNWIND $rows … MERGE`` in batches, one transaction per batch, after the
uniqueness constraints exist. Every statement is idempotent, so a load that was cut off
is finished by running it again. Values only ever travel as ``$params``; labels,
relationship types and property names in the statements come from the schema, never
from data.

Connection settings are those of Neo4j's own tools: ``NEO4J_URI``, ``NEO4J_USERNAME``,
``NEO4J_PASSWORD`` and ``NEO4J_DATABASE``. The password is read from the environment or
asked for without echo; it is never a command-line value and never printed.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Callable, Iterator

import pandas as pd

from graphgov.dataset import schema
from graphgov.dataset.checks import Dataset
from graphgov.errors import OptionError, StoreError
from graphgov.store.ladybug_store import conform, edge_frames, read_tables_from

__all__ = ["Neo4jSettings", "Neo4jStore", "constraint_statements", "node_merge_statement", "relation_statements",
           "university_statements", "load_statements", "BATCH_SIZE"]

BATCH_SIZE = 5_000
UNIVERSITY_TYPES = ("university", "research_institute")
Progress = Callable[[str, int, int], None]


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
            raise OptionError("no Neo4j server given: use --neo4j URI or set NEO4J_URI (e.g. neo4j://localhost:7687)")
        user = user or environ.get("NEO4J_USERNAME") or environ.get("NEO4J_USER") or "neo4j"
        password = environ.get("NEO4J_PASSWORD")
        if password is None:
            if ask_password is None:
                raise OptionError("no Neo4j password: set NEO4J_PASSWORD (it is never taken on the command line)")
            password = ask_password()
        return cls(uri, user, password, database or environ.get("NEO4J_DATABASE") or None)


# -- the statements --------------------------------------------------------------------

def constraint_statements() -> list[str]:
    """One uniqueness constraint on ``id`` for every label."""
    return [f"CREATE CONSTRAINT {t.name}_id IF NOT EXISTS FOR (n:{t.label}) REQUIRE n.id IS UNIQUE"
            for t in schema.node_tables()]


def node_merge_statement(t: schema.Table, columns: list[str]) -> str:
    """MERGE a batch of rows of a node table by id, setting the given columns."""
    sets = ", ".join(f"n.{c} = row.{c}" for c in columns if c != "id")
    return f"UNWIND $rows AS row MERGE (n:{t.label} {{id: row.id}})" + (f" SET {sets}" if sets else "")


def relation_statements(rel: schema.Relation) -> tuple[str | None, str]:
    """(clear, merge) statements for one relation.

    For a relation made from a node's column (a need's unit_id → RAISES), ``clear``
    first removes that node's edges of the type, so an updated column moves the edge;
    link-table relations (MEMBER_OF, …) have no clear step: they are keyed by both ends.
    """
    a, b = schema.label_of(rel.from_table), schema.label_of(rel.to_table)
    clear = None
    if not rel.properties:
        if rel.from_col == "id":
            clear = f"UNWIND $ids AS id MATCH (a:{a} {{id: id}})-[r:{rel.type}]->(:{b}) DELETE r"
        else:
            clear = f"UNWIND $ids AS id MATCH (:{a})-[r:{rel.type}]->(b:{b} {{id: id}}) DELETE r"
    sets = ", ".join(f"r.{p} = row.{p}" for p in rel.properties)
    # the row keys are the columns the edge comes from, so they are known property keys
    merge = (f"UNWIND $rows AS row MATCH (a:{a} {{id: row.{rel.from_col}}}) MATCH (b:{b} {{id: row.{rel.to_col}}}) "
             f"MERGE (a)-[r:{rel.type}]->(b)" + (f" SET {sets}" if sets else ""))
    return clear, merge


def university_statements() -> list[str]:
    return [
        "MATCH (u:Unit) WHERE u.type IN $types SET u:University",
        "MATCH (u:University) WHERE NOT u.type IN $types REMOVE u:University",
    ]


def load_statements() -> list[tuple[str, str]]:
    """Every statement a load may send, named, for the linter tests."""
    out = [(f"constraint {i}", s) for i, s in enumerate(constraint_statements())]
    for t in schema.node_tables():
        out.append((f"merge {t.label}", node_merge_statement(t, t.column_names)))
    for rel in schema.RELATIONS:
        clear, merge = relation_statements(rel)
        if clear:
            out.append((f"clear {rel.table}.{rel.type}", clear))
        out.append((f"merge {rel.table}.{rel.type}", merge))
    out += [(f"university {i}", s) for i, s in enumerate(university_statements())]
    return out


def _param(value):
    """A cell as a Neo4j parameter: dates as dates, no NaN."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if hasattr(value, "item"):
        return value.item()
    return value


def _rows(df: pd.DataFrame, columns: list[str]) -> list[dict]:
    return [{c: _param(v) for c, v in zip(columns, row)} for row in df[columns].itertuples(index=False, name=None)]


def _batches(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _from_neo4j(value):
    if hasattr(value, "to_native"):
        return value.to_native()
    return value


class Neo4jStore:
    """A graphgov store on a Neo4j 5 server (``query`` and ``read_tables`` as the embedded store)."""

    def __init__(self, settings: Neo4jSettings, driver=None):
        self.settings = settings
        self._driver = driver

    @property
    def driver(self):
        if self._driver is None:
            import logging

            import neo4j

            # the driver's own warnings would print around our one-line message
            logging.getLogger("neo4j").addHandler(logging.NullHandler())
            try:
                self._driver = neo4j.GraphDatabase.driver(self.settings.uri,
                                                          auth=(self.settings.user, self.settings.password))
                self._driver.verify_connectivity()
            except Exception as err:  # the driver raises many kinds; all mean "cannot use this server"
                self._driver = None
                raise _neo4j_error(self.settings, err) from None
        return self._driver

    def close(self) -> None:
        if self._driver is not None:
            self._driver.close()
            self._driver = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def exists(self) -> bool:
        return True

    def query(self, cypher: str, params: dict | None = None) -> pd.DataFrame:
        """Run a Cypher query (values only in ``params``); a DataFrame of the records."""
        try:
            records, summary, keys = self.driver.execute_query(cypher, params or {}, database_=self.settings.database)
        except Exception as err:
            raise _neo4j_error(self.settings, err) from None
        return pd.DataFrame([[_from_neo4j(v) for v in r.values()] for r in records], columns=list(keys))

    def run(self, cypher: str, params: dict | None = None) -> None:
        """Run a write statement in its own transaction."""
        self.query(cypher, params)

    def read_tables(self, include_internal: bool = True) -> dict[str, pd.DataFrame]:
        return read_tables_from(self.query, include_internal)

    def counts(self) -> pd.DataFrame:
        rows = []
        for t in schema.node_tables():
            n = self.query(f"MATCH (n:{t.label}) RETURN count(n) AS n")["n"].iloc[0]
            rows.append(("node", t.label, int(n)))
        n = self.query("MATCH (n:University) RETURN count(n) AS n")["n"].iloc[0]
        rows.append(("node", "University", int(n)))
        for rtype in schema.relation_endpoints():
            n = self.query(f"MATCH ()-[r:{rtype}]->() RETURN count(r) AS n")["n"].iloc[0]
            rows.append(("relationship", rtype, int(n)))
        return pd.DataFrame(rows, columns=["kind", "name", "count"])

    def load(self, dataset: Dataset, progress: Progress | None = None, batch_size: int = BATCH_SIZE) -> dict[str, int]:
        """Load a checked dataset: constraints, then nodes, then relationships, in batches.

        Each batch is one transaction and every statement is idempotent: a load cut off
        part way is completed by running it again. Returns rows sent per table.
        """
        report = progress or (lambda step, done, total: None)
        tables: dict[str, pd.DataFrame] = {}
        for t in schema.TABLES:
            if t.name in dataset.tables:
                tables[t.name] = conform(dataset.tables[t.name], t)
        plan: list[tuple[str, str, list]] = []
        for stmt in constraint_statements():
            plan.append(("constraints", stmt, [None]))
        for t in schema.node_tables():
            if t.name not in tables:
                continue
            cols = [c for c in t.column_names if c in dataset.present.get(t.name, set(t.column_names)) or c == "id"]
            stmt = node_merge_statement(t, cols)
            for batch in _batches(_rows(tables[t.name], cols), batch_size):
                plan.append((t.label, stmt, batch))
        for rel, frame in edge_frames(tables):
            clear, merge = relation_statements(rel)
            frame = frame.rename(columns={"from": rel.from_col, "to": rel.to_col})
            if clear:
                ids = list(dict.fromkeys(tables[rel.table]["id"].tolist()))
                for batch in _batches(ids, batch_size):
                    plan.append((rel.type, clear, ("ids", batch)))
            for batch in _batches(_rows(frame, [rel.from_col, rel.to_col, *rel.properties]), batch_size):
                plan.append((rel.type, merge, batch))
        for stmt in university_statements():
            plan.append(("University", stmt, ("types", list(UNIVERSITY_TYPES))))
        for i, (step, stmt, batch) in enumerate(plan, 1):
            if batch == [None]:
                self.run(stmt)
            elif isinstance(batch, tuple):
                self.run(stmt, {batch[0]: batch[1]})
            else:
                self.run(stmt, {"rows": batch})
            report(step, i, len(plan))
        return {n: len(df) for n, df in tables.items()}


def _neo4j_error(settings: Neo4jSettings, err: Exception) -> StoreError:
    """One line a user can act on, for whatever the driver raised."""
    import neo4j.exceptions as ne

    where = settings.uri
    if isinstance(err, ne.AuthError):
        return StoreError(f"Neo4j at {where} refused user {settings.user!r} with the given password "
                          f"(check NEO4J_USERNAME and NEO4J_PASSWORD)")
    if isinstance(err, (ne.ServiceUnavailable, ne.SessionExpired)):
        return StoreError(f"cannot reach Neo4j at {where}: is the server running and the address right? "
                          f"({str(err).splitlines()[0] if str(err) else err.__class__.__name__})")
    if isinstance(err, ne.ConfigurationError) or isinstance(err, ValueError):
        return OptionError(f"bad Neo4j address {where!r}: {str(err).splitlines()[0]}")
    if isinstance(err, ne.ClientError):
        return StoreError(f"Neo4j at {where} refused the statement: {getattr(err, 'message', None) or str(err).splitlines()[0]}")
    if isinstance(err, ne.Neo4jError):
        return StoreError(f"Neo4j at {where}: {str(err).splitlines()[0]}")
    if isinstance(err, OSError):
        return StoreError(f"cannot reach Neo4j at {where}: {err}")
    raise err
