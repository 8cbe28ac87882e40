"""The report's map: what the report shows, not every node.

A city's map has tens of thousands of nodes; drawn whole it is grouped and weighs megabytes,
and a report embeds it in full. :func:`report_map_tables` keeps what the report's tables
name instead: the central units listed, the units, needs, resources and committees of the
findings and matches listed, and what ties those units to each other (the committees and
projects two or more of them share, their agreements) with the areas they are in. A small
scope is drawn whole, as before.
"""
from __future__ import annotations

import pandas as pd

__all__ = ["report_map_tables", "map_size"]

NODE_TABLES = ("areas", "committees", "units", "party_orgs", "needs", "resources", "projects")


def map_size(tables: dict[str, pd.DataFrame]) -> int:
    """The nodes a whole map of ``tables`` would draw."""
    return sum(len(tables[t]) for t in NODE_TABLES if tables.get(t) is not None)


def _ids(values) -> set[str]:
    out = set()
    for v in values:
        if isinstance(v, str) and v:
            out.update(p for p in v.split(";") if p)
        elif isinstance(v, (list, tuple)):
            out.update(str(p) for p in v)
    return out


def report_map_tables(tables: dict[str, pd.DataFrame], central: pd.DataFrame | None, findings: pd.DataFrame | None,
                      matches: pd.DataFrame | None, units: int = 15, rows: int = 60) -> dict[str, pd.DataFrame]:
    """The tables of a map of what a report shows (see the module); ``rows``: the findings and
    matches the report lists, ``units``: the central units it lists."""
    t = {k: v for k, v in tables.items() if v is not None}
    empty = pd.DataFrame(columns=["id"])
    keep_units: set[str] = set(central["id"].head(units)) if central is not None and len(central) else set()
    keep_needs, keep_res, keep_comms = set(), set(), set()
    if findings is not None and len(findings) and "subject_id" in findings:
        subjects = _ids(findings.head(rows)["subject_id"])
        keep_units |= subjects & set(t["units"]["id"])
        keep_needs |= subjects & set(t.get("needs", empty)["id"])
        keep_comms |= subjects & set(t.get("committees", empty)["id"])
    if matches is not None and len(matches) and {"need_id", "resource_id"} <= set(matches.columns):
        keep_needs |= set(matches.head(rows)["need_id"].astype(str))
        keep_res |= set(matches.head(rows)["resource_id"].astype(str))
    out: dict[str, pd.DataFrame] = {}
    for name, kept in (("needs", keep_needs), ("resources", keep_res)):
        if name in t:
            out[name] = t[name][t[name]["id"].isin(kept)]
            keep_units |= set(out[name]["unit_id"])
    out["units"] = t["units"][t["units"]["id"].isin(keep_units)]
    m = t.get("memberships")
    if m is not None:
        m = m[m["unit_id"].isin(keep_units)]
        shared = m["committee_id"].value_counts()
        keep_comms |= set(shared[shared >= 2].index)  # a committee that ties two shown units
        out["memberships"] = m[m["committee_id"].isin(keep_comms)]
    c = t.get("committees")
    if c is not None:
        out["committees"] = c[c["id"].isin(keep_comms)]
    p, part = t.get("projects"), t.get("participations")
    if p is not None:
        members = pd.concat([part[["project_id", "unit_id"]] if part is not None else empty,
                             p[["id", "lead_unit_id"]].set_axis(["project_id", "unit_id"], axis=1)])
        members = members[members["unit_id"].isin(keep_units)].drop_duplicates()
        joint = members["project_id"].value_counts()
        keep_projects = set(joint[joint >= 2].index)  # a project that ties two shown units
        out["projects"] = p[p["id"].isin(keep_projects)]
        out["projects"] = out["projects"].assign(lead_unit_id=out["projects"]["lead_unit_id"].where(
            out["projects"]["lead_unit_id"].isin(keep_units), None))
        if part is not None:
            out["participations"] = part[part["project_id"].isin(keep_projects) & part["unit_id"].isin(keep_units)]
    ag = t.get("agreements")
    if ag is not None:
        out["agreements"] = ag[ag["unit_a"].isin(keep_units) & ag["unit_b"].isin(keep_units)]
    areas = t.get("areas")
    if areas is not None:
        parent = dict(zip(areas["id"], areas["parent_id"]))
        used = set()
        for name in ("units", "committees", "needs", "resources"):
            if name in out and "area_id" in out[name]:
                used |= {a for a in out[name]["area_id"] if isinstance(a, str)}
        for a in list(used):  # and the areas above, so the area filter has its tree
            while isinstance(parent.get(a), str) and parent[a] not in used:
                a = parent[a]
                used.add(a)
        out["areas"] = areas[areas["id"].isin(used)]
    # references to rows left out are cut, so the map has no edge to a node it does not draw
    if "projects" in out and "needs" in out:
        kept = set(out["needs"]["id"])
        out["projects"] = out["projects"].assign(need_ids=out["projects"]["need_ids"].map(
            lambda v: ";".join(i for i in v.split(";") if i in kept) or None if isinstance(v, str) else v))
    for name in ("units", "committees", "needs", "resources"):
        if name in out and "areas" in out and "area_id" in out[name]:
            out[name] = out[name].assign(area_id=out[name]["area_id"].where(
                out[name]["area_id"].isin(set(out["areas"]["id"])), None))
    if "committees" in out:
        out["committees"] = out["committees"].assign(parent_id=out["committees"]["parent_id"].where(
            out["committees"]["parent_id"].isin(set(out["committees"]["id"])), None))
    return {k: v.reset_index(drop=True) for k, v in out.items()}
