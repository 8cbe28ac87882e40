"""Assignment solvers: the exact capacity-respecting optimum (OR-tools or scipy) and the greedy baseline.

Both take candidate pairs with their worth per unit, the units each need asks for
(``demand``) and the units each resource offers (``supply``), and return the units put
on each pair. The exact solver is a min-cost flow; the greedy baseline serves the best
pair first.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from graphgov.errors import OptionError

__all__ = ["solve_assignment", "greedy_assign"]

_SCALE = 1_000_000  # integer costs for the min-cost flow: scores to 1e-6


def solve_assignment(pairs: pd.DataFrame, demand: np.ndarray, supply: np.ndarray, solver: str = "auto") -> np.ndarray:
    """Units on each pair maximising ``sum(value * units)`` under demand and supply limits.

    ``pairs`` has integer columns ``n`` and ``r`` (rows of ``demand`` and ``supply``)
    and ``value`` (worth of one unit). Exact: a min-cost flow (OR-tools), or the same
    linear program solved by HiGHS through scipy (its vertices are integral because
    the constraint matrix is a bipartite incidence matrix).

    Returns the units per pair (int array).
    """
    if solver == "auto":
        try:
            import ortools.graph.python.min_cost_flow  # noqa: F401

            solver = "ortools"
        except ImportError:
            solver = "scipy"
    if len(pairs) == 0:
        return np.zeros(0, dtype=np.int64)
    n, r = pairs["n"].to_numpy(np.int64), pairs["r"].to_numpy(np.int64)
    value = pairs["value"].to_numpy(float)
    cap = np.minimum(demand[n], supply[r]).astype(np.int64)
    if solver == "ortools":
        return _solve_ortools(n, r, value, cap, demand, supply)
    if solver == "scipy":
        return _solve_scipy(n, r, value, cap, demand, supply)
    raise OptionError(f"unknown solver {solver!r}; choose auto, ortools or scipy")


def _solve_ortools(n, r, value, cap, demand, supply) -> np.ndarray:
    from ortools.graph.python import min_cost_flow

    N, R = len(demand), len(supply)
    source, sink = N + R, N + R + 1
    total = int(demand.sum())
    mcf = min_cost_flow.SimpleMinCostFlow()
    pair_arcs = mcf.add_arcs_with_capacity_and_unit_cost(
        n, N + r, cap, -np.round(value * _SCALE).astype(np.int64))
    mcf.add_arcs_with_capacity_and_unit_cost(np.full(N, source), np.arange(N), demand.astype(np.int64),
                                             np.zeros(N, np.int64))
    mcf.add_arcs_with_capacity_and_unit_cost(N + np.arange(R), np.full(R, sink), supply.astype(np.int64),
                                             np.zeros(R, np.int64))
    mcf.add_arc_with_capacity_and_unit_cost(source, sink, total, 0)  # units left unserved
    mcf.set_node_supply(source, total)
    mcf.set_node_supply(sink, -total)
    status = mcf.solve()
    if status != mcf.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    return np.asarray(mcf.flows(pair_arcs), dtype=np.int64)


def _solve_scipy(n, r, value, cap, demand, supply) -> np.ndarray:
    from scipy.optimize import linprog

    P = len(n)
    cols = np.arange(P)
    a_need = sp.csr_matrix((np.ones(P), (n, cols)), shape=(len(demand), P))
    a_res = sp.csr_matrix((np.ones(P), (r, cols)), shape=(len(supply), P))
    res = linprog(-np.round(value * _SCALE) / _SCALE, A_ub=sp.vstack([a_need, a_res]).tocsc(),
                  b_ub=np.concatenate([demand, supply]).astype(float),
                  bounds=np.column_stack([np.zeros(P), cap]), method="highs-ds")
    if res.status != 0:
        raise RuntimeError(f"linear program failed: {res.message}")
    return np.round(res.x).astype(np.int64)


def greedy_assign(pairs: pd.DataFrame, demand: np.ndarray, supply: np.ndarray) -> np.ndarray:
    """The baseline: best pair first, as many units as both sides still allow.

    Returns the units per pair (int array), like :func:`solve_assignment`.
    """
    left_d, left_s = demand.astype(np.int64).tolist(), supply.astype(np.int64).tolist()
    units = [0] * len(pairs)
    order = np.lexsort((pairs["r"].to_numpy(), pairs["n"].to_numpy(), -pairs["score"].to_numpy())).tolist()
    n, r = pairs["n"].to_numpy(np.int64).tolist(), pairs["r"].to_numpy(np.int64).tolist()
    for k in order:
        i, j = n[k], r[k]
        u = left_d[i] if left_d[i] < left_s[j] else left_s[j]
        if u > 0:
            units[k] = u
            left_d[i] -= u
            left_s[j] -= u
    return np.asarray(units, dtype=np.int64)
