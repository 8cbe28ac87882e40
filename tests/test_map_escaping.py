"""Map pages escape the names they show as text, in every view (no browser needed).

A unit, committee or category named like markup, or a hostile ``--title``, must reach the
page as text: the page's own markup has no element or attribute that came from a name,
and the ``<title>`` reads back as the name. (tests/test_maps_browser.py runs the pages in
Chromium; this test needs only Python's HTML parser, so it runs everywhere.)
"""
from __future__ import annotations

from html.parser import HTMLParser

import pytest
from click.testing import CliRunner

from graphgov.cli import cli

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
