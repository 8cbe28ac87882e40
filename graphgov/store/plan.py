"""Write plans: the Cypher statements that turn the graph a store holds into the graph it should hold.

A load on a server store reads the stored tables, merges the dataset into them exactly as
the embedded store does (:func:`graphgov.store.tables.merge_dataset`) and sends only the
difference: relationships and nodes that went, nodes that are new or changed,
relationships that are new. A relationship is identified by its two ends and all its
properties, so two agreements of different kinds between one pair of units stay two,
and a changed property is one relationship removed and one created.

The statements use only Cypher that Neo4j and LadybugDB share, so a recorded plan can be
replayed on LadybugDB and compared with the embedded load. Labels, relationship types
and property names come from the schema; every value travels in ``$rows`` or ``$ids``.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterator

import pandas as pd

from graphgov.dataset import schema
from graphgov.store.tables import conform, edge_frames, key_frame

__all__ = ["Statement", "StagedPlan", "write_plan", "staged_plan", "plan_statements", "staged_statements",
           "node_upsert_statement", "node_delete_statement", "relation_create_statement",
           "relation_delete_statement", "node_stage_statement", "relation_stage_statement", "promote_statement",
           "staged_label",
           "cell", "BATCH_SIZE", "STAGED_LABEL"]

BATCH_SIZE = 5_000
#: the label of nodes a staged load has written but not yet switched in (with one per table,
#: :func:`staged_label`): no query for a graphgov label finds them, and the final transaction gives
#: them their real label
STAGED_LABEL = "GraphgovStaged"


@dataclass(frozen=True)
class Statement:
    """One statement of a plan: a step name (for progress), the Cypher text and its parameters."""

    step: str
    cypher: str
    params: dict


def cell(value):
    """A table cell as a Cypher parameter value: dates as dates, NaN and NaT as null, numpy as Python."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if hasattr(value, "item"):
        return value.item()
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value


def node_upsert_statement(t: schema.Table, empty: frozenset[str] = frozenset()) -> str:
    """MERGE rows of a node table by id and set every column; ``empty`` columns (null in every row) to null.

    Columns null throughout a batch are written as a literal null rather than read from
    the rows, because LadybugDB types a parameter's fields from their values.
    """
    sets = ", ".join(f"n.{c} = " + ("null" if c in empty else f"row.{c}") for c in t.column_names if c != "id")
    return f"UNWIND $rows AS row MERGE (n:{t.label} {{id: row.id}})" + (f" SET {sets}" if sets else "")


def node_delete_statement(t: schema.Table) -> str:
    return f"UNWIND $ids AS id MATCH (n:{t.label} {{id: id}}) DETACH DELETE n"


def _ends(rel: schema.Relation) -> tuple[str, str]:
    return schema.label_of(rel.from_table), schema.label_of(rel.to_table)


def relation_create_statement(rel: schema.Relation, empty: frozenset[str] = frozenset()) -> str:
    """CREATE relationships from rows of their two ends' ids and properties (``empty`` ones left unset)."""
    a, b = _ends(rel)
    props = ", ".join(f"{p}: row.{p}" for p in rel.properties if p not in empty)
    src, dst = rel.from_col, rel.to_col  # the row keys are the columns the edge comes from: known property keys
    return (f"UNWIND $rows AS row MATCH (a:{a} {{id: row.{src}}}) MATCH (b:{b} {{id: row.{dst}}}) "
            f"CREATE (a)-[r:{rel.type}" + (f" {{{props}}}" if props else "") + "]->(b)")


def relation_delete_statement(rel: schema.Relation, empty: frozenset[str] = frozenset()) -> str:
    """DELETE the relationships whose ends and every property equal a row's (``empty``: null in every row)."""
    a, b = _ends(rel)
    same = " AND ".join(f"r.{p} IS NULL" if p in empty else f"(r.{p} = row.{p} OR r.{p} IS NULL AND row.{p} IS NULL)"
                        for p in rel.properties)
    src, dst = rel.from_col, rel.to_col
    return (f"UNWIND $rows AS row MATCH (a:{a} {{id: row.{src}}})-[r:{rel.type}]->(b:{b} {{id: row.{dst}}}) "
            + (f"WHERE {same} " if same else "") + "DELETE r")


def staged_label(label: str) -> str:
    """The label a node of ``label`` is staged under (beside :data:`STAGED_LABEL`): ``GraphgovStagedUnit`` …"""
    return STAGED_LABEL + label


def node_stage_statement(t: schema.Table, empty: frozenset[str] = frozenset()) -> str:
    """CREATE rows of a node table under the staged labels only (``empty`` columns, null in every row,
    are not set)."""
    sets = ", ".join(f"n.{c} = row.{c}" for c in t.column_names if c != "id" and c not in empty)
    return (f"UNWIND $rows AS row CREATE (n:{STAGED_LABEL}:{staged_label(t.label)} {{id: row.id}})"
            + (f" SET {sets}" if sets else ""))


def relation_stage_statement(rel: schema.Relation, empty: frozenset[str] = frozenset()) -> str:
    """CREATE relationships between two staged nodes."""
    a, b = _ends(rel)
    props = ", ".join(f"{p}: row.{p}" for p in rel.properties if p not in empty)
    src, dst = rel.from_col, rel.to_col
    return (f"UNWIND $rows AS row MATCH (a:{staged_label(a)} {{id: row.{src}}}) "
            f"MATCH (b:{staged_label(b)} {{id: row.{dst}}}) "
            f"CREATE (a)-[r:{rel.type}" + (f" {{{props}}}" if props else "") + "]->(b)")


def promote_statement(t: schema.Table) -> str:
    """Give the staged nodes of one table their real label. Only labels change: no property is written,
    which keeps the final transaction small (removing a staging property from every node measured
    too large for 512 MiB of transaction memory at the Beijing preset)."""
    return f"MATCH (n:{staged_label(t.label)}) SET n:{t.label} REMOVE n:{STAGED_LABEL}:{staged_label(t.label)}"


def staged_statements() -> list[tuple[str, str]]:
    """Every statement a staged load may add to a plan's, named (for the linter tests)."""
    out = []
    for t in schema.node_tables():
        out += [(f"stage {t.label}", node_stage_statement(t)), (f"promote {t.label}", promote_statement(t))]
    out += [(f"stage {rel.table}.{rel.type}", relation_stage_statement(rel)) for rel in schema.RELATIONS]
    return out


def plan_statements() -> list[tuple[str, str]]:
    """Every statement a plan may contain, named (for the linter tests)."""
    out = []
    for t in schema.node_tables():
        out += [(f"upsert {t.label}", node_upsert_statement(t)), (f"delete {t.label}", node_delete_statement(t))]
    for rel in schema.RELATIONS:
        out += [(f"create {rel.table}.{rel.type}", relation_create_statement(rel)),
                (f"delete {rel.table}.{rel.type}", relation_delete_statement(rel))]
    return out


def _records(df: pd.DataFrame, columns: list[str]) -> list[dict]:
    return [{c: cell(v) for c, v in zip(columns, row)} for row in df[columns].itertuples(index=False, name=None)]


def _edge_set(frame: pd.DataFrame | None, rel: schema.Relation) -> dict[tuple, dict]:
    if frame is None or frame.empty:
        return {}
    frame = frame.rename(columns={"from": rel.from_col, "to": rel.to_col})
    cols = [rel.from_col, rel.to_col, *rel.properties]
    return {tuple(r[c] for c in cols): r for r in _records(frame, cols)}


def _node_changes(old: pd.DataFrame | None, new: pd.DataFrame, t: schema.Table) -> tuple[pd.DataFrame, list]:
    """(rows of ``new`` that are new or differ from ``old``, ids of ``old`` that ``new`` lacks)."""
    new = conform(new, t)
    if old is None or old.empty:
        return new, []
    old = conform(old, t)
    ok, nk = key_frame(old, t.key), key_frame(new, t.key)
    gone = old.loc[~ok.isin(set(nk)), "id"].tolist()
    a, b = old.set_axis(ok.values), new.set_axis(nk.values)
    common = b.index.intersection(a.index)
    same = pd.Series(False, index=b.index)
    if len(common):
        x, y = a.loc[common].astype(object), b.loc[common].astype(object)
        same.loc[common] = ((x == y) | (x.isna() & y.isna())).all(axis=1).values
    return new[~same.values].reset_index(drop=True), gone


def _batches(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _statements(step: str, make, records: list[dict], columns: list[str], size: int) -> list[Statement]:
    """One statement per batch, its columns null in every row of the batch written as null."""
    out = []
    for batch in _batches(records, size):
        empty = frozenset(c for c in columns if all(r[c] is None for r in batch))
        rows = [{k: v for k, v in r.items() if k not in empty} for r in batch] if empty else batch
        out.append(Statement(step, make(empty), {"rows": rows}))
    return out


def _changes(old: dict[str, pd.DataFrame], new: dict[str, pd.DataFrame]):
    """What differs: per relation (rel, records gone, records new); per node table (table, rows new or
    changed as records, ids gone)."""
    old_edges = {(r.table, r.type): f for r, f in edge_frames(old)}
    new_edges = {(r.table, r.type): f for r, f in edge_frames(new)}
    rels = []
    for rel in schema.RELATIONS:
        before = _edge_set(old_edges.get((rel.table, rel.type)), rel)
        after = _edge_set(new_edges.get((rel.table, rel.type)), rel)
        rels.append((rel, [before[k] for k in before.keys() - after.keys()],
                     [after[k] for k in after.keys() - before.keys()]))
    nodes = []
    for t in schema.node_tables():
        if t.name not in new:
            continue
        rows, gone = _node_changes(old.get(t.name), new[t.name], t)
        nodes.append((t, _records(rows, t.column_names), gone))
    return rels, nodes


def _removals(rels, nodes, batch_size: int) -> list[Statement]:
    """Relationships that went, then nodes that went."""
    out: list[Statement] = []
    for rel, gone, _ in rels:
        out += _statements(f"{rel.table}.{rel.type}", lambda e, rel=rel: relation_delete_statement(rel, e), gone,
                           list(rel.properties), batch_size)
    for t, _, gone in nodes:
        out += [Statement(t.label, node_delete_statement(t), {"ids": b}) for b in _batches(gone, batch_size)]
    return out


def _upserts(t: schema.Table, records: list[dict], batch_size: int) -> list[Statement]:
    return _statements(t.label, lambda e: node_upsert_statement(t, e), records,
                       [c for c in t.column_names if c != "id"], batch_size)


def _creates(rel: schema.Relation, records: list[dict], batch_size: int) -> list[Statement]:
    return _statements(f"{rel.table}.{rel.type}", lambda e: relation_create_statement(rel, e), records,
                       list(rel.properties), batch_size)


def write_plan(old: dict[str, pd.DataFrame], new: dict[str, pd.DataFrame],
               batch_size: int = BATCH_SIZE) -> list[Statement]:
    """The statements that turn a graph with tables ``old`` into one with tables ``new``.

    Order: relationships that went, nodes that went, new and changed nodes, new
    relationships. An empty plan means the store already holds ``new``.
    """
    rels, nodes = _changes(old, new)
    plan = _removals(rels, nodes, batch_size)
    for t, records, _ in nodes:
        plan += _upserts(t, records, batch_size)
    for rel, _, came in rels:
        plan += _creates(rel, came, batch_size)
    return plan


@dataclass(frozen=True)
class StagedPlan:
    """A write plan in two parts: ``stage`` (each statement its own transaction, invisible to queries
    that name graphgov's labels) and ``final`` (one transaction that switches the staged part in and
    makes every other change). ``staged_nodes`` and ``staged_relationships`` count the first part."""

    stage: list[Statement]
    final: list[Statement]
    staged_nodes: int
    staged_relationships: int


def staged_plan(old: dict[str, pd.DataFrame], new: dict[str, pd.DataFrame],
                batch_size: int = BATCH_SIZE) -> StagedPlan:
    """:func:`write_plan` split for a load larger than one transaction.

    The nodes the load adds are staged (created under :data:`STAGED_LABEL` and
    :func:`staged_label` only), and so are the new relationships whose two ends are both
    such nodes. The final part removes what went, promotes the staged nodes (changes their
    labels: no property is sent or written again), updates changed nodes and creates the
    relationships that touch a node that was there before. The store must hold no staged
    nodes of another load.
    """
    rels, nodes = _changes(old, new)
    label_of_table = {t.name: t.label for t in schema.node_tables()}
    stage: list[Statement] = []
    final = _removals(rels, nodes, batch_size)
    fresh: dict[str, set] = {}
    staged_nodes = staged_rels = 0
    for t, records, _ in nodes:
        known = set(old[t.name]["id"]) if t.name in old and not old[t.name].empty else set()
        added = [r for r in records if r["id"] not in known]
        fresh[t.label] = {r["id"] for r in added}
        staged_nodes += len(added)
        stage += _statements(t.label, lambda e, t=t: node_stage_statement(t, e), added,
                             [c for c in t.column_names if c != "id"], batch_size)
        if added:
            final.append(Statement(t.label, promote_statement(t), {}))
        final += _upserts(t, [r for r in records if r["id"] not in fresh[t.label]], batch_size)
    for rel, _, came in rels:
        a, b = label_of_table[rel.from_table], label_of_table[rel.to_table]
        inside = [r for r in came if r[rel.from_col] in fresh.get(a, ()) and r[rel.to_col] in fresh.get(b, ())]
        staged_rels += len(inside)
        stage += _statements(f"{rel.table}.{rel.type}", lambda e, rel=rel: relation_stage_statement(rel, e),
                             inside, list(rel.properties), batch_size)
        outside = [r for r in came if not (r[rel.from_col] in fresh.get(a, ()) and r[rel.to_col] in fresh.get(b, ()))]
        final += _creates(rel, outside, batch_size)
    return StagedPlan(stage, final, staged_nodes, staged_rels)
