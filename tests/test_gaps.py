"""Coordination gaps: the planted dataset's known answers, each rule on a small case, the
sample's deliberate gaps, and the ``graphgov gaps`` command in every format."""
from __future__ import annotations

import datetime as dt
import json
import re

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from conftest import load_tables, shared_scope
from graphgov.cli import cli
from graphgov.errors import OptionError
from graphgov.analysis.gaps import COLUMNS, KINDS, find_gaps
from planted import AS_OF, EDUCATION, TRANSPORT, planted_tables


@pytest.fixture(scope=shared_scope)
def planted(tmp_path_factory):
    store = load_tables(tmp_path_factory.mktemp("planted"), planted_tables())
    yield store
    store.close()


@pytest.fixture(scope=shared_scope)
def found(planted):
    return find_gaps(planted, as_of=AS_OF)


def of_kind(df, kind):
    return df[df["kind"] == kind]


def test_every_finding_has_the_fields(found):
    assert list(found.columns) == COLUMNS
    # every kind but bridge: B joins the sectors as a unit on both committees, never by one tie
    # (tests/test_bridges.py has the networks with bridges)
    assert set(found["kind"]) == set(KINDS) - {"bridge"}
    for row in found.itertuples():
        assert row.severity in ("high", "medium", "low")
        assert isinstance(row.evidence, dict) and row.evidence
        assert row.subject and row.message and row.suggestion
        assert len(row.subject_ids) == len(row.subject_names)
    order = found["severity"].map({"high": 0, "medium": 1, "low": 2})
    assert order.is_monotonic_increasing


def test_paper_members_are_inactive_and_one_project_is_enough(planted, make_store):
    df = of_kind(find_gaps(make_store(planted_tables(), name="planted"), as_of=AS_OF), "inactive_member")
    assert sorted(df["subject_id"]) == ["P1", "P2"]  # A1 takes part in one project: not inactive
    p1 = df.set_index("subject_id").loc["P1"]
    assert p1["subject_names"] == ["站前旅业公司"]
    assert p1["evidence"]["projects"] == p1["evidence"]["agreements"] == 0
    assert p1["evidence"]["committees"] == ["站前交通党建协调委员会（C1）"]
    assert p1["evidence"]["days_as_member"] == (dt.date(2025, 12, 31) - dt.date(2022, 1, 1)).days


def test_the_bridge_is_the_single_broker(found):
    df = of_kind(found, "single_broker")
    assert list(df["subject_id"]) == ["B"]
    ev = df.iloc[0]["evidence"]
    assert ev["stranded_units"] == len(EDUCATION)  # the smaller side falls away
    assert ev["stranded_open_needs"] == 1  # E1's legal need
    assert sorted(ev["cut_off"]) == EDUCATION
    assert df.iloc[0]["severity"] == "high"


def test_category_without_resources_is_a_supply_gap(found):
    df = of_kind(found, "supply_gap").set_index("subject_id")
    assert "legal" in df.index
    ev = df.loc["legal", "evidence"]
    assert (ev["open_needs"], ev["resources"], ev["ratio"]) == (2, 0, None)
    assert sorted(ev["needs"]) == ["N2", "N3"]
    assert df.loc["legal", "severity"] == "high"
    assert not any(i.startswith(("transport", "education")) for i in df.index)  # supplied


def test_unmet_needs_with_their_age(found):
    df = of_kind(found, "unmet_need").set_index("subject_id")
    assert sorted(df.index) == ["N2", "N3"]  # N1 has a project; N4 is young with supply in reach
    assert df.loc["N2", "evidence"]["age_days"] == 364
    assert df.loc["N2", "evidence"]["reachable_resources"] == 0
    assert df.loc["N2", "severity"] == "high"  # urgent, nobody can serve it
    assert df.loc["N3", "severity"] == "medium"


@pytest.mark.parametrize("status", ["dispatched", "accepted", "partial"])
def test_a_need_dispatched_in_the_imported_list_is_not_unmet(make_store, status):
    """The list's own status counts: no finding may say "no dispatch" about a need marked dispatched."""
    tables = planted_tables()
    for need in tables["needs"]:
        if need["id"] == "N2":
            need["status"] = status
    df = find_gaps(make_store(tables, name=f"imported-{status}"), as_of=AS_OF)
    assert "N2" not in set(of_kind(df, "unmet_need")["subject_id"])
    assert not df["message"].str.contains("N2").any()
    assert "N3" in set(of_kind(df, "unmet_need")["subject_id"])  # still open, still unmet


def test_as_of_makes_results_reproducible(planted):
    later = of_kind(find_gaps(planted, as_of="2026-06-30", kinds="unmet_need"), "unmet_need").set_index("subject_id")
    assert later.loc["N2", "evidence"]["age_days"] == 364 + 181
    assert "N4" in later.index  # now older than the 90 stale days
    assert later.loc["N4", "evidence"]["reachable_resources"] == 1
    assert later.loc["N3", "severity"] == "high"  # more than a year old


def test_idle_committee(found):
    df = of_kind(found, "idle_committee").set_index("subject_id")
    assert list(df.index) == ["C2"]
    ev = df.loc["C2", "evidence"]
    assert (ev["member_projects"], ev["cadence"], ev["expected_meetings"], ev["meetings"]) == (0, "quarterly", 4, 1)
    assert df.loc["C2", "severity"] == "high"


def test_suggested_tie_pairs_need_and_resource(found):
    df = of_kind(found, "suggested_tie")
    assert list(df["subject_id"]) == ["T4;E3"]
    ev = df.iloc[0]["evidence"]
    assert ev["needs"] == ["N4"] and ev["resources"] == ["R2"]


def test_sectors_joined_through_one_unit(found):
    df = of_kind(found, "silo")
    pairs = df[df["subject_type"] == "group_pair:sector"]
    assert list(pairs["subject_ids"]) == [["交通", "教育", "B"]]
    assert pairs.iloc[0]["evidence"]["ties_through_unit"] == len(TRANSPORT) + len(EDUCATION)
    ei = df[df["subject_type"] == "group:sector"].set_index("subject_id")
    # transport: 7 units, 21 ties inside, 7 ties to B → E-I = (7 - 21) / 28
    assert ei.loc["交通", "evidence"]["ei_index"] == pytest.approx(-0.5)


def test_kinds_and_scope(planted):
    only = find_gaps(planted, as_of=AS_OF, kinds=["supply_gap", "idle_committee"])
    assert set(only["kind"]) == {"supply_gap", "idle_committee"}
    c1 = find_gaps(planted, as_of=AS_OF, committee="C1", kinds="inactive_member,idle_committee,single_broker")
    assert sorted(c1["subject_id"]) == ["P1", "P2"]  # C1 is not idle; B is no bridge inside C1
    with pytest.raises(OptionError, match="unknown gap kind"):
        find_gaps(planted, kinds="gossip")
    with pytest.raises(OptionError, match="bad date"):
        find_gaps(planted, as_of="31.12.2025")


def test_supply_gap_is_named_by_the_smallest_area_holding_it(make_store):
    tables = planted_tables()
    tables["areas"].append({"id": "G1", "name": "一号网格", "level": "grid", "parent_id": "S1"})
    tables["needs"] += [
        {"id": f"NP{i}", "title": f"停车需求{i}", "category": "parking", "unit_id": "T1", "area_id": "G1",
         "raised": "2025-10-01", "status": "open"} for i in range(4)]
    tables["resources"].append({"id": "RP", "title": "错时停车位", "category": "parking", "unit_id": "T3",
                                "area_id": "G1", "capacity": 10})
    df = of_kind(find_gaps(make_store(tables, name="parking"), as_of=AS_OF, kinds="supply_gap"), "supply_gap")
    parking = df[df["subject_id"].str.startswith("parking")].set_index("subject_id")
    # 4 needs and 1 resource in G1, and nothing else anywhere: the grid names the gap
    assert list(parking.index) == ["parking", "parking@G1"]
    assert parking.loc["parking@G1", "evidence"]["ratio"] == pytest.approx(4.0)
    assert parking.loc["parking@G1", "subject_names"] == ["停车·一号网格"]


# -- a hand-worked roster: severities, lead-only units, what counts as reachable supply -------------------
# As of 2025-12-31, in one street S; every unit sits on K1, so all are in one component.
#   M1  on K1 since 2022-01-01, does nothing              1460 days, one committee   → medium
#   M2  on K1 since 2023-01-01 and K2 since 2024-06-01    1095 days, two committees  → high
#   M3  on K1 since 2025-12-01                              30 days (under 180)       → low
#   M4  on K1, no date                                     age unknown, one committee → medium
#   M5  on K1 since 2025-07-04                             180 days exactly: not new  → medium
#   L1  only leads project PJ1 (no participation row)      active: not reported
#   S1  raises legal need NS (2025-12-01) and offers legal resource RS
#   T1  raises legal need NT (2025-12-01)
# NS: the only legal resource is S1's own, and a unit does not supply itself, so nothing is in
#     reach: NS is unmet though only 30 days old (no supply: medium; it is not urgent).
# NT: RS (another unit, same component) is in reach and NT is fresh: not a gap.
HAND_AS_OF = "2025-12-31"
HAND_INACTIVE = {"M1": ("medium", 1460), "M2": ("high", 1095), "M3": ("low", 30), "M4": ("medium", None),
                 "M5": ("medium", 180)}


def hand_tables() -> dict[str, list[dict]]:
    since = {"M1": "2022-01-01", "M2": "2023-01-01", "M3": "2025-12-01", "M4": None, "M5": "2025-07-04",
             "L1": "2022-01-01", "S1": "2022-01-01", "T1": "2022-01-01"}
    members = [{"unit_id": u, "committee_id": "K1", "role": "成员单位", **({"since": d} if d else {})}
               for u, d in since.items()]
    members.append({"unit_id": "M2", "committee_id": "K2", "role": "成员单位", "since": "2024-06-01"})
    return {
        "areas": [{"id": "D", "name": "示范区", "level": "district"},
                  {"id": "S", "name": "东街道", "level": "street", "parent_id": "D"}],
        "committees": [{"id": "K1", "name": "东街道党建协调委员会", "level": "street", "area_id": "S"},
                       {"id": "K2", "name": "东街道教育联盟", "level": "alliance", "area_id": "S"}],
        "units": [{"id": u, "name": f"单位{u}", "type": "private_enterprise", "area_id": "S"} for u in since],
        "memberships": members,
        "needs": [{"id": "NS", "title": "劳动合同咨询", "category": "legal", "unit_id": "S1", "raised": "2025-12-01",
                   "urgency": "medium", "status": "open"},
                  {"id": "NT", "title": "法律讲座", "category": "legal", "unit_id": "T1", "raised": "2025-12-01",
                   "urgency": "medium", "status": "open"}],
        "resources": [{"id": "RS", "title": "法律顾问", "category": "legal", "unit_id": "S1", "capacity": 2}],
        "projects": [{"id": "PJ1", "title": "社区文化节", "category": "culture", "lead_unit_id": "L1",
                      "status": "active"}],
    }


@pytest.fixture(scope=shared_scope)
def hand_found(tmp_path_factory):
    store = load_tables(tmp_path_factory.mktemp("hand"), hand_tables())
    try:
        yield find_gaps(store, as_of=HAND_AS_OF, kinds="inactive_member,unmet_need")
    finally:
        store.close()


def test_inactive_members_severity_by_age_and_committees(hand_found):
    df = of_kind(hand_found, "inactive_member").set_index("subject_id")
    assert sorted(df.index) == sorted(HAND_INACTIVE)  # L1, S1 and T1 are active
    for uid, (severity, days) in HAND_INACTIVE.items():
        assert (df.loc[uid, "severity"], df.loc[uid, "evidence"]["days_as_member"]) == (severity, days), uid
    assert df.loc["M2", "evidence"]["committees"] == ["东街道党建协调委员会（K1）", "东街道教育联盟（K2）"]


def test_a_unit_that_only_leads_a_project_is_active(hand_found):
    assert "L1" not in set(of_kind(hand_found, "inactive_member")["subject_id"])


def test_a_need_is_not_served_by_its_own_unit(hand_found):
    df = of_kind(hand_found, "unmet_need").set_index("subject_id")
    assert list(df.index) == ["NS"]  # NT has RS in reach and is fresh
    ev = df.loc["NS", "evidence"]
    assert (ev["reachable_resources"], ev["reachable_examples"], ev["resources_in_category"]) == (0, [], 1)
    assert (ev["age_days"], df.loc["NS", "severity"]) == (30, "medium")


# -- the command ---------------------------------------------------------------------------------------
def run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_cli_text(planted):
    result = run("gaps", "--store", str(planted.path), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert "单点依赖" in result.output and "东风街道办事处" in result.output and "建议" in result.output


def test_cli_json(planted):
    result = run("gaps", "--store", str(planted.path), "--as-of", AS_OF, "--format", "json", "--severity", "high")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)  # how stable the communities are goes to stderr
    assert rows and all(r["severity"] == "high" for r in rows)
    assert "Leiden runs" in result.stderr
    for key in ("kind", "subject", "severity", "evidence", "suggestion"):
        assert key in rows[0]
    broker = next(r for r in rows if r["kind"] == "single_broker")
    assert broker["subject_ids"] == ["B"] and broker["evidence"]["stranded_units"] == 4


def test_cli_csv_round_trips(planted, tmp_path):
    out = tmp_path / "gaps.csv"
    result = run("gaps", "--store", str(planted.path), "--as-of", AS_OF, "--format", "csv", "--out", str(out),
                 "--kind", "inactive_member,unmet_need")
    assert result.exit_code == 0, result.output
    df = pd.read_csv(out, encoding="utf-8-sig")
    assert sorted(df["subject_id"]) == ["N2", "N3", "P1", "P2"]
    evidence = json.loads(df.set_index("subject_id").loc["N2", "evidence"])
    assert evidence["age_days"] == 364


def test_cli_xlsx(planted, tmp_path):
    out = tmp_path / "gaps.xlsx"
    result = run("gaps", "--store", str(planted.path), "--as-of", AS_OF, "--format", "xlsx", "--out", str(out),
                 "--top", "3")
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["关于", "薄弱环节"]
    ws = book["薄弱环节"]
    assert [c.value for c in ws[1]][:3] == ["严重程度", "类别", "对象"] and ws.max_row == 4


@pytest.mark.parametrize("args, message", [
    (["--kind", "gossip"], "unknown gap kind 'gossip'; choose from inactive_member, unmet_need"),
    (["--as-of", "2025/12/31"], "Invalid value for '--as-of': '2025/12/31'"),
    (["--layers", "friendship"], "unknown layer 'friendship'; choose from committee, project, agreement, party"),
    (["--severity", "urgent"], "Invalid value for '--severity': 'urgent' is not one of 'high', 'medium', 'low'"),
    (["--format", "yaml"], "Invalid value for '--format': 'yaml' is not one of"),
])
def test_cli_bad_options_exit_2(planted, args, message):
    result = CliRunner().invoke(cli, ["gaps", "--store", str(planted.path), *args])
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output


# -- in English (--lang en): graphgov's sentences in English, the data's names as they are -----------------
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def _graphgov_words(df: pd.DataFrame, tables: dict, columns=("message", "suggestion", "subject")) -> list[str]:
    """The messages and suggestions with every name the data gives taken out: what graphgov wrote."""
    names = {str(v) for t, cols in (("units", ["name", "sector"]), ("committees", ["name"]), ("areas", ["name"]),
                                    ("needs", ["title"]), ("resources", ["title"]))
             for c in cols for v in pd.DataFrame(tables[t]).get(c, pd.Series(dtype=object)).dropna()}
    texts = [t for c in columns for t in df[c]]
    for name in sorted(names, key=len, reverse=True):
        texts = [t.replace(name, "") for t in texts]
    return texts


def test_english_findings_are_english_but_for_the_names(planted):
    """Worked by hand from planted.py: the same findings, each sentence in English."""
    en = find_gaps(planted, as_of=AS_OF, lang="en")
    zh = find_gaps(planted, as_of=AS_OF)
    assert list(en["subject_id"]) == list(zh["subject_id"]) and list(en["evidence"]) == list(zh["evidence"])
    by = en.set_index(["kind", "subject_id"])
    assert by.loc[("unmet_need", "N2"), "message"] == (
        "北京铁路站务段 raised “职工劳动合同咨询” (legal) 364 days ago; no project addresses it and no dispatch "
        "serves it; no resource of its category is within reach in the network.")
    assert by.loc[("supply_gap", "legal"), "message"] == "legal in the whole scope: 2 open needs and no resource at all."
    assert by.loc[("single_broker", "B"), "message"] == (
        "Without 东风街道办事处 the network falls into 2 pieces, and 4 units (第一中学, 第二小学, 师范大学, "
        "交通职业学院) lose touch with the main body, with 1 open need among them.")
    assert by.loc[("idle_committee", "C2"), "message"] == (
        "学院路教育党建联盟: none of its 5 member units takes part in any project; its cadence is quarterly, so it "
        "should meet 4 times a year, but it met only 1 time.")
    # P1 joined C1 on 2022-01-01: 1,460 days before 2025-12-31
    assert by.loc[("inactive_member", "P1"), "message"] == (
        "站前旅业公司 is a member of 站前交通党建协调委员会 (1460 days) but takes part in no project, has no "
        "co-building agreement, and has raised no need and offered no resource.")
    assert by.loc[("silo", "交通"), "message"] == (
        "The sector group “交通”: 7 units with 21 ties among them and only 7 outside (E-I index -0.50).")
    assert by.loc[("suggested_tie", "T4;E3"), "subject"] == "出租汽车公司 (T4); 师范大学 (E3)"
    assert [t for t in _graphgov_words(en, planted_tables()) if CJK.search(t)] == []
    # Chinese stays the default, written by graphgov around the same names
    assert all(CJK.search(t) for t in _graphgov_words(zh, planted_tables(), ("message", "suggestion")))


def test_cli_gaps_lang_en_in_the_terminal_and_json(planted):
    text = run("gaps", "--store", str(planted.path), "--as-of", AS_OF, "--lang", "en")
    assert text.exit_code == 0, text.output
    assert "suggestion: Pair 出租汽车公司 with 师范大学: dispatch these needs first" in text.output
    assert "建议" not in text.output and "没有" not in text.output
    rows = json.loads(run("gaps", "--store", str(planted.path), "--as-of", AS_OF, "--lang", "en", "--format",
                          "json").stdout)
    assert next(r for r in rows if r["subject_id"] == "legal")["suggestion"] == (
        "Recruit co-building units with resources of the category legal, or ask the committee above to reallocate.")


def test_find_gaps_refuses_an_unknown_language(planted):
    with pytest.raises(OptionError, match="unknown language 'fr'; choose from zh, en"):
        find_gaps(planted, as_of=AS_OF, lang="fr")


def test_sample_findings_in_english_name_only_the_data_in_chinese(sample_store):
    tables = {k: v.to_dict("records") for k, v in sample_store.read_tables().items()}
    en = find_gaps(sample_store, as_of="2025-12-31", lang="en")
    assert len(en) == len(find_gaps(sample_store, as_of="2025-12-31"))
    assert [t for t in _graphgov_words(en, tables) if CJK.search(t)] == []


# -- the sample's deliberate gaps (data/sample/README.md) -------------------------------------------------
@pytest.fixture(scope=shared_scope)
def sample_gaps(sample_store):
    return find_gaps(sample_store, as_of="2025-12-31")


def test_sample_paper_members(sample_gaps):
    assert set(of_kind(sample_gaps, "inactive_member")["subject_id"]) == {
        "U031", "U061", "U083", "U093", "U094", "U185", "U190"}


def test_sample_supply_gaps(sample_gaps):
    df = of_kind(sample_gaps, "supply_gap").set_index("subject_id")
    legal = df.loc["legal", "evidence"]
    assert (legal["open_needs"], legal["resources"]) == (7, 0)
    parking = df.loc["parking@BJ-ST-CY", "evidence"]
    assert (parking["open_needs"], parking["resources"]) == (8, 1)
    assert sorted(parking["needs"]) == [f"N000{i}" for i in range(1, 9)]
    maternal = df.loc["maternal_child@BJ", "evidence"]
    assert (maternal["open_needs"], maternal["resources"]) == (4, 0)


def test_sample_old_needs(sample_gaps):
    df = of_kind(sample_gaps, "unmet_need").set_index("subject_id")
    for need in ("N0017", "N0018", "N0019", "N0020", "N0021", "N0022"):
        assert df.loc[need, "evidence"]["age_days"] > 365
        assert df.loc[need, "severity"] == "high"
    for need in ("N0023", "N0024", "N0025", "N0026"):  # maternal-child: the only supplier is in Fuzhou
        assert df.loc[need, "evidence"]["reachable_resources"] == 0


def test_sample_dispatched_needs_are_not_reported_unmet(sample_gaps, sample_store):
    needs = sample_store.read_tables(names=["needs"])["needs"]
    dispatched = set(needs.loc[needs["status"] == "dispatched", "id"])
    assert "N0099" in dispatched
    assert not dispatched & set(of_kind(sample_gaps, "unmet_need")["subject_id"])


def test_sample_single_broker_and_committees(sample_gaps):
    brokers = of_kind(sample_gaps, "single_broker").set_index("subject_id")
    assert "U009" in brokers.index and brokers.loc["U009", "severity"] == "high"
    idle = of_kind(sample_gaps, "idle_committee").set_index("subject_id")
    assert set(idle.index) == {"C06", "C13"}
    assert idle.loc["C13", "evidence"]["member_projects"] == 0
    assert (idle.loc["C06", "evidence"]["meetings"], idle.loc["C06", "evidence"]["expected_meetings"]) == (3, 12)


# -- a generated district (graphgov generate) with what the generator built in ---------------------------
def test_generated_district_paper_members_and_shortage():
    from graphgov.dataset.generate import REFERENCE_DATE, generate_with_truth

    tables, truth = generate_with_truth("district", seed=0)
    df = find_gaps(tables, as_of=str(REFERENCE_DATE), kinds="inactive_member,supply_gap")
    ag = tables["agreements"]
    with_agreement = set(ag["unit_a"]) | set(ag["unit_b"])
    # paper members never raise, offer or join anything; those that signed an agreement are not inactive
    expected = set(truth.paper_units) - with_agreement
    assert expected and set(of_kind(df, "inactive_member")["subject_id"]) == expected
    gaps_at = {(ev["area"], ev["category"]) for ev in of_kind(df, "supply_gap")["evidence"]}
    assert set(truth.shortages) <= gaps_at


# -- every field of a finding, worked by hand (mutation testing, issue 18) ------------------------------
# The rules' messages, suggestions, scores and evidence are what a planner reads and sorts by; each
# record below is written out from the rule's definition and the data, not read from the code's output.

def test_inactive_member_records_in_full(hand_found):
    df = of_kind(hand_found, "inactive_member").set_index("subject_id")
    m2 = df.loc["M2"]
    assert (m2["subject_type"], m2["subject"], m2["subject_names"]) == ("Unit", "单位M2（M2）", ["单位M2"])
    assert m2["message"] == ("单位M2是东街道党建协调委员会、东街道教育联盟的成员单位（1095天），"
                             "但没有参与任何项目，没有共建协议，也没有提出需求或提供资源。")
    assert m2["suggestion"] == ("请该单位在下次例会上认领一项需求或登记一项可提供的资源；"
                                "长期没有参与的，可由委员会研究是否调整成员名单。")
    assert m2["evidence"] == {"committees": ["东街道党建协调委员会（K1）", "东街道教育联盟（K2）"], "projects": 0,
                              "agreements": 0, "needs": 0, "resources": 0, "member_since": "2023-01-01",
                              "days_as_member": 1095}
    assert m2["score"] == pytest.approx(2 + 1095 / 365)  # committees + years as a member
    m4 = df.loc["M4"]  # no date: no age in the message, the committees alone score
    assert m4["message"] == ("单位M4是东街道党建协调委员会的成员单位，"
                             "但没有参与任何项目，没有共建协议，也没有提出需求或提供资源。")
    assert (m4["evidence"]["member_since"], m4["evidence"]["days_as_member"], m4["score"]) == (None, None, 1.0)
    assert df.loc["M3", "score"] == pytest.approx(1 + 30 / 365)


def test_unmet_need_records_in_full(hand_found, planted):
    ns = of_kind(hand_found, "unmet_need").set_index("subject_id").loc["NS"]
    assert (ns["subject_type"], ns["subject"]) == ("Need", "劳动合同咨询（NS）")
    assert ns["message"] == "单位S1提出的「劳动合同咨询」（法律服务）已30天，没有项目对接，也没有派单；网络内没有能够到达的同类资源。"
    assert ns["suggestion"] == "在法律服务方面引入新的共建单位或资源；或请上级委员会协调跨区域资源。"
    assert ns["evidence"] == {"need": "NS", "title": "劳动合同咨询", "unit": "单位S1（S1）", "category": "legal",
                              "raised": "2025-12-01", "age_days": 30, "status": "open", "urgency": "medium",
                              "projects": 0, "active_dispatches": 0, "resources_in_category": 1,
                              "reachable_resources": 0, "reachable_examples": []}
    assert ns["score"] == pytest.approx(30 / 30 + 1.0 + 3)  # months old + medium urgency + nothing in reach
    # planted, half a year on: N4 (raised 2025-11-20, 222 days by 2026-06-30) has R2 in reach but is stale
    later = of_kind(find_gaps(planted, as_of="2026-06-30", kinds="unmet_need"), "unmet_need").set_index("subject_id")
    n4 = later.loc["N4"]
    assert n4["message"] == ("出租汽车公司提出的「驾驶员服务礼仪培训」（教育培训）已222天，没有项目对接，也没有派单；"
                             "网络内有1项同类资源可以对接。")
    assert n4["suggestion"] == "尽快派单给同类资源（如R2），或立项对接。"
    assert (n4["severity"], n4["score"]) == ("medium", pytest.approx(222 / 30 + 1.0))  # 180 days or more
    assert (n4["evidence"]["reachable_examples"], n4["evidence"]["resources_in_category"]) == (["R2"], 1)
    # N2: urgent, nothing in reach, 545 days: high, and its score counts the urgency twice
    assert later.loc["N2", "score"] == pytest.approx(545 / 30 + 2.0 + 3)


def _dataset(tmp_path, tables):
    from conftest import write_dataset
    from graphgov.dataset.checks import read_and_check

    return read_and_check(write_dataset(tmp_path / "data", tables))


def idle_tables() -> dict[str, list[dict]]:
    """Five committees in one street, worked by hand (expected meetings a year: monthly 12, weekly 52, yearly 1):
    Q1 monthly, met 6 (half: not below half), a joint project of its two members → medium, score 6/12
    Q2 monthly, met 5 (below half), its one member leads a project alone        → high, score 7/12
    Q3 no cadence, two members in no project                                      → medium, score 1
    Q4 weekly, met 52, its member in a project                                    → not idle
    Q5 yearly, meetings not given, one member in no project                       → medium, score 1
    Q6 no members                                                                  → medium, score 1
    """
    return {
        "areas": [{"id": "S", "name": "东街道", "level": "street"}],
        "committees": [
            {"id": "Q1", "name": "一号委员会", "level": "street", "area_id": "S", "cadence": "monthly", "meetings": 6},
            {"id": "Q2", "name": "二号委员会", "level": "street", "area_id": "S", "cadence": "monthly", "meetings": 5},
            {"id": "Q3", "name": "三号委员会", "level": "street", "area_id": "S"},
            {"id": "Q4", "name": "四号委员会", "level": "street", "area_id": "S", "cadence": "weekly", "meetings": 52},
            {"id": "Q5", "name": "五号委员会", "level": "street", "area_id": "S", "cadence": "yearly"},
            {"id": "Q6", "name": "六号委员会", "level": "street", "area_id": "S"},
        ],
        "units": [{"id": f"U{i}", "name": f"单位{i}", "type": "government", "area_id": "S"} for i in range(1, 7)],
        "memberships": [{"unit_id": u, "committee_id": c} for u, c in
                        [("U1", "Q1"), ("U2", "Q1"), ("U3", "Q2"), ("U4", "Q3"), ("U5", "Q3"), ("U1", "Q4"),
                         ("U6", "Q5")]],
        "projects": [{"id": "PA", "title": "联合巡查", "category": "safety", "lead_unit_id": "U1", "status": "active"},
                     {"id": "PB", "title": "读书会", "category": "culture", "lead_unit_id": "U3", "status": "active"}],
        "participations": [{"project_id": "PA", "unit_id": "U2"}],
    }


def test_idle_committees_worked_by_hand(tmp_path):
    df = of_kind(find_gaps(_dataset(tmp_path, idle_tables()), as_of="2025-12-31", kinds="idle_committee"),
                 "idle_committee").set_index("subject_id")
    assert sorted(df.index) == ["Q1", "Q2", "Q3", "Q5", "Q6"]
    assert (df.loc["Q6", "message"], df.loc["Q6", "evidence"]["members"]) == ("六号委员会：0个成员单位都没有参与任何项目。", 0)
    q1, q2, q3, q5 = (df.loc[q] for q in ("Q1", "Q2", "Q3", "Q5"))
    assert (q1["subject_type"], q1["subject"]) == ("Committee", "一号委员会（Q1）")
    assert q1["message"] == "一号委员会：按每月例会一年应开12次，实际只开了6次。"
    assert q1["suggestion"] == "按例会制度恢复碰头，并从成员单位的需求和资源清单中选一两个项目先做起来。"
    assert q1["evidence"] == {"members": 2, "member_projects": 1, "joint_projects": 1, "cadence": "monthly",
                              "expected_meetings": 12, "meetings": 6}
    assert (q1["severity"], q1["score"]) == ("medium", pytest.approx(6 / 12))
    assert q2["evidence"] == {"members": 1, "member_projects": 1, "joint_projects": 0, "cadence": "monthly",
                              "expected_meetings": 12, "meetings": 5}
    assert (q2["severity"], q2["score"]) == ("high", pytest.approx(7 / 12))
    assert q3["message"] == "三号委员会：2个成员单位都没有参与任何项目。"
    assert q3["evidence"] == {"members": 2, "member_projects": 0, "joint_projects": 0, "cadence": None,
                              "expected_meetings": None, "meetings": None}
    assert (q3["severity"], q3["score"]) == ("medium", 1.0)
    assert q5["message"] == "五号委员会：1个成员单位都没有参与任何项目。"
    assert (q5["evidence"]["expected_meetings"], q5["evidence"]["meetings"], q5["severity"]) == (1, None, "medium")
    only = find_gaps(_dataset(tmp_path / "c", idle_tables()), as_of="2025-12-31", kinds="idle_committee",
                     committee="Q2")
    assert list(only["subject_id"]) == ["Q2"]  # the committees in scope only


def supply_tables() -> dict[str, list[dict]]:
    """District D with streets S1 (holding grid G1) and S2, worked by hand (min_needs 2):
    parking: 4 open needs in G1, 1 resource in S2, and a transport resource in S1 (a related category).
        whole scope 4 vs 1 (ratio 4: high); areas with at least 2 needs and more needs than resources:
        G1 4/0, S1 4/0, D 4/1; S1 holds exactly G1's counts, so G1 names that gap; D first (the largest,
        excess 3), then G1 (excess 4 > 3): reported; so "parking", "parking@D", "parking@G1".
    culture: 4 needs and 2 resources, all in S2: whole scope ratio 2 (medium); S2 4/2 and D 4/2, D holds
        exactly S2's counts: "culture", "culture@S2".
    health: 3 needs and 2 resources in S2: ratio 1.5 (low): "health", "health@S2".
    """
    need = lambda i, cat, area: {"id": f"N{cat[:2]}{i}", "title": f"{cat}需求{i}", "category": cat,  # noqa: E731
                                 "unit_id": "U1", "area_id": area, "raised": "2025-12-01", "status": "open"}
    res = lambda i, cat, area: {"id": f"R{cat[:2]}{i}", "title": f"{cat}资源{i}", "category": cat,  # noqa: E731
                                "unit_id": "U2", "area_id": area, "capacity": 1}
    return {
        "areas": [{"id": "D", "name": "示范区", "level": "district"},
                  {"id": "S1", "name": "东街道", "level": "street", "parent_id": "D"},
                  {"id": "S2", "name": "西街道", "level": "street", "parent_id": "D"},
                  {"id": "G1", "name": "一号网格", "level": "grid", "parent_id": "S1"}],
        "committees": [{"id": "K", "name": "区委员会", "level": "district", "area_id": "D"}],
        "units": [{"id": "U1", "name": "甲单位", "type": "government", "area_id": "S1"},
                  {"id": "U2", "name": "乙单位", "type": "government", "area_id": "S2"}],
        "needs": ([need(i, "parking", "G1") for i in range(4)] + [need(i, "culture", "S2") for i in range(4)]
                  + [need(i, "health", "S2") for i in range(3)]),
        "resources": ([res(0, "parking", "S2"), res(0, "transport", "S1")]
                      + [res(i, "culture", "S2") for i in range(2)] + [res(i, "health", "S2") for i in range(2)]),
    }


def test_supply_gaps_worked_by_hand(tmp_path):
    df = of_kind(find_gaps(_dataset(tmp_path, supply_tables()), as_of="2025-12-31", kinds="supply_gap"),
                 "supply_gap").set_index("subject_id")
    assert sorted(df.index) == ["culture", "culture@S2", "health", "health@S2", "parking", "parking@D",
                                "parking@G1"]
    whole = df.loc["parking"]
    assert (whole["subject_type"], whole["subject_names"]) == ("category", ["停车·全部范围"])
    assert whole["message"] == "全部范围的停车类：4项未解决的需求，只有1项资源（需求/资源=4.0）。"
    assert whole["suggestion"] == "招募能提供停车的共建单位，或请上级委员会统筹调剂；可先看相关类别的1项资源能否部分满足。"
    assert whole["evidence"] == {"category": "parking", "area": None, "area_name": "全部范围", "open_needs": 4,
                                 "resources": 1, "ratio": 4.0, "related_resources": 1,
                                 "needs": ["Npa0", "Npa1", "Npa2", "Npa3"]}
    assert (whole["severity"], whole["score"]) == ("high", pytest.approx(4 / 2))
    grid = df.loc["parking@G1"]
    assert grid["message"] == "一号网格的停车类：4项未解决的需求，没有任何可用资源。"
    assert (grid["evidence"]["area"], grid["evidence"]["area_name"], grid["evidence"]["ratio"]) == ("G1", "一号网格", None)
    assert (grid["severity"], grid["score"], grid["subject_names"]) == ("high", 4.0, ["停车·一号网格"])
    assert (df.loc["parking@D", "evidence"]["open_needs"], df.loc["parking@D", "evidence"]["resources"]) == (4, 1)
    culture = df.loc["culture"]
    assert (culture["severity"], culture["score"]) == ("medium", pytest.approx(4 / 3))
    assert culture["suggestion"] == "招募能提供文化活动的共建单位，或请上级委员会统筹调剂。"  # nothing related
    assert culture["evidence"]["needs"] == ["Ncu0", "Ncu1", "Ncu2", "Ncu3"]
    assert df.loc["culture@S2", "message"] == "西街道的文化活动类：4项未解决的需求，只有2项资源（需求/资源=2.0）。"
    assert df.loc["culture@S2", "evidence"]["needs"] == ["Ncu0", "Ncu1", "Ncu2", "Ncu3"]
    assert (df.loc["health", "severity"], df.loc["health@S2", "severity"]) == ("low", "low")
    assert df.loc["health", "evidence"]["ratio"] == pytest.approx(1.5)
    # three needs to every area are too few when min_needs is 4: only the whole-scope findings stay
    # (health: 3 needs < 4, so not even that one)
    few = of_kind(find_gaps(_dataset(tmp_path / "few", supply_tables()), as_of="2025-12-31", kinds="supply_gap",
                            min_needs=4), "supply_gap")
    assert sorted(few["subject_id"]) == ["culture", "culture@S2", "parking", "parking@D", "parking@G1"]


def test_unmet_need_severity_at_its_edges(tmp_path):
    """As of 2025-12-31, U1 raises legal needs that U2's legal resource can serve (both on K, so in reach),
    and venue needs nothing serves. In reach: reported once 90 days old; high from 365 days, medium from 180,
    else low. Nothing in reach: medium, high when urgent; no urgency given counts as medium, no status as open."""
    def need(nid, raised, category="legal", **more):
        return {"id": nid, "title": f"需求{nid}", "category": category, "unit_id": "U1", "raised": raised,
                "status": "open", **more}

    tables = {
        "areas": [{"id": "S", "name": "东街道", "level": "street"}],
        "committees": [{"id": "K", "name": "委员会", "level": "street", "area_id": "S"}],
        "units": [{"id": u, "name": f"单位{u}", "type": "government", "area_id": "S"} for u in ("U1", "U2")],
        "memberships": [{"unit_id": u, "committee_id": "K"} for u in ("U1", "U2")],
        "needs": [need("NA", "2025-12-01", urgency="medium"),  # 30 days, in reach: the normal pipeline
                  need("NB", "2024-12-31", urgency="medium"),  # 365 days
                  need("NC", "2025-01-01", urgency="medium"),  # 364 days
                  need("ND", "2025-07-04", urgency="medium"),  # 180 days
                  need("NE", "2025-07-05", urgency="medium"),  # 179 days
                  {**need("NF", "2025-12-01", "venue"), "status": None},  # no urgency nor status, nothing in reach
                  need("NG", "2025-12-01", "venue", urgency="high")],
        "resources": [{"id": "R1", "title": "法律顾问", "category": "legal", "unit_id": "U2", "capacity": 5}],
    }
    df = of_kind(find_gaps(_dataset(tmp_path, tables), as_of="2025-12-31", kinds="unmet_need"),
                 "unmet_need").set_index("subject_id")
    assert dict(df["severity"]) == {"NB": "high", "NC": "medium", "ND": "medium", "NE": "low", "NF": "medium",
                                    "NG": "high"}
    assert [df.loc[n, "evidence"]["age_days"] for n in ("NB", "NC", "ND", "NE")] == [365, 364, 180, 179]
    assert (df.loc["NF", "evidence"]["urgency"], df.loc["NF", "evidence"]["status"]) == ("medium", "open")
    assert df.loc["NF", "score"] == pytest.approx(30 / 30 + 1.0 + 3)


def test_tables_without_memberships_have_no_members(tmp_path):
    """A dict of tables with no memberships table at all (a notebook user's frames): nobody is an inactive
    member, and both committees have no member in any project."""
    tables = {name: pd.DataFrame(rows) for name, rows in hand_tables().items() if name != "memberships"}
    df = find_gaps(tables, as_of=HAND_AS_OF, kinds="inactive_member,idle_committee")
    assert of_kind(df, "inactive_member").empty
    idle = of_kind(df, "idle_committee").set_index("subject_id")
    assert sorted(idle.index) == ["K1", "K2"]
    assert idle.loc["K1", "message"] == "东街道党建协调委员会：0个成员单位都没有参与任何项目。"


def test_a_supply_gap_inside_a_larger_reported_one_is_left_out(tmp_path):
    """District ZD holds streets S1 (with grid G1) and S2. Parking: 3 needs in G1, 1 more in S1, the only
    resource in S2. Areas with more needs than resources: ZD 4/1 (excess 3), S1 4/0 (4), G1 3/0 (3). The
    largest first: ZD; then S1, whose excess 4 is larger; G1's 3 is not larger than S1's, so it is left out.
    (The district's id sorts after the grid's: the order is by size, not by name.)"""
    tables = {
        "areas": [{"id": "ZD", "name": "示范区", "level": "district"},
                  {"id": "S1", "name": "东街道", "level": "street", "parent_id": "ZD"},
                  {"id": "S2", "name": "西街道", "level": "street", "parent_id": "ZD"},
                  {"id": "G1", "name": "一号网格", "level": "grid", "parent_id": "S1"}],
        "committees": [{"id": "K", "name": "区委员会", "level": "district", "area_id": "ZD"}],
        "units": [{"id": "U1", "name": "甲单位", "type": "government", "area_id": "S1"},
                  {"id": "U2", "name": "乙单位", "type": "government", "area_id": "S2"}],
        "needs": [{"id": f"N{i}", "title": f"停车{i}", "category": "parking", "unit_id": "U1", "area_id": a,
                   "raised": "2025-12-01", "status": "open"} for i, a in enumerate(["G1", "G1", "G1", "S1"])],
        "resources": [{"id": "R1", "title": "车位", "category": "parking", "unit_id": "U2", "area_id": "S2",
                       "capacity": 1}],
    }
    df = of_kind(find_gaps(_dataset(tmp_path, tables), as_of="2025-12-31", kinds="supply_gap"), "supply_gap")
    assert sorted(df["subject_id"]) == ["parking", "parking@S1", "parking@ZD"]
