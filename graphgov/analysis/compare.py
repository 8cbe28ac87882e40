"""What changed between two moments of a network: two datasets, two stores, or two dates of one.

:func:`snapshot` turns a store's tables into the network as it stood on a date (members
who had joined, agreements signed, needs raised and how far each had got, projects
started, meetings held). :func:`compare` sets two such states side by side and returns one
table per kind of change, every table with the same columns (:data:`CHANGE_COLUMNS`):

``members``      member units that joined or left a committee
``ties``         ties between units (shared committee, project, agreement, party line) gained or lost
``centrality``   the units whose rank by betweenness rose or fell most
``gaps``         coordination gaps closed and gaps new (suggested ties are suggestions, not gaps, and silos
                 of detected communities have no lasting identity: both left out)
``conversions``  needs converted to projects (named by a project's need_ids in the new state only)
``committees``   committees that went idle or woke up (the idle_committee gap rule at each date)

>>> import pandas as pd
>>> old = {"units": pd.DataFrame({"id": ["U1", "U2"], "name": ["甲", "乙"], "type": ["government"] * 2}),
...        "committees": pd.DataFrame({"id": ["C1"], "name": ["委员会"], "level": ["street"]}),
...        "memberships": pd.DataFrame({"unit_id": ["U1"], "committee_id": ["C1"]})}
>>> new = dict(old, memberships=pd.DataFrame({"unit_id": ["U1", "U2"], "committee_id": ["C1", "C1"]}))
>>> changes = compare(old, new, "2024-12-31", "2025-12-31")
>>> changes["members"][["change", "subject_id"]].values.tolist()
[['joined', 'U2 C1']]
"""
from __future__ import annotations

import pandas as pd

from graphgov.analysis.network import DEFAULT_HUB_THRESHOLD, build_network
from graphgov.analysis.timeline import need_timeline
from graphgov.dataset import schema
from graphgov.dataset.meta import as_date, dataset_date, reference_date
from graphgov.store.tables import conform

__all__ = ["CHANGE_KINDS", "CHANGE_ZH", "CHANGE_COLUMNS", "snapshot", "compare", "changes_table", "change_summary"]

CHANGE_KINDS = {"members": "成员变动", "ties": "联系变化", "centrality": "中心度排名变化", "gaps": "薄弱环节变化",
                "conversions": "需求转化为项目", "committees": "委员会活跃度变化"}
CHANGE_ZH = {"joined": "加入", "left": "退出", "gained": "新增联系", "lost": "失去联系", "rose": "上升", "fell": "下降",
             "closed": "已消除", "new": "新出现", "converted": "转化为项目", "went_idle": "转为空转",
             "woke_up": "恢复活跃"}
CHANGE_COLUMNS = ["kind", "change", "change_zh", "subject_id", "subject", "old", "new", "detail"]


def _d(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series, errors="coerce")


def _until(df: pd.DataFrame | None, col: str, cutoff: pd.Timestamp) -> pd.DataFrame | None:
    """Rows dated on or before ``cutoff``; rows without a date are kept (their date is unknown)."""
    if df is None or df.empty or col not in df.columns:
        return df
    d = _d(df[col])
    return df[d.isna() | (d <= cutoff)].reset_index(drop=True)


def snapshot(tables: dict[str, pd.DataFrame], as_of) -> dict[str, pd.DataFrame]:
    """The tables as they stood on ``as_of`` (a date or ``YYYY-MM-DD``).

    Memberships, agreements, needs, projects, meetings and the dispatch loop's records
    dated after ``as_of`` are left out (undated rows are kept); each need's status and
    milestone dates are those it had reached by then; a completed project that ended
    later is ``active``; a committee's ``meetings`` becomes the number held in the year
    up to ``as_of`` when the meetings list has any of its meetings. Resources, units,
    areas and party organizations have no dates and are kept.
    """
    as_of = as_date(as_of, "the snapshot date")
    cutoff = pd.Timestamp(as_of)
    out = {name: (df.copy() if df is not None else None) for name, df in tables.items()}
    out["memberships"] = _until(out.get("memberships"), "since", cutoff)
    out["agreements"] = _until(out.get("agreements"), "signed", cutoff)
    out["meetings"] = _until(out.get("meetings"), "held_on", cutoff)
    out["dispatches"] = _until(out.get("dispatches"), "dispatched", cutoff)
    out["need_events"] = _until(out.get("need_events"), "on_date", cutoff)
    needs = out.get("needs")
    if needs is not None and not needs.empty:
        needs = _until(needs, "raised", cutoff)
        out["needs"] = needs
        line = need_timeline(dict(out, needs=needs), as_of, dataset_date(tables)).set_index("id")
        line = line.reindex(needs["id"])
        status = pd.Series("open", index=needs.index, dtype=object)
        for step, name in (("dispatched", "dispatched"), ("accepted", "accepted"), ("fulfilled", "fulfilled"),
                           ("closed", "closed")):
            status[line[f"reached_{step}"].fillna(False).values] = name
        partial = (needs["status"] == "partial").values & (status == "accepted").values
        status[partial] = "partial"
        needs["status"] = status
        for step in ("dispatched", "accepted", "fulfilled", "closed"):
            if f"{step}_on" in needs.columns:
                needs[f"{step}_on"] = line[step].values
        if "rating" in needs.columns:
            done = (line["reached_fulfilled"] | line["reached_closed"]).fillna(False).values
            needs["rating"] = needs["rating"].where(done, None)
        out["needs"] = needs
    projects = _until(out.get("projects"), "start_date", cutoff)
    if projects is not None:
        later = (projects["status"] == "completed") & (_d(projects["end_date"]) > cutoff)
        projects.loc[later, "status"] = "active"
        out["projects"] = projects
        parts = out.get("participations")
        if parts is not None:
            out["participations"] = parts[parts["project_id"].isin(set(projects["id"]))].reset_index(drop=True)
    comms, log = out.get("committees"), out.get("meetings")
    if comms is not None and not comms.empty and log is not None and not log.empty:
        year = log[_d(log["held_on"]) > cutoff - pd.Timedelta(days=365)]
        counts = year.groupby("committee_id").size()
        logged = set(_column(tables.get("meetings"), "committee_id"))  # every committee the list ever names
        has_log = comms["id"].isin(logged)
        comms = comms.copy()
        comms.loc[has_log, "meetings"] = comms.loc[has_log, "id"].map(counts).fillna(0).astype(int).values
        out["committees"] = comms
    out["meta"] = conform(pd.DataFrame({"id": [schema.META_ID], "as_of": [cutoff]}), schema.table("meta"))
    return {k: v for k, v in out.items() if v is not None}


def _column(df: pd.DataFrame | None, col: str) -> list:
    return [] if df is None or df.empty else list(df[col])


def _names(tables: dict, name: str, col: str = "name") -> dict:
    df = tables.get(name)
    return {} if df is None or df.empty else dict(zip(df["id"], df[col]))


def _rows(kind: str, records: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(records, columns=[c for c in CHANGE_COLUMNS if c not in ("kind", "change_zh")])
    df.insert(0, "kind", kind)
    df.insert(2, "change_zh", df["change"].map(CHANGE_ZH))
    return df[CHANGE_COLUMNS]


def _member_changes(old, new) -> pd.DataFrame:
    units = _names(old, "units") | _names(new, "units")
    comms = _names(old, "committees") | _names(new, "committees")

    def pairs(t):
        m = t.get("memberships")
        if m is None or m.empty:
            return {}
        return {(u, c): s for u, c, s in zip(m["unit_id"], m["committee_id"], _d(m["since"]))}

    a, b = pairs(old), pairs(new)
    recs = []
    for change, keys, side in (("joined", sorted(b.keys() - a.keys()), b), ("left", sorted(a.keys() - b.keys()), a)):
        for u, c in keys:
            since = side[(u, c)]
            recs.append({"change": change, "subject_id": f"{u} {c}", "subject": f"{units.get(u, u)} → {comms.get(c, c)}",
                         "old": None if change == "joined" else "member", "new": "member" if change == "joined" else None,
                         "detail": f"since {since.date().isoformat()}" if pd.notna(since) else ""})
    return _rows("members", recs)


def _tie_set(net) -> dict[tuple[str, str], str]:
    e = net.edges
    e = e[e["source"].str.startswith("Unit:") & e["target"].str.startswith("Unit:")]
    layers = [c for c in net.layers if c in e.columns]
    out = {}
    for row in e[["source", "target", *layers]].itertuples(index=False, name=None):
        a, b = sorted(row[:2])
        kinds = [layer for layer, w in zip(layers, row[2:]) if w and w == w]
        out[(a[5:], b[5:])] = ", ".join(kinds)
    return out


def _tie_changes(old, new, old_net, new_net) -> pd.DataFrame:
    units = _names(old, "units") | _names(new, "units")
    a, b = _tie_set(old_net), _tie_set(new_net)
    recs = []
    for change, keys, side in (("gained", sorted(b.keys() - a.keys()), b), ("lost", sorted(a.keys() - b.keys()), a)):
        for x, y in keys:
            recs.append({"change": change, "subject_id": f"{x} {y}", "subject": f"{units.get(x, x)} — {units.get(y, y)}",
                         "old": a.get((x, y)) or None, "new": b.get((x, y)) or None, "detail": side[(x, y)]})
    return _rows("ties", recs)


def _central_changes(old_c: pd.DataFrame, new_c: pd.DataFrame, movers: int) -> pd.DataFrame:
    both = old_c[["id", "rank", "betweenness"]].merge(new_c[["id", "name", "rank", "betweenness"]], on="id",
                                                       suffixes=("_old", "_new"))
    both["moved"] = both["rank_old"] - both["rank_new"]
    rose = both[both["moved"] > 0].sort_values(["moved", "id"], ascending=[False, True]).head(movers)
    fell = both[both["moved"] < 0].sort_values(["moved", "id"], ascending=[True, True]).head(movers)
    recs = []
    for change, part in (("rose", rose), ("fell", fell)):
        for r in part.itertuples(index=False):
            recs.append({"change": change, "subject_id": r.id, "subject": r.name, "old": int(r.rank_old),
                         "new": int(r.rank_new),
                         "detail": f"rank {int(r.rank_old)} → {int(r.rank_new)}; betweenness "
                                   f"{r.betweenness_old:.3f} → {r.betweenness_new:.3f}"})
    return _rows("centrality", recs)


def _gap_keys(df: pd.DataFrame) -> dict[tuple[str, str], dict]:
    if df is None or df.empty:
        return {}
    # suggestions are not gaps; detected communities are renumbered on every run, so they have no identity
    df = df[(df["kind"] != "suggested_tie") & ~df["subject_type"].astype(str).str.endswith(":community")]
    return {(r["kind"], str(r["subject_id"])): r for r in df.to_dict("records")}


def _gap_changes(old_g, new_g) -> tuple[pd.DataFrame, pd.DataFrame]:
    a, b = _gap_keys(old_g), _gap_keys(new_g)
    gaps, idle = [], []
    for change, keys, side in (("new", sorted(b.keys() - a.keys()), b), ("closed", sorted(a.keys() - b.keys()), a)):
        for kind, sid in keys:
            r = side[(kind, sid)]
            rec = {"change": change, "subject_id": sid, "subject": r["subject"],
                   "old": r["severity"] if change == "closed" else None,
                   "new": r["severity"] if change == "new" else None, "detail": f"{r['kind_zh']}：{r['message']}"}
            gaps.append(rec)
            if kind == "idle_committee":
                idle.append(dict(rec, change="went_idle" if change == "new" else "woke_up"))
    return _rows("gaps", gaps), _rows("committees", idle)


def _addressed(t) -> dict[str, list[str]]:
    p = t.get("projects")
    out: dict[str, list[str]] = {}
    if p is None or p.empty:
        return out
    for pid, ids in zip(p["id"], p["need_ids"]):
        for n in str(ids).split(";") if isinstance(ids, str) else ():
            if n:
                out.setdefault(n, []).append(pid)
    return out


def _conversions(old, new) -> pd.DataFrame:
    a, b = _addressed(old), _addressed(new)
    titles = _names(new, "needs", "title")
    status = _names(old, "needs", "status")
    status_new = _names(new, "needs", "status")
    recs = [{"change": "converted", "subject_id": n, "subject": titles.get(n, n),
             "old": status.get(n) if n in status else "not raised", "new": status_new.get(n),
             "detail": "projects " + ", ".join(sorted(b[n]))} for n in sorted(b.keys() - a.keys()) if n in titles]
    return _rows("conversions", recs)


def compare(old, new, old_as_of=None, new_as_of=None, movers: int = 10, layers=None,
            hub_threshold: int | None = DEFAULT_HUB_THRESHOLD, seed: int = 0) -> dict[str, pd.DataFrame]:
    """Every kind of change between the ``old`` and the ``new`` state (see :data:`CHANGE_KINDS`).

    ``old`` and ``new`` are stores, Datasets or dicts of tables; each is first seen as of
    its date (:func:`snapshot`): ``old_as_of``/``new_as_of``, else its own dataset's date,
    else today. Pass the same source twice with two dates to compare one store over time.
    ``movers``: how many units to list as rising and as falling in centrality.

    Returns a dict kind → DataFrame with :data:`CHANGE_COLUMNS`; ``attrs`` of each hold
    ``old_as_of`` and ``new_as_of``. Raises OptionError for a bad date.
    """
    from graphgov.analysis.central import central_table
    from graphgov.analysis.gaps import find_gaps
    from graphgov.analysis.graph import tables_of

    old_t, new_t = tables_of(old), tables_of(new)
    d_old, d_new = reference_date(old_t, old_as_of), reference_date(new_t, new_as_of)
    old_t, new_t = snapshot(old_t, d_old), snapshot(new_t, d_new)
    nets = [build_network(t, layers, hub_threshold=hub_threshold) for t in (old_t, new_t)]
    central = [central_table(n, seed=seed) for n in nets]
    found = [find_gaps(n, as_of=d, seed=seed) for n, d in zip(nets, (d_old, d_new))]
    gaps, idle = _gap_changes(*found)
    out = {
        "members": _member_changes(old_t, new_t),
        "ties": _tie_changes(old_t, new_t, *nets),
        "centrality": _central_changes(*central, movers),
        "gaps": gaps,
        "conversions": _conversions(old_t, new_t),
        "committees": idle,
    }
    for df in out.values():
        df.attrs.update(old_as_of=d_old.isoformat(), new_as_of=d_new.isoformat())
    return out


def changes_table(changes: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every change in one table (the kinds one after another)."""
    frames = [df for df in changes.values() if len(df)]
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=CHANGE_COLUMNS)
    first = next(iter(changes.values()), None)
    if first is not None:
        out.attrs.update(first.attrs)
    return out


def change_summary(changes: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """How many changes of each kind and direction: ``kind``, ``类别``, ``change``, ``变化``, ``count``."""
    rows = []
    for kind, df in changes.items():
        for change, n in df["change"].value_counts().sort_index().items():
            rows.append({"kind": kind, "类别": CHANGE_KINDS[kind], "change": change, "变化": CHANGE_ZH[change],
                         "count": int(n)})
    return pd.DataFrame(rows, columns=["kind", "类别", "change", "变化", "count"])
