"""The planner's report: its figures against pandas on the raw CSV files, its charts, and the page offline."""
from __future__ import annotations

import re
import time
from datetime import date

import pandas as pd
import pytest
from click.testing import CliRunner

from browser import browser  # noqa: F401  (the shared Chromium fixture)
from conftest import ROOT, SAMPLE
from graphgov.views import svg
from graphgov.dataset.checks import read_and_check
from graphgov.cli import cli
from graphgov.errors import NotFoundError
from graphgov.analysis.gaps import KIND_ZH, find_gaps
from graphgov.matching.assign import assign_all
from graphgov.analysis.network import build_network
from graphgov.views.report import AGE_BUCKETS, UNKNOWN_AGE, age_bucket, render_report, report_figures
from graphgov.store import open_store

TODAY = date(2025, 12, 31)


@pytest.fixture(scope="module")
def sample_tables():
    return read_and_check(SAMPLE).tables


@pytest.fixture(scope="module")
def csv():
    """The sample's CSV files read with nothing but pandas."""
    return {name: pd.read_csv(SAMPLE / f"{name}.csv", dtype=str, keep_default_na=False)
            for name in ("areas", "committees", "units", "memberships", "needs", "resources", "projects",
                         "participations")}


def _below(frame: pd.DataFrame, root: str) -> set[str]:
    """``root`` and every row reaching it through parent_id, by repeated passes."""
    found = {root}
    while True:
        more = set(frame.loc[frame["parent_id"].isin(found), "id"]) - found
        if not more:
            return found
        found |= more


def expected_figures(csv, committee=None, area=None) -> dict:
    units = set(csv["units"]["id"])
    m = csv["memberships"]
    if committee:
        units &= set(m.loc[m["committee_id"].isin(_below(csv["committees"], committee)), "unit_id"])
    if area:
        areas = _below(csv["areas"], area)
        located = set(csv["units"].loc[csv["units"]["area_id"].isin(areas), "id"])
        local = set(csv["committees"].loc[csv["committees"]["area_id"].isin(areas), "id"])
        located |= set(m.loc[m["committee_id"].isin(local), "unit_id"])
        units &= located
    needs = csv["needs"][csv["needs"]["unit_id"].isin(units)]
    named = set(csv["projects"]["need_ids"].str.split(";").explode().str.strip()) - {""}
    closed = int((needs["status"] == "closed").sum())
    fulfilled = int((needs["status"] == "fulfilled").sum())
    open_needs = needs[~needs["status"].isin(["fulfilled", "closed"])]
    ages = (pd.Timestamp(TODAY) - pd.to_datetime(open_needs["raised"].replace("", None))).dt.days
    edges = [0, 30, 90, 180, 365, 10**9]
    labels = [b[2] for b in AGE_BUCKETS]
    by_age = pd.cut(ages, bins=[-10**9] + edges[1:], labels=labels).value_counts().to_dict()
    by_age[UNKNOWN_AGE] = int(ages.isna().sum())
    return {
        "units": len(units),
        "needs": len(needs),
        "needs_with_project": int(needs["id"].isin(named).sum()),
        "fulfilled": fulfilled,
        "closed": closed,
        "fulfilment_rate": fulfilled / (len(needs) - closed) if len(needs) > closed else None,
        "open_needs": len(open_needs),
        "open_by_age": {k: int(v) for k, v in by_age.items()},
        "resources": int(csv["resources"]["unit_id"].isin(units).sum()),
        "need_categories": needs["category"].value_counts().to_dict(),
        "resource_categories": csv["resources"].loc[csv["resources"]["unit_id"].isin(units), "category"]
        .value_counts().to_dict(),
    }


SCOPES = [{}, {"committee": "C01"}, {"committee": "C02"}]


@pytest.mark.parametrize("scope", SCOPES, ids=lambda s: str(s) or "all")
def test_figures_equal_an_independent_pandas_computation(sample_tables, csv, scope):
    got = report_figures(sample_tables, today=TODAY, **scope)
    want = expected_figures(csv, **scope)
    assert got["needs"] > 0
    for key in ("units", "needs", "needs_with_project", "fulfilled", "closed", "open_needs", "resources"):
        assert got[key] == want[key], key
    assert got["fulfilment_rate"] == pytest.approx(want["fulfilment_rate"])
    assert got["project_share"] == pytest.approx(want["needs_with_project"] / want["needs"])
    assert got["open_by_age"] == want["open_by_age"]
    sd = got["supply_demand"].set_index("category")
    assert sd["needs"][sd["needs"] > 0].to_dict() == want["need_categories"]
    assert sd["resources"][sd["resources"] > 0].to_dict() == want["resource_categories"]
    assert got["needs_by_area"]["needs"].sum() == want["needs"]


def test_figures_for_an_area(sample_tables, csv):
    area = csv["areas"].loc[csv["areas"]["level"] == "district", "id"].iloc[0]
    got = report_figures(sample_tables, area=area, today=TODAY)
    want = expected_figures(csv, area=area)
    assert (got["units"], got["needs"], got["open_needs"]) == (want["units"], want["needs"], want["open_needs"])


@pytest.mark.parametrize("days, bucket", [(0, "30天以内"), (30, "30天以内"), (31, "31–90天"), (90, "31–90天"),
                                          (180, "91–180天"), (365, "181–365天"), (366, "一年以上"),
                                          (None, UNKNOWN_AGE), (-3, "30天以内")])
def test_age_buckets(days, bucket):
    assert age_bucket(days) == bucket


def test_unknown_scope_is_refused(sample_tables):
    with pytest.raises(NotFoundError, match="C99"):
        report_figures(sample_tables, committee="C99")


def test_svg_charts_escape_labels_and_carry_values():
    chart = svg.grouped_bars(["<script>x</script>", "交通出行"], [("需求", "#f57c00", [3, 0]), ("资源", "#2e7d32", [1, 2])],
                             "供需 & 对比", chart_id="t")
    assert "<script>" not in chart and "&lt;script&gt;" in chart and "供需 &amp; 对比" in chart
    values = re.findall(r'data-label="([^"]*)" data-series="([^"]*)" data-value="([^"]*)"', chart)
    assert values == [("&lt;script&gt;x&lt;/script&gt;", "需求", "3"), ("&lt;script&gt;x&lt;/script&gt;", "资源", "1"),
                      ("交通出行", "需求", "0"), ("交通出行", "资源", "2")]
    hist = svg.histogram({1: 4, 3: 2}, "度分布", "度", "单位数")
    assert re.findall(r'data-label="(\d+)" data-value="(\d+)"', hist) == [("1", "4"), ("2", "0"), ("3", "2")]


@pytest.fixture(scope="module")
def report_file(sample_tables, tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(render_report(sample_tables, committee="C02", today=TODAY), encoding="utf-8")
    return path


def test_report_page_is_self_contained(report_file):
    page = report_file.read_text(encoding="utf-8")
    outside_scripts = re.sub(r"<script>.*?</script>", "", page, flags=re.S)
    assert not re.search(r"<(script|link|img)\b[^>]*\b(src|href)\s*=", outside_scripts, re.I)
    assert page.count('class="gg-chart"') == 3 + 4  # and the trends section's four
    assert "srcdoc=" in page


def test_report_and_demo_commands(tmp_path):
    out = tmp_path / "r.html"
    result = CliRunner().invoke(cli, ["report", "--from", str(SAMPLE), "--committee", "C02", "--date", "2025-12-31",
                                      "--no-map", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "srcdoc" not in out.read_text(encoding="utf-8")
    result = CliRunner().invoke(cli, ["report", "--from", str(SAMPLE), "--committee", "C99", "--out",
                                      str(tmp_path / "x.html")])
    assert result.exit_code == 1 and "C99" in result.output
    assert not (tmp_path / "x.html").exists()


def test_demo_loads_the_sample_and_prints_the_main_findings(tmp_path):
    store_path = tmp_path / "demo.lbdb"
    result = CliRunner().invoke(cli, ["demo", "--data", str(SAMPLE), "--out-dir", str(tmp_path / "vis"),
                                      "--store", str(store_path), "--date", "2025-12-31"])
    assert result.exit_code == 0, result.output
    ds = read_and_check(SAMPLE)
    with open_store(store_path) as store:
        loaded = store.read_tables(include_internal=False)
    assert {name: len(loaded[name]) for name in ds.tables} == {name: len(df) for name, df in ds.tables.items()}

    lines = result.output.splitlines()
    # the top actor by betweenness, from igraph directly on the unit network
    net = build_network(ds.tables)
    g = net.to_igraph()
    n = len(net.units)
    between = g.betweenness(vertices=range(n), directed=False, weights="distance", sources=range(n),
                            targets=range(n))
    top = net.units["name"].iloc[max(range(n), key=lambda i: (between[i], -i))]
    first = lines.index(next(line for line in lines if line.startswith("----"))) + 1
    assert lines[first].split()[:2] == ["1", top]
    assert len([line for line in lines[first:first + 11] if re.match(r"\d+\s", line)]) == 10

    gaps_line = next(line for line in lines if line.startswith("薄弱环节"))
    findings = find_gaps(ds, as_of=date(2025, 12, 31))  # what 'graphgov gaps' says: the demo agrees
    assert f"共 {len(findings)} 条" in gaps_line
    kind = findings["kind"].iloc[0]
    assert f"{KIND_ZH[kind]} {int((findings['kind'] == kind).sum())}" in gaps_line
    assert findings["message"].iloc[0] in result.output.replace("\n      ", "")  # wrapped, not cut

    match_line = next(line for line in lines if line.startswith("拟匹配"))
    # the optimum again with the other solver (scipy's assignment on capacity slots, not OR-tools' flow)
    assignments, unmatched = assign_all(ds, as_of=date(2025, 12, 31), solver="scipy")
    assert f"{assignments['need_id'].nunique()} 项需求得到分配" in match_line
    assert f"{len(unmatched)} 项未能匹配" in match_line
    shown = re.search(r"总分 ([\d.]+)", match_line)
    assert shown, match_line
    assert float(shown.group(1)) == pytest.approx(assignments["contribution"].sum(), abs=0.006)
    # and the total by its definition, from the sample's own CSV: a unit of need i is worth score / quantity_i
    raw = pd.read_csv(SAMPLE / "needs.csv", dtype=str, keep_default_na=False).set_index("id")
    quantity = raw["quantity"].replace("", "1").astype(int).clip(lower=1)
    by_hand = (assignments["score"] * assignments["units"] / quantity.loc[assignments["need_id"]].to_numpy()).sum()
    assert float(shown.group(1)) == pytest.approx(by_hand, abs=0.006)
    # only needs still waiting are served (not fulfilled, closed, or in progress by the list, the
    # sample having no dispatch recorded), and no resource gives more than its CSV row offers
    served = ["fulfilled", "closed", "dispatched", "accepted", "partial"]
    assert not set(assignments["need_id"]) & set(raw.index[raw["status"].isin(served)])
    res = pd.read_csv(SAMPLE / "resources.csv", dtype=str, keep_default_na=False).set_index("id")
    used = assignments.groupby("resource_id")["units"].sum()
    assert (used <= res["capacity"].replace("", "1").astype(int).loc[used.index]).all()

    for name in ("sample_map.html", "sample_report.html"):
        assert (tmp_path / "vis" / name).exists()
        assert str((tmp_path / "vis" / name).resolve()) in result.output


def test_demo_without_loading_leaves_the_store_alone(tmp_path):
    store_path = tmp_path / "none.lbdb"
    result = CliRunner().invoke(cli, ["demo", "--data", str(SAMPLE), "--out-dir", str(tmp_path / "vis"),
                                      "--store", str(store_path), "--no-load", "--date", "2025-12-31"])
    assert result.exit_code == 0, result.output
    assert not store_path.exists() and "loaded into" not in result.output
    assert (tmp_path / "vis" / "sample_report.html").exists()


def test_demo_writes_into_a_folder_of_its_own_as_of_the_sample_date(tmp_path, monkeypatch):
    """No committed file changes and no page depends on the day: ./graphgov-demo, dated 2025-12-31."""
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["demo", "--no-load"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "graphgov-demo").iterdir()) == ["sample_map.html", "sample_report.html"]
    assert not (tmp_path / "visualizations").exists()
    assert "报告日期 2025-12-31" in (tmp_path / "graphgov-demo" / "sample_report.html").read_text(encoding="utf-8")


def test_the_committed_sample_pages_are_what_the_demo_writes(tmp_path):
    """visualizations/ holds 'graphgov demo --out-dir visualizations' output: it never goes stale."""
    result = CliRunner().invoke(cli, ["demo", "--no-load", "--out-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    committed = ROOT / "visualizations"
    for name in ("sample_map.html", "sample_report.html"):
        assert (tmp_path / name).read_bytes() == (committed / name).read_bytes(), (
            f"visualizations/{name} is stale: run 'graphgov demo --no-load --out-dir visualizations'")


@pytest.mark.browser
def test_report_opens_offline_with_charts_figures_and_map(browser, report_file, csv):
    browser.get(report_file.as_uri())
    names = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert [n for n in names if not n.startswith(("data:", "file:", "about:"))] == []
    charts = browser.find_elements("css selector", "svg.gg-chart")
    assert {c.get_attribute("data-chart") for c in charts} == {"supply-demand", "needs-by-area", "degree-distribution",
                                                                "trend-received", "trend-fulfilled", "trend-rates",
                                                                "trend-quarters"}
    assert all(c.size["height"] > 50 and c.size["width"] > 200 for c in charts)

    want = expected_figures(csv, committee="C02")
    shown = {f.get_attribute("data-figure"): f.get_attribute("data-value")
             for f in browser.find_elements("css selector", ".gg-figure")}
    assert int(shown["units"]) == want["units"]
    assert int(shown["needs"]) == want["needs"]
    assert int(shown["open_needs"]) == want["open_needs"]
    assert float(shown["fulfilment_rate"]) == pytest.approx(want["fulfilment_rate"])
    assert float(shown["project_share"]) == pytest.approx(want["needs_with_project"] / want["needs"])
    rows = {r.get_attribute("data-bucket"): int(r.find_elements("tag name", "td")[1].text)
            for r in browser.find_elements("css selector", "#open-by-age tbody tr")}
    assert rows == want["open_by_age"]
    bars = browser.find_elements("css selector", "svg[data-chart='supply-demand'] rect.gg-bar[data-series='需求']")
    assert sum(int(b.get_attribute("data-value")) for b in bars) == want["needs"]

    frame = browser.find_element("css selector", "iframe.gg-map")
    # Chromium does not paint a frame outside the viewport; a reader scrolls to it too
    browser.execute_script("arguments[0].scrollIntoView()", frame)
    browser.switch_to.frame(frame)
    deadline = time.monotonic() + 30
    while not browser.execute_script("return !!(window.graphgov && window.graphgov.ready)"):
        assert time.monotonic() < deadline, "the embedded map never drew"
        time.sleep(0.05)
    assert browser.execute_script("return window.graphgov.nodes.length") > 10
    browser.switch_to.default_content()
    browser.execute_script("window.scrollTo(0, 0)")

    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    height = browser.execute_script("return document.body.scrollHeight")
    browser.set_window_size(1200, min(height + 40, 7000))
    browser.save_screenshot(str(ROOT / "test-artifacts" / "report.png"))
    browser.set_window_size(1400, 900)


@pytest.mark.browser
def test_report_of_hostile_names_runs_nothing(browser, tmp_path):
    from test_maps_browser import TABLES, XSS_ALERT, XSS_FLAG

    from conftest import write_dataset

    tables = read_and_check(write_dataset(tmp_path / "ds", TABLES)).tables
    path = tmp_path / "r.html"
    path.write_text(render_report(tables, today=TODAY), encoding="utf-8")
    browser.get(path.as_uri())
    assert browser.execute_script("return window.__xss === undefined")
    from selenium.common.exceptions import NoAlertPresentException

    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert
    text = browser.find_element("id", "central").text
    assert XSS_ALERT in text and XSS_FLAG in text
    assert not browser.find_elements("css selector", "#central img, #gaps img, #matches img")


def script_policy(page: str) -> str:
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page).group(1)
    return dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())["script-src"]


def test_report_policy_allows_only_the_embedded_maps_scripts(report_file, sample_tables):
    from graphgov.views.map_render import map_scripts, script_hash

    src = script_policy(report_file.read_text(encoding="utf-8"))
    assert "unsafe-inline" not in src and "unsafe-eval" not in src
    # the map's srcdoc frame inherits the report's policy: the map's own scripts, by hash, and nothing else
    assert sorted(src.split()) == sorted(script_hash(s) for s in map_scripts())
    bare = render_report(sample_tables, committee="C02", today=TODAY, embed_map=False)
    assert script_policy(bare) == "'none'"


@pytest.mark.browser
def test_an_injected_inline_handler_is_refused_by_the_reports_policy(browser, tmp_path):
    from test_maps_browser import TABLES
    from test_maps_hostile import XSS_COMMITTEE, hostile_tables, planted

    from conftest import write_dataset

    tables = read_and_check(write_dataset(tmp_path / "ds", hostile_tables())).tables
    page = render_report(tables, committee="C2", today=TODAY)
    assert XSS_COMMITTEE not in page and TABLES["units"][3]["name"] not in page
    guarded, bare = tmp_path / "guarded.html", tmp_path / "bare.html"
    guarded.write_text(planted(page), encoding="utf-8")
    bare.write_text(re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", planted(page)), encoding="utf-8")
    browser.get(guarded.as_uri())
    assert browser.find_element("id", "planted")
    # the embedded map still runs under the inherited policy
    frame = browser.find_element("css selector", "iframe.gg-map")
    browser.execute_script("arguments[0].scrollIntoView()", frame)
    browser.switch_to.frame(frame)
    deadline = time.monotonic() + 30
    while not browser.execute_script("return !!(window.graphgov && window.graphgov.ready)"):
        assert time.monotonic() < deadline, "the embedded map never drew"
        time.sleep(0.05)
    assert browser.execute_script("return window.__xss === undefined")
    browser.switch_to.default_content()
    assert browser.execute_script("return window.__xss === undefined")
    assert XSS_COMMITTEE in browser.find_element("tag name", "h1").text
    browser.get(bare.as_uri())
    deadline = time.monotonic() + 10
    while browser.execute_script("return window.__xss === undefined") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert browser.execute_script("return window.__xss") in ("planted", "inline script")
