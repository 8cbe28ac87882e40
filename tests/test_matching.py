"""Matching: planted cases checked by hand, exact assignment against brute force, CLI."""
from __future__ import annotations

import itertools
import json
import math
import random
from collections import Counter

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from conftest import SAMPLE
from graphgov import matching
from graphgov.cli import cli
from graphgov.errors import NotFoundError, OptionError

AREAS = [
    {"id": "BJ", "name": "北京市", "level": "city"},
    {"id": "CY", "name": "朝阳区", "level": "district", "parent_id": "BJ"},
    {"id": "FT", "name": "丰台区", "level": "district", "parent_id": "BJ"},
    {"id": "S1", "name": "东风乡", "level": "street", "parent_id": "CY"},
    {"id": "C1", "name": "东风社区", "level": "community", "parent_id": "S1"},
    {"id": "C2", "name": "将台社区", "level": "community", "parent_id": "S1"},
    {"id": "S2", "name": "卢沟桥街道", "level": "street", "parent_id": "FT"},
    {"id": "C3", "name": "丽泽社区", "level": "community", "parent_id": "S2"},
]

PLANTED = {
    "areas": AREAS,
    "committees": [{"id": "K1", "name": "朝阳站区党建协调委员会", "level": "station_area", "area_id": "S1"}],
    "units": [
        {"id": "U1", "name": "朝阳站", "type": "railway", "area_id": "C1"},
        {"id": "U2", "name": "安保服务公司", "type": "private_enterprise", "area_id": "C1"},
        {"id": "U3", "name": "地铁运营公司", "type": "transit", "area_id": "C2"},
        {"id": "U4", "name": "丽泽医院", "type": "hospital", "area_id": "C3"},
        {"id": "U5", "name": "东风乡政府", "type": "government", "area_id": "S1"},
        {"id": "U6", "name": "将台社区居委会", "type": "community", "area_id": "C2"},
    ],
    "memberships": [{"unit_id": "U1", "committee_id": "K1"}, {"unit_id": "U5", "committee_id": "K1"}],
    "agreements": [{"unit_a": "U5", "unit_b": "U2", "kind": "共建", "signed": "2023-05-01"}],
    "needs": [
        {"id": "N1", "title": "春运站前广场安保力量", "category": "safety", "unit_id": "U1", "area_id": "C1",
         "quantity": 2, "description": "春运客流高峰需要安保人员协助疏导"},
        {"id": "N2", "title": "居民义诊服务", "category": "health", "unit_id": "U6", "area_id": "C2", "quantity": 1},
        {"id": "N3", "title": "老年人助餐服务", "category": "elderly_care", "unit_id": "U6", "area_id": "C2"},
        {"id": "N4", "title": "社区老年助餐", "category": "elderly_care", "unit_id": "U3", "area_id": "C2"},
        {"id": "N5", "title": "居民法律咨询", "category": "legal", "unit_id": "U6", "area_id": "C2"},
    ],
    "resources": [
        {"id": "R1", "title": "春运安保力量支援", "category": "safety", "unit_id": "U2", "area_id": "C1",
         "capacity": 2, "description": "可派安保人员协助客流疏导"},
        {"id": "R2", "title": "消防演练指导", "category": "safety", "unit_id": "U3", "area_id": "C2", "capacity": 5},
        {"id": "R3", "title": "应急救援志愿服务", "category": "emergency", "unit_id": "U3", "area_id": "C2",
         "capacity": 3},
        {"id": "R4", "title": "医生进社区义诊服务", "category": "health", "unit_id": "U4", "area_id": "C3",
         "capacity": 1},
        {"id": "R5", "title": "老年助餐配送", "category": "elderly_care", "unit_id": "U5", "area_id": "S1",
         "capacity": 1},
    ],
}


@pytest.fixture(scope="module")
def planted_store(tmp_path_factory):
    from conftest import load_tables

    store = load_tables(tmp_path_factory.mktemp("planted"), PLANTED)
    yield store
    store.close()


# --------------------------------------------------------------------------- parts
def test_text_tokens_bigrams_and_words():
    assert matching.text_tokens("春运安保 Guards") == ["春运", "运安", "安保", "guards"]
    assert matching.text_tokens("车") == ["车"]
    assert matching.text_tokens(None) == []


def test_text_similarity_matches_a_hand_computed_cosine():
    tables = {"areas": [], "units": [{"id": "U1", "name": "a", "type": "railway"}],
              "needs": [{"id": "N1", "title": "安保", "category": "safety", "unit_id": "U1"}],
              "resources": [{"id": "R1", "title": "安保人员", "category": "safety", "unit_id": "U1"},
                            {"id": "R2", "title": "消防", "category": "safety", "unit_id": "U1"}]}
    ctx = matching.build_context(_frames(tables))
    scored = matching.score_pairs(ctx, matching.candidate_pairs(ctx, scope="city"))
    # three documents; tokens (title counted twice): N1 {安保:2}, R1 {安保:2, 保人:2, 人员:2}, R2 {消防:2}
    idf = {t: math.log(4 / (1 + df)) + 1 for t, df in {"安保": 2, "保人": 1, "人员": 1, "消防": 1}.items()}
    r1 = {t: 2 * idf[t] for t in ("安保", "保人", "人员")}
    expected = r1["安保"] / math.sqrt(sum(v * v for v in r1.values()))
    got = dict(zip(scored["r"], scored["text"]))
    assert got[0] == pytest.approx(expected)
    assert got[1] == 0


def test_planted_exact_fit_ranks_first_with_reasons_and_broker(planted_store):
    ranked = matching.match_need(planted_store, "N1")
    assert ranked["resource_id"].iloc[0] == "R1"
    top = ranked.iloc[0]
    assert top["category"] == 1 and top["area"] == 1 and top["capacity"] == 1
    # U1 -K1- U5 -agreement- U2: two unit-steps, broker U5
    assert top["trust"] == pytest.approx(1 - 2 / 3, abs=1e-4)
    assert top["broker_id"] == "U5"
    assert top["text"] > ranked["text"].iloc[1:].max()
    reasons = " | ".join(top["reasons"])
    assert "同类别" in reasons and "同一社区" in reasons and "东风乡政府" in reasons
    w = matching.DEFAULT_WEIGHTS
    parts = sum(w[p] * top[p] for p in w) / sum(w.values())
    assert top["score"] == pytest.approx(parts, abs=1e-4)
    # the related category (emergency for safety) is a candidate, scored lower
    assert "R3" in set(ranked["resource_id"])
    assert ranked.set_index("resource_id").at["R3", "category"] == pytest.approx(0.7, abs=1e-4)


def test_unknown_need_is_not_found(planted_store):
    with pytest.raises(NotFoundError, match="N9"):
        matching.match_need(planted_store, "N9")


def test_weights_change_the_ranking(planted_store):
    # with only area mattering, R2 (same street) still trails R1 (same community)
    only_area = matching.parse_weights(["category=0", "text=0", "capacity=0", "trust=0"])
    ranked = matching.match_need(planted_store, "N1", weights=only_area)
    assert list(ranked["resource_id"][:2]) == ["R1", "R2"]
    assert ranked["score"].iloc[0] == pytest.approx(1.0)
    assert ranked["score"].iloc[1] == pytest.approx(matching.AREA_LEVEL_SCORES["street"], abs=1e-4)


def test_parse_weights_file_and_errors(tmp_path):
    f = tmp_path / "w.toml"
    f.write_text("[weights]\ntext = 0.5\ntrust = 0\n", encoding="utf-8")
    w = matching.parse_weights(["area=0.3"], f)
    assert w == {**matching.DEFAULT_WEIGHTS, "text": 0.5, "trust": 0.0, "area": 0.3}
    with pytest.raises(OptionError, match="unknown weight 'speed'"):
        matching.parse_weights(["speed=1"])
    with pytest.raises(OptionError, match="non-negative"):
        matching.parse_weights(["text=-1"])
    with pytest.raises(OptionError, match="NAME=VALUE"):
        matching.parse_weights(["text"])
    with pytest.raises(OptionError, match="all zero"):
        matching.parse_weights([f"{p}=0" for p in matching.PARTS])


# --------------------------------------------------------------------------- assignment cases
# Units a dispatch holds, by hand: while live (dispatched, accepted, partial, fulfilled) its
# quantity or what it delivered if more; once declined or withdrawn, only what it delivered.
# A quantity not stated is none (as the dispatch loop counts it): the dispatch holds what it delivered.
USAGE = [  # status, quantity, fulfilled_quantity, units held
    ("dispatched", 2, 0, 2), ("accepted", 3, 0, 3), ("partial", 2, 1, 2), ("fulfilled", 2, 2, 2),
    ("declined", 2, 0, 0), ("withdrawn", 3, 1, 1), ("partial", 1, None, 1), ("fulfilled", 1, 3, 3),
    ("dispatched", None, None, 0), ("accepted", None, 2, 2),
]


def test_dispatch_usage_by_hand():
    d = pd.DataFrame([{"need_id": f"N{i}", "resource_id": "R1", "status": s, "quantity": q, "fulfilled_quantity": f}
                      for i, (s, q, f, _) in enumerate(USAGE)])
    used = matching.dispatch_usage(d)
    assert list(used.columns) == ["need_id", "resource_id", "used"]
    assert list(used["used"]) == [u for *_, u in USAGE]
    assert list(used["need_id"]) == [f"N{i}" for i in range(len(USAGE))] and set(used["resource_id"]) == {"R1"}


def test_dispatch_usage_of_no_dispatches():
    empty = pd.DataFrame(columns=["need_id", "resource_id", "status", "quantity", "fulfilled_quantity"])
    for none in (None, empty):
        used = matching.dispatch_usage(none)
        assert list(used.columns) == ["need_id", "resource_id", "used"] and used.empty


def test_capacity_one_resource_wanted_by_two_needs_goes_to_exactly_one(make_store):
    store = make_store({
        "areas": AREAS,
        "committees": PLANTED["committees"],
        "units": PLANTED["units"],
        "needs": [n for n in PLANTED["needs"] if n["id"] in ("N3", "N4")],
        "resources": [r for r in PLANTED["resources"] if r["id"] == "R5"],
    })
    assignments, unmatched = matching.assign_all(store, lang="en")
    assert list(assignments["resource_id"]) == ["R5"] and list(assignments["units"]) == [1]
    winner, = assignments["need_id"]
    assert list(unmatched["need_id"]) == [({"N3", "N4"} - {winner}).pop()]
    assert "higher scores" in unmatched["reason"].iloc[0]
    # the winner is the better-scored need for R5
    ranked = {n: matching.match_need(store, n)["score"].iloc[0] for n in ("N3", "N4")}
    assert ranked[winner] == max(ranked.values())


def test_resource_in_another_district_scores_lower_with_the_reason(planted_store):
    # R4 (health, 丰台) is the only health resource; R3 (emergency, related, same district) also fits
    ranked = matching.match_need(planted_store, "N2").set_index("resource_id")
    assert ranked.at["R4", "area"] == pytest.approx(matching.AREA_LEVEL_SCORES["city"])
    assert ranked.at["R4", "area"] < ranked.at["R3", "area"]
    assert "跨区：资源在丰台区，需求在朝阳区" in ranked.at["R4", "reasons"]
    english = matching.match_need(planted_store, "N2", lang="en").set_index("resource_id")
    assert "other district: 丰台区 (need in 朝阳区)" in english.at["R4", "reasons"]


def test_need_whose_only_resource_is_in_another_district_still_gets_it(make_store):
    tables = {
        "areas": AREAS,
        "committees": PLANTED["committees"],
        "units": [{"id": "U1", "name": "甲", "type": "railway", "area_id": "C1"},
                  {"id": "U2", "name": "乙", "type": "hospital", "area_id": "C3"},
                  {"id": "U3", "name": "丙", "type": "hospital", "area_id": "C1"}],
        "needs": [{"id": "N1", "title": "站区义诊", "category": "health", "unit_id": "U1"},
                  {"id": "N2", "title": "站区义诊", "category": "health", "unit_id": "U1"}],
        "resources": [{"id": "R1", "title": "义诊服务", "category": "health", "unit_id": "U2", "capacity": 1},
                      {"id": "R2", "title": "义诊服务", "category": "health", "unit_id": "U3", "capacity": 1}],
    }
    store = make_store(tables)
    assignments, unmatched = matching.assign_all(store)
    assert sorted(assignments["resource_id"]) == ["R1", "R2"] and unmatched.empty
    by_res = assignments.set_index("resource_id")
    assert by_res.at["R1", "score"] < by_res.at["R2", "score"]
    assert any("跨区" in r for r in by_res.at["R1", "reasons"])


def test_candidates_stay_in_district_when_there_are_some(planted_store):
    ctx = matching.build_context(planted_store)
    pairs = matching.candidate_pairs(ctx)
    nd = ctx.needs["anc_district"].to_numpy(object)[pairs["n"]]
    rd = ctx.resources["anc_district"].to_numpy(object)[pairs["r"]]
    cross = pairs[nd != rd]
    # only N2 (whose in-district candidates exist: R3 related) ... none cross when a need has local candidates
    local = set(pairs.loc[nd == rd, "n"])
    assert not set(cross["n"]) & local
    city = matching.candidate_pairs(ctx, scope="city")
    assert len(city) >= len(pairs)


def test_no_unrelated_category_is_a_candidate(planted_store):
    ctx = matching.build_context(planted_store)
    pairs = matching.candidate_pairs(ctx, scope="city")
    cats = zip(ctx.needs["category"].to_numpy(object)[pairs["n"]], ctx.resources["category"].to_numpy(object)[pairs["r"]])
    from graphgov.dataset.vocab import category_relatedness

    assert all(category_relatedness(a, b) > 0 for a, b in cats)


# --------------------------------------------------------------------------- optimality
def _frames(tables: dict[str, list[dict]]) -> dict[str, pd.DataFrame]:
    from graphgov.dataset import schema

    return {t.name: pd.DataFrame(tables.get(t.name, []), columns=None if tables.get(t.name) else t.column_names)
            for t in schema.ALL_TABLES}


def _random_tables(rng: random.Random, n_needs: int, n_res: int) -> dict[str, list[dict]]:
    cats = ["safety", "emergency", "health", "venue"]
    words = ["安保", "巡逻", "义诊", "急救", "场地", "会议", "志愿", "培训"]
    units = [{"id": f"U{i}", "name": f"单位{i}", "type": "government", "area_id": rng.choice(["C1", "C2", "S1"])}
             for i in range(5)]
    needs = [{"id": f"N{i}", "title": "".join(rng.sample(words, 2)), "category": rng.choice(cats),
              "unit_id": rng.choice(units)["id"], "quantity": rng.randint(1, 3)} for i in range(n_needs)]
    res = [{"id": f"R{i}", "title": "".join(rng.sample(words, 2)), "category": rng.choice(cats),
            "unit_id": rng.choice(units)["id"], "capacity": rng.randint(1, 3)} for i in range(n_res)]
    ags = [{"unit_a": "U0", "unit_b": f"U{rng.randint(1, 4)}"}, {"unit_a": "U2", "unit_b": "U3"}]
    return {"areas": AREAS, "units": units, "needs": needs, "resources": res, "agreements": ags}


def _brute_force(pairs: pd.DataFrame, demand: np.ndarray, supply: np.ndarray) -> float:
    """Best total over every integral way of serving needs (enumerated per need)."""
    by_need: dict[int, list[tuple[int, float]]] = {}
    for n, r, v in zip(pairs["n"], pairs["r"], pairs["value"]):
        by_need.setdefault(int(n), []).append((int(r), float(v)))
    options = []
    for n, cands in by_need.items():
        ways = []
        for units in itertools.product(*[range(min(demand[n], supply[r]) + 1) for r, _ in cands]):
            if sum(units) <= demand[n]:
                ways.append([(r, u, u * v) for (r, v), u in zip(cands, units) if u])
        options.append(ways)
    best = 0.0
    for combo in itertools.product(*options):
        used = Counter()
        for way in combo:
            for r, u, _ in way:
                used[r] += u
        if all(used[r] <= supply[r] for r in used):
            best = max(best, sum(x for way in combo for _, _, x in way))
    return best


@pytest.mark.parametrize("seed", range(12))
def test_assignment_equals_brute_force_optimum(seed):
    rng = random.Random(seed)
    tables = _frames(_random_tables(rng, n_needs=rng.randint(2, 4), n_res=rng.randint(2, 3)))
    ctx = matching.build_context(tables)
    stats = {}
    assignments, unmatched = matching.assign_all(None, scope="city", context=ctx, stats=stats)
    pairs = matching.score_pairs(ctx, matching.candidate_pairs(ctx, scope="city"))
    q = ctx.needs["quantity"].to_numpy()
    pairs["value"] = pairs["score"] / q[pairs["n"]]
    best = _brute_force(pairs, ctx.needs["outstanding"].to_numpy(), ctx.resources["remaining"].to_numpy())
    assert stats["total_score"] == pytest.approx(best, abs=1e-5)
    assert assignments["contribution"].sum() == pytest.approx(best, abs=1e-4)
    assert stats["greedy_score"] <= stats["total_score"] + 1e-9
    # never over capacity, never more than asked
    used = assignments.groupby("resource_id")["units"].sum()
    cap = ctx.resources.set_index("id")["capacity"]
    assert (used <= cap[used.index]).all()
    got = assignments.groupby("need_id")["units"].sum()
    asked = ctx.needs.set_index("id")["quantity"]
    assert (got <= asked[got.index]).all()
    short = (asked - got.reindex(asked.index).fillna(0))
    assert set(unmatched["need_id"]) == set(short[short > 0].index)


@pytest.mark.parametrize("seed", range(8))
def test_both_solvers_reach_the_brute_force_optimum(seed):
    rng = np.random.default_rng(seed)
    n_needs, n_res = 4, 3
    pairs = pd.DataFrame([(n, r) for n in range(n_needs) for r in range(n_res) if rng.random() < 0.7],
                         columns=["n", "r"])
    pairs["score"] = rng.random(len(pairs)).round(3)
    demand, supply = rng.integers(1, 3, n_needs), rng.integers(1, 3, n_res)
    pairs["value"] = pairs["score"] / demand[pairs["n"]]
    best = _brute_force(pairs, demand, supply)
    for solver in ("ortools", "scipy"):
        units = matching.solve_assignment(pairs, demand, supply, solver=solver)
        assert float((units * pairs["value"]).sum()) == pytest.approx(best, abs=1e-5), solver
    greedy = matching.greedy_assign(pairs, demand, supply)
    assert float((greedy * pairs["value"]).sum()) <= best + 1e-9


def test_greedy_can_be_worse_than_the_optimum():
    # need 0 likes both resources; need 1 only resource 0: greedy takes 0-0 first and strands need 1
    pairs = pd.DataFrame({"n": [0, 0, 1], "r": [0, 1, 0], "score": [0.9, 0.8, 0.7]})
    pairs["value"] = pairs["score"]
    demand, supply = np.array([1, 1]), np.array([1, 1])
    opt = matching.solve_assignment(pairs, demand, supply)
    greedy = matching.greedy_assign(pairs, demand, supply)
    assert float((opt * pairs["value"]).sum()) == pytest.approx(1.5)
    assert float((greedy * pairs["value"]).sum()) == pytest.approx(0.9)


def test_dispatches_hold_capacity_and_cover_needs(planted_store):
    tables = {k: v.copy() for k, v in planted_store.read_tables().items()}
    tables["dispatches"] = pd.DataFrame([{"id": "D1", "need_id": "N3", "resource_id": "R5", "status": "accepted",
                                          "quantity": 1, "fulfilled_quantity": 0}])
    assignments, unmatched = matching.assign_all(tables)
    assert "R5" not in set(assignments["resource_id"])  # its one unit is held
    assert "N3" not in set(assignments["need_id"]) | set(unmatched["need_id"])  # covered already


# --------------------------------------------------------------------------- CLI
def test_cli_match_one_need_json(planted_store):
    result = CliRunner().invoke(cli, ["match", "N1", "--store", str(planted_store.path), "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert rows[0]["resource_id"] == "R1" and rows[0]["broker_id"] == "U5"
    for key in ("need_id", "resource_id", "provider_id", "score", "broker_id", "reasons"):
        assert key in rows[0]
    assert isinstance(rows[0]["reasons"], list)


def test_cli_assign_formats_and_summary(planted_store, tmp_path):
    runner = CliRunner()
    base = ["match", "--all", "--assign", "--store", str(planted_store.path)]
    result = runner.invoke(cli, base + ["--format", "json"])
    assert result.exit_code == 0, result.output
    json_part = result.stdout
    rows = json.loads(json_part)
    assert {r["resource_id"] for r in rows if r["need_id"] == "N1"} == {"R1"}
    assert all(r["broker_id"] is None or isinstance(r["broker_id"], str) for r in rows)
    assert "greedy baseline" in result.stderr
    out = tmp_path / "d.csv"
    result = runner.invoke(cli, base + ["--format", "csv", "--out", str(out)])
    assert result.exit_code == 0
    assert len(pd.read_csv(out, encoding="utf-8-sig")) == len(rows)
    result = runner.invoke(cli, base + ["--unmatched", "--format", "json"])
    unmatched = json.loads(result.stdout)
    assert [r["need_id"] for r in unmatched] == ["N5"]
    assert unmatched[0]["reason"] == "没有同类或相关类别的资源"
    english = json.loads(runner.invoke(cli, base + ["--unmatched", "--format", "json", "--lang", "en"]).stdout)
    assert english[0]["reason"] == "no resource in the same or a related category"
    result = runner.invoke(cli, base)
    assert result.exit_code == 0 and "派单清单" in result.stdout and "未匹配需求" in result.stdout


@pytest.mark.parametrize("args, code, message", [
    (["match", "N9"], 1, "not in the store"),
    (["match", "N1", "--weight", "speed=1"], 2, "unknown weight"),
    (["match"], 2, "NEED_ID or --all"),
    (["match", "N1", "--assign"], 2, "go with --all"),
    (["match", "--all", "--dispatch"], 2, "go with --assign"),
    (["match", "N1", "--on", "2024-13-01"], 2, "not a date"),
])
def test_cli_errors(planted_store, args, code, message):
    result = CliRunner().invoke(cli, args + ["--store", str(planted_store.path)])
    assert result.exit_code == code
    assert message in result.output


def test_cli_weights_file(planted_store, tmp_path):
    f = tmp_path / "w.toml"
    f.write_text("category = 0\ntext = 0\ncapacity = 0\ntrust = 0\narea = 1\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["match", "N1", "--weights", str(f), "--format", "json",
                                      "--store", str(planted_store.path)])
    rows = json.loads(result.stdout)
    assert rows[0]["score"] == pytest.approx(1.0) and rows[1]["score"] == pytest.approx(0.6)


def test_cli_assign_dispatch_records_everything_in_one_go(make_store):
    store = make_store(PLANTED, name="rec")
    path = str(store.path)
    store.close()
    result = CliRunner().invoke(cli, ["match", "--all", "--assign", "--dispatch", "--on", "2024-03-01",
                                      "--format", "json", "--store", path])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    tables = store.read_tables()
    d = tables["dispatches"]
    assert len(d) == len(rows) and set(d["id"]) == {r["dispatch_id"] for r in rows}
    assert (d["status"] == "dispatched").all()
    assert len(tables["need_events"]) == len(rows)
    needs = tables["needs"].set_index("id")
    assert set(needs.loc[list(d["need_id"]), "status"]) == {"dispatched"}
    # a second run finds the capacity held and the needs covered
    again = CliRunner().invoke(cli, ["match", "--all", "--assign", "--format", "json", "--store", path])
    assert not {(r["need_id"], r["resource_id"]) for r in json.loads(again.stdout)} & \
        {(r["need_id"], r["resource_id"]) for r in rows}


def test_without_resources_every_need_is_unmatched_with_why():
    tables = dict(PLANTED, resources=[])
    assignments, unmatched = matching.assign_all(_frames(tables), lang="en")
    assert assignments.empty
    assert list(unmatched["need_id"]) == ["N1", "N2", "N3", "N4", "N5"]
    assert unmatched["reason"].str.contains("no resource in the same or a related category").all()
    assert matching.match_need(_frames(tables), "N1").empty


def test_match_all_lists_the_best_few_per_need(planted_store):
    result = CliRunner().invoke(cli, ["match", "--all", "-k", "2", "--format", "json",
                                      "--store", str(planted_store.path)])
    rows = pd.DataFrame(json.loads(result.stdout))
    assert rows.groupby("need_id").size().max() <= 2
    for _, group in rows.groupby("need_id"):
        assert list(group["rank"]) == list(range(1, len(group) + 1))
        assert group["score"].is_monotonic_decreasing
    n1 = rows[rows["need_id"] == "N1"]
    assert n1["resource_id"].iloc[0] == "R1"


# --------------------------------------------------------------------------- dates
def test_match_leaves_out_resources_expired_on_the_day_by_default(make_store):
    """Without --on, match is for today: a resource that expired in 2000 is never proposed."""
    tables = dict(PLANTED, resources=PLANTED["resources"] + [
        {"id": "R9", "title": "春运安保力量支援（往年）", "category": "safety", "unit_id": "U2", "area_id": "C1",
         "capacity": 9, "available_until": "2000-01-01", "description": "可派安保人员协助客流疏导"}])
    path = str(make_store(tables, name="dated").path)
    runner = CliRunner()
    today = runner.invoke(cli, ["match", "N1", "--format", "json", "--store", path])
    assert today.exit_code == 0, today.output
    assert "R9" not in {r["resource_id"] for r in json.loads(today.stdout)}
    assigned = runner.invoke(cli, ["match", "--all", "--assign", "--format", "json", "--store", path])
    assert "R9" not in {r["resource_id"] for r in json.loads(assigned.stdout)}
    # the date is what decides: on a day before it expired, R9 is a candidate again
    before = runner.invoke(cli, ["match", "N1", "--on", "1999-12-31", "--format", "json", "--store", path])
    assert "R9" in {r["resource_id"] for r in json.loads(before.stdout)}


def test_match_on_the_sample_proposes_only_resources_available_on_the_date(sample_store):
    until = sample_store.read_tables(names=["resources"])["resources"].set_index("id")["available_until"]
    day = pd.Timestamp("2025-12-31")
    result = CliRunner().invoke(cli, ["match", "N0012", "--on", "2025-12-31", "--format", "json",
                                      "--store", str(sample_store.path)])
    assert result.exit_code == 0, result.output
    proposed = [r["resource_id"] for r in json.loads(result.stdout)]
    assert proposed and "R0210" not in proposed
    assert all(pd.isna(until[r]) or pd.Timestamp(until[r]) >= day for r in proposed)


def test_match_assign_dispatch_succeeds_on_the_sample_with_a_date(sample_store_copy):
    result = CliRunner().invoke(cli, ["match", "--all", "--assign", "--dispatch", "--on", "2025-12-31",
                                      "--format", "json", "--store", str(sample_store_copy)])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert rows and all(r["dispatch_id"] for r in rows)
    assert "recorded as dispatches" in result.stderr


# --------------------------------------------------------------------------- needs the list has in progress
# The needs list may say a need is dispatched, accepted or partly fulfilled before graphgov keeps
# its loop. Worked by hand: the five safety needs ask 2 + 2 + 1 + 3 + 1 units; N9 is fulfilled and
# N6, N7, N8 are served by the dispatch the list states, so only N1 waits: 2 units, from R1 (2
# spaces, the exact fit) or R2 (5). Counting N6–N8 as waiting would ask 8 units of the 7 offered.
IN_PROGRESS = dict(PLANTED, needs=[
    {"id": "N1", "title": "春运站前广场安保力量", "category": "safety", "unit_id": "U1", "area_id": "C1",
     "quantity": 2, "status": "open", "description": "春运客流高峰需要安保人员协助疏导"},
    {"id": "N6", "title": "站前广场夜间巡逻", "category": "safety", "unit_id": "U1", "area_id": "C1", "quantity": 2,
     "status": "dispatched", "dispatched_on": "2024-02-10"},
    {"id": "N7", "title": "进站口安检协助", "category": "safety", "unit_id": "U6", "area_id": "C2", "quantity": 1,
     "status": "accepted", "dispatched_on": "2024-03-01", "accepted_on": "2024-03-02"},
    {"id": "N8", "title": "社区消防演练", "category": "safety", "unit_id": "U6", "area_id": "C2", "quantity": 3,
     "status": "partial", "dispatched_on": "2024-03-01", "accepted_on": "2024-03-03"},
    {"id": "N9", "title": "地铁站消防检查", "category": "safety", "unit_id": "U3", "area_id": "C2", "quantity": 1,
     "status": "fulfilled"},
], resources=PLANTED["resources"][:2])


def test_needs_the_list_has_in_progress_are_not_proposed(make_store):
    store = make_store(IN_PROGRESS, name="listed")
    stats: dict = {}
    assignments, unmatched = matching.assign_all(store, stats=stats)
    assert list(assignments["need_id"].unique()) == ["N1"] and assignments["units"].sum() == 2
    assert unmatched.empty
    assert stats["in_progress_by_list"] == ["N6", "N7", "N8"]
    assert set(matching.match_all(store)["need_id"]) == {"N1"}
    # asked for by id, a need in progress is still ranked: a coordinator may dispatch it again
    assert list(matching.match_need(store, "N6")["resource_id"]) == ["R1", "R2"]


def test_once_the_loop_dispatches_such_a_need_its_units_count_from_its_dispatches(make_store):
    """N8 (3 units, partial by the list) gets 1 unit of R2 by the loop: its status is the loop's
    and 2 units are still to cover, so it waits again (R1 2 + R2 4 left cover N1's 2 and its 2)."""
    from graphgov.matching import lifecycle

    store = make_store(IN_PROGRESS, name="looped")
    path = store.path
    store.close()
    from graphgov.store import open_store

    with open_store(path) as store:
        lifecycle.dispatch(store, "N8", "R2", quantity=1, on="2024-04-01")
    with open_store(path) as store:
        stats: dict = {}
        assignments, unmatched = matching.assign_all(store, stats=stats)
    units = assignments.groupby("need_id")["units"].sum().to_dict()
    assert units == {"N1": 2, "N8": 2} and unmatched.empty
    assert stats["in_progress_by_list"] == ["N6", "N7"]


def test_cli_says_which_needs_it_leaves_out_and_why(make_store):
    path = str(make_store(IN_PROGRESS, name="said").path)
    runner = CliRunner()
    assigned = runner.invoke(cli, ["match", "--all", "--assign", "--format", "json", "--store", path])
    assert assigned.exit_code == 0, assigned.output
    assert {r["need_id"] for r in json.loads(assigned.stdout)} == {"N1"}
    assert ("left out 3 needs the needs list has as dispatched, accepted or partial, with no dispatch recorded "
            "here (N6, N7, N8)") in assigned.stderr
    best = runner.invoke(cli, ["match", "--all", "--format", "json", "--store", path])
    assert {r["need_id"] for r in json.loads(best.stdout)} == {"N1"} and "(N6, N7, N8)" in best.stderr
    one = runner.invoke(cli, ["match", "N6", "--format", "json", "--store", path])
    assert one.exit_code == 0 and [r["resource_id"] for r in json.loads(one.stdout)] == ["R1", "R2"]
    assert "N6 is dispatched in the needs list (dispatched on 2024-02-10), with no dispatch recorded here" \
        in one.stderr
    assert "needs list" not in runner.invoke(cli, ["match", "N1", "--store", path]).stderr


def test_the_sample_proposes_no_need_its_list_has_in_progress(sample_store):
    """From the sample's own CSV: N0099 (dispatched 2024-02-10) and the others in progress are left out."""
    raw = pd.read_csv(SAMPLE / "needs.csv", dtype=str, keep_default_na=False).set_index("id")
    in_progress = set(raw.index[raw["status"].isin(["dispatched", "accepted", "partial"])])
    assert "N0099" in in_progress and len(in_progress) == 70
    result = CliRunner().invoke(cli, ["match", "--all", "--assign", "--as-of", "2025-12-31", "--format", "json",
                                      "--store", str(sample_store.path)])
    assert result.exit_code == 0, result.output
    proposed = {r["need_id"] for r in json.loads(result.stdout)}
    assert proposed and not proposed & in_progress
    assert "left out 70 needs" in result.stderr
# ---- the solvers on cases worked by hand (mutation testing, issue 18) ----------------------------------
SOLVERS = ("auto", "ortools", "scipy")


@pytest.mark.parametrize("solver", SOLVERS)
def test_each_solver_gives_the_units_of_the_hand_worked_optimum(solver):
    # need 0 likes both resources, need 1 only resource 0 (one unit each): 0→1 and 1→0 (0.8 + 0.7 = 1.5)
    # beats 0→0 alone (0.9)
    pairs = pd.DataFrame({"n": [0, 0, 1], "r": [0, 1, 0], "value": [0.9, 0.8, 0.7]})
    units = matching.solve_assignment(pairs, np.array([1, 1]), np.array([1, 1]), solver=solver)
    assert units.tolist() == [0, 1, 1] and units.dtype == np.int64
    # one need of 3 units, resources of 2 and 5 units worth 1.0 and 0.5 a unit: 2 from the first, 1 from the second
    pairs = pd.DataFrame({"n": [0, 0], "r": [0, 1], "value": [1.0, 0.5]})
    assert matching.solve_assignment(pairs, np.array([3]), np.array([2, 5]), solver=solver).tolist() == [2, 1]
    # two needs of 2 units share a resource of 3: the one worth more per unit gets 2, the other 1
    pairs = pd.DataFrame({"n": [0, 1], "r": [0, 0], "value": [0.4, 0.6]})
    assert matching.solve_assignment(pairs, np.array([2, 2]), np.array([3]), solver=solver).tolist() == [1, 2]


@pytest.mark.parametrize("solver", SOLVERS)
def test_no_pairs_assign_nothing(solver):
    empty = pd.DataFrame({"n": [], "r": [], "value": []})
    units = matching.solve_assignment(empty, np.array([1]), np.array([1]), solver=solver)
    assert units.tolist() == [] and units.dtype == np.int64


def test_an_unknown_solver_is_refused_by_name():
    pairs = pd.DataFrame({"n": [0], "r": [0], "value": [1.0]})
    with pytest.raises(OptionError) as err:
        matching.solve_assignment(pairs, np.array([1]), np.array([1]), solver="cplex")
    assert str(err.value) == "unknown solver 'cplex'; choose auto, ortools or scipy"


def test_greedy_serves_the_best_pair_first_and_breaks_ties_by_need_then_resource():
    # scores 0.9 (need 0, res 0), 0.9 (need 1, res 0), 0.5 (need 0, res 1), 0.4 (need 1, res 1);
    # demand [2, 1], supply [1, 2]. By hand: 0-0 takes res 0's one unit; 1-0 finds res 0 empty;
    # 0-1 gives need 0 its second unit; 1-1 gives need 1 its unit → [1, 0, 1, 1] in the rows below.
    pairs = pd.DataFrame({"n": [0, 1, 0, 1], "r": [0, 0, 1, 1], "score": [0.9, 0.9, 0.5, 0.4]})
    units = matching.greedy_assign(pairs, np.array([2, 1]), np.array([1, 2]))
    assert units.tolist() == [1, 0, 1, 1] and units.dtype == np.int64
    # equal scores and need: the resource with the lower number first
    pairs = pd.DataFrame({"n": [0, 0], "r": [1, 0], "score": [0.5, 0.5]})
    assert matching.greedy_assign(pairs, np.array([1]), np.array([1, 1])).tolist() == [0, 1]
    # as many units as both sides allow, at once
    pairs = pd.DataFrame({"n": [0, 0], "r": [0, 1], "score": [0.8, 0.3]})
    assert matching.greedy_assign(pairs, np.array([5]), np.array([3, 4])).tolist() == [3, 2]
    assert matching.greedy_assign(pairs.iloc[:0], np.array([5]), np.array([3, 4])).tolist() == []


# ---- the assignment's bookkeeping (mutation testing, issue 18) -----------------------------------------
def test_an_unknown_method_is_refused_by_name():
    with pytest.raises(OptionError) as err:
        matching.assign_all(_frames(PLANTED), method="best")
    assert str(err.value) == "method must be 'optimal' or 'greedy', not 'best'"


@pytest.mark.parametrize("seed", range(4))
def test_assignment_rows_add_up(seed):
    """Each row's contribution is its score × units / the need's quantity (to 6 places), the rows come best
    score first (then need, resource), the stats count the candidates and total the greedy baseline, and
    method="greedy" is that baseline."""
    rng = random.Random(100 + seed)
    ctx = matching.build_context(_frames(_random_tables(rng, n_needs=5, n_res=3)))
    stats = {}
    assignments, _ = matching.assign_all(None, scope="city", context=ctx, stats=stats)
    pairs = matching.score_pairs(ctx, matching.candidate_pairs(ctx, scope="city"))
    need_ids, res_ids = ctx.needs["id"].to_numpy(object), ctx.resources["id"].to_numpy(object)
    exact = {(need_ids[n], res_ids[r]): s for n, r, s in zip(pairs["n"], pairs["r"], pairs["score"])}
    quantity = ctx.needs.set_index("id")["quantity"]
    expected = [np.round(exact[n, r] * u / quantity[n], 6) for n, r, u in
                zip(assignments["need_id"], assignments["resource_id"], assignments["units"])]
    assert assignments["contribution"].tolist() == pytest.approx(expected, abs=1e-12)
    keys = [(-exact[n, r], int(n[1:]), int(r[1:])) for n, r in zip(assignments["need_id"], assignments["resource_id"])]
    assert keys == sorted(keys)
    assert stats["candidates"] == len(pairs)
    pairs["value"] = pairs["score"] / ctx.needs["quantity"].to_numpy(float)[pairs["n"]]
    greedy = matching.greedy_assign(pairs, ctx.needs["outstanding"].to_numpy(), ctx.resources["remaining"].to_numpy())
    assert stats["greedy_score"] == pytest.approx(float((greedy * pairs["value"]).sum()))
    greedy_stats = {}
    by_greedy, _ = matching.assign_all(None, scope="city", context=ctx, stats=greedy_stats, method="greedy")
    assert greedy_stats["total_score"] == pytest.approx(greedy_stats["greedy_score"])
    assert by_greedy["contribution"].sum() == pytest.approx(stats["greedy_score"], abs=1e-4)


def test_a_minimum_score_above_every_pair_assigns_nothing_and_says_why():
    ctx = matching.build_context(_frames(PLANTED))
    stats = {}
    assignments, unmatched = matching.assign_all(None, context=ctx, min_score=1.5, stats=stats, lang="en")
    assert assignments.empty and stats["candidates"] == 0 and stats["total_score"] == 0
    assert assignments["units"].dtype == np.int64  # whole units, even when there are none
    waiting = ctx.needs.loc[matching.waiting_needs(ctx), "id"]
    assert sorted(unmatched["need_id"]) == sorted(waiting)
    fitting = unmatched[~unmatched["reason"].str.startswith("no resource")]
    assert len(fitting) and all(r.endswith(", or scored below the minimum 1.5") for r in fitting["reason"])


def test_closed_and_fulfilled_needs_and_expired_resources_are_left_out():
    tables = {
        "areas": AREAS,
        "units": [{"id": "U1", "name": "甲", "type": "railway", "area_id": "C1"},
                  {"id": "U2", "name": "乙", "type": "private_enterprise", "area_id": "C1"}],
        "needs": [{"id": "N1", "title": "安保力量", "category": "safety", "unit_id": "U1", "status": "closed"},
                  {"id": "N2", "title": "安保力量", "category": "safety", "unit_id": "U1", "status": "fulfilled"},
                  {"id": "N3", "title": "安保力量", "category": "safety", "unit_id": "U1", "quantity": 2}],
        "resources": [{"id": "R1", "title": "安保力量", "category": "safety", "unit_id": "U2", "capacity": 5,
                       "available_until": "2024-01-31"},
                      {"id": "R2", "title": "安保力量", "category": "safety", "unit_id": "U2", "capacity": 1}],
    }
    ctx = matching.build_context(_frames(tables), as_of=pd.Timestamp("2024-03-01").date())
    assert ctx.needs.loc[matching.waiting_needs(ctx), "id"].tolist() == ["N3"]
    assignments, unmatched = matching.assign_all(None, context=ctx, lang="en")
    # N3 asks for 2: R1 has expired, R2 gives its one unit
    assert assignments[["need_id", "resource_id", "units"]].values.tolist() == [["N3", "R2", 1]]
    assert unmatched[["need_id", "units_short"]].values.tolist() == [["N3", 1]]
    assert unmatched["reason"].iloc[0] == "1 of 2 units assigned; fitting resources had no more capacity"


@pytest.mark.parametrize("solver", SOLVERS)
def test_needs_and_resources_without_a_pair_are_no_trouble(solver):
    # need 1 and resource 1 (the last of each) have no candidate pair: need 0 gets resource 0's two units
    pairs = pd.DataFrame({"n": [0], "r": [0], "value": [0.5]})
    units = matching.solve_assignment(pairs, np.array([3, 1]), np.array([2, 4]), solver=solver)
    assert units.tolist() == [2]


def test_without_ortools_the_automatic_choice_is_scipy(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "ortools.graph.python.min_cost_flow", None)  # import fails as if missing
    pairs = pd.DataFrame({"n": [0, 0, 1], "r": [0, 1, 0], "value": [0.9, 0.8, 0.7]})
    assert matching.solve_assignment(pairs, np.array([1, 1]), np.array([1, 1])).tolist() == [0, 1, 1]


def test_the_district_pass_comes_first_and_spent_resources_are_no_candidates():
    """A (in 朝阳) and R_A (朝阳, 1 unit); B (丰台, 2 units) and R_B (丰台, 1 unit); R_C (朝阳, a venue: no
    candidate for anyone, but capacity left, so a second pass runs). District pass: A–R_A and B–R_B, the only
    candidates in each district (2); B is one unit short, and the city pass finds only R_A, spent by A, so no
    candidate. A city-wide first pass would have had all four pairs."""
    tables = {
        "areas": AREAS,
        "units": [{"id": u, "name": f"单位{u}", "type": "private_enterprise", "area_id": a}
                  for u, a in (("U1", "C1"), ("U2", "C1"), ("U3", "C3"), ("U4", "C3"))],
        "needs": [{"id": "A", "title": "安保力量", "category": "safety", "unit_id": "U1"},
                  {"id": "B", "title": "安保力量", "category": "safety", "unit_id": "U3", "quantity": 2}],
        "resources": [{"id": "RA", "title": "安保力量", "category": "safety", "unit_id": "U2", "capacity": 1},
                      {"id": "RB", "title": "安保力量", "category": "safety", "unit_id": "U4", "capacity": 1},
                      {"id": "RC", "title": "会议室", "category": "venue", "unit_id": "U2", "capacity": 1}],
    }
    ctx = matching.build_context(_frames(tables))
    stats = {}
    assignments, unmatched = matching.assign_all(None, context=ctx, stats=stats, lang="en")
    assert sorted(assignments[["need_id", "resource_id", "units"]].values.tolist()) == [["A", "RA", 1], ["B", "RB", 1]]
    assert all(r[0] == "same category: safety" for r in assignments["reasons"])  # in the language asked for
    assert unmatched[["need_id", "units_short"]].values.tolist() == [["B", 1]]
    assert stats["candidates"] == 2
    city = {}
    matching.assign_all(None, context=ctx, stats=city, scope="city")
    assert city["candidates"] == 4


def test_a_pair_scoring_exactly_the_minimum_is_a_candidate():
    ctx = matching.build_context(_frames(PLANTED))
    pairs = matching.score_pairs(ctx, matching.candidate_pairs(ctx, scope="city"))
    lowest = float(pairs["score"].min())
    stats = {}
    matching.assign_all(None, context=ctx, scope="city", min_score=lowest, stats=stats)
    assert stats["candidates"] == len(pairs)


def test_the_city_pass_is_only_for_needs_still_short():
    """A (朝阳) takes R_A; B (丰台, 2 units) takes R_B and one of R_D's two units in the district pass: nobody
    is short, so no city pass, though R_D has a unit left that A could have had: 3 candidates, not 4."""
    tables = {
        "areas": AREAS,
        "units": [{"id": u, "name": f"单位{u}", "type": "private_enterprise", "area_id": a}
                  for u, a in (("U1", "C1"), ("U2", "C1"), ("U3", "C3"), ("U4", "C3"))],
        "needs": [{"id": "A", "title": "安保力量", "category": "safety", "unit_id": "U1"},
                  {"id": "B", "title": "安保力量", "category": "safety", "unit_id": "U3", "quantity": 2}],
        "resources": [{"id": "RA", "title": "安保力量", "category": "safety", "unit_id": "U2", "capacity": 1},
                      {"id": "RB", "title": "安保力量", "category": "safety", "unit_id": "U4", "capacity": 1},
                      {"id": "RD", "title": "安保力量", "category": "safety", "unit_id": "U4", "capacity": 2}],
    }
    stats = {}
    assignments, unmatched = matching.assign_all(None, context=matching.build_context(_frames(tables)), stats=stats)
    assert assignments.groupby("need_id")["units"].sum().to_dict() == {"A": 1, "B": 2} and unmatched.empty
    assert stats["candidates"] == 3
