"""The report's section on trends: this year against the years before, with the definitions.

:func:`trends_section` returns one ``<section id="trends">`` of the planner's report
(:mod:`graphgov.views.report`): a table of the yearly indicators of
:func:`graphgov.analysis.trends.trends`, line charts of the needs received and fulfilled
per month with one line per year, the three rates per year, the quarters' needs received
against fulfilled, and the definitions of every figure shown. Everything is inline SVG
and escaped text; the section has no script.
"""
from __future__ import annotations

import datetime as dt
from html import escape

import pandas as pd

from graphgov.analysis.trends import DEFINITIONS, trends, year_over_year
from graphgov.views import svg

__all__ = ["trends_section", "YEAR_COLUMNS", "YEARS_SHOWN"]

# the yearly table's columns, in order
YEAR_COLUMNS = ("received", "dispatched", "fulfilled", "closed", "response_rate", "resolution_rate",
                "satisfaction_rate", "median_days_to_dispatch", "median_days_to_fulfil", "projects_started",
                "projects_completed", "new_members", "new_agreements", "meetings_held", "meetings_expected")
YEARS_SHOWN = 3  # lines per chart: this year and the two before
_RATES = ("response_rate", "resolution_rate", "satisfaction_rate")
_LINE_COLOURS = ("#bdbdbd", "#64b5f6", "#b71c1c")  # older years paler, this year in the report's red
_MONTHS = [f"{m}月" for m in range(1, 13)]


def _value(v, column: str) -> str:
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return "—"
    if column in _RATES:
        return f"{100 * float(v):.1f}%"
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def _raw(v) -> str:
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return ""
    return escape(f"{float(v):.6g}" if isinstance(v, float) else str(v), quote=True)


def _year_table(years: pd.DataFrame) -> str:
    head = "".join(f"<th>{escape(str(p))}</th>" for p in years["period"])
    rows = []
    for c in YEAR_COLUMNS:
        cells = "".join(f'<td data-value="{_raw(v)}">{escape(_value(v, c))}</td>' for v in years[c])
        rows.append(f'<tr data-indicator="{escape(c)}"><th>{escape(DEFINITIONS[c][0])}</th>{cells}</tr>')
    return (f'<table id="trends-table"><thead><tr><th>指标</th>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def _by_year_lines(monthly: pd.DataFrame, column: str, title: str, chart_id: str) -> str:
    wide = year_over_year(monthly, column).set_index("within").reindex([f"{m:02d}" for m in range(1, 13)])
    years = [y for y in wide.columns][-YEARS_SHOWN:]
    colours = _LINE_COLOURS[-len(years):] if years else ()
    series = [(f"{y}年", colour, [None if pd.isna(v) else float(v) for v in wide[y]]) for y, colour in zip(years, colours)]
    return svg.lines(_MONTHS, series, title, chart_id=chart_id, ylabel="需求数")


def _definitions(columns) -> str:
    items = "".join(f"<li><b>{escape(DEFINITIONS[c][0])}</b>（{escape(c)}）：{escape(DEFINITIONS[c][1])}</li>"
                    for c in columns)
    return f'<details class="gg-defs"><summary>指标定义</summary><ul>{items}</ul></details>'


def trends_section(tables: dict, today: dt.date, committee: str | None = None, area: str | None = None,
                   response_days: int = 7) -> str:
    """The trends section as HTML (see the module doc); an empty string when no need has a date."""
    monthly = trends(tables, by="month", committee=committee, area=area, as_of=today, response_days=response_days)
    if monthly.empty or int(monthly["received"].sum()) == 0:
        return ""
    yearly = trends(tables, by="year", committee=committee, area=area, as_of=today, response_days=response_days)
    recent = yearly.tail(YEARS_SHOWN)
    quarterly = trends(tables, by="quarter", committee=committee, area=area, as_of=today,
                       response_days=response_days).tail(4 * YEARS_SHOWN)
    rates = svg.grouped_bars(
        [f"{p}年" for p in recent["period"]],
        [(DEFINITIONS[c][0], colour, [0.0 if pd.isna(v) else round(100 * float(v), 1) for v in recent[c]])
         for c, colour in zip(_RATES, ("#1565c0", "#2e7d32", "#f57c00"))],
        "响应率、解决率、满意率（%，逐年）", chart_id="trend-rates", label_width=80)
    quarters = svg.lines(list(quarterly["period"]),
                         [("收集需求", "#f57c00", [float(v) for v in quarterly["received"]]),
                          ("办结", "#2e7d32", [float(v) for v in quarterly["fulfilled"]])],
                         "各季度收集与办结的需求", chart_id="trend-quarters", ylabel="需求数")
    parts = [
        '<section id="trends"><h2>趋势：逐年对比</h2>',
        f'<p class="gg-note">截至 {escape(today.isoformat())}；响应时限 {response_days} 天。'
        "流量指标按发生日期计入各期；三项比率按当期收集的需求跟踪到报告日期。</p>",
        _year_table(recent),
        _by_year_lines(monthly, "received", "每月收集的需求（逐年对比）", "trend-received"),
        _by_year_lines(monthly, "fulfilled", "每月办结的需求（逐年对比）", "trend-fulfilled"),
        rates,
        quarters,
        _definitions(YEAR_COLUMNS),
        "</section>",
    ]
    return "\n".join(parts)
