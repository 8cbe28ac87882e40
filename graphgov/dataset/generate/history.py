"""Two years of history: the year before the lists, each need's dated steps, the meetings, the dataset's date.

Drawn after everything else on the same generator, so the tables of the current year
keep the values they were drawn with. The year before adds as many needs and projects
as the preset's year (Beijing collects 13,500 needs and forms 9,800 projects a year),
raised 365–729 days before the reference date, served in the same way (needs with
supply of their category in their district more often) and mostly finished by now:
their projects are mostly completed, the unmet ones mostly closed. Then every need
gets a channel (by the kind of unit that raised it), the dates of the steps its status
says it reached (the hotline is answered fastest) and, once fulfilled or closed, often
a rating. Needs and projects are numbered in the order they were raised and started.
Each committee's meetings are listed for both years, the last year's count being the
committees table's ``meetings``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from graphgov.dataset.generate.draw import REFERENCE_DATE, cat_sample, days_ago, make_ids, pick_in_groups
from graphgov.dataset.generate.geo import Geo
from graphgov.dataset.generate.lists import CATEGORIES, NEED_WEIGHTS, UNIT_TYPES, _place, _template_text
from graphgov.dataset.generate.names import NEED_TEMPLATES, PROJECT_TEMPLATES
from graphgov.dataset.generate.presets import Preset
from graphgov.dataset import vocab

__all__ = ["build_history", "CHANNEL_WEIGHTS", "DISPATCH_DAYS"]

_TYPE = {t: i for i, t in enumerate(UNIT_TYPES)}
_CAT = {c: i for i, c in enumerate(CATEGORIES)}
CHANNELS = tuple(vocab.VOCABULARIES["channel"])  # hotline, market, visit, grid, other
# how each kind of unit's needs come in (weights in CHANNELS order); other types: the last row
CHANNEL_WEIGHTS = {
    "railway": (4, 0, 0, 4, 2), "transit": (4, 0, 0, 4, 2), "government": (3, 1, 0, 3, 3),
    "community": (0, 3, 5, 2, 0), "police": (3, 0, 0, 5, 2), "other": (0, 6, 2, 0, 2),
}
# days from raised to the first dispatch: (lowest, highest) per channel, in CHANNELS order
DISPATCH_DAYS = ((0, 2), (1, 10), (2, 14), (1, 6), (3, 20))
_NEED_FACTOR = {"community": 4.0, "railway": 3.0, "transit": 2.0, "government": 1.0}


def _prior_year(rng: np.random.Generator, p: Preset, geo: Geo, units: pd.DataFrame, resources: pd.DataFrame):
    """The year before the lists' year: needs, projects and participations (ids still to be given)."""
    n, k = p.needs, p.projects
    type_ = units["type"].to_numpy()
    tidx = np.array([_TYPE[t] for t in type_])
    activity = units["activity"].to_numpy()
    district = units["district"].to_numpy()
    uids, names = units["id"].to_numpy(), units["name"].to_numpy()
    w = activity * np.array([_NEED_FACTOR.get(t, 1.0) for t in type_])
    raiser = rng.choice(len(units), size=n, p=w / w.sum())
    ncat = cat_sample(rng, NEED_WEIGHTS, tidx[raiser])
    area, place = _place(rng, geo, units, raiser)
    qty = rng.geometric(0.35, n)
    raised_back = rng.integers(365, 730, n)
    cat_zh = np.array([vocab.zh_label("category", c) for c in CATEGORIES], dtype=object)
    needs = pd.DataFrame({
        "title": place + _template_text(rng, NEED_TEMPLATES, ncat),
        "category": np.array(CATEGORIES, dtype=object)[ncat], "unit_id": uids[raiser],
        "description": names[raiser] + "提出，需协调" + cat_zh[ncat] + "方面的支持，数量" + qty.astype(str).astype(object),
        "area_id": area, "raised": days_ago(raised_back),
        "urgency": np.array(["low", "medium", "high"], dtype=object)[cat_sample(rng, np.array([[5.0, 3.5, 1.5]]),
                                                                                  np.zeros(n, int))],
        "quantity": qty,
    })
    # served as in the lists' year: more often where the district has supply of the category
    unit_index = {u: i for i, u in enumerate(uids)}
    provider = resources["unit_id"].map(unit_index).to_numpy()
    rcat = resources["category"].map(_CAT).to_numpy()
    key_n = district[raiser] * len(CATEGORIES) + ncat
    key_r = district[provider] * len(CATEGORIES) + rcat
    supply = np.bincount(key_r, minlength=len(geo.district_names) * len(CATEGORIES))
    demand = np.bincount(key_n, minlength=len(supply))
    served_p = 0.1 + 0.8 * np.minimum(1.0, supply[key_n] / (0.5 * demand[key_n]))
    n_cover = min(n, k + round((n - k) * 0.45))
    covered = np.argsort(-(np.log(rng.random(n)) / served_p), kind="stable")[:n_cover]
    first, extra = covered[:k], covered[k:]
    of_extra = pick_in_groups(rng, key_n[first], key_n[extra])
    of_extra = np.where(of_extra >= 0, of_extra, rng.integers(0, k, len(extra)))
    links = pd.DataFrame({"project": np.concatenate([np.arange(k), of_extra]), "need": np.concatenate([first, extra])})
    pick = pick_in_groups(rng, key_r, key_n[first], activity[provider])
    lead = np.where((pick >= 0) & (rng.random(k) < 0.7), provider[np.maximum(pick, 0)], raiser[first])
    status = np.array(["completed", "active", "suspended"], dtype=object)[
        cat_sample(rng, np.array([[8.5, 1.0, 0.5]]), np.zeros(k, int))]
    start_back = np.maximum(raised_back[first] - rng.integers(5, 60, k), 1)
    end_back = np.maximum(start_back - rng.integers(20, 180, k), 1)
    projects = pd.DataFrame({
        "title": place[first] + _template_text(rng, PROJECT_TEMPLATES, ncat[first]),
        "category": np.array(CATEGORIES, dtype=object)[ncat[first]], "lead_unit_id": uids[lead], "status": status,
        "start_date": days_ago(start_back),
        "end_date": np.where(status == "active", None, days_ago(end_back)),
    })
    # a need takes the status of its project; the unmet ones of a year ago are mostly closed by now
    nstatus = np.where(rng.random(n) < 0.6, "closed", "open").astype(object)
    served = status[links["project"].to_numpy()]
    nstatus[links["need"].to_numpy()] = np.select(
        [served == "completed", served == "active"],
        [np.where(rng.random(len(links)) < 0.9, "fulfilled", "partial"), "accepted"], default="accepted")
    needs["status"] = nstatus
    others = rng.geometric(0.5, k) - 1
    rows = np.repeat(np.arange(k), others)
    same = pick_in_groups(rng, district, district[raiser[first]][rows], activity)
    part = pd.DataFrame({
        "project": np.concatenate([np.arange(k), np.arange(k), rows[same >= 0]]),
        "unit_id": uids[np.concatenate([lead, raiser[first], same[same >= 0]])],
        "role": np.concatenate([np.full(k, "牵头单位", dtype=object), np.full(k, "需求单位", dtype=object),
                                np.full(int((same >= 0).sum()), "参与单位", dtype=object)]),
    })
    return needs, projects, links, part


def _steps(rng: np.random.Generator, needs: pd.DataFrame, units: pd.DataFrame, starts: pd.Series,
           ends: pd.Series) -> pd.DataFrame:
    """Channel, dispatched_on … closed_on and rating of every need, from its status and its project's dates."""
    n = len(needs)
    kind = units.set_index("id")["type"].reindex(needs["unit_id"]).to_numpy()
    row = np.array([list(CHANNEL_WEIGHTS).index(t) if t in CHANNEL_WEIGHTS else len(CHANNEL_WEIGHTS) - 1
                    for t in kind])
    channel = cat_sample(rng, np.array(list(CHANNEL_WEIGHTS.values()), dtype=float), row)
    low = np.array([d[0] for d in DISPATCH_DAYS])[channel]
    high = np.array([d[1] for d in DISPATCH_DAYS])[channel]
    delay = low + (rng.random(n) * (high - low + 1)).astype(int)
    accept = rng.integers(0, 6, n)
    finish = rng.integers(0, 11, n)
    alone = rng.integers(10, 60, n)  # fulfilled with no completed project to date it
    shut = rng.integers(15, 91, n)
    rated = rng.random(n)
    score = cat_sample(rng, np.array([[85.0, 11.0, 4.0], [15.0, 35.0, 50.0]]),
                       (needs["status"] == "closed").to_numpy().astype(int))

    ref = REFERENCE_DATE
    raised = needs["raised"].to_numpy().astype("datetime64[D]")
    start = starts.to_numpy().astype("datetime64[D]")
    dispatched = raised + delay.astype("timedelta64[D]")
    dispatched = np.where(np.isnat(start), dispatched, np.minimum(dispatched, np.maximum(start, raised)))
    dispatched = np.minimum(dispatched, ref)
    accepted = np.minimum(dispatched + accept.astype("timedelta64[D]"), ref)
    end = ends.to_numpy().astype("datetime64[D]")
    done = np.where(np.isnat(end), accepted + alone.astype("timedelta64[D]"), end - finish.astype("timedelta64[D]"))
    fulfilled = np.minimum(np.maximum(done, accepted + np.timedelta64(1, "D")), ref)
    closed = np.minimum(raised + shut.astype("timedelta64[D]"), ref)
    status = needs["status"].to_numpy()

    def dates(values, mask):
        out = np.datetime_as_string(values, unit="D").astype(object)
        out[~mask] = None
        return out

    reached_d = np.isin(status, ["dispatched", "accepted", "partial", "fulfilled"])
    reached_a = np.isin(status, ["accepted", "partial", "fulfilled"])
    is_f, is_c = status == "fulfilled", status == "closed"
    ratings = np.array(["satisfied", "basically_satisfied", "dissatisfied"], dtype=object)[score]
    return pd.DataFrame({
        "channel": np.array(CHANNELS, dtype=object)[channel],
        "dispatched_on": dates(dispatched, reached_d), "accepted_on": dates(accepted, reached_a),
        "fulfilled_on": dates(fulfilled, is_f), "closed_on": dates(closed, is_c),
        "rating": np.where((is_f & (rated < 0.8)) | (is_c & (rated < 0.5)), ratings, None),
    }, index=needs.index)


def _meetings(rng: np.random.Generator, committees: pd.DataFrame, memberships: pd.DataFrame) -> pd.DataFrame:
    """Two years of each committee's meetings, spread over the year; the last year's count is ``meetings``."""
    per_year = {"weekly": 52, "monthly": 12, "quarterly": 4, "half_yearly": 2, "yearly": 1}
    expected = committees["cadence"].map(per_year).fillna(0).to_numpy().astype(int)
    quiet = rng.random(len(committees)) < 0.1
    before = np.where(quiet, rng.integers(0, 3, len(committees)),
                      np.round(expected * rng.uniform(0.8, 1.1, len(committees)))).astype(int)
    size = memberships.groupby("committee_id").size().reindex(committees["id"], fill_value=0).to_numpy()
    cids, counts, years = [], [], []
    for year, count in ((1, before), (0, committees["meetings"].to_numpy().astype(int))):
        cids.append(np.repeat(np.arange(len(committees)), count))
        counts.append(np.concatenate([np.arange(c) for c in count]) if count.sum() else np.zeros(0, int))
        years.append(np.full(int(count.sum()), year))
    c, i, y = np.concatenate(cids), np.concatenate(counts), np.concatenate(years)
    total = np.where(y == 1, before[c], committees["meetings"].to_numpy().astype(int)[c])
    # evenly through the year, a few days either way; the last year ends on the reference date
    back = ((total - i - 0.5) * 365 / np.maximum(total, 1)).astype(int) + rng.integers(-5, 6, len(c))
    back = y * 365 + np.clip(back, 0, 364)
    cadence = committees["cadence"].to_numpy()[c]
    kind = np.where((cadence == "monthly") & (i % 3 == 2), "quarterly", cadence)
    kind = np.where(i == total - 1, "yearly", kind).astype(object)
    what = pd.Series(kind).map({"monthly": "月度碰头会", "quarterly": "季度调度会", "yearly": "年度总结会"}).fillna("例会")
    held = days_ago(back)
    out = pd.DataFrame({"committee_id": committees["id"].to_numpy()[c], "held_on": held, "kind": kind,
                        "title": committees["name"].to_numpy()[c]
                        + pd.Series(held).map(lambda h: f"{h[:4]}年{int(h[5:7])}月").to_numpy() + what.to_numpy(),
                        "attendees": np.maximum(2, np.round(size[c] * rng.uniform(0.6, 1.0, len(c)))).astype(int)})
    out = out.sort_values(["held_on", "committee_id"], kind="stable").reset_index(drop=True)
    out.insert(0, "id", make_ids("M", len(out)))
    return out


def build_history(rng: np.random.Generator, p: Preset, geo: Geo, units: pd.DataFrame, committees: pd.DataFrame,
                  memberships: pd.DataFrame, needs: pd.DataFrame, resources: pd.DataFrame, projects: pd.DataFrame,
                  participations: pd.DataFrame):
    """The lists with the year before added and every need's steps: (needs, projects, participations, meetings)."""
    old_needs, old_projects, links, old_part = _prior_year(rng, p, geo, units, resources)
    # the current year's project of each need (its first), for the dates of its steps
    current = projects.assign(need=projects["need_ids"].str.split(";")).explode("need")
    current = current.drop_duplicates("need").set_index("need")
    # number needs and projects in the order they were raised and started
    all_needs = pd.concat([old_needs.assign(_old=np.arange(len(old_needs))),
                           needs.assign(_old=-1, _id=needs["id"])], ignore_index=True)
    all_needs = all_needs.sort_values(["raised", "_old"], kind="stable").reset_index(drop=True)
    all_needs["id"] = make_ids("N", len(all_needs))
    new_id = dict(zip(all_needs["_id"].dropna(), all_needs.loc[all_needs["_id"].notna(), "id"]))
    old_id = dict(zip(all_needs.loc[all_needs["_old"] >= 0, "_old"], all_needs.loc[all_needs["_old"] >= 0, "id"]))
    named = links.assign(need=links["need"].map(old_id)).sort_values(["project", "need"], kind="stable")
    project = named["project"].to_numpy()  # every project has its founding need, so none is empty
    cut = np.flatnonzero(np.r_[True, project[1:] != project[:-1]])
    old_projects["need_ids"] = [";".join(g) for g in np.split(named["need"].to_numpy(), cut[1:])]
    projects = projects.assign(need_ids=projects["need_ids"].map(
        lambda ids: ";".join(new_id[i] for i in ids.split(";"))))
    all_projects = pd.concat([old_projects.assign(_old=np.arange(len(old_projects))),
                              projects.assign(_old=-1, _id=projects["id"])], ignore_index=True)
    all_projects = all_projects.sort_values(["start_date", "_old"], kind="stable").reset_index(drop=True)
    all_projects["id"] = make_ids("P", len(all_projects))
    pid_new = dict(zip(all_projects["_id"].dropna(), all_projects.loc[all_projects["_id"].notna(), "id"]))
    pid_old = dict(zip(all_projects.loc[all_projects["_old"] >= 0, "_old"],
                       all_projects.loc[all_projects["_old"] >= 0, "id"]))
    part = pd.concat([old_part.assign(project_id=old_part["project"].map(pid_old)).drop(columns="project"),
                      participations.assign(project_id=participations["project_id"].map(pid_new))],
                     ignore_index=True)
    part = part.drop_duplicates(["project_id", "unit_id"]).sort_values("project_id", kind="stable")
    # dates of each need's project: the current year's from the lists, the year before's from the links
    first_old = links.drop_duplicates("need").set_index("need")["project"]
    starts = pd.Series(None, index=all_needs.index, dtype=object)
    ends = pd.Series(None, index=all_needs.index, dtype=object)
    cur = all_needs["_id"].notna()
    proj_of = all_needs.loc[cur, "_id"].map(current["id"] if len(current) else {})
    by_pid = projects.set_index("id")
    starts[cur] = proj_of.map(by_pid["start_date"]).to_numpy()
    ends[cur] = proj_of.map(by_pid["end_date"].where(by_pid["status"] == "completed")).to_numpy()
    old = ~cur
    po = all_needs.loc[old, "_old"].map(first_old)
    starts[old] = po.map(old_projects["start_date"]).to_numpy()
    ends[old] = po.map(old_projects["end_date"].where(old_projects["status"] == "completed")).to_numpy()
    steps = _steps(rng, all_needs, units, pd.to_datetime(starts), pd.to_datetime(ends))
    all_needs = pd.concat([all_needs.drop(columns=["_old", "_id"]), steps], axis=1)
    meetings = _meetings(rng, committees, memberships)
    return (all_needs, all_projects.drop(columns=["_old", "_id"]), part[["project_id", "unit_id", "role"]]
            .reset_index(drop=True), meetings)
