"""The three lists: needs, resources and projects, with who takes part in each project.

Category weights per unit type decide what a unit asks for and offers; in a few districts
one scarce category loses most of its resources, and needs with supply nearby are more
likely to be served by a project.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from graphgov.dataset import vocab
from graphgov.dataset.generate.draw import REFERENCE_DATE, cat_sample, days_ago, make_ids, pick_in_groups
from graphgov.dataset.generate.geo import Geo
from graphgov.dataset.generate.names import NEED_TEMPLATES, PROJECT_TEMPLATES, RESOURCE_TEMPLATES
from graphgov.dataset.generate.presets import Preset

__all__ = ["CATEGORIES", "NEED_WEIGHTS", "RESOURCE_WEIGHTS", "SHORTAGE_CANDIDATES", "UNIT_TYPES", "build_lists"]

CATEGORIES = tuple(vocab.CATEGORIES)
UNIT_TYPES = tuple(vocab.VOCABULARIES["unit_type"])
_CAT = {c: i for i, c in enumerate(CATEGORIES)}
_TYPE = {t: i for i, t in enumerate(UNIT_TYPES)}


def _category_weights(base: dict[str, float], boosts: dict[str, dict[str, float]]) -> np.ndarray:
    """A (unit type × category) matrix of weights: a base row, multiplied per type."""
    w = np.ones((len(UNIT_TYPES), len(CATEGORIES)))
    for c, v in base.items():
        w[:, _CAT[c]] = v
    for t, per in boosts.items():
        for c, v in per.items():
            w[_TYPE[t], _CAT[c]] *= v
    return w


NEED_WEIGHTS = _category_weights(
    {"community_service": 3, "elderly_care": 3, "environment": 2.5, "volunteering": 2, "urban_governance": 2,
     "parking": 1.5, "health": 1.5, "culture": 1.5, "safety": 1.5, "funding": 0.5, "think_tank": 0.5},
    {
        "railway": {"transport": 8, "safety": 4, "emergency": 4, "volunteering": 2, "parking": 3},
        "transit": {"transport": 8, "safety": 3, "emergency": 3, "parking": 3},
        "community": {"elderly_care": 2, "community_service": 2, "maternal_child": 1.5, "venue": 2},
        "government": {"think_tank": 4, "urban_governance": 2, "digital": 2, "publicity": 2},
        "private_enterprise": {"employment": 3, "commerce": 3, "party_education": 2, "legal": 2},
        "school": {"education": 4, "safety": 2},
        "hospital": {"volunteering": 2, "parking": 2, "publicity": 2},
    },
)
RESOURCE_WEIGHTS = _category_weights(
    {"volunteering": 2, "venue": 2, "culture": 1.5, "party_education": 1.5},
    {
        "hospital": {"health": 15, "emergency": 4, "maternal_child": 4, "elderly_care": 3},
        "university": {"think_tank": 12, "education": 8, "volunteering": 2, "culture": 2},
        "research_institute": {"think_tank": 12, "digital": 4, "education": 3},
        "school": {"education": 8, "venue": 3},
        "police": {"safety": 12, "emergency": 4, "legal": 3},
        "military": {"safety": 4, "emergency": 6, "volunteering": 3},
        "railway": {"transport": 8, "venue": 2},
        "transit": {"transport": 10, "parking": 3},
        "state_enterprise": {"funding": 3, "employment": 3, "parking": 2, "digital": 2},
        "private_enterprise": {"employment": 3, "commerce": 4, "funding": 2, "digital": 2, "community_service": 2},
        "social_org": {"volunteering": 4, "elderly_care": 4, "legal": 2, "community_service": 3},
        "government": {"funding": 3, "urban_governance": 4, "legal": 2, "publicity": 2},
        "community": {"venue": 3, "volunteering": 2},
    },
)
# categories that run short in some districts (needs there often go unmet)
SHORTAGE_CANDIDATES = ("elderly_care", "parking", "maternal_child", "health", "venue")


_NEED_FACTOR = {"community": 4.0, "railway": 3.0, "transit": 2.0, "government": 1.0}
_RESOURCE_FACTOR = {"university": 3.0, "hospital": 2.0, "state_enterprise": 1.5, "research_institute": 2.0,
                    "police": 1.5, "community": 0.5}


def _template_text(rng: np.random.Generator, templates: dict[str, tuple[str, ...]], cats: np.ndarray) -> np.ndarray:
    flat = np.array([t for c in CATEGORIES for t in templates[c]], dtype=object)
    counts = np.array([len(templates[c]) for c in CATEGORIES])
    offsets = np.concatenate([[0], np.cumsum(counts)[:-1]])
    pick = offsets[cats] + (rng.random(len(cats)) * counts[cats]).astype(int)
    return flat[pick]


def _place(rng: np.random.Generator, geo: Geo, units: pd.DataFrame, who: np.ndarray):
    """Area id and place name of a list item: the unit's community, else its street."""
    comm = units["community"].to_numpy()[who]
    street = units["street"].to_numpy()[who]
    use_comm = (comm >= 0) & (rng.random(len(who)) < 0.9)
    c = np.maximum(comm, 0)
    area = np.where(use_comm, geo.comm_ids[c], geo.street_ids[street])
    name = np.where(use_comm, geo.street_roots[street] + geo.comm_names[c], geo.street_names[street])
    return area, name


def build_lists(rng: np.random.Generator, p: Preset, geo: Geo, units: pd.DataFrame):
    """Needs, resources, projects, participations, and the (district id, category) shortages built in."""
    n_units = len(units)
    type_ = units["type"].to_numpy()
    tidx = np.array([_TYPE[t] for t in type_])
    activity = units["activity"].to_numpy()
    district_of_unit = units["district"].to_numpy()
    names = units["name"].to_numpy()
    uids = units["id"].to_numpy()

    # needs
    w = activity * np.array([_NEED_FACTOR.get(t, 1.0) for t in type_])
    raiser = rng.choice(n_units, size=p.needs, p=w / w.sum())
    ncat = cat_sample(rng, NEED_WEIGHTS, tidx[raiser])
    n_area, n_place = _place(rng, geo, units, raiser)
    qty = rng.geometric(0.35, p.needs)
    needs = pd.DataFrame({
        "id": make_ids("N", p.needs),
        "title": n_place + _template_text(rng, NEED_TEMPLATES, ncat),
        "category": np.array(CATEGORIES, dtype=object)[ncat],
        "unit_id": uids[raiser],
        "description": names[raiser] + "提出，需协调" + np.array([vocab.zh_label("category", c) for c in CATEGORIES],
                                                             dtype=object)[ncat] + "方面的支持，数量" + qty.astype(str).astype(object),
        "area_id": n_area,
        "raised": days_ago(rng.integers(0, 365, p.needs)),
        "urgency": np.array(["low", "medium", "high"], dtype=object)[cat_sample(rng, np.array([[5.0, 3.5, 1.5]]), np.zeros(p.needs, int))],
        "quantity": qty,
    })
    need_district = district_of_unit[raiser]

    # resources, with the scarce categories thinned out in their districts
    w = activity * np.array([_RESOURCE_FACTOR.get(t, 1.0) for t in type_])
    provider = rng.choice(n_units, size=p.resources, p=w / w.sum())
    rcat = cat_sample(rng, RESOURCE_WEIGHTS, tidx[provider])
    res_district = district_of_unit[provider]
    n_short = max(1, len(geo.district_names) // 5)
    short_d = rng.choice(len(geo.district_names), size=n_short, replace=False)
    short_c = np.array([_CAT[c] for c in SHORTAGE_CANDIDATES])[rng.integers(0, len(SHORTAGE_CANDIDATES), n_short)]
    for d, cat in zip(short_d, short_c):
        hit = (res_district == d) & (rcat == cat) & (rng.random(p.resources) < 0.9)
        if hit.any():
            weights = RESOURCE_WEIGHTS.copy()
            weights[:, cat] = 0
            rcat[hit] = cat_sample(rng, weights, tidx[provider[hit]])
    r_area, _ = _place(rng, geo, units, provider)
    resources = pd.DataFrame({
        "id": make_ids("R", p.resources),
        "title": names[provider] + _template_text(rng, RESOURCE_TEMPLATES, rcat),
        "category": np.array(CATEGORIES, dtype=object)[rcat],
        "unit_id": uids[provider],
        "description": "面向" + np.array(geo.district_names, dtype=object)[res_district] + "成员单位开放，按需预约",
        "area_id": r_area,
        "capacity": 1 + rng.geometric(0.2, p.resources),
        "available_until": days_ago(-rng.integers(-60, 720, p.resources)),
    })

    # projects: needs with resources of their category in their district are more
    # likely to be served; the rest stay open (unmet)
    key_n = need_district * len(CATEGORIES) + ncat
    key_r = res_district * len(CATEGORIES) + rcat
    supply = np.bincount(key_r, minlength=len(geo.district_names) * len(CATEGORIES))
    demand = np.bincount(key_n, minlength=len(supply))
    served_p = 0.1 + 0.8 * np.minimum(1.0, supply[key_n] / (0.5 * demand[key_n]))
    n_cover = min(p.needs, p.projects + round((p.needs - p.projects) * 0.45))
    keys = np.log(rng.random(p.needs)) / served_p  # Efraimidis–Spirakis weighted order
    covered = np.argsort(-keys, kind="stable")[:n_cover]
    first, extra = covered[: p.projects], covered[p.projects:]
    proj_of_extra = pick_in_groups(rng, key_n[first], key_n[extra])
    proj_of_extra = np.where(proj_of_extra >= 0, proj_of_extra, rng.integers(0, p.projects, len(extra)))
    pid = make_ids("P", p.projects)
    links = pd.DataFrame({"project": np.concatenate([np.arange(p.projects), proj_of_extra]),
                          "need": np.concatenate([first, extra])}).sort_values(["project", "need"], kind="stable")
    need_ids = needs["id"].to_numpy()
    link_project = links["project"].to_numpy()
    starts = np.flatnonzero(np.r_[True, link_project[1:] != link_project[:-1]])
    need_lists = np.array([";".join(g) for g in np.split(need_ids[links["need"].to_numpy()], starts[1:])], dtype=object)

    pcat = ncat[first]
    provider_pick = pick_in_groups(rng, key_r, key_n[first], activity[provider])
    lead = np.where((provider_pick >= 0) & (rng.random(p.projects) < 0.7), provider[np.maximum(provider_pick, 0)],
                    raiser[first])
    status = np.array(["planned", "active", "completed", "suspended"], dtype=object)[
        cat_sample(rng, np.array([[1.0, 3.5, 5.0, 0.5]]), np.zeros(p.projects, int))]
    raised_back = (REFERENCE_DATE - needs["raised"].to_numpy()[first].astype("datetime64[D]")).astype(int)
    drawn_start = raised_back - rng.integers(5, 60, p.projects)
    start_back = np.where(status == "planned", -rng.integers(5, 60, p.projects), np.maximum(drawn_start, 0))
    drawn_end = start_back - rng.integers(20, 180, p.projects)
    # A project cannot have started, or ended, after the reference date: one that would start later is still
    # planned (and starts then), one that would end later is still active. (Clamping the dates instead piled
    # starts and ends on the reference date, a spike in every trend's last month.)
    later = (drawn_start < 0) & (status != "planned")
    status = np.where(later, "planned", status).astype(object)
    start_back = np.where(later, drawn_start, start_back)
    status = np.where(np.isin(status, ["completed", "suspended"]) & (drawn_end < 0), "active", status).astype(object)
    end_back = np.maximum(drawn_end, 0)
    projects = pd.DataFrame({
        "id": pid,
        "title": n_place[first] + _template_text(rng, PROJECT_TEMPLATES, pcat),
        "category": np.array(CATEGORIES, dtype=object)[pcat],
        "lead_unit_id": uids[lead],
        "status": status,
        "start_date": days_ago(start_back),
        "end_date": np.where(np.isin(status, ["completed", "suspended"]), days_ago(end_back), None),
        "need_ids": need_lists,
    })

    # need status follows the project that serves it
    nstatus = np.where(rng.random(p.needs) < 0.1, "closed", "open").astype(object)
    proj_status = status[links["project"].to_numpy()]
    served_status = np.select(
        [proj_status == "planned", proj_status == "active", proj_status == "completed"],
        ["dispatched", np.where(rng.random(len(links)) < 0.7, "accepted", "partial"),
         np.where(rng.random(len(links)) < 0.9, "fulfilled", "partial")],
        default="accepted")
    nstatus[links["need"].to_numpy()] = served_status
    needs["status"] = nstatus

    # participations: lead, the raising unit, and a heavy-tailed number of others,
    # mostly from the same district
    extra_k = rng.geometric(0.45, p.projects) - 1
    extra_k = np.minimum(extra_k + (rng.random(p.projects) < 0.05) * rng.integers(3, 12, p.projects), 15)
    rows = np.repeat(np.arange(p.projects), extra_k)
    same = pick_in_groups(rng, district_of_unit, need_district[first][rows], activity)
    far = rng.choice(n_units, size=len(rows), p=activity / activity.sum())
    who = np.where((rng.random(len(rows)) < 0.85) & (same >= 0), same, far)
    part = pd.DataFrame({
        "project_id": np.concatenate([pid, pid, pid[rows]]),
        "unit_id": uids[np.concatenate([lead, raiser[first], who])],
        "role": np.concatenate([np.full(p.projects, "牵头单位", dtype=object), np.full(p.projects, "需求单位", dtype=object),
                                np.full(len(rows), "参与单位", dtype=object)]),
    })
    # units that are not paper members but drew nothing join one project in their district
    idle = np.ones(n_units, dtype=bool)
    idle[np.concatenate([raiser, provider, lead, raiser[first], who])] = False
    idle = np.flatnonzero(idle & (activity > 0))
    joins = pick_in_groups(rng, need_district[first], district_of_unit[idle])
    joins = np.where(joins >= 0, joins, rng.integers(0, p.projects, len(idle)))
    part = pd.concat([part, pd.DataFrame({"project_id": pid[joins], "unit_id": uids[idle], "role": "参与单位"})],
                     ignore_index=True)
    part = part.drop_duplicates(["project_id", "unit_id"], keep="first")
    part = part.sort_values("project_id", kind="stable").reset_index(drop=True)
    shortages = tuple(sorted((geo.district_ids[d], CATEGORIES[c]) for d, c in zip(short_d, short_c)))
    return needs, resources, projects, part, shortages
