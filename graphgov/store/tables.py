"""Graph tables in the dataset's shape: typed frames, merges by key, relationship frames.

The same for every store: a load reads what a store holds with :func:`read_tables_from`,
merges the checked dataset into it with :func:`merge_dataset` and then each store writes
the result its own way, so both stores hold the same graph after the same loads.
"""
from __future__ import annotations

from typing import Callable, Iterable, Iterator

import pandas as pd

from graphgov.dataset import schema

__all__ = ["conform", "empty_table", "key_frame", "merge_tables", "merge_dataset", "edge_frames", "read_tables_from",
           "read_table",
           "diff_counts", "drop_dangling_internal", "drop_dangling_results", "sort_by_key", "keep_loop_status",
           "refuse_cycles"]


def empty_table(t: schema.Table) -> pd.DataFrame:
    data = {}
    for c in t.columns:
        if c.kind == "date":
            data[c.name] = pd.Series([], dtype="datetime64[us]")
        elif c.kind == "int":
            data[c.name] = pd.Series([], dtype="Int64")
        elif c.kind == "float":
            data[c.name] = pd.Series([], dtype="float64")
        else:
            data[c.name] = pd.Series([], dtype=object)
    return pd.DataFrame(data)


def conform(df: pd.DataFrame, t: schema.Table) -> pd.DataFrame:
    """The table's columns, in schema order and with graphgov's dtypes."""
    out = {}
    for c in t.columns:
        s = df[c.name] if c.name in df.columns else pd.Series([None] * len(df), index=df.index, dtype=object)
        if c.kind == "date":
            s = pd.to_datetime(s, errors="coerce").astype("datetime64[us]")
        elif c.kind == "int":
            s = pd.to_numeric(s, errors="coerce").round().astype("Int64")
        elif c.kind == "float":
            s = pd.to_numeric(s, errors="coerce").astype("float64")
        else:
            s = s.astype(object).where(s.notna(), None)
        out[c.name] = s.reset_index(drop=True)
    return pd.DataFrame(out)


def key_frame(df: pd.DataFrame, key: tuple[str, ...]) -> pd.Series:
    if key == ("id",):
        return df["id"].astype(object)
    parts = [df[k].astype(object).where(df[k].notna(), "").astype(str) for k in key]
    out = parts[0]
    for p in parts[1:]:
        out = out + "\x1f" + p
    return out.astype(object)


def merge_tables(old: pd.DataFrame, new: pd.DataFrame, t: schema.Table, present: set[str] | None) -> pd.DataFrame:
    """Upsert ``new`` into ``old`` by the table's key.

    Rows of ``new`` replace the stored values of the columns the file had (``present``);
    columns the file did not have keep their stored values; stored rows absent from
    ``new`` are kept.
    """
    new = conform(new, t)
    if old is None or old.empty:
        return new
    old = conform(old, t)
    present = set(t.column_names) if present is None else set(present) | set(t.key)
    old_keys = key_frame(old, t.key)
    new_keys = key_frame(new, t.key)
    old = old.set_axis(old_keys.values)
    new = new.set_axis(new_keys.values)
    merged = new.copy()
    kept = [c for c in t.column_names if c not in present]
    if kept:
        common = new.index.intersection(old.index)
        for c in kept:
            merged.loc[common, c] = old.loc[common, c]
    rest = old.loc[~old.index.isin(new.index)]
    out = pd.concat([rest, merged]) if len(rest) else merged
    return conform(out.reset_index(drop=True), t)


def edge_frames(tables: dict[str, pd.DataFrame]) -> Iterator[tuple[schema.Relation, pd.DataFrame]]:
    """For each relation of the schema, a frame with ``from``, ``to`` and its properties."""
    for rel in schema.RELATIONS:
        df = tables.get(rel.table)
        if df is None or df.empty:
            continue
        tdef = schema.table(rel.table)
        src, dst = df[rel.from_col], df[rel.to_col]
        frame = pd.DataFrame({"from": src.values, "to": dst.values})
        for p in rel.properties:
            frame[p] = df[p].values
        if tdef.column(rel.to_col).kind == "idlist" or tdef.column(rel.from_col).kind == "idlist":
            col = "to" if tdef.column(rel.to_col).kind == "idlist" else "from"
            frame[col] = frame[col].map(lambda v: v.split(";") if isinstance(v, str) and v else None)
            frame = frame.explode(col)
        frame = frame[frame["from"].notna() & frame["to"].notna()]
        yield rel, frame.reset_index(drop=True)


def read_tables_from(run: Callable[..., pd.DataFrame], include_internal: bool = True,
                     names: Iterable[str] | None = None, include_computed: bool = False) -> dict[str, pd.DataFrame]:
    """Read every table (or only ``names``) through a query function (Cypher → DataFrame).

    The tables of stored analysis results (``computed``) are read only when named or with
    ``include_computed``.
    """
    wanted = None if names is None else set(names)
    out: dict[str, pd.DataFrame] = {}
    for t in schema.ALL_TABLES:
        if wanted is not None:
            if t.name not in wanted:
                continue
        elif t.internal and not include_internal or t.computed and not include_computed:
            continue
        out[t.name] = read_table(run, t)
    return out


def read_table(run: Callable[..., pd.DataFrame], t: schema.Table, where: str = "",
               params: dict | None = None) -> pd.DataFrame:
    """One table as stored, in key order; only the rows ``where`` keeps.

    ``where`` is a Cypher condition on the node ``n`` (node tables) or on the relationship's ends
    ``a`` and ``b`` (link tables), with values only in ``params``: ``"n.id IN $ids"``.
    """
    cond = f" WHERE {where}" if where else ""
    if t.label:
        cols = ", ".join(f"n.{c.name} AS {c.name}" for c in t.columns)
        df = run(f"MATCH (n:{t.label}){cond} RETURN {cols}", params)
    else:
        (rel,) = t.relations
        a, b = schema.label_of(rel.from_table), schema.label_of(rel.to_table)
        cols = [f"a.id AS {rel.from_col}", f"b.id AS {rel.to_col}"] + [f"r.{p} AS {p}" for p in rel.properties]
        df = run(f"MATCH (a:{a})-[r:{rel.type}]->(b:{b}){cond} RETURN {', '.join(cols)}", params)
    # rows in key order, so every store gives the same frames (and maps, reports) for the same graph
    return sort_by_key(conform(df, t), t)


def sort_by_key(df: pd.DataFrame, t: schema.Table) -> pd.DataFrame:
    """Rows ordered by the table's key (text order), index reset."""
    if len(df) < 2:
        return df
    order = key_frame(df, t.key).astype(str).argsort(kind="stable")
    return df.iloc[order.values].reset_index(drop=True)


def diff_counts(prev: pd.DataFrame | None, merged: pd.DataFrame, t: schema.Table) -> tuple[int, int]:
    if prev is None or prev.empty:
        return len(merged), 0
    prev = conform(prev, t)
    pk = key_frame(prev, t.key)
    mk = key_frame(merged, t.key)
    added = int((~mk.isin(set(pk))).sum())
    a = prev.set_axis(pk.values)
    b = merged.set_axis(mk.values)
    common = a.index.intersection(b.index)
    if not len(common):
        return added, 0
    a, b = a.loc[common].astype(object), b.loc[common].astype(object)
    differs = ~((a == b) | (a.isna() & b.isna())).all(axis=1)
    return added, int(differs.sum())


def drop_dangling_internal(tables: dict[str, pd.DataFrame]) -> None:
    """Drop what graphgov wrote about rows a replacing load removed (dispatches, events, results)."""
    needs = set(tables["needs"]["id"])
    resources = set(tables["resources"]["id"])
    drop_dangling_results(tables)
    d = tables["dispatches"]
    tables["dispatches"] = d[d["need_id"].isin(needs) & d["resource_id"].isin(resources)].reset_index(drop=True)
    e = tables["need_events"]
    keep = e["need_id"].isin(needs) & (e["dispatch_id"].isna() | e["dispatch_id"].isin(set(tables["dispatches"]["id"])))
    tables["need_events"] = e[keep].reset_index(drop=True)


def merge_dataset(old: dict[str, pd.DataFrame], dataset, replace: bool = False
                  ) -> tuple[dict[str, pd.DataFrame], dict[str, int], dict[str, int]]:
    """What the store should hold after loading ``dataset`` over ``old``: (tables, added, changed).

    Rows are matched by the tables' keys: new rows are added, known rows updated (columns
    the file lacked keep their stored values), rows the dataset lacks kept unless
    ``replace``. Graphgov's own tables (dispatches, need events) are kept; with
    ``replace``, those of needs or resources that are gone are dropped. A need the
    dispatch loop has recorded a step for keeps its stored status (:func:`keep_loop_status`),
    so loading the same dataset again gives the same graph. Raises DataError when the
    merged hierarchies would hold a circle (:func:`refuse_cycles`).
    """
    merged: dict[str, pd.DataFrame] = {}
    added, changed = {}, {}
    for t in schema.ALL_TABLES:
        prev = old.get(t.name)
        if t.internal:
            merged[t.name] = conform(prev, t) if prev is not None else empty_table(t)
            continue
        if t.name not in dataset.tables:
            merged[t.name] = conform(prev, t) if prev is not None and not replace else empty_table(t)
            continue
        base = None if replace else prev
        merged[t.name] = merge_tables(base, dataset.tables[t.name], t, dataset.present.get(t.name))
        if t.name == "needs":
            keep_loop_status(merged[t.name], prev, old.get("need_events"))
        added[t.name], changed[t.name] = diff_counts(prev, merged[t.name], t)
    if replace:
        drop_dangling_internal(merged)
    refuse_cycles(merged, dataset)
    return merged, added, changed


LOOP_COLUMNS = ("dispatched_on", "accepted_on", "fulfilled_on", "closed_on", "rating")


def keep_loop_status(needs: pd.DataFrame, stored: pd.DataFrame | None, events: pd.DataFrame | None) -> None:
    """Give back, in place, the stored status of every need the dispatch loop has recorded a step for.

    Once ``dispatch``, ``accept`` … ``close`` or ``reopen`` has recorded a step for a need, its
    status is the loop's record (computed from its dispatches), not the list's: reloading
    the list that still says ``open`` must not undo a live dispatch.
    """
    if stored is None or stored.empty or events is None or events.empty:
        return
    touched = set(events["need_id"].dropna())
    by_id = stored.set_index("id")
    keep = needs["id"].isin(touched) & needs["id"].isin(by_id.index)
    if not keep.any():
        return
    needs.loc[keep, "status"] = needs.loc[keep, "id"].map(by_id["status"])
    # the dates and rating the loop wrote with its steps are its record too, where the list leaves them empty
    for col in LOOP_COLUMNS:
        if col in needs.columns and col in by_id.columns:
            empty = keep & needs[col].isna()
            if empty.any():
                needs.loc[empty, col] = needs.loc[empty, "id"].map(by_id[col])


def refuse_cycles(merged: dict[str, pd.DataFrame], dataset) -> None:
    """Raise DataError when the merged hierarchies hold a circle through a row of ``dataset``.

    The checks see this too when told the stored parents; here, under the writer's lock,
    it holds whatever the caller checked, so no load (partial or not) writes a circle.
    """
    from graphgov.dataset.hierarchy import HIERARCHIES, cycle_message, find_cycles
    from graphgov.errors import DataError, Problem

    problems = []
    for name in HIERARCHIES:
        if name not in dataset.tables:
            continue
        mine = [i for i in dataset.tables[name]["id"] if i is not None]
        row_of = dict(zip(mine, getattr(dataset, "rows", {}).get(name, [None] * len(mine))))
        df = merged[name]
        for cycle in find_cycles(dict(zip(df["id"], df["parent_id"].where(df["parent_id"].notna(), None)))):
            first = next((k for k, n in enumerate(cycle) if n in row_of), None)
            if first is None:
                continue
            cycle = cycle[first:] + cycle[:first]
            msg, fix = cycle_message([n if n in row_of else f"{n} (stored)" for n in cycle])
            source = getattr(dataset, "sources", {}).get(name, name)
            problems.append(Problem(source, row_of[cycle[0]], "parent_id", msg, cycle[0], fix))
    if problems:
        raise DataError(problems)


def drop_dangling_results(tables: dict[str, pd.DataFrame]) -> None:
    """Keep stored results pointing only at nodes that exist: a proposal whose need or resource
    is gone is dropped, a finding loses its links to missing nodes (its stamp says it is stale)."""
    ids = {t.name: set(tables[t.name]["id"]) for t in schema.node_tables() if t.name in tables}
    for t in schema.ALL_TABLES:
        df = tables.get(t.name)
        if not t.computed or df is None or df.empty:
            continue
        keep = pd.Series(True, index=df.index)
        for c in t.columns:
            if c.kind == "ref" and c.ref in ids:
                known = df[c.name].isna() | df[c.name].isin(ids[c.ref])
                if c.required:
                    keep &= known
                else:
                    df[c.name] = df[c.name].where(known, None)
            elif c.kind == "idlist" and c.ref in ids:
                have = ids[c.ref]
                df[c.name] = df[c.name].map(lambda v, have=have: ";".join(i for i in v.split(";") if i in have) or None
                                            if isinstance(v, str) else None)
        tables[t.name] = df[keep].reset_index(drop=True)
