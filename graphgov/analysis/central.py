"""Central actors: who holds the coordination network together.

:func:`central_table` ranks the units of a :class:`graphgov.analysis.network.CoordinationNetwork`
by degree, weighted degree, betweenness, PageRank, closeness and harmonic centrality,
Burt's constraint and effective size, marks articulation points and counts
Gould–Fernandez brokerage roles by sector (条) and by block (块).

Two engines compute the same metrics: ``"igraph"`` (C-backed, the default, used at
city scale) and ``"networkx"`` (the reference; tests check that both agree).

**Betweenness at scale.** Exact betweenness runs one shortest-path search per unit.
Above ``exact_limit`` units, searches start from ``samples`` units drawn at random
(seeded) and the totals are scaled by n/k (Brandes & Pich 2007). Each unit's
normalized betweenness is an average of k values in [0, 1], so by Hoeffding's
inequality and a union bound over the n units, with probability at least 1 - δ every
unit's estimate is within ε = n/(n-1) · sqrt(ln(2n/δ) / (2k)) of the exact value
(reported in ``DataFrame.attrs``). Closeness and harmonic centrality use the same
sampled sources. ``exact=True`` always computes exactly.
"""
from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import dijkstra

from graphgov.analysis import brokerage
from graphgov.errors import OptionError
from graphgov.analysis.network import DEFAULT_HUB_THRESHOLD, CoordinationNetwork, build_network

__all__ = [
    "METRICS",
    "METRIC_ZH",
    "DEFAULT_SAMPLES",
    "DEFAULT_EXACT_LIMIT",
    "unit_metrics",
    "central_table",
    "betweenness_error",
    "effective_size",
    "articulation_cuts",
]

METRICS = ("degree", "weighted_degree", "betweenness", "pagerank", "closeness", "harmonic",
           "constraint", "effective_size", "articulation")
METRIC_ZH = {
    "degree": "联系单位数", "weighted_degree": "加权联系强度", "betweenness": "中介中心度", "pagerank": "PageRank",
    "closeness": "接近中心度", "harmonic": "调和中心度", "constraint": "结构约束", "effective_size": "有效规模",
    "articulation": "关键节点(割点)",
}
DEFAULT_SAMPLES = 256
DEFAULT_EXACT_LIMIT = 2000
SORT_KEYS = METRICS + ("sector_brokerage", "block_brokerage")


def betweenness_error(n: int, k: int, delta: float = 0.05) -> float:
    """The ε such that, with probability ≥ 1-δ, every one of ``n`` units' normalized
    betweenness estimated from ``k`` sampled sources is within ε of the exact value.
    0 when ``k >= n`` (exact)."""
    if k >= n or n < 3:
        return 0.0
    return n / (n - 1) * math.sqrt(math.log(2 * n / delta) / (2 * k))


def effective_size(adjacency) -> np.ndarray:
    """Burt's effective size of every node of a weighted undirected graph (sparse).

    Same definition as ``networkx.effective_size(G, weight=...)``: for node i,
    Σ_j (1 − Σ_q p_iq m_jq) over neighbours j, with p the tie weights normalised by
    their sum and m by their maximum. NaN for isolated nodes.
    """
    w = sparse.csr_matrix(adjacency, dtype=float, copy=True)
    w.setdiag(0)
    w.eliminate_zeros()
    n = w.shape[0]
    total = np.asarray(w.sum(axis=1)).ravel()
    biggest = w.max(axis=1).toarray().ravel() if n else np.zeros(0)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = sparse.diags(np.where(total > 0, 1 / total, 0)) @ w
        m = sparse.diags(np.where(biggest > 0, 1 / biggest, 0)) @ w
    binary = w.copy()
    binary.data[:] = 1.0
    degree = np.asarray(binary.sum(axis=1)).ravel()
    redundancy = brokerage._rowsum_masked(sparse.csr_matrix(p), sparse.csr_matrix(m.T), binary, 2000)
    out = degree - redundancy
    out[degree == 0] = np.nan
    return out


def articulation_cuts(adjacency, vertex_weights) -> pd.DataFrame:
    """Articulation points and what their removal cuts off.

    Parameters
    ----------
    adjacency : symmetric scipy sparse matrix.
    vertex_weights : array (n, k) of what each vertex carries (e.g. 1 per unit, its open needs).

    Returns
    -------
    DataFrame indexed by vertex (articulation points only) with, for each weight column
    ``c``, ``cut_c``: the weight of every piece the removal separates from the largest
    remaining piece of the vertex's component (by the first weight), and ``pieces``:
    the number of pieces the component falls into.
    """
    a = sparse.csr_matrix(adjacency)
    n = a.shape[0]
    weights = np.asarray(vertex_weights, dtype=float).reshape(n, -1)
    indptr, indices = a.indptr, a.indices
    disc = np.full(n, -1)
    low = np.zeros(n, dtype=int)
    sub = np.zeros_like(weights)
    final: dict[int, list[np.ndarray]] = {}
    t = 0
    for root in range(n):
        if disc[root] >= 0:
            continue
        disc[root] = low[root] = t
        t += 1
        sub[root] = weights[root]
        stack = [(root, -1, indptr[root])]
        members = [root]
        pieces: dict[int, list[np.ndarray]] = {}
        while stack:
            v, parent, i = stack[-1]
            if i < indptr[v + 1]:
                stack[-1] = (v, parent, i + 1)
                w = indices[i]
                if w == v:
                    continue
                if disc[w] < 0:
                    disc[w] = low[w] = t
                    t += 1
                    sub[w] = weights[w]
                    members.append(w)
                    stack.append((w, v, indptr[w]))
                elif w != parent:
                    low[v] = min(low[v], disc[w])
            else:
                stack.pop()
                if parent >= 0:
                    low[parent] = min(low[parent], low[v])
                    sub[parent] += sub[v]
                    if low[v] >= disc[parent]:
                        pieces.setdefault(parent, []).append(sub[v].copy())
        total = sub[root]
        for v, parts in pieces.items():
            if v == root:
                if len(parts) >= 2:
                    final[v] = parts
            else:
                final[v] = [*parts, total - weights[v] - np.sum(parts, axis=0)]
    rows = {}
    for v, parts in final.items():
        parts = np.array(parts)
        keep = np.argmax(parts[:, 0])
        cut = parts.sum(axis=0) - parts[keep]
        row = {f"cut_{j}": cut[j] for j in range(weights.shape[1])}
        row["pieces"] = len(parts)
        rows[v] = row
    cols = [f"cut_{j}" for j in range(weights.shape[1])] + ["pieces"]
    return pd.DataFrame.from_dict(rows, orient="index", columns=cols)


def _distance_matrix(net: CoordinationNetwork):
    keys = net.node_keys
    index = {k: i for i, k in enumerate(keys)}
    e = net.path_edges()
    i = e["source"].map(index).to_numpy()
    j = e["target"].map(index).to_numpy()
    return sparse.csr_matrix((e["distance"].to_numpy(dtype=float), (i, j)), shape=(len(keys), len(keys)))


def _igraph_metrics(net: CoordinationNetwork, exact: bool, samples: int, exact_limit: int, seed: int, delta: float):
    g = net.to_igraph()
    n = len(net.units)
    units = list(range(n))
    out = pd.DataFrame(index=net.units.index)
    if n == 0:
        return out, {}
    adj = net.adjacency()
    binary_units = net.adjacency(units_only=True)
    binary_units.data[:] = 1.0
    if len(net.hubs):
        inc = adj[:n, n:].copy()
        inc.data[:] = 1.0
        reach = (binary_units + inc @ inc.T).tocsr()
        reach.setdiag(0)
        reach.eliminate_zeros()
        out["degree"] = np.diff(reach.indptr)
    else:
        out["degree"] = np.diff(binary_units.indptr)
    out["weighted_degree"] = np.asarray(adj.sum(axis=1)).ravel()[:n]

    k = n if exact or n <= max(samples, exact_limit) else samples
    rng = np.random.default_rng(seed)
    sources = units if k >= n else sorted(rng.choice(n, size=k, replace=False).tolist())
    paths = net.to_igraph(paths=True) if net.hub_pairs is not None and len(net.hub_pairs) else g
    raw = paths.betweenness(vertices=units, directed=False, weights="distance", sources=sources, targets=units)
    raw = np.asarray(raw, dtype=float) * (n / len(sources))
    out["betweenness"] = raw * 2 / ((n - 1) * (n - 2)) if n > 2 else 0.0

    # scipy returns the distance rows as one array, without igraph's per-value Python objects
    dist = _distance_matrix(net)
    harm = np.zeros(n)
    dsum = np.zeros(n)
    reached = np.zeros(n)
    counted = np.zeros(n)
    for start in range(0, len(sources), 256):
        chunk = sources[start:start + 256]
        d = dijkstra(dist, directed=False, indices=chunk)[:, :n]
        d[np.arange(len(chunk)), chunk] = np.inf  # a unit is not its own neighbour
        finite = np.isfinite(d)
        with np.errstate(divide="ignore"):
            harm += np.where(finite, 1.0 / d, 0.0).sum(axis=0)
        dsum += np.where(finite, d, 0.0).sum(axis=0)
        reached += finite.sum(axis=0)
        counted += len(chunk)
    counted[sources] -= 1  # a sampled unit saw k-1 other sources
    scale = np.where(counted > 0, (n - 1) / np.maximum(counted, 1), 0.0)
    harm, dsum, reached = harm * scale, dsum * scale, reached * scale
    out["harmonic"] = harm / (n - 1) if n > 1 else 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        close = np.where(dsum > 0, (reached / dsum) * (reached / (n - 1)), 0.0) if n > 1 else np.zeros(n)
    out["closeness"] = close

    pr = np.asarray(g.pagerank(weights="weight", directed=False, damping=0.85), dtype=float)[:n]
    out["pagerank"] = pr / pr.sum() if pr.sum() > 0 else pr
    out["constraint"] = np.asarray(g.constraint(weights="weight"), dtype=float)[:n]
    out["effective_size"] = effective_size(adj)[:n]
    arts = set(g.articulation_points())
    out["articulation"] = [i in arts for i in units]
    info = {"betweenness_exact": k >= n, "betweenness_sources": len(sources),
            "betweenness_error": betweenness_error(n, len(sources), delta), "error_probability": delta}
    return out, info


def _networkx_metrics(net: CoordinationNetwork):
    """The reference: plain networkx, hubs as nodes that are never a path's end."""
    g = net.to_networkx()
    paths = net.to_networkx(paths=True)
    keys = list(net.units.index)
    n = len(keys)
    out = pd.DataFrame(index=net.units.index)
    if n == 0:
        return out, {}
    unit = set(keys)

    def reach(k):  # units tied to k directly or through a hub
        near = set(g[k])
        return {v for h in near - unit for v in g[h]} | near & unit - {k}

    out["degree"] = [len(reach(k)) for k in keys]
    out["weighted_degree"] = [g.degree(k, weight="weight") for k in keys]
    b = nx.betweenness_centrality_subset(paths, keys, keys, weight="distance")
    out["betweenness"] = [b[k] * 2 / ((n - 1) * (n - 2)) if n > 2 else 0.0 for k in keys]
    close, harm = [], []
    for k in keys:
        d = nx.single_source_dijkstra_path_length(paths, k, weight="distance")
        d = [x for v, x in d.items() if v in unit and v != k]
        total, r = sum(d), len(d)
        close.append(r / total * r / (n - 1) if total > 0 else 0.0)
        harm.append(sum(1 / x for x in d) / (n - 1) if n > 1 else 0.0)
    out["closeness"], out["harmonic"] = close, harm
    pr = nx.pagerank(g, weight="weight", tol=1e-12, max_iter=10000)
    out["pagerank"] = [pr[k] for k in keys]
    con = nx.constraint(g, weight="weight")
    out["constraint"] = [con[k] for k in keys]
    # the per-node path: networkx 3.6's all-nodes sparse shortcut disagrees with its own
    # definition on weighted graphs (see tests/test_central.py)
    es = nx.effective_size(g, nodes=list(g), weight="weight")
    out["effective_size"] = [es[k] for k in keys]
    arts = set(nx.articulation_points(g))
    out["articulation"] = [k in arts for k in keys]
    return out, {"betweenness_exact": True, "betweenness_sources": n, "betweenness_error": 0.0}


def unit_metrics(net: CoordinationNetwork, engine: str = "igraph", exact: bool = False,
                 samples: int = DEFAULT_SAMPLES, seed: int = 0, delta: float = 0.05,
                 exact_limit: int = DEFAULT_EXACT_LIMIT) -> pd.DataFrame:
    """The centrality metrics of every unit of ``net`` (index: unit key, columns :data:`METRICS`).

    ``engine="networkx"`` is the exact reference (plain networkx; hubs are nodes there that
    are never a path's end, as in the igraph engine).
    Betweenness, closeness and harmonic centrality are exact up to ``exact_limit`` units
    (or with ``exact=True``), else estimated from ``samples`` sampled sources.
    ``DataFrame.attrs`` holds ``betweenness_exact``, ``betweenness_sources`` and
    ``betweenness_error`` (ε at probability 1-δ). Raises OptionError for a bad engine.
    """
    if samples < 1:
        raise OptionError(f"samples must be at least 1, not {samples}")
    if engine == "igraph":
        out, info = _igraph_metrics(net, exact, samples, exact_limit, seed, delta)
    elif engine == "networkx":
        out, info = _networkx_metrics(net)
    else:
        raise OptionError(f"unknown engine {engine!r}; choose igraph or networkx")
    out = out.reindex(columns=list(METRICS))
    out.attrs.update(info)
    return out


def central_table(
    source,
    layers=None,
    committee: str | None = None,
    area: str | None = None,
    exact: bool = False,
    samples: int = DEFAULT_SAMPLES,
    seed: int = 0,
    exact_limit: int = DEFAULT_EXACT_LIMIT,
    sort_by: str = "betweenness",
    hub_threshold: int | None = DEFAULT_HUB_THRESHOLD,
    block_level: str = "street",
    engine: str = "igraph",
) -> pd.DataFrame:
    """Units ranked by centrality, with brokerage roles by sector (条) and block (块).

    Parameters
    ----------
    source : a store, Dataset, dict of tables, or a built :class:`CoordinationNetwork`.
    layers, committee, area, hub_threshold, block_level : see :func:`graphgov.analysis.network.build_network`.
    exact : exact betweenness/closeness even on large networks.
    samples : sampled sources for betweenness, closeness and harmonic centrality when
        the network has more than ``exact_limit`` units.
    seed : the sampling seed (results are reproducible).
    sort_by : a column of :data:`METRICS` or ``sector_brokerage`` / ``block_brokerage``.

    Returns
    -------
    DataFrame, one row per unit, best first: ``rank``, ``id``, ``name``, ``type``,
    ``type_zh``, ``sector`` (条 group), ``block`` (块 group name), the metrics, then
    ``sector_<role>``/``block_<role>`` counts for the five roles and
    ``sector_brokerage``/``block_brokerage``: the brokerage that crosses group lines
    (all roles but coordinator). ``attrs`` carries the betweenness
    sampling facts (see :func:`unit_metrics`).

    Raises
    ------
    OptionError for a bad layer, sort key or sample count; NotFoundError for an
    unknown committee or area.

    Examples
    --------
    >>> import pandas as pd
    >>> t = {"units": pd.DataFrame({"id": ["U1", "U2", "U3"], "name": ["甲", "乙", "丙"], "type": ["railway"] * 3}),
    ...      "agreements": pd.DataFrame({"unit_a": ["U1", "U2"], "unit_b": ["U2", "U3"]})}
    >>> top = central_table(t).iloc[0]
    >>> top["id"], float(top["betweenness"])
    ('U2', 1.0)
    """
    if sort_by not in SORT_KEYS:
        raise OptionError(f"cannot sort by {sort_by!r}; choose one of {', '.join(SORT_KEYS)}")
    net = source if isinstance(source, CoordinationNetwork) else build_network(
        source, layers, committee, area, hub_threshold, block_level)
    metrics = unit_metrics(net, engine=engine, exact=exact, samples=samples, seed=seed, exact_limit=exact_limit)
    u = net.units
    df = pd.DataFrame({
        "id": u["id"], "name": u["name"], "type": u["type"], "type_zh": u["type_zh"],
        "sector": u["sector_group"], "block": u["block_name"],
    }, index=u.index)
    df = df.join(metrics)
    for by, prefix in (("sector", "sector"), ("block", "block")):
        roles = brokerage.network_brokerage(net, by)
        for role in brokerage.ROLES:
            df[f"{prefix}_{role}"] = roles[role]
        # the five roles add up to all open two-paths whatever the groups; what differs
        # between groupings is the brokerage that crosses group lines
        df[f"{prefix}_brokerage"] = roles["brokerage"] - roles["coordinator"]
    ascending = sort_by == "constraint"
    df = df.sort_values([sort_by, "weighted_degree", "id"], ascending=[ascending, False, True], kind="stable",
                        na_position="last")
    df.insert(0, "rank", range(1, len(df) + 1))
    df = df.reset_index(drop=True)
    df.attrs.update(metrics.attrs)
    df.attrs["layers"] = list(net.layers)
    df.attrs["hubs"] = len(net.hubs)
    return df
