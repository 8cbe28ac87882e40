"""Synthetic datasets: same seed same bytes, valid by the checks, the preset's shape, some realism."""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from graphgov.dataset import schema, vocab
from graphgov.dataset.checks import read_and_check
from graphgov.cli import cli
from graphgov.errors import OptionError
from graphgov.dataset.generate import PRESETS, generate, generate_with_truth, write_generated


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def station():
    return generate("station", seed=11)


@pytest.fixture(scope="module")
def district():
    return generate("district", seed=11)


# --- determinism --------------------------------------------------------------------


@pytest.mark.parametrize("preset", ["station", "district"])
def test_same_seed_gives_same_bytes_and_another_seed_does_not(tmp_path, preset):
    write_generated(preset, 5, tmp_path / "a")
    write_generated(preset, 5, tmp_path / "b")
    write_generated(preset, 6, tmp_path / "c")
    a, b, c = files(tmp_path / "a"), files(tmp_path / "b"), files(tmp_path / "c")
    assert sorted(a) == sorted(f"{t}.csv" for t in schema.DATASET_TABLES)
    assert a == b
    assert a != c
    assert a["needs.csv"] != c["needs.csv"]


# --- validity -----------------------------------------------------------------------


@pytest.mark.parametrize("preset", ["station", "district"])
def test_preset_passes_the_checks(tmp_path, preset):
    counts = write_generated(preset, 2, tmp_path / preset)
    checked = read_and_check(tmp_path / preset)
    assert checked.counts() == counts
    assert checked.warnings == []


def _resolve_everything(tables: dict[str, pd.DataFrame]) -> None:
    """An independent check of every reference, key and enumeration, with pandas alone."""
    for t in schema.TABLES:
        df = tables[t.name]
        expected = [c.name for c in t.columns if not c.personal]
        assert list(df.columns) == expected, t.name
        assert not df.duplicated(list(t.key)).any(), f"duplicate keys in {t.name}"
        for col in t.columns:
            if col.personal:
                continue
            values = df[col.name].dropna()
            if col.required:
                assert df[col.name].notna().all(), f"{t.name}.{col.name} has gaps"
            if col.ref:
                ids = set(tables[col.ref]["id"])
                refs = values.str.split(";").explode() if col.kind == "idlist" else values
                assert set(refs) <= ids, f"{t.name}.{col.name} points nowhere"
            if col.enum:
                assert set(values) <= set(vocab.VOCABULARIES[col.enum]), f"{t.name}.{col.name}"
            if col.kind == "category":
                assert set(values) <= set(vocab.CATEGORIES), f"{t.name}.{col.name}"
            if col.kind == "date":
                assert values.map(lambda v: bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", v))).all()
                pd.to_datetime(values, format="%Y-%m-%d")  # raises on 2025-02-30
            if col.kind == "int":
                assert (values.astype(int) >= (col.minimum or 0)).all()
    ag = tables["agreements"]
    assert (ag["unit_a"] != ag["unit_b"]).all()


def test_station_references_resolve(station):
    _resolve_everything(station)


def test_district_references_resolve(district):
    _resolve_everything(district)


def test_parent_chains_end(district):
    """No circles in the area, committee and party-organization hierarchies."""
    for name in ("areas", "committees", "party_orgs"):
        parent = dict(zip(district[name]["id"], district[name]["parent_id"]))
        for start in parent:
            seen, node = set(), start
            while isinstance(node, str):
                assert node not in seen, f"circle in {name} at {start}"
                seen.add(node)
                node = parent[node]


# --- shape --------------------------------------------------------------------------


def _last_year(df: pd.DataFrame, column: str) -> pd.DataFrame:
    """Rows dated in the year up to the reference date (the lists' year; the history adds the year before)."""
    d = pd.to_datetime(df[column])
    return df[(d > pd.Timestamp("2024-06-30")) & (d <= pd.Timestamp("2025-06-30"))]


@pytest.mark.parametrize("fixture", ["station", "district"])
def test_counts_match_the_preset(request, fixture):
    tables = request.getfixturevalue(fixture)
    p = PRESETS[fixture]
    assert len(tables["units"]) == p.units
    # the preset's figures are a year's; the history adds the year before with as many needs and projects
    assert len(_last_year(tables["needs"], "raised")) == p.needs
    assert len(tables["needs"]) == 2 * p.needs
    assert len(tables["resources"]) == p.resources
    assert len(tables["projects"]) == 2 * p.projects
    levels = tables["areas"]["level"].value_counts()
    assert levels["district"] == len(p.districts)
    assert levels["street"] == sum(n for _, n in p.districts)
    assert levels["community"] == p.communities
    # every need is placed in a community or a street, so matching can block by district
    need_levels = tables["needs"]["area_id"].map(dict(zip(tables["areas"]["id"], tables["areas"]["level"])))
    assert set(need_levels) <= {"community", "street"}


def test_station_is_like_chaoyang(station):
    """16 member units on the station committee, 32 bureaus, think-tank ties to 7 universities."""
    cm, ms, units = station["committees"], station["memberships"], station["units"]
    top = cm.loc[cm["level"] == "station_area", "id"].item()
    assert (ms["committee_id"] == top).sum() == 16
    assert (units["type"] == "university").sum() == 7
    think = station["agreements"]["kind"] == "党建+智库"
    assert think.sum() >= 7
    assert len(_last_year(station["needs"], "raised")) == 50 and len(station["projects"]) == 2 * 30


def test_every_unit_sits_on_a_committee_and_names_are_unique(district):
    assert set(district["memberships"]["unit_id"]) == set(district["units"]["id"])
    assert not district["units"]["name"].duplicated().any()
    assert not district["committees"]["name"].duplicated().any()


def test_names_follow_chinese_patterns(district):
    names = district["units"]["name"]
    assert names.str.endswith("街道办事处").any() or names.str.endswith("地区办事处").any()
    assert names.str.endswith("居委会").any()
    assert names.str.match(r"^北京.+有限公司$").sum() > 500
    assert names.str.endswith("派出所").sum() >= 20
    assert names.str.endswith("医院").any() or names.str.endswith("卫生服务中心").any()
    assert names.map(lambda s: any("\u4e00" <= ch <= "\u9fff" for ch in s)).all()
    titles = district["needs"]["title"]
    assert titles.map(lambda s: "\u4e00" <= s[0] <= "\u9fff").all()


# --- realism for the analyses --------------------------------------------------------


def _activity(tables):
    return (set(tables["needs"]["unit_id"]) | set(tables["resources"]["unit_id"])
            | set(tables["participations"]["unit_id"]) | set(tables["projects"]["lead_unit_id"].dropna()))


def test_paper_members_and_unmet_needs_exist(district):
    members = set(district["memberships"]["unit_id"])
    paper = members - _activity(district)
    assert 0.05 < len(paper) / len(members) < 0.4
    status = district["needs"]["status"]
    unmet = status.isin(["open", "closed"])
    assert 0.05 < unmet.mean() < 0.4
    # an unmet need is addressed by no project; a served one by at least one
    addressed = set(district["projects"]["need_ids"].str.split(";").explode())
    assert not (set(district["needs"].loc[unmet, "id"]) & addressed)
    assert set(district["needs"].loc[~unmet, "id"]) == addressed


def test_participation_is_heavy_tailed(district):
    per_unit = district["participations"]["unit_id"].value_counts()
    assert per_unit.max() >= 8 * per_unit.median()
    seats = district["memberships"]["unit_id"].value_counts()
    assert seats.max() >= 10 * seats.median()  # hub units on many committees


def test_ties_are_mostly_local(district):
    areas, units = district["areas"], district["units"]
    parent = dict(zip(areas["id"], areas["parent_id"]))
    level = dict(zip(areas["id"], areas["level"]))

    def street_of(area):
        while isinstance(area, str) and level[area] not in ("street", "district"):
            area = parent[area]
        return area

    street = dict(zip(units["id"], units["area_id"].map(street_of)))
    ag = district["agreements"]
    same = ag["unit_a"].map(street) == ag["unit_b"].map(street)
    assert same.mean() > 0.4


def test_the_built_in_shortage_is_there():
    """The district and category the generator made scarce: many needs, hardly any resources."""
    tables, truth = generate_with_truth("district", seed=4)
    areas = tables["areas"]
    parent = dict(zip(areas["id"], areas["parent_id"]))
    level = dict(zip(areas["id"], areas["level"]))

    def district_of(area):
        while level[area] != "district":
            area = parent[area]
        return area

    need = tables["needs"].assign(d=lambda f: f["area_id"].map(district_of)).groupby(["d", "category"]).size()
    have = tables["resources"].assign(d=lambda f: f["area_id"].map(district_of)).groupby(["d", "category"]).size()
    ratio = have.reindex(need.index).fillna(0) / need
    assert len(truth.shortages) == 1
    short = truth.shortages[0]
    assert need[short] >= 10
    assert ratio[short] < 0.15
    assert ratio[need >= 15].median() > 0.3
    # and its needs go unmet far more often than the rest
    needs = tables["needs"].assign(d=lambda f: f["area_id"].map(district_of))
    in_short = (needs["d"] == short[0]) & (needs["category"] == short[1])
    unmet = needs["status"].isin(["open", "closed"])
    assert unmet[in_short].mean() > 2 * unmet[~in_short].mean()


def test_truth_paper_members_and_hubs():
    tables, truth = generate_with_truth("district", seed=8)
    assert truth.paper_units
    assert not set(truth.paper_units) & _activity(tables)
    assert set(truth.paper_units) <= set(tables["memberships"]["unit_id"])
    seats = tables["memberships"]["unit_id"].value_counts()
    assert seats[list(truth.hubs)].min() >= 5 * seats.median()


def test_history_steps_follow_the_status(district):
    """Each need has the dated steps its status says it reached, in order, none after the reference date."""
    n = district["needs"]
    d = {c: pd.to_datetime(n[c]) for c in ("raised", "dispatched_on", "accepted_on", "fulfilled_on", "closed_on")}
    status = n["status"]
    assert (d["dispatched_on"].notna() == status.isin(["dispatched", "accepted", "partial", "fulfilled"])).all()
    assert (d["accepted_on"].notna() == status.isin(["accepted", "partial", "fulfilled"])).all()
    assert (d["fulfilled_on"].notna() == (status == "fulfilled")).all()
    assert (d["closed_on"].notna() == (status == "closed")).all()
    for a, b in (("raised", "dispatched_on"), ("dispatched_on", "accepted_on"), ("accepted_on", "fulfilled_on"),
                 ("raised", "closed_on")):
        both = d[a].notna() & d[b].notna()
        assert both.any() and (d[a][both] <= d[b][both]).all(), (a, b)
        assert (d[b].dropna() <= pd.Timestamp("2025-06-30")).all()
    rated = n["rating"].notna()
    assert rated.any() and status[rated].isin(["fulfilled", "closed"]).all()
    assert set(n["channel"]) == set(vocab.VOCABULARIES["channel"])
    wait = (d["dispatched_on"] - d["raised"]).dt.days
    assert wait[n["channel"] == "hotline"].median() < wait[n["channel"] == "visit"].median()
    # both years have needs, projects started and completed
    for year in (2024, 2025):
        before = pd.Timestamp(f"{year}-06-30")
        assert ((d["raised"] > before - pd.Timedelta(days=365)) & (d["raised"] <= before)).sum() == PRESETS["district"].needs


def test_meetings_of_the_last_year_are_the_committees_count(district):
    m = district["meetings"]
    held = _last_year(m, "held_on").groupby("committee_id").size()
    assert held.reindex(district["committees"]["id"], fill_value=0).tolist() == district["committees"]["meetings"].tolist()
    assert len(m) > len(_last_year(m, "held_on"))  # and the year before
    assert set(m["kind"]) <= set(vocab.VOCABULARIES["cadence"])


def test_dates_do_not_depend_on_today(station):
    raised = pd.to_datetime(station["needs"]["raised"])
    assert raised.max() <= pd.Timestamp("2025-06-30")
    assert raised.min() >= pd.Timestamp("2023-06-30")  # two years of history
    assert station["meta"]["as_of"].tolist() == ["2025-06-30"]


@pytest.mark.slow
def test_beijing_scale(tmp_path):
    counts = write_generated("beijing", 1, tmp_path / "bj")
    checked = read_and_check(tmp_path / "bj")
    assert checked.counts() == counts
    t = checked.tables
    levels = t["areas"]["level"].value_counts()
    assert (levels["district"], levels["street"], levels["community"], levels["station_area"]) == (16, 343, 3400, 7)
    assert levels["grid"] == 7 + 54
    assert (counts["units"], counts["needs"], counts["resources"], counts["projects"]) == (17000, 27000, 10000, 19600)
    assert len(_last_year(t["needs"], "raised")) == 13500  # Beijing's needs of one year, and the year before
    cm = t["committees"]["level"].value_counts()
    assert (cm["city"], cm["district"], cm["street"], cm["station_area"]) == (1, 16, 343, 7)
    assert cm["community"] > 1000 and cm["alliance"] > 100
    seats = t["memberships"]["unit_id"].value_counts()
    assert seats.iloc[:5].min() >= 50


# --- library errors and the command ---------------------------------------------------


def test_unknown_preset_and_bad_seed():
    with pytest.raises(OptionError, match="unknown preset 'city'"):
        generate("city")
    with pytest.raises(OptionError, match="seed"):
        generate("station", seed=-1)


def test_cli_writes_a_dataset_that_check_accepts(tmp_path):
    out = tmp_path / "ds"
    result = run("generate", "--preset", "station", "--seed", "3", out)
    assert result.exit_code == 0, result.output
    assert re.search(r"units\s+55", result.output)
    assert run("check", out).exit_code == 0


def test_cli_refuses_a_non_empty_folder_unless_forced(tmp_path):
    out = tmp_path / "ds"
    out.mkdir()
    (out / "keep.txt").write_text("x")
    result = run("generate", out)
    assert result.exit_code == 2
    assert "not empty" in result.output
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]
    assert run("generate", "--force", out).exit_code == 0
    assert (out / "units.csv").exists() and (out / "keep.txt").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["ds"]  # no temporary folder left behind


@pytest.mark.parametrize("args", [["--preset", "city"], ["--seed", "-3"], ["--seed", "x"]])
def test_cli_bad_options_exit_2(tmp_path, args):
    result = run("generate", *args, tmp_path / "ds")
    assert result.exit_code == 2
    assert not (tmp_path / "ds").exists()


def test_cli_out_is_a_file(tmp_path):
    f = tmp_path / "f.csv"
    f.write_text("x")
    assert run("generate", f).exit_code == 2
    assert f.read_text() == "x"


def test_help_has_an_example():
    result = run("generate", "--help")
    assert result.exit_code == 0
    assert "graphgov generate --preset" in result.output
    assert "[station|district|beijing]" in result.output
