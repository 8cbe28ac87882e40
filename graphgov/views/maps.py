"""Interactive network maps: one self-contained, offline HTML file per map.

A map is built in two steps. :func:`build_map` turns the graph (a store, a checked
Dataset or a dict of tables) into a :class:`MapData`: the nodes of the chosen view with
their colours, sizes and positions (the layout is computed here, in Python, so the
browser never runs a physics simulation), the edges styled by tie type, the legend, the
filter choices and a detail record per node. :func:`render_map` writes that into one
HTML page: vis-network (the copy pyvis ships) and graphgov's own small CSS and script
inline, the data as JSON in a ``<script type="application/json">`` block escaped for
HTML, and a Content-Security-Policy that forbids every network request.

Views (``view=``):

``network``   the whole graph (areas, committees, units, party organizations, the three lists);
``committee`` one committee, the committees reporting to it, their member units and the units' lists;
``unit``      one unit's neighbourhood within ``radius`` steps (areas are not walked through);
``category``  the needs, resources and projects of one category and the units behind them;
``gaps``      the network with the findings of :func:`graphgov.analysis.gaps.find_gaps` highlighted;
``matches``   proposed need → resource matches (from :mod:`graphgov.matching.assign`) with their units.

Above ``max_nodes`` nodes the map groups nodes by committee or area (``group_by``)
instead of drawing each one.

This module builds maps and writes them; the parts live beside it, one concern each:
:mod:`graphgov.views.map_style` (views, shapes, colours, edge styles, Chinese text),
:mod:`graphgov.views.map_scope` (graph indexes, each view's nodes, filter choices),
:mod:`graphgov.views.map_layout` (centrality, node sizes, positions) and
:mod:`graphgov.views.map_render` (:class:`MapData`, safe embedding, templates, :func:`render_map`).
The names in ``__all__`` are importable from here as before.
"""
from __future__ import annotations

import math
import os
from pathlib import Path

import networkx as nx
import pandas as pd

from graphgov.dataset import schema, vocab
from graphgov.errors import OptionError
from graphgov.analysis.gaps import KIND_ZH
from graphgov.analysis.graph import tables_of, to_networkx
from graphgov.analysis.network import CoordinationNetwork
from graphgov.views.map_layout import centrality, layout, node_sizes
from graphgov.views.map_render import MapData, json_for_script, render_map, vis_network_js
from graphgov.views.map_scope import (Index, area_scope, category_scope, committee_scope, filter_choices,
                                      resolve_subject, unit_scope)
from graphgov.views.map_style import (DEFAULT_MAX_NODES, GROUP_BY, LABEL_SHAPE, LABEL_ZH, RELATION_STYLE,
                                      SEVERITY_COLOUR, SIZE_BY, VIEWS, as_text, format_evidence, legend_order,
                                      node_details, node_type, short, type_colour, type_zh)

__all__ = [
    "VIEWS",
    "SIZE_BY",
    "GROUP_BY",
    "LABEL_ZH",
    "RELATION_STYLE",
    "MapData",
    "build_map",
    "render_map",
    "write_map",
    "json_for_script",
    "vis_network_js",
]


# -- building a map ----------------------------------------------------------------



def _edge_kept(g: nx.MultiDiGraph, u: str, v: str, k: str) -> bool:
    # a need's or resource's area is in its detail panel; drawing it adds clutter only
    if k == "LOCATED_IN" and not (u.startswith("Unit:") or u.startswith("Committee:")):
        return False
    return True


def build_map(
    source,
    *,
    view: str = "network",
    committee: str | None = None,
    unit: str | None = None,
    radius: int = 1,
    category: str | None = None,
    area: str | None = None,
    size_by: str = "degree",
    findings: pd.DataFrame | None = None,
    matches: pd.DataFrame | None = None,
    include_personal: bool = False,
    max_nodes: int = DEFAULT_MAX_NODES,
    group_by: str = "auto",
    title: str | None = None,
    network: CoordinationNetwork | None = None,
    unit_scores: dict[str, float] | None = None,
) -> MapData:
    """Build the data of one map.

    Parameters
    ----------
    source : a store, a checked Dataset or a dict of DataFrames (see :func:`graphgov.analysis.graph.tables_of`).
    view : one of :data:`VIEWS`.
    committee, unit, category : what the ``committee``, ``unit`` and ``category`` views show;
        ``committee`` (and ``area``) also narrow the other views to that scope.
    radius : steps from the unit in the ``unit`` view.
    size_by : ``degree``, ``pagerank`` or ``betweenness``: node size.
    findings : for the ``gaps`` view, a DataFrame with columns ``kind``, ``subject``,
        ``severity``, ``evidence``, ``suggestion`` (what :func:`graphgov.analysis.gaps.find_gaps` returns).
    matches : for the ``matches`` view, a DataFrame with ``need_id``, ``resource_id``, ``score``
        (the assignments :func:`graphgov.matching.assign.assign_all` returns).
    include_personal : keep phone numbers and contact names (left out by default).
    max_nodes : above this many nodes, nodes are grouped by ``group_by``.
    group_by : ``auto`` (committee when there are committees, else area), ``committee``, ``area``
        or ``none`` (draw every node however many).
    network : the unscoped :func:`graphgov.analysis.network.build_network` of ``source`` when the
        caller has it already (unit sizes come from it); built here otherwise.
    unit_scores : the ``size_by`` measure of every unit (``"Unit:ID"`` → value) when the caller has
        it (stored results of ``graphgov central``); then no network is built for sizes.

    Returns
    -------
    MapData

    Raises
    ------
    OptionError
        An unknown view, size measure or grouping, or a view without what it needs.
    NotFoundError
        The committee, unit, area or category is not in the graph.

    Examples
    --------
    >>> import pandas as pd
    >>> m = build_map({"units": pd.DataFrame({"id": ["U1"], "name": ["北京朝阳站"], "type": ["railway"]})})
    >>> [n["name"] for n in m.nodes]
    ['北京朝阳站']
    """
    if view not in VIEWS:
        raise OptionError(f"unknown view {view!r}; choose one of {', '.join(VIEWS)}")
    if size_by not in SIZE_BY:
        raise OptionError(f"unknown size measure {size_by!r}; choose one of {', '.join(SIZE_BY)}")
    if group_by not in GROUP_BY:
        raise OptionError(f"unknown grouping {group_by!r}; choose one of {', '.join(GROUP_BY)}")
    if radius < 1:
        raise OptionError(f"--radius must be at least 1 (got {radius})")
    if view == "committee" and not committee:
        raise OptionError("the committee view needs --committee ID")
    if view == "unit" and not unit:
        raise OptionError("the unit view needs --unit ID")
    if view == "category" and not category:
        raise OptionError("the category view needs --category CATEGORY")

    tables = tables_of(source)
    g = to_networkx(tables, personal=include_personal)
    index = Index(g)

    if view == "committee":
        keep = committee_scope(g, committee)
    elif view == "unit":
        keep = unit_scope(g, unit, radius)
    elif view == "category":
        keep = category_scope(g, category)
    elif view == "matches":
        keep = set()
    else:
        keep = set(g.nodes)
    if committee and view != "committee":
        scope = committee_scope(g, committee)
        keep &= scope
    if area:
        keep &= area_scope(g, index, area)

    extra_edges: list[tuple[str, str, str, dict]] = []
    flags: dict[str, list[dict]] = {}
    notes: dict[str, list[dict]] = {}  # findings shown in a node's panel without marking it
    meta: dict = {}
    if view == "gaps":
        if findings is None:
            findings = pd.DataFrame(columns=["kind", "subject", "severity", "evidence", "suggestion"])
        missing = {"kind", "subject"} - set(findings.columns)
        if missing:
            raise OptionError(f"findings lack the columns {sorted(missing)}")
        kinds: dict[str, list] = {}
        for rec in findings.to_dict("records"):
            kind = as_text(rec.get("kind"))
            subject = rec.get("subject_id") if as_text(rec.get("subject_id")) else rec.get("subject")
            found = {"kind": kind, "kindZh": as_text(rec.get("kind_zh")) or KIND_ZH.get(kind, kind),
                     "severity": as_text(rec.get("severity")), "message": as_text(rec.get("message")),
                     "evidence": format_evidence(rec.get("evidence")), "suggestion": as_text(rec.get("suggestion"))}
            keys_found = [k for k in resolve_subject(g, subject, kind, rec.get("subject_type")) if k in keep]
            kinds.setdefault(kind, [found["kindZh"], 0, 0])[1] += 1
            if kind == "suggested_tie" and len(keys_found) == 2:
                # a suggestion is a tie to make, not a fault of either unit: draw it as an edge
                extra_edges.append((keys_found[0], keys_found[1], "SUGGESTED_TIE", {"title": found["message"]}))
                for key in keys_found:
                    notes.setdefault(key, []).append(found)
                kinds[kind][2] += 1
                continue
            for key in keys_found:
                flags.setdefault(key, []).append(found)
            kinds[kind][2] += bool(keys_found)
        meta["findingKinds"] = [[zh, n, shown] for zh, n, shown in kinds.values()]
        meta["findings"] = int(len(findings))
    if view == "matches":
        if matches is None:
            matches = pd.DataFrame(columns=["need_id", "resource_id", "score"])
        missing = {"need_id", "resource_id"} - set(matches.columns)
        if missing:
            raise OptionError(f"matches lack the columns {sorted(missing)}")
        scope = None
        if committee:
            scope = committee_scope(g, committee)
        for rec in matches.to_dict("records"):
            n_key = schema.node_key("Need", as_text(rec["need_id"]))
            r_key = schema.node_key("Resource", as_text(rec["resource_id"]))
            if n_key not in g or r_key not in g:
                continue
            if scope is not None and n_key not in scope and r_key not in scope:
                continue
            keep.update((n_key, r_key))
            for k2 in (n_key, r_key):
                keep.update(m for m in nx.all_neighbors(g, k2) if m.startswith("Unit:"))
            score = rec.get("score")
            props = {"score": round(float(score), 3)} if score is not None and not pd.isna(score) else {}
            broker = rec.get("broker_id")
            if broker is not None and not pd.isna(broker) and schema.node_key("Unit", str(broker)) in g:
                props["broker"] = g.nodes[schema.node_key("Unit", str(broker))].get("name", broker)
            extra_edges.append((n_key, r_key, "MATCH", props))
        meta["matches"] = len(extra_edges)

    keys = [n for n in g.nodes if n in keep]
    edges = [(u, v, k, d) for u, v, k, d in g.edges(keys=True, data=True)
             if u in keep and v in keep and _edge_kept(g, u, v, k)]
    edges += extra_edges
    total = len(keys)

    if group_by != "none" and total > max_nodes:
        return _grouped_map(g, index, keys, edges, group_by, title or "协调网络（分组）", view, total, max_nodes, meta)

    scores = centrality(g, size_by, tables, network, unit_scores)
    labels = {k: g.nodes[k].get("label") for k in keys}
    sizes = node_sizes(keys, scores, labels)
    pos = layout(keys, [(u, v) for u, v, _, _ in edges])
    dim = view == "gaps" and bool(flags)

    nodes, type_counts = [], {}
    for k in keys:
        a = g.nodes[k]
        ntype = node_type(a)
        type_counts[ntype] = type_counts.get(ntype, 0) + 1
        colour = type_colour(ntype)
        name = as_text(a.get("name", a.get("id", k)))
        rec = {
            "id": k, "label": short(name), "name": name, "kind": a.get("label"), "type": ntype,
            "title": f"{name}\n{type_zh(ntype)}", "shape": LABEL_SHAPE.get(a.get("label"), "dot"),
            "size": sizes.get(k, 10), "x": pos[k][0], "y": pos[k][1],
            "color": {"background": colour, "border": colour, "highlight": {"background": colour, "border": "#000000"}},
            "cm": index.cm.get(k, []), "ar": index.ar.get(k, []), "ct": index.ct.get(k, []),
            "score": round(float(scores.get(k, 0.0)), 5),
        }
        if k in flags:
            worst = min(flags[k], key=lambda f: ["high", "medium", "low"].index(f["severity"]) if f["severity"] in ("high", "medium", "low") else 3)
            rec["flag"] = sorted({f["kind"] for f in flags[k]})
            rec["borderWidth"] = 5
            rec["color"] = {"background": colour, "border": SEVERITY_COLOUR.get(worst["severity"], "#d50000"),
                            "highlight": {"background": colour, "border": "#000000"}}
            rec["size"] = max(rec["size"], 16)
            rec["title"] += "\n" + "；".join(f["kindZh"] for f in flags[k])
        elif dim:
            rec["opacity"] = 0.35
        nodes.append(rec)

    out_edges = []
    edge_types = {}
    for i, (u, v, k, d) in enumerate(edges):
        zh, colour, dashes, width, arrow = RELATION_STYLE.get(k, (k, "#90a4ae", False, 1.0, False))
        edge_types[k] = edge_types.get(k, 0) + 1
        rec = {"id": i, "from": u, "to": v, "type": k, "color": {"color": colour, "opacity": 0.8}, "dashes": dashes,
               "width": width}
        if arrow:
            rec["arrows"] = {"to": {"enabled": True, "scaleFactor": 0.5}}
        if k == "SUGGESTED_TIE" and d.get("title"):
            rec["title"] = d["title"]
        if k == "MATCH":
            tip = "拟匹配"
            if "score" in d:
                tip += f"，得分 {d['score']}"
                rec["label"] = str(d["score"])
            if "broker" in d:
                tip += f"，引荐单位 {d['broker']}"
            rec["title"] = tip
        out_edges.append(rec)

    names = {k: as_text(a.get("name", k)) for k, a in g.nodes(data=True)}
    details = {k: node_details(g, k, names) for k in keys}
    for k in set(flags) | set(notes):
        if k in details:
            details[k]["findings"] = flags.get(k, []) + notes.get(k, [])
    legend = [{"type": t, "name": type_zh(t), "colour": type_colour(t),
               "shape": LABEL_SHAPE.get(t.split(":")[0], "dot"), "count": c}
              for t, c in sorted(type_counts.items(), key=lambda x: legend_order(x[0]))]
    edge_legend = [{"type": t, "name": RELATION_STYLE.get(t, (t,))[0], "colour": RELATION_STYLE.get(t, (t, "#90a4ae"))[1],
                    "dashes": RELATION_STYLE.get(t, (t, "", False))[2], "count": c} for t, c in sorted(edge_types.items())]
    if view == "gaps":
        meta["severity"] = [{"severity": s, "colour": c} for s, c in SEVERITY_COLOUR.items()]
    filters = filter_choices(g, keys, index)
    notice = ""
    if view == "gaps" and not flags:
        notice = "没有发现需要标出的问题（或未提供问题清单）。"
    if view == "matches" and not extra_edges:
        notice = "没有拟匹配结果可显示。"
    return MapData(
        title=title or _default_title(g, view, committee, unit, category, radius),
        view=view, nodes=nodes, edges=out_edges, legend=legend, edge_legend=edge_legend, filters=filters,
        details=details, notice=notice, total_nodes=total, meta=meta,
    )


def _default_title(g, view, committee, unit, category, radius) -> str:
    if view == "committee":
        return f"{g.nodes[schema.node_key('Committee', committee)].get('name', committee)}：成员网络"
    if view == "unit":
        return f"{g.nodes[schema.node_key('Unit', unit)].get('name', unit)}：{radius} 步以内的关系"
    if view == "category":
        code = vocab.normalise("category", category) or category
        return f"{vocab.zh_label('category', code)}：供给与需求"
    return {"network": "协调网络全图", "gaps": "协调网络：薄弱环节", "matches": "需求与资源拟匹配"}[view]


def _grouped_map(g, index: Index, keys, edges, group_by, title, view, total, max_nodes, meta) -> MapData:
    """One node per committee (or area) with the count of nodes it stands for."""
    if group_by == "auto":
        group_by = "committee" if any(index.cm.get(k) for k in keys if k.startswith("Unit:")) else "area"
    area_depth = 1

    def group_of(k):
        if group_by == "committee":
            cms = index.cm.get(k, [])
            # the most specific committee: the one with the longest chain of parents
            return max(cms, key=lambda c: (len(index.committee_chain(c)), c)) if cms else None
        areas = index.ar.get(k, [])
        if not areas:
            return None
        # the area at the target depth (districts under a city), else the deepest one above it
        at_depth = [a for a in areas if len(index.area_chain(a)) == area_depth]
        return min(at_depth) if at_depth else max(areas, key=lambda a: (len(index.area_chain(a)), a))

    if group_by == "area":
        depths = [len(index.area_chain(a)) for k in keys for a in index.ar.get(k, [])]
        area_depth = 2 if depths and max(depths) > 1 else 1
    members: dict[str, list[str]] = {}
    gkey = {}
    for k in keys:
        grp = group_of(k) or "none"
        gkey[k] = grp
        members.setdefault(grp, []).append(k)
    ties: dict[tuple[str, str], int] = {}
    for u, v, _, _ in edges:
        a, b = gkey[u], gkey[v]
        if a != b:
            pair = (min(a, b), max(a, b))
            ties[pair] = ties.get(pair, 0) + 1
    gids = sorted(members)
    pos = layout(gids, list(ties))
    top = max(len(m) for m in members.values())
    nodes, details = [], {}
    for grp in gids:
        ms = members[grp]
        gname = as_text(g.nodes[grp].get("name", grp)) if grp in g else "未归组"
        counts: dict[str, int] = {}
        for k in ms:
            t = node_type(g.nodes[k])
            counts[t] = counts.get(t, 0) + 1
        main_type = max(counts, key=counts.get)
        colour = type_colour("Group")
        nid = f"Group:{grp}"
        nodes.append({
            "id": nid, "label": f"{short(gname)}（{len(ms)}）", "name": gname, "kind": "Group", "type": "Group",
            "title": f"{gname}\n{len(ms)} 个节点", "shape": LABEL_SHAPE["Group"],
            "size": round(14 + 36 * math.sqrt(len(ms) / top), 2), "x": pos[grp][0], "y": pos[grp][1],
            "color": {"background": colour, "border": type_colour(main_type)}, "borderWidth": 3,
            "cm": index.cm.get(grp, []) if group_by == "committee" else sorted({c for k in ms for c in index.cm.get(k, [])}),
            "ar": index.ar.get(grp, []) if group_by == "area" else sorted({a for k in ms for a in index.ar.get(k, [])}),
            "ct": sorted({c for k in ms for c in index.ct.get(k, [])}), "count": len(ms),
        })
        top_members = sorted((k for k in ms if k.startswith("Unit:")), key=lambda k: -g.degree(k))[:30]
        details[nid] = {
            "name": gname, "kind": "节点组", "rows": [[type_zh(t), str(c)] for t, c in sorted(counts.items(), key=lambda x: legend_order(x[0]))],
            "sections": [["主要成员单位", [[k, as_text(g.nodes[k].get("name", k))] for k in top_members]]],
        }
    out_edges = []
    for i, ((a, b), c) in enumerate(sorted(ties.items())):
        out_edges.append({"id": i, "from": f"Group:{a}", "to": f"Group:{b}", "type": "GROUP_TIE",
                          "width": round(1 + math.log(c, 2), 2), "title": f"{c} 条联系",
                          "color": {"color": RELATION_STYLE["GROUP_TIE"][1], "opacity": 0.7}})
    by = "委员会" if group_by == "committee" else "区域"
    notice = (f"本图共 {total} 个节点，超过 {max_nodes} 个，已按{by}分组显示。"
              "用 --committee、--unit 或 --area 缩小范围，或用 --max-nodes 提高上限以逐点显示。")
    return MapData(
        title=title, view=view, nodes=nodes, edges=out_edges,
        legend=[{"type": "Group", "name": f"节点组（按{by}）", "colour": type_colour("Group"), "shape": "hexagon", "count": len(nodes)}],
        edge_legend=[{"type": "GROUP_TIE", "name": "组间联系（线宽=联系数）", "colour": RELATION_STYLE["GROUP_TIE"][1], "dashes": False, "count": len(out_edges)}],
        filters=filter_choices(g, keys, index) | {"present": len(nodes)},
        details=details, notice=notice, grouped=group_by, total_nodes=total, meta=meta,
    )


def write_map(path: str | os.PathLike, source, **options) -> MapData:
    """Build a map (see :func:`build_map` for ``options``) and write it to ``path`` as HTML.

    The file is written next to its final name and renamed, so a failed run leaves no
    half-written map.
    """
    data = build_map(source, **options)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(render_map(data), encoding="utf-8")
    os.replace(tmp, path)
    return data
