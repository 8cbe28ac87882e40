"""Scope: which units, areas and committees a network, a report or a finding is about.

Areas form a tree (PART_OF, ``parent_id``) and so do committees (REPORTS_TO); a scope is
a committee with the committees below it, or an area with the areas below it. A unit's
block (块) is its area at a chosen level of that tree.
"""
from __future__ import annotations

import pandas as pd

from graphgov.dataset import vocab
from graphgov.errors import NotFoundError

__all__ = ["area_descendants", "committee_descendants", "block_of", "scope_units"]


def _ids(df: pd.DataFrame | None, col: str = "id") -> pd.Series:
    if df is None or df.empty or col not in df.columns:
        return pd.Series([], dtype=object)
    return df[col]


def _choices(frame: pd.DataFrame, given: str, what: str, limit: int = 8) -> str:
    """Ids like ``given`` (then the first ones) with their names, for a not-found message."""
    import difflib

    ids = [str(i) for i in _ids(frame)]
    names = dict(zip(ids, frame["name"])) if frame is not None and "name" in frame else {}
    close = difflib.get_close_matches(str(given), ids, n=3, cutoff=0.5)
    pick = close or sorted(ids)[:limit]
    listed = ", ".join(f"{i} {names.get(i, '')}".strip() for i in pick)
    more = "" if close or len(ids) <= limit else f", … ({len(ids)} in all)"
    return (f"did you mean {listed}?" if close else f"the {what}: {listed}{more}")


def area_descendants(areas: pd.DataFrame, area_id: str) -> set[str]:
    """``area_id`` and every area below it through PART_OF (parent_id).

    Raises NotFoundError for an unknown area.
    """
    if area_id not in set(_ids(areas)):
        raise NotFoundError(f"no area with id {area_id!r}; {_choices(areas, area_id, 'areas')}")
    children: dict[str, list[str]] = {}
    for aid, parent in zip(areas["id"], areas["parent_id"]):
        if parent is not None and parent == parent:
            children.setdefault(parent, []).append(aid)
    out, todo = set(), [area_id]
    while todo:
        a = todo.pop()
        if a in out:
            continue
        out.add(a)
        todo.extend(children.get(a, ()))
    return out


def committee_descendants(committees: pd.DataFrame, committee_id: str) -> set[str]:
    if committee_id not in set(_ids(committees)):
        raise NotFoundError(f"no committee with id {committee_id!r}; {_choices(committees, committee_id, 'committees')}")
    return area_descendants(committees, committee_id)  # the same parent_id walk


def block_of(areas: pd.DataFrame, level: str = "street") -> dict[str, str]:
    """Each area id → its ancestor (or itself) at ``level``; areas above that level map
    to themselves (a district bureau's block is its district)."""
    if areas is None or areas.empty:
        return {}
    parent = dict(zip(areas["id"], areas["parent_id"]))
    lvl = dict(zip(areas["id"], areas["level"]))
    order = list(vocab.VOCABULARIES["area_level"])
    rank = {code: i for i, code in enumerate(order)}
    target = rank.get(level, rank["street"])
    out = {}
    for aid in areas["id"]:
        cur, seen = aid, set()
        while cur is not None and cur == cur and cur not in seen:
            seen.add(cur)
            if rank.get(lvl.get(cur), 99) <= target:
                break
            nxt = parent.get(cur)
            if nxt is None or nxt != nxt or nxt not in parent:
                break
            cur = nxt
        out[aid] = cur if rank.get(lvl.get(cur), 99) <= target else aid
    return out


def scope_units(tables: dict[str, pd.DataFrame], committee: str | None = None, area: str | None = None) -> set[str]:
    """Unit ids in scope.

    ``committee``: the members of that committee and of every committee below it
    (REPORTS_TO). ``area``: units located in that area or below it (PART_OF), and the
    members of committees located there (a city bureau sitting on a street committee
    belongs to that street's network). Both: units in both. Neither: every unit.
    Raises NotFoundError for an unknown committee or area.
    """
    units = set(_ids(tables.get("units")))
    members = tables.get("memberships")
    if members is None:
        members = pd.DataFrame({"unit_id": [], "committee_id": []})
    out = set(units)
    if committee is not None:
        comms = committee_descendants(tables["committees"], committee)
        out &= set(members.loc[members["committee_id"].isin(comms), "unit_id"])
    if area is not None:
        areas = area_descendants(tables["areas"], area)
        u = tables["units"]
        located = set(u.loc[u["area_id"].isin(areas), "id"])
        c = tables.get("committees")
        local_comms = set(c.loc[c["area_id"].isin(areas), "id"]) if c is not None and not c.empty else set()
        located |= set(members.loc[members["committee_id"].isin(local_comms), "unit_id"])
        out &= located
    return out
