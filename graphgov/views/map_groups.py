"""Which block each node of a map belongs to: the groups of the layout and of the grouped overview.

A map's core is its member units and committees. Each core node belongs to

- a *layout group* (``group_by``): its most specific committee (units without a committee:
  their street), or its street (``area``); the layout gives every layout group a box;
- one group per *overview grouping*: committee, district and street. The page's grouped
  overview draws one node per group of the chosen grouping, sized by its members, with
  ties counted between groups; a click opens the group.

Needs, resources, projects and party organizations belong to the groups of their unit.
"""
from __future__ import annotations

import math

import networkx as nx

from graphgov.dataset import vocab
from graphgov.views.map_layout import layout
from graphgov.views.map_scope import Index
from graphgov.views.map_style import as_text, short

__all__ = ["GROUPINGS", "GROUPING_ZH", "Grouping", "layout_groups", "node_groupings", "overview"]

GROUPINGS = ("committee", "district", "street")
GROUPING_ZH = {"committee": "委员会", "district": "区", "street": "街乡"}
UNGROUPED = "none"
_LEVEL_RANK = {code: i for i, code in enumerate(vocab.VOCABULARIES["area_level"])}


class Grouping:
    """Groups of one kind: ``of`` node → group id, ``names`` group id → name, ``parent`` for nesting."""

    def __init__(self, name: str):
        self.name = name
        self.of: dict[str, str] = {}
        self.names: dict[str, str] = {}
        self.parent: dict[str, str | None] = {}
        self.hub: dict[str, str] = {}

    def members(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for k, gid in self.of.items():
            out.setdefault(gid, []).append(k)
        return out


def _name(g: nx.MultiDiGraph, key: str) -> str:
    return as_text(g.nodes[key].get("name", key)) if key in g else "未归组"


def _area_at(g: nx.MultiDiGraph, index: Index, area: str | None, level: str) -> str | None:
    """The area's ancestor (or itself) at ``level``; areas above it stand for themselves."""
    chain = index.area_chain(area)
    target = _LEVEL_RANK[level]
    for a in chain:
        if _LEVEL_RANK.get(g.nodes[a].get("level"), 99) <= target:
            return a
    return chain[-1] if chain else None


def _place_of(index: Index, key: str) -> str | None:
    """The area a core node is in: a unit's or committee's own area."""
    return index.unit_area.get(key)


def _most_specific(index: Index, committees: list[str], present: set[str]) -> str | None:
    cms = [c for c in committees if c in present]
    if not cms:
        return None
    # the deepest committee; among equals the first by id
    return min(cms, key=lambda c: (-len(index.committee_chain(c)), c))


def layout_groups(g: nx.MultiDiGraph, index: Index, core: list[str], group_by: str) -> Grouping:
    """The layout group of each core node (``group_by``: ``committee`` or ``area``)."""
    grouping = Grouping(group_by)
    present = set(core)
    for k in core:
        if k.startswith("Committee:"):
            gid = k if group_by == "committee" else _area_at(g, index, _place_of(index, k), "street")
        else:
            gid = None
            if group_by == "committee":
                gid = _most_specific(index, index.unit_committees.get(k, []), present)
            if gid is None:
                gid = _area_at(g, index, _place_of(index, k), "street")
        grouping.of[k] = gid or UNGROUPED
    for gid in set(grouping.of.values()):
        grouping.names[gid] = _name(g, gid)
        if gid.startswith("Committee:"):
            grouping.hub[gid] = gid
            parent = index.committee_parent.get(gid)
            grouping.parent[gid] = parent if parent in present else None
        elif gid.startswith("Area:"):
            grouping.parent[gid] = index.area_parent.get(gid)
    # area parents nest streets in districts even when a district has no node of its own
    todo = [p for p in grouping.parent.values() if p]
    while todo:
        a = todo.pop()
        if a in grouping.parent or not a.startswith("Area:"):
            continue
        grouping.parent[a] = index.area_parent.get(a)
        grouping.names[a] = _name(g, a)
        if grouping.parent[a]:
            todo.append(grouping.parent[a])
    return grouping


def node_groupings(g: nx.MultiDiGraph, index: Index, core: list[str], layout_grouping: Grouping) -> dict[str, Grouping]:
    """The overview groupings of the core nodes: committee (the layout's when it is one), district, street."""
    out: dict[str, Grouping] = {}
    if layout_grouping.name == "committee":
        out["committee"] = layout_grouping
    else:
        cg = layout_groups(g, index, core, "committee")
        if any(v.startswith("Committee:") for v in cg.of.values()):
            out["committee"] = cg
    for level in ("district", "street"):
        grouping = Grouping(level)
        for k in core:
            gid = _area_at(g, index, _place_of(index, k), level) or UNGROUPED
            grouping.of[k] = gid
            grouping.names.setdefault(gid, _name(g, gid))
        out[level] = grouping
    return out


def overview(g: nx.MultiDiGraph, grouping: Grouping, edges: list[tuple[str, str]],
             boxes: dict[str, tuple] | None = None) -> dict:
    """One grouping's overview: its groups (id, name, label, count, position, size) and the ties between them.

    Group positions are the centres of their layout boxes when ``boxes`` is given (the
    layout's own grouping), else a layout of the group graph.
    """
    members = grouping.members()
    ties: dict[tuple[str, str], int] = {}
    for u, v in edges:
        a, b = grouping.of.get(u), grouping.of.get(v)
        if a is None or b is None or a == b:
            continue
        pair = (min(a, b), max(a, b))
        ties[pair] = ties.get(pair, 0) + 1
    gids = sorted(members)
    if boxes and all(gid in boxes for gid in gids):
        pos = {gid: ((boxes[gid][0] + boxes[gid][2]) / 2, (boxes[gid][1] + boxes[gid][3]) / 2) for gid in gids}
    else:
        pos = layout(gids, list(ties))
    top = max((len(m) for m in members.values()), default=1)
    groups = []
    for gid in gids:
        name = grouping.names.get(gid) or _name(g, gid)
        n = len(members[gid])
        groups.append({"id": gid, "name": name, "label": f"{short(name, 12)}（{n}）", "count": n,
                       "units": sum(1 for k in members[gid] if k.startswith("Unit:")),
                       "x": round(float(pos[gid][0]), 1), "y": round(float(pos[gid][1]), 1),
                       "size": round(16 + 34 * math.sqrt(n / top), 1)})
    return {"name": grouping.name, "zh": GROUPING_ZH.get(grouping.name, grouping.name), "groups": groups,
            "ties": [[a, b, c] for (a, b), c in sorted(ties.items())]}
