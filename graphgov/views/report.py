"""The planner's report: one offline HTML page for a committee, an area or everything.

:func:`report_figures` computes the key figures the sources themselves report (member
units, needs collected, the share of needs turned into projects, open needs by age,
the fulfilment rate) plus the tables behind the charts; :func:`render_report` lays them
out with inline SVG charts (:mod:`graphgov.views.svg`), the top central actors
(:func:`graphgov.analysis.central.central_table`), the gaps with their evidence
(:func:`graphgov.analysis.gaps.find_gaps`), the trends year against year
(:func:`graphgov.views.report_trends.trends_section`), the proposed matches
(:func:`graphgov.matching.assign.assign_all`) and the network map embedded in a sandboxed
``<iframe srcdoc>``. Nothing is fetched when the page is opened.

Definitions (the same in ``docs/maps.md``):

- *units*: the members of the committee and of the committees below it; for an area,
  the units located in it or below it and the members of committees located there
  (:func:`graphgov.analysis.network.scope_units`); everything when no scope is given.
- *needs collected*: needs raised by those units.
- *share turned into projects*: needs named by at least one project (``need_ids``) ÷ needs collected.
- *open needs*: status other than fulfilled (已完成) or closed (已关闭); a need without a status is open.
  Age = report date − ``raised``.
- *fulfilment rate*: fulfilled needs ÷ (needs collected − closed needs).
"""
from __future__ import annotations

import os
from datetime import date
from html import escape
from pathlib import Path

import pandas as pd

from graphgov.views import maps, svg
from graphgov.views.map_render import csp, fill_template, map_scripts
from graphgov.views.map_style import DEFAULT_MAX_NODES, format_evidence
from graphgov.views.report_map import map_size, report_map_tables
from graphgov.views.report_trends import trends_section
from graphgov.dataset import vocab
from graphgov.dataset.meta import reference_date
from graphgov.analysis.central import central_table
from graphgov.analysis.gaps import KIND_ZH, SEVERITY_ZH, find_gaps
from graphgov.analysis.graph import tables_of
from graphgov.matching.assign import assign_all
from graphgov.analysis.network import area_descendants, block_of, scope_units

__all__ = ["AGE_BUCKETS", "report_figures", "render_report", "write_report", "age_bucket", "scoped_matches"]

# (lowest age in days, highest or None, label)
AGE_BUCKETS = ((0, 30, "30天以内"), (31, 90, "31–90天"), (91, 180, "91–180天"), (181, 365, "181–365天"),
               (366, None, "一年以上"))
UNKNOWN_AGE = "提出日期不详"
CLOSED_STATUSES = ("fulfilled", "closed")


def age_bucket(days) -> str:
    """The age bucket label of a need ``days`` old (None or NaN: unknown date).

    >>> age_bucket(45)
    '31–90天'
    """
    if days is None or pd.isna(days):
        return UNKNOWN_AGE
    days = max(int(days), 0)
    for low, high, label in AGE_BUCKETS:
        if days >= low and (high is None or days <= high):
            return label
    return UNKNOWN_AGE


def _frame(tables, name) -> pd.DataFrame:
    df = tables.get(name)
    return df if df is not None else pd.DataFrame()


def _scope_committees(tables, committee, area) -> set[str]:
    committees = _frame(tables, "committees")
    if committees.empty:
        return set()
    ids = set(committees["id"])
    if committee is not None:
        ids &= area_descendants(committees, committee)  # same walk over parent_id
    if area is not None:
        areas = area_descendants(_frame(tables, "areas"), area)
        ids &= set(committees.loc[committees["area_id"].isin(areas), "id"])
    return ids


def _scope_name(tables, committee, area) -> str:
    parts = []
    if committee is not None:
        c = _frame(tables, "committees")
        parts.append(str(c.loc[c["id"] == committee, "name"].iloc[0]))
    if area is not None:
        a = _frame(tables, "areas")
        parts.append(str(a.loc[a["id"] == area, "name"].iloc[0]))
    return " · ".join(parts) or "全部"


def report_figures(source, committee: str | None = None, area: str | None = None, today: date | None = None) -> dict:
    """The key figures of a committee, an area (and everything below it) or everything.

    Returns
    -------
    dict with ``scope`` (name), ``committees``, ``units``, ``needs``, ``needs_with_project``,
    ``project_share``, ``fulfilled``, ``closed``, ``fulfilment_rate``, ``open_needs``,
    ``open_by_age`` (bucket label → count, in :data:`AGE_BUCKETS` order, then unknown),
    ``resources``, ``projects``, ``supply_demand`` (DataFrame: category, category_zh,
    needs, resources) and ``needs_by_area`` (DataFrame: area_id, area, needs; areas
    rolled up to the street-township level). Shares are None when their base is 0.

    Raises
    ------
    NotFoundError for an unknown committee or area.
    """
    tables = tables_of(source)
    today = reference_date(tables, today)
    units = scope_units(tables, committee, area)
    needs = _frame(tables, "needs")
    needs = needs[needs["unit_id"].isin(units)] if not needs.empty else needs
    resources = _frame(tables, "resources")
    resources = resources[resources["unit_id"].isin(units)] if not resources.empty else resources
    projects = _frame(tables, "projects")
    parts = _frame(tables, "participations")
    project_ids = set()
    if not projects.empty:
        project_ids |= set(projects.loc[projects["lead_unit_id"].isin(units), "id"])
    if not parts.empty:
        project_ids |= set(parts.loc[parts["unit_id"].isin(units), "project_id"])
    addressed = set()
    if not projects.empty:
        for ids in projects["need_ids"].dropna():
            addressed.update(i.strip() for i in str(ids).split(";") if i.strip())
    n = len(needs)
    status = needs["status"] if n else pd.Series([], dtype=object)
    fulfilled = int((status == "fulfilled").sum())
    closed = int((status == "closed").sum())
    with_project = int(needs["id"].isin(addressed).sum()) if n else 0
    open_mask = ~status.isin(CLOSED_STATUSES)
    open_needs = needs[open_mask] if n else needs
    by_age = {label: 0 for *_, label in AGE_BUCKETS}
    by_age[UNKNOWN_AGE] = 0
    if len(open_needs):
        raised = pd.to_datetime(open_needs["raised"], errors="coerce")
        ages = (pd.Timestamp(today) - raised).dt.days
        for days in ages:
            by_age[age_bucket(days)] += 1

    cats = sorted(set(needs["category"].dropna() if n else ()) | set(resources["category"].dropna() if len(resources) else ()))
    need_counts = needs["category"].value_counts() if n else pd.Series(dtype=int)
    res_counts = resources["category"].value_counts() if len(resources) else pd.Series(dtype=int)
    supply_demand = pd.DataFrame({
        "category": cats,
        "category_zh": [vocab.zh_label("category", c) for c in cats],
        "needs": [int(need_counts.get(c, 0)) for c in cats],
        "resources": [int(res_counts.get(c, 0)) for c in cats],
    })
    supply_demand = supply_demand.sort_values(["needs", "resources", "category"], ascending=[False, False, True],
                                              ignore_index=True)

    areas = _frame(tables, "areas")
    unit_area = dict(zip(_frame(tables, "units")["id"], _frame(tables, "units")["area_id"])) if units else {}
    blocks = block_of(areas, "street") if not areas.empty else {}
    area_names = dict(zip(areas["id"], areas["name"])) if not areas.empty else {}
    counts: dict[str | None, int] = {}
    for aid, uid in zip(needs["area_id"] if n else (), needs["unit_id"] if n else ()):
        a = aid if isinstance(aid, str) and aid else unit_area.get(uid)
        a = blocks.get(a, a) if isinstance(a, str) else None
        counts[a] = counts.get(a, 0) + 1
    needs_by_area = pd.DataFrame({
        "area_id": list(counts),
        "area": [area_names.get(a, a) if a else "区域不详" for a in counts],
        "needs": list(counts.values()),
    }).sort_values(["needs", "area"], ascending=[False, True], ignore_index=True)

    return {
        "scope": _scope_name(tables, committee, area),
        "committees": len(_scope_committees(tables, committee, area)),
        "units": len(units),
        "needs": n,
        "needs_with_project": with_project,
        "project_share": with_project / n if n else None,
        "fulfilled": fulfilled,
        "closed": closed,
        "fulfilment_rate": fulfilled / (n - closed) if n - closed > 0 else None,
        "open_needs": int(open_mask.sum()) if n else 0,
        "open_by_age": by_age,
        "resources": len(resources),
        "projects": len(project_ids),
        "supply_demand": supply_demand,
        "needs_by_area": needs_by_area,
        "today": today,
    }


def scoped_matches(tables, assignments: pd.DataFrame, committee=None, area=None) -> pd.DataFrame:
    """The assignments of the needs raised in scope; resources anywhere may serve them."""
    if committee is None and area is None:
        return assignments
    units = scope_units(tables, committee, area)
    needs = _frame(tables, "needs")
    in_scope = set(needs.loc[needs["unit_id"].isin(units), "id"]) if not needs.empty else set()
    return assignments[assignments["need_id"].isin(in_scope)].reset_index(drop=True)


# -- HTML -----------------------------------------------------------------------------

def _e(value) -> str:
    if value is None or (not isinstance(value, (list, tuple, dict)) and pd.isna(value)):
        return ""
    if isinstance(value, float):
        return escape(f"{value:.3g}")
    return escape(str(value), quote=True)


def _pct(x) -> str:
    return "—" if x is None else f"{100 * x:.1f}%"


def _html_table(df: pd.DataFrame, columns: list[tuple[str, str]], table_id: str, limit: int | None = None) -> str:
    if df is None or df.empty:
        return '<p class="gg-none">无</p>'
    rows = df.head(limit) if limit else df
    head = "".join(f"<th>{escape(zh)}</th>" for _, zh in columns)
    body = []
    for rec in rows.to_dict("records"):
        body.append("<tr>" + "".join(f"<td>{_e(rec.get(c))}</td>" for c, _ in columns) + "</tr>")
    more = f'<p class="gg-more">共 {len(df)} 条，仅列出前 {limit} 条。</p>' if limit and len(df) > limit else ""
    return f'<table id="{table_id}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>{more}'


def _figure(key: str, label: str, value: str, raw) -> str:
    raw_attr = "" if raw is None else escape(str(raw), quote=True)
    return (f'<div class="gg-figure" data-figure="{key}" data-value="{raw_attr}">'
            f'<span class="gg-v">{escape(value)}</span><span class="gg-k">{escape(label)}</span></div>')


def render_report(source, committee: str | None = None, area: str | None = None, today: date | None = None,
                  findings: pd.DataFrame | None = None, matches: pd.DataFrame | None = None,
                  central: pd.DataFrame | None = None, top: int = 15, embed_map: bool = True,
                  map_options: dict | None = None, map_data: maps.MapData | None = None) -> str:
    """The report as one self-contained HTML page.

    What is not given is computed for the scope: ``central`` by
    :func:`graphgov.analysis.central.central_table`, ``findings`` by :func:`graphgov.analysis.gaps.find_gaps`
    (as of the report date), ``matches`` from the assignments of
    :func:`graphgov.matching.assign.assign_all` (those of needs raised in scope). The embedded
    map is ``map_data`` when given, else :func:`graphgov.views.maps.build_map` with
    ``map_options``. Raises NotFoundError for an unknown committee or area.
    """
    tables = tables_of(source)
    fig = report_figures(tables, committee, area, today)
    if findings is None:
        findings = find_gaps(tables, as_of=fig["today"], committee=committee, area=area)
    if matches is None:
        matches = scoped_matches(tables, assign_all(tables, as_of=fig["today"])[0], committee, area)
    if central is None:
        central = central_table(tables, committee=committee, area=area)

    parts = [
        f'<h1>{escape(fig["scope"])}：党建协调网络报告</h1>',
        f'<p class="gg-sub">报告日期 {escape(fig["today"].isoformat())} · 由 graphgov 生成，离线可用</p>',
        '<section id="figures"><h2>关键数字</h2><div class="gg-figures">',
        _figure("committees", "协调委员会", str(fig["committees"]), fig["committees"]),
        _figure("units", "成员单位", str(fig["units"]), fig["units"]),
        _figure("needs", "收集需求", str(fig["needs"]), fig["needs"]),
        _figure("resources", "资源", str(fig["resources"]), fig["resources"]),
        _figure("projects", "项目", str(fig["projects"]), fig["projects"]),
        _figure("project_share", "需求转化为项目", _pct(fig["project_share"]), fig["project_share"]),
        _figure("fulfilment_rate", "需求完成率", _pct(fig["fulfilment_rate"]), fig["fulfilment_rate"]),
        _figure("open_needs", "未办结需求", str(fig["open_needs"]), fig["open_needs"]),
        "</div>",
        '<h3>未办结需求的时长</h3><table id="open-by-age"><thead><tr><th>已提出</th><th>需求数</th></tr></thead><tbody>',
        *[f'<tr data-bucket="{escape(k)}"><td>{escape(k)}</td><td>{v}</td></tr>' for k, v in fig["open_by_age"].items()],
        "</tbody></table>",
        '<p class="gg-note">完成率 = 已完成 ÷（收集需求 − 已关闭）；转化率 = 有项目对接的需求 ÷ 收集需求。</p>',
        "</section>",
        '<section id="charts"><h2>图表</h2>',
    ]
    sd = fig["supply_demand"].head(20)
    parts.append(svg.grouped_bars(list(sd["category_zh"]), [("需求", "#f57c00", list(sd["needs"])),
                                                              ("资源", "#2e7d32", list(sd["resources"]))],
                                  "各类别需求与资源（供需对比）", chart_id="supply-demand"))
    nba = fig["needs_by_area"].head(20)
    parts.append(svg.bars(list(nba["area"]), list(nba["needs"]), "各区域（街乡）需求数", chart_id="needs-by-area",
                          colour="#f57c00", label_width=160))
    if not central.empty:
        degree_counts = central["degree"].fillna(0).astype(int).value_counts().to_dict()
        parts.append(svg.histogram({int(k): int(v) for k, v in degree_counts.items()}, "成员单位联系数分布",
                                   "联系单位数（度）", "单位数", chart_id="degree-distribution"))
    parts.append("</section>")
    parts.append(trends_section(tables, fig["today"], committee, area))

    parts.append("<section id=\"central\"><h2>核心单位（中心度排名）</h2>")
    central = central.copy()
    central["articulation"] = ["是" if v is True or v == 1 else "" for v in central["articulation"]]
    cols = [("rank", "排名"), ("name", "单位"), ("type_zh", "类型"), ("degree", "联系单位数"),
            ("betweenness", "中介中心度"), ("pagerank", "PageRank"), ("articulation", "割点")]
    parts.append(_html_table(central, cols, "central-table", top))
    parts.append("</section>")

    # findings and matches may come from files ('graphgov gaps/match --out'): use the columns they have
    parts.append('<section id="gaps"><h2>薄弱环节与问题</h2>')
    f = findings.copy()
    if "kind" in f.columns and "kind_zh" not in f.columns:
        f["kind_zh"] = [KIND_ZH.get(k, k) for k in f["kind"]]
    if "severity" in f.columns:
        f["severity"] = [SEVERITY_ZH.get(v, v) for v in f["severity"]]
    if "evidence" in f.columns:
        f["evidence"] = [format_evidence(v) for v in f["evidence"]]
    cols = [("kind_zh", "类型"), ("severity", "严重程度"), ("subject", "对象"), ("message", "说明"),
            ("evidence", "依据"), ("suggestion", "建议")]
    parts.append(_html_table(f, [c for c in cols if c[0] in f.columns], "gaps-table", 60))
    parts.append("</section>")

    parts.append('<section id="matches"><h2>需求与资源拟匹配</h2>')
    m = matches.copy()
    titles = {}
    for name, col in (("needs", "need_id"), ("resources", "resource_id")):
        t = _frame(tables, name)
        titles[col] = dict(zip(t["id"], t["title"])) if not t.empty else {}
    if "need_id" in m.columns:
        m["need"] = [titles["need_id"].get(i, i) for i in m["need_id"]]
        m["resource"] = [titles["resource_id"].get(i, i) for i in m["resource_id"]]
    units = _frame(tables, "units")
    unit_names = dict(zip(units["id"], units["name"])) if not units.empty else {}
    if "broker_id" in m.columns:
        m["broker"] = [unit_names.get(b, b) if isinstance(b, str) else None for b in m["broker_id"]]
    if "provider_id" in m.columns:
        m["provider"] = [unit_names.get(b, b) if isinstance(b, str) else None for b in m["provider_id"]]
    if "reasons" in m.columns:
        m["reasons"] = [format_evidence(r) for r in m["reasons"]]
    cols = [("need", "需求"), ("resource", "资源"), ("provider", "提供单位"), ("score", "得分"),
            ("broker", "引荐单位"), ("reasons", "理由")]
    parts.append(_html_table(m, [c for c in cols if c[0] in m.columns], "matches-table", 60))
    parts.append("</section>")

    scripts: list[str] = []  # the report runs no script of its own; the embedded map's, by their hashes
    if embed_map:
        scripts = map_scripts()
        note = ""
        if map_data is None:
            options = {"view": "committee" if committee else "network", "committee": committee, "area": area}
            options.update(map_options or {})
            whole = map_size(tables)
            if committee is None and area is None and whole > options.get("max_nodes", DEFAULT_MAX_NODES):
                # a city: the units, needs and committees the report names, not every node
                map_data = maps.build_map(report_map_tables(tables, central, findings, matches),
                                          title="报告所列单位、问题与拟匹配", central=options.get("central"))
                note = (f"全网共 {whole} 个节点；图中只画出本报告所列的核心单位、薄弱环节和拟匹配涉及的单位，"
                        "以及它们的委员会、清单和相互联系。完整网络图请用 graphgov map。")
            else:
                map_data = maps.build_map(tables, **options)
        map_html = maps.render_map(map_data)
        parts.append('<section id="map"><h2>网络图</h2>'
                     + (f'<p class="gg-note">{escape(note)}</p>' if note else "")
                     + '<p class="gg-note">可在图中查找单位、按委员会/区域/类别筛选、点击节点查看详情。</p>'
                     f'<iframe class="gg-map" title="网络图" sandbox="allow-scripts" srcdoc="{escape(map_html, quote=True)}">'
                     "</iframe></section>")

    page = (Path(__file__).resolve().parent / "templates" / "report.html").read_text(encoding="utf-8")
    # the map's srcdoc frame inherits this policy, so it must name the map's scripts too
    policy = csp(scripts, extra="; frame-src 'self' about: data:") if scripts else csp([], extra="; frame-src 'none'")
    return fill_template(page, {"CSP": escape(policy, quote=False), "TITLE": escape(f"{fig['scope']}：党建协调网络报告"),
                                "BODY": "\n".join(parts)})


def write_report(path: str | os.PathLike, source, **options) -> Path:
    """Write :func:`render_report` to ``path`` (via a temporary file, renamed at the end)."""
    text = render_report(source, **options)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return path
