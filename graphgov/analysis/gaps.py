"""Coordination gaps: where the network is thin, each finding with its evidence.

:func:`find_gaps` returns one row per finding with ``kind``, ``severity``
(high/medium/low), ``score`` (orders findings of one kind), the ``subject`` (ids and
names), a Chinese ``message`` stating the facts, ``evidence`` (the facts as a dict)
and a ``suggestion``. The kinds and their rules are in :data:`KINDS` and
``docs/analysis.md``. Dates are judged against ``as_of`` (default: today), so a
result is reproducible when ``as_of`` is given.
"""
from __future__ import annotations

import datetime as dt
import random

import numpy as np
import pandas as pd

from graphgov.dataset import vocab
from graphgov.analysis.central import articulation_cuts
from graphgov.errors import OptionError
from graphgov.analysis.network import (DEFAULT_HUB_THRESHOLD, UNKNOWN_GROUP, CoordinationNetwork, area_descendants,
                              build_network)
from graphgov.store.tables import edge_frames

__all__ = ["KINDS", "KIND_ZH", "COLUMNS", "find_gaps", "GapContext"]

KINDS = ("inactive_member", "unmet_need", "supply_gap", "silo", "single_broker", "idle_committee", "suggested_tie")
KIND_ZH = {
    "inactive_member": "挂名成员", "unmet_need": "无人回应的需求", "supply_gap": "供给缺口", "silo": "孤岛",
    "single_broker": "单点依赖", "idle_committee": "空转的委员会", "suggested_tie": "建议结对",
}
SEVERITIES = ("high", "medium", "low")
SEVERITY_ZH = {"high": "高", "medium": "中", "low": "低"}
COLUMNS = ["kind", "kind_zh", "severity", "score", "subject_type", "subject_id", "subject", "subject_ids",
           "subject_names", "message", "evidence", "suggestion"]
RESOLVED = {"fulfilled", "closed"}
ACTIVE_DISPATCH = {"dispatched", "accepted", "partial"}
MEETINGS_PER_YEAR = {"weekly": 52, "monthly": 12, "quarterly": 4, "half_yearly": 2, "yearly": 1}
URGENCY_WEIGHT = {"high": 2.0, "medium": 1.0, "low": 0.5}


def _s(value) -> str | None:
    """A clean text value or None (NaN, None and empty text are None)."""
    if value is None:
        return None
    if isinstance(value, float) and value != value:
        return None
    text = str(value)
    return text if text and text not in ("nan", "NaT", "<NA>") else None


def _date(value) -> dt.date | None:
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

    def __init__(self, net: CoordinationNetwork, as_of: dt.date, seed: int = 0):
        self.net = net
        self.as_of = as_of
        t = net.tables
        self.t = {name: (df if df is not None else pd.DataFrame()) for name, df in t.items()}
        units = self.t.get("units", pd.DataFrame(columns=["id", "name", "area_id"]))
        self.unit_name = dict(zip(units["id"], units["name"]))
        self.unit_area = dict(zip(units["id"], units["area_id"]))
        areas = self.t.get("areas", pd.DataFrame(columns=["id", "name", "parent_id", "level"]))
        self.area_name = dict(zip(areas["id"], areas["name"]))
        self.area_parent = {a: _s(p) for a, p in zip(areas["id"], areas["parent_id"])}
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
        # needs and resources of units in scope, with the area they are about
        needs = needs[needs["unit_id"].isin(self.scope_ids)].copy()
        needs["place"] = [(_s(a) or _s(self.unit_area.get(u))) for a, u in zip(needs["area_id"], needs["unit_id"])]
        needs["open"] = ~needs["status"].isin(RESOLVED)
        self.needs = needs
        res = res[res["unit_id"].isin(self.scope_ids)].copy()
        res["place"] = [(_s(a) or _s(self.unit_area.get(u))) for a, u in zip(res["area_id"], res["unit_id"])]
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
        import igraph as ig

        net = self.net
        n = len(net.units)
        g = net.to_igraph()
        self.graph = g
        comp = np.asarray(g.connected_components().membership) if g.vcount() else np.zeros(0, dtype=int)
        self.component = dict(zip(net.units["id"], comp[:n]))
        rng = random.Random(seed)
        previous = ig.set_random_number_generator(rng)
        try:
            comm = g.community_multilevel(weights="weight").membership if g.ecount() else list(range(g.vcount()))
        finally:
            ig.set_random_number_generator(previous if previous is not None else random)
        self.community = dict(zip(net.units["id"], comm[:n]))
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


def _finding(kind, severity, score, subject_type, ids, names, message, evidence, suggestion) -> dict:
    ids = [str(i) for i in ids]
    names = [str(n) for n in names]
    subject = "；".join(f"{n}（{i}）" if n != i else n for i, n in zip(ids, names))
    return {
        "kind": kind, "kind_zh": KIND_ZH[kind], "severity": severity, "score": float(score),
        "subject_type": subject_type, "subject_id": ";".join(ids), "subject": subject,
        "subject_ids": ids, "subject_names": names, "message": message, "evidence": evidence,
        "suggestion": suggestion,
    }


# -- the rules ---------------------------------------------------------------------------------
def _inactive_members(cx: GapContext, committees: set[str]) -> list[dict]:
    members = cx.t.get("memberships", pd.DataFrame(columns=["unit_id", "committee_id", "since"]))
    members = members[members["unit_id"].isin(cx.scope_ids) & members["committee_id"].isin(committees)]
    active = (set(cx.project_count.index) | set(cx.agreement_count.index) | set(cx.need_count.index)
              | set(cx.resource_count.index))
    members = members[~members["unit_id"].isin(active)]
    out = []
    for uid, rows in members.groupby("unit_id", sort=True):
        facts = {"projects": int(cx.project_count.get(uid, 0)), "agreements": int(cx.agreement_count.get(uid, 0)),
                 "needs": int(cx.need_count.get(uid, 0)), "resources": int(cx.resource_count.get(uid, 0))}
        if any(facts.values()):
            continue
        comm_ids = sorted(rows["committee_id"])
        since = [d for d in (_date(x) for x in rows.get("since", [])) if d is not None]
        first = min(since) if since else None
        days = (cx.as_of - first).days if first else None
        severity = "low" if days is not None and days < 180 else ("high" if len(comm_ids) > 1 else "medium")
        names = [str(cx.committee_name.get(c, c)) for c in comm_ids]
        evidence = {"committees": [f"{n}（{c}）" for c, n in zip(comm_ids, names)], **facts,
                    "member_since": first.isoformat() if first else None, "days_as_member": days}
        msg = (f"{cx.uname(uid)}是{'、'.join(names)}的成员单位"
               + (f"（{days}天）" if days is not None else "")
               + "，但没有参与任何项目，没有共建协议，也没有提出需求或提供资源。")
        out.append(_finding("inactive_member", severity, len(comm_ids) + (days or 0) / 365, "Unit", [uid],
                            [cx.uname(uid)], msg, evidence,
                            "请该单位在下次例会上认领一项需求或登记一项可提供的资源；"
                            "长期没有参与的，可由委员会研究是否调整成员名单。"))
    return out


def _reachable_resources(cx: GapContext) -> pd.DataFrame:
    """Live resources with the component of their unit, for matching needs by category."""
    r = cx.resources[cx.resources["live"]]
    return pd.DataFrame({"rid": r["id"].values, "runit": r["unit_id"].values, "category": r["category"].values,
                         "rcomp": r["unit_id"].map(cx.component).values, "rplace": r["place"].values})


def _unmet_needs(cx: GapContext, stale_days: int) -> list[dict]:
    needs = cx.needs[cx.needs["open"]]
    needs = needs[~needs["id"].isin(cx.addressed) & ~needs["id"].isin(cx.dispatched)]
    if needs.empty:
        return []
    res = _reachable_resources(cx)
    by_cat = res.groupby("category")["rid"].count()
    n = pd.DataFrame({"nid": needs["id"].values, "unit": needs["unit_id"].values, "category": needs["category"].values,
                      "ncomp": needs["unit_id"].map(cx.component).values})
    pairs = n.merge(res, on="category")
    pairs = pairs[(pairs["ncomp"] == pairs["rcomp"]) & (pairs["unit"] != pairs["runit"])]
    reach = pairs.groupby("nid")["rid"].apply(lambda s: sorted(s)[:5])
    reach_n = pairs.groupby("nid")["rid"].count()
    out = []
    for row in needs.itertuples(index=False):
        raised = _date(row.raised)
        age = (cx.as_of - raised).days if raised else None
        k = int(reach_n.get(row.id, 0))
        if k and (age is None or age < stale_days):
            continue  # fresh, and supply is in reach: the normal pipeline, not a gap
        urgency = _s(row.urgency) or "medium"
        old = age is not None and age >= 365
        if old or (k == 0 and urgency == "high"):
            severity = "high"
        elif (age is not None and age >= 180) or k == 0:
            severity = "medium"
        else:
            severity = "low"
        cat = _s(row.category) or ""
        cat_zh = vocab.zh_label("category", cat)
        evidence = {"need": row.id, "title": row.title, "unit": f"{cx.uname(row.unit_id)}（{row.unit_id}）",
                    "category": cat, "raised": raised.isoformat() if raised else None, "age_days": age,
                    "status": _s(row.status) or "open", "urgency": urgency, "projects": 0, "active_dispatches": 0,
                    "resources_in_category": int(by_cat.get(cat, 0)), "reachable_resources": k,
                    "reachable_examples": list(reach.get(row.id, []))}
        age_text = f"已{age}天" if age is not None else "提出日期不详"
        msg = (f"{cx.uname(row.unit_id)}提出的「{row.title}」（{cat_zh}）{age_text}，没有项目对接，也没有派单；"
               + (f"网络内有{k}项同类资源可以对接。" if k else "网络内没有能够到达的同类资源。"))
        suggestion = (f"尽快派单给同类资源（如{'、'.join(evidence['reachable_examples'][:3])}），或立项对接。" if k
                      else f"在{cat_zh}方面引入新的共建单位或资源；或请上级委员会协调跨区域资源。")
        score = (age or 0) / 30 + URGENCY_WEIGHT.get(urgency, 1.0) + (3 if k == 0 else 0)
        out.append(_finding("unmet_need", severity, score, "Need", [row.id], [row.title], msg, evidence, suggestion))
    return out


def _supply_gaps(cx: GapContext, min_needs: int) -> list[dict]:
    needs = cx.needs[cx.needs["open"]]
    res = cx.resources[cx.resources["live"]]
    out = []
    depth = {}

    def anc(place):
        return cx.ancestors(place) if place else []

    rows_n = [(c, a) for c, p in zip(needs["category"], needs["place"]) for a in anc(p)]
    rows_r = [(c, a) for c, p in zip(res["category"], res["place"]) for a in anc(p)]
    n_area = pd.Series(rows_n, dtype=object).value_counts() if rows_n else pd.Series(dtype=int)
    r_area = pd.Series(rows_r, dtype=object).value_counts() if rows_r else pd.Series(dtype=int)
    n_cat = needs["category"].value_counts()
    r_cat = res["category"].value_counts()

    def related_count(cat):
        return int(sum(r_cat.get(o, 0) for o in r_cat.index if o != cat and vocab.category_relatedness(cat, o) >= 0.5))

    def emit(cat, area, nn, rr):
        cat_zh = vocab.zh_label("category", cat)
        ratio = nn / rr if rr else None
        severity = "high" if rr == 0 or (ratio or 0) >= 4 else ("medium" if ratio >= 2 else "low")
        where = cx.area_name.get(area, area) if area else "全部范围"
        cat_needs = needs[needs["category"] == cat]
        if area:
            inside = cat_needs["place"].map(lambda p: area in anc(p))
            cat_needs = cat_needs[inside]
        evidence = {"category": cat, "area": area, "area_name": where, "open_needs": int(nn), "resources": int(rr),
                    "ratio": ratio, "related_resources": related_count(cat),
                    "needs": sorted(cat_needs["id"])[:20]}
        msg = (f"{where}的{cat_zh}类：{nn}项未解决的需求，" + (f"只有{rr}项资源（需求/资源={ratio:.1f}）。" if rr
                                                        else "没有任何可用资源。"))
        sugg = (f"招募能提供{cat_zh}的共建单位，或请上级委员会统筹调剂"
                + (f"；可先看相关类别的{evidence['related_resources']}项资源能否部分满足。" if evidence["related_resources"] else "。"))
        subject_id = f"{cat}@{area}" if area else cat
        out.append(_finding("supply_gap", severity, nn / (rr + 1), "category", [subject_id],
                            [f"{cat_zh}·{where}"], msg, evidence, sugg))

    for cat in sorted(n_cat.index):
        nn, rr = int(n_cat[cat]), int(r_cat.get(cat, 0))
        if rr == 0:
            emit(cat, None, nn, rr)  # nothing anywhere in scope: one finding says it all
            continue
        if nn > rr and nn >= min_needs:
            emit(cat, None, nn, rr)
        cands = []
        for (c, area), k in n_area.items():
            if c != cat or k < min_needs:
                continue
            r = int(r_area.get((c, area), 0))
            if k > r:
                if area not in depth:
                    depth[area] = len(anc(area))
                cands.append((area, int(k), r))
        # largest areas first; an area inside a reported one is reported only when its
        # excess of needs over resources is larger (the gap is concentrated there)
        # an area whose counts all come from one smaller area is named by the smaller one
        same = {(area, k, r) for area, k, r in cands}
        covered = {a for area, k, r in cands for a in anc(area)[1:] if (a, k, r) in same}
        cands = [c for c in cands if c[0] not in covered]
        cands.sort(key=lambda x: (depth[x[0]], x[0]))
        reported: dict[str, int] = {}
        for area, k, r in cands:
            above = max((reported[a] for a in anc(area)[1:] if a in reported), default=0)
            if k - r <= above:
                continue
            emit(cat, area, k, r)
            reported[area] = k - r
    return out


def _groups(cx: GapContext) -> dict[str, dict[str, str]]:
    u = cx.net.units
    return {
        "sector": dict(zip(u["id"], u["sector_group"].astype(object))),
        "area": dict(zip(u["id"], u["block_name"].astype(object))),
        "community": {k: f"社群{v + 1}" for k, v in cx.community.items()},
    }


def _silos(cx: GapContext, threshold: float, community_threshold: float, min_ties: int = 2) -> list[dict]:
    """Groups with few ties outside (E-I index), and pairs of groups (of 3+ units) whose
    ties (at least ``min_ties``) all run through one unit."""
    e = cx.unit_edges
    out = []
    by_label = {"sector": "条（行业）", "area": "块（区域）", "community": "联系紧密的社群"}
    for by, groups in _groups(cx).items():
        if e.empty:
            break
        ga, gb = e["a"].map(groups), e["b"].map(groups)
        internal = pd.concat([ga[ga == gb]]).value_counts()
        external = pd.concat([ga[ga != gb], gb[ga != gb]]).value_counts()
        sizes = pd.Series(groups).value_counts()
        limit = community_threshold if by == "community" else threshold
        for grp, size in sizes.items():
            if size < 2 or grp == UNKNOWN_GROUP:
                continue
            i, x = int(internal.get(grp, 0)), int(external.get(grp, 0))
            if i + x == 0:
                continue
            ei = (x - i) / (x + i)
            if ei > limit:
                continue
            members = sorted(k for k, v in groups.items() if v == grp)
            severity = "high" if x == 0 else ("medium" if ei <= -0.75 else "low")
            evidence = {"grouping": by, "group": grp, "units": int(size), "internal_ties": i, "external_ties": x,
                        "ei_index": round(ei, 4), "members": members[:20]}
            msg = (f"{by_label[by]}「{grp}」{size}个单位之间有{i}条联系，与外部只有{x}条（E-I指数 {ei:.2f}）。")
            out.append(_finding("silo", severity, -ei * size ** 0.5, f"group:{by}", [grp], [grp], msg, evidence,
                                "安排该群体与其他条块单位共同参与项目或签订共建协议，打通对外联系。"))
        if by == "community":
            continue
        out += _group_pairs(cx, by, groups, sizes, min_ties, by_label[by])
    return out


def _group_pairs(cx: GapContext, by: str, groups: dict, sizes: pd.Series, min_ties: int, label: str,
                 max_groups: int = 60) -> list[dict]:
    """Pairs of groups (3+ units each) all of whose links run through one unit.

    A link is a direct tie between the two groups, or a unit outside both with ties into
    each. The pair is joined only through ``u`` when either no direct tie exists and
    ``u`` is the only outside unit with ties into both, or no outside unit links them and
    ``u`` is the only unit of one group with ties into the other; at least ``min_ties``
    ties must run through ``u``. Units with ties into more than ``max_groups`` groups are
    not enumerated as outside links; a pair they link is left out rather than misreported.
    """
    e = cx.unit_edges
    both = pd.DataFrame({"u": np.r_[e["a"].to_numpy(dtype=object), e["b"].to_numpy(dtype=object)],
                         "v": np.r_[e["b"].to_numpy(dtype=object), e["a"].to_numpy(dtype=object)]})
    both["gu"], both["gv"] = both["u"].map(groups), both["v"].map(groups)
    big = {g for g, k in sizes.items() if k >= 3 and g != UNKNOWN_GROUP}
    both = both[both["gv"].isin(big) & (both["gu"] != both["gv"])]
    if both.empty:
        return []
    into = both.groupby(["u", "gu", "gv"]).size().rename("ties").reset_index()
    # inside links: u in g1 with ties into g2
    inside = into[into["gu"].isin(big)]
    ins = pd.DataFrame({"g1": np.minimum(inside["gu"], inside["gv"]), "g2": np.maximum(inside["gu"], inside["gv"]),
                        "u": inside["u"], "side": np.where(inside["gu"] < inside["gv"], 1, 2), "ties": inside["ties"]})
    # outside links: u with ties into both groups
    fan = into.groupby("u")["gv"].transform("size")
    wide = set(into.loc[fan > max_groups, "u"])
    small = into[fan <= max_groups]
    pair = small.merge(small, on="u", suffixes=("1", "2"))
    pair = pair[(pair["gv1"] < pair["gv2"]) & (pair["gu1"] != pair["gv1"]) & (pair["gu1"] != pair["gv2"])]
    outs = pd.DataFrame({"g1": pair["gv1"], "g2": pair["gv2"], "u": pair["u"], "ties": pair["ties1"] + pair["ties2"]})
    side1 = ins[ins["side"] == 1].groupby(["g1", "g2"]).agg(n1=("u", "nunique"), u1=("u", "first"),
                                                             direct=("ties", "sum"))
    side2 = ins[ins["side"] == 2].groupby(["g1", "g2"]).agg(n2=("u", "nunique"), u2=("u", "first"))
    outside = outs.groupby(["g1", "g2"]).agg(n_out=("u", "nunique"), u_out=("u", "first"), out_ties=("ties", "sum"))
    t = side1.join(side2, how="outer").join(outside, how="outer")
    for col in ("n1", "n2", "n_out", "direct", "out_ties"):
        t[col] = t[col].fillna(0).astype(int)
    only_outside = (t["n1"] + t["n2"] == 0) & (t["n_out"] == 1)
    one_inside = (t["n_out"] == 0) & ((t["n1"] == 1) | (t["n2"] == 1))
    t["unit"] = np.where(only_outside, t["u_out"], np.where(t["n1"] == 1, t["u1"], t["u2"]))
    t["ties"] = np.where(only_outside, t["out_ties"], t["direct"])
    t = t[(only_outside | one_inside) & (t["ties"] >= min_ties)]
    touch = {u: set(into.loc[into["u"] == u, "gv"]) for u in wide}
    found = []
    for (g1, g2), row in t.sort_index().iterrows():
        if any(u != row["unit"] and {g1, g2} <= gs for u, gs in touch.items()):
            continue
        found.append((g1, g2, row["unit"], int(row["ties"]), bool(row["n1"] + row["n2"] > 0)))
    # one finding per unit and group it alone links to several others
    out = []
    left = list(found)
    while left:
        count: dict = {}
        for g1, g2, unit, ties, _ in left:
            for g in (g1, g2):
                count[(unit, g)] = count.get((unit, g), 0) + 1
        (unit, hub), k = max(count.items(), key=lambda kv: (kv[1], str(kv[0])))
        if k < 2:
            break
        mine = [f for f in left if f[2] == unit and hub in (f[0], f[1])]
        left = [f for f in left if f not in mine]
        others = sorted(f[1] if f[0] == hub else f[0] for f in mine)
        ties = sum(f[3] for f in mine)
        evidence = {"grouping": by, "group": hub, "other_groups": others, "through": unit,
                    "ties_through_unit": ties, "unit_group": groups.get(unit)}
        shown = "、".join(f"「{g}」" for g in others[:6]) + ("等" if len(others) > 6 else "")
        msg = f"{label}「{hub}」与{shown}{len(others)}个群体之间的联系全部经过{cx.uname(unit)}（{unit}），共{ties}条。"
        out.append(_finding("silo", "medium", ties, f"group_pair:{by}", [hub, *others, unit],
                            [hub, *others, cx.uname(unit)], msg, evidence,
                            f"为「{hub}」与其他{label}建立不经过{cx.uname(unit)}的联系（共建协议或联合项目）。"))
    for g1, g2, unit, ties, has_direct in left:
        evidence = {"grouping": by, "groups": [g1, g2], "through": unit, "ties_through_unit": ties,
                    "direct_ties": has_direct, "unit_group": groups.get(unit)}
        msg = f"{label}「{g1}」与「{g2}」之间的联系全部经过{cx.uname(unit)}（{unit}），共{ties}条。"
        out.append(_finding("silo", "medium" if ties > 3 else "low", ties, f"group_pair:{by}",
                            [g1, g2, unit], [g1, g2, cx.uname(unit)], msg, evidence,
                            f"在「{g1}」与「{g2}」之间再建立一条不经过{cx.uname(unit)}的联系（共建协议或联合项目）。"))
    return out


def _single_brokers(cx: GapContext, limit_detail: int = 20) -> list[dict]:
    net = cx.net
    n = len(net.units)
    if n < 3:
        return []
    adj = net.adjacency()
    open_needs = cx.needs[cx.needs["open"]]["unit_id"].value_counts()
    weights = np.zeros((adj.shape[0], 2))
    weights[:n, 0] = 1
    weights[:n, 1] = net.units["id"].map(open_needs).fillna(0).to_numpy()
    cuts = articulation_cuts(adj, weights)
    cuts = cuts[cuts.index < n]
    cuts = cuts[cuts["cut_0"] >= 1]
    if cuts.empty:
        return []
    ids = net.units["id"].to_numpy()
    sectors = net.units["sector_group"].to_numpy()
    cuts = cuts.assign(score=cuts["cut_0"] + 2 * cuts["cut_1"]).sort_values("score", ascending=False)
    out = []
    g = cx.graph
    for rank, (v, row) in enumerate(cuts.iterrows()):
        uid = ids[v]
        stranded_units, stranded_needs = int(row["cut_0"]), int(row["cut_1"])
        cut_off: list[str] = []
        if rank < limit_detail:
            h = g.copy()
            h.delete_vertices([v])
            memb = np.asarray(h.connected_components().membership)
            idx = np.delete(np.arange(g.vcount()), v)
            own = memb[[i for i, old in enumerate(idx) if old in set(g.neighbors(v))]]
            sizes = pd.Series(memb[idx < n]).value_counts()
            keep = sizes[sizes.index.isin(own)].idxmax() if len(own) else None
            cut_off = sorted(ids[old] for i, old in enumerate(idx) if old < n and memb[i] in set(own) and memb[i] != keep)
        nbr_sectors = sorted({str(sectors[w]) for w in g.neighbors(v) if w < n})
        if stranded_units >= 3 or stranded_needs >= 1:
            severity = "high"
        elif stranded_units == 2:
            severity = "medium"
        else:
            severity = "low"
        evidence = {"stranded_units": stranded_units, "stranded_open_needs": stranded_needs,
                    "pieces": int(row["pieces"]), "cut_off": cut_off[:20], "neighbour_sectors": nbr_sectors}
        names = "、".join(cx.uname(u) for u in cut_off[:5]) + ("等" if len(cut_off) > 5 else "")
        msg = (f"去掉{cx.uname(uid)}，网络分成{int(row['pieces'])}块，{stranded_units}个单位"
               + (f"（{names}）" if names else "") + "与主体失去联系"
               + (f"，其中有{stranded_needs}项未解决的需求。" if stranded_needs else "。"))
        out.append(_finding("single_broker", severity, row["score"], "Unit", [uid], [cx.uname(uid)], msg, evidence,
                            f"为被隔开的单位与主体之间建立第二条联系（共建协议、联合项目或同一委员会），"
                            f"不再只依赖{cx.uname(uid)}。"))
    return out


def _idle_committees(cx: GapContext, committees: set[str]) -> list[dict]:
    comms = cx.t.get("committees")
    if comms is None or comms.empty:
        return []
    members = cx.t.get("memberships", pd.DataFrame(columns=["unit_id", "committee_id"]))
    members = members[members["committee_id"].isin(committees)][["unit_id", "committee_id"]].drop_duplicates()
    size = members.groupby("committee_id")["unit_id"].count()
    involved = members.merge(cx.unit_projects, on="unit_id")
    per_project = involved.groupby(["committee_id", "project_id"])["unit_id"].nunique()
    member_projects = per_project.groupby(level=0).size()
    joint_projects = (per_project >= 2).groupby(level=0).sum()
    out = []
    for row in comms[comms["id"].isin(committees)].sort_values("id").itertuples(index=False):
        mem = range(int(size.get(row.id, 0)))
        member_projects_ = int(member_projects.get(row.id, 0))
        joint = int(joint_projects.get(row.id, 0))
        cadence = _s(getattr(row, "cadence", None))
        meetings = getattr(row, "meetings", None)
        meetings = None if meetings is None or pd.isna(meetings) else int(meetings)
        expected = MEETINGS_PER_YEAR.get(cadence) if cadence else None
        below = expected is not None and meetings is not None and meetings < expected
        no_project = member_projects_ == 0
        if not (below or no_project):
            continue
        reasons = []
        if no_project:
            reasons.append(f"{len(mem)}个成员单位都没有参与任何项目")
        if below:
            reasons.append(f"按{vocab.zh_label('cadence', cadence)}例会一年应开{expected}次，实际只开了{meetings}次")
        severity = "high" if (no_project and below) or (below and meetings < expected / 2) else "medium"
        evidence = {"members": len(mem), "member_projects": member_projects_, "joint_projects": joint,
                    "cadence": cadence, "expected_meetings": expected, "meetings": meetings}
        score = (1 if no_project else 0) + ((expected - meetings) / expected if below else 0)
        out.append(_finding("idle_committee", severity, score, "Committee", [row.id], [row.name],
                            f"{row.name}：" + "；".join(reasons) + "。", evidence,
                            "按例会制度恢复碰头，并从成员单位的需求和资源清单中选一两个项目先做起来。"))
    return out


def _best_resource_per_need(cx: GapContext, needs: pd.DataFrame, res: pd.DataFrame, chunk: int = 2_000_000):
    """For each need, the resource (of another unit not tied to it, in the same city) with
    the best score: category fit × structure × proximity × urgency. Works on arrays,
    one need category at a time, in blocks of at most ``chunk`` need–resource pairs."""
    units = list(cx.net.units["id"])
    code = {u: i for i, u in enumerate(units)}
    comp = np.array([cx.component[u] for u in units])
    comm = np.array([cx.community[u] for u in units])
    block = pd.factorize(cx.net.units["block"].astype(object).fillna("\0"))[0]
    roots: dict = {}

    def city(place):
        if place not in roots:
            chain = cx.ancestors(place) if place else []
            roots[place] = chain[-1] if chain else None
        return roots[place]

    cities = pd.Series([city(p) for p in needs["place"]] + [city(p) for p in res["rplace"]], dtype=object)
    city_code = pd.factorize(cities.fillna("\0"))[0]
    city_code[cities.isna().to_numpy()] = -1
    ncity, rcity = city_code[: len(needs)], city_code[len(needs):]
    res = res.reset_index(drop=True)
    order = np.argsort(res["rid"].to_numpy(dtype=str), kind="stable")
    res, rcity = res.iloc[order].reset_index(drop=True), rcity[order]
    nu = needs["unit_id"].map(code).to_numpy()
    ru = res["runit"].map(code).to_numpy()
    urg = needs["urgency"].map(lambda u: URGENCY_WEIGHT.get(_s(u) or "medium", 1.0)).to_numpy(dtype=float)
    tied = cx.net.adjacency(units_only=True).tocsr()
    rows = []
    ncat = needs["category"].to_numpy(dtype=object)
    rcat = res["category"].to_numpy(dtype=object)
    for cat in sorted(set(ncat)):
        fit_of = {c: vocab.category_relatedness(cat, c) for c in set(rcat)}
        fit = np.array([fit_of[c] for c in rcat])
        r_idx = np.flatnonzero(fit >= 0.5)
        n_idx = np.flatnonzero(ncat == cat)
        if not len(r_idx) or not len(n_idx):
            continue
        step = max(1, chunk // len(r_idx))
        for start in range(0, len(n_idx), step):
            ni = n_idx[start:start + step]
            a, b = nu[ni][:, None], ru[r_idx][None, :]
            structure = np.where(comp[a] != comp[b], 2.0, np.where(comm[a] != comm[b], 1.5, 1.0))
            near = np.where(block[a] == block[b], 1.2, 1.0)
            score = fit[r_idx][None, :] * structure * near * urg[ni][:, None]
            same_city = (ncity[ni][:, None] == rcity[r_idx][None, :]) | (ncity[ni][:, None] < 0) | (rcity[r_idx][None, :] < 0)
            ok = same_city & (a != b) & ~(tied[nu[ni]][:, ru[r_idx]].toarray() > 0)
            score = np.where(ok, score, -1.0)
            pick = score.argmax(axis=1)
            got = score[np.arange(len(ni)), pick]
            for k, (i, j) in enumerate(zip(ni, r_idx[pick])):
                if got[k] > 0:
                    rows.append((i, j, got[k], structure[k, pick[k]], fit[j]))
    if not rows:
        return pd.DataFrame()
    i, j, score, structure, fit = (np.array(c) for c in zip(*rows))
    unit, runit = needs["unit_id"].to_numpy(dtype=object)[i], res["runit"].to_numpy(dtype=object)[j]
    return pd.DataFrame({
        "nid": needs["id"].to_numpy(dtype=object)[i], "title": needs["title"].to_numpy(dtype=object)[i],
        "unit": unit, "runit": runit, "rid": res["rid"].to_numpy(dtype=object)[j], "fit": fit,
        "score": score, "structure": structure,
        "ua": np.where(unit < runit, unit, runit), "ub": np.where(unit < runit, runit, unit),
    })


def _suggested_ties(cx: GapContext, top: int) -> list[dict]:
    needs = cx.needs[cx.needs["open"]]
    needs = needs[~needs["id"].isin(cx.addressed) & ~needs["id"].isin(cx.dispatched)]
    res = _reachable_resources(cx)
    if needs.empty or res.empty:
        return []
    best = _best_resource_per_need(cx, needs, res)
    if best.empty:
        return []
    out = []
    grouped = best.groupby(["ua", "ub"], sort=False)
    agg = grouped.agg(score=("score", "sum"), structure=("structure", "max")).sort_values("score", ascending=False)
    for (ua, ub), row in agg.head(top).iterrows():
        rows = grouped.get_group((ua, ub))
        need_unit, res_unit = rows["unit"].iloc[0], rows["runit"].iloc[0]
        hole = {2.0: "不在同一个连通网络中", 1.5: "分属不同的社群（结构洞）", 1.0: "同属一个社群"}[float(row["structure"])]
        severity = "high" if row["structure"] == 2.0 else ("medium" if row["structure"] == 1.5 else "low")
        items = [f"{t}（{nid}）↔ {rid}" for t, nid, rid in zip(rows["title"], rows["nid"], rows["rid"])]
        evidence = {"need_unit": need_unit, "resource_unit": res_unit, "needs": list(rows["nid"]),
                    "resources": list(rows["rid"]), "category_fit": [float(x) for x in rows["fit"]],
                    "structure": hole, "matches": items[:10]}
        msg = (f"{cx.uname(need_unit)}的{len(rows)}项需求可由{cx.uname(res_unit)}的资源满足（{items[0]}），"
               f"两家目前没有直接联系，{hole}。")
        out.append(_finding("suggested_tie", severity, row["score"], "unit_pair", [need_unit, res_unit],
                            [cx.uname(need_unit), cx.uname(res_unit)], msg, evidence,
                            f"促成{cx.uname(need_unit)}与{cx.uname(res_unit)}结对：先就这些需求派单，再视情况签订共建协议。"))
    return out


def _committees_in_scope(net: CoordinationNetwork) -> set[str]:
    t = net.tables
    comms = t.get("committees")
    if comms is None or comms.empty:
        return set()
    ids = set(comms["id"])
    if net.scope.get("committee"):
        ids &= area_descendants(comms, net.scope["committee"])
    if net.scope.get("area"):
        places = area_descendants(t["areas"], net.scope["area"])
        ids &= set(comms.loc[comms["area_id"].isin(places), "id"])
    return ids


def find_gaps(
    source,
    as_of: dt.date | str | None = None,
    kinds=None,
    layers=None,
    committee: str | None = None,
    area: str | None = None,
    hub_threshold: int | None = DEFAULT_HUB_THRESHOLD,
    block_level: str = "street",
    stale_days: int = 90,
    min_needs: int = 2,
    silo_threshold: float = -0.5,
    community_threshold: float = -0.8,
    suggestions: int = 30,
    seed: int = 0,
) -> pd.DataFrame:
    """Find coordination gaps, each with its evidence.

    Parameters
    ----------
    source : a store, Dataset, dict of tables or :class:`CoordinationNetwork`.
    as_of : the reference date for ages and expiry (date or ``"YYYY-MM-DD"``; default today).
    kinds : the kinds to look for (names from :data:`KINDS`, list or comma text); default all.
    layers, committee, area, hub_threshold, block_level : the network (see :func:`build_network`).
    stale_days : an open need with supply in reach is reported only once this old.
    min_needs : a supply gap in an area needs at least this many open needs.
    silo_threshold, community_threshold : the E-I index at or below which a sector/area
        group, or a detected community, is a silo.
    suggestions : how many suggested ties to keep.
    seed : seed of community detection.

    Returns
    -------
    DataFrame with :data:`COLUMNS`, ordered by severity, kind and score.

    Raises
    ------
    OptionError for an unknown kind, layer or a bad date; NotFoundError for an unknown
    committee or area.
    """
    if kinds is None:
        kinds = KINDS
    elif isinstance(kinds, str):
        kinds = tuple(k.strip() for k in kinds.split(",") if k.strip())
    for k in kinds:
        if k not in KINDS:
            raise OptionError(f"unknown gap kind {k!r}; choose from {', '.join(KINDS)}")
    if as_of is None:
        as_of = dt.date.today()
    elif isinstance(as_of, str):
        try:
            as_of = dt.date.fromisoformat(as_of)
        except ValueError as err:
            raise OptionError(f"bad date {as_of!r}; write it as YYYY-MM-DD") from err
    elif isinstance(as_of, dt.datetime):
        as_of = as_of.date()
    net = source if isinstance(source, CoordinationNetwork) else build_network(
        source, layers, committee, area, hub_threshold, block_level)
    cx = GapContext(net, as_of, seed)
    committees = _committees_in_scope(net)
    found: list[dict] = []
    if "inactive_member" in kinds:
        found += _inactive_members(cx, committees)
    if "unmet_need" in kinds:
        found += _unmet_needs(cx, stale_days)
    if "supply_gap" in kinds:
        found += _supply_gaps(cx, min_needs)
    if "silo" in kinds:
        found += _silos(cx, silo_threshold, community_threshold)
    if "single_broker" in kinds:
        found += _single_brokers(cx)
    if "idle_committee" in kinds:
        found += _idle_committees(cx, committees)
    if "suggested_tie" in kinds:
        found += _suggested_ties(cx, suggestions)
    df = pd.DataFrame(found, columns=COLUMNS)
    if df.empty:
        return df
    df["_s"] = df["severity"].map({s: i for i, s in enumerate(SEVERITIES)})
    df["_k"] = df["kind"].map({k: i for i, k in enumerate(KINDS)})
    df = df.sort_values(["_s", "_k", "score", "subject_id"], ascending=[True, True, False, True], kind="stable")
    df = df.drop(columns=["_s", "_k"]).reset_index(drop=True)
    df.attrs["as_of"] = as_of.isoformat()
    return df
