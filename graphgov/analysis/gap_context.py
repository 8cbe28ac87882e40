"""Gap context: the kinds, severities and columns of findings, the facts the gap rules share, and the finding record.

:class:`GapContext` gathers what every rule reads (the network, its scope, who did what,
components and communities); :func:`finding` makes one row of :func:`graphgov.analysis.gaps.find_gaps`.
The rules are in :mod:`graphgov.analysis.gap_rules` and :mod:`graphgov.analysis.gap_structure`.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from graphgov.analysis.communities import stable_communities
from graphgov.analysis.network import CoordinationNetwork
from graphgov.store.tables import edge_frames

__all__ = ["KINDS", "KIND_ZH", "SEVERITIES", "SEVERITY_ZH", "COLUMNS", "LANGS", "GapContext", "finding", "clean_text",
           "as_date", "counted"]

KINDS = ("inactive_member", "unmet_need", "supply_gap", "silo", "single_broker", "bridge", "idle_committee",
         "suggested_tie")
KIND_ZH = {
    "inactive_member": "挂名成员", "unmet_need": "无人回应的需求", "supply_gap": "供给缺口", "silo": "孤岛",
    "single_broker": "单点依赖", "bridge": "单线联系", "idle_committee": "空转的委员会", "suggested_tie": "建议结对",
}
SEVERITIES = ("high", "medium", "low")
SEVERITY_ZH = {"high": "高", "medium": "中", "low": "低"}
COLUMNS = ["kind", "kind_zh", "severity", "score", "subject_type", "subject_id", "subject", "subject_ids",
           "subject_names", "message", "evidence", "suggestion"]
# the languages findings are written in: messages and suggestions for people (names stay as the data has them)
LANGS = ("zh", "en")
RESOLVED = {"fulfilled", "closed"}
ACTIVE_DISPATCH = {"dispatched", "accepted", "partial"}


def clean_text(value) -> str | None:
    """A clean text value or None (NaN, None and empty text are None)."""
    if value is None:
        return None
    if isinstance(value, float) and value != value:
        return None
    text = str(value)
    return text if text and text not in ("nan", "NaT", "<NA>") else None


def as_date(value) -> dt.date | None:
    """A date from a date, timestamp or ISO text, or None (NaN, NaT and None are None)."""
    if value is None or value is pd.NaT:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return pd.Timestamp(value).date()


class GapContext:
    """Facts the gap rules share: the network, its scope, who did what, components and communities."""

    def __init__(self, net: CoordinationNetwork, as_of: dt.date, seed: int = 0, lang: str = "zh"):
        self.net = net
        self.as_of = as_of
        self.lang = lang  # of the messages and suggestions the rules write
        t = net.tables
        self.t = {name: (df if df is not None else pd.DataFrame()) for name, df in t.items()}
        units = self.t.get("units", pd.DataFrame(columns=["id", "name", "area_id"]))
        self.unit_name = dict(zip(units["id"], units["name"]))
        self.unit_area = dict(zip(units["id"], units["area_id"]))
        areas = self.t.get("areas", pd.DataFrame(columns=["id", "name", "parent_id", "level"]))
        self.area_name = dict(zip(areas["id"], areas["name"]))
        self.area_parent = {a: clean_text(p) for a, p in zip(areas["id"], areas["parent_id"])}
        comms = self.t.get("committees", pd.DataFrame(columns=["id", "name"]))
        self.committee_name = dict(zip(comms["id"], comms["name"]))
        self.scope_ids = set(net.units["id"])
        self._activity()
        self._structure(seed)

    # -- who did what ---------------------------------------------------------------------
    def _activity(self):
        t = self.t
        projects = t.get("projects", pd.DataFrame(columns=["id", "lead_unit_id", "status", "need_ids"]))
        parts = t.get("participations", pd.DataFrame(columns=["project_id", "unit_id"]))
        lead = pd.DataFrame({"project_id": projects["id"], "unit_id": projects["lead_unit_id"]}).dropna()
        self.unit_projects = pd.concat([parts[["project_id", "unit_id"]], lead]).drop_duplicates()
        ag = t.get("agreements", pd.DataFrame(columns=["unit_a", "unit_b"]))
        self.agreement_count = pd.concat([ag["unit_a"], ag["unit_b"]]).value_counts()
        needs = t.get("needs", pd.DataFrame(columns=["id", "unit_id", "category", "status", "area_id"]))
        res = t.get("resources", pd.DataFrame(columns=["id", "unit_id", "category", "area_id"]))
        self.need_count = needs["unit_id"].value_counts()
        self.resource_count = res["unit_id"].value_counts()
        self.project_count = self.unit_projects["unit_id"].value_counts()
        addressed = set()
        for rel, frame in edge_frames({"projects": projects} if not projects.empty else {}):
            if rel.type == "ADDRESSES":
                ok = frame["from"].map(dict(zip(projects["id"], projects["status"]))) != "suspended"
                addressed |= set(frame.loc[ok, "to"].astype(str).str.strip())
        self.addressed = addressed
        disp = t.get("dispatches", pd.DataFrame(columns=["need_id", "status"]))
        self.dispatched = set(disp.loc[disp["status"].isin(ACTIVE_DISPATCH), "need_id"]) if not disp.empty else set()
        # a status imported with the needs list counts as what it says, even when the dispatch was
        # made before graphgov kept the loop (no Dispatch node behind it)
        if "status" in needs:
            self.dispatched |= set(needs.loc[needs["status"].isin(ACTIVE_DISPATCH), "id"])
        # needs and resources of units in scope, with the area they are about
        needs = needs[needs["unit_id"].isin(self.scope_ids)].copy()
        needs["place"] = [(clean_text(a) or clean_text(self.unit_area.get(u)))
                          for a, u in zip(needs["area_id"], needs["unit_id"])]
        needs["open"] = ~needs["status"].isin(RESOLVED)
        self.needs = needs
        res = res[res["unit_id"].isin(self.scope_ids)].copy()
        res["place"] = [(clean_text(a) or clean_text(self.unit_area.get(u)))
                        for a, u in zip(res["area_id"], res["unit_id"])]
        until = pd.to_datetime(res["available_until"], errors="coerce") if "available_until" in res else None
        live = pd.Series(True, index=res.index)
        if until is not None:
            live &= until.isna() | (until >= pd.Timestamp(self.as_of))
        if "capacity" in res:
            cap = pd.to_numeric(res["capacity"], errors="coerce")
            live &= cap.isna() | (cap > 0)
        res["live"] = live
        self.resources = res

    # -- components and communities ---------------------------------------------------------
    def _structure(self, seed: int):
        net = self.net
        n = len(net.units)
        g = net.to_igraph()
        self.graph = g
        comp = np.asarray(g.connected_components().membership) if g.vcount() else np.zeros(0, dtype=int)
        self.component = dict(zip(net.units["id"], comp[:n]))
        found = stable_communities(g, seed=seed)
        self.communities = found
        self.community = dict(zip(net.units["id"], found.membership[:n].tolist()))
        e = net.edges[~net.edges["hub"]]
        self.unit_edges = pd.DataFrame({"a": e["source"].str.slice(5).values, "b": e["target"].str.slice(5).values})

    # -- helpers -----------------------------------------------------------------------------
    def uname(self, uid) -> str:
        return str(self.unit_name.get(uid, uid))

    def ancestors(self, area) -> list[str]:
        out, seen = [], set()
        while area is not None and area not in seen:
            seen.add(area)
            out.append(area)
            area = self.area_parent.get(area)
        return out


def counted(n: int, word: str, words: str | None = None) -> str:
    """``1 need``, ``3 needs``: English counts for the messages in English."""
    return f"{n} {word}" if n == 1 else f"{n} {words or word + 's'}"


def finding(kind, severity, score, subject_type, ids, names, message, evidence, suggestion, lang: str = "zh") -> dict:
    """One finding as a row of :func:`~graphgov.analysis.gaps.find_gaps` (the keys of :data:`COLUMNS`)."""
    ids = [str(i) for i in ids]
    names = [str(n) for n in names]
    if lang == "zh":
        subject = "；".join(f"{n}（{i}）" if n != i else n for i, n in zip(ids, names))
    else:
        subject = "; ".join(f"{n} ({i})" if n != i else n for i, n in zip(ids, names))
    return {
        "kind": kind, "kind_zh": KIND_ZH[kind], "severity": severity, "score": float(score),
        "subject_type": subject_type, "subject_id": ";".join(ids), "subject": subject,
        "subject_ids": ids, "subject_names": names, "message": message, "evidence": evidence,
        "suggestion": suggestion,
    }
