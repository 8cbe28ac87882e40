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

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import dijkstra

from graphgov.analysis import betweenness, brokerage, parallel
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


def _weighted_graph(w):
    """An undirected igraph graph of a symmetric weighted CSR matrix (upper triangle), ``weight`` on edges."""
    import igraph as ig

    upper = sparse.triu(w, k=1).tocoo()
    g = ig.Graph(n=w.shape[0], edges=np.column_stack([upper.row, upper.col]).tolist(), directed=False)
    g.es["weight"] = upper.data.tolist()
    return g


def _weight_task() -> dict:
    """PageRank, constraint, effective size and articulation points on the tie weights (a worker's task)."""
    w = parallel.shared("weights")
    g = _weighted_graph(w)
    pr = np.asarray(g.pagerank(weights="weight", directed=False, damping=0.85), dtype=float)
    with np.errstate(invalid="ignore"):
        constraint = np.asarray(g.constraint(weights="weight"), dtype=float)
    arts = np.zeros(w.shape[0], dtype=bool)
    arts[g.articulation_points()] = True
    return {"pagerank": pr / pr.sum() if pr.sum() > 0 else pr, "constraint": constraint,
            "effective_size": effective_size(w), "articulation": arts}


def _distance_task(chunk: list[int]) -> np.ndarray:
    """For the units, from the sources ``chunk``: sums of 1/d, of d and of sources reached (3 × n)."""
    dist, n = parallel.shared("distances"), parallel.shared("units")
    d = dijkstra(dist, directed=False, indices=chunk)[:, :n]
    d[np.arange(len(chunk)), chunk] = np.inf  # a unit is not its own neighbour
    finite = np.isfinite(d)
    with np.errstate(divide="ignore"):
        harm = np.where(finite, 1.0 / d, 0.0).sum(axis=0)
    return np.vstack([harm, np.where(finite, d, 0.0).sum(axis=0), finite.sum(axis=0)])


def _brokerage_task(by: str) -> pd.DataFrame:
    return brokerage.network_brokerage(parallel.shared("net"), by)


PATH_HUB_THRESHOLD = 20  # groups above this many members are hubs for shortest paths (exact, and fewer ties)


def _path_network(net: CoordinationNetwork) -> CoordinationNetwork:
    """The network for shortest paths: more groups as hubs, which keeps every distance (see
    :func:`~graphgov.analysis.network.shared_hub_weight`) and halves the ties of a city."""
    threshold = net.scope.get("hub_threshold")
    if len(net.units) < DEFAULT_EXACT_LIMIT or not net.tables or threshold is not None and threshold <= PATH_HUB_THRESHOLD:
        return net
    return build_network(net.tables, net.layers, net.scope.get("committee"), net.scope.get("area"),
                         PATH_HUB_THRESHOLD, net.scope.get("block_level", "street"))


def _igraph_metrics(net: CoordinationNetwork, exact: bool, samples: int, exact_limit: int, seed: int, delta: float,
                    top: int = 50, wrong: float = 3.0, max_samples: int = 4096, workers: int | None = None,
                    extra: dict | None = None):
    """Every metric of :func:`unit_metrics` with the igraph engine; ``extra`` (name → (task, args))
    runs in the same pool and comes back in ``info["extra"]``."""
    n = len(net.units)
    out = pd.DataFrame(index=net.units.index)
    if n == 0:
        return out, {}
    adj = net.adjacency()
    w = net.expanded_adjacency()
    exact_weights = w is not None
    if w is None:  # hubs too large to expand: a hub is one contact
        w = adj
    binary = w[:n, :n].copy()
    binary.data[:] = 1.0
    if not exact_weights and len(net.hubs):
        inc = adj[:n, n:].copy()
        inc.data[:] = 1.0
        binary = (binary + inc @ inc.T).tocsr()
        binary.setdiag(0)
        binary.eliminate_zeros()
        binary.data[:] = 1.0
    out["degree"] = np.diff(binary.tocsr().indptr)
    out["weighted_degree"] = np.asarray(adj.sum(axis=1)).ravel()[:n]

    is_exact = exact or n <= max(samples, exact_limit)
    groups = net.units["block"].astype(object).fillna("").to_numpy()
    order = np.arange(n) if is_exact else betweenness.source_order(n, seed, groups)
    near = order if is_exact else order[:min(samples, n)]
    workers = parallel.default_workers() if workers is None else workers
    workers = workers if n >= 300 else 1
    # weights and brokerage start on the workers while this process builds the network for paths
    with parallel.Pool({"weights": w, "net": net}, workers) as early:
        weights = early.submit(_weight_task)
        others = {name: early.submit(fn, *args) for name, (fn, args) in (extra or {}).items()}
        paths_net = _path_network(net)
        objects = {"paths": paths_net.to_igraph(paths=True), "units": n, "distances": _distance_matrix(paths_net)}
        with parallel.Pool(objects, workers) as pool:
            parts = max(1, 2 * pool.workers)
            sums = [pool.submit(_distance_task, near[i::parts].tolist()) for i in range(parts) if len(near[i::parts])]
            if is_exact:
                bc = betweenness.exact_betweenness(pool, n)
            else:
                bc = betweenness.sampled_betweenness(pool, n, seed, groups, top=top, wrong=wrong, min_sources=samples,
                                                     max_sources=max(max_samples, samples))
            harm, dsum, reached = sum((f.result() for f in sums), np.zeros((3, n)))
        found = weights.result()
        extra_out = {name: f.result() for name, f in others.items()}
    out["betweenness"] = bc.values
    counted = np.full(n, float(len(near)))
    counted[near] -= 1  # a sampled unit saw k-1 other sources
    scale = np.where(counted > 0, (n - 1) / np.maximum(counted, 1), 0.0)
    harm, dsum, reached = harm * scale, dsum * scale, reached * scale
    out["harmonic"] = harm / (n - 1) if n > 1 else 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        close = np.where(dsum > 0, (reached / dsum) * (reached / (n - 1)), 0.0) if n > 1 else np.zeros(n)
    out["closeness"] = close
    for name in ("pagerank", "constraint", "effective_size"):
        out[name] = found[name][:n]
    out["articulation"] = found["articulation"][:n].tolist()
    info = {**bc.summary(), "betweenness_error": betweenness_error(n, bc.sources, delta), "error_probability": delta,
            "closeness_sources": len(near), "weights_exact": exact_weights, "extra": extra_out}
    return out, info


def _networkx_metrics(net: CoordinationNetwork):
    """The reference: plain networkx, hubs as nodes that are never a path's end."""
    import networkx as nx

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
        return ({v for h in near - unit for v in g[h]} | (near & unit)) - {k}

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
    w = net.expanded_adjacency()  # the tie weights with hub groups expanded, as the igraph engine uses
    ties = nx.relabel_nodes(nx.from_scipy_sparse_array(w), dict(enumerate(keys))) if w is not None else g
    pr = nx.pagerank(ties, weight="weight", tol=1e-12, max_iter=10000)
    total = sum(pr[k] for k in keys)
    out["pagerank"] = [pr[k] / total for k in keys]
    con = nx.constraint(ties, weight="weight")
    out["constraint"] = [con[k] for k in keys]
    # the per-node path: networkx 3.6's all-nodes sparse shortcut disagrees with its own
    # definition on weighted graphs (see tests/test_central.py)
    es = nx.effective_size(ties, nodes=list(ties), weight="weight")
    out["effective_size"] = [es[k] for k in keys]
    arts = set(nx.articulation_points(g))
    out["articulation"] = [k in arts for k in keys]
    return out, {"betweenness_exact": True, "betweenness_sources": n, "betweenness_error": 0.0}


def unit_metrics(net: CoordinationNetwork, engine: str = "igraph", exact: bool = False,
                 samples: int = DEFAULT_SAMPLES, seed: int = 0, delta: float = 0.05,
                 exact_limit: int = DEFAULT_EXACT_LIMIT, top: int = 50, wrong: float = 3.0,
                 max_samples: int = 4096, workers: int | None = None) -> pd.DataFrame:
    """The centrality metrics of every unit of ``net`` (index: unit key, columns :data:`METRICS`).

    ``engine="networkx"`` is the exact reference (plain networkx; hubs are nodes there that
    are never a path's end, as in the igraph engine).
    Betweenness, closeness and harmonic centrality are exact up to ``exact_limit`` units
    (or with ``exact=True``). Above it, closeness and harmonic centrality come from
    ``samples`` sampled sources, and betweenness from at least ``samples`` and at most
    ``max_samples``, sampled until about ``wrong`` units of its ``top`` are expected to be
    wrong (:func:`graphgov.analysis.betweenness.sampled_betweenness`). PageRank, constraint
    and effective size are computed with every hub group expanded into its pairs (exact),
    unless that would add millions of pairs (``attrs["weights_exact"]`` False).
    ``DataFrame.attrs`` holds ``betweenness_exact``, ``betweenness_sources``,
    ``betweenness_expected_wrong`` and ``betweenness_error`` (ε at probability 1-δ, a bound
    for every unit at once). ``workers``: processes to use (default: every core).
    Raises OptionError for a bad engine.
    """
    if samples < 1:
        raise OptionError(f"samples must be at least 1, not {samples}")
    if engine == "igraph":
        out, info = _igraph_metrics(net, exact, samples, exact_limit, seed, delta, top, wrong, max_samples, workers)
        info.pop("extra", None)
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
    top: int = 50,
    wrong: float = 3.0,
    max_samples: int = 4096,
    workers: int | None = None,
) -> pd.DataFrame:
    """Units ranked by centrality, with brokerage roles by sector (条) and block (块).

    Parameters
    ----------
    source : a store, Dataset, dict of tables, or a built :class:`CoordinationNetwork`.
    layers, committee, area, hub_threshold, block_level : see :func:`graphgov.analysis.network.build_network`.
    exact : exact betweenness/closeness even on large networks.
    samples : sampled sources for closeness and harmonic centrality, and the least for
        betweenness, when the network has more than ``exact_limit`` units.
    top, wrong, max_samples : betweenness is sampled until about ``wrong`` of its ``top``
        units are expected to be wrong, from at most ``max_samples`` sources (see
        :func:`unit_metrics`).
    seed : the sampling seed (results are reproducible).
    workers : processes to use (default: every core).
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
    if samples < 1:
        raise OptionError(f"samples must be at least 1, not {samples}")
    roles = {}
    if engine == "igraph":  # the brokerage counts run beside the other metrics, on the other core
        metrics, info = _igraph_metrics(net, exact, samples, exact_limit, seed, 0.05, top, wrong, max_samples,
                                        workers, {by: (_brokerage_task, (by,)) for by in ("sector", "block")})
        roles = info.pop("extra", {})
        metrics = metrics.reindex(columns=list(METRICS))
        metrics.attrs.update(info)
    else:
        metrics = unit_metrics(net, engine=engine, exact=exact, samples=samples, seed=seed, exact_limit=exact_limit)
    u = net.units
    df = pd.DataFrame({
        "id": u["id"], "name": u["name"], "type": u["type"], "type_zh": u["type_zh"],
        "sector": u["sector_group"], "block": u["block_name"],
    }, index=u.index)
    df = df.join(metrics)
    for by in ("sector", "block"):
        counts = roles[by] if by in roles else brokerage.network_brokerage(net, by)
        for role in brokerage.ROLES:
            df[f"{by}_{role}"] = counts[role]
        # the five roles add up to all open two-paths whatever the groups; what differs
        # between groupings is the brokerage that crosses group lines
        df[f"{by}_brokerage"] = counts["brokerage"] - counts["coordinator"]
    ascending = sort_by == "constraint"
    df = df.sort_values([sort_by, "weighted_degree", "id"], ascending=[ascending, False, True], kind="stable",
                        na_position="last")
    df.insert(0, "rank", range(1, len(df) + 1))
    df = df.reset_index(drop=True)
    df.attrs.update(metrics.attrs)
    df.attrs["layers"] = list(net.layers)
    df.attrs["hubs"] = len(net.hubs)
    return df
