"""compare: two hand-made snapshots with known differences, one store at two dates, the command and its map."""
from __future__ import annotations

import copy
import json
import re

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from graphgov.analysis.compare import CHANGE_COLUMNS, CHANGE_KINDS, change_summary, changes_table, compare, snapshot
from graphgov.cli import cli
from graphgov.dataset.checks import read_and_check
from graphgov.store import open_store
from graphgov.views.map_changes import build_change_map

from conftest import write_dataset

UNITS = [{"id": f"U{i}", "name": name, "type": t, "area_id": "A2"} for i, (name, t) in enumerate(
    [("街道办", "government"), ("社区居委会", "community"), ("医院", "hospital"), ("商场", "private_enterprise"),
     ("学校", "school"), ("银行", "state_enterprise")], start=1)]
OLD = {
    "areas": [{"id": "A1", "name": "区", "level": "district"},
              {"id": "A2", "name": "街道", "level": "street", "parent_id": "A1"}],
    "committees": [{"id": "C1", "name": "街道委员会", "level": "street", "area_id": "A2", "cadence": "monthly",
                    "meetings": 12},
                   {"id": "C2", "name": "商圈联盟", "level": "alliance", "area_id": "A2", "parent_id": "C1",
                    "cadence": "quarterly", "meetings": 0}],
    "units": UNITS,
    "memberships": [{"unit_id": u, "committee_id": "C1", "since": "2023-01-01"} for u in ("U1", "U2", "U3", "U4")]
    + [{"unit_id": u, "committee_id": "C2", "since": "2023-06-01"} for u in ("U4", "U5")],
    "needs": [{"id": "N1", "title": "助老", "category": "elderly_care", "unit_id": "U2", "raised": "2024-03-01",
               "status": "accepted", "dispatched_on": "2024-03-03", "accepted_on": "2024-03-05"},
              {"id": "N2", "title": "义诊", "category": "health", "unit_id": "U3", "raised": "2024-05-01",
               "status": "open"}],
    "projects": [{"id": "P1", "title": "助老服务", "lead_unit_id": "U1", "status": "active",
                  "start_date": "2024-04-01", "need_ids": "N1"}],
    "participations": [{"project_id": "P1", "unit_id": "U2"}],
    "meta": [{"as_of": "2024-12-31"}],
}
# A year on: U6 joined C1, U5 left C2, project P2 (U4 with U3) took up N2, C1 met twice, C2 four times.
NEW = copy.deepcopy(OLD)
NEW["committees"][0]["meetings"] = 2
NEW["committees"][1]["meetings"] = 4
NEW["memberships"] = [m for m in NEW["memberships"] if m["unit_id"] != "U5"] + [
    {"unit_id": "U6", "committee_id": "C1", "since": "2025-03-01"}]
NEW["projects"].append({"id": "P2", "title": "社区义诊", "lead_unit_id": "U4", "status": "active",
                        "start_date": "2025-04-01", "need_ids": "N2"})
NEW["participations"].append({"project_id": "P2", "unit_id": "U3"})
NEW["needs"][1].update(status="dispatched", dispatched_on="2025-04-02")
NEW["meta"] = [{"as_of": "2025-12-31"}]


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("compare")
    return write_dataset(tmp / "old", OLD), write_dataset(tmp / "new", NEW)


@pytest.fixture(scope="module")
def changes(folders):
    old, new = (read_and_check(f) for f in folders)
    return compare(old, new)


def _pairs(df, change):
    return sorted(df.loc[df["change"] == change, "subject_id"])


def test_every_kind_has_the_same_columns_and_the_dates(changes):
    assert list(changes) == list(CHANGE_KINDS)
    for df in changes.values():
        assert list(df.columns) == CHANGE_COLUMNS
        assert (df.attrs["old_as_of"], df.attrs["new_as_of"]) == ("2024-12-31", "2025-12-31")


def test_members_joined_and_left(changes):
    assert _pairs(changes["members"], "joined") == ["U6 C1"]
    assert _pairs(changes["members"], "left") == ["U5 C2"]
    assert changes["members"].set_index("subject_id").loc["U6 C1", "subject"] == "银行 → 街道委员会"


def test_ties_gained_and_lost(changes):
    # U6 sits on C1 with U1–U4; U4 and U5 shared only C2
    assert _pairs(changes["ties"], "gained") == ["U1 U6", "U2 U6", "U3 U6", "U4 U6"]
    assert _pairs(changes["ties"], "lost") == ["U4 U5"]
    assert set(changes["ties"].loc[changes["ties"]["change"] == "gained", "detail"]) == {"committee"}


def test_conversions_and_committees(changes):
    conv = changes["conversions"].set_index("subject_id")
    assert list(conv.index) == ["N2"]
    assert (conv.loc["N2", "old"], conv.loc["N2", "new"], conv.loc["N2", "detail"]) == ("open", "dispatched",
                                                                                       "projects P2")
    comm = changes["committees"].set_index("subject_id")["change"].to_dict()
    # C1 fell below its monthly cadence; C2 met four times and its member U4 now leads a project
    assert comm == {"C1": "went_idle", "C2": "woke_up"}
    gaps = changes["gaps"]
    idle = gaps[gaps["detail"].str.startswith("空转的委员会")]
    assert set(zip(idle["subject_id"], idle["change"])) == {("C1", "new"), ("C2", "closed")}


def test_centrality_movers_point_the_right_way(changes):
    df = changes["centrality"]
    assert len(df)
    rose, fell = df[df["change"] == "rose"], df[df["change"] == "fell"]
    assert (rose["old"] > rose["new"]).all() and (fell["old"] < fell["new"]).all()
    assert not set(rose["subject_id"]) & set(fell["subject_id"])


def test_summary_and_one_table(changes):
    summary = change_summary(changes).set_index(["kind", "change"])["count"]
    assert summary[("ties", "gained")] == 4 and summary[("members", "left")] == 1
    assert len(changes_table(changes)) == summary.sum()


def test_one_store_at_two_dates(folders, tmp_path):
    """The new dataset's own history: U6 joined in 2025, P2 started in 2025; nothing left (no end dates)."""
    with open_store(tmp_path / "n.lbdb") as store:
        store.load(read_and_check(folders[1]))
        changes = compare(store, store, "2024-12-31", "2025-12-31")
    assert _pairs(changes["members"], "joined") == ["U6 C1"] and _pairs(changes["members"], "left") == []
    assert _pairs(changes["ties"], "gained") == ["U1 U6", "U2 U6", "U3 U6", "U4 U6"]
    assert list(changes["conversions"]["subject_id"]) == ["N2"]
    assert changes["conversions"]["old"].tolist() == ["open"]  # as it stood on 2024-12-31


def test_snapshot_sees_the_store_as_it_stood(folders):
    tables = read_and_check(folders[1]).tables
    then = snapshot(tables, "2025-03-15")
    assert sorted(set(then["memberships"]["unit_id"])) == ["U1", "U2", "U3", "U4", "U6"]
    assert list(then["projects"]["id"]) == ["P1"] and set(then["participations"]["project_id"]) == {"P1"}
    need = then["needs"].set_index("id")
    assert need.loc["N2", "status"] == "open" and pd.isna(need.loc["N2", "dispatched_on"])
    assert need.loc["N1", "status"] == "accepted"
    assert then["meta"]["as_of"].iloc[0] == pd.Timestamp("2025-03-15")
    earlier = snapshot(tables, "2024-02-01")
    assert list(earlier["needs"]["id"]) == [] and list(earlier["projects"]["id"]) == []


def test_meetings_list_sets_each_year_count(folders, tmp_path):
    tables = read_and_check(folders[1]).tables
    log = [{"id": f"M{i}", "committee_id": "C1", "held_on": f"2024-{i:02d}-10"} for i in range(1, 13)]
    log += [{"id": "M20", "committee_id": "C1", "held_on": "2025-05-10"}]
    tables = dict(tables, meetings=read_and_check(write_dataset(tmp_path / "m", dict(NEW, meetings=log))).tables[
        "meetings"])
    comm = {d: snapshot(tables, d)["committees"].set_index("id")["meetings"].to_dict()
            for d in ("2024-12-31", "2025-12-31")}
    # C1 has a meetings list: counted from it; C2 has none: its stated count stays
    assert comm["2024-12-31"] == {"C1": 12, "C2": 4} and comm["2025-12-31"] == {"C1": 1, "C2": 4}


def test_change_map_marks_new_and_faded(folders, changes):
    old, new = (read_and_check(f).tables for f in folders)
    data = build_change_map(old, new, changes)
    edges = {(e["from"], e["to"]): e for e in data.edges}
    gained = [e for e in data.edges if e["type"] == "TIE_GAINED"]
    lost = [e for e in data.edges if e["type"] == "TIE_LOST"]
    assert len(gained) == 4 and len(lost) == 1 and lost[0]["dashes"] is True
    assert lost[0]["color"]["opacity"] < gained[0]["color"]["opacity"]
    assert ("Unit:U4", "Unit:U5") in edges
    nodes = {n["id"]: n for n in data.nodes}
    assert nodes["Unit:U6"]["borderWidth"] == 5 and nodes["Unit:U5"]["opacity"] < 1
    assert "新加入委员会" in nodes["Unit:U6"]["title"]
    assert data.details["Unit:U6"]["rows"][0][0] == "变化"
    assert data.details["Unit:U6"]["rows"][0][1].startswith("新加入委员会")


# -- the command ---------------------------------------------------------------------------------

def test_cli_two_datasets_table_and_xlsx(folders, tmp_path):
    runner = CliRunner()
    result = runner.invoke(cli, ["compare", str(folders[0]), str(folders[1])])
    assert result.exit_code == 0, result.output
    assert "2024-12-31 → 2025-12-31" in result.output
    assert re.search(r"加入\s+银行 → 街道委员会", result.output)
    book = tmp_path / "c.xlsx"
    result = runner.invoke(cli, ["compare", str(folders[0]), str(folders[1]), "--format", "xlsx", "--out", str(book)])
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == ["关于", "概况 summary", *CHANGE_KINDS]  # the first sheet says what, when, from where
    assert wb["ties"].max_row == 1 + 5


def test_cli_stores_json_and_map(folders, tmp_path):
    paths = []
    for name, folder in zip(("o", "n"), folders):
        with open_store(tmp_path / f"{name}.lbdb") as store:
            store.load(read_and_check(folder))
        paths.append(str(tmp_path / f"{name}.lbdb"))
    out_map = tmp_path / "changes.html"
    result = CliRunner().invoke(cli, ["compare", *paths, "--format", "json", "--map", str(out_map)])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output[result.output.index("["):])
    assert {(r["kind"], r["change"], r["subject_id"]) for r in rows} >= {("members", "joined", "U6 C1"),
                                                                        ("conversions", "converted", "N2")}
    page = out_map.read_text(encoding="utf-8")
    assert "TIE_GAINED" in page and "Content-Security-Policy" in page


def test_cli_one_store_with_dates(folders, tmp_path):
    path = tmp_path / "s.lbdb"
    with open_store(path) as store:
        store.load(read_and_check(folders[1]))
    result = CliRunner().invoke(cli, ["compare", "--store", str(path), "--from-date", "2024-12-31", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert "members,joined,加入,U6 C1" in result.output


@pytest.mark.parametrize("args, code, message", [
    (["compare"], 2, "needs --from-date"),
    (["compare", "--from-date", "2024-13-01"], 2, "not a date"),
    (["compare", "nowhere/", "also-nowhere/"], 2, "no such dataset or store"),
])
def test_cli_errors(tmp_path, args, code, message):
    result = CliRunner().invoke(cli, args + ["--store", str(tmp_path / "none.lbdb")])
    assert result.exit_code == code, result.output
    assert message in result.output
