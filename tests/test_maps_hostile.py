"""Hostile names in every kind of map, and a Content-Security-Policy that stops what escaping might miss.

Unit, committee and need names and the map's title are ``<img src=x onerror=…>``. Each view
(network, committee, unit, category, gaps, matches, the grouped overview) is opened in
Chromium and worked as a planner would (select, search, hover, open a group, export, print):
the names show as text and no handler runs. Then markup with an inline handler is planted in a
written page, as if escaping had been missed: the page's policy refuses it, and the same page
without the policy runs it, so the policy is what stops it.
"""
from __future__ import annotations

import re
import time

import pandas as pd
import pytest

from browser import browser  # noqa: F401  (the shared Chromium fixture)
from conftest import write_dataset
from graphgov.dataset.checks import read_and_check
from graphgov.views import maps
from graphgov.views.map_render import map_scripts, script_hash
from test_maps_browser import TABLES, XSS_ALERT, XSS_FLAG, open_map, requests_made

XSS_COMMITTEE = "<img src=x onerror=window.__xss='committee'>"
XSS_NEED = "<svg onload=window.__xss='need'>"
XSS_TITLE = "<img src=x onerror=window.__xss='title'></title><script>window.__xss='script'</script>"


def hostile_tables() -> dict[str, list[dict]]:
    tables = {name: [dict(r) for r in rows] for name, rows in TABLES.items()}
    tables["committees"][1]["name"] = XSS_COMMITTEE
    tables["needs"][2]["title"] = XSS_NEED  # N3, raised by U4 (itself hostile)
    return tables


FINDINGS = pd.DataFrame([
    {"kind": "unmet_need", "subject": XSS_NEED, "subject_id": "N3", "severity": "high", "message": XSS_ALERT},
    {"kind": "idle_committee", "subject": XSS_COMMITTEE, "subject_id": "C2", "severity": "high", "message": XSS_FLAG},
    {"kind": "inactive_member", "subject": XSS_FLAG, "subject_id": "U6", "severity": "medium", "message": XSS_FLAG,
     "evidence": {"委员会": XSS_COMMITTEE}},
])
MATCHES = pd.DataFrame([{"need_id": "N3", "resource_id": "R1", "score": 0.5, "broker_id": "U6"}])
VIEWS = {
    "network": {},
    "committee": {"view": "committee", "committee": "C2"},
    "unit": {"view": "unit", "unit": "U4", "radius": 2},
    "category": {"view": "category", "category": "maternal_child"},
    "gaps": {"view": "gaps", "findings": FINDINGS},
    "matches": {"view": "matches", "matches": MATCHES},
    "grouped": {"max_nodes": 3, "group_by": "committee"},
}


@pytest.fixture(scope="module")
def hostile_maps(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    tables = read_and_check(write_dataset(tmp / "ds", hostile_tables())).tables
    files = {}
    for name, options in VIEWS.items():
        files[name] = tmp / f"{name}.html"
        maps.write_map(files[name], tables, title=XSS_TITLE, **options)
    return files


def xss(driver):
    return driver.execute_script("return window.__xss === undefined ? null : String(window.__xss)")


def test_names_and_title_never_appear_as_markup(hostile_maps):
    for name, path in hostile_maps.items():
        page = path.read_text(encoding="utf-8")
        for text in (XSS_COMMITTEE, XSS_NEED, XSS_TITLE, XSS_ALERT, XSS_FLAG):
            assert text not in page, (name, text)
        assert "&lt;img src=x onerror=window.__xss=&#x27;title&#x27;&gt;" in page  # the title, escaped


def test_the_policy_names_exactly_the_pages_own_scripts(hostile_maps):
    page = hostile_maps["network"].read_text(encoding="utf-8")
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page).group(1)
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["default-src"] == "'none'"
    assert "unsafe-inline" not in directives["script-src"] and "unsafe-eval" not in directives["script-src"]
    assert sorted(directives["script-src"].split()) == sorted(script_hash(s) for s in map_scripts())
    # and the scripts in the page are those, byte for byte
    bodies = re.findall(r"<script>(.*?)</script>", page, flags=re.S)
    assert sorted(script_hash(b) for b in bodies) == sorted(directives["script-src"].split())


@pytest.mark.browser
@pytest.mark.parametrize("name", sorted(VIEWS))
def test_hostile_names_run_nothing_in_any_view(browser, hostile_maps, name):
    from selenium.webdriver.common.action_chains import ActionChains

    open_map(browser, hostile_maps[name])
    assert requests_made(browser) == []
    assert browser.title == XSS_TITLE  # shown as text, whole
    assert browser.find_element("id", "gg-title").text == XSS_TITLE
    ids = browser.execute_script("return window.graphgov.data.nodes.map(n => n.id)")
    for node in ("Unit:U4", "Unit:U6", "Committee:C2", "Need:N3"):
        if node in ids:
            browser.execute_script("window.graphgov.select(arguments[0])", node)
            panel = browser.find_element("id", "gg-detail")
            assert panel.get_attribute("data-node") == node
            # hover the node too: vis-network's tooltip shows its title
            x, y = browser.execute_script(
                "const g = window.graphgov; const d = g.network.canvasToDOM(g.network.getPositions([arguments[0]])[arguments[0]]);"
                "return [d.x, d.y];", node)
            canvas = browser.find_element("css selector", "#gg-network canvas")
            ActionChains(browser).move_to_element_with_offset(
                canvas, int(x - canvas.size["width"] / 2), int(y - canvas.size["height"] / 2)).perform()
            time.sleep(0.4)
    texts = " ".join(b["text"] for b in browser.execute_script("return window.graphgov.labelBoxes()"))
    assert "<" in texts  # the hostile names are labelled, as text
    if browser.execute_script("return Object.keys(window.graphgov.data.overviews).length"):
        browser.execute_script("window.graphgov.openOverview()")
        gid = browser.execute_script("return window.graphgov.visibleIds()[0]")
        browser.execute_script("window.graphgov.select(arguments[0])", gid)
        browser.execute_script("window.graphgov.back()")
    browser.find_element("id", "gg-search-input").send_keys("<")
    browser.execute_script("window.graphgov.exportSVG(); window.graphgov.exportPNG(); window.graphgov.preparePrint();")
    time.sleep(0.3)
    assert xss(browser) is None
    assert not browser.find_elements("css selector", "#gg-detail img, #gg-legend img, #gg-search-results img, "
                                                     "#gg-crumbs img, #gg-print img, .vis-tooltip img, svg svg")


def planted(page: str) -> str:
    """``page`` as if a name had gone in unescaped: live markup with inline handlers in the body."""
    return page.replace("<body>", '<body><img id="planted" src="data:," onerror="window.__xss=\'planted\'">'
                                  "<script>window.__xss='inline script'</script>", 1)


@pytest.mark.browser
def test_an_injected_inline_handler_is_refused_by_the_maps_policy(browser, hostile_maps, tmp_path):
    page = hostile_maps["unit"].read_text(encoding="utf-8")
    guarded, bare = tmp_path / "guarded.html", tmp_path / "bare.html"
    guarded.write_text(planted(page), encoding="utf-8")
    bare.write_text(re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", planted(page)), encoding="utf-8")
    open_map(browser, guarded)
    assert browser.find_element("id", "planted")  # the markup is there …
    time.sleep(0.3)
    assert xss(browser) is None  # … and its handler did not run, while the map's own scripts did
    assert browser.execute_script("return window.graphgov.ready") is True
    browser.get(bare.as_uri())
    deadline = time.monotonic() + 10
    while xss(browser) is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert xss(browser) in ("planted", "inline script")  # without the policy it runs: the test can fail
