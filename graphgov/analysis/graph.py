"""The networkx view of a graphgov graph: the one entry point for the analyses.

Nodes are keyed ``"Label:id"`` (see :func:`graphgov.dataset.schema.node_key`) and carry
``label``, ``id``, ``name`` (a need's, resource's or project's title) and every stored
property; empty values are left out. Edges go in the stored direction, keyed by their
relationship type, with ``type`` and their properties.
"""
from __future__ import annotations

import networkx as nx
import pandas as pd

from graphgov.dataset import schema
from graphgov.store.tables import conform, edge_frames

__all__ = ["to_networkx", "tables_of"]


def tables_of(source) -> dict[str, pd.DataFrame]:
    """The tables of a store, a checked Dataset or a dict of DataFrames."""
    if hasattr(source, "read_tables"):
        return source.read_tables()
    if hasattr(source, "tables"):
        return {n: conform(df, schema.table(n)) for n, df in source.tables.items()}
    return {n: conform(df, schema.table(n)) for n, df in source.items()}


def _clean(value):
    if value is None:
        return None
    if isinstance(value, float) and value != value:
        return None
    if value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if hasattr(value, "item"):
        return value.item()
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value


def _plain_column(s: pd.Series) -> list:
    """A column as plain Python values, as :func:`_clean` makes them one by one (dates as dates, no NaN)."""
    if pd.api.types.is_datetime64_any_dtype(s):
        return [None if v is pd.NaT or v != v else v.date() for v in s.tolist()]
    return s.astype(object).where(s.notna(), None).tolist()


def to_networkx(source, include_internal: bool = False, personal: bool = False) -> nx.MultiDiGraph:
    """Build the typed multigraph of a store, Dataset or dict of tables.

    Parameters
    ----------
    source : a store (anything with ``read_tables()``), a :class:`graphgov.dataset.checks.Dataset`
        or a dict mapping table names to DataFrames.
    include_internal : also add graphgov's own Dispatch and NeedEvent nodes.
        Records about the network (the ``Dataset`` node, ``Meeting`` nodes) are never added.
    personal : keep the columns the schema marks as personal data (phones, contact names).

    Returns
    -------
    networkx.MultiDiGraph

    Examples
    --------
    >>> import pandas as pd
    >>> g = to_networkx({"units": pd.DataFrame({"id": ["U1"], "name": ["北京朝阳站"], "type": ["railway"]})})
    >>> g.nodes["Unit:U1"]["name"]
    '北京朝阳站'
    """
    tables = tables_of(source)
    g = nx.MultiDiGraph()
    for t in schema.node_tables():
        if t.internal and not include_internal or t.record or t.computed:
            continue  # records (the dataset's date, meetings) and analysis results are about the network, not in it
        df = tables.get(t.name)
        if df is None or df.empty:
            continue
        cols = [c.name for c in t.columns if personal or not c.personal]
        for row in zip(*(_plain_column(df[c]) for c in cols)):
            attrs = {c: x for c, x in zip(cols, row) if x is not None}
            attrs["label"] = t.label
            if "name" not in attrs and "title" in attrs:
                attrs["name"] = attrs["title"]
            g.add_node(schema.node_key(t.label, attrs["id"]), **attrs)
    for rel, frame in edge_frames(tables):
        ends = (schema.table(rel.from_table), schema.table(rel.to_table))
        if any(t.record or t.computed for t in ends) or any(t.internal for t in ends) and not include_internal:
            continue
        a, b = schema.label_of(rel.from_table), schema.label_of(rel.to_table)
        props = list(rel.properties)
        columns = [frame["from"].tolist(), frame["to"].tolist(), *(_plain_column(frame[p]) for p in props)]
        for row in zip(*columns):
            attrs = {p: x for p, x in zip(props, row[2:]) if x is not None}
            g.add_edge(f"{a}:{row[0]}", f"{b}:{row[1]}", key=rel.type, type=rel.type, **attrs)
    return g
