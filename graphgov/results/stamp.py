"""Stamps: which data, and which parameters, a stored result was computed on.

The *data version* of an analysis is a digest of the stored tables it reads: the rows of
each table hashed one by one (order does not matter, so two stores holding the same rows
give the same version) and the tables' digests combined. ``central`` reads the network's
tables only, so a new needs list leaves its results fresh; ``gaps`` and ``match`` read
every table and the dispatches. A stored result is *fresh* when its data version and its
parameters equal those of the run asked for; anything else is *stale* and is computed
again. No counter has to be kept in step by every writer: a load, a step of the
dispatch loop, or a change made with another tool changes the digest all the same.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from graphgov.dataset import schema

__all__ = ["ANALYSES", "INPUTS", "FORMAT", "Stamp", "data_version", "table_digest", "canonical", "to_json"]

ANALYSES = ("central", "gaps", "match")
NETWORK_TABLES = ("units", "areas", "committees", "memberships", "projects", "participations", "agreements",
                  "party_orgs")
# what each analysis reads; a change anywhere else leaves its results fresh
INPUTS = {
    "central": NETWORK_TABLES,
    "gaps": (*schema.DATASET_TABLES, "dispatches"),
    "match": (*schema.DATASET_TABLES, "dispatches"),
}
# raised when what an analysis computes changes, so that results of an older graphgov are stale
FORMAT = 3


def table_digest(df: pd.DataFrame | None, name: str) -> bytes:
    """A digest of a table's rows (its dataset columns), independent of row order."""
    h = hashlib.sha256(name.encode())
    if df is not None and len(df):
        cols = [c for c in schema.table(name).column_names if c in df.columns]
        rows = np.sort(pd.util.hash_pandas_object(df[cols], index=False).to_numpy())
        h.update(str(cols).encode())
        h.update(rows.tobytes())
    return h.digest()


def data_version(tables: dict[str, pd.DataFrame], analysis: str, digests: dict[str, bytes] | None = None) -> str:
    """The data version ``analysis`` would see in ``tables`` (16 hex digits).

    ``digests`` caches :func:`table_digest` per table across analyses.
    """
    digests = {} if digests is None else digests
    h = hashlib.sha256(f"graphgov results {FORMAT}".encode())
    for name in INPUTS[analysis]:
        if name not in digests:
            digests[name] = table_digest(tables.get(name), name)
        h.update(digests[name])
    return h.hexdigest()[:16]


def _plain(value):
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return None if np.isnan(value) else float(value)
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if isinstance(value, (dt.date, dt.datetime, pd.Timestamp)):
        return value.isoformat()[:10]
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def to_json(value) -> str:
    """JSON text of a value with numpy numbers, dates and NaN made plain (NaN is null)."""
    return json.dumps(_plain(value), ensure_ascii=False, sort_keys=True)


def canonical(params: dict) -> str:
    """The parameters of a run as one comparable text."""
    return to_json(params)


@dataclass
class Stamp:
    """What a stored result says about itself (one ``AnalysisRun`` node)."""

    analysis: str
    params: str
    data_version: str
    computed_at: str = ""
    graphgov: str = ""
    seconds: float = 0.0
    rows: int = 0
    summary: dict = field(default_factory=dict)

    @classmethod
    def make(cls, analysis: str, params: dict, version: str, seconds: float, rows: int,
             summary: dict | None = None, clock=None) -> "Stamp":
        from graphgov import __version__

        now = (clock or (lambda: dt.datetime.now(dt.timezone.utc)))()
        return cls(analysis, canonical(params), version, now.isoformat(timespec="seconds"), __version__,
                   round(float(seconds), 3), int(rows), summary or {})

    def record(self) -> dict:
        return {"id": self.analysis, "analysis": self.analysis, "params": self.params,
                "data_version": self.data_version, "computed_at": self.computed_at, "graphgov": self.graphgov,
                "seconds": self.seconds, "rows": self.rows, "summary": to_json(self.summary)}

    @classmethod
    def from_record(cls, rec: dict) -> "Stamp":
        summary = rec.get("summary")
        return cls(rec["analysis"], rec.get("params") or "", rec.get("data_version") or "",
                   rec.get("computed_at") or "", rec.get("graphgov") or "", float(rec.get("seconds") or 0),
                   int(rec.get("rows") or 0), json.loads(summary) if isinstance(summary, str) and summary else {})

    def fresh(self, params: dict, version: str) -> bool:
        """Whether this result answers a run with ``params`` on data of ``version``."""
        return self.data_version == version and self.params == canonical(params)
