"""Map pages escape the names they show as text, in every view (no browser needed).

A unit, committee or category named like markup, or a hostile ``--title``, must reach the
page as text: the page's own markup has no element or attribute that came from a name,
and the ``<title>`` reads back as the name. (tests/test_maps_browser.py runs the pages in
Chromium; this test needs only Python's HTML parser, so it runs everywhere.)
"""
from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from graphgov.cli import cli
from graphgov.views.map_render import MapData, json_for_script, render_map, vis_network_js

from conftest import write_dataset

# "</title>" ends the title element whatever the parser; the handler is what would run
EVIL = "</title><img src=x onerror=alert(1)>"
UNIT = f"站区单位{EVIL}"
COMMITTEE = f"委员会{EVIL}"
CATEGORY = f"类别{EVIL}"
TITLE = f"标题{EVIL}"


def tables() -> dict[str, list[dict]]:
    units = [{"id": "U1", "name": UNIT, "type": "railway", "area_id": "A1"},
             {"id": "U2", "name": "安保公司", "type": "private_enterprise", "area_id": "A1"},
             {"id": "U3", "name": "街道办事处", "type": "government", "area_id": "A1"}]
    return {
        "areas": [{"id": "A1", "name": "东风街道", "level": "street"}],
        "committees": [{"id": "K1", "name": COMMITTEE, "level": "street", "area_id": "A1"}],
        "units": units,
        "memberships": [{"unit_id": u["id"], "committee_id": "K1"} for u in units],
        "needs": [{"id": "N1", "title": "站前安保", "category": CATEGORY, "unit_id": "U1", "raised": "2024-01-01"},
                  {"id": "N2", "title": "夜间巡逻", "category": "safety", "unit_id": "U1", "raised": "2024-01-01"}],
        "resources": [{"id": "R1", "title": "保安力量", "category": "safety", "unit_id": "U2", "capacity": 2}],
    }


class Page(HTMLParser):
    """The elements and attributes of a page, and the text of its <title>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[str] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += [name for name, _ in attrs]
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    return write_dataset(tmp_path_factory.mktemp("evil") / "data", tables())


VIEWS = [
    (["--view", "network", "--title", TITLE], TITLE),
    (["--view", "gaps", "--title", TITLE], TITLE),
    (["--view", "matches", "--title", TITLE], TITLE),
    (["--view", "committee", "--committee", "K1"], COMMITTEE),
    (["--view", "unit", "--unit", "U1"], UNIT),
    (["--view", "category", "--category", CATEGORY], CATEGORY),
]


def test_every_view_of_the_map_command_is_here():
    """A new view must join VIEWS above (and so this test)."""
    from graphgov.views.map_style import VIEWS as ALL

    assert sorted(ALL) == sorted(args[1] for args, _ in VIEWS)


@pytest.mark.parametrize("args, shown", VIEWS, ids=[a[1] for a, _ in VIEWS])
def test_title_and_names_are_text_in_every_view(dataset, tmp_path, args, shown):
    out = tmp_path / "map.html"
    result = CliRunner().invoke(cli, ["map", "--from", str(dataset), *args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    page = Page()
    page.feed(text)
    assert "img" not in page.tags and "onerror" not in page.attributes
    assert shown in page.title  # the name reads back whole, as text
    assert EVIL not in text  # nowhere on the page as raw markup (the data block escapes '<' too)


# -- the pieces that embed data in the page ------------------------------------------------------------
def test_json_for_script_escapes_what_could_end_or_confuse_the_element():
    value = {"name": "</script><!--&\u2028\u2029", "城市": "朝阳"}
    text = json_for_script(value)
    assert text == '{"name": "\\u003c/script\\u003e\\u003c!--\\u0026\\u2028\\u2029", "城市": "朝阳"}'
    assert json.loads(text) == value  # still the same data to the page's script


def test_json_for_script_takes_the_values_maps_hold_and_refuses_nan():
    value = {"day": dt.date(2024, 3, 1), "stamp": pd.Timestamp("2024-03-01 10:30"), "count": np.int64(3),
             "share": np.float32(0.5), "kinds": {"silo"}, "other": Path("a")}
    assert json.loads(json_for_script(value)) == {"day": "2024-03-01", "stamp": "2024-03-01", "count": 3,
                                                  "share": 0.5, "kinds": ["silo"], "other": "a"}
    with pytest.raises(ValueError):  # NaN is not JSON: the page's JSON.parse would fail
        json_for_script({"x": float("nan")})


def test_vis_network_is_the_newest_bundle_with_closing_tags_escaped(tmp_path, monkeypatch):
    lib = tmp_path / "pyvis" / "lib"
    for version, text in [("9.0.4", "old"), ("9.1.2", "older"), ("10.0.0", 'var a="</script>";/*<!--*/')]:
        (lib / f"vis-{version}").mkdir(parents=True)
        (lib / f"vis-{version}" / "vis-network.min.js").write_text(text, encoding="utf-8")
    import graphgov.views.map_render as map_render

    monkeypatch.setattr(map_render, "_vis_dir", lambda: lib)  # pyvis's lib folder, found without importing it
    if hasattr(vis_network_js, "cache_clear"):
        vis_network_js.cache_clear()
        monkeypatch.setattr(map_render, "vis_network_js", vis_network_js.__wrapped__)
        globals()["vis_network_js"] = vis_network_js.__wrapped__
    assert vis_network_js() == 'var a="<\\/script>";/*<\\!--*/'  # 10.0.0 is newer than 9.1.2
    # whatever order the file system lists the folders in, newest first included
    listed = Path.glob
    monkeypatch.setattr(Path, "glob", lambda self, pattern: sorted(listed(self, pattern)))  # vis-10… first
    assert vis_network_js() == 'var a="<\\/script>";/*<\\!--*/'
    monkeypatch.setattr(Path, "glob", listed)
    for folder in lib.iterdir():
        (folder / "vis-network.min.js").unlink()
    with pytest.raises(FileNotFoundError, match="reinstall pyvis"):
        vis_network_js()


def _page_data(page: str) -> dict:
    (block,) = re.findall(r'<script type="application/json"[^>]*>(.*?)</script>', page, re.S)
    return json.loads(block)


def test_render_map_embeds_the_data_and_vis_options():
    data = MapData(title="图", view="network", nodes=[{"id": "Unit:U1", "text": "<b>", "name": "<b>"}], edges=[],
                   legend=[], edge_legend=[], filters={}, details={})
    embedded = _page_data(render_map(data))
    assert embedded["nodes"][0]["id"] == "Unit:U1" and embedded["nodes"][0]["name"] == "<b>"
    assert embedded["title"] == "图"
    assert embedded["options"]["physics"]["enabled"] is False  # positions come laid out from Python
    assert embedded["options"]["interaction"]["hover"] is True
