"""The ties between units: committees and memberships, party organizations, and co-building agreements.

Committees nest city → district → street → community, with key station areas and themed
alliances beside them; every unit ends up on at least one. Agreements mostly stay inside
a street or district.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from graphgov.dataset.generate.draw import REFERENCE_DATE, days_ago, make_ids, pick_in_groups
from graphgov.dataset.generate.geo import Geo
from graphgov.dataset.generate.names import ALLIANCE_THEMES, SUBCOMMITTEES
from graphgov.dataset.generate.presets import Preset

__all__ = ["build_agreements", "build_committees", "build_party_orgs"]


_CADENCE = {"city": ("quarterly", 4), "district": ("quarterly", 4), "street": ("monthly", 12),
            "community": ("monthly", 12), "station_area": ("monthly", 12), "alliance": ("quarterly", 4)}


class _Committees:
    def __init__(self, rng: np.random.Generator, units: pd.DataFrame):
        self.rng = rng
        self.units = units
        self.rows: list[tuple] = []
        self.members: list[np.ndarray] = []
        self.roles: list[np.ndarray] = []
        self.street_pool = self._pools(units["street"].to_numpy())
        self.district_pool = self._pools(units["district"].to_numpy())
        self.prominence = units["prominence"].to_numpy()

    @staticmethod
    def _pools(keys: np.ndarray) -> dict[int, np.ndarray]:
        order = np.argsort(keys, kind="stable")
        uniq, starts = np.unique(keys[order], return_index=True)
        return {int(k): part for k, part in zip(uniq, np.split(order, starts[1:]))}

    def add(self, name: str, level: str, area_id, parent: int | None, lead: np.ndarray, others: np.ndarray) -> int:
        self.rows.append((name, level, area_id, parent))
        members = np.concatenate([lead, others]).astype(int)
        self.members.append(members)
        self.roles.append(np.array(["主任单位"] * len(lead) + ["成员单位"] * len(others), dtype=object))
        return len(self.rows) - 1

    def sample(self, pool: np.ndarray, k: int, exclude: np.ndarray | None = None) -> np.ndarray:
        if exclude is not None and len(exclude):
            pool = pool[~np.isin(pool, exclude)]
        k = min(k, len(pool))
        if k <= 0:
            return np.array([], dtype=int)
        w = self.prominence[pool]
        return self.rng.choice(pool, size=k, replace=False, p=w / w.sum())

    def frames(self, founded_from: int = 2018) -> tuple[pd.DataFrame, pd.DataFrame]:
        rng = self.rng
        n = len(self.rows)
        ids = make_ids("CM", n, 4)
        name, level, area, parent = zip(*self.rows)
        level = np.array(level, dtype=object)
        cadence = np.array([_CADENCE[lv][0] for lv in level], dtype=object)
        expected = np.array([_CADENCE[lv][1] for lv in level])
        # most committees keep their cadence; about one in eight has gone quiet
        quiet = rng.random(n) < 0.12
        meetings = np.where(quiet, rng.integers(0, 3, n), np.round(expected * rng.uniform(0.75, 1.1, n))).astype(int)
        parent_ids = np.array([ids[q] if q is not None else None for q in parent], dtype=object)
        committees = pd.DataFrame({"id": ids, "name": np.array(name, dtype=object), "level": level,
                                   "area_id": np.array(area, dtype=object), "parent_id": parent_ids,
                                   "cadence": cadence, "meetings": meetings})
        founded_days = (REFERENCE_DATE - np.datetime64(f"{founded_from}-01-01")).astype(int)
        founded = rng.integers(365, founded_days, n)  # days before the reference date
        sizes = np.array([len(m) for m in self.members])
        cidx = np.repeat(np.arange(n), sizes)
        uidx = np.concatenate(self.members)
        since_back = (founded[cidx] * rng.random(len(cidx)) ** 0.5).astype(int)
        memberships = pd.DataFrame({"unit_id": self.units["id"].to_numpy()[uidx], "committee_id": ids[cidx],
                                    "role": np.concatenate(self.roles), "since": days_ago(since_back)})
        memberships = memberships.drop_duplicates(["unit_id", "committee_id"], keep="first")
        return committees, memberships.reset_index(drop=True)


def build_committees(rng: np.random.Generator, p: Preset, geo: Geo, units: pd.DataFrame):
    """The committees and memberships tables; every unit ends up on at least one committee."""
    c = _Committees(rng, units)
    tag = units["tag"].to_numpy()
    type_ = units["type"].to_numpy()
    street = units["street"].to_numpy()
    district = units["district"].to_numpy()
    station = units["station"].to_numpy()
    hubs = np.flatnonzero(tag == "hub")

    if p.name == "station":
        core = np.flatnonzero(station == 0)
        office = core[tag[core] == "station_office"]
        top = c.add(f"{geo.station_names[0]}地区党建工作协调委员会", "station_area", geo.station_ids[0], None,
                    office, core[core != office[0]])
        c.add(f"{geo.station_names[0]}地区三张清单共建单位联席会", "alliance", geo.station_ids[0], top,
              office, np.flatnonzero(np.isin(tag, ["bureau", "org_dept"])))
        c.add(f"{geo.station_names[0]}地区“党建+智库”联盟", "alliance", geo.station_ids[0], top,
              office, np.flatnonzero(tag == "think_tank"))
        return c.frames(founded_from=2022)

    city = None
    if p.city:
        city_units = np.flatnonzero(tag == "city_bureau")
        city = c.add("北京市党建工作协调委员会", "city", geo.city_id, None, city_units[:1],
                     np.concatenate([city_units[1:], np.flatnonzero(tag == "org_dept"), hubs]))
    district_cm = {}
    big = np.isin(type_, ["hospital", "university", "state_enterprise", "research_institute", "military"])
    for di, d in enumerate(geo.district_names):
        in_d = c.district_pool[di]
        lead = in_d[tag[in_d] == "org_dept"]
        bureaus = in_d[tag[in_d] == "bureau"]
        notable = c.sample(in_d[big[in_d] & (tag[in_d] == "other")], int(rng.integers(10, 25)))
        district_cm[di] = c.add(f"{d}党建工作协调委员会", "district", geo.district_ids[di], city, lead,
                                np.concatenate([bureaus, hubs[district[hubs] == di] if not p.city else hubs, notable]))
        if d == "朝阳区":  # Chaoyang's five domain sub-committees
            for sub in SUBCOMMITTEES:
                c.add(f"{d}党建工作协调委员会{sub}", "alliance", geo.district_ids[di], district_cm[di], lead,
                      c.sample(in_d, int(rng.integers(12, 26)), exclude=lead))
    street_cm = {}
    for s, sid in enumerate(geo.street_ids):
        di = int(geo.street_district[s])
        pool = c.street_pool.get(s, np.array([], dtype=int))
        structural = pool[np.isin(tag[pool], ["community", "police_station", "health_centre"])]
        office = pool[tag[pool] == "street_office"]
        org_dept = c.district_pool[di][tag[c.district_pool[di]] == "org_dept"]
        # heavy-tailed committee sizes: median ~20 sampled members, a few over 100
        k = int(min(rng.lognormal(np.log(20), 0.8), 200))
        others = c.sample(pool[tag[pool] == "other"], k)
        visiting_hubs = hubs[rng.random(len(hubs)) < (0.25 if p.city else 0.8)]
        street_cm[s] = c.add(f"{geo.street_names[s]}党建工作协调委员会", "street", sid, district_cm[di], office,
                             np.concatenate([org_dept, structural, others, visiting_hubs]))
    # community committees for a share of the communities
    local_cm: dict[int, list[int]] = {}
    comm_units = np.flatnonzero(tag == "community")
    chosen = comm_units[rng.random(len(comm_units)) < p.community_committee_share]
    comm_col = units["community"].to_numpy()
    for u in chosen:
        s = int(street[u])
        pool = c.street_pool[s]
        pool = pool[tag[pool] == "other"]
        near = pool[comm_col[pool] == comm_col[u]]
        others = np.concatenate([near, c.sample(pool, int(rng.integers(2, 11)), exclude=near)])
        ci = int(comm_col[u])
        local_cm.setdefault(s, []).append(
            c.add(f"{geo.street_roots[s]}{geo.comm_names[ci]}党建协调委员会", "community", geo.comm_ids[ci],
                  street_cm[s], np.array([u]), others))
    # key station areas
    for z, zid in enumerate(geo.station_ids):
        core = np.flatnonzero(station == z)
        office = core[tag[core] == "station_office"]
        home, di = geo.station_street[z], geo.station_district[z]
        pool = c.street_pool[home]
        local = pool[np.isin(tag[pool], ["street_office", "police_station", "health_centre"])]
        in_d = c.district_pool[di]
        bureaus = c.sample(in_d[tag[in_d] == "bureau"], int(rng.integers(3, 7)))
        parent = city if city is not None else None
        c.add(f"{geo.station_names[z]}地区党建工作协调委员会", "station_area", zid, parent, office,
              np.concatenate([core[core != office[0]], local, bureaus, hubs[:1]]))
    # themed alliances inside streets, where the streets have many units
    pool_size = np.array([len(c.street_pool.get(s, ())) for s in range(len(geo.street_ids))], dtype=float)
    for s in rng.choice(len(geo.street_ids), size=p.alliances, p=pool_size / pool_size.sum()):
        pool = c.street_pool[int(s)]
        pool = pool[tag[pool] == "other"]
        members = c.sample(pool, int(rng.integers(6, 40)))
        if len(members) < 3:
            continue
        theme = ALLIANCE_THEMES[int(rng.integers(len(ALLIANCE_THEMES)))]
        name = f"{geo.street_names[s]}{theme}党建联盟"
        if any(r[0] == name for r in c.rows):
            name = f"{geo.street_names[s]}{theme}第二党建联盟"
            if any(r[0] == name for r in c.rows):
                continue
        local_cm.setdefault(int(s), []).append(
            c.add(name, "alliance", geo.street_ids[s], street_cm[int(s)], members[:1], members[1:]))
    # every unit takes part somewhere: the rest join their street's committee or one of
    # the community committees and alliances in their street
    seen = np.zeros(len(units), dtype=bool)
    seen[np.concatenate(c.members)] = True
    for s in np.unique(street[~seen]):
        late = np.flatnonzero(~seen & (street == s))
        options = [street_cm[int(s)], *local_cm.get(int(s), [])]
        where = np.array(options)[rng.integers(0, len(options), len(late))]
        for cm in options:
            joining = late[where == cm]
            c.members[cm] = np.concatenate([c.members[cm], joining])
            c.roles[cm] = np.concatenate([c.roles[cm], np.full(len(joining), "成员单位", dtype=object)])
    return c.frames()


# ---------------------------------------------------------------------------------------
# Party organizations and agreements


# party members per organization: (median, spread) of a log-normal
_PARTY_SIZE = {
    "government": (40, 0.8), "railway": (120, 0.6), "transit": (80, 0.7), "state_enterprise": (45, 1.0),
    "private_enterprise": (6, 0.7), "social_org": (5, 0.6), "university": (900, 0.8),
    "research_institute": (150, 0.7), "hospital": (160, 0.9), "school": (30, 0.6), "police": (50, 0.6),
    "military": (100, 0.5), "community": (60, 0.7),
}


def build_party_orgs(rng: np.random.Generator, units: pd.DataFrame) -> pd.DataFrame:
    """One party organization per unit: its type and size, and its parent for territorial units."""
    n = len(units)
    type_ = units["type"].to_numpy()
    tag = units["tag"].to_numpy()
    median = np.array([_PARTY_SIZE[t][0] for t in type_], dtype=float)
    spread = np.array([_PARTY_SIZE[t][1] for t in type_])
    members = np.maximum(3, np.round(median * rng.lognormal(0, spread))).astype(int)
    org_type = np.where(members >= 100, "committee", np.where(members >= 50, "general_branch", "branch")).astype(object)
    joint = (type_ == "private_enterprise") & (members < 8) & (rng.random(n) < 0.3)
    org_type = np.where(joint, "joint_branch", org_type)
    org_type = np.where(np.isin(tag, ["street_office", "org_dept", "city_bureau"]), "committee", org_type)
    suffix = {"committee": "党委", "general_branch": "党总支", "branch": "党支部", "joint_branch": "等非公企业联合党支部"}
    suffix_arr = np.array([suffix[t] for t in org_type], dtype=object)
    suffix_arr = np.where(tag == "street_office", "党工委", suffix_arr)
    suffix_arr = np.where((type_ == "government") & (tag != "street_office") & (org_type == "committee"),
                          "机关党委", suffix_arr)
    ids = make_ids("PO", n)
    # territorial units report to their street's party working committee, street and
    # district bodies to the district organization department; the vertical lines (条:
    # railway, hospitals, universities, police, military, state enterprises) report
    # outside the dataset, which is why nothing in it ties them together
    street = units["street"].to_numpy()
    district = units["district"].to_numpy()
    office_of_street = np.full(street.max() + 1, -1)
    offices = np.flatnonzero(tag == "street_office")
    office_of_street[street[offices]] = offices
    dept_of_district = np.full(district.max() + 1, -1)
    depts = np.flatnonzero(tag == "org_dept")
    dept_of_district[district[depts]] = depts
    territorial = np.isin(type_, ["community", "private_enterprise", "social_org", "school"])
    parent = np.where(territorial, office_of_street[street], -1)
    parent = np.where(np.isin(tag, ["street_office", "bureau"]), dept_of_district[district], parent)
    parent = np.where(np.arange(n) == parent, -1, parent)
    return pd.DataFrame({
        "id": ids, "name": units["name"].to_numpy() + suffix_arr, "unit_id": units["id"].to_numpy(),
        "type": org_type, "parent_id": np.where(parent >= 0, ids[np.maximum(parent, 0)], None),
        "members": members,
    })


def build_agreements(rng: np.random.Generator, p: Preset, units: pd.DataFrame) -> pd.DataFrame:
    """Co-building agreements between pairs of units, mostly inside one street or district."""
    n = p.agreements
    prom = units["prominence"].to_numpy()
    street = units["street"].to_numpy()
    district = units["district"].to_numpy()
    type_ = units["type"].to_numpy()
    a = rng.choice(len(units), size=n, p=prom / prom.sum())
    scope = rng.random(n)
    same_street = pick_in_groups(rng, street, street[a], prom)
    same_district = pick_in_groups(rng, district, district[a], prom)
    anywhere = rng.choice(len(units), size=n, p=prom / prom.sum())
    b = np.where(scope < 0.65, same_street, np.where(scope < 0.9, same_district, anywhere))
    b = np.where(b < 0, anywhere, b)
    if p.name == "station":  # the think-tank agreements of the station office with 7 universities
        office = np.flatnonzero(units["tag"].to_numpy() == "station_office")[0]
        unis = np.flatnonzero(type_ == "university")
        a = np.concatenate([np.full(len(unis), office), a])
        b = np.concatenate([unis, b])
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    scholarly = np.isin(type_[lo], ["university", "research_institute"]) | np.isin(type_[hi], ["university", "research_institute"])
    kinds = np.array(["结对共建", "联建共建", "志愿服务共建", "区域化党建共建"], dtype=object)
    kind = np.where(scholarly, "党建+智库", kinds[rng.integers(0, len(kinds), len(lo))])
    signed = days_ago(rng.integers(0, (REFERENCE_DATE - np.datetime64("2019-01-01")).astype(int), len(lo)))
    ids = units["id"].to_numpy()
    out = pd.DataFrame({"unit_a": ids[lo], "unit_b": ids[hi], "kind": kind, "signed": signed})
    out = out[lo != hi].drop_duplicates(["unit_a", "unit_b", "kind"], keep="first")
    return out.reset_index(drop=True)
