"""Shortest paths in exact arithmetic: the reference the network tests compare graphgov with.

Weights are :class:`fractions.Fraction`, so path lengths are exact and ties between
shortest paths are real ties (floating point can split them by one unit in the last place).
"""
from __future__ import annotations

import heapq
import itertools
from collections import defaultdict
from fractions import Fraction

__all__ = ["exact_brandes", "expanded_weights"]


def expanded_weights(tables: dict, layers=("committee", "project", "agreement", "party")) -> dict:
    """The coordination network's tie weights, every group expanded into all its pairs, by loops.

    ``tables``: dict of DataFrames (units, memberships, projects, participations,
    agreements, party_orgs). Returns {(a, b): Fraction} with unit ids, a < b, summed over
    the layers: 1/(n-1) per shared committee of n members, 1 per shared project (the lead
    counts), 1 per agreement, 1/2 per party reporting line between two units.
    """
    w: dict = defaultdict(Fraction)

    def add(a, b, x):
        if a != b:
            w[(min(a, b), max(a, b))] += x

    if "committee" in layers and "memberships" in tables:
        groups = defaultdict(set)
        for u, c in zip(tables["memberships"]["unit_id"], tables["memberships"]["committee_id"]):
            groups[c].add(u)
        for members in groups.values():
            for a, b in itertools.combinations(sorted(members), 2):
                add(a, b, Fraction(1, len(members) - 1))
    if "project" in layers:
        groups = defaultdict(set)
        if "participations" in tables:
            for p, u in zip(tables["participations"]["project_id"], tables["participations"]["unit_id"]):
                groups[p].add(u)
        if "projects" in tables:
            for p, u in zip(tables["projects"]["id"], tables["projects"]["lead_unit_id"]):
                if isinstance(u, str):
                    groups[p].add(u)
        for members in groups.values():
            for a, b in itertools.combinations(sorted(members), 2):
                add(a, b, Fraction(1))
    if "agreement" in layers and "agreements" in tables:
        for a, b in zip(tables["agreements"]["unit_a"], tables["agreements"]["unit_b"]):
            add(a, b, Fraction(1))
    if "party" in layers and "party_orgs" in tables:
        po = tables["party_orgs"]
        unit_of = dict(zip(po["id"], po["unit_id"]))
        for u, parent in zip(po["unit_id"], po["parent_id"]):
            if isinstance(parent, str):
                add(u, unit_of[parent], Fraction(1, 2))
    return dict(w)


def exact_brandes(nodes, weights: dict) -> tuple[dict, dict, dict]:
    """Exact betweenness, closeness and harmonic centrality of an undirected weighted graph.

    ``weights``: {(a, b): Fraction tie weight}; a path step costs 1/weight. Returns three
    dicts node → Fraction: normalized betweenness (share of the other pairs' shortest
    paths through the node), Wasserman–Faust closeness and harmonic centrality / (n-1),
    as networkx defines them.
    """
    nodes = list(nodes)
    n = len(nodes)
    adj: dict = defaultdict(dict)
    for (a, b), x in weights.items():
        adj[a][b] = adj[b][a] = 1 / Fraction(x)
    between = dict.fromkeys(nodes, Fraction(0))
    closeness, harmonic = {}, {}
    for s in nodes:
        dist, sigma, preds, order = {s: Fraction(0)}, {s: 1}, defaultdict(list), []
        seen, heap, tick = {}, [(Fraction(0), 0, s)], itertools.count(1)
        while heap:
            d, _, v = heapq.heappop(heap)
            if v in seen:
                continue
            seen[v] = d
            order.append(v)
            for u, step in adj[v].items():
                nd = d + step
                if u not in dist or nd < dist[u]:
                    dist[u], sigma[u], preds[u] = nd, sigma[v], [v]
                    heapq.heappush(heap, (nd, next(tick), u))
                elif nd == dist[u] and u not in seen:
                    sigma[u] += sigma[v]
                    preds[u].append(v)
        delta = defaultdict(Fraction)
        for w in reversed(order):
            for v in preds[w]:
                delta[v] += Fraction(sigma[v], sigma[w]) * (1 + delta[w])
            if w != s:
                between[w] += delta[w]
        reached = [d for v, d in seen.items() if v != s]
        total = sum(reached, Fraction(0))
        r = len(reached)
        closeness[s] = Fraction(r, n - 1) * Fraction(r) / total if total else Fraction(0)
        harmonic[s] = sum((1 / d for d in reached), Fraction(0)) / (n - 1)
    scale = Fraction(2, (n - 1) * (n - 2)) / 2 if n > 2 else Fraction(0)
    return {v: b * scale for v, b in between.items()}, closeness, harmonic
