"""Analysis results in the store: written in one transaction each, read back in the shape they were made.

What goes where (the schema's ``RESULT_TABLES`` and the ``Unit`` table's computed properties):

``central``  properties of every ``Unit``: ``central_rank`` (by betweenness), the metrics of
             :func:`graphgov.analysis.central.central_table` and the brokerage counts;
``gaps``     one ``Finding`` node per finding, ``ABOUT`` the units, committees and needs it names and
             ``LOCATED_IN`` the smallest area holding them; each unit's ``community``;
``match``    one ``Proposal`` node per proposed need–resource pair, ``FOR_NEED`` its need and ``USES``
             its resource (as a ``Dispatch`` does once the pair is dispatched);

and one ``AnalysisRun`` node per analysis with its :class:`~graphgov.results.stamp.Stamp`. Every
write replaces the analysis' previous results. All Cypher here runs on both stores; values
travel only as parameters (:meth:`graphgov.store.base.Store.write_rows`).
"""
from __future__ import annotations

import json

import numpy as np
import pandas as pd

from graphgov.dataset import schema
from graphgov.errors import StoreError
from graphgov.results.stamp import Stamp, to_json
from graphgov.store.base import edge_statement

__all__ = ["CENTRAL_COLUMNS", "read_stamps", "write_central", "read_central", "write_findings", "read_findings",
           "write_proposals", "read_proposals", "statements"]

CENTRAL_COLUMNS = tuple(c.name for c in schema.table("units").computed_columns if c.name != "community")
FINDING_COLUMNS = [c.name for c in schema.table("findings").columns]
PROPOSAL_COLUMNS = [c.name for c in schema.table("proposals").columns]
PARTS = ("category", "text", "area", "capacity", "trust")
_LINKS = (("unit_ids", "Unit"), ("committee_ids", "Committee"), ("need_ids", "Need"))

RUN = ("MERGE (r:AnalysisRun {id: row.id}) SET r.analysis = row.analysis, r.params = row.params, "
       "r.data_version = row.data_version, r.computed_at = row.computed_at, r.graphgov = row.graphgov, "
       "r.seconds = row.seconds, r.rows = row.rows, r.summary = row.summary")
STAMPS = ("MATCH (r:AnalysisRun) RETURN r.id AS id, r.analysis AS analysis, r.params AS params, "
          "r.data_version AS data_version, r.computed_at AS computed_at, r.graphgov AS graphgov, "
          "r.seconds AS seconds, r.rows AS rows, r.summary AS summary")
SET_COMMUNITY = "MATCH (u:Unit {id: row.id}) SET u.community = row.community"
CLEAR_COMMUNITY = "MATCH (u:Unit) WHERE u.community IS NOT NULL SET u.community = null"
DROP_FINDINGS = "MATCH (f:Finding) DETACH DELETE f"
DROP_PROPOSALS = "MATCH (p:Proposal) DETACH DELETE p"


def _central_statements() -> tuple[str, str, str]:
    """(set, clear, get) of the units' central properties; every name from the schema."""
    sets = ", ".join(f"u.{c} = row.{c}" for c in CENTRAL_COLUMNS)
    set_ = f"MATCH (u:Unit {{id: row.id}}) SET {sets}"
    sets = ", ".join(f"u.{c} = null" for c in CENTRAL_COLUMNS)
    clear = f"MATCH (u:Unit) WHERE u.central_rank IS NOT NULL SET {sets}"
    cols = ", ".join(f"u.{c} AS {c}" for c in CENTRAL_COLUMNS)
    return set_, clear, f"MATCH (u:Unit) WHERE u.central_rank IS NOT NULL RETURN u.id AS id, {cols}"


def _node_statements(label: str, columns: list[str]) -> tuple[str, str]:
    """(create, read in rank order) for the result nodes ``label`` with properties ``columns`` (schema names)."""
    props = ", ".join(f"{c}: row.{c}" for c in columns)
    cols = ", ".join(f"n.{c} AS {c}" for c in columns)
    return f"CREATE (n:{label} {{{props}}})", f"MATCH (n:{label}) RETURN {cols} ORDER BY n.rank"


SET_CENTRAL, CLEAR_CENTRAL, GET_CENTRAL = _central_statements()
MAKE_FINDING, GET_FINDINGS = _node_statements("Finding", FINDING_COLUMNS)
MAKE_PROPOSAL, GET_PROPOSALS = _node_statements("Proposal", PROPOSAL_COLUMNS)


def _unwind(cypher: str) -> str:
    return f"UNWIND $rows AS row {cypher}"


def statements() -> list[tuple[str, str, dict]]:
    """Every statement this module sends, named, with example parameters (for the linter tests).

    The ``row`` statements go out as ``UNWIND $rows AS row …`` (:meth:`graphgov.store.base.Store.write_rows`).
    """
    row = {"rows": [{}]}
    out = [("run", _unwind(RUN), row), ("stamps", STAMPS, {}), ("set central", _unwind(SET_CENTRAL), row),
           ("clear central", CLEAR_CENTRAL, {}), ("get central", GET_CENTRAL, {}),
           ("set community", _unwind(SET_COMMUNITY), row), ("clear community", CLEAR_COMMUNITY, {}),
           ("drop findings", DROP_FINDINGS, {}), ("make finding", _unwind(MAKE_FINDING), row),
           ("get findings", GET_FINDINGS, {}), ("drop proposals", DROP_PROPOSALS, {}),
           ("make proposal", _unwind(MAKE_PROPOSAL), row), ("get proposals", GET_PROPOSALS, {})]
    for rtype, a, b in [("ABOUT", "Finding", label) for _, label in _LINKS] + [
            ("LOCATED_IN", "Finding", "Area"), ("FOR_NEED", "Proposal", "Need"), ("USES", "Proposal", "Resource")]:
        out.append((f"link {a} {rtype} {b}", _unwind(edge_statement(rtype, a, b)), row))
    return out


def _joined(items) -> str:
    """A list of texts as one property, one per line (a reason or a name may hold "；" itself)."""
    return "\n".join(" ".join(str(i).split("\n")) for i in items)


def _split(value) -> list[str]:
    return str(value).split("\n") if isinstance(value, str) and value else []


# -- stamps ----------------------------------------------------------------------------------

def read_stamps(store) -> dict[str, Stamp]:
    """The stored analyses' stamps by analysis name (empty when nothing is stored)."""
    try:
        df = store.query(STAMPS)
    except StoreError:  # a store that never held results (an older Neo4j graph) has no such label
        return {}
    return {rec["analysis"]: Stamp.from_record(rec) for rec in df.to_dict("records") if rec.get("analysis")}


def _write_stamp(store, stamp: Stamp) -> None:
    store.write_rows(RUN, pd.DataFrame([stamp.record()]))


# -- central -----------------------------------------------------------------------------------

def write_central(store, central: pd.DataFrame, stamp: Stamp) -> None:
    """Write a :func:`~graphgov.analysis.central.central_table` of the whole network onto the units."""
    df = central.copy()
    if "betweenness" in df.columns:
        order = df.sort_values(["betweenness", "weighted_degree", "id"], ascending=[False, False, True],
                               kind="stable", na_position="last").index
        df.loc[order, "central_rank"] = np.arange(1, len(df) + 1)
    kinds = {c.name: c.kind for c in schema.table("units").computed_columns}
    rows = pd.DataFrame({"id": df["id"].astype(str).to_numpy()})
    for c in CENTRAL_COLUMNS:
        values = df[c] if c in df.columns else pd.Series([None] * len(df), index=df.index, dtype=object)
        values = pd.to_numeric(values.astype(object), errors="coerce").to_numpy(dtype=float)
        rows[c] = pd.array(np.round(values), dtype="Int64") if kinds[c] == "int" else values
    with store.transaction():
        store.query(CLEAR_CENTRAL)
        store.write_rows(SET_CENTRAL, rows)
        _write_stamp(store, stamp)


def read_central(store, units: pd.DataFrame) -> pd.DataFrame:
    """The stored central table for ``units`` (a :func:`~graphgov.analysis.network.unit_frame`),
    best first by betweenness, in the columns of :func:`~graphgov.analysis.central.central_table`."""
    from graphgov.analysis.central import METRICS
    from graphgov.analysis.brokerage import ROLES

    got = store.query(GET_CENTRAL)
    df = pd.DataFrame({"id": units["id"].values, "name": units["name"].values, "type": units["type"].values,
                       "type_zh": units["type_zh"].values, "sector": units["sector_group"].values,
                       "block": units["block_name"].values})
    df = df.merge(got, on="id", how="inner")
    df["articulation"] = df["articulation"].fillna(0).astype(int).astype(bool)
    for c in ("degree", *(f"{b}_{r}" for b in ("sector", "block") for r in (*ROLES, "brokerage"))):
        df[c] = pd.to_numeric(df[c], errors="coerce").fillna(0).astype(int)
    df = df.sort_values("central_rank", kind="stable").reset_index(drop=True)
    df.insert(0, "rank", np.arange(1, len(df) + 1))
    cols = ["rank", "id", "name", "type", "type_zh", "sector", "block", *METRICS,
            *(f"sector_{r}" for r in ROLES), "sector_brokerage", *(f"block_{r}" for r in ROLES), "block_brokerage"]
    return df[cols]


# -- gaps --------------------------------------------------------------------------------------

class _Places:
    """Where units, needs and committees are, and the smallest area holding several places."""

    def __init__(self, tables: dict[str, pd.DataFrame]):
        def frame(name):
            df = tables.get(name)
            return df if df is not None else pd.DataFrame(columns=["id", "area_id", "unit_id", "parent_id"])

        areas = frame("areas")
        self.parent = dict(zip(areas["id"], areas["parent_id"]))
        self.unit = dict(zip(frame("units")["id"], frame("units")["area_id"]))
        needs = frame("needs")
        self.need = {i: a if isinstance(a, str) else self.unit.get(u)
                     for i, a, u in zip(needs["id"], needs["area_id"], needs["unit_id"])}
        self.committee = dict(zip(frame("committees")["id"], frame("committees")["area_id"]))
        self.units, self.needs, self.committees = set(self.unit), set(self.need), set(self.committee)

    def chain(self, area) -> list[str]:
        out, seen = [], set()
        while isinstance(area, str) and area not in seen:
            seen.add(area)
            out.append(area)
            area = self.parent.get(area)
        return out

    def common(self, places) -> str | None:
        chains = [self.chain(p) for p in places if isinstance(p, str)]
        if not chains:
            return None
        shared = set(chains[0]).intersection(*map(set, chains[1:]))
        return next((a for a in chains[0] if a in shared), None)


def _finding_links(rec: dict, places: _Places) -> dict:
    """The units, committees and needs a finding names, and the smallest area holding them."""
    ids = [i for i in str(rec.get("subject_id") or "").split(";") if i]
    ev = rec.get("evidence") if isinstance(rec.get("evidence"), dict) else {}
    kind, stype = rec.get("kind"), str(rec.get("subject_type") or "")
    units, needs, committees, extra = [], [], [], []
    if stype in ("Unit", "unit_pair"):
        units = ids
    elif stype == "Need":
        needs = ids
    elif stype == "Committee":
        committees = ids
    elif stype.startswith("group_pair"):
        units = [ev.get("through")] if ev.get("through") else []
    elif kind == "supply_gap":
        needs = list(ev.get("needs") or [])
        extra = [ev.get("area")]
    members = [m for m in (ev.get("members") or []) if isinstance(m, str)] if stype.startswith("group:") else []
    units = [u for u in dict.fromkeys(units) if u in places.units]
    needs = [n for n in dict.fromkeys(needs) if n in places.needs]
    committees = [c for c in dict.fromkeys(committees) if c in places.committees]
    where = ([places.unit.get(u) for u in units + members] + [places.need.get(n) for n in needs]
             + [places.committee.get(c) for c in committees] + extra)
    area = places.common(where) if kind != "supply_gap" else (ev.get("area") if ev.get("area") in places.parent
                                                               else None)
    return {"unit_ids": ";".join(units) or None, "committee_ids": ";".join(committees) or None,
            "need_ids": ";".join(needs) or None, "area_id": area}


def write_findings(store, findings: pd.DataFrame, stamp: Stamp, tables: dict[str, pd.DataFrame],
                   community: dict[str, int] | None = None) -> None:
    """Replace the stored findings with ``findings`` (:func:`~graphgov.analysis.gaps.find_gaps`),
    and the units' ``community`` with ``community`` (unit id → number)."""
    places = _Places(tables)
    rows = []
    for i, rec in enumerate(findings.to_dict("records")):
        row = {"id": f"F{i + 1:05d}", "rank": i + 1}
        for c in ("kind", "kind_zh", "severity", "subject_type", "subject_id", "subject", "message", "suggestion"):
            row[c] = None if rec.get(c) is None else str(rec.get(c))
        row["score"] = float(rec["score"]) if rec.get("score") is not None else None
        names = rec.get("subject_names")
        row["subject_names"] = _joined(names) if isinstance(names, (list, tuple)) else names
        row["evidence"] = to_json(rec.get("evidence") or {})
        row.update(_finding_links(rec, places))
        rows.append(row)
    frame = pd.DataFrame(rows, columns=FINDING_COLUMNS)
    with store.transaction():
        store.query(DROP_FINDINGS)
        store.write_rows(MAKE_FINDING, frame)
        for col, label in _LINKS:
            store.write_edges("ABOUT", "Finding", label, _pairs(frame, col))
        store.write_edges("LOCATED_IN", "Finding", "Area", _pairs(frame, "area_id"))
        if community is not None:
            store.query(CLEAR_COMMUNITY)
            store.write_rows(SET_COMMUNITY, pd.DataFrame({"id": list(community),
                                                          "community": [int(v) for v in community.values()]}))
        _write_stamp(store, stamp)


def _pairs(frame: pd.DataFrame, col: str) -> pd.DataFrame:
    out = frame[["id", col]].dropna()
    out = out.assign(**{col: out[col].str.split(";")}).explode(col)
    return pd.DataFrame({"source": out["id"].values, "target": out[col].values})


def read_findings(store, stamp: Stamp | None = None) -> pd.DataFrame:
    """The stored findings in the shape of :func:`~graphgov.analysis.gaps.find_gaps`, best first."""
    from graphgov.analysis.gaps import COLUMNS

    df = store.query(GET_FINDINGS)
    out = pd.DataFrame({c: df[c] if c in df.columns else None for c in COLUMNS})
    out["score"] = pd.to_numeric(out["score"], errors="coerce")
    out["subject_ids"] = [str(s).split(";") if isinstance(s, str) and s else [] for s in df["subject_id"]]
    out["subject_names"] = [_split(s) for s in df["subject_names"]]
    out["evidence"] = [json.loads(e) if isinstance(e, str) and e else {} for e in df["evidence"]]
    out = out[COLUMNS].reset_index(drop=True)
    if stamp is not None:
        params = json.loads(stamp.params) if stamp.params else {}
        out.attrs["as_of"] = params.get("as_of")
        out.attrs["communities"] = stamp.summary.get("communities")
    return out


# -- match -------------------------------------------------------------------------------------

def write_proposals(store, assignments: pd.DataFrame, stamp: Stamp) -> None:
    """Replace the stored proposals with ``assignments`` (:func:`~graphgov.matching.assign.assign_all`)."""
    a = assignments.reset_index(drop=True)
    frame = pd.DataFrame({
        "id": (a["need_id"].astype(str) + ">" + a["resource_id"].astype(str)).values,
        "rank": np.arange(1, len(a) + 1, dtype=np.int64),
        "need_id": a["need_id"].astype(str).values, "resource_id": a["resource_id"].astype(str).values,
        "provider_id": a["provider_id"].values, "units": a["units"].astype("int64").values,
        "score": a["score"].astype(float).values, "contribution": a["contribution"].astype(float).values,
        **{f"fit_{p}": a[p].astype(float).values for p in PARTS},
        "broker_id": a["broker_id"].values,
        "reasons": [_joined(r) if isinstance(r, (list, tuple)) else r for r in a["reasons"]],
    }, columns=PROPOSAL_COLUMNS)
    with store.transaction():
        store.query(DROP_PROPOSALS)
        store.write_rows(MAKE_PROPOSAL, frame)
        store.write_edges("FOR_NEED", "Proposal", "Need", pd.DataFrame({"source": frame["id"],
                                                                      "target": frame["need_id"]}))
        store.write_edges("USES", "Proposal", "Resource", pd.DataFrame({"source": frame["id"],
                                                                      "target": frame["resource_id"]}))
        _write_stamp(store, stamp)


def read_proposals(store, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The stored proposals in the shape of :func:`~graphgov.matching.assign.assign_all`'s assignments."""
    df = store.query(GET_PROPOSALS)

    def names(table, col="title"):
        t = tables.get(table)
        return dict(zip(t["id"], t[col])) if t is not None and not t.empty else {}

    need, res, unit = names("needs"), names("resources"), names("units", "name")
    out = pd.DataFrame({
        "need_id": df["need_id"], "need_title": df["need_id"].map(need),
        "resource_id": df["resource_id"], "resource_title": df["resource_id"].map(res),
        "provider_id": df["provider_id"], "units": pd.to_numeric(df["units"]).astype("int64"),
        "score": pd.to_numeric(df["score"]), "contribution": pd.to_numeric(df["contribution"]),
        **{p: pd.to_numeric(df[f"fit_{p}"]) for p in PARTS},
        "broker_id": df["broker_id"], "broker_name": df["broker_id"].map(lambda b: unit.get(b) if b else None),
        "reasons": [_split(r) for r in df["reasons"]],
    })
    return out.reset_index(drop=True)
