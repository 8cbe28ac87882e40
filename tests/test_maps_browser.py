"""Maps in a real browser: headless Chromium with every network request blocked.

The small dataset below is checked by hand: each view's expected node set is written
out from the tables, not computed by graphgov. One browser session serves the module.
"""
from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pandas as pd
import pytest

from browser import browser  # noqa: F401  (the shared Chromium fixture)
from conftest import ROOT, write_dataset
from graphgov.views import maps
from graphgov.dataset.checks import read_and_check
from graphgov.errors import NotFoundError, OptionError

XSS_ALERT = "<img src=x onerror=alert(1)>"
XSS_FLAG = "<img src=x onerror=window.__xss=1>"
ARTIFACTS = ROOT / "test-artifacts"

TABLES = {
    "areas": [
        {"id": "A1", "name": "朝阳区", "level": "district"},
        {"id": "A2", "name": "东风乡", "level": "street", "parent_id": "A1"},
        {"id": "A3", "name": "十八里店乡", "level": "street", "parent_id": "A1"},
    ],
    "committees": [
        {"id": "C1", "name": "朝阳站区党建协调委员会", "level": "station_area", "area_id": "A2"},
        {"id": "C2", "name": "十八里店党建联盟", "level": "alliance", "area_id": "A3"},
    ],
    "units": [
        {"id": "U1", "name": "北京朝阳站", "type": "railway", "area_id": "A2", "phone": "13800000000"},
        {"id": "U2", "name": "地铁运营公司", "type": "transit", "area_id": "A2"},
        {"id": "U3", "name": "东风乡政府", "type": "government", "area_id": "A2"},
        {"id": "U4", "name": XSS_ALERT, "type": "private_enterprise", "area_id": "A3"},
        {"id": "U5", "name": "中央美术学院", "type": "university", "area_id": "A3"},
        {"id": "U6", "name": XSS_FLAG, "type": "hospital", "area_id": "A3"},
    ],
    "memberships": [
        {"unit_id": "U1", "committee_id": "C1"}, {"unit_id": "U2", "committee_id": "C1"},
        {"unit_id": "U3", "committee_id": "C1"}, {"unit_id": "U3", "committee_id": "C2"},
        {"unit_id": "U4", "committee_id": "C2"}, {"unit_id": "U5", "committee_id": "C2"},
        {"unit_id": "U6", "committee_id": "C2"},
    ],
    "needs": [
        {"id": "N1", "title": "换乘接驳引导", "category": "transport", "unit_id": "U1", "raised": "2024-01-10",
         "status": "open"},
        {"id": "N2", "title": "志愿者招募", "category": "volunteering", "unit_id": "U3", "raised": "2024-05-01",
         "status": "fulfilled"},
        {"id": "N3", "title": "母婴室改造", "category": "maternal_child", "unit_id": "U4", "raised": "2024-06-01",
         "status": "open"},
    ],
    "resources": [
        {"id": "R1", "title": "志愿服务队", "category": "volunteering", "unit_id": "U5", "capacity": 2},
        {"id": "R2", "title": "停车位共享", "category": "parking", "unit_id": "U2", "capacity": 150},
    ],
    "projects": [
        {"id": "P1", "title": "站区志愿服务项目", "category": "volunteering", "lead_unit_id": "U5", "status": "active",
         "need_ids": "N2"},
    ],
    "participations": [{"project_id": "P1", "unit_id": "U3"}],
    "agreements": [{"unit_a": "U1", "unit_b": "U5", "kind": "智库", "signed": "2022-05-01"}],
}
ALL_NODES = {"Area:A1", "Area:A2", "Area:A3", "Committee:C1", "Committee:C2", *(f"Unit:U{i}" for i in range(1, 7)),
             "Need:N1", "Need:N2", "Need:N3", "Resource:R1", "Resource:R2", "Project:P1"}
FINDINGS = pd.DataFrame([
    {"kind": "unmet_need", "subject": "母婴室改造（N3）", "subject_id": "N3", "severity": "high",
     "evidence": "提出 200 天，无项目、无资源", "suggestion": "联系医院"},
    {"kind": "inactive_member", "subject": XSS_FLAG, "subject_id": "U6", "severity": "medium",
     "evidence": "无项目、协议、需求或资源", "suggestion": "请其提出需求"},
    {"kind": "single_broker", "subject": "东风乡政府", "subject_id": "U3", "severity": "high",
     "evidence": "两个委员会之间唯一的共同成员", "suggestion": "增加跨委员会的成员"},
    {"kind": "suggested_tie", "subject": "地铁运营公司；" + XSS_ALERT, "subject_id": "U2;U4", "severity": "low",
     "evidence": {"need": "N3", "resource": "R2"}, "suggestion": "结对共建"},
])
MATCHES = pd.DataFrame([
    {"need_id": "N1", "resource_id": "R2", "score": 0.8, "broker_id": None},
    {"need_id": "N3", "resource_id": "R1", "score": 0.5, "broker_id": "U3"},
])

# view name -> (build_map options, expected node ids), worked out by hand from TABLES
VIEWS = {
    "network": ({}, ALL_NODES),
    "committee": ({"view": "committee", "committee": "C1"},
                  {"Committee:C1", "Unit:U1", "Unit:U2", "Unit:U3", "Area:A2", "Need:N1", "Need:N2", "Resource:R2",
                   "Project:P1"}),
    "unit": ({"view": "unit", "unit": "U1", "radius": 1},
             {"Unit:U1", "Committee:C1", "Area:A2", "Need:N1", "Unit:U5"}),
    "category": ({"view": "category", "category": "志愿服务"},
                 {"Need:N2", "Resource:R1", "Project:P1", "Unit:U3", "Unit:U5"}),
    "gaps": ({"view": "gaps", "findings": FINDINGS}, ALL_NODES),
    # the pairs, the units that raise and offer them, and U3, the broker of N3 → R1
    "matches": ({"view": "matches", "matches": MATCHES},
                {"Need:N1", "Resource:R2", "Need:N3", "Resource:R1", "Unit:U1", "Unit:U2", "Unit:U4", "Unit:U5", "Unit:U3"}),
}
CORE = {"Committee:C1", "Committee:C2", *(f"Unit:U{i}" for i in range(1, 7))}
# what each view shows when it opens: units and committees; the layers the view is about
SHOWN = {
    "network": CORE,
    "committee": {"Committee:C1", "Unit:U1", "Unit:U2", "Unit:U3"},
    "unit": {"Unit:U1", "Committee:C1", "Need:N1", "Unit:U5"},  # the area A2 is a layer left off
    "category": VIEWS["category"][1],
    "gaps": CORE,
    "matches": VIEWS["matches"][1],
}


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    folder = write_dataset(tmp_path_factory.mktemp("mapdata") / "ds", TABLES)
    return read_and_check(folder).tables


@pytest.fixture(scope="module")
def map_files(tables, tmp_path_factory):
    out = tmp_path_factory.mktemp("maps")
    files = {}
    for name, (options, _) in VIEWS.items():
        files[name] = out / f"{name}.html"
        maps.write_map(files[name], tables, **options)
    files["grouped"] = out / "grouped.html"
    maps.write_map(files["grouped"], tables, max_nodes=5, group_by="committee")
    return files


# -- without a browser -------------------------------------------------------------------

def test_json_for_script_escapes_everything_that_could_end_a_script():
    text = maps.json_for_script({"a": "</script><!-- & \u2028\u2029 >"})
    assert not re.search("[<>&\u2028\u2029]", text)
    assert json.loads(text) == {"a": "</script><!-- & \u2028\u2029 >"}


def test_map_file_links_nothing_outside_itself(map_files):
    page = map_files["network"].read_text(encoding="utf-8")
    assert not re.search(r"<(script|link|img|iframe)\b[^>]*\b(src|href)\s*=", page, re.I)
    assert "cdn" not in re.sub(r"<script>.*?</script>", "", page, flags=re.S).lower()
    # the names only ever appear JSON-escaped, never as markup
    assert XSS_ALERT not in page and XSS_FLAG not in page
    assert "default-src 'none'" in page


def test_personal_columns_are_left_out_unless_asked(tables, tmp_path):
    assert "13800000000" not in maps.render_map(maps.build_map(tables))
    assert "13800000000" in maps.render_map(maps.build_map(tables, include_personal=True))


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_view_selects_the_hand_worked_nodes(tables, name):
    options, expected = VIEWS[name]
    assert {n["id"] for n in maps.build_map(tables, **options).nodes} == expected


def test_gaps_view_marks_subjects_and_draws_suggested_ties(tables):
    data = maps.build_map(tables, view="gaps", findings=FINDINGS)
    assert {n["id"] for n in data.nodes if n.get("flag")} == {"Need:N3", "Unit:U6", "Unit:U3"}
    assert [(e["from"], e["to"]) for e in data.edges if e["type"] == "SUGGESTED_TIE"] == [("Unit:U2", "Unit:U4")]
    assert "need：N3；resource：R2" in data.details["Unit:U4"]["findings"][0]["evidence"]
    assert {k[0]: k[1:] for k in data.meta["findingKinds"]}["无人回应的需求"] == [1, 1]


def test_size_by_changes_sizes_by_the_measure(tables):
    by_degree = {n["id"]: n["size"] for n in maps.build_map(tables, size_by="degree").nodes}
    # U3 sits on both committees, takes part in P1 and raised N2: the best-connected unit
    units = {k: v for k, v in by_degree.items() if k.startswith("Unit:")}
    assert max(units, key=units.get) == "Unit:U3"
    by_between = {n["id"]: n["size"] for n in maps.build_map(tables, size_by="betweenness").nodes}
    assert by_between != by_degree


@pytest.mark.parametrize("options, error", [
    ({"view": "nope"}, OptionError), ({"view": "committee"}, OptionError), ({"size_by": "x"}, OptionError),
    ({"view": "unit", "unit": "U99"}, NotFoundError), ({"view": "category", "category": "不存在"}, NotFoundError),
])
def test_bad_options_are_refused(tables, options, error):
    with pytest.raises(error):
        maps.build_map(tables, **options)


def test_layout_is_reproducible(tables):
    a = maps.build_map(tables)
    b = maps.build_map(tables)
    assert [(n["x"], n["y"]) for n in a.nodes] == [(n["x"], n["y"]) for n in b.nodes]


def test_large_maps_open_on_the_grouped_overview_and_account_for_every_core_node(tables):
    data = maps.build_map(tables, max_nodes=5, group_by="committee")
    assert data.grouped == "committee" and data.start["mode"] == "overview"
    assert {n["id"] for n in data.nodes} == ALL_NODES  # every node is in the file for drill-down
    groups = {g["id"]: g["count"] for g in data.overviews["committee"]["groups"]}
    # each committee with the units whose most specific committee it is; U3 sits on both (same level): the first by id
    assert groups == {"Committee:C1": 4, "Committee:C2": 4}
    assert sum(groups.values()) == len(CORE)
    assert "超过 5 个" in data.notice


def test_the_default_view_is_the_coordination_network_with_lists_as_layers(tables):
    data = maps.build_map(tables)
    assert data.start == {"mode": "net", "grouping": None, "layers": [], "select": None}
    kinds = {n["id"]: n["layer"] for n in data.nodes}
    assert {k for k, layer in kinds.items() if layer is None} == CORE
    # each list node sits beside its unit
    own = {n["id"]: n["own"] for n in data.nodes if n["layer"] in ("Need", "Resource", "Project")}
    assert own == {"Need:N1": "Unit:U1", "Need:N2": "Unit:U3", "Need:N3": "Unit:U4", "Resource:R1": "Unit:U5",
                   "Resource:R2": "Unit:U2", "Project:P1": "Unit:U5"}
    # the agreement U1–U5 and the joint project U3–U5 (P1) are ties of the analysis
    ties = {frozenset((e["from"], e["to"])): e["w"] for e in data.edges if e["type"] == "TIE"}
    assert ties == {frozenset(("Unit:U1", "Unit:U5")): pytest.approx(1.0, abs=1e-3),
                    frozenset(("Unit:U3", "Unit:U5")): pytest.approx(1.0 + 1 / 3, abs=1e-3)}  # + a seat on C2 (4 members): 1/(4-1)
    # one box per committee, each committee's members inside it
    boxes = {b[0]: b[2:] for b in data.boxes}
    assert set(boxes) == {"Committee:C1", "Committee:C2"}
    pos = {n["id"]: (n["x"], n["y"]) for n in data.nodes}
    for unit, box in (("Unit:U1", "Committee:C1"), ("Unit:U2", "Committee:C1"), ("Unit:U4", "Committee:C2")):
        x0, y0, x1, y1 = boxes[box]
        assert x0 < pos[unit][0] < x1 and y0 < pos[unit][1] < y1


def test_top_units_by_centrality_are_marked_for_labels(tables):
    from graphgov.analysis.central import central_table

    central = central_table(tables)
    data = maps.build_map(tables, central=central)
    top = {n["id"] for n in data.nodes if n.get("top")}
    assert top == {f"Unit:{i}" for i in central["id"]}  # fewer units than TOP_LABELLED: all of them
    first = min((n for n in data.nodes), key=lambda n: n["rank"])
    assert first["id"] == f"Unit:{central.sort_values('betweenness', ascending=False)['id'].iloc[0]}"


def test_map_command_writes_a_file(tmp_path):
    from click.testing import CliRunner

    from graphgov.cli import cli

    folder = write_dataset(tmp_path / "ds", TABLES)
    out = tmp_path / "m.html"
    result = CliRunner().invoke(cli, ["map", "--from", str(folder), "--view", "committee", "--committee", "C1",
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "9 nodes" in result.output and out.exists()
    result = CliRunner().invoke(cli, ["map", "--from", str(folder), "--view", "committee", "--out", str(out)])
    assert result.exit_code == 2
    result = CliRunner().invoke(cli, ["map", "--from", str(folder), "--view", "unit", "--unit", "U99",
                                      "--out", str(tmp_path / "x.html")])
    assert result.exit_code == 1 and "U99" in result.output
    assert not (tmp_path / "x.html").exists()


def test_map_command_reads_the_store(make_store, tmp_path):
    from click.testing import CliRunner

    from graphgov.cli import cli

    store = make_store(TABLES)
    path = str(store.path)
    store.close()
    out = tmp_path / "m.html"
    result = CliRunner().invoke(cli, ["map", "--store", path, "--view", "unit", "--unit", "U1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "5 nodes" in result.output
    result = CliRunner().invoke(cli, ["map", "--store", str(tmp_path / "none.lbdb"), "--out", str(out)])
    assert result.exit_code == 2 and "graphgov load" in result.output


# -- in Chromium ---------------------------------------------------------------------------

def open_map(driver, path: Path):
    driver.get(path.as_uri())
    deadline = time.monotonic() + 30
    while not driver.execute_script("return !!(window.graphgov && window.graphgov.ready)"):
        assert time.monotonic() < deadline, "the map never finished drawing"
        time.sleep(0.05)


def requests_made(driver) -> list[str]:
    names = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    return [n for n in names if not n.startswith(("data:", "file:", "about:"))]


def canvas_has_drawing(driver) -> bool:
    """More than a few hundred pixels of the network's canvas are neither transparent nor near-white."""
    return driver.execute_script("""
        const c = document.querySelector('#gg-network canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && Math.min(d[i], d[i + 1], d[i + 2]) < 240) n++;
        return n > 200;""")


def shot(driver, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / f"{name}.png"))


def no_alert(driver) -> bool:
    from selenium.common.exceptions import NoAlertPresentException

    try:
        driver.switch_to.alert.dismiss()
    except NoAlertPresentException:
        return True
    return False


def shown(driver) -> set[str]:
    return set(driver.execute_script("return window.graphgov.visibleIds()"))


@pytest.mark.browser
@pytest.mark.parametrize("name", [*sorted(VIEWS), "grouped"])
def test_each_map_opens_offline_and_draws_what_its_view_shows(browser, map_files, name):
    open_map(browser, map_files[name])
    assert requests_made(browser) == []
    ids = set(browser.execute_script("return window.graphgov.data.nodes.map(n => n.id)"))
    drawn = set(browser.execute_script("return Object.keys(window.graphgov.network.getPositions())"))
    if name == "grouped":
        assert ids == ALL_NODES
        counts = browser.execute_script(
            "return window.graphgov.visibleIds().map(id => window.graphgov.nodeById.get(id).count)")
        assert sum(counts) == len(CORE)
        assert browser.find_element("id", "gg-notice").is_displayed()
    else:
        assert ids == VIEWS[name][1]
        assert drawn == SHOWN[name]
    assert drawn == shown(browser)
    assert canvas_has_drawing(browser)
    assert no_alert(browser)
    assert browser.execute_script("return window.__xss === undefined")
    shot(browser, f"map-{name}")


@pytest.mark.browser
def test_search_finds_a_unit_by_its_chinese_name(browser, map_files):
    open_map(browser, map_files["network"])
    box = browser.find_element("id", "gg-search-input")
    box.send_keys("朝阳站")
    results = browser.find_elements("css selector", "#gg-search-results button")
    # the unit first, then the committee whose name also holds the text
    assert [r.get_attribute("data-node") for r in results] == ["Unit:U1", "Committee:C1"]
    results[0].click()
    assert browser.find_element("css selector", "#gg-detail h2").text == "北京朝阳站"
    assert browser.execute_script("return window.graphgov.network.getSelectedNodes()") == ["Unit:U1"]
    box.clear()
    box.send_keys("美术")
    assert browser.execute_script("return window.graphgov.search('美术')") == ["Unit:U5"]


@pytest.mark.browser
def test_filters_and_layers_show_what_they_should(browser, map_files):
    from selenium.webdriver.support.ui import Select

    open_map(browser, map_files["network"])
    # the lists are layers: switched on, each shows beside its unit
    for layer in ("Need", "Resource", "Project"):
        browser.find_element("id", f"gg-layer-{layer}").click()
    assert shown(browser) == CORE | {"Need:N1", "Need:N2", "Need:N3", "Resource:R1", "Resource:R2", "Project:P1"}
    Select(browser.find_element("id", "gg-filter-committee")).select_by_value("Committee:C2")
    # members of C2 and their lists; U1, U2 and C1 sit only on C1
    assert shown(browser) == {"Committee:C2", "Unit:U3", "Unit:U4", "Unit:U5", "Unit:U6", "Need:N2", "Need:N3",
                              "Resource:R1", "Project:P1"}
    edges = browser.execute_script("return window.graphgov.edgesView.get().map(e => [e.from, e.to])")
    assert edges and all(a in shown(browser) and b in shown(browser) for a, b in edges)
    assert canvas_has_drawing(browser)
    shot(browser, "map-filter-committee")

    Select(browser.find_element("id", "gg-filter-category")).select_by_value("volunteering")
    assert shown(browser) == {"Committee:C2", "Unit:U3", "Unit:U5", "Need:N2", "Resource:R1", "Project:P1"}
    browser.find_element("id", "gg-reset").click()
    browser.find_element("id", "gg-layer-Area").click()
    assert shown(browser) == ALL_NODES - {"Unit:U4", "Unit:U6", "Unit:U1", "Unit:U2", "Unit:U3", "Unit:U5"} | CORE

    # the legend hides a unit type (and what sits beside those units)
    browser.find_element("css selector", "#gg-legend li[data-type='Unit:railway']").click()
    assert "Unit:U1" not in shown(browser) and "Need:N1" not in shown(browser)
    Select(browser.find_element("id", "gg-filter-area")).select_by_value("Area:A2")
    # R2 and N2 have no area of their own: they are where U2 and U3 are; U1 (railway) is hidden by the legend
    assert shown(browser) == {"Area:A2", "Committee:C1", "Unit:U2", "Unit:U3", "Resource:R2", "Need:N2"}


@pytest.mark.browser
def test_a_click_on_a_unit_fills_the_detail_panel_and_runs_no_script(browser, map_files):
    from selenium.webdriver.common.action_chains import ActionChains

    open_map(browser, map_files["network"])
    for node, name in (("Unit:U3", "东风乡政府"), ("Unit:U4", XSS_ALERT), ("Unit:U6", XSS_FLAG)):
        browser.execute_script("window.graphgov.clearSelection()")
        # centre the node, then click where the network says it is drawn
        browser.execute_script(
            "const g = window.graphgov; const p = g.network.getPositions([arguments[0]])[arguments[0]];"
            "g.network.moveTo({position: p, scale: 1.5, animation: false});", node)
        x, y = browser.execute_script(
            "const g = window.graphgov; const p = g.network.getPositions([arguments[0]])[arguments[0]];"
            "const d = g.network.canvasToDOM(p); return [d.x, d.y];", node)
        canvas = browser.find_element("css selector", "#gg-network canvas")
        ActionChains(browser).move_to_element_with_offset(
            canvas, int(x - canvas.size["width"] / 2), int(y - canvas.size["height"] / 2)).click().perform()
        deadline = time.monotonic() + 5
        while browser.find_element("id", "gg-detail").get_attribute("data-node") != node:
            assert time.monotonic() < deadline, f"clicking {node} did not fill the panel"
            time.sleep(0.05)
        assert browser.find_element("css selector", "#gg-detail h2").text == name
        assert no_alert(browser)
    assert browser.execute_script("return window.__xss === undefined")
    assert not browser.find_elements("css selector", "#gg-detail img, #gg-legend img, #gg-search-results img")

    browser.execute_script("window.graphgov.select('Unit:U3')")
    sections = {s.get_attribute("data-section"): s.text for s in
                browser.find_elements("css selector", "#gg-detail section")}
    assert "朝阳站区党建协调委员会" in sections["所属委员会"] and "十八里店党建联盟" in sections["所属委员会"]
    assert "志愿者招募" in sections["提出的需求"]
    assert "站区志愿服务项目" in sections["参与的项目"]
    assert "无" in sections["提供的资源"]
    # a selected unit's own list appears beside it although the layer is off
    assert "Need:N2" in shown(browser) and "Need:N1" not in shown(browser)
    shot(browser, "map-detail")

    box = browser.find_element("id", "gg-search-input")
    box.send_keys("img")
    results = browser.find_elements("css selector", "#gg-search-results button")
    assert {r.get_attribute("data-node") for r in results} == {"Unit:U4", "Unit:U6"}
    assert no_alert(browser) and browser.execute_script("return window.__xss === undefined")


@pytest.mark.browser
def test_gaps_view_marks_findings_with_their_message(browser, map_files):
    open_map(browser, map_files["gaps"])
    flagged = browser.execute_script("return window.graphgov.data.nodes.filter(n => !!n.flag).map(n => n.id)")
    assert set(flagged) == {"Need:N3", "Unit:U6", "Unit:U3"}
    # nothing selected: the panel sums the findings up by kind
    summary = browser.find_element("id", "gg-detail").text
    assert "挂名成员" in summary and "单点依赖" in summary and "建议结对" in summary
    browser.execute_script("window.graphgov.select('Unit:U6')")
    text = browser.find_element("id", "gg-detail").text
    assert "挂名成员" in text and "无项目、协议、需求或资源" in text
    assert XSS_FLAG in text
    assert browser.execute_script("return window.__xss === undefined")
    shot(browser, "map-gaps-detail")


@pytest.mark.browser
def test_matches_view_draws_need_to_resource_proposals_with_their_broker(browser, map_files):
    open_map(browser, map_files["matches"])
    pairs = browser.execute_script(
        "const g = window.graphgov; return g.edgesView.getIds().map(id => g.edgeById.get(id))"
        ".filter(e => e.type === 'MATCH').map(e => [e.from, e.to, e.label])")
    assert sorted(map(tuple, pairs)) == [("Need:N1", "Resource:R2", "0.8"), ("Need:N3", "Resource:R1", "0.5")]
    brokers = browser.execute_script(
        "const g = window.graphgov; return g.edgesView.getIds().map(id => g.edgeById.get(id))"
        ".filter(e => e.type === 'BROKER').map(e => [e.from, e.to])")
    assert brokers == [["Unit:U3", "Need:N3"]]
    labels = {b["text"] for b in browser.execute_script("return window.graphgov.labelBoxes()")}
    assert {"0.8", "0.5"} <= labels  # the scores are written on their edges


def test_map_command_opens_with_the_layers_asked_for(tmp_path):
    from click.testing import CliRunner

    from graphgov.cli import cli

    folder = write_dataset(tmp_path / "ds", TABLES)
    out = tmp_path / "m.html"
    result = CliRunner().invoke(cli, ["map", "--from", str(folder), "--layers", "need,resource", "--out", str(out)])
    assert result.exit_code == 0, result.output
    payload = json.loads(re.search(r'<script type="application/json" id="gg-data">(.*?)</script>',
                                   out.read_text(encoding="utf-8"), re.S).group(1))
    assert payload["start"]["layers"] == ["Need", "Resource"]
    result = CliRunner().invoke(cli, ["map", "--from", str(folder), "--layers", "need,nope", "--out", str(out)])
    assert result.exit_code == 2 and "unknown layer 'nope'" in result.output


def test_bridges_are_ties_whose_loss_cuts_two_or_more_off():
    from graphgov.views.map_findings import find_bridges

    # two triangles joined by b–d, and a unit hanging on by one tie (f): only b–d counts
    keys = ["a", "b", "c", "d", "e", "g", "f"]
    pairs = [("a", "b"), ("b", "c"), ("c", "a"), ("b", "d"), ("d", "e"), ("e", "g"), ("g", "d"), ("g", "f")]
    assert find_bridges(keys, pairs) == {("b", "d"): 3}
