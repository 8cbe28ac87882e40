"""Write plans (graphgov.store.plan), checked by running them on a real Cypher engine.

The statements a Neo4j load sends are replayed on LadybugDB: after the same loads they
must leave exactly the graph the embedded store's own load leaves, on data that repeats a
unit pair with agreements of different kinds, updates and moves rows, and replaces.
"""
from __future__ import annotations

import ladybug
import pandas as pd
import pytest

from conftest import SAMPLE, write_dataset
from graphgov.dataset import schema
from graphgov.dataset.checks import read_and_check
from graphgov.store import open_store
from graphgov.store.ladybug_store import ddl_statements
from graphgov.store.plan import Statement, write_plan
from graphgov.store.tables import merge_dataset, read_tables_from


class Replay:
    """A LadybugDB database that holds only what write plans put into it."""

    def __init__(self, path):
        self.db = ladybug.Database(str(path))
        self.conn = ladybug.Connection(self.db)
        for ddl in ddl_statements():
            self.conn.execute(ddl)

    def run(self, plan: list[Statement]) -> None:
        self.conn.execute("BEGIN TRANSACTION")
        for st in plan:
            self.conn.execute(st.cypher, st.params)
        self.conn.execute("COMMIT")

    def tables(self) -> dict[str, pd.DataFrame]:
        return read_tables_from(lambda q, p=None: self.conn.execute(q, p or {}).get_as_df(), True)

    def load(self, dataset, replace=False, batch_size=2) -> list[Statement]:
        """Load as the Neo4j store does: read, merge, send the difference."""
        old = self.tables()
        merged, _, _ = merge_dataset(old, dataset, replace)
        plan = write_plan(old, merged, batch_size)
        self.run(plan)
        return plan

    def close(self):
        self.conn.close()
        self.db.close()


def assert_same_graph(got: dict[str, pd.DataFrame], want: dict[str, pd.DataFrame]) -> None:
    for t in schema.ALL_TABLES:
        if t.computed:  # stored analysis results: not part of a load (tests/test_results.py)
            continue
        key = list(t.key)
        a = got[t.name].sort_values(key).reset_index(drop=True)
        b = want[t.name].sort_values(key).reset_index(drop=True)
        pd.testing.assert_frame_equal(a, b, check_dtype=False, obj=t.name)


def _units(n=4):
    return [{"id": f"U{i}", "name": f"单位{i}", "type": "railway", "area_id": "A1"} for i in range(1, n + 1)]


BASE = {
    "areas": [{"id": "A1", "name": "朝阳站区", "level": "station_area"}],
    "committees": [{"id": "C1", "name": "朝阳站区党建协调委员会", "level": "station_area", "area_id": "A1"}],
    "units": _units(),
    "memberships": [{"unit_id": f"U{i}", "committee_id": "C1", "role": "member"} for i in range(1, 5)],
    "agreements": [
        {"unit_a": "U1", "unit_b": "U2", "kind": "co_building", "signed": "2024-03-01"},
        {"unit_a": "U1", "unit_b": "U2", "kind": "think_tank", "signed": "2024-05-01"},
        {"unit_a": "U2", "unit_b": "U3", "kind": "co_building", "signed": "2023-01-10"},
    ],
    "needs": [{"id": "N1", "title": "高峰期疏导志愿者", "category": "volunteering", "unit_id": "U1", "raised": "2025-01-05"}],
    "resources": [{"id": "R1", "title": "青年志愿服务队", "category": "volunteering", "unit_id": "U3", "capacity": 2}],
}


def _embedded(tmp_path, name, *loads):
    store = open_store(tmp_path / f"{name}.lbdb")
    for ds, replace in loads:
        store.load(ds, replace=replace)
    tables = store.read_tables()
    store.close()
    return tables


def test_two_agreements_between_one_pair_stay_two(tmp_path):
    ds = read_and_check(write_dataset(tmp_path / "d", BASE))
    replay = Replay(tmp_path / "r.lbdb")
    replay.load(ds)
    got = replay.tables()
    replay.close()
    assert len(got["agreements"]) == 3
    assert sorted(got["agreements"]["kind"][got["agreements"]["unit_b"] == "U2"]) == ["co_building", "think_tank"]
    assert_same_graph(got, _embedded(tmp_path, "e", (ds, False)))


def test_updates_moves_and_replace_match_the_embedded_store(tmp_path):
    first = read_and_check(write_dataset(tmp_path / "d1", BASE))
    changed = {k: [dict(r) for r in v] for k, v in BASE.items()}
    changed["needs"][0]["unit_id"] = "U2"  # the RAISES edge moves
    changed["agreements"][1]["signed"] = "2024-06-01"  # a property of one of the two agreements changes
    changed["memberships"] = changed["memberships"][:3]  # U4 leaves (only --replace removes it)
    changed["units"] = changed["units"][:3]
    changed["memberships"][0]["role"] = "chair"
    second = read_and_check(write_dataset(tmp_path / "d2", changed))
    for replace in (False, True):
        replay = Replay(tmp_path / f"r{replace}.lbdb")
        replay.load(first)
        plan = replay.load(second, replace=replace)
        again = replay.load(second, replace=replace)
        got = replay.tables()
        replay.close()
        assert again == [], "loading the same data twice must send nothing the second time"
        assert plan, "a changed dataset must send something"
        assert_same_graph(got, _embedded(tmp_path, f"e{replace}", (first, False), (second, replace)))
        raised_by = got["needs"].set_index("id").loc["N1", "unit_id"]
        assert raised_by == "U2"
        assert ("U4" in set(got["units"]["id"])) is (not replace)


def test_plan_deletes_exactly_one_of_two_parallel_agreements(tmp_path):
    ds = read_and_check(write_dataset(tmp_path / "d", BASE))
    fewer = {k: [dict(r) for r in v] for k, v in BASE.items()}
    fewer["agreements"] = [a for a in fewer["agreements"] if a["kind"] != "think_tank"]
    replay = Replay(tmp_path / "r.lbdb")
    replay.load(ds)
    plan = replay.load(read_and_check(write_dataset(tmp_path / "d2", fewer)), replace=True)
    got = replay.tables()
    replay.close()
    deletes = [st for st in plan if "DELETE r" in st.cypher]
    assert sum(len(st.params["rows"]) for st in deletes) == 1
    assert sorted(got["agreements"]["kind"]) == ["co_building", "co_building"]


@pytest.mark.slow
@pytest.mark.parametrize("source", ["sample", "district"])
def test_plan_of_a_whole_dataset_gives_the_embedded_graph(tmp_path, source):
    if source == "sample":
        ds = read_and_check(SAMPLE)
    else:
        from graphgov.dataset.generate import write_generated

        write_generated("district", 1, tmp_path / "district")
        ds = read_and_check(tmp_path / "district")
    replay = Replay(tmp_path / "r.lbdb")
    replay.load(ds, batch_size=5000)
    assert replay.load(ds, batch_size=5000) == []
    got = replay.tables()
    replay.close()
    assert_same_graph(got, _embedded(tmp_path, "e", (ds, False)))


def _rows(plan: list[Statement], marker: str) -> int:
    return sum(len(st.params.get("rows", ())) for st in plan if marker in st.cypher)


def test_a_staged_plan_stages_what_is_added_and_finishes_the_rest_in_the_final_part():
    """Nodes the load adds, and relationships between two of them, are staged; the final part promotes
    them by label only and makes every change that touches what was there before — together exactly
    the rows of the one-transaction plan."""
    from graphgov.store.plan import STAGED_LABEL, staged_plan

    full = read_and_check(SAMPLE)
    first = merge_dataset({}, _subset(full, ("areas", "committees", "units")))[0]
    merged = merge_dataset(first, full)[0]
    one = write_plan(first, merged, 50)
    staged = staged_plan(first, merged, 50)
    assert all(f":{STAGED_LABEL}" in st.cypher for st in staged.stage)
    assert not any("MERGE" in st.cypher or "DELETE" in st.cypher for st in staged.stage)
    promoted = [st for st in staged.final if f"REMOVE n:{STAGED_LABEL}" in st.cypher]
    assert promoted and all(st.params == {} and " = " not in st.cypher for st in promoted)  # labels only
    added = sum(len(merged[t.name]) - len(first.get(t.name, ())) for t in schema.node_tables() if t.name in merged)
    assert staged.staged_nodes == added == _rows(staged.stage, "CREATE (n:")
    assert _rows(staged.stage, "CREATE (a)") == staged.staged_relationships > 0
    # relationships from a new node to a unit that was there before are in the final part
    assert any("MATCH (b:Unit" in st.cypher and "CREATE" in st.cypher for st in staged.final)
    assert (_rows(staged.stage, "CREATE") + _rows(staged.final, "MERGE") + _rows(staged.final, "CREATE (a)")
            == _rows(one, "MERGE") + _rows(one, "CREATE"))


def _subset(ds, names):
    """A checked dataset's tables ``names`` only, as a dataset object ``merge_dataset`` takes."""
    class Subset:
        tables = {n: ds.tables[n] for n in names}
        present = {n: ds.present.get(n) for n in names}
        rows = {n: ds.rows.get(n) for n in names} if hasattr(ds, "rows") else {}
        sources = {}
    return Subset
