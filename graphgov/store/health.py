"""Store health: does the store open, is a recovery pending, do its counts agree, can it be rebuilt.

:func:`check_store` runs the checks ``graphgov doctor`` prints, in order, each a
:class:`Finding`: the store's files (embedded store), a write left half done by a killed
process (finished here, under the writer lock), whether the store opens, whether every
count agrees with a fresh read of the tables (nodes and the relationships their columns
imply), and whether the store's own export passes the dataset checks with the same rows.
:func:`rebuild_store` checks a dataset and loads it with ``replace``, which rebuilds a
damaged store from it (keeping the damaged bytes beside it).
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from graphgov.dataset import schema
from graphgov.errors import DataError, GraphGovError, StoreBusyError, StoreDamagedError
from graphgov.store.base import LoadResult, Store
from graphgov.store.tables import edge_frames

__all__ = ["Finding", "check_store", "rebuild_store", "healthy", "findings_frame"]

OK, FIXED, PROBLEM, INFO = "ok", "fixed", "problem", "info"


@dataclass(frozen=True)
class Finding:
    """One check: its name, ``ok``/``fixed``/``problem``/``info``, and what was seen (and the fix)."""

    check: str
    status: str
    detail: str


def healthy(findings: list[Finding]) -> bool:
    """True when no finding is a problem (things fixed on the way count as healthy)."""
    return all(f.status != PROBLEM for f in findings)


def findings_frame(findings: list[Finding]) -> pd.DataFrame:
    return pd.DataFrame([(f.check, f.status, f.detail) for f in findings], columns=["check", "status", "detail"])


def _size(n: int) -> str:
    return f"{n:,} bytes" if n < 2**20 else f"{n / 2**20:,.1f} MB"


def _files(store) -> list[Finding]:
    from graphgov.store.ladybug_store import side_files

    path = Path(store.location)
    if not path.exists():
        return [Finding("files", PROBLEM, f"{path}: no store here; 'graphgov load DATASET' makes one "
                                          f"(or choose another with --store)")]
    parts = [f"{path.name} ({_size(path.stat().st_size)})"]
    parts += [f"{p.name} ({_size(p.stat().st_size)})" for p in side_files(path) if p.is_file()]
    out = [Finding("files", INFO, ", ".join(parts))]
    if store.writer_active():
        out.append(Finding("writer", INFO, "a graphgov command is writing the store right now; "
                                           "checks below may say it is busy"))
    return out


def _counts_agree(store: Store, tables: dict[str, pd.DataFrame]) -> Finding:
    counted = store.counts()
    counted = {(k, n): int(c) for k, n, c in counted.itertuples(index=False)}
    wrong = []
    for t in schema.node_tables():
        read = len(tables[t.name])
        if counted.get(("node", t.label)) != read:
            wrong.append(f"{t.label}: {counted.get(('node', t.label))} counted, {read} read")
    implied: dict[str, int] = {}
    for rel, frame in edge_frames(tables):
        implied[rel.type] = implied.get(rel.type, 0) + len(frame)
    for rtype in schema.relation_endpoints():
        if counted.get(("relationship", rtype)) != implied.get(rtype, 0):
            wrong.append(f"{rtype}: {counted.get(('relationship', rtype))} stored, "
                         f"{implied.get(rtype, 0)} implied by the tables' columns")
    nodes = sum(len(tables[t.name]) for t in schema.node_tables())
    rels = sum(implied.values())
    if wrong:
        return Finding("counts", PROBLEM, "counts disagree with a fresh read: " + "; ".join(wrong)
                       + "; 'graphgov doctor --rebuild DATASET' rebuilds the store")
    return Finding("counts", OK, f"{nodes:,} nodes and {rels:,} relationships, each count equal to a fresh read")


def _export_checks(tables: dict[str, pd.DataFrame]) -> Finding:
    from graphgov.dataset.checks import read_and_check
    from graphgov.dataset.reader import write_dataset

    data = {t.name: tables[t.name] for t in schema.TABLES}
    with tempfile.TemporaryDirectory(prefix="graphgov-doctor-") as tmp:
        folder = write_dataset(data, Path(tmp) / "export", fmt="csv", personal=True)
        try:
            ds = read_and_check(folder)
        except DataError as err:
            first = err.problems[0] if err.problems else ""
            return Finding("export", PROBLEM, f"the store's own export fails the dataset checks with "
                                              f"{len(err.problems)} errors (first: {first}); correct the data "
                                              f"and reload it, or rebuild with 'graphgov doctor --rebuild DATASET'")
    differ = [f"{n}: {len(data[n])} stored, {len(ds.tables[n])} exported" for n in data
              if n in ds.tables and len(ds.tables[n]) != len(data[n])]
    if differ:
        return Finding("export", PROBLEM, "the export does not read back with the same rows: " + "; ".join(differ))
    return Finding("export", OK, "a fresh export passes the dataset checks and reads back with the same rows")


def check_store(store: Store) -> list[Finding]:
    """Every health check on ``store``, finishing a pending recovery on the way.

    Returns the findings in order; stops after the first check a later one needs
    (a store that does not open cannot be counted). Never raises for a store problem:
    each is a finding with its fix.
    """
    findings: list[Finding] = []
    if store.kind == "ladybug":
        findings += _files(store)
        if findings[0].status == PROBLEM:
            return findings
    try:
        done = store.recover()
    except StoreBusyError as err:
        return findings + [Finding("recovery", PROBLEM, f"{err}")]
    except StoreDamagedError as err:
        return findings + [Finding("opens", PROBLEM, str(err))]
    findings.append(Finding("recovery", FIXED, done) if done else
                    Finding("recovery", OK, "no interrupted write is pending"))
    try:
        tables = store.read_tables(include_internal=True, include_computed=True)
    except StoreBusyError as err:
        return findings + [Finding("opens", PROBLEM, str(err))]
    except GraphGovError as err:
        return findings + [Finding("opens", PROBLEM, str(err))]
    findings.append(Finding("opens", OK, f"{store.location} opens and every table reads"))
    try:
        findings.append(_counts_agree(store, tables))
    except GraphGovError as err:
        findings.append(Finding("counts", PROBLEM, str(err)))
    findings.append(_export_checks(tables))
    return findings


def rebuild_store(store: Store, dataset_path, progress=None) -> LoadResult:
    """Check ``dataset_path`` and make ``store`` hold exactly it (``load --replace``), damaged or not.

    Raises DataError (the store untouched) when the dataset has errors.
    """
    from graphgov.dataset.checks import read_and_check

    ds = read_and_check(dataset_path)
    return store.load(ds, replace=True, progress=progress)
