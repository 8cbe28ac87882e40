"""Property: any valid dataset loads, and the store gives back exactly what went in."""
from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphgov.dataset import schema, vocab
from graphgov.dataset.checks import read_and_check
from graphgov.store import open_store
from conftest import write_dataset

# Text as planners type it: Chinese, Latin, digits, punctuation that trips up quoting and Cypher.
TEXT = st.text(
    alphabet=st.sampled_from(list("朝阳站党建需求资源项目志愿服务北京福州天津 abcXYZ019'\"\\{}()/,;-_:#<>&")),
    min_size=1, max_size=12,
).map(str.strip).filter(bool)
DATES = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2035, 12, 31))


@st.composite
def datasets(draw):
    n_areas = draw(st.integers(1, 4))
    areas = []
    for i in range(n_areas):
        parent = f"A{draw(st.integers(0, i - 1))}" if i and draw(st.booleans()) else ""
        areas.append({"id": f"A{i}", "name": draw(TEXT), "level": draw(st.sampled_from(vocab.codes("area_level"))),
                      "parent_id": parent})
    area_ids = [a["id"] for a in areas]
    units = [{"id": f"U{i}", "name": draw(TEXT), "type": draw(st.sampled_from(vocab.codes("unit_type"))),
              "sector": draw(st.one_of(st.just(""), TEXT)), "area_id": draw(st.sampled_from(area_ids + [""]))}
             for i in range(draw(st.integers(1, 6)))]
    unit_ids = [u["id"] for u in units]
    committees = [{"id": f"C{i}", "name": draw(TEXT), "level": draw(st.sampled_from(vocab.codes("committee_level"))),
                   "area_id": draw(st.sampled_from(area_ids)), "cadence": draw(st.sampled_from(vocab.codes("cadence"))),
                   "meetings": str(draw(st.integers(0, 60)))}
                  for i in range(draw(st.integers(1, 3)))]
    comm_ids = [c["id"] for c in committees]
    pairs = draw(st.sets(st.tuples(st.sampled_from(unit_ids), st.sampled_from(comm_ids)), max_size=8))
    memberships = [{"unit_id": u, "committee_id": c, "role": draw(TEXT), "since": str(draw(DATES))} for u, c in sorted(pairs)]
    cats = vocab.codes("category")
    needs = [{"id": f"N{i}", "title": draw(TEXT), "category": draw(st.sampled_from(cats)),
              "unit_id": draw(st.sampled_from(unit_ids)), "description": draw(TEXT), "raised": str(draw(DATES)),
              "quantity": str(draw(st.integers(0, 1000))), "status": draw(st.sampled_from(vocab.codes("need_status")))}
             for i in range(draw(st.integers(0, 6)))]
    resources = [{"id": f"R{i}", "title": draw(TEXT), "category": draw(st.sampled_from(cats)),
                  "unit_id": draw(st.sampled_from(unit_ids)), "capacity": str(draw(st.integers(0, 50)))}
                 for i in range(draw(st.integers(0, 5)))]
    need_ids = [n["id"] for n in needs]
    projects = []
    for i in range(draw(st.integers(0, 4))):
        linked = draw(st.lists(st.sampled_from(need_ids), unique=True, max_size=3)) if need_ids else []
        projects.append({"id": f"P{i}", "title": draw(TEXT), "lead_unit_id": draw(st.sampled_from(unit_ids)),
                         "need_ids": ";".join(linked), "start": str(draw(DATES))})
    parts = sorted(draw(st.sets(st.tuples(st.sampled_from([p["id"] for p in projects] or ["-"]),
                                          st.sampled_from(unit_ids)), max_size=6))) if projects else []
    participations = [{"project_id": p, "unit_id": u} for p, u in parts]
    agreements = []
    if len(unit_ids) > 1:
        for a, b in sorted(draw(st.sets(st.tuples(st.sampled_from(unit_ids), st.sampled_from(unit_ids)), max_size=4))):
            if a != b:
                agreements.append({"unit_a": a, "unit_b": b, "kind": draw(TEXT), "signed": str(draw(DATES))})
    return {"areas": areas, "units": units, "committees": committees, "memberships": memberships,
            "needs": needs, "resources": resources, "projects": projects, "participations": participations,
            "agreements": agreements}


def _sorted(df: pd.DataFrame, name: str) -> pd.DataFrame:
    key = list(schema.table(name).key)
    return df.sort_values(key, key=lambda s: s.astype(str)).reset_index(drop=True)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(datasets(), st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
def test_valid_datasets_load_and_round_trip(tables, encoding):
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_dataset(Path(tmp) / "d", tables, encoding=encoding)
        checked = read_and_check(folder)
        store = open_store(Path(tmp) / "g.lbdb")
        store.load(checked)
        back = store.read_tables()
        store.close()
        for name, df in checked.tables.items():
            pd.testing.assert_frame_equal(_sorted(back[name], name), _sorted(df, name), check_dtype=False)
            assert len(back[name]) == len(tables.get(name, []))
