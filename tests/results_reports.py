"""Independent computations of the bundled reports that read stored analysis results.

Used by tests/test_queries.py (its ``exp_`` names): each function recomputes a report's rows
with plain loops over the checked tables and the analyses' own in-memory output, which the
world fixture keeps in ``T["_central"]``, ``T["_findings"]``, ``T["_proposals"]`` and
``T["_stamps"]``, as the store got them from ``graphgov.results``.
"""
from __future__ import annotations

import json
import math

import pandas as pd

DONE = ("fulfilled", "closed")


def _none(v):
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    return v


def _rows(df):
    return [{k: _none(v) for k, v in r.items()} for r in df.to_dict("records")]


def _open(status) -> bool:
    return (_none(status) or "open") not in DONE


def exp_central_units(T, committee, top):
    c = T["_central"].sort_values(["betweenness", "weighted_degree", "id"], ascending=[False, False, True])
    rank = {u: i + 1 for i, u in enumerate(c["id"])}
    metrics = {r["id"]: r for r in _rows(c)}
    names = {r["id"]: r["name"] for r in _rows(T["committees"])}
    members: dict[str, list[str]] = {}
    for m in _rows(T["memberships"]):
        if m["unit_id"] in rank and (committee == "" or m["committee_id"] == committee):
            members.setdefault(m["committee_id"], []).append(m["unit_id"])
    needs: dict[str, list] = {}
    for n in _rows(T["needs"]):
        if _open(n["status"]):
            needs.setdefault(n["unit_id"], []).append(n["raised"])
    rows = []
    for cid, units in members.items():
        for u in units:
            place = 1 + sum(1 for v in units if rank[v] < rank[u])
            if place > top:
                continue
            m = metrics[u]
            raised = [d for d in needs.get(u, []) if d is not None]
            rows.append([cid, names[cid], place, u, m["name"], rank[u], m["betweenness"], m["pagerank"], m["degree"],
                         bool(m["articulation"]), len(needs.get(u, [])), min(raised) if raised else None])
    return ["committee_id", "committee", "place", "unit_id", "unit", "city_rank", "betweenness", "pagerank", "degree",
            "articulation", "open_needs", "oldest_open_need"], rows


def _finding_area(rec, T) -> str | None:
    """The smallest area holding what a finding is about, by walking every place up the area tree."""
    parent = {a["id"]: a["parent_id"] for a in _rows(T["areas"])}
    unit_area = {u["id"]: u["area_id"] for u in _rows(T["units"])}
    need_area = {n["id"]: n["area_id"] or unit_area.get(n["unit_id"]) for n in _rows(T["needs"])}
    committee_area = {c["id"]: c["area_id"] for c in _rows(T["committees"])}
    ev, kind, stype = rec["evidence"], rec["kind"], rec["subject_type"]
    ids = rec["subject_ids"]
    if kind == "supply_gap":
        return ev.get("area") if ev.get("area") in parent else None
    if stype in ("Unit", "unit_pair"):
        places = [unit_area.get(u) for u in ids if u in unit_area]
    elif stype == "Need":
        places = [need_area.get(n) for n in ids if n in need_area]
    elif stype == "Committee":
        places = [committee_area.get(c) for c in ids if c in committee_area]
    elif stype.startswith("group_pair"):
        places = [unit_area.get(ev.get("through"))]
    elif stype.startswith("group:"):
        places = [unit_area.get(u) for u in ev.get("members", []) if u in unit_area]
    else:
        places = []

    def up(a):
        out = []
        while a is not None and a not in out:
            out.append(a)
            a = parent.get(a)
        return out

    chains = [up(p) for p in places if p]
    if not chains:
        return None
    for a in chains[0]:  # the first area on the way up that every place lies in
        if all(a in ch for ch in chains):
            return a
    return None


def exp_findings_by_area(T, area, kind):
    areas = {a["id"]: a for a in _rows(T["areas"])}

    def within(a):
        while a is not None:
            if a == area:
                return True
            a = areas[a]["parent_id"] if a in areas else None
        return False

    counts: dict[tuple, list[int]] = {}
    for rec in T["_findings"].to_dict("records"):
        if kind and rec["kind"] != kind:
            continue
        a = _finding_area(rec, T)
        if area and not within(a):
            continue
        key = (a, areas[a]["name"] if a else None, areas[a]["level"] if a else None, rec["kind"], rec["kind_zh"])
        c = counts.setdefault(key, [0, 0, 0, 0])
        c[0] += 1
        c[1 + ("high", "medium", "low").index(rec["severity"])] += 1
    rows = [[*k, *v] for k, v in counts.items()]
    return ["area_id", "area", "level", "kind", "kind_zh", "findings", "high", "medium", "low"], rows


def exp_open_proposals(T, category):
    needs = {n["id"]: n for n in _rows(T["needs"])}
    res = {r["id"]: r for r in _rows(T["resources"])}
    units = {u["id"]: u["name"] for u in _rows(T["units"])}
    dispatched = {(d["need_id"], d["resource_id"]) for d in _rows(T["dispatches"])}
    rows = []
    for rank, p in enumerate(_rows(T["_proposals"]), start=1):
        n, r = needs[p["need_id"]], res[p["resource_id"]]
        if not _open(n["status"]) or category and n["category"] != category:
            continue
        if (p["need_id"], p["resource_id"]) in dispatched:
            continue
        rows.append([rank, n["id"], n["title"], n["category"], units.get(n["unit_id"]), r["id"], r["title"],
                     units.get(r["unit_id"]), p["units"], p["score"], units.get(p["broker_id"]),
                     "\n".join(p["reasons"])])
    return ["rank", "need_id", "need", "category", "need_unit", "resource_id", "resource", "provider", "units", "score",
            "broker", "reasons"], rows


def exp_analysis_runs(T):
    written = {"central": len(T["_central"]), "gaps": len(T["_findings"]), "match": len(T["_proposals"])}
    rows = []
    for name, stamp in sorted(T["_stamps"].items()):
        rows.append([name, stamp.computed_at, stamp.data_version, written[name], stamp.seconds, stamp.graphgov,
                     stamp.params])
        assert json.loads(stamp.params)  # what was stamped parses back
    return ["analysis", "computed_at", "data_version", "rows", "seconds", "graphgov", "params"], rows
