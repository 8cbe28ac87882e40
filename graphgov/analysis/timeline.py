"""Each need's life in dates, and the periods (months, quarters, years) indicators are counted in.

A need's milestones come from two places: the dates its list carries (``raised``,
``dispatched_on``, ``accepted_on``, ``fulfilled_on``, ``closed_on``) and the steps the
dispatch loop recorded as NeedEvents (the first dispatch, the first acceptance, the step
that left it fulfilled, the last closing). The earlier of the two is kept. Seen from a
date ``as_of``, a step dated after it has not happened yet, and a need raised after it
does not exist yet.

A status without a date (a list that says ``fulfilled`` but not when) still counts
towards the state of the need, as reached on the dataset's own date: see
:func:`need_timeline`.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from graphgov.analysis.network import area_descendants, scope_units

__all__ = ["MILESTONES", "PERIOD_KINDS", "need_timeline", "scope_of", "period_labels", "periods_between",
           "as_timestamp"]

#: the dated steps of a need, in the order of its life cycle
MILESTONES = ("dispatched", "accepted", "fulfilled", "closed")
#: how indicators can be grouped in time: pandas period codes
PERIOD_KINDS = {"month": "M", "quarter": "Q", "year": "Y"}
_LIST_COLUMNS = {"dispatched": "dispatched_on", "accepted": "accepted_on", "fulfilled": "fulfilled_on",
                 "closed": "closed_on"}
_STATUS_REACHED = {  # statuses that imply each milestone was reached
    "dispatched": ("dispatched", "accepted", "partial", "fulfilled"),
    "accepted": ("accepted", "partial", "fulfilled"),
    "fulfilled": ("fulfilled",),
    "closed": ("closed",),
}


def as_timestamp(value) -> pd.Timestamp | None:
    if value is None or value is pd.NaT:
        return None
    ts = pd.Timestamp(value)
    return None if pd.isna(ts) else ts.normalize()


def _dates(df: pd.DataFrame | None, col: str) -> pd.Series:
    if df is None or df.empty or col not in df.columns:
        return pd.Series([], dtype="datetime64[us]")
    return pd.to_datetime(df[col], errors="coerce")


def _event_dates(events: pd.DataFrame | None) -> pd.DataFrame:
    """Per need, the milestone dates the dispatch loop recorded (index: need id)."""
    cols = list(MILESTONES)
    if events is None or events.empty:
        return pd.DataFrame(columns=cols, dtype="datetime64[us]")
    e = events.assign(on=pd.to_datetime(events["on_date"], errors="coerce"))
    out = pd.DataFrame(index=pd.Index(sorted(set(e["need_id"])), name="need_id"))
    out["dispatched"] = e[e["step"] == "dispatch"].groupby("need_id")["on"].min()
    out["accepted"] = e[e["step"] == "accept"].groupby("need_id")["on"].min()
    out["fulfilled"] = e[e["status_after"] == "fulfilled"].groupby("need_id")["on"].min()
    # a need closed, reopened and closed again was closed when it was last closed
    last = e.sort_values(["on", "id"]).groupby("need_id").tail(1)
    closed = last[last["status_after"] == "closed"].set_index("need_id")["on"]
    out["closed"] = closed
    return out


def need_timeline(tables: dict[str, pd.DataFrame], as_of: dt.date, dataset_as_of: dt.date | None = None,
                  units: set[str] | None = None, channel: str | None = None) -> pd.DataFrame:
    """One row per need raised by ``as_of`` (and by ``units`` when given): its milestones as seen then.

    Returns columns ``id``, ``unit_id``, ``category``, ``channel``, ``status``, ``rating``,
    ``raised`` and one date column per :data:`MILESTONES` (NaT when not reached by
    ``as_of`` or not dated), ``reached_<milestone>`` (bool: reached by ``as_of``, dated or
    implied by the status) and ``response`` (the first dated step of any kind). A status
    without a date implies its milestone was reached on ``dataset_as_of`` (the dataset's
    own date; when the dataset states none, on ``as_of`` itself).
    """
    needs = tables.get("needs")
    cols = ["id", "unit_id", "category", "channel", "status", "rating", "raised", *MILESTONES,
            *(f"reached_{m}" for m in MILESTONES), "response"]
    if needs is None or needs.empty:
        return pd.DataFrame(columns=cols)
    cutoff = pd.Timestamp(as_of)
    df = pd.DataFrame({
        "id": needs["id"].values,
        "unit_id": needs["unit_id"].values,
        "category": needs["category"].values,
        "channel": needs["channel"].values if "channel" in needs.columns else None,
        "status": needs["status"].where(needs["status"].notna(), "open").values,
        "rating": needs["rating"].values if "rating" in needs.columns else None,
        "raised": _dates(needs, "raised").values,
        **{f"_{m}": (_dates(needs, c).values if c in needs.columns else pd.NaT) for m, c in _LIST_COLUMNS.items()},
    })
    if units is not None:
        df = df[df["unit_id"].isin(units)]
    if channel is not None:
        df = df[df["channel"] == channel]
    df = df[df["raised"].isna() | (df["raised"] <= cutoff)].reset_index(drop=True)
    recorded = _event_dates(tables.get("need_events")).reindex(df["id"])
    implied_on = pd.Timestamp(dataset_as_of) if dataset_as_of is not None else cutoff
    for m in MILESTONES:
        listed = pd.to_datetime(df[f"_{m}"], errors="coerce")
        both = pd.concat([listed.rename("a"), recorded[m].reset_index(drop=True).rename("b")], axis=1)
        when = both.min(axis=1)
        when = when.where(when <= cutoff)
        df[m] = when.values
        undated = listed.isna().values & recorded[m].isna().values
        by_status = df["status"].isin(_STATUS_REACHED[m]).values & undated & (implied_on <= cutoff)
        df[f"reached_{m}"] = df[m].notna().values | by_status
    # a fulfilled need counts as dispatched and accepted even when only its fulfilment is dated
    df["reached_dispatched"] |= df["reached_accepted"] | df["reached_fulfilled"]
    df["reached_accepted"] |= df["reached_fulfilled"]
    df["response"] = df[list(MILESTONES)].min(axis=1)
    return df[cols]


def scope_of(tables: dict[str, pd.DataFrame], committee: str | None = None, area: str | None = None
             ) -> tuple[set[str] | None, set[str] | None]:
    """(units, committees) in scope; (None, None) for everything.

    ``committee``: it and the committees below it, and their members; ``area``: the
    committees located in it or below it and the units of
    :func:`graphgov.analysis.network.scope_units`. Raises NotFoundError for unknown ids.
    """
    if committee is None and area is None:
        return None, None
    units = scope_units(tables, committee, area)
    comms = tables.get("committees")
    ids = set(comms["id"]) if comms is not None else set()
    if committee is not None:
        ids &= area_descendants(comms, committee)  # the same walk over parent_id
    if area is not None:
        places = area_descendants(tables["areas"], area)
        ids &= set(comms.loc[comms["area_id"].isin(places), "id"])
    return units, ids


def period_labels(dates: pd.Series, by: str) -> pd.Series:
    """``"2025"``, ``"2025-Q3"`` or ``"2025-03"`` for each date (None for none)."""
    if by not in PERIOD_KINDS:
        raise KeyError(by)
    d = pd.to_datetime(pd.Series(dates), errors="coerce")
    year = d.dt.year.astype("Int64").astype(str)
    if by == "year":
        label = year
    elif by == "quarter":
        label = year + "-Q" + d.dt.quarter.astype("Int64").astype(str)
    else:
        label = year + "-" + d.dt.month.astype("Int64").astype(str).str.zfill(2)
    return label.astype(object).where(d.notna(), None)


def _label(p: pd.Period, by: str) -> str:
    if by == "year":
        return str(p.year)
    if by == "quarter":
        return f"{p.year}-Q{p.quarter}"
    return f"{p.year}-{p.month:02d}"


def periods_between(first: dt.date, last: dt.date, by: str) -> pd.DataFrame:
    """The periods from the one holding ``first`` to the one holding ``last``.

    Columns ``period`` (label), ``start``, ``end`` (the period's last day, or ``last``
    when the period runs past it) and ``days`` (its length up to ``end``).
    """
    code = PERIOD_KINDS[by]
    rng = pd.period_range(pd.Timestamp(first).to_period(code), pd.Timestamp(last).to_period(code), freq=code)
    starts = [p.start_time.normalize() for p in rng]
    ends = [min(p.end_time.normalize(), pd.Timestamp(last)) for p in rng]
    return pd.DataFrame({"period": [_label(p, by) for p in rng], "start": starts, "end": ends,
                         "days": [(e - s).days + 1 for s, e in zip(starts, ends)],
                         "full_days": [(p.end_time.normalize() - s).days + 1 for p, s in zip(rng, starts)]})
