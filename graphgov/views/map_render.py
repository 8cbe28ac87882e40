"""A map as one self-contained, offline HTML page: the page data, safe embedding, templates.

:func:`render_map` writes a :class:`MapData` into one HTML page: vis-network (the copy pyvis
ships) and graphgov's own small CSS and script inline, the data as JSON in a
``<script type="application/json">`` block escaped for HTML, and a Content-Security-Policy
that forbids every network request. Templates are in ``graphgov/views/templates/``.
"""
from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["MapData", "json_for_script", "vis_network_js", "fill_template", "render_map"]

_TEMPLATES = Path(__file__).resolve().parent / "templates"


@dataclass
class MapData:
    """Everything a map page shows, ready to be serialised.

    ``nodes`` and ``edges`` are vis-network records (with graphgov's extra fields:
    ``key``, ``kind``, ``name``, ``cm`` committees, ``ar`` areas, ``ct`` categories,
    ``flag`` finding kinds); ``details`` maps a node id to its detail-panel record.
    """

    title: str
    view: str
    nodes: list[dict]
    edges: list[dict]
    legend: list[dict]
    edge_legend: list[dict]
    filters: dict
    details: dict
    notice: str = ""
    grouped: str | None = None
    total_nodes: int = 0
    meta: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        return {
            "title": self.title,
            "view": self.view,
            "nodes": self.nodes,
            "edges": self.edges,
            "legend": self.legend,
            "edgeLegend": self.edge_legend,
            "filters": self.filters,
            "details": self.details,
            "notice": self.notice,
            "grouped": self.grouped,
            "totalNodes": self.total_nodes,
            "meta": self.meta,
        }


# -- safe embedding ----------------------------------------------------------------

_SCRIPT_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_SCRIPT_ESCAPE_RE = re.compile("[<>&\u2028\u2029]")


def _json_default(value):
    if isinstance(value, (date, datetime, pd.Timestamp)):
        return value.isoformat()[:10]
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    return str(value)


def json_for_script(obj) -> str:
    """JSON text safe inside an HTML ``<script>`` element.

    ``<``, ``>`` and ``&`` become ``\\u003c``-style escapes (so no ``</script>`` or
    ``<!--`` can end or confuse the element) and U+2028/U+2029 are escaped too.

    >>> json_for_script({"name": "</script><b>"})
    '{"name": "\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e"}'
    """
    text = json.dumps(obj, ensure_ascii=False, default=_json_default, allow_nan=False)
    return _SCRIPT_ESCAPE_RE.sub(lambda m: _SCRIPT_ESCAPES[m.group(0)], text)


def vis_network_js() -> str:
    """The vis-network bundle pyvis ships (read from pyvis's package, never fetched)."""
    import pyvis

    lib = Path(pyvis.__file__).resolve().parent / "lib"
    candidates = sorted(lib.glob("vis-*/vis-network.min.js"), key=lambda p: [int(x) for x in re.findall(r"\d+", p.parent.name)])
    if not candidates:
        raise FileNotFoundError(f"vis-network.min.js not found under {lib}; reinstall pyvis")
    text = candidates[-1].read_text(encoding="utf-8")
    # a literal "</script" inside an inline script would end it early
    return text.replace("</script", "<\\/script").replace("<!--", "<\\!--")


def _vis_options(physics: bool) -> dict:
    """vis-network options, starting from pyvis's defaults."""
    from pyvis.network import Network

    net = Network(cdn_resources="remote")
    net.toggle_physics(physics)
    opts = json.loads(net.options.to_json())
    opts.setdefault("nodes", {}).update(
        {"font": {"size": 14, "face": "Noto Sans CJK SC, Noto Sans SC, Microsoft YaHei, PingFang SC, sans-serif"},
         "borderWidth": 1, "scaling": {"label": {"drawThreshold": 6}}}
    )
    opts.setdefault("edges", {}).update({"smooth": False, "color": {"inherit": False}, "selectionWidth": 2})
    opts["interaction"] = {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": True, "multiselect": False,
                           "navigationButtons": False, "keyboard": False}
    opts["layout"] = {"improvedLayout": False}
    opts["physics"] = {"enabled": physics, "stabilization": {"enabled": physics}}
    return opts


# -- rendering -------------------------------------------------------------------------

def _template(name: str) -> str:
    return (_TEMPLATES / name).read_text(encoding="utf-8")


def fill_template(template: str, values: dict[str, str]) -> str:
    """Replace ``{{NAME}}`` markers in one pass, so inserted text is never scanned again."""
    return re.sub(r"\{\{([A-Z_]+)\}\}", lambda m: values[m.group(1)], template)


def render_map(data: MapData, physics: bool = False) -> str:
    """The map as one self-contained HTML page (no network request: see the module docstring)."""
    payload = data.to_json()
    payload["options"] = _vis_options(physics)
    return fill_template(_template("map.html"), {
        "TITLE": html.escape(data.title),
        "CSS": _template("map.css"),
        "VIS_JS": vis_network_js(),
        "APP_JS": _template("map.js"),
        "DATA": json_for_script(payload),
    })
