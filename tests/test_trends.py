"""Trends: every indicator recomputed with pandas straight from the raw CSV files, small cases by hand, the command."""
from __future__ import annotations

import datetime as dt
import json
import re

import numpy as np
import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from graphgov.analysis.trends import DEFINITIONS, trends, year_over_year
from graphgov.cli import cli
from graphgov.dataset.checks import read_and_check
from graphgov.dataset.generate import write_generated
from graphgov.errors import NotFoundError, OptionError
from graphgov.store import open_store

from conftest import ROOT, SAMPLE, write_dataset

SAMPLE_DATE = dt.date(2025, 12, 31)
CODES = {"month": "M", "quarter": "Q", "year": "Y"}
PER_YEAR = {"weekly": 52, "monthly": 12, "quarterly": 4, "half_yearly": 2, "yearly": 1}


# -- the indicators, computed again from the files with nothing but pandas ---------------------

def _read(folder, name):
    path = folder / f"{name}.csv"
    return pd.read_csv(path, dtype=str, keep_default_na=False) if path.exists() else pd.DataFrame()


def _day(df, col):
    return pd.to_datetime(df[col].replace("", None)) if col in df else pd.Series(pd.NaT, index=df.index)


def _label(ts: pd.Series, by: str) -> pd.Series:
    p = ts.dt.to_period(CODES[by])
    if by == "year":
        return p.map(lambda x: None if pd.isna(x) else str(x.year))
    if by == "quarter":
        return p.map(lambda x: None if pd.isna(x) else f"{x.year}-Q{x.quarter}")
    return p.map(lambda x: None if pd.isna(x) else f"{x.year}-{x.month:02d}")


def expected_trends(folder, by: str, as_of: dt.date, days: int = 7) -> pd.DataFrame:
    """The trends table as the definitions in docs/trends.md describe it (datasets whose every status is dated)."""
    cut = pd.Timestamp(as_of)
    needs = _read(folder, "needs")
    raised = _day(needs, "raised")
    steps = {c: _day(needs, f"{c}_on").where(lambda s: s <= cut) for c in ("dispatched", "accepted", "fulfilled",
                                                                             "closed")}
    first = pd.concat(steps.values(), axis=1).min(axis=1)
    periods = pd.period_range(raised.min().to_period(CODES[by]), cut.to_period(CODES[by]), freq=CODES[by])
    labels = _label(pd.Series([p.start_time for p in periods]), by)
    got = _label(raised, by)
    wait = (first - raised).dt.days

    def per(mask, lab=got):
        return lab[mask].value_counts().reindex(labels, fill_value=0).to_numpy()

    responded = wait.notna() & (wait <= days)
    judged = wait.notna() | (raised + pd.Timedelta(days=days) <= cut)
    fulfilled = steps["fulfilled"].notna()
    closed = steps["closed"].notna() & ~fulfilled
    rated = (needs["rating"] != "") & (fulfilled | steps["closed"].notna())
    good = rated & needs["rating"].isin(["satisfied", "basically_satisfied"])
    out = pd.DataFrame({"period": labels})
    out["received"] = per(raised.notna())
    for c in ("dispatched", "fulfilled", "closed"):
        out[c] = per(steps[c].notna(), _label(steps[c], by))
    with np.errstate(invalid="ignore", divide="ignore"):
        out["responded"] = per(responded)
        out["response_rate"] = out["responded"] / per(judged)
        out["resolved"] = per(fulfilled)
        out["resolution_rate"] = out["resolved"] / (out["received"] - per(closed))
        out["rated"] = per(rated)
        out["satisfied"] = per(good)
        out["satisfaction_rate"] = out["satisfied"] / out["rated"]
    for c, col in (("dispatched", "median_days_to_dispatch"), ("fulfilled", "median_days_to_fulfil")):
        took = (steps[c] - raised).dt.days
        out[col] = took.groupby(_label(steps[c], by)).median().reindex(labels).to_numpy()
    projects = _read(folder, "projects")
    # the sample heads these columns with their aliases start and end
    start = _day(projects, "start_date" if "start_date" in projects else "start")
    end = _day(projects, "end_date" if "end_date" in projects else "end")
    out["projects_started"] = per(start <= cut, _label(start, by))
    out["projects_completed"] = per((projects["status"] == "completed") & (end <= cut), _label(end, by))
    since = _day(_read(folder, "memberships"), "since")
    out["new_members"] = per(since <= cut, _label(since, by))
    signed = _day(_read(folder, "agreements"), "signed")
    out["new_agreements"] = per(signed <= cut, _label(signed, by))
    meetings = _read(folder, "meetings")
    held = _day(meetings, "held_on")
    known = labels.map(lambda lab: lab >= _label(pd.Series([held.min()]), by)[0])
    out["meetings_held"] = np.where(known, per(held <= cut, _label(held, by)), np.nan)
    committees = _read(folder, "committees")
    founded = since.groupby(_read(folder, "memberships")["committee_id"]).min()
    expected = np.zeros(len(periods))
    for cid, cadence in zip(committees["id"], committees["cadence"]):
        for i, p in enumerate(periods):
            a = max(p.start_time, founded.get(cid, p.start_time))
            b = min(p.end_time.normalize(), cut)
            if (b - a).days >= 0 and cadence in PER_YEAR:
                expected[i] += PER_YEAR[cadence] * ((b - a).days + 1) / (366 if p.start_time.is_leap_year else 365)
    out["meetings_expected"] = np.where(known, expected, np.nan)
    return out


COMPARED = [c for c in DEFINITIONS if c not in ("start", "end")]


def assert_same(got: pd.DataFrame, want: pd.DataFrame):
    assert list(got["period"]) == list(want["period"])
    for col in COMPARED[1:]:
        a = pd.to_numeric(got[col], errors="coerce").to_numpy(dtype=float)
        b = want[col].to_numpy(dtype=float)
        tol = 0.051 if col == "meetings_expected" else 1e-9  # the table rounds expected meetings to 0.1
        assert np.allclose(a, b, equal_nan=True, atol=tol), f"{col}: {a} != {b}"


@pytest.fixture(scope="module")
def district(tmp_path_factory):
    folder = tmp_path_factory.mktemp("district") / "d"
    write_generated("district", 3, folder)
    return folder, read_and_check(folder)


@pytest.mark.parametrize("by", ["year", "quarter", "month"])
def test_sample_trends_equal_pandas_from_the_csv_files(by):
    got = trends(read_and_check(SAMPLE), by=by)
    assert got.attrs["as_of"] == SAMPLE_DATE.isoformat()  # the sample states its date
    assert_same(got, expected_trends(SAMPLE, by, SAMPLE_DATE))
    assert got["received"].sum() == len(pd.read_csv(SAMPLE / "needs.csv"))


@pytest.mark.parametrize("by, days", [("year", 7), ("quarter", 3), ("month", 14)])
def test_generated_district_trends_equal_pandas(district, by, days):
    folder, ds = district
    as_of = dt.date(2025, 6, 30)
    got = trends(ds, by=by, response_days=days)
    assert got.attrs["as_of"] == as_of.isoformat()
    assert_same(got, expected_trends(folder, by, as_of, days))


def test_an_earlier_date_sees_nothing_after_it(district):
    folder, ds = district
    as_of = dt.date(2024, 12, 31)
    got = trends(ds, by="quarter", as_of=as_of)
    assert got["end"].iloc[-1] == as_of
    want = expected_trends(folder, "quarter", as_of)
    # needs raised later are gone; so are steps after the date (a need fulfilled in 2025 is not resolved)
    assert_same(got, want)


def test_sample_figures_in_the_docs_are_what_trends_gives():
    """docs/trends.md states the sample's yearly rates; they must be what the command computes."""
    doc = (ROOT / "docs" / "trends.md").read_text(encoding="utf-8")
    years = trends(read_and_check(SAMPLE), by="year").set_index("period")
    for year in ("2024", "2025"):
        row = years.loc[year]
        line = next(ln for ln in doc.splitlines() if ln.startswith(f"| {year} |"))
        cells = [c.strip() for c in line.strip("|").split("|")]
        assert cells[1:4] == [str(row["received"]), str(row["fulfilled"]), str(row["projects_started"])], line
        assert cells[4:7] == [f"{100 * row[c]:.1f}%" for c in ("response_rate", "resolution_rate",
                                                               "satisfaction_rate")], line


# -- small cases worked out by hand ------------------------------------------------------------

UNITS = [{"id": "U1", "name": "甲", "type": "government", "area_id": "A2"},
         {"id": "U2", "name": "乙", "type": "community", "area_id": "A3"},
         {"id": "U3", "name": "丙", "type": "hospital"}]
BASE = {
    "areas": [{"id": "A1", "name": "区", "level": "district"},
              {"id": "A2", "name": "街道", "level": "street", "parent_id": "A1"},
              {"id": "A3", "name": "社区", "level": "community", "parent_id": "A2"}],
    "committees": [{"id": "C1", "name": "街道委员会", "level": "street", "area_id": "A2", "cadence": "monthly"},
                   {"id": "C2", "name": "社区联盟", "level": "alliance", "area_id": "A3", "parent_id": "C1",
                    "cadence": "quarterly"}],
    "units": UNITS,
    "memberships": [{"unit_id": "U1", "committee_id": "C1", "since": "2024-01-01"},
                    {"unit_id": "U2", "committee_id": "C2", "since": "2024-07-01"},
                    {"unit_id": "U3", "committee_id": "C1", "since": "2025-02-01"}],
    "agreements": [{"unit_a": "U1", "unit_b": "U3", "kind": "co_building", "signed": "2025-03-01"}],
    "needs": [
        # answered the next day, fulfilled in 10 days, rated 5 (满意)
        {"id": "N1", "title": "甲", "category": "parking", "unit_id": "U1", "raised": "2025-01-10",
         "dispatched_on": "2025-01-11", "fulfilled_on": "2025-01-20", "rating": "5", "channel": "12345"},
        # answered after 20 days, closed: out of 解决率's base, rated 不满意
        {"id": "N2", "title": "乙", "category": "parking", "unit_id": "U2", "raised": "2025-01-15",
         "closed_on": "2025-02-04", "rating": "不满意", "channel": "走访"},
        # fulfilled, no date: counts as resolved, in no period's flow, not in the response base
        {"id": "N3", "title": "丙", "category": "health", "unit_id": "U3", "raised": "2025-02-01",
         "status": "fulfilled"},
        # open, raised 3 days before the reference date: not yet judged for 响应率
        {"id": "N4", "title": "丁", "category": "health", "unit_id": "U3", "raised": "2025-06-27", "status": "open"},
        # open for months: judged, not responded
        {"id": "N5", "title": "戊", "category": "health", "unit_id": "U2", "raised": "2025-03-01", "status": "open"},
    ],
    "projects": [{"id": "P1", "title": "项目", "lead_unit_id": "U1", "status": "completed",
                  "start_date": "2025-01-12", "end_date": "2025-04-30", "need_ids": "N1"}],
    "participations": [{"project_id": "P1", "unit_id": "U2"}],
    "meetings": [{"id": "M1", "committee_id": "C1", "held_on": "2025-01-20"},
                 {"id": "M2", "committee_id": "C1", "held_on": "2025-04-22"},
                 {"id": "M3", "committee_id": "C2", "held_on": "2025-03-25"}],
    "meta": [{"as_of": "2025-06-30", "title": "测试"}],
}


@pytest.fixture
def small(tmp_path):
    return read_and_check(write_dataset(tmp_path / "small", BASE))


def test_small_dataset_by_hand(small):
    row = trends(small, by="year").iloc[0]
    assert (row["period"], row["start"], row["end"]) == ("2025", dt.date(2025, 1, 1), dt.date(2025, 6, 30))
    assert (row["received"], row["dispatched"], row["fulfilled"], row["closed"]) == (5, 1, 1, 1)
    # 响应率: N1 in time; N2 late; N5 never; N3 undated, N4 not yet due: left out → 1/3
    assert (row["responded"], row["response_rate"]) == (1, pytest.approx(1 / 3))
    # 解决率: N1 and N3 resolved of 5 − 1 closed → 2/4
    assert (row["resolved"], row["resolution_rate"]) == (2, pytest.approx(0.5))
    # 满意率: N1 (5 → 满意) of N1, N2 rated
    assert (row["rated"], row["satisfied"], row["satisfaction_rate"]) == (2, 1, pytest.approx(0.5))
    assert (row["median_days_to_dispatch"], row["median_days_to_fulfil"]) == (1, 10)
    assert (row["projects_started"], row["projects_completed"], row["new_members"], row["new_agreements"]) == (1, 1, 1, 1)
    # C1 monthly (from 2024-01-01) 181 days of 2025: 12·181/365; C2 quarterly: 4·181/365
    assert row["meetings_held"] == 3
    assert row["meetings_expected"] == pytest.approx(round(16 * 181 / 365, 1))


def test_scope_channel_and_since(small):
    c2 = trends(small, by="year", committee="C2").iloc[0]  # U2 only: N2, N5; P1 joined; C2's meeting
    assert (c2["received"], c2["closed"], c2["projects_started"], c2["meetings_held"]) == (2, 1, 1, 1)
    assert c2["new_agreements"] == 0 and c2["new_members"] == 0  # U2 joined C2 in 2024
    area = trends(small, by="year", area="A3").iloc[0]  # units located in A3 (U2) and members of C2 (U2)
    assert area["received"] == 2
    hotline = trends(small, by="year", channel="hotline").iloc[0]
    assert (hotline["received"], hotline["responded"]) == (1, 1)
    monthly = trends(small, by="month", since="2024-11-15")
    assert list(monthly["period"][:2]) == ["2024-11", "2024-12"] and len(monthly) == 8
    assert monthly.set_index("period").loc["2025-01", "received"] == 2


def test_reference_date_default_and_override(small):
    assert trends(small).attrs["as_of"] == "2025-06-30"
    early = trends(small, as_of="2025-01-31").iloc[0]
    # on 2025-01-31: N1 and N2 raised; N2 not yet closed (closed in February)
    assert (early["received"], early["closed"], early["resolved"]) == (2, 0, 1)
    no_date = {k: v for k, v in small.tables.items() if k != "meta"}
    assert trends(no_date, today=dt.date(2025, 7, 15)).attrs["as_of"] == "2025-07-15"


def test_errors(small):
    with pytest.raises(OptionError, match="unknown period 'week'"):
        trends(small, by="week")
    with pytest.raises(OptionError, match="after the reference date"):
        trends(small, since="2026-01-01")
    with pytest.raises(OptionError, match="bad date"):
        trends(small, as_of="30.06.2025")
    with pytest.raises(NotFoundError, match="C9"):
        trends(small, committee="C9")


def test_year_over_year_pivot():
    df = pd.DataFrame({"period": ["2024-01", "2024-02", "2025-01"], "received": [1, 2, 3]})
    wide = year_over_year(df, "received")
    assert list(wide.columns) == ["within", "2024", "2025"]
    assert wide["within"].tolist() == ["01", "02"] and wide["2024"].tolist() == [1, 2]
    assert wide["2025"].iloc[0] == 3 and pd.isna(wide["2025"].iloc[1])


# -- the command -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sample_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("trends") / "s.lbdb"
    with open_store(path) as store:
        store.load(read_and_check(SAMPLE))
    return path


def test_cli_table_shows_rates_and_definitions(sample_path):
    result = CliRunner().invoke(cli, ["trends", "--store", str(sample_path)])
    assert result.exit_code == 0, result.output
    years = trends(read_and_check(SAMPLE), by="year").set_index("period")
    line = next(ln for ln in result.output.splitlines() if ln.startswith("解决率"))
    assert line.split()[-1] == f"{100 * years.loc['2025', 'resolution_rate']:.1f}%"
    assert "as of 2025-12-31" in result.output
    for col, (zh, text) in DEFINITIONS.items():
        if col not in ("period", "start", "end"):
            assert f"{zh} {col}: {text}" in result.output


def test_cli_json_csv_xlsx(sample_path, tmp_path):
    runner = CliRunner()
    result = runner.invoke(cli, ["trends", "--store", str(sample_path), "--by", "quarter", "--format", "json",
                                 "--committee", "C07"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["as_of"] == "2025-12-31" and doc["by"] == "quarter" and "C07" in doc["scope"]
    assert {d["column"] for d in doc["definitions"]} == set(DEFINITIONS)
    assert doc["periods"][0]["period"].endswith(("Q1", "Q2", "Q3", "Q4"))
    out = tmp_path / "t.csv"
    result = runner.invoke(cli, ["trends", "--store", str(sample_path), "--format", "csv", "--out", str(out)])
    assert result.exit_code == 0 and "docs/trends.md" in result.output
    assert list(pd.read_csv(out, encoding="utf-8-sig")["period"].astype(str)) == ["2023", "2024", "2025"]
    book = tmp_path / "t.xlsx"
    result = runner.invoke(cli, ["trends", "--store", str(sample_path), "--by", "month", "--format", "xlsx", "--out",
                                 str(book), "--as-of", "2025-06-30"])
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == ["关于", "趋势 trends", "指标说明 definitions"]  # the first sheet says what, when, from where
    assert wb["趋势 trends"].cell(wb["趋势 trends"].max_row, 1).value == "2025-06"


@pytest.mark.parametrize("args, message", [
    (["--by", "week"], "week"), (["--channel", "微信"], "is not a channel"), (["--as-of", "2025/13/01"], "not a date"),
    (["--response-days", "-1"], "-1"), (["--as-of", "2025-01-01", "--date", "2025-02-02"], "two different dates"),
])
def test_cli_bad_options_exit_2(sample_path, args, message):
    result = CliRunner().invoke(cli, ["trends", "--store", str(sample_path), *args])
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_cli_unknown_committee_exits_1(sample_path):
    result = CliRunner().invoke(cli, ["trends", "--store", str(sample_path), "--committee", "C99"])
    assert result.exit_code == 1 and "C99" in result.output


def test_docs_define_every_column():
    doc = (ROOT / "docs" / "trends.md").read_text(encoding="utf-8")
    for col, (zh, text) in DEFINITIONS.items():
        assert f"| `{col}` | {zh} | {text} |" in doc, col
    assert re.search(r"响应率.*解决率.*满意率", doc, re.S)
