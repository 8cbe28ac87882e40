"""Where and how big map nodes are: centrality scores, node sizes and the igraph layout.

The layout is computed here, in Python, so the browser never runs a physics simulation;
seeded, so the same data gives the same map.
"""
from __future__ import annotations

import math
import random

import igraph as ig
import networkx as nx
import numpy as np

from graphgov.analysis.network import CoordinationNetwork, build_network

__all__ = ["centrality", "node_sizes", "layout"]

def centrality(g: nx.MultiDiGraph, size_by: str, tables: dict,
                network: CoordinationNetwork | None, unit_scores: dict[str, float] | None = None) -> dict[str, float]:
    """A score per node for node sizes; units scored in the coordination network (``unit_scores``,
    keyed ``"Unit:ID"``, when the caller has them: stored results of ``graphgov central``)."""
    keys = list(g.nodes)
    if not keys:
        return {}
    index = {k: i for i, k in enumerate(keys)}
    pairs = {(min(index[u], index[v]), max(index[u], index[v])) for u, v in g.edges() if u != v}
    if size_by == "degree":
        deg = np.zeros(len(keys))
        for a, b in pairs:
            deg[a] += 1
            deg[b] += 1
        values = deg
    else:
        h = ig.Graph(n=len(keys), edges=sorted(pairs))
        if size_by == "pagerank":
            values = np.array(h.pagerank())
        elif len(keys) <= 5000:
            values = np.array(h.betweenness(directed=False))
        else:
            # sampled sources, scaled up (Brandes & Pich); enough to size nodes by
            sources = np.random.default_rng(7).choice(len(keys), size=500, replace=False).tolist()
            values = np.array(h.betweenness(directed=False, sources=sources)) * len(keys) / 500
    scores = {k: float(v) for k, v in zip(keys, values)}
    scores.update(unit_scores if unit_scores is not None else _central_unit_scores(tables, size_by, network))
    return scores


def _central_unit_scores(tables: dict, size_by: str, network: CoordinationNetwork | None) -> dict[str, float]:
    """Unit scores in the unit-to-unit coordination network of :mod:`graphgov.analysis.network`.

    That network (ties through shared committees, projects, agreements, party
    organizations) is what :mod:`graphgov.analysis.central` ranks and what a planner means by a
    central actor, so unit sizes follow it. Only the one measure asked for is computed
    (betweenness from 256 sampled sources above 2,000 units), to keep maps fast; the
    exact figures are ``graphgov central``'s job. ``network`` is that network when the
    caller has built it already.
    """
    units = tables.get("units")
    if units is None or units.empty:
        return {}
    net = network if network is not None else build_network(tables)
    if net.units.empty:
        return {}
    g = net.to_igraph()
    n = len(net.units)
    vertices = list(range(n))
    if size_by == "degree":
        values = g.degree(vertices)
    elif size_by == "pagerank":
        values = g.pagerank(vertices=vertices, weights="weight", directed=False)
    else:
        if n > 2000:
            sources = sorted(np.random.default_rng(7).choice(n, size=256, replace=False).tolist())
        else:
            sources = vertices
        values = g.betweenness(vertices=vertices, directed=False, weights="distance", sources=sources,
                               targets=vertices)
    return {key: float(v) for key, v in zip(net.units.index, values)}


def node_sizes(keys: list[str], scores: dict[str, float], labels: dict[str, str]) -> dict[str, float]:
    """Node radius 8–40 by score, compared within each label (a need is not a unit)."""
    out = {}
    by_label: dict[str, list[str]] = {}
    for k in keys:
        by_label.setdefault(labels[k], []).append(k)
    for label, ks in by_label.items():
        top = max((scores.get(k, 0.0) for k in ks), default=0.0)
        base = {"Committee": 18, "Unit": 10, "Area": 10, "Group": 14}.get(label, 7)
        span = {"Committee": 22, "Unit": 28, "Area": 10, "Group": 36}.get(label, 10)
        for k in ks:
            s = scores.get(k, 0.0)
            out[k] = round(base + (span * math.sqrt(s / top) if top > 0 else 0.0), 2)
    return out


def layout(keys: list[str], edge_pairs: list[tuple[str, str]], seed: int = 7) -> dict[str, tuple[float, float]]:
    """Positions in vis-network pixels, computed with igraph."""
    n = len(keys)
    if n == 0:
        return {}
    if n == 1:
        return {keys[0]: (0.0, 0.0)}
    index = {k: i for i, k in enumerate(keys)}
    pairs = sorted({(min(index[a], index[b]), max(index[a], index[b])) for a, b in edge_pairs if a != b})
    g = ig.Graph(n=n, edges=pairs)
    # igraph draws its starting positions from this generator: seeding it makes maps
    # reproducible (passing seed positions instead is ten times slower above 1,000 nodes)
    ig.set_random_number_generator(random.Random(seed))
    try:
        if n <= 60:
            coords = np.array(g.layout_kamada_kawai().coords)
        else:
            coords = np.array(g.layout_fruchterman_reingold(niter=500).coords)
    finally:
        ig.set_random_number_generator(random)
    coords = coords - coords.mean(axis=0)
    # scale so that a typical tie is at least 110 px long: labels stay readable at zoom 1,
    if pairs:
        ends = np.array(pairs)
        lengths = np.linalg.norm(coords[ends[:, 0]] - coords[ends[:, 1]], axis=1)
        typical = float(np.median(lengths[lengths > 0])) if (lengths > 0).any() else 0.0
    else:
        typical = 0.0
    # and the whole drawing at least 90·√n px across, so hubs' neighbours do not pile up
    by_spread = 90.0 * math.sqrt(n) / (np.abs(coords).max() or 1.0)
    coords = coords * max(by_spread, 110.0 / typical if typical > 0 else 0.0)
    return {k: (round(float(x), 1), round(float(y), 1)) for k, (x, y) in zip(keys, coords)}
