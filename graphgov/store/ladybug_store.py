"""The embedded graph store: a LadybugDB database in one file.

Loads are all or nothing. A load reads what the store holds, merges the checked
dataset into it by id (pandas), writes a complete new database beside the old one
with bulk ``COPY`` and then swaps the file in with one atomic rename. A load killed at
any moment therefore leaves the old store or the new one, never a mix, and the rename
is the commit. Small writes (the order–dispatch–accept loop) run as LadybugDB
transactions in place.

Writers take an exclusive lock file beside the store, so a second writer is told the
store is busy instead of waiting or failing half way.

A process killed during LadybugDB's checkpoint leaves a *pending recovery*
(``STORE.wal.checkpoint``, ``STORE.shadow``): LadybugDB then refuses read-only opens until
a read-write open finishes it. A reader that meets one takes the writer lock for a
moment and finishes it (:meth:`LadybugStore.recover`); while a live writer holds the
lock the reader is told the store is busy. A file that is not a readable graphgov store
(empty, truncated, garbled) raises :class:`~graphgov.errors.StoreDamagedError`, which
points to ``graphgov doctor``; ``load --replace`` rebuilds over it.
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import re
import time
from pathlib import Path
from typing import Iterator

import pandas as pd

from graphgov.dataset import schema
from graphgov.errors import OptionError, StoreBusyError, StoreDamagedError, StoreError
from graphgov.store.base import LoadResult, Progress, Store, check_transaction
from graphgov.store.ladybug_schema import (ddl_statements, for_copy, plain_frame, read_computed, schema_current,
                                           upgrade_schema)
from graphgov.store.tables import edge_frames, merge_dataset, read_tables_from

__all__ = ["LadybugStore", "ddl_statements", "side_files", "belongs_to_store", "is_database_file", "PENDING_FILES",
           "DOCTOR_HINT", "upgrade_schema"]

# what a checkpoint killed half way leaves beside STORE: LadybugDB finishes it on a read-write open
PENDING_FILES = (".wal.checkpoint", ".shadow")
DOCTOR_HINT = "'graphgov doctor' checks the store and says what to do"


def belongs_to_store(target: str | os.PathLike, store: str | os.PathLike) -> bool:
    """Whether writing ``target`` would overwrite the store ``store``, or one of its side files.

    Compares resolved paths (so ``./x/../graphgov.lbdb`` and links count); side files are
    those named after the store beside it (``.wal``, ``.lock``, ``.shadow``, ``.wal.checkpoint``,
    checkpoint locks, half-built loads), whether they exist now or not.
    """
    target, store = Path(os.path.realpath(target)), Path(os.path.realpath(store))
    if target == store or (target.exists() and store.exists() and os.path.samefile(target, store)):
        return True
    return target.parent == store.parent and (target.name.startswith(store.name + ".")
                                              or target.name.startswith(f".{store.name}.new-"))


def is_database_file(path: str | os.PathLike) -> bool:
    """Whether ``path`` is an existing LadybugDB database file (its first bytes say so)."""
    try:
        with open(path, "rb") as fh:
            return fh.read(4) == b"LBUG"
    except OSError:
        return False


def side_files(path: str | os.PathLike) -> list[Path]:
    """The files beside a store that belong to it: its log, checkpoint and lock files, half-built loads."""
    path = Path(path)
    if not path.parent.is_dir():
        return []
    return sorted(p for p in path.parent.iterdir()
                  if p.name.startswith(path.name + ".") or p.name.startswith(f".{path.name}.new-"))


class LadybugStore(Store):
    """A graphgov store in a LadybugDB database file.

    Parameters
    ----------
    path : the database file (created on the first load).
    read_only : open for reading only; several readers may share a store.
    """

    kind = "ladybug"

    def __init__(self, path: str | os.PathLike, read_only: bool = True):
        super().__init__()
        self.path = Path(path)
        self.read_only = read_only
        self._db = None
        self._conn = None

    # -- connection -------------------------------------------------------------------
    def _open(self, read_only: bool):
        """Open the database as it is (no recovery); StoreDamagedError for a file that is no graphgov store."""
        import ladybug

        if not self.path.exists():
            raise StoreError(f"{self.path}: no graphgov store here yet; run 'graphgov load DATASET' first "
                             f"(or choose another with --store)")
        if self.path.is_dir():
            raise StoreDamagedError(f"{self.path}: this is a folder, not a graphgov store file; choose the store "
                                    f"file with --store")
        if self.path.stat().st_size == 0:
            raise StoreDamagedError(f"{self.path}: the store file is empty (0 bytes), so it holds no graph; "
                                    f"{_REBUILD_HINT}")
        try:
            db = ladybug.Database(str(self.path), read_only=read_only)
        except (RuntimeError, ValueError, MemoryError) as err:
            raise _store_error(self.path, err, opening=True) from err
        try:
            conn = ladybug.Connection(db)
            tables = set(conn.execute("CALL show_tables() RETURN name").get_as_df()["name"])
        except (RuntimeError, ValueError, MemoryError) as err:
            db.close()
            raise _store_error(self.path, err, opening=True) from err
        if "Unit" not in tables:
            conn.close()
            db.close()
            raise StoreDamagedError(f"{self.path}: this LadybugDB database holds no graphgov graph (no Unit table); "
                                    f"choose the store with --store, or {_REBUILD_HINT}")
        return db, conn

    def _connect(self, read_only: bool):
        """Open for reading or writing, finishing a pending recovery first when a reader meets one."""
        try:
            return self._open(read_only)
        except StoreError as err:
            if not (read_only and _PENDING_RE.search(str(err.__cause__ or ""))):
                raise
        self.recover(force=True)  # LadybugDB says one is pending, whatever files are there
        try:
            return self._open(read_only)
        except StoreError as err:
            if _PENDING_RE.search(str(err.__cause__ or "")):
                raise _busy(self.path, "another graphgov command is finishing a write") from None
            raise

    def recover(self, force: bool = False) -> str | None:
        """Finish a checkpoint a killed writer left half done, under the writer lock.

        Returns what was done, or None when nothing was pending (its files are not there,
        unless ``force``). Raises StoreBusyError while another graphgov command writes (it
        may be checkpointing right now).
        """
        def pending() -> bool:
            return force or any(self.path.with_name(self.path.name + s).exists() for s in PENDING_FILES)

        if not pending():
            return None
        with self.write_lock(busy="the store is busy (another graphgov command is writing it, or finishing "
                                  "a write); try again when it has finished"):
            if not pending():
                return None  # the writer that held the lock finished it
            self.close()
            db, conn = self._open(read_only=False)  # LadybugDB finishes the checkpoint on a read-write open
            conn.close()
            db.close()
        return "finished the recovery of a write that was interrupted (a checkpoint left half done)"

    @property
    def conn(self):
        if self._conn is None:
            self._db, self._conn = self._connect(self.read_only)
            if self.read_only and not schema_current(self._conn):
                self._upgrade_now()
        return self._conn

    def _upgrade_now(self) -> None:
        """Bring a store written by an older graphgov up to the schema (additions only), then reopen."""
        self.close()
        with self.write_lock():
            db, conn = self._connect(read_only=False)
            try:
                upgrade_schema(conn)
            finally:
                conn.close()
                db.close()
        self._db, self._conn = self._connect(self.read_only)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._db.close()
        self._conn = self._db = None

    @property
    def location(self) -> str:
        return str(self.path)

    def exists(self) -> bool:
        return self.path.exists()

    # -- reading ----------------------------------------------------------------------
    def query(self, cypher: str, params: dict | None = None) -> pd.DataFrame:
        """Run a Cypher query; values only through ``params``. Returns a DataFrame."""
        try:
            result = self.conn.execute(cypher, params or {})
            df = result.get_as_df()
            types = result.get_column_data_types()
        except (RuntimeError, ValueError, MemoryError) as err:
            raise _store_error(self.path, err, cypher) from err
        # sum() of integers is INT128 in LadybugDB and arrives as float; Neo4j gives integers
        for name, kind in zip(df.columns, types):
            if kind == "INT128" and df[name].notna().all():
                df[name] = df[name].astype("int64")
        return df

    # -- writing ----------------------------------------------------------------------
    @contextlib.contextmanager
    def write_lock(self, busy: str | None = None) -> Iterator[None]:
        """Hold the store's writer lock, or raise StoreBusyError (saying ``busy``) at once."""
        lock_path = self.path.with_name(self.path.name + ".lock")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(lock_path, os.O_CREAT | os.O_RDWR, 0o644)
        except OSError as err:
            raise StoreError(f"{self.path}: cannot take the writer lock {lock_path.name} ({err.strerror}); writing "
                             f"(and finishing an interrupted write) needs write access to the store's folder") from err
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as err:
                raise StoreBusyError(f"{self.path}: " + (busy or "the store is busy (another graphgov command is "
                                                         "writing it); try again when it has finished")) from err
            yield
        finally:
            os.close(fd)

    def writer_active(self) -> bool:
        """Whether a graphgov command holds the writer lock right now."""
        lock_path = self.path.with_name(self.path.name + ".lock")
        try:
            fd = os.open(lock_path, os.O_RDONLY)
        except OSError:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        finally:
            os.close(fd)
        return False
    def write_rows(self, cypher: str, rows: pd.DataFrame, batch_size: int = 0) -> None:
        """As :meth:`Store.write_rows`, the rows sent as one DataFrame (``LOAD FROM``): an
        ``UNWIND`` of 17,000 rows of 20 values takes seconds in LadybugDB, this a tenth of one."""
        if rows.empty:
            return
        frame = plain_frame(rows)
        props = ", ".join(f"`{c}`: `{c}`" for c in frame.columns)  # the row's fields, by the frame's column names
        self.query(f"LOAD FROM $rows WITH {{{props}}} AS row {cypher}", {"rows": frame})

    def write_edges(self, rtype: str, a: str, b: str, pairs: pd.DataFrame, batch_size: int = 0) -> None:
        """As :meth:`Store.write_edges`, by ``COPY`` from a DataFrame: matching both ends row by row
        costs about half a millisecond per relationship in LadybugDB."""
        if pairs.empty:
            return
        edges = pd.DataFrame({"from": pairs["source"].astype(str).to_numpy(),  # noqa: F841 (the COPY's $rows)
                              "to": pairs["target"].astype(str).to_numpy()})
        self.query(f"COPY {rtype} FROM $rows (from='{a}', to='{b}')", {"rows": edges})

    @contextlib.contextmanager
    def transaction(self) -> Iterator["LadybugStore"]:
        """A write transaction in place: committed on success, rolled back on any error.

        A store written by an older graphgov first gets the tables and properties it lacks.
        """
        with self.write_lock():
            self.close()
            self._db, self._conn = self._open(read_only=False)  # a pending recovery is finished here
            try:
                upgrade_schema(self._conn)
                self._conn.execute("BEGIN TRANSACTION")
                try:
                    yield self
                except BaseException:
                    self._conn.execute("ROLLBACK")
                    raise
                self._conn.execute("COMMIT")
            finally:
                self.close()

    def load(self, dataset, replace: bool = False, progress: Progress | None = None,
             transaction: str = "auto") -> LoadResult:
        """Merge a checked dataset into the store (or replace its content), all or nothing.

        The store is rebuilt beside the old one and swapped in by one rename, whatever its
        size, so ``transaction`` (for server stores) changes nothing here.

        Rows are matched by id (link tables by their key columns): new rows are added,
        known rows updated, rows the dataset lacks kept unless ``replace``. Graphgov's
        own tables (dispatches, need events) are kept across loads.

        With ``replace``, a damaged store (StoreDamagedError) is rebuilt from the dataset:
        its bytes are kept beside it as ``STORE.damaged-TIME`` and ``LoadResult.notes`` says
        so. Without ``replace`` a damaged store raises StoreDamagedError.
        """
        check_transaction(transaction)
        started = time.perf_counter()
        report = progress or (lambda step, done, total: None)
        notes: list[str] = []
        with self.write_lock():
            self.close()
            old: dict[str, pd.DataFrame] = {}
            computed: dict[str, pd.DataFrame] = {}  # stored analysis results, carried across the load
            self._remove_stale_builds()
            if self.path.exists():
                try:
                    old, computed = self._read_locked()
                except StoreDamagedError as err:
                    if not replace:
                        raise
                    why = str(err.__cause__ or err).splitlines()[0] if err.__cause__ else "empty or not graphgov's"
                    notes.append(f"{self.path} could not be read ({why}), so it was rebuilt from the dataset; "
                                 f"the damaged file is kept as {self._keep_damaged()} (its dispatch history is lost)")
                old.update({k: v for k, v in computed.items() if "." not in k})
            merged, added, changed = merge_dataset(old, dataset, replace)
            self._write_new(merged, report, computed)
        after = {n: len(df) for n, df in merged.items()}
        before = {n: len(df) for n, df in old.items()}
        return LoadResult(before, after, added, changed, time.perf_counter() - started, notes=notes)

    def _read_locked(self) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]]:
        """Every table as stored, and the stored analysis results (:func:`read_computed`), by the
        writer holding the lock.

        With a log or a checkpoint left by an interrupted write, the store is opened for
        writing so LadybugDB settles them first (the new database must not inherit them);
        otherwise read-only, so readers may stay.
        """
        settle = any(self.path.with_name(self.path.name + s).exists() for s in (".wal", *PENDING_FILES))
        try:
            db, conn = self._open(read_only=not settle)
        except StoreError as err:
            if settle or not _PENDING_RE.search(str(err.__cause__ or "")):
                raise
            db, conn = self._open(read_only=False)
        try:
            run = lambda q, p=None: conn.execute(q, p or {}).get_as_df()  # noqa: E731
            return read_tables_from(run, True), read_computed(run)
        except (RuntimeError, ValueError, MemoryError) as err:
            raise _store_error(self.path, err, opening=True) from err
        finally:
            conn.close()
            db.close()

    def _keep_damaged(self) -> Path:
        """Keep a damaged store's bytes under a new name; move its log and checkpoint files with it.

        The store file itself is hard-linked (copied where links are not possible), so the
        store path is never empty: the new database replaces it with one rename.
        """
        aside = self.path.with_name(f"{self.path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
        try:
            os.link(self.path, aside)
        except OSError:
            import shutil

            shutil.copyfile(self.path, aside)
        for suffix in (".wal", *PENDING_FILES, ".checkpoint.apply.lock", ".checkpoint.intent.lock"):
            side = self.path.with_name(self.path.name + suffix)
            if side.exists():
                os.replace(side, aside.with_name(aside.name + suffix))
        return aside

    def _remove_stale_builds(self) -> None:
        """Remove half-built databases left by loads that were killed (we hold the lock)."""
        for stale in self.path.parent.glob(f".{self.path.name}.new-*"):
            _remove_db_files(stale)

    def _write_new(self, tables: dict[str, pd.DataFrame], report: Progress,
                   computed: dict[str, pd.DataFrame] | None = None) -> None:
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
                        columns = [*t.columns, *t.computed_columns]
                        kept = (computed or {}).get(f"{t.name}.computed")
                        df = df.merge(kept, on="id", how="left") if kept is not None else df
                        df = df.reindex(columns=[c.name for c in columns])
                        frame = for_copy(df, columns=columns)  # noqa: F841 (COPY reads the local by name)
                        conn.execute(f"COPY {t.label} FROM frame")
                    step += 1
                    report(t.label, step, total)
                props = schema.relation_properties()
                for rel, frame in rels:
                    if len(frame):
                        edges = for_copy(frame, columns=props.get(rel.type, []))  # noqa: F841
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
_PENDING_RE = re.compile(r"checkpoint recovery is pending", re.I)
_DAMAGED_RE = re.compile(r"not a valid .* database file|Cannot read checkpoint|may be corrupted|Cannot read .* page|"
                         r"out of bounds|Unable to open database|vector::|bad_alloc|length_error|corrupt", re.I)
_REBUILD_HINT = ("'graphgov doctor --rebuild DATASET' (or 'graphgov load DATASET --replace') rebuilds it from "
                 "your data; " + DOCTOR_HINT)


def _busy(path: Path, why: str) -> StoreBusyError:
    return StoreBusyError(f"{path}: the store is busy ({why}); try again when it has finished")


def _store_error(path: Path, err: Exception, cypher: str | None = None, opening: bool = False) -> StoreError:
    """The StoreError a LadybugDB exception means: busy, damaged (``opening`` or as it says), a bad query."""
    text = str(err)
    if _LOCK_RE.search(text):
        return _busy(path, "another graphgov command has it open for writing")
    if _PENDING_RE.search(text):
        return _busy(path, "another graphgov command is finishing a write, or one was interrupted; "
                           + DOCTOR_HINT)
    if cypher is not None and ("Parser exception" in text or "Binder exception" in text):
        first = text.splitlines()[0]
        return OptionError(f"the Cypher query was not accepted: {first}")
    if "Unable to cast Python instance" in text:
        return OptionError("a value is too large or of a kind the store cannot hold (whole numbers go up to "
                           f"{2**63 - 1:,})")
    first = text.splitlines()[0] if text else err.__class__.__name__
    if opening or _DAMAGED_RE.search(text):
        return StoreDamagedError(f"{path}: the store cannot be read ({first}); {_REBUILD_HINT}")
    return StoreError(f"{path}: {first}; {DOCTOR_HINT}")
