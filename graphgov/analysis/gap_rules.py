"""Gap rules on activity and supply: inactive members, unmet needs, supply gaps, idle committees, suggested ties.

Each rule reads a :class:`~graphgov.analysis.gap_context.GapContext` and returns its findings
(records made by :func:`~graphgov.analysis.gap_context.finding`); :func:`graphgov.analysis.gaps.find_gaps`
runs them. The rules on the network's structure are in :mod:`graphgov.analysis.gap_structure`.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from graphgov.dataset import vocab
from graphgov.analysis.gap_context import GapContext, as_date, clean_text, counted, finding

__all__ = ["inactive_members", "unmet_needs", "supply_gaps", "idle_committees", "suggested_ties"]

MEETINGS_PER_YEAR = {"weekly": 52, "monthly": 12, "quarterly": 4, "half_yearly": 2, "yearly": 1}
URGENCY_WEIGHT = {"high": 2.0, "medium": 1.0, "low": 0.5}


def inactive_members(cx: GapContext, committees: set[str]) -> list[dict]:
    """Members of committees in scope with no project, agreement, need or resource."""
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
        since = [d for d in (as_date(x) for x in rows.get("since", [])) if d is not None]
        first = min(since) if since else None
        days = (cx.as_of - first).days if first else None
        severity = "low" if days is not None and days < 180 else ("high" if len(comm_ids) > 1 else "medium")
        names = [str(cx.committee_name.get(c, c)) for c in comm_ids]
        evidence = {"committees": [f"{n}（{c}）" for c, n in zip(comm_ids, names)], **facts,
                    "member_since": first.isoformat() if first else None, "days_as_member": days}
        if cx.lang == "zh":
            msg = (f"{cx.uname(uid)}是{'、'.join(names)}的成员单位"
                   + (f"（{days}天）" if days is not None else "")
                   + "，但没有参与任何项目，没有共建协议，也没有提出需求或提供资源。")
            advice = ("请该单位在下次例会上认领一项需求或登记一项可提供的资源；"
                      "长期没有参与的，可由委员会研究是否调整成员名单。")
        else:
            msg = (f"{cx.uname(uid)} is a member of {', '.join(names)}"
                   + (f" ({counted(days, 'day')})" if days is not None else "")
                   + " but takes part in no project, has no co-building agreement, and has raised no need "
                     "and offered no resource.")
            advice = ("Ask the unit to take up a need or register a resource it can offer at the next meeting; "
                      "if it stays inactive, the committee may review its membership.")
        out.append(finding("inactive_member", severity, len(comm_ids) + (days or 0) / 365, "Unit", [uid],
                            [cx.uname(uid)], msg, evidence, advice, lang=cx.lang))
    return out


def _reachable_resources(cx: GapContext) -> pd.DataFrame:
    """Live resources with the component of their unit, for matching needs by category."""
    r = cx.resources[cx.resources["live"]]
    return pd.DataFrame({"rid": r["id"].values, "runit": r["unit_id"].values, "category": r["category"].values,
                         "rcomp": r["unit_id"].map(cx.component).values, "rplace": r["place"].values})


def unmet_needs(cx: GapContext, stale_days: int) -> list[dict]:
    """Open needs no project addresses and no dispatch serves: nothing in reach, or ``stale_days`` old."""
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
        raised = as_date(row.raised)
        age = (cx.as_of - raised).days if raised else None
        k = int(reach_n.get(row.id, 0))
        if k and (age is None or age < stale_days):
            continue  # fresh, and supply is in reach: the normal pipeline, not a gap
        urgency = clean_text(row.urgency) or "medium"
        old = age is not None and age >= 365
        if old or (k == 0 and urgency == "high"):
            severity = "high"
        elif (age is not None and age >= 180) or k == 0:
            severity = "medium"
        else:
            severity = "low"
        cat = clean_text(row.category) or ""
        cat_zh = vocab.zh_label("category", cat)
        evidence = {"need": row.id, "title": row.title, "unit": f"{cx.uname(row.unit_id)}（{row.unit_id}）",
                    "category": cat, "raised": raised.isoformat() if raised else None, "age_days": age,
                    "status": clean_text(row.status) or "open", "urgency": urgency, "projects": 0,
                    "active_dispatches": 0, "resources_in_category": int(by_cat.get(cat, 0)), "reachable_resources": k,
                    "reachable_examples": list(reach.get(row.id, []))}
        examples = evidence["reachable_examples"][:3]
        if cx.lang == "zh":
            age_text = f"已{age}天" if age is not None else "提出日期不详"
            msg = (f"{cx.uname(row.unit_id)}提出的「{row.title}」（{cat_zh}）{age_text}，没有项目对接，也没有派单；"
                   + (f"网络内有{k}项同类资源可以对接。" if k else "网络内没有能够到达的同类资源。"))
            suggestion = (f"尽快派单给同类资源（如{'、'.join(examples)}），或立项对接。" if k
                          else f"在{cat_zh}方面引入新的共建单位或资源；或请上级委员会协调跨区域资源。")
        else:
            age_text = f"{counted(age, 'day')} ago" if age is not None else "on a date not given"
            msg = (f"{cx.uname(row.unit_id)} raised “{row.title}” ({cat}) {age_text}; no project addresses it and "
                   "no dispatch serves it; "
                   + (f"{counted(k, 'resource')} of its category {'is' if k == 1 else 'are'} within reach in the "
                      "network." if k else "no resource of its category is within reach in the network."))
            suggestion = (f"Dispatch it soon to a resource of its category (e.g. {', '.join(examples)}), "
                          "or start a project for it." if k
                          else f"Bring in new co-building units or resources of the category {cat}, or ask the "
                               "committee above to coordinate resources from other areas.")
        score = (age or 0) / 30 + URGENCY_WEIGHT.get(urgency, 1.0) + (3 if k == 0 else 0)
        out.append(finding("unmet_need", severity, score, "Need", [row.id], [row.title], msg, evidence, suggestion,
                           lang=cx.lang))
    return out


def supply_gaps(cx: GapContext, min_needs: int) -> list[dict]:
    """Categories whose open needs outnumber live resources, in the whole scope and in areas."""
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
        related = evidence["related_resources"]
        if cx.lang == "zh":
            msg = (f"{where}的{cat_zh}类：{nn}项未解决的需求，" + (f"只有{rr}项资源（需求/资源={ratio:.1f}）。" if rr
                                                            else "没有任何可用资源。"))
            sugg = (f"招募能提供{cat_zh}的共建单位，或请上级委员会统筹调剂"
                    + (f"；可先看相关类别的{related}项资源能否部分满足。" if related else "。"))
            name = f"{cat_zh}·{where}"
        else:
            where_en = cx.area_name.get(area, area) if area else "the whole scope"
            msg = (f"{cat} in {where_en}: {counted(nn, 'open need')} and "
                   + (f"only {counted(rr, 'resource')} ({ratio:.1f} needs per resource)." if rr
                      else "no resource at all."))
            sugg = (f"Recruit co-building units with resources of the category {cat}, or ask the committee above "
                    "to reallocate"
                    + (f"; first see whether the {counted(related, 'resource')} of related categories can meet part "
                       "of it." if related else "."))
            name = f"{cat} in {where_en}"
        subject_id = f"{cat}@{area}" if area else cat
        out.append(finding("supply_gap", severity, nn / (rr + 1), "category", [subject_id],
                            [name], msg, evidence, sugg, lang=cx.lang))

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


def idle_committees(cx: GapContext, committees: set[str]) -> list[dict]:
    """Committees whose members take part in no project, or that meet less often than their cadence."""
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
        cadence = clean_text(getattr(row, "cadence", None))
        meetings = getattr(row, "meetings", None)
        meetings = None if meetings is None or pd.isna(meetings) else int(meetings)
        expected = MEETINGS_PER_YEAR.get(cadence) if cadence else None
        below = expected is not None and meetings is not None and meetings < expected
        no_project = member_projects_ == 0
        if not (below or no_project):
            continue
        reasons = []
        zh = cx.lang == "zh"
        if no_project:
            reasons.append(f"{len(mem)}个成员单位都没有参与任何项目" if zh
                           else f"none of its {counted(len(mem), 'member unit')} takes part in any project")
        if below:
            reasons.append(f"按{vocab.zh_label('cadence', cadence)}例会一年应开{expected}次，实际只开了{meetings}次" if zh
                           else f"its cadence is {cadence.replace('_', '-')}, so it should meet "
                                f"{counted(expected, 'time')} a year, but it met only {counted(meetings, 'time')}")
        severity = "high" if (no_project and below) or (below and meetings < expected / 2) else "medium"
        evidence = {"members": len(mem), "member_projects": member_projects_, "joint_projects": joint,
                    "cadence": cadence, "expected_meetings": expected, "meetings": meetings}
        score = (1 if no_project else 0) + ((expected - meetings) / expected if below else 0)
        if zh:
            msg = f"{row.name}：" + "；".join(reasons) + "。"
            advice = "按例会制度恢复碰头，并从成员单位的需求和资源清单中选一两个项目先做起来。"
        else:
            msg = f"{row.name}: " + "; ".join(reasons) + "."
            advice = ("Meet again on the cadence, and start one or two projects picked from the members' needs "
                      "and resources lists.")
        out.append(finding("idle_committee", severity, score, "Committee", [row.id], [row.name], msg, evidence, advice,
                           lang=cx.lang))
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
    urg = needs["urgency"].map(lambda u: URGENCY_WEIGHT.get(clean_text(u) or "medium", 1.0)).to_numpy(dtype=float)
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


def suggested_ties(cx: GapContext, top: int) -> list[dict]:
    """The ``top`` pairs of untied units, one's live resources best meeting the other's open needs."""
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
        a, b = cx.uname(need_unit), cx.uname(res_unit)
        if cx.lang == "zh":
            msg = f"{a}的{len(rows)}项需求可由{b}的资源满足（{items[0]}），两家目前没有直接联系，{hole}。"
            advice = f"促成{a}与{b}结对：先就这些需求派单，再视情况签订共建协议。"
        else:
            hole_en = {2.0: "they are in parts of the network not connected to each other",
                       1.5: "they sit in different communities (a structural hole)",
                       1.0: "they sit in the same community"}[float(row["structure"])]
            first = f"{rows['title'].iloc[0]} ({rows['nid'].iloc[0]}) ↔ {rows['rid'].iloc[0]}"
            msg = (f"{counted(len(rows), 'need')} of {a} could be met by resources of {b} ({first}); the two have no "
                   f"direct tie yet, and {hole_en}.")
            advice = f"Pair {a} with {b}: dispatch these needs first, then consider a co-building agreement."
        out.append(finding("suggested_tie", severity, row["score"], "unit_pair", [need_unit, res_unit],
                            [a, b], msg, evidence, advice, lang=cx.lang))
    return out
