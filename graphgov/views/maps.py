"""Interactive network maps: one self-contained, offline HTML file per map.

A map is built in two steps. :func:`build_map` turns the graph (a store, a checked
Dataset or a dict of tables) into a :class:`MapData`: the nodes of the chosen view with
their colours, sizes and positions (the layout is computed here, in Python, so the
browser never runs a physics simulation), the edges styled by tie type, the legend, the
filter choices and a detail record per node. :func:`render_map` writes that into one
HTML page: vis-network (the copy pyvis ships) and graphgov's own small CSS and script
inline, the data as JSON in a ``<script type="application/json">`` block escaped for
HTML, and a Content-Security-Policy that forbids every network request.

Views (``view=``):

``network``   the whole graph (areas, committees, units, party organizations, the three lists);
``committee`` one committee, the committees reporting to it, their member units and the units' lists;
``unit``      one unit's neighbourhood within ``radius`` steps (areas are not walked through);
``category``  the needs, resources and projects of one category and the units behind them;
``gaps``      the network with the findings of :func:`graphgov.analysis.gaps.find_gaps` highlighted;
``matches``   proposed need → resource matches (from :mod:`graphgov.matching.assign`) with their units.

Above ``max_nodes`` nodes the map groups nodes by committee or area (``group_by``)
instead of drawing each one.
"""
from __future__ import annotations

import html
import json
import math
import os
import random
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import igraph as ig
import networkx as nx
import numpy as np
import pandas as pd

from graphgov.dataset import schema, vocab
from graphgov.errors import NotFoundError, OptionError
from graphgov.analysis.gaps import KIND_ZH
from graphgov.analysis.graph import tables_of, to_networkx
from graphgov.analysis.network import CoordinationNetwork, build_network

__all__ = [
    "VIEWS",
    "SIZE_BY",
    "GROUP_BY",
    "LABEL_ZH",
    "RELATION_STYLE",
    "MapData",
    "build_map",
    "render_map",
    "write_map",
    "json_for_script",
    "vis_network_js",
]

VIEWS = ("network", "committee", "unit", "category", "gaps", "matches")
SIZE_BY = ("degree", "pagerank", "betweenness")
GROUP_BY = ("auto", "committee", "area", "none")
DEFAULT_MAX_NODES = 3000

# What planners see for each node label (display text, kept beside the styles that use it).
LABEL_ZH = {
    "Area": "区域",
    "Committee": "协调委员会",
    "Unit": "成员单位",
    "PartyOrg": "党组织",
    "Need": "需求",
    "Resource": "资源",
    "Project": "项目",
    "Group": "节点组",
}
LABEL_SHAPE = {
    "Area": "square",
    "Committee": "diamond",
    "Unit": "dot",
    "PartyOrg": "dot",
    "Need": "triangle",
    "Resource": "triangleDown",
    "Project": "star",
    "Group": "hexagon",
}
LABEL_COLOUR = {
    "Area": "#9e9e9e",
    "Committee": "#c62828",
    "PartyOrg": "#ef9a9a",
    "Need": "#f57c00",
    "Resource": "#2e7d32",
    "Project": "#6a1b9a",
    "Group": "#546e7a",
}
UNIT_TYPE_COLOUR = {
    "government": "#1565c0",
    "railway": "#00838f",
    "transit": "#0097a7",
    "state_enterprise": "#5d4037",
    "private_enterprise": "#8d6e63",
    "social_org": "#7cb342",
    "university": "#3949ab",
    "research_institute": "#5c6bc0",
    "hospital": "#d81b60",
    "school": "#fbc02d",
    "police": "#283593",
    "military": "#33691e",
    "community": "#f06292",
}
UNIT_OTHER_COLOUR = "#78909c"

# Edge style per relationship type: Chinese name, colour, dashes, width, arrow.
RELATION_STYLE = {
    "MEMBER_OF": ("委员会成员", "#c62828", False, 2.0, False),
    "AGREEMENT": ("共建协议", "#1565c0", [8, 4], 2.5, False),
    "RAISES": ("提出需求", "#f57c00", False, 1.2, True),
    "OFFERS": ("提供资源", "#2e7d32", False, 1.2, True),
    "LEADS": ("牵头项目", "#6a1b9a", False, 1.8, True),
    "PARTICIPATES_IN": ("参与项目", "#ab47bc", [4, 3], 1.2, True),
    "ADDRESSES": ("项目对接需求", "#8e24aa", [2, 3], 1.2, True),
    "REPORTS_TO": ("隶属上级", "#757575", [10, 3, 2, 3], 1.5, True),
    "BELONGS_TO": ("党组织所属", "#e57373", [2, 2], 1.0, False),
    "LOCATED_IN": ("位于", "#bdbdbd", [1, 4], 0.8, False),
    "PART_OF": ("区域隶属", "#9e9e9e", [1, 4], 1.0, False),
    "MATCH": ("拟匹配（需求→资源）", "#00c853", [6, 3], 3.0, True),
    "GROUP_TIE": ("组间联系", "#90a4ae", False, 1.0, False),
    "SUGGESTED_TIE": ("建议结对", "#00bfa5", [3, 5], 3.0, False),
}

# How the gaps view marks findings (kinds and their Chinese names: graphgov.analysis.gaps).
SEVERITY_COLOUR = {"high": "#d50000", "medium": "#ff6d00", "low": "#ffd600"}
_FINDING_LABEL_ORDER = {
    "unmet_need": ("Need", "Unit"),
    "inactive_member": ("Unit", "Committee"),
    "single_broker": ("Unit",),
    "idle_committee": ("Committee",),
}

_TEMPLATES = Path(__file__).resolve().parent / "templates"
_LABEL_TABLE = {t.label: t for t in schema.node_tables()}
_LABEL_OF_TYPE = {k.casefold(): t.label for t in schema.node_tables() for k in (t.label, t.name)} | {
    "party_org": "PartyOrg", "category": None}


@dataclass
class MapData:
    """Everything a map page shows, ready to be serialised.

    ``nodes`` and ``edges`` are vis-network records (with graphgov's extra fields:
    ``key``, ``kind``, ``name``, ``cm`` committees, ``ar`` areas, ``ct`` categories,
    ``flag`` finding kinds); ``details`` maps a node id to its detail-panel record.
    """

    title: str
    view: str
    nodes: list[dict]
    edges: list[dict]
    legend: list[dict]
    edge_legend: list[dict]
    filters: dict
    details: dict
    notice: str = ""
    grouped: str | None = None
    total_nodes: int = 0
    meta: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        return {
            "title": self.title,
            "view": self.view,
            "nodes": self.nodes,
            "edges": self.edges,
            "legend": self.legend,
            "edgeLegend": self.edge_legend,
            "filters": self.filters,
            "details": self.details,
            "notice": self.notice,
            "grouped": self.grouped,
            "totalNodes": self.total_nodes,
            "meta": self.meta,
        }


# -- safe embedding ----------------------------------------------------------------

_SCRIPT_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_SCRIPT_ESCAPE_RE = re.compile("[<>&\u2028\u2029]")


def _json_default(value):
    if isinstance(value, (date, datetime, pd.Timestamp)):
        return value.isoformat()[:10]
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    return str(value)


def json_for_script(obj) -> str:
    """JSON text safe inside an HTML ``<script>`` element.

    ``<``, ``>`` and ``&`` become ``\\u003c``-style escapes (so no ``</script>`` or
    ``<!--`` can end or confuse the element) and U+2028/U+2029 are escaped too.

    >>> json_for_script({"name": "</script><b>"})
    '{"name": "\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e"}'
    """
    text = json.dumps(obj, ensure_ascii=False, default=_json_default, allow_nan=False)
    return _SCRIPT_ESCAPE_RE.sub(lambda m: _SCRIPT_ESCAPES[m.group(0)], text)


def vis_network_js() -> str:
    """The vis-network bundle pyvis ships (read from pyvis's package, never fetched)."""
    import pyvis

    lib = Path(pyvis.__file__).resolve().parent / "lib"
    candidates = sorted(lib.glob("vis-*/vis-network.min.js"), key=lambda p: [int(x) for x in re.findall(r"\d+", p.parent.name)])
    if not candidates:
        raise FileNotFoundError(f"vis-network.min.js not found under {lib}; reinstall pyvis")
    text = candidates[-1].read_text(encoding="utf-8")
    # a literal "</script" inside an inline script would end it early
    return text.replace("</script", "<\\/script").replace("<!--", "<\\!--")


def _vis_options(physics: bool) -> dict:
    """vis-network options, starting from pyvis's defaults."""
    from pyvis.network import Network

    net = Network(cdn_resources="remote")
    net.toggle_physics(physics)
    opts = json.loads(net.options.to_json())
    opts.setdefault("nodes", {}).update(
        {"font": {"size": 14, "face": "Noto Sans CJK SC, Noto Sans SC, Microsoft YaHei, PingFang SC, sans-serif"},
         "borderWidth": 1, "scaling": {"label": {"drawThreshold": 6}}}
    )
    opts.setdefault("edges", {}).update({"smooth": False, "color": {"inherit": False}, "selectionWidth": 2})
    opts["interaction"] = {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": True, "multiselect": False,
                           "navigationButtons": False, "keyboard": False}
    opts["layout"] = {"improvedLayout": False}
    opts["physics"] = {"enabled": physics, "stabilization": {"enabled": physics}}
    return opts


# -- small helpers -------------------------------------------------------------------

def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (pd.Timestamp, datetime)):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def format_evidence(value) -> str:
    """A finding's evidence or a match's reasons as one line of text (dicts as ``key：value；…``)."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, dict):
        parts = []
        for k, v in value.items():
            text = format_evidence(v)
            if text:
                parts.append(f"{k}：{text}")
        return "；".join(parts)
    if isinstance(value, (list, tuple, set, np.ndarray)):
        return "、".join(t for t in (format_evidence(v) for v in value) if t)
    return _text(value)


def _display_value(label: str, column: str, value) -> str:
    t = _LABEL_TABLE.get(label)
    if t is not None:
        try:
            col = t.column(column)
        except KeyError:
            col = None
        if col is not None and col.enum:
            return vocab.zh_label(col.enum, str(value))
        if col is not None and col.kind == "category":
            return vocab.zh_label("category", str(value))
    return _text(value)


def _column_zh(label: str, column: str) -> str:
    t = _LABEL_TABLE.get(label)
    if t is not None:
        try:
            col = t.column(column)
            if col.zh:
                return col.zh[0]
        except KeyError:
            pass
    return column


def _node_type(attrs: dict) -> str:
    label = attrs.get("label")
    if label == "Unit":
        t = attrs.get("type")
        return f"Unit:{t}" if t in UNIT_TYPE_COLOUR else "Unit:other"
    return label


def _type_zh(node_type: str) -> str:
    if node_type.startswith("Unit:"):
        code = node_type.split(":", 1)[1]
        return "成员单位·" + (vocab.zh_label("unit_type", code) if code != "other" else "其他")
    return LABEL_ZH.get(node_type, node_type)


def _type_colour(node_type: str) -> str:
    if node_type.startswith("Unit:"):
        return UNIT_TYPE_COLOUR.get(node_type.split(":", 1)[1], UNIT_OTHER_COLOUR)
    return LABEL_COLOUR.get(node_type, "#607d8b")


def _short(name: str, limit: int = 14) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


# -- indexes over the graph --------------------------------------------------------------

class _Index:
    """Committee, area and category memberships of every node, for filters and scopes."""

    def __init__(self, g: nx.MultiDiGraph):
        self.g = g
        self.area_parent = {}
        self.committee_parent = {}
        for u, v, k in g.edges(keys=True):
            if k == "PART_OF":
                self.area_parent[u] = v
            elif k == "REPORTS_TO" and u.startswith("Committee:"):
                self.committee_parent[u] = v
        self.unit_committees: dict[str, list[str]] = {}
        self.unit_area: dict[str, str] = {}
        self.owner: dict[str, list[str]] = {}  # list node / party org -> units
        self.lead: dict[str, str] = {}  # project -> lead unit
        for u, v, k in g.edges(keys=True):
            if k == "MEMBER_OF":
                self.unit_committees.setdefault(u, []).append(v)
            elif k == "LOCATED_IN":
                self.unit_area.setdefault(u, v)
            elif k in ("RAISES", "OFFERS", "LEADS", "PARTICIPATES_IN"):
                self.owner.setdefault(v, []).append(u)
                if k == "LEADS":
                    self.lead[v] = u
            elif k == "BELONGS_TO":
                self.owner.setdefault(u, []).append(v)
        self._chains: dict[str, list[str]] = {}
        self.cm: dict[str, list[str]] = {}
        self.ar: dict[str, list[str]] = {}
        self.ct: dict[str, list[str]] = {}
        self._compute()

    def area_chain(self, area: str | None) -> list[str]:
        if area is None:
            return []
        if area in self._chains:
            return self._chains[area]
        chain, seen, cur = [], set(), area
        while cur is not None and cur not in seen:
            seen.add(cur)
            chain.append(cur)
            cur = self.area_parent.get(cur)
        self._chains[area] = chain
        return chain

    def committee_chain(self, committee: str) -> list[str]:
        chain, seen, cur = [], set(), committee
        while cur is not None and cur not in seen:
            seen.add(cur)
            chain.append(cur)
            cur = self.committee_parent.get(cur)
        return chain

    def _compute(self) -> None:
        g = self.g
        unit_cats: dict[str, set[str]] = {}
        for n, a in g.nodes(data=True):
            if a.get("label") in ("Need", "Resource", "Project") and a.get("category"):
                for u in self.owner.get(n, []):
                    unit_cats.setdefault(u, set()).add(a["category"])
        committee_cats: dict[str, set[str]] = {}
        for u, cs in self.unit_committees.items():
            for c in cs:
                for chain_c in self.committee_chain(c):
                    committee_cats.setdefault(chain_c, set()).update(unit_cats.get(u, ()))
        area_committees: dict[str, set[str]] = {}
        for n, a in g.nodes(data=True):
            label = a.get("label")
            if label == "Unit":
                cms = set()
                for c in self.unit_committees.get(n, []):
                    cms.update(self.committee_chain(c))
                self.cm[n] = sorted(cms)
                self.ar[n] = self.area_chain(self.unit_area.get(n))
                self.ct[n] = sorted(unit_cats.get(n, ()))
            elif label == "Committee":
                self.cm[n] = self.committee_chain(n)
                area = self.unit_area.get(n)
                self.ar[n] = self.area_chain(area)
                self.ct[n] = sorted(committee_cats.get(n, ()))
                for ar in self.ar[n]:
                    area_committees.setdefault(ar, set()).update(self.cm[n])
            elif label == "Area":
                self.ar[n] = self.area_chain(n)
                self.ct[n] = []
        for n, a in g.nodes(data=True):
            label = a.get("label")
            if label in ("Need", "Resource", "Project", "PartyOrg"):
                owners = self.owner.get(n, [])
                cms, ars = set(), []
                for u in owners:
                    cms.update(self.cm.get(u, []))
                own_area = self.unit_area.get(n)
                if own_area:
                    ars = self.area_chain(own_area)
                elif n in self.lead:  # a project is where its lead unit is
                    ars = self.ar.get(self.lead[n], [])
                else:
                    ars = sorted({a for u in owners for a in self.ar.get(u, [])})
                self.cm[n] = sorted(cms)
                self.ar[n] = ars
                self.ct[n] = [a["category"]] if a.get("category") else []
            elif label == "Area":
                self.cm[n] = sorted(area_committees.get(n, ()))


def _centrality(g: nx.MultiDiGraph, size_by: str, tables: dict,
                network: CoordinationNetwork | None) -> dict[str, float]:
    """A score per node for node sizes; units scored in the coordination network."""
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
    scores.update(_central_unit_scores(tables, size_by, network))
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


def _sizes(keys: list[str], scores: dict[str, float], labels: dict[str, str]) -> dict[str, float]:
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


def _layout(keys: list[str], edge_pairs: list[tuple[str, str]], seed: int = 7) -> dict[str, tuple[float, float]]:
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


# -- the views -----------------------------------------------------------------------

def _find(g: nx.MultiDiGraph, label: str, id_: str) -> str:
    key = schema.node_key(label, str(id_))
    if key not in g:
        known = sorted(a.get("id") for _, a in g.nodes(data=True) if a.get("label") == label)[:10]
        raise NotFoundError(f"no {label.lower()} with id {id_!r}; known ids include: {', '.join(map(str, known)) or 'none'}")
    return key


def _committee_scope(g: nx.MultiDiGraph, committee: str) -> set[str]:
    """The committee, committees reporting to it (recursively), their members and the members' lists."""
    root = _find(g, "Committee", committee)
    committees, todo = {root}, [root]
    while todo:
        c = todo.pop()
        for u, _, k in g.in_edges(c, keys=True):
            if k == "REPORTS_TO" and u.startswith("Committee:") and u not in committees:
                committees.add(u)
                todo.append(u)
    keep = set(committees)
    for c in committees:
        for u, _, k in g.in_edges(c, keys=True):
            if k == "MEMBER_OF":
                keep.add(u)
        for _, v, k in g.out_edges(c, keys=True):
            if k == "LOCATED_IN":
                keep.add(v)
    for u in [n for n in keep if n.startswith("Unit:")]:
        for _, v, k in g.out_edges(u, keys=True):
            if k in ("RAISES", "OFFERS", "LEADS", "PARTICIPATES_IN"):
                keep.add(v)
        for w, _, k in g.in_edges(u, keys=True):
            if k == "BELONGS_TO":
                keep.add(w)
    return keep


def _unit_scope(g: nx.MultiDiGraph, unit: str, radius: int) -> set[str]:
    start = _find(g, "Unit", unit)
    keep, frontier = {start}, {start}
    for _ in range(radius):
        nxt = set()
        for n in frontier:
            for m in nx.all_neighbors(g, n):
                if m not in keep:
                    keep.add(m)
                    # areas are hubs: show them but do not walk through them
                    if not m.startswith("Area:"):
                        nxt.add(m)
        frontier = nxt
    return keep


def _category_scope(g: nx.MultiDiGraph, category: str) -> set[str]:
    code = vocab.normalise("category", category) or category
    keep = {n for n, a in g.nodes(data=True) if a.get("label") in ("Need", "Resource", "Project") and a.get("category") == code}
    if not keep:
        known = sorted({a["category"] for _, a in g.nodes(data=True) if a.get("category")})
        raise NotFoundError(f"no need, resource or project of category {category!r}; present: {', '.join(known) or 'none'}")
    for n in list(keep):
        for m in nx.all_neighbors(g, n):
            if m.startswith("Unit:"):
                keep.add(m)
    return keep


def _area_scope(g: nx.MultiDiGraph, index: _Index, area: str) -> set[str]:
    key = _find(g, "Area", area)
    return {n for n in g if key in index.ar.get(n, ())}


def _resolve_subject(g: nx.MultiDiGraph, subject, kind: str, subject_type=None) -> list[str]:
    """Node keys named by a finding's subject (``"Unit:U1"``, ``"U1"``, ``"U1 name"``, a list …)."""
    if subject is None:
        return []
    if isinstance(subject, (list, tuple, set)):
        tokens = [str(s) for s in subject]
    else:
        tokens = re.split(r"[\s,;，；|]+", str(subject))
    order = _FINDING_LABEL_ORDER.get(kind, ("Unit", "Need", "Committee", "Resource", "Project", "Area"))
    typed = _LABEL_OF_TYPE.get(str(subject_type).casefold()) if subject_type else None
    if typed:
        order = (typed, *order)
    out = []
    for tok in tokens:
        tok = tok.strip("()（）[]")
        if not tok:
            continue
        if tok in g:
            out.append(tok)
            continue
        for label in order:
            key = schema.node_key(label, tok)
            if key in g:
                out.append(key)
                break
    return out


# -- building a map ----------------------------------------------------------------

_LIST_EDGES = {"RAISES", "OFFERS", "LEADS", "PARTICIPATES_IN", "ADDRESSES"}


def _edge_kept(g: nx.MultiDiGraph, u: str, v: str, k: str) -> bool:
    # a need's or resource's area is in its detail panel; drawing it adds clutter only
    if k == "LOCATED_IN" and not (u.startswith("Unit:") or u.startswith("Committee:")):
        return False
    return True


_UNIT_SECTIONS = ("所属委员会", "提出的需求", "提供的资源", "牵头的项目", "参与的项目", "共建协议单位", "党组织")


def _details(g: nx.MultiDiGraph, key: str, names: dict[str, str]) -> dict:
    a = g.nodes[key]
    label = a.get("label")
    rows = []
    for col, value in a.items():
        if col in ("label", "name") or value is None or value == "":
            continue
        if col.endswith("_id") or col == "need_ids":
            ref_label = {"unit_id": "Unit", "area_id": "Area", "parent_id": label, "lead_unit_id": "Unit",
                         "committee_id": "Committee"}.get(col)
            if ref_label and schema.node_key(ref_label, str(value)) in g:
                value = f"{g.nodes[schema.node_key(ref_label, str(value))].get('name', value)}（{value}）"
        rows.append([_column_zh(label, col), _display_value(label, col, value)])
    sections: dict[str, list] = {}

    def add(section: str, other: str):
        sections.setdefault(section, []).append([other, names[other]])

    for _, v, k in g.out_edges(key, keys=True):
        if label == "Unit":
            sec = {"MEMBER_OF": "所属委员会", "RAISES": "提出的需求", "OFFERS": "提供的资源", "LEADS": "牵头的项目",
                   "PARTICIPATES_IN": "参与的项目", "AGREEMENT": "共建协议单位"}.get(k)
        elif label == "Project":
            sec = {"ADDRESSES": "对接的需求"}.get(k)
        elif label == "Committee":
            sec = {"REPORTS_TO": "上级委员会"}.get(k)
        elif label == "PartyOrg":
            sec = {"BELONGS_TO": "所属单位", "REPORTS_TO": "上级党组织"}.get(k)
        else:
            sec = None
        if sec:
            add(sec, v)
    for u, _, k in g.in_edges(key, keys=True):
        if label == "Unit":
            sec = {"AGREEMENT": "共建协议单位", "BELONGS_TO": "党组织"}.get(k)
        elif label == "Committee":
            sec = {"MEMBER_OF": "成员单位", "REPORTS_TO": "下级委员会"}.get(k)
        elif label == "Need":
            sec = {"RAISES": "提出单位", "ADDRESSES": "对接的项目"}.get(k)
        elif label == "Resource":
            sec = {"OFFERS": "提供单位"}.get(k)
        elif label == "Project":
            sec = {"LEADS": "牵头单位", "PARTICIPATES_IN": "参与单位"}.get(k)
        elif label == "Area":
            sec = {"PART_OF": "下级区域"}.get(k) if u.startswith("Area:") else None
        else:
            sec = None
        if sec:
            add(sec, u)
    if label == "Unit":
        for sec in _UNIT_SECTIONS[:5]:
            sections.setdefault(sec, [])
    order = {name: i for i, name in enumerate(_UNIT_SECTIONS)}
    sections = dict(sorted(sections.items(), key=lambda item: order.get(item[0], len(order))))
    return {"name": _text(a.get("name", key)), "kind": LABEL_ZH.get(label, label), "rows": rows,
            "sections": [[s, items] for s, items in sections.items()]}


def build_map(
    source,
    *,
    view: str = "network",
    committee: str | None = None,
    unit: str | None = None,
    radius: int = 1,
    category: str | None = None,
    area: str | None = None,
    size_by: str = "degree",
    findings: pd.DataFrame | None = None,
    matches: pd.DataFrame | None = None,
    include_personal: bool = False,
    max_nodes: int = DEFAULT_MAX_NODES,
    group_by: str = "auto",
    title: str | None = None,
    network: CoordinationNetwork | None = None,
) -> MapData:
    """Build the data of one map.

    Parameters
    ----------
    source : a store, a checked Dataset or a dict of DataFrames (see :func:`graphgov.analysis.graph.tables_of`).
    view : one of :data:`VIEWS`.
    committee, unit, category : what the ``committee``, ``unit`` and ``category`` views show;
        ``committee`` (and ``area``) also narrow the other views to that scope.
    radius : steps from the unit in the ``unit`` view.
    size_by : ``degree``, ``pagerank`` or ``betweenness``: node size.
    findings : for the ``gaps`` view, a DataFrame with columns ``kind``, ``subject``,
        ``severity``, ``evidence``, ``suggestion`` (what :func:`graphgov.analysis.gaps.find_gaps` returns).
    matches : for the ``matches`` view, a DataFrame with ``need_id``, ``resource_id``, ``score``
        (the assignments :func:`graphgov.matching.assign.assign_all` returns).
    include_personal : keep phone numbers and contact names (left out by default).
    max_nodes : above this many nodes, nodes are grouped by ``group_by``.
    group_by : ``auto`` (committee when there are committees, else area), ``committee``, ``area``
        or ``none`` (draw every node however many).
    network : the unscoped :func:`graphgov.analysis.network.build_network` of ``source`` when the
        caller has it already (unit sizes come from it); built here otherwise.

    Returns
    -------
    MapData

    Raises
    ------
    OptionError
        An unknown view, size measure or grouping, or a view without what it needs.
    NotFoundError
        The committee, unit, area or category is not in the graph.

    Examples
    --------
    >>> import pandas as pd
    >>> m = build_map({"units": pd.DataFrame({"id": ["U1"], "name": ["北京朝阳站"], "type": ["railway"]})})
    >>> [n["name"] for n in m.nodes]
    ['北京朝阳站']
    """
    if view not in VIEWS:
        raise OptionError(f"unknown view {view!r}; choose one of {', '.join(VIEWS)}")
    if size_by not in SIZE_BY:
        raise OptionError(f"unknown size measure {size_by!r}; choose one of {', '.join(SIZE_BY)}")
    if group_by not in GROUP_BY:
        raise OptionError(f"unknown grouping {group_by!r}; choose one of {', '.join(GROUP_BY)}")
    if radius < 1:
        raise OptionError(f"--radius must be at least 1 (got {radius})")
    if view == "committee" and not committee:
        raise OptionError("the committee view needs --committee ID")
    if view == "unit" and not unit:
        raise OptionError("the unit view needs --unit ID")
    if view == "category" and not category:
        raise OptionError("the category view needs --category CATEGORY")

    tables = tables_of(source)
    g = to_networkx(tables, personal=include_personal)
    index = _Index(g)

    if view == "committee":
        keep = _committee_scope(g, committee)
    elif view == "unit":
        keep = _unit_scope(g, unit, radius)
    elif view == "category":
        keep = _category_scope(g, category)
    elif view == "matches":
        keep = set()
    else:
        keep = set(g.nodes)
    if committee and view != "committee":
        scope = _committee_scope(g, committee)
        keep &= scope
    if area:
        keep &= _area_scope(g, index, area)

    extra_edges: list[tuple[str, str, str, dict]] = []
    flags: dict[str, list[dict]] = {}
    notes: dict[str, list[dict]] = {}  # findings shown in a node's panel without marking it
    meta: dict = {}
    if view == "gaps":
        if findings is None:
            findings = pd.DataFrame(columns=["kind", "subject", "severity", "evidence", "suggestion"])
        missing = {"kind", "subject"} - set(findings.columns)
        if missing:
            raise OptionError(f"findings lack the columns {sorted(missing)}")
        kinds: dict[str, list] = {}
        for rec in findings.to_dict("records"):
            kind = _text(rec.get("kind"))
            subject = rec.get("subject_id") if _text(rec.get("subject_id")) else rec.get("subject")
            found = {"kind": kind, "kindZh": _text(rec.get("kind_zh")) or KIND_ZH.get(kind, kind),
                     "severity": _text(rec.get("severity")), "message": _text(rec.get("message")),
                     "evidence": format_evidence(rec.get("evidence")), "suggestion": _text(rec.get("suggestion"))}
            keys_found = [k for k in _resolve_subject(g, subject, kind, rec.get("subject_type")) if k in keep]
            kinds.setdefault(kind, [found["kindZh"], 0, 0])[1] += 1
            if kind == "suggested_tie" and len(keys_found) == 2:
                # a suggestion is a tie to make, not a fault of either unit: draw it as an edge
                extra_edges.append((keys_found[0], keys_found[1], "SUGGESTED_TIE", {"title": found["message"]}))
                for key in keys_found:
                    notes.setdefault(key, []).append(found)
                kinds[kind][2] += 1
                continue
            for key in keys_found:
                flags.setdefault(key, []).append(found)
            kinds[kind][2] += bool(keys_found)
        meta["findingKinds"] = [[zh, n, shown] for zh, n, shown in kinds.values()]
        meta["findings"] = int(len(findings))
    if view == "matches":
        if matches is None:
            matches = pd.DataFrame(columns=["need_id", "resource_id", "score"])
        missing = {"need_id", "resource_id"} - set(matches.columns)
        if missing:
            raise OptionError(f"matches lack the columns {sorted(missing)}")
        scope = None
        if committee:
            scope = _committee_scope(g, committee)
        for rec in matches.to_dict("records"):
            n_key = schema.node_key("Need", _text(rec["need_id"]))
            r_key = schema.node_key("Resource", _text(rec["resource_id"]))
            if n_key not in g or r_key not in g:
                continue
            if scope is not None and n_key not in scope and r_key not in scope:
                continue
            keep.update((n_key, r_key))
            for k2 in (n_key, r_key):
                keep.update(m for m in nx.all_neighbors(g, k2) if m.startswith("Unit:"))
            score = rec.get("score")
            props = {"score": round(float(score), 3)} if score is not None and not pd.isna(score) else {}
            broker = rec.get("broker_id")
            if broker is not None and not pd.isna(broker) and schema.node_key("Unit", str(broker)) in g:
                props["broker"] = g.nodes[schema.node_key("Unit", str(broker))].get("name", broker)
            extra_edges.append((n_key, r_key, "MATCH", props))
        meta["matches"] = len(extra_edges)

    keys = [n for n in g.nodes if n in keep]
    edges = [(u, v, k, d) for u, v, k, d in g.edges(keys=True, data=True)
             if u in keep and v in keep and _edge_kept(g, u, v, k)]
    edges += extra_edges
    total = len(keys)

    if group_by != "none" and total > max_nodes:
        return _grouped_map(g, index, keys, edges, group_by, title or "协调网络（分组）", view, total, max_nodes, meta)

    scores = _centrality(g, size_by, tables, network)
    labels = {k: g.nodes[k].get("label") for k in keys}
    sizes = _sizes(keys, scores, labels)
    pos = _layout(keys, [(u, v) for u, v, _, _ in edges])
    dim = view == "gaps" and bool(flags)

    nodes, type_counts = [], {}
    for k in keys:
        a = g.nodes[k]
        ntype = _node_type(a)
        type_counts[ntype] = type_counts.get(ntype, 0) + 1
        colour = _type_colour(ntype)
        name = _text(a.get("name", a.get("id", k)))
        rec = {
            "id": k, "label": _short(name), "name": name, "kind": a.get("label"), "type": ntype,
            "title": f"{name}\n{_type_zh(ntype)}", "shape": LABEL_SHAPE.get(a.get("label"), "dot"),
            "size": sizes.get(k, 10), "x": pos[k][0], "y": pos[k][1],
            "color": {"background": colour, "border": colour, "highlight": {"background": colour, "border": "#000000"}},
            "cm": index.cm.get(k, []), "ar": index.ar.get(k, []), "ct": index.ct.get(k, []),
            "score": round(float(scores.get(k, 0.0)), 5),
        }
        if k in flags:
            worst = min(flags[k], key=lambda f: ["high", "medium", "low"].index(f["severity"]) if f["severity"] in ("high", "medium", "low") else 3)
            rec["flag"] = sorted({f["kind"] for f in flags[k]})
            rec["borderWidth"] = 5
            rec["color"] = {"background": colour, "border": SEVERITY_COLOUR.get(worst["severity"], "#d50000"),
                            "highlight": {"background": colour, "border": "#000000"}}
            rec["size"] = max(rec["size"], 16)
            rec["title"] += "\n" + "；".join(f["kindZh"] for f in flags[k])
        elif dim:
            rec["opacity"] = 0.35
        nodes.append(rec)

    out_edges = []
    edge_types = {}
    for i, (u, v, k, d) in enumerate(edges):
        zh, colour, dashes, width, arrow = RELATION_STYLE.get(k, (k, "#90a4ae", False, 1.0, False))
        edge_types[k] = edge_types.get(k, 0) + 1
        rec = {"id": i, "from": u, "to": v, "type": k, "color": {"color": colour, "opacity": 0.8}, "dashes": dashes,
               "width": width}
        if arrow:
            rec["arrows"] = {"to": {"enabled": True, "scaleFactor": 0.5}}
        if k == "SUGGESTED_TIE" and d.get("title"):
            rec["title"] = d["title"]
        if k == "MATCH":
            tip = "拟匹配"
            if "score" in d:
                tip += f"，得分 {d['score']}"
                rec["label"] = str(d["score"])
            if "broker" in d:
                tip += f"，引荐单位 {d['broker']}"
            rec["title"] = tip
        out_edges.append(rec)

    names = {k: _text(a.get("name", k)) for k, a in g.nodes(data=True)}
    details = {k: _details(g, k, names) for k in keys}
    for k in set(flags) | set(notes):
        if k in details:
            details[k]["findings"] = flags.get(k, []) + notes.get(k, [])
    legend = [{"type": t, "name": _type_zh(t), "colour": _type_colour(t),
               "shape": LABEL_SHAPE.get(t.split(":")[0], "dot"), "count": c}
              for t, c in sorted(type_counts.items(), key=lambda x: _legend_order(x[0]))]
    edge_legend = [{"type": t, "name": RELATION_STYLE.get(t, (t,))[0], "colour": RELATION_STYLE.get(t, (t, "#90a4ae"))[1],
                    "dashes": RELATION_STYLE.get(t, (t, "", False))[2], "count": c} for t, c in sorted(edge_types.items())]
    if view == "gaps":
        meta["severity"] = [{"severity": s, "colour": c} for s, c in SEVERITY_COLOUR.items()]
    filters = _filter_choices(g, keys, index)
    notice = ""
    if view == "gaps" and not flags:
        notice = "没有发现需要标出的问题（或未提供问题清单）。"
    if view == "matches" and not extra_edges:
        notice = "没有拟匹配结果可显示。"
    return MapData(
        title=title or _default_title(g, view, committee, unit, category, radius),
        view=view, nodes=nodes, edges=out_edges, legend=legend, edge_legend=edge_legend, filters=filters,
        details=details, notice=notice, total_nodes=total, meta=meta,
    )


def _legend_order(node_type: str):
    order = ["Committee", "Unit", "PartyOrg", "Need", "Resource", "Project", "Area", "Group"]
    base = node_type.split(":")[0]
    return (order.index(base) if base in order else 99, node_type)


def _default_title(g, view, committee, unit, category, radius) -> str:
    if view == "committee":
        return f"{g.nodes[schema.node_key('Committee', committee)].get('name', committee)}：成员网络"
    if view == "unit":
        return f"{g.nodes[schema.node_key('Unit', unit)].get('name', unit)}：{radius} 步以内的关系"
    if view == "category":
        code = vocab.normalise("category", category) or category
        return f"{vocab.zh_label('category', code)}：供给与需求"
    return {"network": "协调网络全图", "gaps": "协调网络：薄弱环节", "matches": "需求与资源拟匹配"}[view]


def _filter_choices(g, keys, index: _Index) -> dict:
    present = set(keys)
    committees = sorted({c for k in keys for c in index.cm.get(k, [])})
    areas = sorted({a for k in keys for a in index.ar.get(k, [])})
    cats = sorted({c for k in keys for c in index.ct.get(k, [])})

    def name(key):
        return _text(g.nodes[key].get("name", key)) if key in g else key

    def depth(area):
        return len(index.area_chain(area))

    return {
        "committees": [[c, name(c)] for c in committees],
        "areas": [[a, ("　" * (depth(a) - 1)) + name(a)] for a in sorted(areas, key=lambda a: [name(x) for x in reversed(index.area_chain(a))])],
        "categories": [[c, vocab.zh_label("category", c)] for c in cats],
        "present": len(present),
    }


def _grouped_map(g, index: _Index, keys, edges, group_by, title, view, total, max_nodes, meta) -> MapData:
    """One node per committee (or area) with the count of nodes it stands for."""
    if group_by == "auto":
        group_by = "committee" if any(index.cm.get(k) for k in keys if k.startswith("Unit:")) else "area"
    area_depth = 1

    def group_of(k):
        if group_by == "committee":
            cms = index.cm.get(k, [])
            # the most specific committee: the one with the longest chain of parents
            return max(cms, key=lambda c: (len(index.committee_chain(c)), c)) if cms else None
        areas = index.ar.get(k, [])
        if not areas:
            return None
        # the area at the target depth (districts under a city), else the deepest one above it
        at_depth = [a for a in areas if len(index.area_chain(a)) == area_depth]
        return min(at_depth) if at_depth else max(areas, key=lambda a: (len(index.area_chain(a)), a))

    if group_by == "area":
        depths = [len(index.area_chain(a)) for k in keys for a in index.ar.get(k, [])]
        area_depth = 2 if depths and max(depths) > 1 else 1
    members: dict[str, list[str]] = {}
    gkey = {}
    for k in keys:
        grp = group_of(k) or "none"
        gkey[k] = grp
        members.setdefault(grp, []).append(k)
    ties: dict[tuple[str, str], int] = {}
    for u, v, _, _ in edges:
        a, b = gkey[u], gkey[v]
        if a != b:
            pair = (min(a, b), max(a, b))
            ties[pair] = ties.get(pair, 0) + 1
    gids = sorted(members)
    pos = _layout(gids, list(ties))
    top = max(len(m) for m in members.values())
    nodes, details = [], {}
    for grp in gids:
        ms = members[grp]
        gname = _text(g.nodes[grp].get("name", grp)) if grp in g else "未归组"
        counts: dict[str, int] = {}
        for k in ms:
            t = _node_type(g.nodes[k])
            counts[t] = counts.get(t, 0) + 1
        main_type = max(counts, key=counts.get)
        colour = _type_colour("Group")
        nid = f"Group:{grp}"
        nodes.append({
            "id": nid, "label": f"{_short(gname)}（{len(ms)}）", "name": gname, "kind": "Group", "type": "Group",
            "title": f"{gname}\n{len(ms)} 个节点", "shape": LABEL_SHAPE["Group"],
            "size": round(14 + 36 * math.sqrt(len(ms) / top), 2), "x": pos[grp][0], "y": pos[grp][1],
            "color": {"background": colour, "border": _type_colour(main_type)}, "borderWidth": 3,
            "cm": index.cm.get(grp, []) if group_by == "committee" else sorted({c for k in ms for c in index.cm.get(k, [])}),
            "ar": index.ar.get(grp, []) if group_by == "area" else sorted({a for k in ms for a in index.ar.get(k, [])}),
            "ct": sorted({c for k in ms for c in index.ct.get(k, [])}), "count": len(ms),
        })
        top_members = sorted((k for k in ms if k.startswith("Unit:")), key=lambda k: -g.degree(k))[:30]
        details[nid] = {
            "name": gname, "kind": "节点组", "rows": [[_type_zh(t), str(c)] for t, c in sorted(counts.items(), key=lambda x: _legend_order(x[0]))],
            "sections": [["主要成员单位", [[k, _text(g.nodes[k].get("name", k))] for k in top_members]]],
        }
    out_edges = []
    for i, ((a, b), c) in enumerate(sorted(ties.items())):
        out_edges.append({"id": i, "from": f"Group:{a}", "to": f"Group:{b}", "type": "GROUP_TIE",
                          "width": round(1 + math.log(c, 2), 2), "title": f"{c} 条联系",
                          "color": {"color": RELATION_STYLE["GROUP_TIE"][1], "opacity": 0.7}})
    by = "委员会" if group_by == "committee" else "区域"
    notice = (f"本图共 {total} 个节点，超过 {max_nodes} 个，已按{by}分组显示。"
              "用 --committee、--unit 或 --area 缩小范围，或用 --max-nodes 提高上限以逐点显示。")
    return MapData(
        title=title, view=view, nodes=nodes, edges=out_edges,
        legend=[{"type": "Group", "name": f"节点组（按{by}）", "colour": _type_colour("Group"), "shape": "hexagon", "count": len(nodes)}],
        edge_legend=[{"type": "GROUP_TIE", "name": "组间联系（线宽=联系数）", "colour": RELATION_STYLE["GROUP_TIE"][1], "dashes": False, "count": len(out_edges)}],
        filters=_filter_choices(g, keys, index) | {"present": len(nodes)},
        details=details, notice=notice, grouped=group_by, total_nodes=total, meta=meta,
    )


# -- rendering -------------------------------------------------------------------------

def _template(name: str) -> str:
    return (_TEMPLATES / name).read_text(encoding="utf-8")


def fill_template(template: str, values: dict[str, str]) -> str:
    """Replace ``{{NAME}}`` markers in one pass, so inserted text is never scanned again."""
    return re.sub(r"\{\{([A-Z_]+)\}\}", lambda m: values[m.group(1)], template)


def render_map(data: MapData, physics: bool = False) -> str:
    """The map as one self-contained HTML page (no network request: see the module docstring)."""
    payload = data.to_json()
    payload["options"] = _vis_options(physics)
    return fill_template(_template("map.html"), {
        "TITLE": html.escape(data.title),
        "CSS": _template("map.css"),
        "VIS_JS": vis_network_js(),
        "APP_JS": _template("map.js"),
        "DATA": json_for_script(payload),
    })


def write_map(path: str | os.PathLike, source, **options) -> MapData:
    """Build a map (see :func:`build_map` for ``options``) and write it to ``path`` as HTML.

    The file is written next to its final name and renamed, so a failed run leaves no
    half-written map.
    """
    data = build_map(source, **options)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(render_map(data), encoding="utf-8")
    os.replace(tmp, path)
    return data
