"""The tables of one scope (a committee and those below it, an area and those below it), read alone.

An analysis of a scope (``central --committee C07``, ``gaps --area BJ-CY``) needs the units in
scope and what they take part in, not the whole graph: on a server store, reading a city to
analyse one street would send the city over the network. :func:`read_scope_tables` asks the
store for the scope's rows with parameterised Cypher that both stores run, and returns tables
in the dataset's shape that give the analyses the same answers as the whole tables:

- the scope's committees (the committee and those below it, or those located in the area and
  below it) and its units, as :func:`graphgov.analysis.scope.scope_units` defines them;
- every committee a unit in scope sits on, with all its memberships (a committee's size counts
  members outside the scope too); the meetings of the scope's own committees;
- every project a unit in scope leads or takes part in, or that addresses one of their needs,
  with all its participations;
- the units' agreements (with partners outside too), party organizations, needs, resources,
  dispatches and need events;
- the areas all of these are located in, with the areas above them (for blocks and places),
  and the scope's area with every area below it;
- the dataset's own row (its date).
"""
from __future__ import annotations

from typing import Callable

import pandas as pd

from graphgov.dataset import schema
from graphgov.store.tables import empty_table, read_table, read_tables_from

__all__ = ["read_scope_tables"]

Run = Callable[..., pd.DataFrame]


def _ids(run: Run, cypher: str, ids) -> set[str]:
    if not ids:  # nothing to ask (and an empty list parameter has no type for LadybugDB)
        return set()
    df = run(cypher, {"ids": sorted(ids)})
    return set(df["id"].dropna()) if len(df) else set()


def _below(run: Run, label: str, root: str) -> set[str]:
    """``root`` and every node of ``label`` below it through ``parent_id``, one round trip per level."""
    found, level = {root}, {root}
    while level:
        level = _ids(run, f"MATCH (n:{label}) WHERE n.parent_id IN $ids RETURN n.id AS id", level) - found
        found |= level
    return found


def _above(run: Run, label: str, ids: set[str]) -> set[str]:
    """``ids`` and every id above them through ``parent_id``, one round trip per level."""
    found, level = set(ids), set(ids)
    while level:
        level = _ids(run, f"MATCH (n:{label}) WHERE n.id IN $ids AND n.parent_id IS NOT NULL "
                          f"RETURN n.parent_id AS id", level) - found
        found |= level
    return found


def _check_exists(run: Run, table: str, id_: str) -> None:
    """Raise the NotFoundError of the whole-table path (with its hints) for an unknown id."""
    from graphgov.analysis.scope import area_descendants, committee_descendants

    t = schema.table(table)
    if len(run(f"MATCH (n:{t.label} {{id: $id}}) RETURN n.id AS id", {"id": id_})):
        return
    rows = read_table(run, t)
    (committee_descendants if table == "committees" else area_descendants)(rows, id_)


def read_scope_tables(run: Run, committee: str | None = None, area: str | None = None) -> dict[str, pd.DataFrame]:
    """The tables of the scope ``committee`` and/or ``area`` (see the module), read through ``run``
    (Cypher, params → DataFrame); every table when neither is given.

    Raises NotFoundError for an unknown committee or area, as the whole-table path does.
    """
    if committee is None and area is None:
        return read_tables_from(run, include_internal=True)
    units: set[str] | None = None
    in_scope: set[str] | None = None  # the scope's own committees
    areas: set[str] = set()
    if committee is not None:
        _check_exists(run, "committees", committee)
        in_scope = _below(run, "Committee", committee)
        units = _ids(run, "MATCH (u:Unit)-[:MEMBER_OF]->(c:Committee) WHERE c.id IN $ids RETURN DISTINCT u.id AS id",
                     in_scope)
    if area is not None:
        _check_exists(run, "areas", area)
        areas = _below(run, "Area", area)
        local = _ids(run, "MATCH (c:Committee) WHERE c.area_id IN $ids RETURN c.id AS id", areas)
        in_scope = local if in_scope is None else in_scope & local
        located = _ids(run, "MATCH (u:Unit) WHERE u.area_id IN $ids RETURN u.id AS id", areas)
        located |= _ids(run, "MATCH (u:Unit)-[:MEMBER_OF]->(c:Committee) WHERE c.id IN $ids RETURN DISTINCT u.id AS id",
                        local)
        units = located if units is None else units & located
    committees = in_scope | _ids(run, "MATCH (u:Unit)-[:MEMBER_OF]->(c:Committee) WHERE u.id IN $ids "
                                      "RETURN DISTINCT c.id AS id", units)
    projects = _ids(run, "MATCH (u:Unit)-[:PARTICIPATES_IN]->(p:Project) WHERE u.id IN $ids RETURN DISTINCT p.id AS id",
                    units)
    projects |= _ids(run, "MATCH (p:Project) WHERE p.lead_unit_id IN $ids RETURN p.id AS id", units)
    projects |= _ids(run, "MATCH (p:Project)-[:ADDRESSES]->(n:Need) WHERE n.unit_id IN $ids RETURN DISTINCT p.id AS id",
                     units)

    def rows(name: str, where: str, ids) -> pd.DataFrame:
        t = schema.table(name)
        return read_table(run, t, where, {"ids": sorted(ids)}) if ids else empty_table(t)

    def node(name: str, prop: str, ids) -> pd.DataFrame:
        return rows(name, f"n.{prop} IN $ids", ids)

    def link(name: str, end: str, ids) -> pd.DataFrame:
        return rows(name, f"{end}.id IN $ids", ids)

    out = {
        "units": node("units", "id", units),
        "committees": node("committees", "id", committees),
        "memberships": link("memberships", "b", committees),
        "meetings": node("meetings", "committee_id", in_scope),
        "projects": node("projects", "id", projects),
        "participations": link("participations", "b", projects),
        "agreements": rows("agreements", "a.id IN $ids OR b.id IN $ids", units),
        "party_orgs": node("party_orgs", "unit_id", units),
        "needs": node("needs", "unit_id", units),
        "resources": node("resources", "unit_id", units),
    }
    needs = set(out["needs"]["id"])
    out["dispatches"] = node("dispatches", "need_id", needs)
    out["need_events"] = node("need_events", "need_id", needs)
    out["meta"] = read_table(run, schema.table("meta"))
    places = set()
    for name in ("units", "committees", "needs", "resources"):
        places |= set(out[name]["area_id"].dropna())
    out["areas"] = node("areas", "id", areas | _above(run, "Area", places))
    # the tables in schema order, as read_tables gives them
    return {t.name: out[t.name] for t in schema.ALL_TABLES if t.name in out}
