"""Betweenness from sampled sources, sampled until the top of the ranking is settled.

Exact betweenness runs one shortest-path search from every unit. Sampled (Brandes & Pich
2007), the searches start from a random sample of units and the totals are scaled up; the
question is how many sources are enough. :func:`sampled_betweenness` draws sources in
batches of ``batch`` and after each round estimates every unit's standard error from the
spread of the batch estimates. For the top ``top`` units it then computes how many of them
are expected to be wrong: a unit at estimate ``x`` with standard error ``s`` lies on the
other side of the boundary ``b`` (between the ``top``-th and the next estimate) with
probability Φ(−|x − b| / s); summed over the units, inside and outside, and halved (each
wrong unit in the top means one missing from it). Sampling stops when that expectation
is at most ``wrong`` (default 3 of 50), or at ``max_sources``, or when ``budget`` seconds
are spent, and the result says how sure the top is. Sources are drawn without repeats, so
the standard errors carry the finite-population factor √(1 − k/n): at k = n they vanish.

Sources are drawn stratified: units are ordered by group (the caller's: blocks), cut into
``batch`` segments, and each batch takes one unit at random from each segment, so every
batch covers the city in proportion. (Measured on the Beijing preset, this changed the
spread little: the uncertainty is in which units of a district are sources, not how many.)
The searches run on all cores (:mod:`graphgov.analysis.parallel`).
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

from graphgov.analysis import parallel

__all__ = ["Estimate", "sampled_betweenness", "exact_betweenness", "expected_wrong", "source_order"]


@dataclass
class Estimate:
    """Normalized betweenness of the units, and how sure its top is."""

    values: np.ndarray
    sources: int
    exact: bool
    stderr: np.ndarray = field(default_factory=lambda: np.zeros(0))
    top: int = 50
    expected_wrong: float = 0.0
    seconds: float = 0.0
    stopped: str = "exact"

    def summary(self) -> dict:
        return {"betweenness_exact": self.exact, "betweenness_sources": int(self.sources),
                "betweenness_top": int(self.top), "betweenness_expected_wrong": round(float(self.expected_wrong), 3),
                "betweenness_stopped": self.stopped}


def _scale(n: int) -> float:
    return 2.0 / ((n - 1) * (n - 2)) if n > 2 else 0.0


def _batch_task(sources: list[int]) -> np.ndarray:
    """Raw betweenness of the units from ``sources`` (runs in a worker)."""
    g, n = parallel.shared("paths"), parallel.shared("units")
    units = range(n)
    return np.asarray(g.betweenness(vertices=units, directed=False, weights="distance", sources=sources,
                                    targets=units), dtype=float)


def exact_betweenness(pool: parallel.Pool, n: int, chunks: int | None = None) -> Estimate:
    """Every unit a source, the sources split over the pool's workers."""
    started = time.perf_counter()
    parts = chunks or max(1, pool.workers * 2)
    order = list(range(n))
    futures = [pool.submit(_batch_task, order[i::parts]) for i in range(parts) if order[i::parts]]
    raw = sum((f.result() for f in futures), np.zeros(n))
    return Estimate(raw * _scale(n), n, True, np.zeros(n), seconds=time.perf_counter() - started)


def source_order(n: int, seed: int, groups: np.ndarray | None = None) -> np.ndarray:
    """All units in the order sources are drawn: a random order, stratified by ``groups``.

    Units are shuffled, then sorted by group (stable, groups in random order); taking every
    ``step``-th unit of that sequence for one batch gives each group its share.
    """
    rng = np.random.default_rng(seed)
    order = rng.permutation(n)
    if groups is None or len(np.unique(groups)) < 2:
        return order
    rank = {g: i for i, g in enumerate(rng.permutation(np.unique(groups)))}
    return order[np.argsort([rank[g] for g in np.asarray(groups)[order]], kind="stable")]


def _batches(order: np.ndarray, batch: int, seed: int = 0) -> list[list[int]]:
    """Batches of ``batch`` sources: ``order`` cut into ``batch`` consecutive segments (strata),
    and each batch one unit from each segment, at a random place, without repeats."""
    rng = np.random.default_rng([seed, 1])
    segments = np.array_split(order, batch)
    count = min(len(seg) for seg in segments)
    picks = [rng.permutation(seg)[:count] for seg in segments]
    return [sorted(int(p[j]) for p in picks) for j in range(count)]


def _stderr(per: np.ndarray, n: int, batch: int) -> np.ndarray:
    """Standard errors of the mean of the batch estimates ``per`` (batches × units); sources are
    drawn without repeats, so the spread shrinks to nothing as they approach all ``n`` units."""
    k = per.shape[0] * batch
    return per.std(axis=0, ddof=1) / math.sqrt(per.shape[0]) * math.sqrt(max(0.0, 1 - k / n))


def expected_wrong(values: np.ndarray, stderr: np.ndarray, top: int) -> float:
    """Expected number of the ``top`` highest estimates that are not among the ``top`` highest true values."""
    n = len(values)
    if top >= n:
        return 0.0
    order = np.argsort(-values, kind="stable")
    boundary = (values[order[top - 1]] + values[order[top]]) / 2
    s = np.maximum(stderr, 1e-15)
    z = (values - boundary) / s
    tail = 0.5 * np.vectorize(math.erfc)(np.abs(z) / math.sqrt(2))  # Φ(−|z|)
    return float(tail.sum() / 2)


def sampled_betweenness(pool: parallel.Pool, n: int, seed: int = 0, groups: np.ndarray | None = None,
                        top: int = 50, wrong: float = 3.0, min_sources: int = 256, max_sources: int = 2048,
                        batch: int = 32, budget: float | None = None, clock=time.perf_counter) -> Estimate:
    """Betweenness from batches of sampled sources until the top ``top`` is settled (see the module).

    Returns an :class:`Estimate`; ``stopped`` says why sampling ended: ``settled``,
    ``max_sources`` or ``budget``.
    """
    started = clock()
    top = min(top, max(n - 1, 1))
    batch = max(2, min(batch, min_sources // 8, n // 8))  # at least 8 batches for the spread
    batches = _batches(source_order(n, seed, groups), batch, seed)
    limit = max(max_sources, min_sources)
    ahead = max(pool.workers, 1) * 2  # batches queued, so that no core waits for the parent's check
    done: list[np.ndarray] = []
    pending: list = []
    nxt, why = 0, "max_sources"

    def top_up():
        nonlocal nxt
        while len(pending) < ahead and nxt < len(batches) and nxt * batch < limit:
            pending.append(pool.submit(_batch_task, batches[nxt]))
            nxt += 1

    top_up()
    while pending:
        done.append(pending.pop(0).result())
        if len(done) * batch >= min_sources and len(done) >= 4:
            per = np.array(done) * (n / batch) * _scale(n)  # one estimate per batch
            se = _stderr(per, n, batch)
            if expected_wrong(per.mean(axis=0), se, top) <= wrong:
                why = "settled"
                break
            if budget is not None and clock() - started >= budget:
                why = "budget"
                break
        top_up()
    for f in pending:
        f.cancel()
    per = np.array(done) * (n / batch) * _scale(n)
    est = per.mean(axis=0)
    se = _stderr(per, n, batch) if len(done) > 1 else np.zeros(n)
    return Estimate(est, len(done) * batch, False, se, top, expected_wrong(est, se, top), clock() - started, why)
