"""Gap rules on the network's structure: silos (closed groups, groups joined through one unit), single
brokers (a unit whose loss cuts others off) and bridges (a single tie whose loss splits the network).

Each rule reads a :class:`~graphgov.analysis.gap_context.GapContext` and returns its findings
(records made by :func:`~graphgov.analysis.gap_context.finding`); :func:`graphgov.analysis.gaps.find_gaps`
runs them. The rules on activity and supply are in :mod:`graphgov.analysis.gap_rules`.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from graphgov.analysis.central import articulation_cuts
from graphgov.analysis.gap_context import GapContext, counted, finding
from graphgov.analysis.network import UNKNOWN_GROUP

__all__ = ["silos", "single_brokers", "bridges", "bridge_ties"]


def _groups(cx: GapContext) -> dict[str, dict[str, str]]:
    u = cx.net.units
    return {
        "sector": dict(zip(u["id"], u["sector_group"].astype(object))),
        "area": dict(zip(u["id"], u["block_name"].astype(object))),
        # detected communities have no name in the data: numbered, in the findings' language
        "community": {k: (f"社群{v + 1}" if cx.lang == "zh" else f"community {v + 1}") for k, v in cx.community.items()},
    }


def silos(cx: GapContext, threshold: float, community_threshold: float, min_ties: int = 2) -> list[dict]:
    """Groups with few ties outside (E-I index), and pairs of groups (of 3+ units) whose
    ties (at least ``min_ties``) all run through one unit."""
    e = cx.unit_edges
    out = []
    zh = cx.lang == "zh"
    by_label = ({"sector": "条（行业）", "area": "块（区域）", "community": "联系紧密的社群"} if zh
                else {"sector": "sector group", "area": "area group", "community": "close-knit community"})
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
            if by == "community":
                evidence["community_stability"] = round(cx.communities.stability, 3)
            if zh:
                msg = f"{by_label[by]}「{grp}」{size}个单位之间有{i}条联系，与外部只有{x}条（E-I指数 {ei:.2f}）。"
                advice = "安排该群体与其他条块单位共同参与项目或签订共建协议，打通对外联系。"
            else:
                msg = (f"The {by_label[by]} “{grp}”: {counted(int(size), 'unit')} with {counted(i, 'tie')} among them "
                       f"and only {x} outside (E-I index {ei:.2f}).")
                advice = ("Have the group take part in projects or sign co-building agreements with units of other "
                          "sectors and areas, to open ties outside.")
            out.append(finding("silo", severity, -ei * size ** 0.5, f"group:{by}", [grp], [grp], msg, evidence,
                                advice, lang=cx.lang))
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
    t = t.sort_index().reset_index()
    for g1, g2, unit, ties, inside in zip(t["g1"], t["g2"], t["unit"], t["ties"], t["n1"] + t["n2"] > 0):
        if any(u != unit and {g1, g2} <= gs for u, gs in touch.items()):
            continue
        found.append((g1, g2, unit, int(ties), bool(inside)))
    # one finding per unit and group it alone links to several others: the (unit, group)
    # with most pairs first (ties: the larger key), until no unit links a group to two others
    out = []
    for unit, hub, mine in _by_unit_and_group(found):
        others = sorted(f[1] if f[0] == hub else f[0] for f in mine)
        ties = sum(f[3] for f in mine)
        evidence = {"grouping": by, "group": hub, "other_groups": others, "through": unit,
                    "ties_through_unit": ties, "unit_group": groups.get(unit)}
        if cx.lang == "zh":
            shown = "、".join(f"「{g}」" for g in others[:6]) + ("等" if len(others) > 6 else "")
            msg = f"{label}「{hub}」与{shown}{len(others)}个群体之间的联系全部经过{cx.uname(unit)}（{unit}），共{ties}条。"
            advice = f"为「{hub}」与其他{label}建立不经过{cx.uname(unit)}的联系（共建协议或联合项目）。"
        else:
            shown = ", ".join(f"“{g}”" for g in others[:6]) + (", …" if len(others) > 6 else "")
            msg = (f"Every tie between the {label} “{hub}” and {counted(len(others), 'other group')} ({shown}) runs "
                   f"through {cx.uname(unit)} ({unit}): {ties} in all.")
            advice = (f"Build ties between “{hub}” and the other {label}s that do not run through {cx.uname(unit)} "
                      "(co-building agreements or joint projects).")
        out.append(finding("silo", "medium", ties, f"group_pair:{by}", [hub, *others, unit],
                            [hub, *others, cx.uname(unit)], msg, evidence, advice, lang=cx.lang))
    grouped = {id(f) for _, _, mine in _by_unit_and_group(found) for f in mine}
    for g1, g2, unit, ties, has_direct in (f for f in found if id(f) not in grouped):
        evidence = {"grouping": by, "groups": [g1, g2], "through": unit, "ties_through_unit": ties,
                    "direct_ties": has_direct, "unit_group": groups.get(unit)}
        if cx.lang == "zh":
            msg = f"{label}「{g1}」与「{g2}」之间的联系全部经过{cx.uname(unit)}（{unit}），共{ties}条。"
            advice = f"在「{g1}」与「{g2}」之间再建立一条不经过{cx.uname(unit)}的联系（共建协议或联合项目）。"
        else:
            msg = (f"Every tie between the {label}s “{g1}” and “{g2}” runs through {cx.uname(unit)} ({unit}): "
                   f"{ties} in all.")
            advice = (f"Build one more tie between “{g1}” and “{g2}” that does not run through {cx.uname(unit)} "
                      "(a co-building agreement or a joint project).")
        out.append(finding("silo", "medium" if ties > 3 else "low", ties, f"group_pair:{by}",
                            [g1, g2, unit], [g1, g2, cx.uname(unit)], msg, evidence, advice, lang=cx.lang))
    return out


class _Larger(str):
    """A text that sorts before smaller texts (a heap's first is then the largest)."""

    def __lt__(self, other):
        return str.__gt__(self, other)


def _by_unit_and_group(found: list[tuple]) -> list[tuple]:
    """Group pairs joined through one unit, gathered per (unit, group) that has two or more of them.

    Repeatedly the (unit, group) with most pairs left (ties broken by the larger key) takes
    its pairs, in their order in ``found``; returns (unit, group, pairs) in that order.
    """
    import heapq

    keys: dict[tuple, list[int]] = {}
    for i, (g1, g2, unit, _, _) in enumerate(found):
        for g in (g1, g2):
            keys.setdefault((unit, g), []).append(i)
    count = {k: len(v) for k, v in keys.items()}
    heap = [(-k, _Larger(str(key)), key) for key, k in count.items()]
    heapq.heapify(heap)
    alive = [True] * len(found)
    out = []
    while heap:
        stored, _, key = heapq.heappop(heap)
        if -stored != count[key]:  # counts only fall: put it back with its own
            if count[key] > 0:
                heapq.heappush(heap, (-count[key], _Larger(str(key)), key))
            continue
        if count[key] < 2:
            break
        mine = [i for i in keys[key] if alive[i]]
        for i in mine:
            alive[i] = False
            g1, g2, unit = found[i][:3]
            count[(unit, g1)] -= 1
            count[(unit, g2)] -= 1
        out.append((key[0], key[1], [found[i] for i in mine]))
    return out


def single_brokers(cx: GapContext, limit_detail: int = 20) -> list[dict]:
    """Articulation points: units whose removal cuts others (and their open needs) off."""
    net = cx.net
    n = len(net.units)
    if n < 3 or not any(v < n for v in cx.graph.articulation_points()):  # igraph's is quick: most networks have none
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
        if cx.lang == "zh":
            names = "、".join(cx.uname(u) for u in cut_off[:5]) + ("等" if len(cut_off) > 5 else "")
            msg = (f"去掉{cx.uname(uid)}，网络分成{int(row['pieces'])}块，{stranded_units}个单位"
                   + (f"（{names}）" if names else "") + "与主体失去联系"
                   + (f"，其中有{stranded_needs}项未解决的需求。" if stranded_needs else "。"))
            advice = f"为被隔开的单位与主体之间建立第二条联系（共建协议、联合项目或同一委员会），不再只依赖{cx.uname(uid)}。"
        else:
            names = ", ".join(cx.uname(u) for u in cut_off[:5]) + (", …" if len(cut_off) > 5 else "")
            msg = (f"Without {cx.uname(uid)} the network falls into {int(row['pieces'])} pieces, and "
                   f"{counted(stranded_units, 'unit')}" + (f" ({names})" if names else "")
                   + f" {'loses' if stranded_units == 1 else 'lose'} touch with the main body"
                   + (f", with {counted(stranded_needs, 'open need')} among them." if stranded_needs else "."))
            advice = (f"Give the units cut off a second tie to the main body (a co-building agreement, a joint project "
                      f"or a shared committee), so that they no longer depend on {cx.uname(uid)} alone.")
        out.append(finding("single_broker", severity, row["score"], "Unit", [uid], [cx.uname(uid)], msg, evidence,
                            advice, lang=cx.lang))
    return out


def bridge_ties(net, graph=None) -> list[tuple[int, int]]:
    """The ties of the expanded network whose loss splits it, as unit index pairs (a < b).

    Computed on the hub form: a direct tie that is a bridge there is one in the expanded
    network (a hub joins its members as their clique would), and a hub with only two
    members in scope stands for one tie. A unit–hub edge of a larger hub is never a
    single tie: expanded, the unit has a tie to each other member. ``graph``: the
    network's :meth:`~graphgov.analysis.network.CoordinationNetwork.to_igraph`, if built.
    """
    g = graph if graph is not None else net.to_igraph()
    n = len(net.units)
    hub_members = dict(zip(range(n, n + len(net.hubs)), net.hubs["members"].astype(int))) if len(net.hubs) else {}
    out = set()
    for e in g.bridges():
        a, b = g.es[e].tuple
        if a < n and b < n:
            out.add((min(a, b), max(a, b)))
            continue
        hub = a if a >= n else b
        if hub_members.get(hub) == 2:
            ends = sorted(v for v in g.neighbors(hub) if v < n)
            if len(ends) == 2:
                out.add((ends[0], ends[1]))
    return sorted(out)


_SOURCE_WORDS = {"zh": ("委员会", "项目", "共建协议", "党组织隶属"),
                 "en": ("committee", "project", "agreement", "party line")}


def _tie_sources(cx: GapContext, a: str, b: str) -> list[str]:
    """What a tie between units ``a`` and ``b`` rests on: shared committees, projects, agreements, party lines
    (named in the findings' language)."""
    committee, project, agreement, party = _SOURCE_WORDS.get(cx.lang, _SOURCE_WORDS["zh"])
    t = cx.t
    out = []
    m = t.get("memberships", pd.DataFrame(columns=["unit_id", "committee_id"]))
    shared = set(m.loc[m["unit_id"] == a, "committee_id"]) & set(m.loc[m["unit_id"] == b, "committee_id"])
    out += [f"{committee}:{cx.committee_name.get(c, c)}（{c}）" if cx.lang == "zh" else
            f"{committee}: {cx.committee_name.get(c, c)} ({c})" for c in sorted(shared)]
    up = cx.unit_projects
    shared = set(up.loc[up["unit_id"] == a, "project_id"]) & set(up.loc[up["unit_id"] == b, "project_id"])
    out += [f"{project}:{p}" for p in sorted(shared)]
    ag = t.get("agreements", pd.DataFrame(columns=["unit_a", "unit_b"]))
    hit = ag[((ag["unit_a"] == a) & (ag["unit_b"] == b)) | ((ag["unit_a"] == b) & (ag["unit_b"] == a))]
    out += [f"{agreement}:{k}" if isinstance(k, str) else agreement for k in hit.get("kind", pd.Series([None] * len(hit)))]
    po = t.get("party_orgs", pd.DataFrame(columns=["id", "unit_id", "parent_id"]))
    unit_of = dict(zip(po["id"], po["unit_id"]))
    lines = sum(1 for u, p in zip(po["unit_id"], po["parent_id"]) if {u, unit_of.get(p)} == {a, b})
    out += [party] * lines
    return out


def _bridge_sides(net, ties: list[tuple[int, int]], weights: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """For each bridge tie, the summed ``weights`` (units × k) of the units on each of its two sides.

    Without the bridges the units fall into pieces; the pieces and the bridges form a
    forest, and a bridge's side is the subtree below it.
    """
    from scipy import sparse
    from scipy.sparse.csgraph import breadth_first_order, connected_components

    n = len(net.units)
    index = {k: i for i, k in enumerate(net.node_keys)}
    e = net.edges
    i, j = e["source"].map(index).to_numpy(), e["target"].map(index).to_numpy()
    two = [index[k] for k, m in zip(net.hubs["key"], net.hubs["members"]) if int(m) == 2]
    cut = set(ties)
    keep = ~(np.isin(i, two) | np.isin(j, two))
    keep &= np.array([(min(x, y), max(x, y)) not in cut for x, y in zip(i, j)], dtype=bool)
    size = len(index)
    _, piece = connected_components(
        sparse.coo_matrix((np.ones(int(keep.sum())), (i[keep], j[keep])), shape=(size, size)), directed=False)
    pieces = piece.max() + 1
    load = np.zeros((pieces, weights.shape[1]))
    np.add.at(load, piece[:n], weights)
    px, py = np.array([piece[x] for x, _ in ties]), np.array([piece[y] for _, y in ties])
    tree = sparse.coo_matrix((np.ones(len(ties)), (px, py)), shape=(pieces, pieces)).tocsr()
    parent = np.full(pieces, -2)
    below = load.copy()
    for root in np.unique(np.r_[px, py]):
        if parent[root] != -2:
            continue
        order, pred = breadth_first_order(tree, root, directed=False, return_predecessors=True)
        parent[order] = pred[order]
        for v in order[::-1][:-1]:  # leaves up; the root keeps its total
            below[pred[v]] += below[v]
    out = []
    for a, b in zip(px, py):
        child = b if parent[b] == a else a
        root = child
        while parent[root] >= 0:
            root = parent[root]
        out.append((below[child], below[root] - below[child]) if child == b else
                   (below[root] - below[child], below[child]))
    return out


def bridges(cx: GapContext, limit_detail: int = 20) -> list[dict]:
    """Single ties (单线联系) whose loss splits the network, with the units and open needs cut off.

    The side cut off is the smaller one (in units) of the two the tie's component falls
    into; of two equal sides, the one with more open needs.
    """
    net = cx.net
    n = len(net.units)
    ties = bridge_ties(net, cx.graph)
    if not ties:
        return []
    ids = net.units["id"].to_numpy()
    open_needs = cx.needs[cx.needs["open"]]["unit_id"].value_counts()
    weights = np.column_stack([np.ones(n), net.units["id"].map(open_needs).fillna(0).to_numpy()])
    rows = []
    for (x, y), (on_y, on_x) in zip(ties, _bridge_sides(net, ties, weights)):
        # the smaller side is the one cut off; of two equal sides, the one with more open needs
        small, near = (on_y, y) if (on_y[0], -on_y[1]) <= (on_x[0], -on_x[1]) else (on_x, x)
        rows.append((x, y, int(small[0]), int(small[1]), near))
    rows.sort(key=lambda r: (-(r[2] + 2 * r[3]), ids[r[0]], ids[r[1]]))
    g = cx.graph
    out = []
    for rank, (x, y, units, stranded_needs, near) in enumerate(rows):
        ua, ub = sorted((ids[x], ids[y]))
        cut_off: list[str] = []
        if rank < limit_detail:
            h = g.copy()
            far = y if near == x else x
            h.delete_edges([(near, far)] if h.are_adjacent(near, far) else
                           [(near, hub) for hub in set(h.neighbors(near)) & set(h.neighbors(far)) if hub >= n])
            side = h.subcomponent(near)
            cut_off = sorted(ids[v] for v in side if v < n)
        severity = "high" if units >= 3 or stranded_needs >= 1 else ("medium" if units == 2 else "low")
        sources = _tie_sources(cx, ua, ub)
        evidence = {"tie": [ua, ub], "rests_on": sources, "stranded_units": units,
                    "stranded_open_needs": stranded_needs, "cut_off": cut_off[:20]}
        if cx.lang == "zh":
            names = "、".join(cx.uname(u) for u in cut_off[:5]) + ("等" if len(cut_off) > 5 else "")
            basis = "、".join(sources[:3]) if sources else "一条联系"
            msg = (f"{cx.uname(ua)}与{cx.uname(ub)}之间只有一条联系（{basis}），断了它，{units}个单位"
                   + (f"（{names}）" if names else "") + "与网络其余部分失去联系"
                   + (f"，其中有{stranded_needs}项未解决的需求。" if stranded_needs else "。"))
            advice = (f"在被隔开的一侧与网络其余部分之间再建立一条联系（共建协议、联合项目或同一委员会），"
                      f"不只依靠{cx.uname(ua)}与{cx.uname(ub)}之间的这一条。")
        else:
            names = ", ".join(cx.uname(u) for u in cut_off[:5]) + (", …" if len(cut_off) > 5 else "")
            basis = "; ".join(sources[:3]) if sources else "a single tie"
            msg = (f"{cx.uname(ua)} and {cx.uname(ub)} have one tie only ({basis}); without it "
                   f"{counted(units, 'unit')}" + (f" ({names})" if names else "")
                   + f" {'loses' if units == 1 else 'lose'} touch with the rest of the network"
                   + (f", with {counted(stranded_needs, 'open need')} among them." if stranded_needs else "."))
            advice = (f"Build a second tie between the side cut off and the rest of the network (a co-building "
                      f"agreement, a joint project or a shared committee), not only the one between {cx.uname(ua)} "
                      f"and {cx.uname(ub)}.")
        out.append(finding("bridge", severity, units + 2 * stranded_needs, "unit_pair", [ua, ub],
                            [cx.uname(ua), cx.uname(ub)], msg, evidence, advice, lang=cx.lang))
    return out
