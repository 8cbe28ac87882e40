"""Which nodes a map shows: indexes over the graph, the node set of each view, finding subjects.

:class:`Index` records every node's committees, areas and categories (what the page's filters
offer and what ``--area`` narrows to); the ``*_scope`` functions give the node keys of the
``committee``, ``unit`` and ``category`` views and of an area; :func:`resolve_subject` finds
the nodes a gap finding names.
"""
from __future__ import annotations

import re

import networkx as nx

from graphgov.dataset import schema, vocab
from graphgov.errors import NotFoundError
from graphgov.views.map_style import as_text

__all__ = [
    "Index",
    "committee_scope",
    "unit_scope",
    "category_scope",
    "area_scope",
    "resolve_subject",
    "filter_choices",
]

# How the gaps view finds a finding's nodes: labels tried in turn for each kind.
_FINDING_LABEL_ORDER = {
    "unmet_need": ("Need", "Unit"),
    "inactive_member": ("Unit", "Committee"),
    "single_broker": ("Unit",),
    "idle_committee": ("Committee",),
}
_LABEL_OF_TYPE = {k.casefold(): t.label for t in schema.node_tables() for k in (t.label, t.name)} | {
    "party_org": "PartyOrg", "category": None}


# -- indexes over the graph --------------------------------------------------------------

class Index:
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
        self._chains: dict[tuple[str, str], list[str]] = {}
        self.cm: dict[str, list[str]] = {}
        self.ar: dict[str, list[str]] = {}
        self.ct: dict[str, list[str]] = {}
        self._compute()

    def area_chain(self, area: str | None) -> list[str]:
        return [] if area is None else self._chain("area", area, self.area_parent)

    def committee_chain(self, committee: str) -> list[str]:
        return self._chain("committee", committee, self.committee_parent)

    def _chain(self, kind: str, start: str, parent: dict) -> list[str]:
        """``start`` and its ancestors through ``parent``, kept: asked for every node of a large map."""
        key = (kind, start)
        if key not in self._chains:
            chain, seen, cur = [], set(), start
            while cur is not None and cur not in seen:
                seen.add(cur)
                chain.append(cur)
                cur = parent.get(cur)
            self._chains[key] = chain
        return self._chains[key]

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


# -- the views -----------------------------------------------------------------------

def _find(g: nx.MultiDiGraph, label: str, id_: str) -> str:
    key = schema.node_key(label, str(id_))
    if key not in g:
        known = sorted(a.get("id") for _, a in g.nodes(data=True) if a.get("label") == label)[:10]
        raise NotFoundError(f"no {label.lower()} with id {id_!r}; known ids include: {', '.join(map(str, known)) or 'none'}")
    return key


def committee_scope(g: nx.MultiDiGraph, committee: str) -> set[str]:
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


def unit_scope(g: nx.MultiDiGraph, unit: str, radius: int) -> set[str]:
    """A unit and the nodes within ``radius`` steps of it (areas shown but not walked through)."""
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


def category_scope(g: nx.MultiDiGraph, category: str) -> set[str]:
    """The needs, resources and projects of a category and the units tied to them."""
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


def area_scope(g: nx.MultiDiGraph, index: Index, area: str) -> set[str]:
    """The nodes located in an area or in an area below it."""
    key = _find(g, "Area", area)
    return {n for n in g if key in index.ar.get(n, ())}


def resolve_subject(g: nx.MultiDiGraph, subject, kind: str, subject_type=None) -> list[str]:
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


# -- filter choices ----------------------------------------------------------------

def filter_choices(g, keys, index: Index) -> dict:
    """The committees, areas (indented by depth) and categories the page's filters offer for ``keys``."""
    present = set(keys)
    committees = sorted({c for k in keys for c in index.cm.get(k, [])})
    areas = sorted({a for k in keys for a in index.ar.get(k, [])})
    cats = sorted({c for k in keys for c in index.ct.get(k, [])})

    def name(key):
        return as_text(g.nodes[key].get("name", key)) if key in g else key

    def depth(area):
        return len(index.area_chain(area))

    return {
        "committees": [[c, name(c)] for c in committees],
        "areas": [[a, ("　" * (depth(a) - 1)) + name(a)] for a in sorted(areas, key=lambda a: [name(x) for x in reversed(index.area_chain(a))])],
        "categories": [[c, vocab.zh_label("category", c)] for c in cats],
        "present": len(present),
    }
