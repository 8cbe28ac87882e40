"""The area hierarchy: city, districts, streets/townships, communities/villages, key station areas and grids."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from graphgov.dataset.generate.draw import make_ids
from graphgov.dataset.generate.names import (COMMUNITY_A, COMMUNITY_B, DISTRICTS, REAL_STREETS, STATIONS,
                                             STREET_A, STREET_B, URBAN)
from graphgov.dataset.generate.presets import Preset

__all__ = ["Geo", "build_geo"]


@dataclass
class Geo:
    """The ``areas`` table, and the same areas as arrays that the other builders index by position.

    Streets, communities and stations are numbered 0..n-1 in the order of these arrays;
    ``street_district``, ``comm_street`` and ``station_*`` hold such positions, not ids.
    """

    areas: pd.DataFrame
    district_ids: list[str]
    district_names: list[str]
    street_ids: np.ndarray
    street_names: np.ndarray  # "安贞街道"
    street_roots: np.ndarray  # "安贞"
    street_kind: np.ndarray  # 街道 / 镇 / 乡 / 地区
    street_district: np.ndarray
    comm_ids: np.ndarray
    comm_names: np.ndarray
    comm_street: np.ndarray
    comm_village: np.ndarray
    station_ids: list[str] = field(default_factory=list)
    station_names: list[str] = field(default_factory=list)
    station_district: list[int] = field(default_factory=list)
    station_street: list[int] = field(default_factory=list)
    city_id: str | None = None


def _unique_names(rng: np.random.Generator, first: list[str], second: list[str], n: int,
                  taken: set[str] | None = None) -> list[str]:
    """``n`` distinct names first[i] + second[j], in random order, avoiding ``taken``."""
    combos = [a + b for a in first for b in second]
    combos = [c for c in combos if not taken or c not in taken]
    if n > len(combos):
        raise ValueError(f"only {len(combos)} names for {n}")
    return [combos[i] for i in rng.permutation(len(combos))[:n]]


def build_geo(rng: np.random.Generator, p: Preset) -> Geo:
    """The areas of preset ``p``: the first draws from ``rng``."""
    rows: list[tuple[str, str, str, str | None]] = []
    city_id = "BJ" if p.city else None
    if city_id:
        rows.append((city_id, "北京市", "city", None))
    all_names = [d for d, _ in DISTRICTS]
    district_ids = [f"D{all_names.index(d) + 1:02d}" for d, _ in p.districts]
    district_names = [d for d, _ in p.districts]
    for did, dname in zip(district_ids, district_names):
        rows.append((did, dname, "district", city_id))

    # streets
    n_streets = sum(n for _, n in p.districts)
    real = [r for d in district_names for r in REAL_STREETS.get(d, ())]
    invented = _unique_names(rng, list(STREET_A), list(STREET_B), n_streets, taken=set(real))
    street_district, roots, kinds = [], [], []
    k = 0
    for di, (dname, n) in enumerate(p.districts):
        mine = list(REAL_STREETS.get(dname, ()))[:n]
        mine += invented[k:k + n - len(mine)]
        k += n - len(REAL_STREETS.get(dname, ())[:n])
        urban = dname in URBAN
        u = rng.random(n)
        for root, x in zip(mine, u):
            if root in ("东风", "将台"):
                kind = "地区"
            elif root in REAL_STREETS.get(dname, ()):
                kind = "街道"
            elif urban:
                kind = "街道" if x < 0.85 else "地区"
            else:
                kind = "街道" if x < 0.35 else ("镇" if x < 0.9 else "乡")
            roots.append(root)
            kinds.append(kind)
            street_district.append(di)
    street_ids = make_ids("S", n_streets)
    street_roots = np.array(roots, dtype=object)
    street_kind = np.array(kinds, dtype=object)
    street_names = street_roots + street_kind
    street_district = np.array(street_district)
    for sid, sname, di in zip(street_ids, street_names, street_district):
        rows.append((sid, sname, "street", district_ids[di]))

    # communities: every street gets at least one, the rest in proportion to a street "size"
    size = rng.lognormal(0, 0.5, n_streets)
    extra = rng.multinomial(p.communities - n_streets, size / size.sum())
    comm_street = np.repeat(np.arange(n_streets), 1 + extra)
    n_comm = len(comm_street)
    village = np.isin(street_kind[comm_street], ["镇", "乡"]) & (rng.random(n_comm) < 0.6)
    names = np.empty(n_comm, dtype=object)
    combos = [a + b for a in COMMUNITY_A for b in COMMUNITY_B]
    start = 0
    for s, count in enumerate(1 + extra):
        pick = rng.choice(len(combos), size=count, replace=False)
        names[start:start + count] = [combos[i] for i in pick]
        start += count
    vill_root = np.array([n[:2] for n in names], dtype=object)
    comm_names = np.where(village, vill_root + "村", names + "社区")
    # villages of one street may share a root: keep names unique within the street
    dup = pd.DataFrame({"s": comm_street, "n": comm_names}).groupby(["s", "n"], sort=False).cumcount().to_numpy()
    comm_names = np.array([n if d == 0 else f"{n[:-1]}{d + 1}村" for n, d in zip(comm_names, dup)], dtype=object)
    comm_ids = make_ids("C", n_comm, 4)
    for cid, cname, s in zip(comm_ids, comm_names, comm_street):
        rows.append((cid, cname, "community", street_ids[s]))

    geo = Geo(pd.DataFrame(rows, columns=["id", "name", "level", "parent_id"]), district_ids, district_names,
              street_ids, street_names, street_roots, street_kind, street_district, comm_ids, comm_names,
              comm_street, village, city_id=city_id)

    # key station areas with their large and small grids
    grid_rows = []
    z = 0
    for station, dname, small in STATIONS:
        if dname not in district_names or (p.name == "station" and station != "北京朝阳站"):
            continue
        z += 1
        di = district_names.index(dname)
        zid = f"Z{z}"
        in_district = np.flatnonzero(street_district == di)
        home = int(in_district[0] if p.name == "station" else rng.choice(in_district))
        geo.station_ids.append(zid)
        geo.station_names.append(station)
        geo.station_district.append(di)
        geo.station_street.append(home)
        grid_rows.append((zid, f"{station}地区", "station_area", district_ids[di]))
        grid_rows.append((f"G{z}", f"{station}地区大网格", "grid", zid))
        for g in range(1, small + 1):
            grid_rows.append((f"G{z}-{g:02d}", f"{station}地区第{g}小网格", "grid", f"G{z}"))
    geo.areas = pd.concat([geo.areas, pd.DataFrame(grid_rows, columns=geo.areas.columns)], ignore_index=True)
    return geo
