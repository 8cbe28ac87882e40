"""The report's map: what the report shows, not every node.

A city's map has tens of thousands of nodes; drawn whole it is grouped and weighs megabytes,
and a report embeds it in full. :func:`report_map_tables` keeps what the report's tables
name instead: the leading central units, the units, needs and committees of the findings
and matches listed, with the committees those units sit on, their own lists (needs,
resources, projects), the ties among them and the areas they are in. A small scope is
drawn whole, as before.
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
                      matches: pd.DataFrame | None, units: int = 120, rows: int = 60) -> dict[str, pd.DataFrame]:
    """The tables of a map of what a report shows (see the module); ``rows``: the findings and
    matches the report lists, ``units``: leading central units kept."""
    t = {k: v for k, v in tables.items() if v is not None}
    keep_units: set[str] = set()
    if central is not None and len(central):
        keep_units |= set(central["id"].head(units))
    needs_t, res_t = t.get("needs", pd.DataFrame()), t.get("resources", pd.DataFrame())
    keep_needs, keep_res, keep_comms = set(), set(), set()
    if findings is not None and len(findings):
        shown = findings.head(rows)
        subjects = _ids(shown["subject_id"]) if "subject_id" in shown else set()
        keep_units |= subjects & set(t["units"]["id"])
        keep_needs |= subjects & set(needs_t.get("id", ()))
        keep_comms |= subjects & set(t.get("committees", pd.DataFrame(columns=["id"]))["id"])
    if matches is not None and len(matches) and {"need_id", "resource_id"} <= set(matches.columns):
        shown = matches.head(rows)
        keep_needs |= set(shown["need_id"].astype(str))
        keep_res |= set(shown["resource_id"].astype(str))
    if len(needs_t):
        keep_units |= set(needs_t.loc[needs_t["id"].isin(keep_needs), "unit_id"])
    if len(res_t):
        keep_units |= set(res_t.loc[res_t["id"].isin(keep_res), "unit_id"])
    out: dict[str, pd.DataFrame] = {}
    out["units"] = t["units"][t["units"]["id"].isin(keep_units)]
    m = t.get("memberships")
    if m is not None:
        out["memberships"] = m[m["unit_id"].isin(keep_units)]
        keep_comms |= set(out["memberships"]["committee_id"])
    c = t.get("committees")
    if c is not None:
        parent = dict(zip(c["id"], c["parent_id"]))
        for cid in list(keep_comms):  # the committees above, so the committee filter has its tree
            while isinstance(parent.get(cid), str) and parent[cid] not in keep_comms:
                cid = parent[cid]
                keep_comms.add(cid)
        out["committees"] = c[c["id"].isin(keep_comms)]
    for name, col in (("needs", "unit_id"), ("resources", "unit_id")):
        if name in t:
            df = t[name]
            out[name] = df[df[col].isin(keep_units) | df["id"].isin(keep_needs if name == "needs" else keep_res)]
    p, part = t.get("projects"), t.get("participations")
    if p is not None:
        joined = set(part.loc[part["unit_id"].isin(keep_units), "project_id"]) if part is not None else set()
        out["projects"] = p[p["lead_unit_id"].isin(keep_units) | p["id"].isin(joined)]
        if part is not None:
            out["participations"] = part[part["project_id"].isin(set(out["projects"]["id"]))
                                         & part["unit_id"].isin(keep_units)]
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
        for a in list(used):
            while isinstance(parent.get(a), str) and parent[a] not in used:
                a = parent[a]
                used.add(a)
        out["areas"] = areas[areas["id"].isin(used)]
    # references inside the kept rows that point outside them are cut, so the map has no dangling edges
    if "needs" in out and "projects" in out:
        kept = set(out["needs"]["id"])
        out["projects"] = out["projects"].assign(need_ids=out["projects"]["need_ids"].map(
            lambda v: ";".join(i for i in v.split(";") if i in kept) or None if isinstance(v, str) else v))
    for name in ("units", "committees", "needs", "resources"):
        if name in out and "areas" in out and "area_id" in out[name]:
            out[name] = out[name].assign(area_id=out[name]["area_id"].where(out[name]["area_id"].isin(
                set(out["areas"]["id"])), None))
    if "committees" in out:
        out["committees"] = out["committees"].assign(parent_id=out["committees"]["parent_id"].where(
            out["committees"]["parent_id"].isin(set(out["committees"]["id"])), None))
    return {k: v.reset_index(drop=True) for k, v in out.items()}
