"""The coordination network: which member units are tied to which, and how strongly.

A unit-to-unit network built from the stored graph in four layers, each weighted
(see ``docs/analysis.md``):

``committee``
    Two units that sit on the same committee (or alliance) of ``n`` members get a tie
    of ``1/(n-1)`` for it, so one committee adds 1 to a member's weighted degree
    however large it is: a seat on a 16-unit committee says less about two units
    than a joint project does.
``project``
    1.0 for every project both take part in (the lead unit counts as a participant).
``agreement``
    1.0 for every co-building agreement (共建协议) between them.
``party``
    0.5 when a party organization of one reports to a party organization of the
    other (the party hierarchy links the units' organizations, not their work).

A tie's ``weight`` is the sum over layers; its ``distance`` (for shortest paths) is
``1/weight``: strong ties are short.

**Large groups as hubs.** A committee (or project) with more than ``hub_threshold``
members is not expanded into all its pairs (a 167-unit street committee would give
13,861 ties, a city-level one hundreds of thousands). It is kept as one hub node
``"Committee:ID"`` joined to each member with ``weight = (m-1)/(n-1)`` (the member's
total tie strength to the ``m`` members in scope, as in the expanded clique) and
``distance = (n-1)/2`` (so a path member–hub–member is exactly as long as the
clique tie it stands for). Metrics are reported for units only; hubs never count as
sources, targets or brokers. ``hub_threshold=None`` expands every group.

Expanded, a pair that shares a large group *and* has another tie (a small committee, a
project, an agreement, a second large group) gets one tie carrying the sum. So that paths
stay exactly as long as in the expanded network, such a pair's direct tie gets
``hub_weight`` (what the pair also shares through hubs) and ``distance = 1/(weight +
hub_weight)``, and pairs tied only through two or more hubs are kept in ``hub_pairs``
(a path step of ``1/summed weight``), used by the path metrics (:meth:`CoordinationNetwork.path_edges`).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx
import numpy as np
import pandas as pd

from graphgov.dataset import schema, vocab
from graphgov.errors import OptionError
from graphgov.analysis.scope import area_descendants, block_of, scope_units

__all__ = [
    "LAYERS",
    "LAYER_WEIGHTS",
    "DEFAULT_HUB_THRESHOLD",
    "CoordinationNetwork",
    "build_network",
    "coordination_network",
    "parse_layers",
    "scope_units",
    "area_descendants",
    "block_of",
    "shared_hub_weight",
    "unit_frame",
]

LAYERS = ("committee", "project", "agreement", "party")
LAYER_ZH = {"committee": "同属委员会", "project": "共同参与项目", "agreement": "共建协议", "party": "党组织隶属"}
# weight of one tie of each layer; committee ties are 1/(n-1) per committee instead
LAYER_WEIGHTS = {"project": 1.0, "agreement": 1.0, "party": 0.5}
DEFAULT_HUB_THRESHOLD = 50
UNKNOWN_GROUP = "(未知)"


@dataclass
class CoordinationNetwork:
    """The network as frames, the form every analysis works on.

    ``units``: one row per unit in scope, index ``key`` (``"Unit:U1"``), columns
    ``id``, ``name``, ``type``, ``type_zh``, ``sector``, ``area_id``, ``sector_group``
    (条: the sector, else the unit type's Chinese name) and ``block``/``block_name``
    (块: the unit's area at ``block_level``). ``edges``: ``source``, ``target`` (node
    keys), ``weight``, ``distance``, one weight column per layer and ``hub`` (True for
    unit–hub edges), ``hub_weight`` (weight the pair also shares through hubs; ``distance``
    is ``1/(weight + hub_weight)``). ``hubs``: ``key``, ``id``, ``name``, ``kind``, ``size``
    (members in all), ``members`` (in scope). ``hub_pairs``: ``source``, ``target``,
    ``hub_weight``, ``distance`` of unit pairs tied only through two or more hubs.
    """

    units: pd.DataFrame
    edges: pd.DataFrame
    hubs: pd.DataFrame
    layers: tuple[str, ...]
    tables: dict[str, pd.DataFrame] = field(repr=False)
    scope: dict = field(default_factory=dict)
    hub_pairs: pd.DataFrame | None = None

    def path_edges(self) -> pd.DataFrame:
        """``source``, ``target``, ``distance`` of every path step: the edges and :attr:`hub_pairs`."""
        e = self.edges[["source", "target", "distance"]]
        if self.hub_pairs is None or self.hub_pairs.empty:
            return e
        return pd.concat([e, self.hub_pairs[["source", "target", "distance"]]], ignore_index=True)

    @property
    def node_keys(self) -> list[str]:
        """Units first, then hubs: the vertex order of :meth:`to_igraph`."""
        return list(self.units.index) + list(self.hubs["key"])

    def to_networkx(self, paths: bool = False) -> nx.Graph:
        """An undirected ``nx.Graph``: unit nodes (attributes from ``units``, ``kind="unit"``),
        hub nodes (``kind="hub"``), edges with ``weight``, ``distance`` and per-layer weights.
        ``paths=True`` adds :attr:`hub_pairs` as edges of weight 0 (for shortest paths only)."""
        g = nx.Graph(layers=self.layers, scope=self.scope)
        for key, row in self.units.iterrows():
            attrs = {k: v for k, v in row.items() if v is not None and v == v}
            g.add_node(key, kind="unit", label="Unit", **attrs)
        for row in self.hubs.itertuples(index=False):
            g.add_node(row.key, kind="hub", label=row.key.split(":")[0], id=row.id, name=row.name,
                       size=int(row.size), members=int(row.members))
        cols = ["weight", "distance", *self.layers]
        for row in self.edges[["source", "target", *cols]].itertuples(index=False, name=None):
            g.add_edge(row[0], row[1], **dict(zip(cols, (float(x) for x in row[2:]))))
        if paths and self.hub_pairs is not None:
            for a, b, d in self.hub_pairs[["source", "target", "distance"]].itertuples(index=False, name=None):
                g.add_edge(a, b, weight=0.0, distance=float(d))
        return g

    def to_igraph(self, paths: bool = False):
        """An undirected ``igraph.Graph`` in :attr:`node_keys` order with ``weight`` and
        ``distance`` edge attributes; ``paths=True`` adds :attr:`hub_pairs` (weight 0), for
        shortest paths only."""
        import igraph as ig

        e = self.edges
        if paths and self.hub_pairs is not None and len(self.hub_pairs):
            e = pd.concat([e[["source", "target", "weight", "distance"]],
                           self.hub_pairs[["source", "target", "distance"]].assign(weight=0.0)], ignore_index=True)
        index = {k: i for i, k in enumerate(self.node_keys)}
        src = e["source"].map(index).to_numpy()
        dst = e["target"].map(index).to_numpy()
        g = ig.Graph(n=len(index), edges=np.column_stack([src, dst]).tolist(), directed=False)
        g.es["weight"] = e["weight"].astype(float).tolist()
        g.es["distance"] = e["distance"].astype(float).tolist()
        return g

    def adjacency(self, units_only: bool = False):
        """The symmetric weighted adjacency as a scipy CSR matrix in :attr:`node_keys` order."""
        from scipy import sparse

        keys = list(self.units.index) if units_only else self.node_keys
        index = {k: i for i, k in enumerate(keys)}
        e = self.edges if not units_only else self.edges[~self.edges["hub"]]
        i = e["source"].map(index).to_numpy()
        j = e["target"].map(index).to_numpy()
        w = e["weight"].to_numpy(dtype=float)
        n = len(keys)
        a = sparse.coo_matrix((np.r_[w, w], (np.r_[i, j], np.r_[j, i])), shape=(n, n)).tocsr()
        a.sum_duplicates()
        return a

    def expanded_adjacency(self, max_pairs: int = 3_000_000):
        """The units' tie weights with every hub group expanded into its pairs (units × units CSR),
        as if ``hub_threshold`` were None; None when the hubs would add more than ``max_pairs`` pairs.

        Weight-based measures (PageRank, constraint, effective size) are exact on it; a hub
        counts as one contact instead. Its pairs cost memory, hence the limit.
        """
        from scipy import sparse

        n = len(self.units)
        direct = self.adjacency(units_only=True)
        if self.hubs.empty:
            return direct
        members = self.hubs["members"].astype(int).to_numpy()
        if int((members * (members - 1)).sum()) > 2 * max_pairs:
            return None
        hub_index = {k: i for i, k in enumerate(self.hubs["key"])}
        unit_index = {k: i for i, k in enumerate(self.units.index)}
        e = self.edges[self.edges["hub"]]
        rows, cols = e["source"].map(unit_index).to_numpy(), e["target"].map(hub_index).to_numpy()
        size = self.hubs["size"].astype(float).to_numpy()
        pair = np.where(self.hubs["kind"].to_numpy() == "Committee", 1.0 / np.maximum(size - 1, 1),
                        LAYER_WEIGHTS["project"])
        m = sparse.csr_matrix((np.ones(len(e)), (rows, cols)), shape=(n, len(self.hubs)))
        cliques = (m @ sparse.diags(pair) @ m.T).tocsr()
        cliques.setdiag(0)
        cliques.eliminate_zeros()
        return (direct + cliques).tocsr()


def parse_layers(layers) -> tuple[str, ...]:
    """``"committee,project"`` or a list → a tuple of known layer names.

    Raises OptionError for an unknown layer or an empty choice.
    """
    if layers is None:
        return LAYERS
    if isinstance(layers, str):
        layers = [p.strip() for p in layers.split(",") if p.strip()]
    out = []
    for name in layers:
        if name not in LAYERS:
            raise OptionError(f"unknown layer {name!r}; choose from {', '.join(LAYERS)}")
        if name not in out:
            out.append(name)
    if not out:
        raise OptionError(f"choose at least one layer of {', '.join(LAYERS)}")
    return tuple(out)


def _tables(source, committee: str | None = None, area: str | None = None) -> dict[str, pd.DataFrame]:
    if isinstance(source, CoordinationNetwork):
        return source.tables
    if hasattr(source, "read_scope"):  # a store: only the scope's rows
        return source.read_scope(committee, area)
    if hasattr(source, "read_tables"):
        return source.read_tables(include_internal=True)
    from graphgov.analysis.graph import tables_of

    return tables_of(source)


def _pairs(groups: pd.DataFrame) -> pd.DataFrame:
    """All unordered member pairs of each group: frame ``group``, ``a``, ``b`` (a < b)."""
    if groups.empty:
        return pd.DataFrame({"group": [], "a": [], "b": []}, dtype=object)
    m = groups.merge(groups, on="group", suffixes=("_a", "_b"))
    m = m[m["unit_a"] < m["unit_b"]]
    return pd.DataFrame({"group": m["group"].values, "a": m["unit_a"].values, "b": m["unit_b"].values})


def _group_ties(groups: pd.DataFrame, sizes: pd.Series, pair_weight, hub_threshold, label: str, names: dict):
    """Ties from co-membership of groups (committees, projects).

    ``groups``: ``group``, ``unit`` (unit keys in scope, deduplicated). ``sizes``: members
    per group in all (scope-independent). ``pair_weight(n)``: the tie one group of size n
    gives a pair. Returns (pair frame ``a``, ``b``, ``w``; hub edge frame; hub rows).
    """
    groups = groups.drop_duplicates()
    weight_of = {g: float(pair_weight(int(n))) for g, n in sizes.items()}  # one call per group, not per row
    n_all = groups["group"].map(sizes).fillna(0).astype(int)
    big = (n_all > hub_threshold) if hub_threshold is not None else pd.Series(False, index=groups.index)
    small = groups[~big]
    pairs = _pairs(small)
    w = pairs["group"].map(weight_of).astype(float)
    pair_frame = pd.DataFrame({"a": pairs["a"], "b": pairs["b"], "w": w.values})
    hubs = groups[big]
    hub_rows = []
    if not hubs.empty:
        in_scope = hubs.groupby("group")["unit"].count()
        for gid, m in in_scope.items():
            hub_rows.append({"key": schema.node_key(label, gid), "id": gid, "name": names.get(gid, gid),
                             "kind": label, "size": int(sizes[gid]), "members": int(m)})
        pw = hubs["group"].map(weight_of).astype(float).to_numpy()
        m = hubs["group"].map(in_scope).to_numpy(dtype=float)
        hub_edges = pd.DataFrame({
            "source": hubs["unit"].values,
            "target": (label + ":" + hubs["group"].astype(str)).values,
            "weight": (m - 1) * pw,
            "distance": 1.0 / (2.0 * pw),
            "pair_weight": pw,
        })
        hub_edges = hub_edges[hub_edges["weight"] > 0]
    else:
        hub_edges = pd.DataFrame({"source": [], "target": [], "weight": [], "distance": [], "pair_weight": []})
    return pair_frame, hub_edges, hub_rows


def build_network(
    source,
    layers=None,
    committee: str | None = None,
    area: str | None = None,
    hub_threshold: int | None = DEFAULT_HUB_THRESHOLD,
    block_level: str = "street",
) -> CoordinationNetwork:
    """Build the coordination network of a store, Dataset or dict of tables.

    Parameters
    ----------
    source : a store, a :class:`graphgov.dataset.checks.Dataset`, a dict of tables, or a
        :class:`CoordinationNetwork` (its tables are reused).
    layers : names from :data:`LAYERS` (list or ``"committee,project"``); default all.
    committee, area : the scope (see :func:`scope_units`).
    hub_threshold : groups larger than this become hub nodes; None expands all.
    block_level : the area level that defines a unit's block (块) for brokerage and silos.

    Returns
    -------
    CoordinationNetwork

    Raises
    ------
    OptionError for an unknown layer; NotFoundError for an unknown committee or area.
    """
    layers = parse_layers(layers)
    if hub_threshold is not None and hub_threshold < 2:
        raise OptionError(f"hub threshold must be at least 2, not {hub_threshold}")
    tables = _tables(source, committee, area)
    in_scope = scope_units(tables, committee, area)
    units = unit_frame(tables, in_scope, block_level)

    def keyed(series: pd.Series) -> pd.Series:
        return "Unit:" + series.astype(str)  # schema.node_key for a whole column

    frames: list[pd.DataFrame] = []
    hub_edges: list[pd.DataFrame] = []
    hub_rows: list[dict] = []
    members = tables.get("memberships")
    if "committee" in layers and members is not None and not members.empty:
        sizes = members.drop_duplicates(["unit_id", "committee_id"]).groupby("committee_id")["unit_id"].count()
        g = members[members["unit_id"].isin(in_scope)]
        groups = pd.DataFrame({"group": g["committee_id"].values, "unit": keyed(g["unit_id"]).values})
        comm = tables.get("committees")
        names = dict(zip(comm["id"], comm["name"])) if comm is not None else {}
        pf, he, hr = _group_ties(groups, sizes, lambda n: 1.0 / max(n - 1, 1), hub_threshold, "Committee", names)
        frames.append(pf.assign(layer="committee"))
        hub_edges.append(he.assign(layer="committee"))
        hub_rows += hr
    if "project" in layers:
        parts = []
        p = tables.get("participations")
        if p is not None and not p.empty:
            parts.append(pd.DataFrame({"group": p["project_id"].values, "unit_id": p["unit_id"].values}))
        pr = tables.get("projects")
        if pr is not None and not pr.empty:
            led = pr[pr["lead_unit_id"].notna()]
            parts.append(pd.DataFrame({"group": led["id"].values, "unit_id": led["lead_unit_id"].values}))
        if parts:
            allp = pd.concat(parts).drop_duplicates()
            sizes = allp.groupby("group")["unit_id"].count()
            g = allp[allp["unit_id"].isin(in_scope)]
            groups = pd.DataFrame({"group": g["group"].values, "unit": keyed(g["unit_id"]).values})
            names = dict(zip(pr["id"], pr["title"])) if pr is not None else {}
            pw = LAYER_WEIGHTS["project"]
            pf, he, hr = _group_ties(groups, sizes, lambda n: pw, hub_threshold, "Project", names)
            frames.append(pf.assign(layer="project"))
            hub_edges.append(he.assign(layer="project"))
            hub_rows += hr
    if "agreement" in layers:
        ag = tables.get("agreements")
        if ag is not None and not ag.empty:
            ag = ag[ag["unit_a"].isin(in_scope) & ag["unit_b"].isin(in_scope) & (ag["unit_a"] != ag["unit_b"])]
            a, b = keyed(ag["unit_a"]).values, keyed(ag["unit_b"]).values
            frames.append(pd.DataFrame({"a": np.minimum(a, b), "b": np.maximum(a, b),
                                        "w": LAYER_WEIGHTS["agreement"], "layer": "agreement"}))
    if "party" in layers:
        po = tables.get("party_orgs")
        if po is not None and not po.empty:
            unit_of = dict(zip(po["id"], po["unit_id"]))
            child = po[po["parent_id"].notna()]
            ua = child["unit_id"]
            ub = child["parent_id"].map(unit_of)
            ok = ua.isin(in_scope) & ub.isin(in_scope) & (ua != ub)
            a, b = keyed(ua[ok]).values, keyed(ub[ok]).values
            frames.append(pd.DataFrame({"a": np.minimum(a, b) if len(a) else a, "b": np.maximum(a, b) if len(a) else b,
                                        "w": LAYER_WEIGHTS["party"], "layer": "party"}))

    frames = [f for f in frames if not f.empty]
    if frames:
        allf = pd.concat(frames, ignore_index=True)
        wide = allf.pivot_table(index=["a", "b"], columns="layer", values="w", aggfunc="sum", fill_value=0.0)
        wide = wide.reset_index().rename(columns={"a": "source", "b": "target"})
        wide.columns.name = None
    else:
        wide = pd.DataFrame({"source": pd.Series([], dtype=object), "target": pd.Series([], dtype=object)})
    for layer in layers:
        if layer not in wide.columns:
            wide[layer] = 0.0
    wide["weight"] = wide[list(layers)].sum(axis=1).astype(float)
    wide["hub"] = False
    hub_edges = [h for h in hub_edges if not h.empty]
    he = pd.concat(hub_edges, ignore_index=True) if hub_edges else None
    wide["hub_weight"], hub_pairs = shared_hub_weight(wide, he)
    wide["distance"] = 1.0 / (wide["weight"] + wide["hub_weight"])
    if he is not None:
        for layer in layers:
            he[layer] = np.where(he["layer"] == layer, he["weight"], 0.0)
        he = he.drop(columns=["layer", "pair_weight"])
        he["hub"] = True
        he["hub_weight"] = 0.0
        edges = pd.concat([wide, he], ignore_index=True)
    else:
        edges = wide
    edges = edges[["source", "target", "weight", "distance", *layers, "hub", "hub_weight"]].reset_index(drop=True)
    edges["hub"] = edges["hub"].astype(bool)
    hubs = pd.DataFrame(hub_rows, columns=["key", "id", "name", "kind", "size", "members"])
    scope = {"committee": committee, "area": area, "hub_threshold": hub_threshold, "block_level": block_level}
    return CoordinationNetwork(units, edges, hubs, layers, tables, scope, hub_pairs)


def shared_hub_weight(direct: pd.DataFrame, hub_edges: pd.DataFrame | None) -> tuple[np.ndarray, pd.DataFrame]:
    """What unit pairs also share through hub groups, so that paths stay as in the expanded network.

    Expanded, a pair sitting on a large committee *and* tied otherwise (a project, an
    agreement, a second large group) has one tie carrying the sum of the weights; as a
    hub, the committee's part would be a separate, longer path. Returns, for each row of
    ``direct`` (``source``, ``target`` unit keys), the weight its two units share through
    hubs (0 for most), and a frame ``source``, ``target``, ``hub_weight``, ``distance`` of
    the pairs with no direct tie that share two or more hubs: their summed tie as a path.
    ``hub_edges``: ``source`` (unit key), ``target`` (hub key), ``pair_weight`` (the tie the
    group gives one pair of its members).
    """
    from scipy import sparse

    none = pd.DataFrame({"source": pd.Series([], dtype=object), "target": pd.Series([], dtype=object),
                         "hub_weight": pd.Series([], dtype=float), "distance": pd.Series([], dtype=float)})
    share = np.zeros(len(direct))
    if hub_edges is None or hub_edges.empty:
        return share, none
    members = pd.Index(pd.unique(hub_edges["source"]))
    groups = pd.Index(pd.unique(hub_edges["target"]))
    r, c = members.get_indexer(hub_edges["source"]), groups.get_indexer(hub_edges["target"])
    shape = (len(members), len(groups))
    member = sparse.csr_matrix((np.ones(len(r)), (r, c)), shape=shape)
    weighted = sparse.csr_matrix((hub_edges["pair_weight"].to_numpy(dtype=float), (r, c)), shape=shape)
    a = members.get_indexer(direct["source"]) if len(direct) else np.zeros(0, dtype=int)
    b = members.get_indexer(direct["target"]) if len(direct) else np.zeros(0, dtype=int)
    both = (a >= 0) & (b >= 0)
    if both.any():
        share[both] = np.asarray(weighted[a[both]].multiply(member[b[both]]).sum(axis=1)).ravel()
    multi = np.flatnonzero(np.diff(member.indptr) >= 2)
    if len(multi) < 2:
        return share, none
    count = (member[multi] @ member[multi].T).tocoo()
    summed = (weighted[multi] @ member[multi].T).tocsr()
    keep = (count.row < count.col) & (count.data >= 2)
    i, j = multi[count.row[keep]], multi[count.col[keep]]
    w = np.asarray(summed[count.row[keep], count.col[keep]]).ravel()
    ka, kb = members[i].to_numpy(dtype=object), members[j].to_numpy(dtype=object)
    pairs = pd.DataFrame({"source": np.where(ka < kb, ka, kb), "target": np.where(ka < kb, kb, ka), "hub_weight": w})
    tied = pd.MultiIndex.from_arrays([direct["source"], direct["target"]]) if len(direct) else None
    if tied is not None:
        pairs = pairs[~pd.MultiIndex.from_arrays([pairs["source"], pairs["target"]]).isin(tied)]
    pairs = pairs.sort_values(["source", "target"]).reset_index(drop=True)
    pairs["distance"] = 1.0 / pairs["hub_weight"]
    return share, pairs



def unit_frame(tables: dict[str, pd.DataFrame], unit_ids: set[str] | None = None,
               block_level: str = "street") -> pd.DataFrame:
    """The units (all, or ``unit_ids``) as :attr:`CoordinationNetwork.units`: index ``"Unit:ID"``,
    sorted by id, with ``type_zh``, ``sector_group`` (条) and ``block``/``block_name`` (块)."""
    units_t = tables.get("units")
    if units_t is None:
        units_t = pd.DataFrame({c: [] for c in schema.table("units").column_names})
    u = units_t[units_t["id"].isin(unit_ids)].copy() if unit_ids is not None else units_t.copy()
    u = u.sort_values("id", kind="stable")
    areas = tables.get("areas")
    blocks = block_of(areas, block_level) if areas is not None else {}
    area_names = dict(zip(areas["id"], areas["name"])) if areas is not None and not areas.empty else {}
    key = "Unit:" + u["id"].astype(str)
    sector = u["sector"].where(u["sector"].notna() & (u["sector"].astype(object) != ""), None)
    type_zh = u["type"].map(lambda t: vocab.zh_label("unit_type", t) if isinstance(t, str) else UNKNOWN_GROUP)
    block = u["area_id"].map(lambda a: blocks.get(a, a) if isinstance(a, str) else None)
    units = pd.DataFrame({
        "id": u["id"].values,
        "name": u["name"].values,
        "type": u["type"].values,
        "type_zh": type_zh.values,
        "sector": sector.values,
        "area_id": u["area_id"].values,
        "sector_group": sector.where(sector.notna(), type_zh).values,
        "block": block.values,
        "block_name": block.map(lambda b: area_names.get(b, b) if isinstance(b, str) else UNKNOWN_GROUP).values,
    }, index=pd.Index(key.values, name="key"))
    units["block"] = units["block"].where(units["block"].notna(), None)
    return units

def coordination_network(source, layers=None, committee: str | None = None, area: str | None = None,
                         hub_threshold: int | None = DEFAULT_HUB_THRESHOLD, block_level: str = "street") -> nx.Graph:
    """The coordination network as an undirected ``networkx.Graph``.

    Nodes are ``"Unit:ID"`` (``kind="unit"``, with ``name``, ``type``, ``sector_group``,
    ``block`` …) and, for groups above ``hub_threshold``, ``"Committee:ID"`` /
    ``"Project:ID"`` hubs (``kind="hub"``). Edges carry ``weight`` (tie strength),
    ``distance`` (1/weight) and one weight per layer. Arguments as :func:`build_network`.

    Examples
    --------
    >>> import pandas as pd
    >>> t = {"units": pd.DataFrame({"id": ["U1", "U2"], "name": ["朝阳站", "地铁公司"], "type": ["railway", "transit"]}),
    ...      "committees": pd.DataFrame({"id": ["C1"], "name": ["站区委员会"], "level": ["station_area"]}),
    ...      "memberships": pd.DataFrame({"unit_id": ["U1", "U2"], "committee_id": ["C1", "C1"]})}
    >>> g = coordination_network(t)
    >>> g.edges["Unit:U1", "Unit:U2"]["weight"]
    1.0
    """
    return build_network(source, layers, committee, area, hub_threshold, block_level).to_networkx()
