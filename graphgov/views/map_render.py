"""A map as one self-contained, offline HTML page: the page data, safe embedding, templates.

:func:`render_map` writes a :class:`MapData` into one HTML page: vis-network (the copy pyvis
ships) and graphgov's own small CSS and script inline, the data as JSON in a
``<script type="application/json">`` block escaped for HTML, and a Content-Security-Policy
that forbids every network request. Templates are in ``graphgov/views/templates/``.
"""
from __future__ import annotations

import base64
import functools
import hashlib
import html
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["MapData", "json_for_script", "vis_network_js", "fill_template", "render_map", "map_scripts", "csp",
           "script_hash", "app_js"]

_TEMPLATES = Path(__file__).resolve().parent / "templates"


@dataclass
class MapData:
    """Everything a map page shows, ready to be serialised.

    ``nodes``: ``id``, ``text`` (the label), ``name``, ``kind``, ``type`` (legend type), ``layer``
    (None for units and committees, else the node kind it is shown with), ``own`` (the unit
    a layer node sits beside), ``size``, ``x``, ``y``, ``rank`` (label priority), ``score``,
    ``cm`` committees, ``ar`` areas, ``ct`` categories, ``gs`` group per overview grouping,
    ``top`` (always labelled), ``flag``/``sev`` (findings). ``edges``: ``from``, ``to``,
    ``type`` and ``w``, ``title``, ``label``, ``bridge``. ``details`` maps a node id to its
    detail-panel record; ``boxes`` are the layout's groups ``[id, name, x0, y0, x1, y1]``;
    ``overviews`` the grouped overviews by grouping; ``start`` how the page opens.
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
    boxes: list = field(default_factory=list)
    overviews: dict = field(default_factory=dict)
    start: dict = field(default_factory=dict)
    styles: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        """The page's data, compact: edges as columns of node indexes, node records without
        empty fields, detail lists as node keys with the names of keys not on the map beside."""
        index = {n["id"]: i for i, n in enumerate(self.nodes)}
        types = sorted({e["type"] for e in self.edges})
        type_index = {t: i for i, t in enumerate(types)}
        extra = ("title", "label", "bridge")
        edges = {
            "types": types,
            "from": [index[e["from"]] for e in self.edges],
            "to": [index[e["to"]] for e in self.edges],
            "type": [type_index[e["type"]] for e in self.edges],
            "w": [e.get("w", 0) for e in self.edges],
            "m": [e.get("m", 0) for e in self.edges],
            "more": {str(i): {k: e[k] for k in extra if k in e} for i, e in enumerate(self.edges)
                     if any(k in e for k in extra)},
        }
        nodes = []
        for n in self.nodes:
            rec = {k: v for k, v in n.items() if v not in (None, [], {}, "") and k != "title"}
            if rec.get("text") == rec.get("name"):
                del rec["text"]
            nodes.append(rec)
        names: dict[str, str] = {}
        details = {}
        for key, d in self.details.items():
            sections = []
            for title, items in d["sections"]:
                for k, name in items:
                    if k not in index:
                        names[k] = name
                sections.append([title, [k for k, _ in items]])
            details[key] = {**d, "sections": sections}
        return {
            "title": self.title,
            "view": self.view,
            "nodes": nodes,
            "edges": edges,
            "legend": self.legend,
            "edgeLegend": self.edge_legend,
            "filters": self.filters,
            "details": details,
            "names": names,
            "notice": self.notice,
            "grouped": self.grouped,
            "totalNodes": self.total_nodes,
            "meta": self.meta,
            "boxes": self.boxes,
            "overviews": self.overviews,
            "start": self.start,
            "styles": self.styles,
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


def _vis_dir() -> Path:
    # found without importing pyvis (whose import pulls in IPython: seconds)
    import importlib.util

    spec = importlib.util.find_spec("pyvis")
    if spec is None or spec.origin is None:
        raise FileNotFoundError("pyvis is not installed; it ships the vis-network the maps use")
    return Path(spec.origin).resolve().parent / "lib"


@functools.lru_cache(maxsize=1)
def vis_network_js() -> str:
    """The vis-network bundle pyvis ships (read from pyvis's package, never fetched)."""
    lib = _vis_dir()
    candidates = sorted(lib.glob("vis-*/vis-network.min.js"), key=lambda p: [int(x) for x in re.findall(r"\d+", p.parent.name)])
    if not candidates:
        raise FileNotFoundError(f"vis-network.min.js not found under {lib}; reinstall pyvis")
    text = candidates[-1].read_text(encoding="utf-8")
    # a literal "</script" inside an inline script would end it early
    return text.replace("</script", "<\\/script").replace("<!--", "<\\!--")


FONT = "Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"


def _vis_options() -> dict:
    """vis-network options: positions come from Python, labels from the page's own label layer."""
    return {
        "nodes": {"font": {"size": 0, "face": FONT}, "borderWidth": 1, "shape": "dot"},
        "edges": {"smooth": False, "color": {"inherit": False}, "selectionWidth": 1.5,
                  "font": {"size": 11, "face": FONT, "strokeWidth": 3, "align": "middle"}},
        "interaction": {"hover": True, "tooltipDelay": 200, "hideEdgesOnDrag": True, "hideEdgesOnZoom": False,
                        "multiselect": False, "navigationButtons": False, "keyboard": False, "zoomSpeed": 0.6},
        "layout": {"improvedLayout": False},
        "physics": {"enabled": False, "stabilization": {"enabled": False}},
    }


def script_hash(text: str) -> str:
    """The CSP source that lets exactly this inline script run (``'sha256-…'``)."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


# -- rendering -------------------------------------------------------------------------

def _template(name: str) -> str:
    return (_TEMPLATES / name).read_text(encoding="utf-8")


def fill_template(template: str, values: dict[str, str]) -> str:
    """Replace ``{{NAME}}`` markers in one pass, so inserted text is never scanned again."""
    return re.sub(r"\{\{([A-Z_]+)\}\}", lambda m: values[m.group(1)], template)


APP_SCRIPTS = ("map_core.js", "map_labels.js", "map_panels.js", "map_export.js")


def app_js() -> str:
    """graphgov's page script: the template files in order, one script."""
    return "\n".join(_template(name) for name in APP_SCRIPTS)


def map_scripts() -> list[str]:
    """The inline scripts of a map page, as written: vis-network, then graphgov's own."""
    return [vis_network_js(), app_js()]


def csp(scripts: list[str], extra: str = "") -> str:
    """A Content-Security-Policy that lets only ``scripts`` run: no 'unsafe-inline', so an
    injected inline handler or ``<script>`` is refused even if escaping is ever missed."""
    hashes = " ".join(script_hash(s) for s in scripts) or "'none'"
    return (f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; img-src data: blob:; "
            f"font-src data:; base-uri 'none'; form-action 'none'{extra}")


def render_map(data: MapData) -> str:
    """The map as one self-contained HTML page (no network request: see the module docstring)."""
    payload = data.to_json()
    payload["options"] = _vis_options()
    vis_js, page_js = map_scripts()
    return fill_template(_template("map.html"), {
        "CSP": html.escape(csp([vis_js, page_js]), quote=False),  # no double quote in it: the attribute stays readable
        "TITLE": html.escape(data.title),
        "CSS": _template("map.css"),
        "VIS_JS": vis_js,
        "APP_JS": page_js,
        "DATA": json_for_script(payload),
    })
