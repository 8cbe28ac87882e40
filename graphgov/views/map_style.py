"""How map nodes and edges look and read: the views' choices, shapes, colours, edge styles, Chinese text.

The constants are what a planner sees (node labels and tie types in Chinese, one colour per
unit type, one line style per tie type); the helpers turn a node's attributes into that text:
its type and colour, a short label, its values in Chinese and its detail-panel record.
"""
from __future__ import annotations

from datetime import date, datetime

import networkx as nx
import numpy as np
import pandas as pd

from graphgov.dataset import schema, vocab

__all__ = [
    "VIEWS",
    "SIZE_BY",
    "GROUP_BY",
    "DEFAULT_MAX_NODES",
    "CORE_LABELS",
    "LAYER_LABELS",
    "LABEL_ZH",
    "LABEL_SHAPE",
    "LABEL_COLOUR",
    "UNIT_TYPE_COLOUR",
    "UNIT_OTHER_COLOUR",
    "RELATION_STYLE",
    "SEVERITY_COLOUR",
    "as_text",
    "format_evidence",
    "display_value",
    "column_zh",
    "node_type",
    "type_zh",
    "type_colour",
    "short",
    "node_details",
    "legend_order",
]

VIEWS = ("network", "committee", "unit", "category", "gaps", "matches")
SIZE_BY = ("betweenness", "degree", "pagerank")
GROUP_BY = ("auto", "committee", "area", "none")
DEFAULT_MAX_NODES = 3000

# What planners see for each node label (display text, kept beside the styles that use it).
LABEL_ZH = {
    "Area": "区域",
    "Committee": "协调委员会",
    "Unit": "成员单位",
    "PartyOrg": "党组织",
    "Need": "需求",
    "Resource": "资源",
    "Project": "项目",
    "Group": "节点组",
}
LABEL_SHAPE = {
    "Area": "square",
    "Committee": "diamond",
    "Unit": "dot",
    "PartyOrg": "dot",
    "Need": "triangle",
    "Resource": "triangleDown",
    "Project": "star",
    "Group": "hexagon",
}
LABEL_COLOUR = {
    "Area": "#9e9e9e",
    "Committee": "#c62828",
    "PartyOrg": "#ef9a9a",
    "Need": "#f57c00",
    "Resource": "#2e7d32",
    "Project": "#6a1b9a",
    "Group": "#546e7a",
}
UNIT_TYPE_COLOUR = {
    "government": "#1565c0",
    "railway": "#00838f",
    "transit": "#0097a7",
    "state_enterprise": "#5d4037",
    "private_enterprise": "#8d6e63",
    "social_org": "#7cb342",
    "university": "#3949ab",
    "research_institute": "#5c6bc0",
    "hospital": "#d81b60",
    "school": "#fbc02d",
    "police": "#283593",
    "military": "#33691e",
    "community": "#f06292",
}
UNIT_OTHER_COLOUR = "#78909c"

# Edge style per relationship type: Chinese name, colour, dashes, width, arrow.
RELATION_STYLE = {
    "MEMBER_OF": ("委员会成员", "#c62828", False, 2.0, False),
    "AGREEMENT": ("共建协议", "#1565c0", [8, 4], 2.5, False),
    "RAISES": ("提出需求", "#f57c00", False, 1.2, True),
    "OFFERS": ("提供资源", "#2e7d32", False, 1.2, True),
    "LEADS": ("牵头项目", "#6a1b9a", False, 1.8, True),
    "PARTICIPATES_IN": ("参与项目", "#ab47bc", [4, 3], 1.2, True),
    "ADDRESSES": ("项目对接需求", "#8e24aa", [2, 3], 1.2, True),
    "REPORTS_TO": ("隶属上级", "#757575", [10, 3, 2, 3], 1.5, True),
    "BELONGS_TO": ("党组织所属", "#e57373", [2, 2], 1.0, False),
    "LOCATED_IN": ("位于", "#bdbdbd", [1, 4], 0.8, False),
    "PART_OF": ("区域隶属", "#9e9e9e", [1, 4], 1.0, False),
    "MATCH": ("拟匹配（需求→资源）", "#00c853", [6, 3], 3.0, True),
    "GROUP_TIE": ("组间联系", "#90a4ae", False, 1.0, False),
    "SUGGESTED_TIE": ("建议结对", "#00bfa5", [3, 5], 3.0, False),
    "TIE": ("协作联系（项目、协议、党组织）", "#5c6bc0", False, 1.0, False),
    "BROKER": ("引荐", "#00897b", [2, 4], 1.5, True),
}

# Node kinds shown as layers over the coordination network (units and committees).
CORE_LABELS = ("Unit", "Committee")
LAYER_LABELS = ("Need", "Resource", "Project", "PartyOrg", "Area")

# How the gaps view marks findings (kinds and their Chinese names: graphgov.analysis.gaps).
SEVERITY_COLOUR = {"high": "#d50000", "medium": "#ff6d00", "low": "#ffd600"}

_LABEL_TABLE = {t.label: t for t in schema.node_tables()}


# -- text of nodes -------------------------------------------------------------------


def as_text(value) -> str:
    """A value as display text: ``""`` for None, dates as ``YYYY-MM-DD``."""
    if value is None:
        return ""
    if isinstance(value, (pd.Timestamp, datetime)):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def format_evidence(value) -> str:
    """A finding's evidence or a match's reasons as one line of text (dicts as ``key：value；…``)."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, dict):
        parts = []
        for k, v in value.items():
            text = format_evidence(v)
            if text:
                parts.append(f"{k}：{text}")
        return "；".join(parts)
    if isinstance(value, (list, tuple, set, np.ndarray)):
        return "、".join(t for t in (format_evidence(v) for v in value) if t)
    return as_text(value)


def display_value(label: str, column: str, value) -> str:
    """A column value as planners read it: codes of a vocabulary as their Chinese label."""
    t = _LABEL_TABLE.get(label)
    if t is not None:
        try:
            col = t.column(column)
        except KeyError:
            col = None
        if col is not None and col.enum:
            return vocab.zh_label(col.enum, str(value))
        if col is not None and col.kind == "category":
            return vocab.zh_label("category", str(value))
    return as_text(value)


def column_zh(label: str, column: str) -> str:
    """A column's Chinese header (its first Chinese name in the schema), else its English name."""
    t = _LABEL_TABLE.get(label)
    if t is not None:
        try:
            col = t.column(column)
            if col.zh:
                return col.zh[0]
        except KeyError:
            pass
    return column


def node_type(attrs: dict) -> str:
    """The legend type of a node: its label, or ``Unit:<unit type>`` (``Unit:other`` for unknown types)."""
    label = attrs.get("label")
    if label == "Unit":
        t = attrs.get("type")
        return f"Unit:{t}" if t in UNIT_TYPE_COLOUR else "Unit:other"
    return label


def type_zh(node_type: str) -> str:
    """The Chinese name of a legend type."""
    if node_type.startswith("Unit:"):
        code = node_type.split(":", 1)[1]
        return "成员单位·" + (vocab.zh_label("unit_type", code) if code != "other" else "其他")
    return LABEL_ZH.get(node_type, node_type)


def type_colour(node_type: str) -> str:
    """The fill colour of a legend type."""
    if node_type.startswith("Unit:"):
        return UNIT_TYPE_COLOUR.get(node_type.split(":", 1)[1], UNIT_OTHER_COLOUR)
    return LABEL_COLOUR.get(node_type, "#607d8b")


def short(name: str, limit: int = 14) -> str:
    """``name`` cut to ``limit`` characters with an ellipsis, for node labels."""
    return name if len(name) <= limit else name[: limit - 1] + "…"


# -- detail panel and legend --------------------------------------------------------

_UNIT_SECTIONS = ("所属委员会", "提出的需求", "提供的资源", "牵头的项目", "参与的项目", "共建协议单位", "党组织")


def node_details(g: nx.MultiDiGraph, key: str, names: dict[str, str]) -> dict:
    """The detail-panel record of a node: its columns in Chinese and its ties grouped by kind."""
    a = g.nodes[key]
    label = a.get("label")
    rows = []
    for col, value in a.items():
        if col in ("label", "name") or value is None or value == "":
            continue
        if col.endswith("_id") or col == "need_ids":
            ref_label = {"unit_id": "Unit", "area_id": "Area", "parent_id": label, "lead_unit_id": "Unit",
                         "committee_id": "Committee"}.get(col)
            if ref_label and schema.node_key(ref_label, str(value)) in g:
                value = f"{g.nodes[schema.node_key(ref_label, str(value))].get('name', value)}（{value}）"
        rows.append([column_zh(label, col), display_value(label, col, value)])
    sections: dict[str, list] = {}

    def add(section: str, other: str):
        sections.setdefault(section, []).append([other, names[other]])

    for _, v, k in g.out_edges(key, keys=True):
        if label == "Unit":
            sec = {"MEMBER_OF": "所属委员会", "RAISES": "提出的需求", "OFFERS": "提供的资源", "LEADS": "牵头的项目",
                   "PARTICIPATES_IN": "参与的项目", "AGREEMENT": "共建协议单位"}.get(k)
        elif label == "Project":
            sec = {"ADDRESSES": "对接的需求"}.get(k)
        elif label == "Committee":
            sec = {"REPORTS_TO": "上级委员会"}.get(k)
        elif label == "PartyOrg":
            sec = {"BELONGS_TO": "所属单位", "REPORTS_TO": "上级党组织"}.get(k)
        else:
            sec = None
        if sec:
            add(sec, v)
    for u, _, k in g.in_edges(key, keys=True):
        if label == "Unit":
            sec = {"AGREEMENT": "共建协议单位", "BELONGS_TO": "党组织"}.get(k)
        elif label == "Committee":
            sec = {"MEMBER_OF": "成员单位", "REPORTS_TO": "下级委员会"}.get(k)
        elif label == "Need":
            sec = {"RAISES": "提出单位", "ADDRESSES": "对接的项目"}.get(k)
        elif label == "Resource":
            sec = {"OFFERS": "提供单位"}.get(k)
        elif label == "Project":
            sec = {"LEADS": "牵头单位", "PARTICIPATES_IN": "参与单位"}.get(k)
        elif label == "Area":
            sec = {"PART_OF": "下级区域"}.get(k) if u.startswith("Area:") else None
        else:
            sec = None
        if sec:
            add(sec, u)
    if label == "Unit":
        for sec in _UNIT_SECTIONS[:5]:
            sections.setdefault(sec, [])
    order = {name: i for i, name in enumerate(_UNIT_SECTIONS)}
    sections = dict(sorted(sections.items(), key=lambda item: order.get(item[0], len(order))))
    return {"name": as_text(a.get("name", key)), "kind": LABEL_ZH.get(label, label), "rows": rows,
            "sections": [[s, items] for s, items in sections.items()]}


def legend_order(node_type: str):
    """Sort key of a legend type: committees first, then units, lists, areas, groups."""
    order = ["Committee", "Unit", "PartyOrg", "Need", "Resource", "Project", "Area", "Group"]
    base = node_type.split(":")[0]
    return (order.index(base) if base in order else 99, node_type)
