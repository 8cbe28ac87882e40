"""The embedded graph store: a LadybugDB database in one file.

Loads are all or nothing. A load reads what the store holds, merges the checked
dataset into it by id (pandas), writes a complete new database beside the old one
with bulk ``COPY`` and then swaps the file in with one atomic rename. A load killed at
any moment therefore leaves the old store or the new one, never a mix, and the rename
is the commit. Small writes (the order–dispatch–accept loop) run as LadybugDB
transactions in place.

Writers take an exclusive lock file beside the store, so a second writer is told the
store is busy instead of waiting or failing half way.
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import pandas as pd

from graphgov.dataset import schema
from graphgov.dataset.checks import Dataset
from graphgov.errors import OptionError, StoreBusyError, StoreError

__all__ = ["LadybugStore", "LoadResult", "ddl_statements", "merge_tables", "edge_frames"]

Progress = Callable[[str, int, int], None]


def ddl_statements() -> list[str]:
    """CREATE statements for every node and relationship table of the schema."""
    stmts = []
    for t in schema.node_tables():
        cols = ", ".join(f"{c.name} {c.db_type}" for c in t.columns)
        stmts.append(f"CREATE NODE TABLE {t.label}({cols}, PRIMARY KEY(id))")
    props = schema.relation_properties()
    for rtype, pairs in schema.relation_endpoints().items():
        parts = [f"FROM {a} TO {b}" for a, b in pairs]
        parts += [f"{c.name} {c.db_type}" for c in props.get(rtype, [])]
        stmts.append(f"CREATE REL TABLE {rtype}({', '.join(parts)})")
    return stmts


def _empty_table(t: schema.Table) -> pd.DataFrame:
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


def _key_frame(df: pd.DataFrame, key: tuple[str, ...]) -> pd.Series:
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
    old_keys = _key_frame(old, t.key)
    new_keys = _key_frame(new, t.key)
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


def _for_copy(df: pd.DataFrame, t: schema.Table | None = None, columns: list[schema.Column] | None = None) -> pd.DataFrame:
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


@dataclass
class LoadResult:
    """What a load did: rows per table before and after, and rows added/changed."""

    before: dict[str, int]
    after: dict[str, int]
    added: dict[str, int] = field(default_factory=dict)
    changed: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


class LadybugStore:
    """A graphgov store in a LadybugDB database file.

    Parameters
    ----------
    path : the database file (created on the first load).
    read_only : open for reading only; several readers may share a store.
    """

    def __init__(self, path: str | os.PathLike, read_only: bool = True):
        self.path = Path(path)
        self.read_only = read_only
        self._db = None
        self._conn = None

    # -- connection -------------------------------------------------------------------
    def _connect(self, read_only: bool):
        import ladybug

        if not self.path.exists():
            raise StoreError(f"{self.path}: no graphgov store here yet; run 'graphgov load DATASET' first "
                             f"(or choose another with --store)")
        try:
            db = ladybug.Database(str(self.path), read_only=read_only)
            conn = ladybug.Connection(db)
        except RuntimeError as err:
            raise _store_error(self.path, err) from err
        return db, conn

    @property
    def conn(self):
        if self._conn is None:
            self._db, self._conn = self._connect(self.read_only)
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._db.close()
        self._conn = self._db = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def exists(self) -> bool:
        return self.path.exists()

    # -- reading ----------------------------------------------------------------------
    def query(self, cypher: str, params: dict | None = None) -> pd.DataFrame:
        """Run a Cypher query; values only through ``params``. Returns a DataFrame."""
        try:
            result = self.conn.execute(cypher, params or {})
            df = result.get_as_df()
            types = result.get_column_data_types()
        except RuntimeError as err:
            raise _store_error(self.path, err, cypher) from err
        # sum() of integers is INT128 in LadybugDB and arrives as float; Neo4j gives integers
        for name, kind in zip(df.columns, types):
            if kind == "INT128" and df[name].notna().all():
                df[name] = df[name].astype("int64")
        return df

    def read_tables(self, include_internal: bool = True) -> dict[str, pd.DataFrame]:
        """Every table as stored, in the dataset's shape (one DataFrame per table)."""
        return read_tables_from(self.query, include_internal)

    def known_ids(self) -> dict[str, set[str]]:
        out = {}
        for t in schema.node_tables():
            df = self.query(f"MATCH (n:{t.label}) RETURN n.id AS id")
            out[t.name] = set(df["id"])
        return out

    def counts(self) -> pd.DataFrame:
        """Rows ``kind`` (node/relationship), ``name``, ``count`` for every label and type."""
        rows = []
        for t in schema.node_tables():
            n = self.query(f"MATCH (n:{t.label}) RETURN count(n) AS n")["n"].iloc[0]
            rows.append(("node", t.label, int(n)))
        extra = self.query("MATCH (n:Unit) WHERE n.type IN ['university', 'research_institute'] RETURN count(n) AS n")
        rows.append(("node", "University (Unit with type university/research_institute)", int(extra["n"].iloc[0])))
        for rtype in schema.relation_endpoints():
            n = self.query(f"MATCH ()-[r:{rtype}]->() RETURN count(r) AS n")["n"].iloc[0]
            rows.append(("relationship", rtype, int(n)))
        return pd.DataFrame(rows, columns=["kind", "name", "count"])

    # -- writing ----------------------------------------------------------------------
    @contextlib.contextmanager
    def write_lock(self) -> Iterator[None]:
        """Hold the store's writer lock, or raise StoreBusyError at once."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock_path = self.path.with_name(self.path.name + ".lock")
        fd = os.open(lock_path, os.O_CREAT | os.O_RDWR, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as err:
                raise StoreBusyError(f"{self.path}: the store is busy (another graphgov command is writing it); "
                                     f"try again when it has finished") from err
            yield
        finally:
            os.close(fd)

    @contextlib.contextmanager
    def transaction(self) -> Iterator["LadybugStore"]:
        """A write transaction in place: committed on success, rolled back on any error."""
        with self.write_lock():
            self.close()
            self._db, self._conn = self._connect(read_only=False)
            try:
                self._conn.execute("BEGIN TRANSACTION")
                try:
                    yield self
                except BaseException:
                    self._conn.execute("ROLLBACK")
                    raise
                self._conn.execute("COMMIT")
            finally:
                self.close()

    def load(self, dataset: Dataset, replace: bool = False, progress: Progress | None = None) -> LoadResult:
        """Merge a checked dataset into the store (or replace its content), all or nothing.

        Rows are matched by id (link tables by their key columns): new rows are added,
        known rows updated, rows the dataset lacks kept unless ``replace``. Graphgov's
        own tables (dispatches, need events) are kept across loads.
        """
        started = time.perf_counter()
        report = progress or (lambda step, done, total: None)
        with self.write_lock():
            self.close()
            old: dict[str, pd.DataFrame] = {}
            self._remove_stale_builds()
            if self.path.exists():
                # With a write-ahead log left by an interrupted transaction, open for writing
                # so the log is settled first; otherwise read-only, so readers may stay.
                wal = self.path.with_name(self.path.name + ".wal").exists()
                db, conn = self._connect(read_only=not wal)
                try:
                    old = read_tables_from(lambda q, p=None: conn.execute(q, p or {}).get_as_df(), True)
                finally:
                    conn.close()
                    db.close()
            merged: dict[str, pd.DataFrame] = {}
            added, changed = {}, {}
            for t in schema.ALL_TABLES:
                prev = old.get(t.name)
                if t.internal:
                    merged[t.name] = conform(prev, t) if prev is not None else _empty_table(t)
                    continue
                if t.name not in dataset.tables:
                    merged[t.name] = conform(prev, t) if prev is not None and not replace else _empty_table(t)
                    continue
                new = dataset.tables[t.name]
                base = None if replace else prev
                merged[t.name] = merge_tables(base, new, t, dataset.present.get(t.name))
                added[t.name], changed[t.name] = _diff_counts(prev, merged[t.name], t)
            if replace:
                _drop_dangling_internal(merged)
            self._write_new(merged, report)
        after = {n: len(df) for n, df in merged.items()}
        before = {n: len(df) for n, df in old.items()}
        return LoadResult(before, after, added, changed, time.perf_counter() - started)

    def _remove_stale_builds(self) -> None:
        """Remove half-built databases left by loads that were killed (we hold the lock)."""
        for stale in self.path.parent.glob(f".{self.path.name}.new-*"):
            _remove_db_files(stale)

    def _write_new(self, tables: dict[str, pd.DataFrame], report: Progress) -> None:
        import ladybug

        tmp = self.path.with_name(f".{self.path.name}.new-{os.getpid()}")
        _remove_db_files(tmp)
        rels = list(edge_frames(tables))
        total = len(schema.node_tables()) + len(rels) + 2
        step = 0
        try:
            db = ladybug.Database(str(tmp))
            conn = ladybug.Connection(db)
            try:
                for stmt in ddl_statements():
                    conn.execute(stmt)
                step += 1
                report("schema", step, total)
                conn.execute("BEGIN TRANSACTION")
                for t in schema.node_tables():
                    df = tables[t.name]
                    if len(df):
                        frame = _for_copy(df, t)  # noqa: F841 (COPY reads the local by name)
                        conn.execute(f"COPY {t.label} FROM frame")
                    step += 1
                    report(t.label, step, total)
                props = schema.relation_properties()
                for rel, frame in rels:
                    if len(frame):
                        edges = _for_copy(frame, columns=props.get(rel.type, []))  # noqa: F841
                        src, dst = schema.label_of(rel.from_table), schema.label_of(rel.to_table)
                        conn.execute(f"COPY {rel.type} FROM edges (from='{src}', to='{dst}')")
                    step += 1
                    report(rel.type, step, total)
                conn.execute("COMMIT")
            finally:
                conn.close()
                db.close()
            _fsync(tmp)
            os.replace(tmp, self.path)  # the commit point
            _fsync(self.path.parent)
            report("done", total, total)
        except RuntimeError as err:
            raise _store_error(self.path, err) from err
        finally:
            _remove_db_files(tmp)


def read_tables_from(run: Callable[..., pd.DataFrame], include_internal: bool = True) -> dict[str, pd.DataFrame]:
    """Read every table through a query function (Cypher → DataFrame)."""
    out: dict[str, pd.DataFrame] = {}
    for t in schema.ALL_TABLES:
        if t.internal and not include_internal:
            continue
        if t.label:
            cols = ", ".join(f"n.{c.name} AS {c.name}" for c in t.columns)
            df = run(f"MATCH (n:{t.label}) RETURN {cols}")
        else:
            (rel,) = t.relations
            a, b = schema.label_of(rel.from_table), schema.label_of(rel.to_table)
            cols = [f"a.id AS {rel.from_col}", f"b.id AS {rel.to_col}"] + [f"r.{p} AS {p}" for p in rel.properties]
            df = run(f"MATCH (a:{a})-[r:{rel.type}]->(b:{b}) RETURN {', '.join(cols)}")
        out[t.name] = conform(df, t)
    return out


def _diff_counts(prev: pd.DataFrame | None, merged: pd.DataFrame, t: schema.Table) -> tuple[int, int]:
    if prev is None or prev.empty:
        return len(merged), 0
    prev = conform(prev, t)
    pk = _key_frame(prev, t.key)
    mk = _key_frame(merged, t.key)
    added = int((~mk.isin(set(pk))).sum())
    a = prev.set_axis(pk.values)
    b = merged.set_axis(mk.values)
    common = a.index.intersection(b.index)
    if not len(common):
        return added, 0
    a, b = a.loc[common].astype(object), b.loc[common].astype(object)
    differs = ~((a == b) | (a.isna() & b.isna())).all(axis=1)
    return added, int(differs.sum())


def _drop_dangling_internal(tables: dict[str, pd.DataFrame]) -> None:
    needs = set(tables["needs"]["id"])
    resources = set(tables["resources"]["id"])
    d = tables["dispatches"]
    tables["dispatches"] = d[d["need_id"].isin(needs) & d["resource_id"].isin(resources)].reset_index(drop=True)
    e = tables["need_events"]
    keep = e["need_id"].isin(needs) & (e["dispatch_id"].isna() | e["dispatch_id"].isin(set(tables["dispatches"]["id"])))
    tables["need_events"] = e[keep].reset_index(drop=True)


def _remove_db_files(path: Path) -> None:
    for p in (path, path.with_name(path.name + ".wal"), path.with_name(path.name + ".shadow")):
        with contextlib.suppress(FileNotFoundError):
            if p.is_dir():
                import shutil

                shutil.rmtree(p)
            else:
                p.unlink()


def _fsync(path: Path) -> None:
    """Flush a file, or a folder's entries (after a rename), to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


_LOCK_RE = re.compile(r"Could not set lock|lock is held|Lock is held", re.I)


def _store_error(path: Path, err: Exception, cypher: str | None = None) -> StoreError:
    text = str(err)
    if _LOCK_RE.search(text):
        return StoreBusyError(f"{path}: the store is busy (another graphgov command has it open for writing); "
                              f"try again when it has finished")
    if cypher is not None and ("Parser exception" in text or "Binder exception" in text):
        first = text.splitlines()[0]
        return OptionError(f"the Cypher query was not accepted: {first}")
    first = text.splitlines()[0] if text else err.__class__.__name__
    return StoreError(f"{path}: {first}")
