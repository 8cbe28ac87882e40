"""A map of what changed: the units of two moments of a network, with new ties and members marked.

Built from the change tables of :func:`graphgov.analysis.compare.compare` and the two
states they compare, with the map's own parts (:class:`~graphgov.views.map_render.MapData`,
layout, colours, detail panels), and rendered like every map into one offline HTML file.
Units are coloured by type; a member unit that joined has a green ring, one that left
is faded. Ties kept are thin and grey, ties gained green and thick, ties lost dashed and
faded. Each unit's panel says what changed for it (joined, left, rank up or down).
"""
from __future__ import annotations

import math
import os
from pathlib import Path

import pandas as pd

from graphgov.analysis.compare import snapshot
from graphgov.analysis.graph import to_networkx
from graphgov.analysis.network import build_network
from graphgov.dataset import schema
from graphgov.store.tables import key_frame
from graphgov.views.map_layout import layout
from graphgov.views.map_render import MapData, render_map
from graphgov.views.map_scope import Index, filter_choices
from graphgov.views.map_style import as_text, legend_order, node_details, node_type, short, type_colour, type_zh

__all__ = ["build_change_map", "write_change_map", "CHANGE_STYLE", "MAX_UNITS"]

# edge kind: (Chinese name, colour, dashes, width, opacity)
CHANGE_STYLE = {
    "TIE_KEPT": ("保持的联系", "#b0bec5", False, 1.0, 0.3),
    "TIE_GAINED": ("新增联系", "#2e7d32", False, 3.0, 0.95),
    "TIE_LOST": ("失去的联系", "#9e9e9e", True, 1.5, 0.35),
}
JOINED_COLOUR = "#2e7d32"
MAX_UNITS = 1500  # above this, only the units a change touches are drawn


def _union(old: dict, new: dict) -> dict[str, pd.DataFrame]:
    """Every row of either state, the new one's values first (keys from the schema)."""
    out = {}
    for name in set(old) | set(new):
        try:
            t = schema.table(name)
        except KeyError:
            continue
        frames = [df for df in (new.get(name), old.get(name)) if df is not None and not df.empty]
        if not frames:
            continue
        both = pd.concat(frames, ignore_index=True)
        out[name] = both[~key_frame(both, t.key).duplicated()].reset_index(drop=True)
    return out


def _pairs(df: pd.DataFrame, change: str) -> list[tuple[str, str]]:
    rows = df[df["change"] == change]["subject_id"]
    return [tuple(s.split(" ", 1)) for s in rows]


def build_change_map(old: dict, new: dict, changes: dict[str, pd.DataFrame], title: str | None = None) -> MapData:
    """The map data of the changes between the tables ``old`` and ``new`` (as :func:`compare` saw them)."""
    attrs = changes["ties"].attrs
    old_t = snapshot(old, attrs["old_as_of"])
    new_t = snapshot(new, attrs["new_as_of"])
    union = _union(old_t, new_t)
    g = to_networkx(union)
    index = Index(g)
    net = build_network(new_t)
    e = net.edges[net.edges["source"].str.startswith("Unit:") & net.edges["target"].str.startswith("Unit:")]
    kept = {tuple(sorted((a[5:], b[5:]))) for a, b in zip(e["source"], e["target"])}
    gained, lost = set(_pairs(changes["ties"], "gained")), set(_pairs(changes["ties"], "lost"))
    kept -= gained
    members = changes["members"]
    joined = {s.split(" ", 1)[0] for s in members.loc[members["change"] == "joined", "subject_id"]}
    still = set(new_t["memberships"]["unit_id"]) if "memberships" in new_t else set()
    left = {s.split(" ", 1)[0] for s in members.loc[members["change"] == "left", "subject_id"]} - still
    moved = {r.subject_id: r for r in changes["centrality"].itertuples(index=False)}

    touched = joined | left | set(moved) | {u for pair in gained | lost for u in pair}
    units = [k[5:] for k in g.nodes if k.startswith("Unit:")]
    shown = sorted(u for u in units if len(units) <= MAX_UNITS or u in touched)
    keep = set(shown)
    ties = [(a, b, kind) for kind, pairs in (("TIE_KEPT", kept), ("TIE_GAINED", gained), ("TIE_LOST", lost))
            for a, b in sorted(pairs) if a in keep and b in keep]
    keys = [schema.node_key("Unit", u) for u in shown]
    pos = layout(keys, [(schema.node_key("Unit", a), schema.node_key("Unit", b)) for a, b, _ in ties])
    degree = {u: 0 for u in shown}
    for a, b, kind in ties:
        if kind != "TIE_LOST":
            degree[a] += 1
            degree[b] += 1
    top = max(degree.values(), default=0) or 1

    names = {k: as_text(a.get("name", k)) for k, a in g.nodes(data=True)}
    nodes, details, type_counts = [], {}, {}
    for u, key in zip(shown, keys):
        a = g.nodes[key]
        ntype = node_type(a)
        type_counts[ntype] = type_counts.get(ntype, 0) + 1
        colour = type_colour(ntype)
        name = as_text(a.get("name", u))
        notes = []
        rec = {"id": key, "label": short(name), "name": name, "kind": "Unit", "type": ntype, "shape": "dot",
               "size": round(10 + 22 * math.sqrt(degree[u] / top), 2), "x": pos[key][0], "y": pos[key][1],
               "color": {"background": colour, "border": colour}, "cm": index.cm.get(key, []),
               "ar": index.ar.get(key, []), "ct": index.ct.get(key, [])}
        if u in joined:
            notes.append("新加入委员会")
            rec.update(borderWidth=5, color={"background": colour, "border": JOINED_COLOUR})
        if u in left:
            notes.append("已退出")
            rec["opacity"] = 0.3
        if u in moved:
            r = moved[u]
            notes.append(f"中心度排名{'上升' if r.change == 'rose' else '下降'}：{r.old} → {r.new}")
        rec["title"] = "\n".join([name, type_zh(ntype), *notes])
        if notes:
            rec["flag"] = notes
        nodes.append(rec)
        details[key] = node_details(g, key, names)
        if notes:
            details[key]["rows"] = [["变化", "；".join(notes)]] + details[key]["rows"]
    edges, counts = [], {}
    for i, (a, b, kind) in enumerate(ties):
        zh, colour, dashes, width, opacity = CHANGE_STYLE[kind]
        counts[kind] = counts.get(kind, 0) + 1
        edges.append({"id": i, "from": schema.node_key("Unit", a), "to": schema.node_key("Unit", b), "type": kind,
                      "color": {"color": colour, "opacity": opacity}, "dashes": dashes, "width": width, "title": zh})
    legend = [{"type": t, "name": type_zh(t), "colour": type_colour(t), "shape": "dot", "count": c}
              for t, c in sorted(type_counts.items(), key=lambda x: legend_order(x[0]))]
    edge_legend = [{"type": k, "name": CHANGE_STYLE[k][0], "colour": CHANGE_STYLE[k][1], "dashes": CHANGE_STYLE[k][2],
                    "count": counts.get(k, 0)} for k in CHANGE_STYLE]
    period = f"{attrs['old_as_of']} → {attrs['new_as_of']}"
    notice = (f"{period}：新增联系 {len(gained)} 条，失去联系 {len(lost)} 条；新加入委员会的成员单位 {len(joined)} 个"
              f"（绿色外圈），退出的 {len(left)} 个（淡色）。")
    if len(units) > MAX_UNITS:
        notice += f" 单位超过 {MAX_UNITS} 个，只画出有变化的 {len(shown)} 个。"
    return MapData(title=title or f"协调网络的变化（{period}）", view="changes", nodes=nodes, edges=edges,
                   legend=legend, edge_legend=edge_legend, filters=filter_choices(g, keys, index), details=details,
                   notice=notice, total_nodes=len(shown),
                   meta={"changes": {k: int(len(df)) for k, df in changes.items()}})


def write_change_map(path: str | os.PathLike, old: dict, new: dict, changes: dict[str, pd.DataFrame],
                     title: str | None = None) -> MapData:
    """Build the change map and write it to ``path`` (beside it first, then renamed)."""
    data = build_change_map(old, new, changes, title)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(render_map(data), encoding="utf-8")
    os.replace(tmp, path)
    return data
