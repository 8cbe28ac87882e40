"""LadybugDB's tables for graphgov's schema: the DDL, the upgrade of a store an older graphgov
wrote, and data frames in the shapes ``COPY`` and ``LOAD FROM`` take.

Split from :mod:`graphgov.store.ladybug_store`, which opens, loads and writes the store.
"""
from __future__ import annotations

import pandas as pd

from graphgov.dataset import schema
from graphgov.store.tables import read_tables_from

__all__ = ["ddl_statements", "upgrade_schema", "schema_current", "for_copy", "plain_frame", "read_computed"]


def ddl_statements() -> list[str]:
    """CREATE statements for every node and relationship table of the schema."""
    stmts = []
    for t in schema.node_tables():
        cols = ", ".join(f"{c.name} {c.db_type}" for c in (*t.columns, *t.computed_columns))
        stmts.append(f"CREATE NODE TABLE {t.label}({cols}, PRIMARY KEY(id))")
    props = schema.relation_properties()
    for rtype, pairs in schema.relation_endpoints().items():
        parts = [f"FROM {a} TO {b}" for a, b in pairs]
        parts += [f"{c.name} {c.db_type}" for c in props.get(rtype, [])]
        stmts.append(f"CREATE REL TABLE {rtype}({', '.join(parts)})")
    return stmts


def for_copy(df: pd.DataFrame, t: schema.Table | None = None, columns: list[schema.Column] | None = None) -> pd.DataFrame:
    """Dtypes LadybugDB's COPY FROM a DataFrame accepts (no pandas nullable ints, no NA objects)."""
    out = df.copy()
    cols = columns if columns is not None else list(t.columns)
    for c in cols:
        if c.name not in out.columns:
            continue
        s = out[c.name]
        if c.kind == "int":
            out[c.name] = pd.Series([None if pd.isna(v) else int(v) for v in s], dtype=object, index=s.index)
        elif c.kind == "date":
            out[c.name] = pd.to_datetime(s, errors="coerce").astype("datetime64[us]")
        elif c.kind == "float":
            out[c.name] = pd.to_numeric(s, errors="coerce").astype("float64")
        else:
            out[c.name] = pd.Series([None if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v) for v in s],
                                    dtype=object, index=s.index)
    for key in ("from", "to"):
        if key in out.columns:
            out[key] = out[key].astype(object).map(str)
    return out


def plain_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """Columns LadybugDB scans from a DataFrame: floats, Python ints or None, text or None."""
    out = {}
    for name, s in rows.items():
        if pd.api.types.is_bool_dtype(s):
            out[name] = pd.Series([None if pd.isna(v) else int(v) for v in s], dtype=object)
        elif pd.api.types.is_integer_dtype(s):
            out[name] = pd.Series([None if pd.isna(v) else int(v) for v in s], dtype=object)
        elif pd.api.types.is_float_dtype(s):
            out[name] = s.astype("float64").reset_index(drop=True)
        else:
            out[name] = pd.Series([None if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)
                                   for v in s], dtype=object)
    return pd.DataFrame(out)


def read_computed(run) -> dict[str, pd.DataFrame]:
    """Stored analysis results, to carry across a load: the result tables and the computed
    properties of nodes (``"units.computed"``). A store from an older graphgov has none."""
    out: dict[str, pd.DataFrame] = {}
    for t in schema.node_tables():
        try:
            if t.computed:
                out.update(read_tables_from(run, True, [t.name]))
            elif t.computed_columns:
                cols = ", ".join(f"n.{c.name} AS {c.name}" for c in t.computed_columns)
                out[f"{t.name}.computed"] = run(f"MATCH (n:{t.label}) RETURN n.id AS id, {cols}")
        except RuntimeError:  # the table or property does not exist yet: nothing stored
            continue
    return out


def upgrade_schema(conn) -> list[str]:
    """Add the node tables, relationship pairs and properties of the schema a store lacks.

    Stores written by an older graphgov lack what later versions added (the stored analysis
    results); every addition is empty, so nothing already stored changes. Returns the
    statements run.
    """
    def rows(q):
        return conn.execute(q).get_as_df()

    tables = set(rows("CALL show_tables() RETURN name")["name"])
    done = []
    for stmt in ddl_statements():
        kind, label = stmt.split()[1], stmt.split()[3].split("(")[0]
        if label not in tables:
            conn.execute(stmt)
            done.append(stmt)
            continue
        if kind == "NODE":
            t = next(t for t in schema.node_tables() if t.label == label)
            have = set(rows(f"CALL table_info('{label}') RETURN name")["name"])
            for c in (*t.columns, *t.computed_columns):
                if c.name not in have:
                    cols = f"{c.name} {c.db_type}"
                    done.append(f"ALTER TABLE {label} ADD {cols}")
                    conn.execute(done[-1])
        else:
            have = rows(f"CALL show_connection('{label}') RETURN *")
            pairs = set(zip(have.iloc[:, 0], have.iloc[:, 1]))
            for a, b in schema.relation_endpoints()[label]:
                if (a, b) not in pairs:
                    done.append(f"ALTER TABLE {label} ADD FROM {a} TO {b}")
                    conn.execute(done[-1])
    return done


def schema_current(conn) -> bool:
    """Whether the store has every table and property the schema defines (a quick look)."""
    try:
        tables = set(conn.execute("CALL show_tables() RETURN name").get_as_df()["name"])
        if not {t.label for t in schema.node_tables()} <= tables:
            return False
        have = set(conn.execute("CALL table_info('Unit') RETURN name").get_as_df()["name"])
        return {c.name for c in schema.table("units").computed_columns} <= have
    except RuntimeError:
        return False
