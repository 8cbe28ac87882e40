"""The member units: station-area cores, bureaus, hubs, one per community and street, and the rest.

Each unit also gets a home street, a heavy-tailed ``prominence`` (who gets on committees),
an ``activity`` (who raises, offers and joins things) and a ``paper`` flag (members who
never do anything); these helper columns are dropped before the tables are returned.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from graphgov.dataset.generate.draw import make_ids, pick_in_groups
from graphgov.dataset.generate.geo import Geo
from graphgov.dataset.generate.names import (BRAND_A, BRAND_B, BUREAUS, CITY_BUREAUS, COMMUNITY_A, HOSPITAL_KINDS,
                                             HUBS, INDUSTRIES, RESEARCH_FIELDS, SCHOOL_KINDS, SOCIAL_KINDS,
                                             SOE_KINDS, UNIVERSITIES, URBAN)
from graphgov.dataset.generate.presets import Preset

__all__ = ["build_units"]


def _block(names, type_, sector, area_ids, district, street=-1, community=-1, tag="", station=-1) -> pd.DataFrame:
    n = len(names)

    def full(v):
        return np.array(np.broadcast_to(np.asarray(v, dtype=object if isinstance(v, str) else None), (n,)))

    return pd.DataFrame({
        "name": np.asarray(names, dtype=object), "type": full(type_), "sector": full(sector),
        "area_id": np.asarray(area_ids, dtype=object) if not isinstance(area_ids, str) else full(area_ids),
        "district": full(district).astype(int), "street": full(street).astype(int),
        "community": full(community).astype(int), "tag": full(tag), "station": full(station).astype(int),
    })


def _short(district: str) -> str:
    return district[:-1]  # 朝阳区 -> 朝阳


def _station_core(geo: Geo, z: int, whole_committee: bool) -> pd.DataFrame:
    """The member units that sit in a key station area.

    ``whole_committee`` adds the other member units of the Chaoyang station committee
    (the station preset, where no streets supply them).
    """
    s, di, home = geo.station_names[z], geo.station_district[z], geo.station_street[z]
    d = geo.district_names[di]
    zid = geo.station_ids[z]
    core = [
        (f"北京市重点站区管理委员会{s}地区管理办公室", "government", "站区管理", "station_office"),
        (f"中国铁路北京局集团有限公司{s}", "railway", "铁路", "station_core"),
        (f"北京铁路公安处{s}派出所", "police", "铁路公安", "station_core"),
        (f"{s}交通枢纽运营管理有限公司", "transit", "枢纽运营", "station_core"),
        (f"北京市地铁运营有限公司{s}站区", "transit", "轨道交通", "station_core"),
    ]
    if whole_committee:
        root = geo.street_roots[home]
        core += [
            (f"北京市{d}{root}乡人民政府", "government", "街乡", "street_office"),
            (f"北京市公安局{_short(d)}分局{root}派出所", "police", "公安", "station_core"),
            (f"北京公交集团{s}客运服务部", "transit", "公交", "station_core"),
            (f"{d}消防救援支队{root}消防救援站", "government", "应急", "station_core"),
            (f"北京市{d}{root}社区卫生服务中心", "hospital", "卫生健康", "station_core"),
            ("北京首汽出租汽车有限公司", "state_enterprise", "出租汽车", "station_core"),
            (f"国网北京市电力公司{_short(d)}供电公司", "state_enterprise", "电力", "station_core"),
            (f"北京{s.removeprefix('北京')}商业管理有限公司", "private_enterprise", "商业", "station_core"),
            ("北京恒通餐饮管理有限公司", "private_enterprise", "餐饮", "station_core"),
            ("北京瑞丰物业管理有限公司", "private_enterprise", "物业", "station_core"),
            (f"{root}地区{geo.comm_names[0]}居委会", "community", "社区", "station_core"),
        ]
    rows = [_block([n], t, sec, zid, di, home, -1, tag, z) for n, t, sec, tag in core]
    return pd.concat(rows, ignore_index=True)


def build_units(rng: np.random.Generator, p: Preset, geo: Geo) -> pd.DataFrame:
    """The units of preset ``p`` placed in ``geo``.

    Besides the table's columns it has helper columns (positions, not ids): ``district``,
    ``street``, ``community``, ``station``, and ``tag``, ``prominence``, ``activity``, ``paper``.
    """
    blocks: list[pd.DataFrame] = []
    dn = geo.district_names
    sd = geo.street_district
    n_streets = len(geo.street_ids)

    for z in range(len(geo.station_ids)):
        blocks.append(_station_core(geo, z, whole_committee=p.name == "station"))
    if p.city:
        blocks.append(_block([n for n, _ in CITY_BUREAUS], "government", [s for _, s in CITY_BUREAUS],
                             geo.city_id, -1, tag="city_bureau"))
        for name, t, sector in HUBS:
            blocks.append(_block([name], t, sector, geo.city_id, -1, tag="hub"))
    for di, d in enumerate(dn):
        bureaus = BUREAUS[: p.bureaus_per_district]
        blocks.append(_block([pat.format(d=d) for pat, _ in bureaus], "government", [s for _, s in bureaus],
                             geo.district_ids[di], di, tag="bureau"))
        blocks[-1].loc[0, "tag"] = "org_dept"
        if p.name == "station":
            continue
        blocks.append(_block([f"北京市公安局{_short(d)}分局"], "police", "公安", geo.district_ids[di], di, tag="bureau"))
        if not p.city:  # a district dataset sees the city-wide companies through their district branches
            for name, t, sector in HUBS[:3]:
                blocks.append(_block([f"{name}{_short(d)}分公司"], t, sector, geo.district_ids[di], di, tag="hub"))

    if p.name == "station":
        blocks.append(_block(list(UNIVERSITIES[:7]), "university", "高校", [None] * 7, 0, 0, tag="think_tank"))
        return _finish_units(rng, pd.concat(blocks, ignore_index=True), geo)

    # one residents' committee per community, one office, police station and health centre per street
    vill = geo.comm_village
    cnames = geo.street_roots[geo.comm_street] + geo.comm_names + np.where(vill, "村民委员会", "居委会")
    blocks.append(_block(cnames, "community", "社区", geo.comm_ids, sd[geo.comm_street], geo.comm_street,
                         np.arange(len(geo.comm_ids)), tag="community"))
    office = {"街道": "街道办事处", "地区": "地区办事处", "镇": "镇人民政府", "乡": "乡人民政府"}
    dstr = np.array(dn, dtype=object)[sd]
    blocks.append(_block(dstr + geo.street_roots + np.array([office[k] for k in geo.street_kind], dtype=object),
                         "government", "街乡", geo.street_ids, sd, np.arange(n_streets), tag="street_office"))
    blocks.append(_block("北京市公安局" + np.array([_short(d) for d in dn], dtype=object)[sd] + "分局"
                         + geo.street_roots + "派出所", "police", "公安", geo.street_ids, sd, np.arange(n_streets),
                         tag="police_station"))
    blocks.append(_block("北京市" + dstr + geo.street_roots + "社区卫生服务中心", "hospital", "卫生健康",
                         geo.street_ids, sd, np.arange(n_streets), tag="health_centre"))

    # the other units, placed in a street (urban districts draw more of them)
    fixed = sum(len(b) for b in blocks)
    mix = dict(p.mix)
    mix["private_enterprise"] = p.units - fixed - sum(mix.values())
    if mix["private_enterprise"] < 0:
        raise ValueError(f"preset {p.name}: the unit mix exceeds {p.units} units")
    street_w = rng.lognormal(0, 0.7, n_streets) * np.where(np.isin(dstr, list(URBAN)), 2.0, 1.0)
    street_w /= street_w.sum()
    for t, n in mix.items():
        st = rng.choice(n_streets, size=n, p=street_w)
        names = _names_for(rng, t, n, dstr[st], geo.street_roots[st])
        for _ in range(10):  # two units of a kind in one street: tell them apart by a place word
            dup = pd.Series(names).duplicated().to_numpy()
            if not dup.any():
                break
            words = np.array(COMMUNITY_A, dtype=object)[rng.integers(0, len(COMMUNITY_A), dup.sum())]
            names[dup] = _names_for(rng, t, int(dup.sum()), dstr[st[dup]], geo.street_roots[st[dup]] + words)
        if t == "university":
            names[: len(UNIVERSITIES)] = UNIVERSITIES[:n]
        comm = np.full(n, -1)
        if t in ("school", "social_org", "private_enterprise"):
            inside = rng.random(n) < 0.3
            comm = np.where(inside, pick_in_groups(rng, geo.comm_street, st), -1)
        area = np.where(comm >= 0, geo.comm_ids[np.maximum(comm, 0)], geo.street_ids[st])
        sector = {"hospital": "卫生健康", "school": "教育", "university": "高校", "research_institute": "科研",
                  "military": "部队", "state_enterprise": "国有企业", "social_org": "社会组织",
                  "private_enterprise": "非公企业"}[t]
        blocks.append(_block(names, t, sector, area, sd[st], st, comm, tag="other"))
    return _finish_units(rng, pd.concat(blocks, ignore_index=True), geo)


def _names_for(rng: np.random.Generator, t: str, n: int, districts: np.ndarray, roots: np.ndarray) -> np.ndarray:
    """Names of ``n`` units of type ``t`` placed in the given districts and streets."""
    pick = lambda seq: np.array(seq, dtype=object)[rng.integers(0, len(seq), n)]  # noqa: E731
    if t == "private_enterprise":
        brands = [a + b for a in BRAND_A for b in BRAND_B]
        combos = len(brands) * len(INDUSTRIES)
        k = rng.choice(combos, size=n, replace=n > combos)
        return np.array([f"北京{brands[i // len(INDUSTRIES)]}{INDUSTRIES[i % len(INDUSTRIES)]}有限公司"
                         for i in k], dtype=object)
    if t == "state_enterprise":
        return "北京" + roots + pick(["城建", "城投", "首开", "市政", "金隅", "能源", "文投", "商业"]) + pick(SOE_KINDS)
    if t == "social_org":
        return districts + roots + pick(SOCIAL_KINDS)
    if t == "school":
        return "北京市" + districts + roots + pick(SCHOOL_KINDS)
    if t == "hospital":
        return "北京市" + districts + roots + pick(HOSPITAL_KINDS)
    if t == "university":  # the real names are put in by the caller
        return "北京" + roots + "学院"
    if t == "research_institute":
        return "北京市" + pick(RESEARCH_FIELDS) + "研究院" + roots + "分院"
    if t == "military":
        return np.array([f"中国人民解放军{x}部队" for x in rng.integers(30000, 99999, n)], dtype=object)
    raise ValueError(t)


def _finish_units(rng: np.random.Generator, units: pd.DataFrame, geo: Geo) -> pd.DataFrame:
    """Ids, home streets, prominence (who gets on committees) and activity (who does things)."""
    n = len(units)
    units.insert(0, "id", make_ids("U", n))
    # units above street level act in some street of their district (or of the city)
    home = units["street"].to_numpy().copy()
    no_street = home < 0
    dist = units["district"].to_numpy()
    in_d = pick_in_groups(rng, geo.street_district, np.maximum(dist, 0))
    anywhere = rng.integers(0, len(geo.street_ids), n)
    home = np.where(no_street, np.where(dist >= 0, in_d, anywhere), home)
    units["street"] = home
    units["district"] = geo.street_district[home]
    tag = units["tag"].to_numpy()
    type_ = units["type"].to_numpy()
    # heavy-tailed prominence: a Pareto tail, bigger for big institutions
    big = np.isin(type_, ["university", "hospital", "state_enterprise", "railway", "transit", "research_institute"])
    prominence = (rng.pareto(1.3, n) + 1.0) * np.where(big, 2.5, 1.0)
    prominence = np.where(np.isin(tag, ["hub", "org_dept", "city_bureau", "station_office"]), 50.0, prominence)
    prominence = np.minimum(prominence, 200.0)
    # paper members: on committees, never raise, offer or join anything
    never_paper = np.isin(tag, ["community", "street_office", "station_office", "station_core", "hub", "org_dept"])
    paper_rate = np.where(tag == "bureau", 0.35, 0.2)
    paper = ~never_paper & (rng.random(n) < paper_rate)
    activity = prominence ** 0.6 * rng.lognormal(0, 0.5, n) * ~paper
    units["prominence"] = prominence
    units["activity"] = activity
    units["paper"] = paper
    return units
