"""Interactive network maps: one self-contained, offline HTML file per map.

A map is built in two steps. :func:`build_map` turns the graph (a store, a checked
Dataset or a dict of tables) into a :class:`MapData`; :func:`render_map` writes that into
one HTML page (vis-network, the copy pyvis ships, and graphgov's own script and styles
inline, the data as escaped JSON, a Content-Security-Policy that forbids every request
and every script but the page's own).

What a planner sees first is the **coordination network**: member units and committees,
units sized by their centrality in :mod:`graphgov.analysis.network` (what
:mod:`graphgov.analysis.central` ranks), coloured by unit type, each committee's members
in one box (group-in-a-box, :mod:`graphgov.views.map_boxes`), the ties of the analysis
(joint projects, agreements, party organizations) weighted as there. Needs, resources,
projects, party organizations and areas are layers: in the file, placed around their
unit, shown when the planner switches them on or selects the unit. The page also holds a
grouped overview per committee, district and street (:mod:`graphgov.views.map_groups`);
above ``max_nodes`` core nodes it opens on that overview.

Views (``view=``):

``network``   the whole graph;
``committee`` one committee, the committees reporting to it, their member units and the units' lists;
``unit``      one unit's neighbourhood within ``radius`` steps (areas are not walked through);
``category``  the needs, resources and projects of one category and the units behind them;
``gaps``      the network with the findings of :func:`graphgov.analysis.gaps.find_gaps` marked
              and the bridges (ties whose loss cuts part of the network off) drawn in red;
``matches``   proposed need → resource matches (from :mod:`graphgov.matching.assign`), their units
              and the unit that brokers each.

The parts live beside this module, one concern each: :mod:`~graphgov.views.map_style`
(shapes, colours, edge styles, Chinese text), :mod:`~graphgov.views.map_scope` (indexes,
each view's nodes, filter choices), :mod:`~graphgov.views.map_layout` (centrality, sizes,
positions), :mod:`~graphgov.views.map_boxes` (group-in-a-box), :mod:`~graphgov.views.map_groups`
(blocks and the overview), :mod:`~graphgov.views.map_findings` (gaps and matches) and
:mod:`~graphgov.views.map_render` (:class:`MapData`, safe embedding, the page).
"""
from __future__ import annotations

import os
from pathlib import Path

import networkx as nx
import pandas as pd

from graphgov.analysis.graph import tables_of, to_networkx
from graphgov.analysis.network import CoordinationNetwork, build_network
from graphgov.dataset import schema, vocab
from graphgov.errors import OptionError
from graphgov.views.map_boxes import boxed_layout
from graphgov.views.map_findings import find_bridges, mark_findings, match_edges, worst
from graphgov.views.map_groups import GROUPINGS, layout_groups, node_groupings, overview
from graphgov.views.map_layout import centrality, layout, node_sizes, place_around
from graphgov.views.map_render import MapData, json_for_script, render_map, vis_network_js
from graphgov.views.map_scope import Index, area_scope, category_scope, committee_scope, filter_choices, unit_scope
from graphgov.views.map_style import (CORE_LABELS, DEFAULT_MAX_NODES, GROUP_BY, LABEL_SHAPE, LABEL_ZH, LAYER_LABELS,
                                      RELATION_STYLE, SEVERITY_COLOUR, SIZE_BY, VIEWS, as_text, legend_order,
                                      node_details, node_type, short, type_colour, type_zh)

__all__ = [
    "VIEWS",
    "SIZE_BY",
    "GROUP_BY",
    "LABEL_ZH",
    "RELATION_STYLE",
    "TOP_LABELLED",
    "EMBED_LIMIT",
    "MapData",
    "build_map",
    "render_map",
    "write_map",
    "json_for_script",
    "vis_network_js",
]

TOP_LABELLED = 25  # the most central units, always labelled
EMBED_LIMIT = 25_000  # nodes in one file before the layers are left out
# layers shown when a view opens (the planner switches the others on)
_START_LAYERS = {"unit": LAYER_LABELS[:4], "category": ("Need", "Resource", "Project"), "matches": ("Need", "Resource")}
# tie types that stand for the coordination network itself; the rest belong to a layer
_CORE_EDGES = ("MEMBER_OF", "REPORTS_TO", "TIE")
_OVERVIEW_MAX_GROUPS = 60  # a large map opens on the finest grouping with at most this many groups
_OVERVIEW_LIMIT = 1000  # groupings with more groups than this are no overview
# how the layers may be named in options (``--layers need,resource``)
_LAYER_NAMES = {"need": "Need", "resource": "Resource", "project": "Project", "party_org": "PartyOrg",
                "partyorg": "PartyOrg", "area": "Area", "all": "all"}


def _check_options(view, size_by, group_by, radius, committee, unit, category, layers) -> None:
    if view not in VIEWS:
        raise OptionError(f"unknown view {view!r}; choose one of {', '.join(VIEWS)}")
    if size_by not in SIZE_BY:
        raise OptionError(f"unknown size measure {size_by!r}; choose one of {', '.join(SIZE_BY)}")
    if group_by not in GROUP_BY:
        raise OptionError(f"unknown grouping {group_by!r}; choose one of {', '.join(GROUP_BY)}")
    if radius < 1:
        raise OptionError(f"--radius must be at least 1 (got {radius})")
    # the committee view's missing --committee is reported with the list of committees, once tables are read
    for needed, name in ((view == "unit" and not unit, "--unit ID"),
                         (view == "category" and not category, "--category CATEGORY")):
        if needed:
            raise OptionError(f"the {view} view needs {name}")
    unknown = set(layers or ()) - set(LAYER_LABELS) - {"all"}
    if unknown:
        raise OptionError(f"unknown layer {sorted(unknown)[0]!r}; choose from need, resource, project, party_org, area "
                          "or all")


def _layer_owner(g: nx.MultiDiGraph, index: Index, key: str) -> str | None:
    """The unit a list node or party organization is drawn beside."""
    label = g.nodes[key].get("label")
    if label == "Project" and key in index.lead:
        return index.lead[key]
    owners = index.owner.get(key) or []
    return owners[0] if owners else None


def _ties(net: CoordinationNetwork, core: set[str]) -> list[tuple[str, str, str, dict]]:
    """The analysis's unit–unit ties beyond shared committees (those are drawn through the
    committee): joint projects, agreements, party organizations, with their weight."""
    e = net.edges
    if e.empty:
        return []
    e = e[~e["hub"].astype(bool)]
    layers = [c for c in ("project", "agreement", "party") if c in e.columns]
    if not layers:
        return []
    e = e[(e[layers].sum(axis=1) > 0) & e["source"].isin(core) & e["target"].isin(core)]
    # which layers make the tie, as bits (the page names them in the tooltip): committee 1, project 2,
    # agreement 4, party 8
    bits = {"committee": 1, "project": 2, "agreement": 4, "party": 8}
    out = []
    for rec in e.to_dict("records"):
        mask = sum(b for c, b in bits.items() if c in rec and rec[c] > 0)
        out.append((rec["source"], rec["target"], "TIE", {"weight": round(float(rec["weight"]), 3), "mask": mask}))
    return out


def _committee_list(tables, limit: int = 30) -> str:
    """The committees to choose from, as ``ID 名称`` pairs, for a message."""
    committees = tables.get("committees")
    if committees is None or committees.empty:
        return "the store holds no committees"
    rows = committees.sort_values("id")
    items = [f"{i} {n}" for i, n in zip(rows["id"], rows["name"])]
    more = [f"… and {len(items) - limit} more"] if len(items) > limit else []
    return "choose one of these committees:\n" + "\n".join(f"  {x}" for x in items[:limit] + more)


def build_map(
    source,
    *,
    view: str = "network",
    committee: str | None = None,
    unit: str | None = None,
    radius: int = 1,
    category: str | None = None,
    area: str | None = None,
    size_by: str = "betweenness",
    findings: pd.DataFrame | None = None,
    matches: pd.DataFrame | None = None,
    include_personal: bool = False,
    max_nodes: int = DEFAULT_MAX_NODES,
    group_by: str = "auto",
    title: str | None = None,
    network: CoordinationNetwork | None = None,
    central: pd.DataFrame | None = None,
    layers=None,
    embed_limit: int = EMBED_LIMIT,
) -> MapData:
    """Build the data of one map.

    Parameters
    ----------
    source : a store, a checked Dataset or a dict of DataFrames (see :func:`graphgov.analysis.graph.tables_of`).
    view : one of :data:`VIEWS`.
    committee, unit, category : what the ``committee``, ``unit`` and ``category`` views show;
        ``committee`` (and ``area``) also narrow the other views to that scope.
    radius : steps from the unit in the ``unit`` view.
    size_by : ``betweenness``, ``degree`` or ``pagerank`` of units in the coordination network:
        their size and which ones are always labelled.
    findings : for the ``gaps`` view, a DataFrame with columns ``kind``, ``subject`` and
        optionally ``subject_id``, ``severity``, ``message``, ``evidence``, ``suggestion``.
    matches : for the ``matches`` view, a DataFrame with ``need_id``, ``resource_id`` and
        optionally ``score``, ``broker_id``.
    include_personal : keep phone numbers and contact names (left out by default).
    max_nodes : above this many units and committees the page opens on the grouped overview.
    group_by : the boxes of the layout: ``auto`` (committee when units sit on committees,
        else area), ``committee``, ``area`` (streets), or ``none`` (no boxes, no grouped start).
    network, central : the unscoped :func:`graphgov.analysis.network.build_network` and
        :func:`graphgov.analysis.central.central_table` when the caller has them (unit sizes).
    embed_limit : above this many nodes in the view the layers are left out of the file (units,
        committees and what the gaps and matches views mark stay).
    layers : node kinds shown when the page opens: ``need``, ``resource``, ``project``,
        ``party_org``, ``area`` (a list or a comma-separated text) or ``all``; by default what
        the view is about (none for the network, committee and gaps views).

    Returns
    -------
    MapData

    Raises
    ------
    OptionError
        An unknown view, size measure, grouping or layer, or a view without what it needs.
    NotFoundError
        The committee, unit, area or category is not in the graph.

    Examples
    --------
    >>> import pandas as pd
    >>> m = build_map({"units": pd.DataFrame({"id": ["U1"], "name": ["北京朝阳站"], "type": ["railway"]})})
    >>> [n["name"] for n in m.nodes]
    ['北京朝阳站']
    """
    if isinstance(layers, str):
        layers = [p.strip() for p in layers.split(",") if p.strip()]
    layers = tuple(_LAYER_NAMES.get(str(x).casefold(), x) for x in layers or ())
    _check_options(view, size_by, group_by, radius, committee, unit, category, layers)
    tables = tables_of(source)
    if view == "committee" and not committee:
        raise OptionError("the committee view needs --committee ID; " + _committee_list(tables))
    g = to_networkx(tables, personal=include_personal)
    index = Index(g)

    extra_edges: list[tuple[str, str, str, dict]] = []
    if view == "committee":
        keep = committee_scope(g, committee)
    elif view == "unit":
        keep = unit_scope(g, unit, radius)
    elif view == "category":
        keep = category_scope(g, category)
    elif view == "matches":
        keep, extra_edges = match_edges(g, matches, committee)
    else:
        keep = set(g.nodes)
    if committee and view not in ("committee", "matches"):
        keep &= committee_scope(g, committee)
    if area:
        keep &= area_scope(g, index, area)
    marks = mark_findings(g, findings, keep) if view == "gaps" else None
    if marks:
        extra_edges += marks.edges

    keys = [n for n in g.nodes if n in keep]
    core = [k for k in keys if g.nodes[k].get("label") in CORE_LABELS]
    core_set = set(core)
    left_out = 0
    if len(keys) > embed_limit and len(core) < len(keys):
        # a city's lists would make a file of a hundred megabytes: the layers stay out, counted in the notice
        flagged = set(marks.flags) if marks else set()
        wanted = core_set | flagged | {k for e in extra_edges for k in e[:2]}
        left_out = len(keys) - len([k for k in keys if k in wanted])
        keys = [k for k in keys if k in wanted]
        keep = set(keys)
    net = network if network is not None else build_network(tables)
    edges = [(u, v, k, d) for u, v, k, d in g.edges(keys=True, data=True)
             if u in keep and v in keep and k != "AGREEMENT"
             and not (k == "LOCATED_IN" and u not in core_set)]  # a list node's area is in its panel
    edges += _ties(net, core_set) + extra_edges
    core_pairs = [(u, v) for u, v, k, _ in edges if u in core_set and v in core_set and k in _CORE_EDGES]

    scores = centrality(g, size_by, tables, net, central)
    labels = {k: g.nodes[k].get("label") for k in keys}
    for k in core:  # a committee's size is its number of members here
        if labels[k] == "Committee":
            scores[k] = float(sum(1 for u, _, t in g.in_edges(k, keys=True) if t == "MEMBER_OF" and u in keep))
    sizes = node_sizes(keys, scores, labels)

    boxes: dict[str, tuple] = {}
    lgroups = None
    if group_by != "none" and core:
        by = group_by if group_by != "auto" else (
            "committee" if any(index.unit_committees.get(k) for k in core) else "area")
        lgroups = layout_groups(g, index, core, by)
        pos, boxes = boxed_layout(lgroups.members(), lgroups.parent, core_pairs, lgroups.hub, sizes)
    else:
        pos = layout(core, core_pairs)
    owners = {k: _layer_owner(g, index, k) for k in keys if k not in core_set and labels[k] != "Area"}
    kind_order = {k: LAYER_LABELS.index(labels[k]) for k in owners}
    pos.update(place_around({k: o for k, o in owners.items()}, pos, sizes, kind_order))
    pos.update(_area_positions(g, index, [k for k in keys if labels[k] == "Area"], pos))

    groupings = node_groupings(g, index, core, lgroups) if lgroups is not None else {}
    overviews = {name: overview(g, grp, core_pairs, boxes if grp is lgroups else None)
                 for name, grp in groupings.items() if 2 <= len(set(grp.of.values())) <= _OVERVIEW_LIMIT}
    start_layers = LAYER_LABELS if layers and "all" in layers else tuple(layers or _START_LAYERS.get(view, ()))
    start = {"mode": "net", "grouping": None, "layers": list(start_layers),
             "select": schema.node_key("Unit", unit) if view == "unit" else None}
    if group_by != "none" and overviews and len(core) > max_nodes:
        start.update(mode="overview", grouping=_start_grouping(overviews, group_by))

    ranked = sorted((k for k in core if labels[k] == "Unit"), key=lambda k: (-scores.get(k, 0.0), k))
    top = set(ranked[:TOP_LABELLED])
    # label priority: the most central units, then committees (the blocks), other units, the layers
    kinds = ("Committee", "Unit") + LAYER_LABELS
    order = ranked[:TOP_LABELLED] + sorted((k for k in keys if k not in top), key=lambda k: (
        kinds.index(labels[k]) if labels[k] in kinds else 9, -scores.get(k, 0.0), k))
    rank = {k: i for i, k in enumerate(dict.fromkeys(order))}
    group_of = {name: grp.of for name, grp in groupings.items()}

    nodes, type_counts = [], {}
    flags = marks.flags if marks else {}
    outlined = {k for s in marks.silos for k in s["members"]} if marks else set()
    for k in keys:
        a = g.nodes[k]
        ntype = node_type(a)
        type_counts[ntype] = type_counts.get(ntype, 0) + 1
        name = as_text(a.get("name", a.get("id", k)))
        owner = owners.get(k)
        rec = {
            "id": k, "text": short(name, 12), "name": name, "kind": labels[k], "type": ntype,
            "layer": labels[k] if k not in core_set else None, "own": owner,
            "title": f"{name}\n{type_zh(ntype)}", "size": sizes.get(k, 8), "x": pos[k][0], "y": pos[k][1],
            "rank": rank[k], "score": round(float(scores.get(k, 0.0)), 5),
            "cm": index.cm.get(k, []), "ar": index.ar.get(k, []), "ct": index.ct.get(k, []),
            "gs": {n: of.get(k, of.get(owner)) for n, of in group_of.items() if of.get(k, of.get(owner))},
        }
        if k in top:
            rec["top"] = True
        if k in flags:
            rec["flag"] = sorted({f["kind"] for f in flags[k]})
            # a silo is outlined as a whole (meta "silos"); its members are not each a fault
            marked = [f for f in flags[k] if not (f["kind"] == "silo" and k in outlined)]
            if marked:
                rec["sev"] = worst(marked) or "high"
            rec["title"] += "\n" + "；".join(dict.fromkeys(f["kindZh"] for f in flags[k]))
        nodes.append(rec)

    bridges = find_bridges(core, core_pairs) if view == "gaps" else {}
    names = {k: as_text(a.get("name", k)) for k, a in g.nodes(data=True)}
    out_edges, edge_types = [], {}
    for i, (u, v, k, d) in enumerate(edges):
        edge_types[k] = edge_types.get(k, 0) + 1
        rec = {"id": i, "from": u, "to": v, "type": k}
        if k == "TIE":
            rec["w"], rec["m"] = d["weight"], d["mask"]
        if d.get("title"):
            rec["title"] = d["title"]
        if k == "MATCH":
            rec["title"] = "拟匹配" + (f"，得分 {d['score']}" if "score" in d else "") + (
                f"，引荐单位 {d['broker']}" if "broker" in d else "")
            if "score" in d:
                rec["label"] = str(d["score"])
        cut = bridges.get((u, v)) or bridges.get((v, u))
        if cut:
            rec["bridge"] = cut
            rec["title"] = (f"关键联系（桥）：{names[u]} — {names[v]} 是两部分之间唯一的联系，"
                            f"去掉它，{cut} 个单位或委员会与主体失去联系。")
        out_edges.append(rec)

    details = {k: node_details(g, k, names) for k in keys}
    if marks:
        for k in set(marks.flags) | set(marks.notes):
            if k in details:
                details[k]["findings"] = marks.flags.get(k, []) + marks.notes.get(k, [])
    meta: dict = {"boxGrouping": ({"committee": "committee", "area": "street"}[lgroups.name]
                                  if lgroups is not None and boxes else None)}
    notice = ""
    if view == "gaps":
        kinds = [[zh, n, shown] for zh, n, shown in marks.kinds.values()]
        if bridges:
            kinds.append(["关键联系（桥）", len(bridges), len(bridges)])
        meta.update(findingKinds=kinds, findings=int(len(findings)) if findings is not None else 0, silos=marks.silos,
                    severity=[{"severity": s, "colour": c} for s, c in SEVERITY_COLOUR.items()])
        if not flags and not bridges:
            notice = "没有发现需要标出的问题（或未提供问题清单）。"
    if view == "matches":
        meta["matches"] = sum(1 for e in extra_edges if e[2] == "MATCH")
        if not meta["matches"]:
            notice = "没有拟匹配结果可显示。"
    if left_out:
        notice = (f"需求、资源、项目、党组织和区域共 {left_out} 个节点未放入本图（图太大）；"
                  "用 --committee 或 --area 缩小范围即可显示。" + (" " + notice if notice else ""))
    if start["mode"] == "overview":
        ov = overviews[start["grouping"]]
        notice = (f"本图共 {len(core)} 个成员单位和委员会，超过 {max_nodes} 个，先按{ov['zh']}分组显示（{len(ov['groups'])} 组）。"
                  "点击一组打开它；用 --committee、--unit 或 --area 缩小范围。" + (" " + notice if notice else ""))
    return MapData(
        title=title or _default_title(g, view, committee, unit, category, radius),
        view=view, nodes=nodes, edges=out_edges, legend=_legend(type_counts), edge_legend=_edge_legend(edge_types),
        filters=filter_choices(g, keys, index), details=details, notice=notice,
        grouped=start["grouping"], total_nodes=len(keys), meta=meta,
        boxes=[[gid, lgroups.names.get(gid, gid), *box] for gid, box in sorted(boxes.items())] if lgroups else [],
        overviews=overviews, start=start, styles=_styles(type_counts),
    )


def _start_grouping(overviews: dict, group_by: str) -> str:
    """The grouping a large map opens on: the committee boxes when asked for, else the finest
    grouping of at most :data:`_OVERVIEW_MAX_GROUPS` groups (the coarsest when none is that small)."""
    wanted = {"committee": "committee", "area": "street"}.get(group_by)
    if wanted in overviews:
        return wanted
    small = [n for n in GROUPINGS if n in overviews and len(overviews[n]["groups"]) <= _OVERVIEW_MAX_GROUPS]
    if small:
        return max(small, key=lambda n: len(overviews[n]["groups"]))
    return min(overviews, key=lambda n: len(overviews[n]["groups"]))


def _area_positions(g, index: Index, areas: list[str], pos: dict) -> dict[str, tuple[float, float]]:
    """An area at the middle of what is located in it (its own units and committees, else its sub-areas)."""
    inside: dict[str, list[tuple[float, float]]] = {}
    for k, a in index.unit_area.items():
        if k in pos:
            for anc in index.area_chain(a):
                inside.setdefault(anc, []).append(pos[k])
    out = {}
    for i, a in enumerate(sorted(areas, key=lambda a: (len(index.area_chain(a)), a))):
        pts = inside.get(a)
        if pts:
            x = sum(p[0] for p in pts) / len(pts)
            y = sum(p[1] for p in pts) / len(pts) - 40.0 * len(index.area_chain(a))
        else:
            x, y = -300.0 - 60.0 * (i % 10), -300.0 - 60.0 * (i // 10)
        out[a] = (round(x, 1), round(y, 1))
    return out


def _legend(type_counts: dict[str, int]) -> list[dict]:
    return [{"type": t, "name": type_zh(t), "colour": type_colour(t), "shape": LABEL_SHAPE.get(t.split(":")[0], "dot"),
             "count": c, "layer": t in LAYER_LABELS}
            for t, c in sorted(type_counts.items(), key=lambda x: legend_order(x[0]))]


def _edge_legend(edge_types: dict[str, int]) -> list[dict]:
    out = []
    for t, c in sorted(edge_types.items(), key=lambda x: (x[0] not in _CORE_EDGES, x[0])):
        zh, colour, dashes, _, _ = RELATION_STYLE.get(t, (t, "#90a4ae", False, 1.0, False))
        out.append({"type": t, "name": zh, "colour": colour, "dashes": dashes, "count": c})
    return out


def _styles(type_counts: dict[str, int]) -> dict:
    """Colours and shapes per node type, line styles per tie type, for the page's script."""
    return {
        "nodes": {t: {"colour": type_colour(t), "shape": LABEL_SHAPE.get(t.split(":")[0], "dot")} for t in type_counts},
        "edges": {t: {"colour": c, "dashes": d, "width": w, "arrow": a, "zh": zh}
                  for t, (zh, c, d, w, a) in RELATION_STYLE.items()},
        "severity": SEVERITY_COLOUR,
    }


def _default_title(g, view, committee, unit, category, radius) -> str:
    if view == "committee":
        return f"{g.nodes[schema.node_key('Committee', committee)].get('name', committee)}：成员网络"
    if view == "unit":
        return f"{g.nodes[schema.node_key('Unit', unit)].get('name', unit)}：{radius} 步以内的关系"
    if view == "category":
        code = vocab.normalise("category", category) or category
        return f"{vocab.zh_label('category', code)}：供给与需求"
    return {"network": "协调网络：成员单位与委员会", "gaps": "协调网络：薄弱环节", "matches": "需求与资源拟匹配"}[view]


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
