"""The store's merge on frames, without a store: conform, diff_counts and merge_dataset worked by hand.

Added for the mutation run of ``graphgov/store/tables.py`` (issue 18): the load tests reach these
functions through a whole store, where a wrong dtype, count or kept table is easy to miss.
"""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from graphgov.dataset import schema
from graphgov.store.tables import conform, diff_counts, drop_dangling_internal, merge_dataset

NEEDS = schema.table("needs")
MEMBERSHIPS = schema.table("memberships")


def test_conform_gives_the_schema_columns_in_order_with_their_types():
    df = pd.DataFrame({"extra": [1, 2], "quantity": ["2.6", "x"], "raised": ["2024-03-01", "not a date"],
                       "title": [np.nan, "乙"], "id": ["N1", "N2"]}, index=[5, 7])
    out = conform(df, NEEDS)
    assert list(out.columns) == NEEDS.column_names  # schema order; the extra column is gone
    assert list(out.index) == [0, 1]
    assert str(out["quantity"].dtype) == "Int64" and out["quantity"].tolist()[0] == 3  # rounded, not cut
    assert pd.isna(out["quantity"].tolist()[1])
    assert str(out["raised"].dtype) == "datetime64[us]"
    assert out["raised"].tolist()[0] == pd.Timestamp("2024-03-01") and pd.isna(out["raised"].tolist()[1])
    assert out["title"].tolist() == [None, "乙"]  # NaN in a text column becomes None
    assert out["unit_id"].tolist() == [None, None] and out["unit_id"].dtype == object  # absent: empty
    score = conform(pd.DataFrame({"id": ["D1", "D2"], "score": ["0.75", None]}), schema.table("dispatches"))["score"]
    assert str(score.dtype) == "float64" and score.tolist()[0] == 0.75 and np.isnan(score.tolist()[1])


def test_diff_counts_by_hand():
    prev = pd.DataFrame({"id": ["N1", "N2", "N3"], "title": ["甲", "乙", "丙"], "quantity": [1, None, 2]})
    # N1 unchanged, N2 unchanged (empty stays empty), N3 quantity changed, N4 new
    merged = conform(pd.DataFrame({"id": ["N1", "N2", "N3", "N4"], "title": ["甲", "乙", "丙", "丁"],
                                   "quantity": [1, None, 3, 1]}), NEEDS)
    assert diff_counts(prev, merged, NEEDS) == (1, 1)
    both = merged.assign(title=["甲二", "乙", "丙", "丁"])  # N1 retitled too: two rows changed
    assert diff_counts(prev, both, NEEDS) == (1, 2)
    assert diff_counts(None, merged, NEEDS) == (4, 0)
    assert diff_counts(prev.iloc[:0], merged, NEEDS) == (4, 0)
    assert diff_counts(prev, conform(pd.DataFrame({"id": ["N9"]}), NEEDS), NEEDS) == (1, 0)  # nothing in common
    # a link table is keyed by both ends: the same unit on another committee is a new row
    old = pd.DataFrame({"unit_id": ["U1", "U2"], "committee_id": ["C1", "C1"], "role": ["成员", "成员"]})
    new = conform(pd.DataFrame({"unit_id": ["U1", "U1", "U2"], "committee_id": ["C1", "C2", "C1"],
                                "role": ["主任", "成员", "成员"]}), MEMBERSHIPS)
    assert diff_counts(old, new, MEMBERSHIPS) == (1, 1)


def _dataset(tables: dict[str, list[dict]], present: dict[str, set[str]] | None = None):
    frames = {name: conform(pd.DataFrame(rows), schema.table(name)) for name, rows in tables.items()}
    return SimpleNamespace(tables=frames, present=present or {n: set(pd.DataFrame(r).columns)
                                                            for n, r in tables.items()},
                           rows={}, sources={})


STORED = {
    "areas": [{"id": "A1", "name": "东街道", "level": "street"}],
    "units": [{"id": "U1", "name": "甲", "type": "government"}, {"id": "U2", "name": "乙", "type": "school"}],
    "needs": [{"id": "N1", "title": "旧标题", "category": "legal", "unit_id": "U1", "quantity": 1},
              {"id": "N2", "title": "乙的需求", "category": "legal", "unit_id": "U2"}],
    "resources": [{"id": "R1", "title": "资源", "category": "legal", "unit_id": "U2", "capacity": 2}],
    "dispatches": [{"id": "D1", "need_id": "N1", "resource_id": "R1", "status": "dispatched", "quantity": 1},
                   {"id": "D2", "need_id": "N2", "resource_id": "R1", "status": "declined", "quantity": 1}],
    "need_events": [{"id": "E1", "need_id": "N1", "dispatch_id": "D1", "step": "dispatch"},
                    {"id": "E2", "need_id": "N2", "dispatch_id": "D2", "step": "dispatch"},
                    {"id": "E3", "need_id": "N2", "dispatch_id": None, "step": "close"}],
}


def _stored() -> dict[str, pd.DataFrame]:
    return {name: conform(pd.DataFrame(rows), schema.table(name)) for name, rows in STORED.items()}


def test_merging_a_partial_list_updates_its_table_and_keeps_the_rest():
    # next month's needs list: N1 retitled, N3 new; N2 not in the file (kept)
    update = _dataset({"needs": [{"id": "N1", "title": "新标题", "category": "legal", "unit_id": "U1"},
                                 {"id": "N3", "title": "新需求", "category": "legal", "unit_id": "U1"}]})
    merged, added, changed = merge_dataset(_stored(), update)
    assert (added, changed) == ({"needs": 1}, {"needs": 1})  # only the tables of the dataset are counted
    needs = merged["needs"].set_index("id")
    assert sorted(needs.index) == ["N1", "N2", "N3"]
    assert needs.at["N1", "title"] == "新标题" and needs.at["N1", "quantity"] == 1  # no quantity column: kept
    assert merged["units"]["id"].tolist() == ["U1", "U2"] and merged["areas"]["id"].tolist() == ["A1"]
    assert merged["dispatches"]["id"].tolist() == ["D1", "D2"]  # graphgov's own tables are kept
    assert merged["need_events"]["id"].tolist() == ["E1", "E2", "E3"]
    assert merged["projects"].empty and list(merged["projects"].columns) == schema.table("projects").column_names
    assert set(merged) == {t.name for t in schema.ALL_TABLES}


def test_replacing_drops_what_the_dataset_lacks_and_the_loop_records_of_it():
    # a replacing load with units, needs (N1 only) and resources: areas go, N2 goes with its dispatch and events
    dataset = _dataset({"units": STORED["units"], "needs": STORED["needs"][:1], "resources": STORED["resources"]})
    merged, added, changed = merge_dataset(_stored(), dataset, replace=True)
    assert merged["areas"].empty
    assert merged["needs"]["id"].tolist() == ["N1"]
    assert merged["dispatches"]["id"].tolist() == ["D1"]
    assert merged["need_events"]["id"].tolist() == ["E1"]
    assert (added, changed) == ({"units": 0, "needs": 0, "resources": 0}, {"units": 0, "needs": 0, "resources": 0})
    assert list(merged["dispatches"].index) == [0] and list(merged["need_events"].index) == [0]


def test_drop_dangling_internal_by_hand():
    tables = _stored()
    tables["needs"] = tables["needs"].iloc[:1]  # N2 gone
    tables["dispatches"] = conform(pd.DataFrame(STORED["dispatches"] + [
        {"id": "D3", "need_id": "N1", "resource_id": "R9", "status": "dispatched", "quantity": 1}]),
        schema.table("dispatches"))  # D3: its resource is gone
    tables["need_events"] = conform(pd.DataFrame(STORED["need_events"] + [
        {"id": "E4", "need_id": "N1", "dispatch_id": "D3", "step": "dispatch"},
        {"id": "E5", "need_id": "N1", "dispatch_id": None, "step": "close"}]), schema.table("need_events"))
    drop_dangling_internal(tables)
    assert tables["dispatches"]["id"].tolist() == ["D1"] and list(tables["dispatches"].index) == [0]
    # E1 (its dispatch stays), E5 (no dispatch, its need stays); not E2, E3 (N2 gone) nor E4 (D3 gone)
    assert tables["need_events"]["id"].tolist() == ["E1", "E5"] and list(tables["need_events"].index) == [0, 1]
    for name in ("dispatches", "need_events"):  # the frames keep their columns (no old index as a column)
        assert list(tables[name].columns) == schema.table(name).column_names
