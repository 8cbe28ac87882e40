"""Small vectorised draws shared by the builders: ids, dates, weighted category and group picks.

Dates are counted back from :data:`REFERENCE_DATE`, never from today, so a dataset does
not depend on the day it is generated.
"""
from __future__ import annotations

import numpy as np

__all__ = ["REFERENCE_DATE", "cat_sample", "days_ago", "make_ids", "pick_in_groups"]

REFERENCE_DATE = np.datetime64("2025-06-30", "D")  # "today" of every generated dataset


def make_ids(prefix: str, n: int, width: int | None = None) -> np.ndarray:
    """``n`` ids: ``prefix`` and the numbers 1..n, zero-padded to ``width`` (at least 3) digits."""
    width = width or max(3, len(str(n)))
    return np.array([f"{prefix}{i:0{width}d}" for i in range(1, n + 1)], dtype=object)


def days_ago(days_back: np.ndarray) -> np.ndarray:
    """YYYY-MM-DD strings for dates ``days_back`` days before the reference date."""
    return np.datetime_as_string(REFERENCE_DATE - days_back.astype("timedelta64[D]"), unit="D").astype(object)


def cat_sample(rng: np.random.Generator, weights: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """One category index per row, drawn from ``weights[rows[i]]``."""
    cum = np.cumsum(weights, axis=1)
    cum /= cum[:, -1:]
    u = rng.random(len(rows))
    return np.minimum((u[:, None] > cum[rows]).sum(axis=1), weights.shape[1] - 1)


def pick_in_groups(rng: np.random.Generator, pool_group: np.ndarray, queries: np.ndarray,
                   weights: np.ndarray | None = None) -> np.ndarray:
    """For each query group, a random pool index with that group (weighted), or -1 if none."""
    order = np.argsort(pool_group, kind="stable")
    keys = pool_group[order]
    w = np.ones(len(order)) if weights is None else weights[order].astype(float)
    cw = np.cumsum(w)
    left = np.searchsorted(keys, queries, "left")
    right = np.searchsorted(keys, queries, "right")
    base = np.where(left > 0, cw[np.maximum(left - 1, 0)], 0.0)
    total = np.where(right > left, cw[np.maximum(right - 1, 0)] - base, 0.0)
    target = base + rng.random(len(queries)) * total
    idx = np.clip(np.searchsorted(cw, target, "right"), left, np.maximum(right - 1, left))
    ok = total > 0
    return np.where(ok, order[np.minimum(idx, len(order) - 1)], -1)
