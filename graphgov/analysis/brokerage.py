"""Gould–Fernandez brokerage roles: who links whom, within and across groups.

Gould and Fernandez (1989) classify every open two-step path ``a → b → c`` (no tie
``a → c``) by the groups of the three units, crediting the broker ``b`` with one of
five roles (codes as in R's ``sna::brokerage``, whose counts these equal):

=================  =========  ======================================  ==============
role               Chinese    groups                                   code
=================  =========  ======================================  ==============
coordinator        协调者     a, b, c all in one group                 w_I
consultant         咨询者     a and c in one group, b in another        w_O (itinerant)
representative     代表者     b in a's group, c in another              b_IO
gatekeeper         守门者     b in c's group, a in another              b_OI
liaison            联络者     all three in different groups             b_O
=================  =========  ======================================  ==============

**Undirected networks.** The coordination network has no direction, so each tie is
read as two arcs and each open path ``a – b – c`` is counted twice, once in each
direction (the convention UCINET uses for symmetric data). Coordinator, consultant
and liaison counts are therefore twice the number of unordered open pairs, and a
mixed path (b shares a group with exactly one end) gives one representative and one
gatekeeper, so the two are equal on undirected data. :func:`brokerage_reference`
also takes a ``DiGraph`` for data with direction.

Groups in graphgov: by sector (条, the unit's sector, else its unit type) and by block
(块, the unit's street or district).
"""
from __future__ import annotations

from collections.abc import Hashable, Mapping

import networkx as nx
import numpy as np
import pandas as pd
from scipy import sparse

__all__ = ["ROLES", "ROLE_ZH", "brokerage_counts", "brokerage_roles", "brokerage_reference", "network_brokerage"]

ROLES = ("coordinator", "gatekeeper", "representative", "consultant", "liaison")
ROLE_ZH = {"coordinator": "协调者", "gatekeeper": "守门者", "representative": "代表者",
           "consultant": "咨询者", "liaison": "联络者"}


def _role(ga, gb, gc) -> str:
    if ga == gb == gc:
        return "coordinator"
    if ga == gc:
        return "consultant"
    if ga == gb:
        return "representative"
    if gb == gc:
        return "gatekeeper"
    return "liaison"


def brokerage_reference(graph: nx.Graph, groups: Mapping[Hashable, Hashable]) -> pd.DataFrame:
    """Brute-force brokerage counts: every ordered triple, one at a time.

    Slow (sum of in-degree × out-degree over nodes); the reference the fast path is
    tested against, and the way to get roles on a small directed graph.

    Returns a DataFrame indexed by node with one column per role in :data:`ROLES`.
    """
    counts = {v: dict.fromkeys(ROLES, 0) for v in graph.nodes}
    directed = graph.is_directed()
    for b in graph.nodes:
        preds = graph.predecessors(b) if directed else graph.neighbors(b)
        succs = list(graph.successors(b) if directed else graph.neighbors(b))
        for a in preds:
            for c in succs:
                if a == c or a == b or c == b or graph.has_edge(a, c):
                    continue
                counts[b][_role(groups[a], groups[b], groups[c])] += 1
    return pd.DataFrame.from_dict(counts, orient="index", columns=list(ROLES)).astype(int)


def _rowsum_masked(left, right, mask, chunk: int) -> np.ndarray:
    """Row sums of ``(left @ right) ∘ mask`` computed in row blocks to bound memory."""
    n = left.shape[0]
    out = np.zeros(n)
    for start in range(0, n, chunk):
        stop = min(start + chunk, n)
        prod = left[start:stop] @ right
        out[start:stop] = np.asarray(prod.multiply(mask[start:stop]).sum(axis=1)).ravel()
    return out


def _rowsums_two_masks(left, right, mask1, mask2, chunk: int) -> tuple[np.ndarray, np.ndarray]:
    """Row sums of ``(left @ right) ∘ mask1`` and ``∘ mask2``, sharing the product."""
    n = left.shape[0]
    one, two = np.zeros(n), np.zeros(n)
    for start in range(0, n, chunk):
        stop = min(start + chunk, n)
        prod = left[start:stop] @ right
        one[start:stop] = np.asarray(prod.multiply(mask1[start:stop]).sum(axis=1)).ravel()
        two[start:stop] = np.asarray(prod.multiply(mask2[start:stop]).sum(axis=1)).ravel()
    return one, two


def brokerage_counts(adjacency, codes, chunk: int = 2000) -> np.ndarray:
    """Brokerage role counts of every node of an undirected graph, with sparse matrices.

    Parameters
    ----------
    adjacency : a symmetric scipy sparse matrix (any nonzero is a tie; the diagonal is ignored).
    codes : one integer group code per node.

    Returns
    -------
    numpy array of shape (n, 5), columns in :data:`ROLES` order (ordered-pair counts).

    Notes
    -----
    For broker b with d neighbours, s of them in b's group, the ordered neighbour pairs
    are coordinator s(s-1), representative = gatekeeper s(d-s), consultant
    Σ_{g≠g_b} n_g(n_g-1) and liaison (d-s)(d-s-1) minus the consultant pairs. The pairs
    that are tied (closed triads) are subtracted using X (ties within a group) and
    Y (ties across groups): closed coordinator = rowsum((X·A)∘X), representative =
    rowsum((X·A)∘Y), consultant = rowsum((Y·X)∘Y), liaison = rowsum((Y·Y)∘Y).
    """
    a = sparse.csr_matrix(adjacency, dtype=float, copy=True)
    a.setdiag(0)
    a.eliminate_zeros()
    a.data[:] = 1.0
    codes = np.asarray(codes)
    n = a.shape[0]
    if n == 0:
        return np.zeros((0, 5))
    coo = a.tocoo()
    same = codes[coo.row] == codes[coo.col]
    x = sparse.csr_matrix((np.ones(same.sum()), (coo.row[same], coo.col[same])), shape=(n, n))
    y = sparse.csr_matrix((np.ones((~same).sum()), (coo.row[~same], coo.col[~same])), shape=(n, n))
    d = np.asarray(a.sum(axis=1)).ravel()
    s = np.asarray(x.sum(axis=1)).ravel()
    _, inverse = np.unique(codes, return_inverse=True)
    onehot = sparse.csr_matrix((np.ones(n), (np.arange(n), inverse)), shape=(n, inverse.max() + 1))
    ng = a @ onehot  # neighbours of each node per group
    ng_pairs = np.asarray(ng.multiply(ng).sum(axis=1)).ravel() - d  # Σ_g n_g(n_g-1)
    consult_total = ng_pairs - (s * s - s)
    closed_coord, closed_rep = _rowsums_two_masks(x, a, x, y, chunk)
    coord = s * (s - 1) - closed_coord
    rep = s * (d - s) - closed_rep
    consult = consult_total - _rowsum_masked(y, x, y, chunk)
    liaison = (d - s) * (d - s - 1) - consult_total - _rowsum_masked(y, y, y, chunk)
    out = np.column_stack([coord, rep, rep, consult, liaison])
    return np.rint(out)


def brokerage_roles(graph: nx.Graph, groups) -> pd.DataFrame:
    """Brokerage role counts of every node of an undirected networkx graph.

    Parameters
    ----------
    graph : ``nx.Graph`` (undirected; a DiGraph goes to :func:`brokerage_reference`).
    groups : a mapping node → group, or the name of a node attribute.

    Returns
    -------
    DataFrame indexed by node, one integer column per role in :data:`ROLES`, and
    ``brokerage`` (their sum).

    Examples
    --------
    >>> g = nx.path_graph(["a", "b", "c"])
    >>> int(brokerage_roles(g, {"a": 1, "b": 2, "c": 1}).loc["b", "consultant"])
    2
    """
    if isinstance(groups, str):
        groups = nx.get_node_attributes(graph, groups)
    if graph.is_directed():
        df = brokerage_reference(graph, groups)
    else:
        nodes = list(graph.nodes)
        # networkx refuses to make a matrix of an empty graph; it simply has no brokers
        adj = nx.to_scipy_sparse_array(graph, nodelist=nodes, weight=None, format="csr") if nodes else np.zeros((0, 0))
        codes = pd.factorize(pd.Series([groups.get(v) for v in nodes], dtype=object).fillna("\0none"))[0]
        df = pd.DataFrame(brokerage_counts(adj, codes), index=nodes, columns=list(ROLES)).astype(int)
    df["brokerage"] = df[list(ROLES)].sum(axis=1)
    return df


def network_brokerage(net, by: str = "sector") -> pd.DataFrame:
    """Brokerage roles of the units of a :class:`graphgov.analysis.network.CoordinationNetwork`.

    ``by`` is ``"sector"`` (条) or ``"block"`` (块). Hub ties (large committees or
    projects) are left out: sitting in the same large committee neither closes a triad
    nor gives a path to broker. Returns a DataFrame indexed by unit key with the role
    columns and ``brokerage``.
    """
    column = {"sector": "sector_group", "block": "block", "area": "block"}.get(by)
    if column is None:
        raise ValueError(f"brokerage groups are 'sector' or 'block', not {by!r}")
    groups = net.units[column].astype(object).where(net.units[column].notna(), "\0none")
    codes = pd.factorize(groups)[0]
    counts = brokerage_counts(net.adjacency(units_only=True), codes)
    df = pd.DataFrame(counts, index=net.units.index, columns=list(ROLES)).astype(int)
    df["brokerage"] = df[list(ROLES)].sum(axis=1)
    return df
