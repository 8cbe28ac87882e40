"""Indicators over time: the committees' own figures per month, quarter or year.

:func:`trends` counts, for the whole store, a committee (and those below it) or an area
(and everything below it), per period: needs received, dispatched, fulfilled and closed;
the three rates committees and the 12345 hotline report (响应率, 解决率, 满意率); the
median days to the first dispatch and to fulfilment; projects started and completed; new
member units and new agreements; meetings held against the committees' cadence. Every
column is defined in :data:`DEFINITIONS` (the same text as ``docs/trends.md``), and the
result carries them, so a table never travels without its definitions.

Two kinds of count, stated in each definition:

- *flows* count what happened in the period (a need fulfilled in March counts in March);
- *rates* follow the needs received in the period (a cohort) up to the reference date:
  of the needs received in March, how many were answered in time, fulfilled, rated well.

Seen from ``as_of``, nothing after it has happened. The reference date defaults to the
dataset's own date, else today (:func:`graphgov.dataset.meta.reference_date`).

>>> import pandas as pd
>>> tables = {"needs": pd.DataFrame({"id": ["N1", "N2"], "unit_id": ["U1", "U1"],
...     "category": ["parking", "parking"], "status": ["fulfilled", "open"],
...     "raised": pd.to_datetime(["2025-01-05", "2025-02-01"]),
...     "dispatched_on": pd.to_datetime(["2025-01-07", None]),
...     "fulfilled_on": pd.to_datetime(["2025-01-20", None])})}
>>> df = trends(tables, by="year", as_of="2025-12-31")
>>> df.loc[0, ["period", "received", "fulfilled", "resolution_rate"]].tolist()
['2025', 2, 1, 0.5]
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from graphgov.analysis.gap_rules import MEETINGS_PER_YEAR
from graphgov.analysis.timeline import PERIOD_KINDS, need_timeline, period_labels, periods_between, scope_of
from graphgov.dataset.meta import as_date, dataset_date, reference_date
from graphgov.errors import OptionError

__all__ = ["DEFINITIONS", "DEFAULT_RESPONSE_DAYS", "SATISFIED", "trends", "definitions_frame", "year_over_year"]

DEFAULT_RESPONSE_DAYS = 7
#: ratings that count as satisfied in 满意率
SATISFIED = ("satisfied", "basically_satisfied")

# column: (Chinese name, definition). The text of docs/trends.md says the same.
DEFINITIONS: dict[str, tuple[str, str]] = {
    "period": ("统计期", "the month (2025-03), quarter (2025-Q1) or year (2025); the last period ends on the "
                         "reference date"),
    "start": ("起始日期", "first day of the period"),
    "end": ("截止日期", "last day of the period, or the reference date if the period runs past it"),
    "received": ("收集需求", "flow: needs raised in the period (date raised)"),
    "dispatched": ("派单", "flow: needs first dispatched in the period (first 派单 date)"),
    "fulfilled": ("办结", "flow: needs fulfilled in the period (fulfilled_on, or the dispatch loop's step that "
                          "fulfilled them)"),
    "closed": ("关闭", "flow: needs closed without being fulfilled in the period"),
    "responded": ("按时响应", "of the needs received in the period: answered (dispatched, accepted, fulfilled or "
                              "closed) within the response days of being raised"),
    "response_rate": ("响应率", "responded ÷ needs received in the period whose answer time is known; a need not "
                                "yet answered whose response days have not passed by the reference date, or one "
                                "whose status says it was answered but not when, is left out"),
    "resolved": ("已解决", "of the needs received in the period: fulfilled by the reference date"),
    "resolution_rate": ("解决率", "resolved ÷ (needs received in the period − those closed without being "
                                  "fulfilled by the reference date)"),
    "rated": ("参评", "of the needs received in the period: given a rating by the reference date"),
    "satisfied": ("满意", "rated 满意 or 基本满意 (a score of 3–5)"),
    "satisfaction_rate": ("满意率", "satisfied ÷ rated"),
    "median_days_to_dispatch": ("派单用时中位数（天）", "median days from raised to first dispatch, over the needs "
                                                   "first dispatched in the period"),
    "median_days_to_fulfil": ("办结用时中位数（天）", "median days from raised to fulfilled, over the needs "
                                                 "fulfilled in the period"),
    "projects_started": ("新启动项目", "flow: projects whose start date falls in the period (led by or joined "
                                     "by a unit in scope)"),
    "projects_completed": ("完成项目", "flow: projects with status completed whose end date falls in the period"),
    "new_members": ("新加入成员", "flow: member units joining a committee in scope in the period (one per unit "
                                "and committee, by the date they joined)"),
    "new_agreements": ("新签共建协议", "flow: co-building agreements signed in the period by a unit in scope"),
    "meetings_held": ("召开会议", "flow: meetings of committees in scope held in the period (from the meetings "
                                "list; empty before its first meeting)"),
    "meetings_expected": ("应开会议", "the meetings the committees' cadences ask for in the period (monthly: 12 a "
                                    "year, quarterly: 4 …), pro rata for a period cut short by the reference date, "
                                    "counting a committee from its first member's joining date"),
}
_COLUMNS = list(DEFINITIONS)


def definitions_frame(columns=None) -> pd.DataFrame:
    """The definitions as a table: ``column``, ``指标``, ``definition``."""
    cols = [c for c in (columns or _COLUMNS) if c in DEFINITIONS]
    return pd.DataFrame({"column": cols, "指标": [DEFINITIONS[c][0] for c in cols],
                         "definition": [DEFINITIONS[c][1] for c in cols]})


def _count(labels: pd.Series, periods: pd.Series) -> pd.Series:
    return labels.value_counts().reindex(periods, fill_value=0).astype(int).values


def _median_days(labels: pd.Series, days: pd.Series, periods: pd.Series) -> np.ndarray:
    med = days.groupby(labels).median()
    return med.reindex(periods).astype(float).values


def _ratio(num, den) -> np.ndarray:
    num, den = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)


def _frame(tables, name) -> pd.DataFrame:
    df = tables.get(name)
    return df if df is not None else pd.DataFrame()


def _in_window(dates: pd.Series, as_of: pd.Timestamp) -> pd.Series:
    d = pd.to_datetime(dates, errors="coerce")
    return d.where(d <= as_of)


def trends(source, by: str = "year", committee: str | None = None, area: str | None = None,
           as_of=None, since=None, response_days: int = DEFAULT_RESPONSE_DAYS, channel: str | None = None,
           today: dt.date | None = None) -> pd.DataFrame:
    """The indicators per period (see :data:`DEFINITIONS`), oldest period first.

    Parameters
    ----------
    source : a store, a checked Dataset or a dict of tables.
    by : ``month``, ``quarter`` or ``year``.
    committee, area : the scope (see :func:`graphgov.analysis.timeline.scope_of`); neither: everything.
    as_of : the reference date (default: the dataset's own date, else ``today``).
    since : the first period holds this date (default: the first need raised in scope).
    response_days : a need counts as responded to when answered within this many days.
    channel : only needs that came in through this channel (a code of the ``channel`` vocabulary).

    Returns
    -------
    DataFrame with the columns of :data:`DEFINITIONS`; ``attrs`` holds ``as_of``, ``by``,
    ``response_days``, ``scope`` and ``definitions`` (a DataFrame).

    Raises
    ------
    OptionError for a bad period kind, date or response days; NotFoundError for an
    unknown committee or area.
    """
    from graphgov.analysis.graph import tables_of

    if by not in PERIOD_KINDS:
        raise OptionError(f"unknown period {by!r}; choose one of {', '.join(PERIOD_KINDS)}")
    if response_days < 0:
        raise OptionError(f"response days must be 0 or more, not {response_days}")
    tables = tables_of(source)
    as_of = reference_date(tables, as_of, today)
    cutoff = pd.Timestamp(as_of)
    units, committees = scope_of(tables, committee, area)
    timeline = need_timeline(tables, as_of, dataset_date(tables), units, channel)
    first = as_date(since, "since")
    if first is None:
        raised = timeline["raised"].dropna()
        first = raised.min().date() if len(raised) else as_of
    if first > as_of:
        raise OptionError(f"since {first} is after the reference date {as_of}")
    periods = periods_between(first, as_of, by)
    out = periods[["period", "start", "end"]].copy()
    keys = out["period"]

    # flows of needs
    t = timeline
    raised_in = period_labels(t["raised"], by)
    out["received"] = _count(raised_in, keys)
    for m in ("dispatched", "fulfilled", "closed"):
        out[m] = _count(period_labels(t[m], by), keys)

    # rates on the cohort received in each period
    waited = (t["response"] - t["raised"]).dt.days
    answered = waited.notna()
    responded = answered & (waited <= response_days)
    window_over = t["raised"] + pd.Timedelta(days=response_days) <= cutoff
    # answered, but we do not know when: neither in time nor late
    acted_undated = ~answered & (t["reached_dispatched"] | t["reached_closed"])
    judged = answered | (window_over & ~acted_undated)
    out["responded"] = _count(raised_in[responded], keys)
    out["response_rate"] = _ratio(out["responded"], _count(raised_in[judged], keys))
    out["resolved"] = _count(raised_in[t["reached_fulfilled"]], keys)
    closed_unfulfilled = t["reached_closed"] & ~t["reached_fulfilled"]
    out["resolution_rate"] = _ratio(out["resolved"], out["received"] - _count(raised_in[closed_unfulfilled], keys))
    rated = t["rating"].notna() & (t["reached_fulfilled"] | t["reached_closed"])
    out["rated"] = _count(raised_in[rated], keys)
    out["satisfied"] = _count(raised_in[rated & t["rating"].isin(SATISFIED)], keys)
    out["satisfaction_rate"] = _ratio(out["satisfied"], out["rated"])

    # how long, over the needs that reached the step in the period
    for m, col in (("dispatched", "median_days_to_dispatch"), ("fulfilled", "median_days_to_fulfil")):
        done = t[m].notna() & t["raised"].notna()
        out[col] = _median_days(period_labels(t.loc[done, m], by), (t.loc[done, m] - t.loc[done, "raised"]).dt.days,
                                keys)

    # projects, members, agreements, meetings
    projects = _frame(tables, "projects")
    if not projects.empty and units is not None:
        parts = _frame(tables, "participations")
        joined = set(parts.loc[parts["unit_id"].isin(units), "project_id"]) if not parts.empty else set()
        projects = projects[projects["lead_unit_id"].isin(units) | projects["id"].isin(joined)]
    if projects.empty:
        out["projects_started"] = out["projects_completed"] = 0
    else:
        out["projects_started"] = _count(period_labels(_in_window(projects["start_date"], cutoff), by), keys)
        done = projects[projects["status"] == "completed"]
        out["projects_completed"] = _count(period_labels(_in_window(done["end_date"], cutoff), by), keys)
    members = _frame(tables, "memberships")
    if committees is not None and not members.empty:
        members = members[members["committee_id"].isin(committees)]
    out["new_members"] = (_count(period_labels(_in_window(members["since"], cutoff), by), keys)
                          if not members.empty else 0)
    agreements = _frame(tables, "agreements")
    if units is not None and not agreements.empty:
        agreements = agreements[agreements["unit_a"].isin(units) | agreements["unit_b"].isin(units)]
    out["new_agreements"] = (_count(period_labels(_in_window(agreements["signed"], cutoff), by), keys)
                             if not agreements.empty else 0)
    held, expected = _meetings(tables, committees, periods, by, cutoff)
    out["meetings_held"], out["meetings_expected"] = held, expected

    out["start"] = out["start"].dt.date
    out["end"] = out["end"].dt.date
    out = out[_COLUMNS]
    out.attrs.update(as_of=as_of.isoformat(), by=by, response_days=response_days,
                     scope=_scope_text(tables, committee, area, channel), definitions=definitions_frame())
    return out


def _meetings(tables, committees: set[str] | None, periods: pd.DataFrame, by: str, cutoff: pd.Timestamp):
    """Meetings held and expected per period; None where the meetings list says nothing."""
    n = len(periods)
    log = _frame(tables, "meetings")
    comms = _frame(tables, "committees")
    if log.empty:
        return [None] * n, [None] * n
    if committees is not None:
        log = log[log["committee_id"].isin(committees)]
        comms = comms[comms["id"].isin(committees)] if not comms.empty else comms
    all_held = pd.to_datetime(_frame(tables, "meetings")["held_on"], errors="coerce")
    known_from = all_held.min().to_period(PERIOD_KINDS[by]).start_time if all_held.notna().any() else cutoff
    held = _count(period_labels(_in_window(log["held_on"], cutoff), by), periods["period"])
    members = _frame(tables, "memberships")
    founded = (pd.to_datetime(members["since"], errors="coerce").groupby(members["committee_id"]).min()
               if not members.empty else pd.Series(dtype="datetime64[us]"))
    # committees × periods: the days of each period a committee existed, times its meetings per day
    per_year = comms["cadence"].map(MEETINGS_PER_YEAR).fillna(0).to_numpy(dtype=float) if not comms.empty else \
        np.zeros(0)
    start = pd.to_datetime(comms["id"].map(founded), errors="coerce").to_numpy("datetime64[D]") if not comms.empty \
        else np.zeros(0, "datetime64[D]")
    p_start = periods["start"].to_numpy("datetime64[D]")
    p_end = periods["end"].to_numpy("datetime64[D]")
    begin = np.where(np.isnat(start)[:, None], p_start[None, :], np.maximum(start[:, None], p_start[None, :]))
    days = np.clip((p_end[None, :] - begin).astype(int) + 1, 0, None)
    year_days = np.array([_year_days(s) for s in periods["start"]], dtype=float)
    expected = (per_year[:, None] * days / year_days[None, :]).sum(axis=0) if len(per_year) else np.zeros(n)
    known = (periods["start"] >= known_from).values
    return ([int(h) if k else None for h, k in zip(held, known)],
            [round(float(e), 1) if k else None for e, k in zip(expected, known)])


def _year_days(start: pd.Timestamp) -> int:
    return 366 if pd.Timestamp(start).is_leap_year else 365


def _scope_text(tables, committee, area, channel) -> str:
    parts = []
    for name, key in (("committees", committee), ("areas", area)):
        if key is not None:
            df = tables[name]
            parts.append(f"{df.loc[df['id'] == key, 'name'].iloc[0]}（{key}）")
    if channel:
        parts.append(f"channel {channel}")
    return " · ".join(parts) or "全部"


def year_over_year(df: pd.DataFrame, column: str) -> pd.DataFrame:
    """A monthly or quarterly trends table pivoted: one row per month (or quarter) of the year, one column per year.

    >>> df = pd.DataFrame({"period": ["2024-01", "2025-01"], "received": [3, 5]})
    >>> year_over_year(df, "received").to_dict("list")
    {'within': ['01'], '2024': [3], '2025': [5]}
    """
    years = df["period"].str[:4]
    within = df["period"].str[5:]
    wide = pd.DataFrame({"within": within, "year": years, "value": df[column]})
    table = wide.pivot(index="within", columns="year", values="value").reset_index()
    table.columns.name = None
    return table
