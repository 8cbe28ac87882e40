"""Hierarchy circles: refused by partial and merging loads as by full ones, each once, found in linear time."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphgov.cli import cli
from graphgov.dataset.checks import read_and_check
from graphgov.dataset.hierarchy import find_cycles, roots
from graphgov.errors import DataError
from graphgov.store import open_store

from conftest import write_dataset

GOOD = Path(__file__).resolve().parent / "data" / "good"


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def signature(store: Path) -> str:
    with open_store(store) as s:
        tables = s.read_tables()
    return hashlib.sha256("".join(tables[n].to_csv(index=False) for n in sorted(tables)).encode()).hexdigest()


@pytest.fixture
def store(tmp_path) -> Path:
    path = tmp_path / "g.lbdb"
    with open_store(path) as s:
        s.load(read_and_check(GOOD))
    return path


# a partial file that closes a circle through rows only the store holds
CLOSING = {
    "areas": ("id,name,level,parent_id\nA0,北京市,city,A2\n", "A0 → A2 (stored) → A1 (stored) → A0"),
    "committees": ("id,name,level,area_id,parent_id\nC1,朝阳站地区党建工作协调委员会,station_area,A3,C2\n"
                   "C2,站区分会,station_area,A3,C1\n", "C1 → C2 → C1"),
    "party_orgs": ("id,name,unit_id,type,parent_id\nO1,国铁朝阳站党总支,U1,general_branch,O2\n",
                   "O1 → O2 (stored) → O1"),
}


@pytest.mark.parametrize("table", sorted(CLOSING))
@pytest.mark.parametrize("command", [["load", "--partial"], ["check", "--partial"]],
                         ids=["load-partial", "check-partial"])
def test_a_circle_through_stored_rows_is_refused(store, tmp_path, table, command):
    # (a whole dataset cannot reach stored-only rows: its references must stay inside it)
    text, circle = CLOSING[table]
    folder = tmp_path / "update"
    folder.mkdir()
    (folder / f"{table}.csv").write_text(text, encoding="utf-8")
    before = signature(store)
    result = invoke(*command[:1], folder, *command[1:], "--store", store)
    assert result.exit_code == 1, result.output
    errors = [ln for ln in result.output.splitlines() if ": error: " in ln]
    assert len(errors) == 1, result.output
    assert f"{table}.csv:2:parent_id: error: the parent_id chain goes round in a circle: {circle}" in errors[0]
    assert "Traceback" not in result.output
    assert signature(store) == before


def test_a_library_load_without_the_stored_parents_is_refused_too(store, tmp_path):
    """The merge itself refuses a circle, whatever the caller checked beforehand."""
    folder = tmp_path / "update"
    folder.mkdir()
    (folder / "areas.csv").write_text(CLOSING["areas"][0], encoding="utf-8")
    with open_store(store) as s:
        ds = read_and_check(folder, known_ids=s.known_ids(), partial=True)  # no known_parents given
        before = signature(store)
        with pytest.raises(DataError, match="goes round in a circle: A0 → A2 \\(stored\\)"):
            s.load(ds)
    assert signature(store) == before


def test_a_partial_load_that_breaks_no_circle_still_loads(store, tmp_path):
    folder = tmp_path / "update"
    folder.mkdir()
    (folder / "areas.csv").write_text("id,name,level,parent_id\nA4,新区,street,A1\nA2,东风地区,street,A4\n",
                                      encoding="utf-8")
    result = invoke("load", folder, "--partial", "--store", store)
    assert result.exit_code == 0, result.output
    with open_store(store) as s:
        parents = s.parents()["areas"]
    assert parents["A2"] == "A4" and parents["A4"] == "A1"


def test_a_circle_is_reported_once_not_once_per_descendant(tmp_path):
    areas = [{"id": "X", "name": "x", "level": "district", "parent_id": "Y"},
             {"id": "Y", "name": "y", "level": "district", "parent_id": "X"}]
    areas += [{"id": f"S{i}", "name": f"s{i}", "level": "street", "parent_id": "X" if i == 0 else f"S{i - 1}"}
              for i in range(100)]
    folder = write_dataset(tmp_path / "d", {
        "areas": areas,
        "committees": [{"id": "C1", "name": "c", "level": "district", "area_id": "X"}],
        "units": [{"id": "U1", "name": "u", "type": "government", "area_id": "S99"}],
    })
    with pytest.raises(DataError) as err:
        read_and_check(folder)
    circles = [p for p in err.value.problems if "circle" in p.message]
    assert len(circles) == 1 and circles[0].row == 2 and "X → Y → X" in circles[0].message


class CountingDict(dict):
    """A dict that counts look-ups, to show the work grows with the rows, not their square."""

    calls = 0

    def get(self, key, default=None):
        CountingDict.calls += 1
        return super().get(key, default)


@pytest.mark.parametrize("n", [1_000, 20_000, 200_000])
def test_the_hierarchy_walk_is_linear(n):
    chain = CountingDict({f"A{i}": (f"A{i - 1}" if i else None) for i in range(n)})
    CountingDict.calls = 0
    assert find_cycles(chain) == []
    assert CountingDict.calls <= n  # each node's parent is looked up once
    top = roots(chain)
    assert top[f"A{n - 1}"] == "A0" and len(top) == n
    chain["A0"] = f"A{n - 1}"  # close the chain into one circle
    CountingDict.calls = 0
    [cycle] = find_cycles(chain)
    assert len(cycle) == n and CountingDict.calls <= n


def test_a_deep_chain_of_areas_is_checked(tmp_path):
    n = 20_000
    areas = [{"id": f"A{i}", "name": f"区{i}", "level": "community", "parent_id": f"A{i - 1}" if i else ""}
             for i in range(n)]
    folder = write_dataset(tmp_path / "d", {
        "areas": areas,
        "committees": [{"id": "C1", "name": "c", "level": "district", "area_id": "A0"}],
        "units": [{"id": "U1", "name": "u", "type": "government", "area_id": f"A{n - 1}"},
                  {"id": "U2", "name": "v", "type": "government", "area_id": "A0"}],
        "needs": [{"id": f"N{i}", "title": "t", "category": "parking", "unit_id": "U1", "area_id": f"A{n - 1 - i}"}
                  for i in range(200)],
        "projects": [{"id": f"P{i}", "title": "p", "lead_unit_id": "U2", "need_ids": f"N{i}"} for i in range(200)],
    })
    ds = read_and_check(folder)
    assert len(ds["areas"]) == n and not [w for w in ds.warnings if "apart" in w.message]
