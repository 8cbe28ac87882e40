"""The order–dispatch–accept loop: every legal and illegal step, refusals change nothing, CLI."""
from __future__ import annotations

import datetime as dt
import json
import shutil

import pandas as pd
import pytest
from click.testing import CliRunner

from graphgov import matching
from graphgov.matching import lifecycle
from graphgov.cli import cli
from graphgov.errors import NotFoundError, OptionError, TransitionError
from graphgov.store import open_store

from cypherlint import cypher_linter  # noqa: F401  (the fixture)

TABLES = {
    "areas": [{"id": "A1", "name": "东风社区", "level": "community"}],
    "committees": [{"id": "K1", "name": "站区委员会", "level": "station_area", "area_id": "A1"}],
    "units": [{"id": "U1", "name": "朝阳站", "type": "railway", "area_id": "A1"},
              {"id": "U2", "name": "安保公司", "type": "private_enterprise", "area_id": "A1"}],
    "needs": [{"id": "N1", "title": "春运安保力量", "category": "safety", "unit_id": "U1", "quantity": 2},
              {"id": "N2", "title": "站前安保", "category": "safety", "unit_id": "U1", "quantity": 1},
              {"id": "N3", "title": "已办结的安保需求", "category": "safety", "unit_id": "U1", "status": "fulfilled"}],
    "resources": [{"id": "R1", "title": "安保力量支援", "category": "safety", "unit_id": "U2", "capacity": 2},
                  {"id": "R2", "title": "保安人员", "category": "safety", "unit_id": "U2", "capacity": 1,
                   "available_until": "2024-06-30"}],
}
DAY = dt.date(2024, 3, 1)


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    from conftest import load_tables

    folder = tmp_path_factory.mktemp("lifecycle")
    store = load_tables(folder, TABLES)
    store.close()
    return store.path


@pytest.fixture
def store(template, tmp_path):
    """A fresh copy of the loaded template store for each test (faster than loading)."""
    path = tmp_path / "s.lbdb"
    shutil.copy2(template, path)
    s = open_store(path)
    yield s
    s.close()


def snapshot(store) -> dict[str, list]:
    return {k: df.astype(object).where(df.notna(), None).values.tolist() for k, df in store.read_tables().items()}


def bring_to(store, status: str) -> str:
    """Create a dispatch of N1 (2 units) on R1 and walk it to ``status``; return its id."""
    d = lifecycle.dispatch(store, "N1", "R1", on=DAY)["id"]
    steps = {
        "dispatched": [],
        "accepted": [("accept", {})],
        "partial": [("accept", {}), ("fulfil", {"quantity": 1})],
        "fulfilled": [("accept", {}), ("fulfil", {})],
        "declined": [("decline", {})],
        "withdrawn": [("withdraw", {})],
    }[status]
    for step, kw in steps:
        getattr(lifecycle, step)(store, d, on=DAY, **kw)
    return d


def dispatch_row(store, did: str) -> dict:
    d = store.read_tables()["dispatches"].set_index("id")
    return d.loc[did].to_dict()


def need_of(store, nid: str) -> str:
    return store.read_tables()["needs"].set_index("id").at[nid, "status"]


# --------------------------------------------------------------------------- the table of steps
# Written out from the diagram in the module's docstring, on purpose not read from
# lifecycle.DISPATCH_ACTIONS: a step wrongly added to (or dropped from) the code's table
# must fail here, not move both sides of the test at once.
STATUSES = ("dispatched", "accepted", "partial", "fulfilled", "declined", "withdrawn")
STEPS = ("accept", "decline", "withdraw", "fulfil")
LEGAL = {
    "dispatched": ("accept", "decline", "withdraw"),
    "accepted": ("fulfil", "withdraw"),
    "partial": ("fulfil", "withdraw"),
    "fulfilled": (),
    "declined": (),
    "withdrawn": (),
}
ILLEGAL = [(status, step) for status in STATUSES for step in STEPS if step not in LEGAL[status]]


def test_the_steps_table_is_the_documented_one():
    assert len(ILLEGAL) == 17  # 6 statuses × 4 steps, 7 of them legal
    assert {s: tuple(a) for s, a in lifecycle.DISPATCH_ACTIONS.items()} == LEGAL


# --------------------------------------------------------------------------- legal steps
@pytest.mark.parametrize("start, step, kwargs, dispatch_after, need_after", [
    ("dispatched", "accept", {}, "accepted", "accepted"),
    ("dispatched", "decline", {}, "declined", "open"),
    ("dispatched", "withdraw", {}, "withdrawn", "open"),
    ("accepted", "fulfil", {}, "fulfilled", "fulfilled"),
    ("accepted", "fulfil", {"quantity": 1}, "partial", "partial"),
    ("accepted", "withdraw", {}, "withdrawn", "open"),
    ("partial", "fulfil", {}, "fulfilled", "fulfilled"),
    ("partial", "withdraw", {}, "withdrawn", "partial"),
])
def test_every_legal_step(store, start, step, kwargs, dispatch_after, need_after):
    assert step in LEGAL[start]
    did = bring_to(store, start)
    events_before = len(store.read_tables()["need_events"])
    row = getattr(lifecycle, step)(store, did, on=DAY + dt.timedelta(days=1), **kwargs)
    assert row["status"] == dispatch_after and row["need_status"] == need_after
    assert dispatch_row(store, did)["status"] == dispatch_after
    assert need_of(store, "N1") == need_after
    events = store.read_tables()["need_events"]
    assert len(events) == events_before + 1
    last = events.sort_values("id").iloc[-1]
    assert last["step"] == step and last["status_after"] == need_after
    assert last["on_date"].date() == DAY + dt.timedelta(days=1)


@pytest.mark.parametrize("start, step", ILLEGAL)
def test_every_illegal_step_is_refused_and_changes_nothing(store, start, step):
    did = bring_to(store, start)
    before = snapshot(store)
    with pytest.raises(TransitionError, match=f"dispatch {did} is {start}; cannot {step} it") as err:
        getattr(lifecycle, step)(store, did, on=DAY)
    if LEGAL[start]:
        assert f"allowed from {start}: {', '.join(LEGAL[start])}" in str(err.value)
    else:
        assert "final" in str(err.value)
    assert snapshot(store) == before


# --------------------------------------------------------------------------- need-level rules
@pytest.mark.parametrize("setup, action, message", [
    (None, lambda s, d: lifecycle.dispatch(s, "N2", "R1", quantity=2, on=DAY), "asks for 1 more units"),
    (None, lambda s, d: lifecycle.dispatch(s, "N2", "R2", on=dt.date(2024, 7, 1)), "available until 2024-06-30"),
    ("accepted", lambda s, d: lifecycle.fulfil(s, d, quantity=3, on=DAY), "2 of 2 units still to deliver"),
    ("dispatched", lambda s, d: lifecycle.accept(s, d, on=DAY - dt.timedelta(days=1)), "earlier than"),
    ("accepted", lambda s, d: lifecycle.close_need(s, "N1", on=DAY), "withdraw them"),
    (None, lambda s, d: lifecycle.reopen_need(s, "N1", on=DAY), "reopen is allowed from closed"),
])
def test_need_rules_refuse_and_change_nothing(store, setup, action, message):
    did = bring_to(store, setup) if setup else None
    before = snapshot(store)
    with pytest.raises(TransitionError, match=message):
        action(store, did)
    assert snapshot(store) == before


def test_capacity_is_never_exceeded(store):
    lifecycle.dispatch(store, "N1", "R1", on=DAY)  # takes both units of R1
    before = snapshot(store)
    with pytest.raises(TransitionError, match="R1 has no capacity left"):
        lifecycle.dispatch(store, "N2", "R1", on=DAY)
    assert snapshot(store) == before
    d = lifecycle.dispatch(store, "N2", "R2", on=DAY)
    assert d["quantity"] == 1
    with pytest.raises(TransitionError, match="already covered"):
        lifecycle.dispatch(store, "N2", "R2", on=DAY)


def test_a_partly_fulfilled_dispatch_still_holds_its_units(store):
    """R1 (capacity 2) is dispatched 2 units for N1 and has delivered 1: both units stay held
    until the dispatch is fulfilled or withdrawn, so R1 has nothing left to give."""
    did = bring_to(store, "partial")
    assert dispatch_row(store, did)["status"] == "partial"
    before = snapshot(store)
    with pytest.raises(TransitionError, match="R1 has no capacity left"):
        lifecycle.dispatch(store, "N2", "R1", on=DAY)
    assert snapshot(store) == before
    ctx = matching.build_context(store, as_of=DAY)
    assert ctx.resources.set_index("id").at["R1", "remaining"] == 0
    assert ctx.needs.set_index("id").at["N1", "outstanding"] == 0
    assignments, _ = matching.assign_all(store, as_of=DAY)
    assert "R1" not in set(assignments["resource_id"])
    assert list(assignments["resource_id"]) == ["R2"]  # N2 goes to the other resource


def test_declined_units_return_to_the_resource(store):
    did = lifecycle.dispatch(store, "N1", "R1", on=DAY)["id"]
    lifecycle.decline(store, did, on=DAY)
    again = lifecycle.dispatch(store, "N1", "R1", on=DAY)
    assert again["quantity"] == 2 and again["id"] != did


def test_partial_fulfilment_then_withdraw_frees_the_rest(store):
    did = bring_to(store, "partial")
    lifecycle.withdraw(store, did, on=DAY)
    ctx = matching.build_context(store)
    assert ctx.resources.set_index("id").at["R1", "remaining"] == 1  # one delivered, one back
    assert ctx.needs.set_index("id").at["N1", "outstanding"] == 1
    d = lifecycle.dispatch(store, "N1", "R1", on=DAY)
    assert d["quantity"] == 1 and d["need_status"] == "partial"


def test_fulfilled_need_cannot_be_dispatched(store):
    bring_to(store, "fulfilled")
    before = snapshot(store)
    with pytest.raises(TransitionError, match="N1 is fulfilled; it cannot be dispatched"):
        lifecycle.dispatch(store, "N1", "R2", on=DAY)
    assert snapshot(store) == before


def test_a_need_the_list_marks_fulfilled_is_not_dispatched(store):
    before = snapshot(store)
    with pytest.raises(TransitionError, match="N3 is fulfilled"):
        lifecycle.dispatch(store, "N3", "R1", on=DAY)
    assert snapshot(store) == before
    assert "N3" not in set(matching.assign_all(store)[0]["need_id"])


def test_close_and_reopen(store):
    assert lifecycle.close_need(store, "N2", on=DAY)["status"] == "closed"
    with pytest.raises(TransitionError, match="reopens it first"):
        lifecycle.dispatch(store, "N2", "R1", on=DAY)
    assert lifecycle.reopen_need(store, "N2", on=DAY)["status"] == "open"
    assert lifecycle.dispatch(store, "N2", "R1", on=DAY)["need_status"] == "dispatched"


def test_unknown_ids(store):
    with pytest.raises(NotFoundError, match="need 'N9'"):
        lifecycle.dispatch(store, "N9", "R1")
    with pytest.raises(NotFoundError, match="resource 'R9'"):
        lifecycle.dispatch(store, "N1", "R9")
    with pytest.raises(NotFoundError, match="broker unit 'U9'"):
        lifecycle.dispatch(store, "N1", "R1", broker_id="U9")
    with pytest.raises(NotFoundError, match="dispatch 'D9'"):
        lifecycle.accept(store, "D9")
    with pytest.raises(OptionError, match="YYYY-MM-DD"):
        lifecycle.accept(store, "D9", on="1st of May")


def test_history_in_date_order(store):
    did = lifecycle.dispatch(store, "N1", "R1", on=DAY, broker_id="U2", note="经站区委员会")["id"]
    lifecycle.accept(store, did, on=DAY + dt.timedelta(days=2))
    lifecycle.fulfil(store, did, quantity=1, on=DAY + dt.timedelta(days=5))
    h = lifecycle.history(store, "N1")
    assert list(h["step"]) == ["dispatch", "accept", "fulfil"]
    assert list(h["status_after"]) == ["dispatched", "accepted", "partial"]
    assert list(h["quantity"]) == [2, pd.NA, 1] or list(h["quantity"].fillna(-1)) == [2, -1, 1]
    assert set(h["resource_id"]) == {"R1"} and h["note"].iloc[0] == "经站区委员会"
    assert dispatch_row(store, did)["broker_id"] == "U2"
    assert lifecycle.history(store, "N2").empty


def test_need_status_rule():
    d = [{"status": "accepted", "fulfilled_quantity": 0}, {"status": "dispatched", "fulfilled_quantity": None}]
    assert lifecycle.need_status(2, d) == "accepted"
    assert lifecycle.need_status(2, [{"status": "partial", "fulfilled_quantity": 1}]) == "partial"
    assert lifecycle.need_status(2, [{"status": "withdrawn", "fulfilled_quantity": 2}]) == "fulfilled"
    assert lifecycle.need_status(2, []) == "open"
    assert lifecycle.need_status(2, d, closed=True) == "closed"


# --------------------------------------------------------------------------- CLI
def test_cli_walk_dispatch_accept_fulfil_history(store):
    runner = CliRunner()
    s = ["--store", str(store.path)]
    store.close()
    r = runner.invoke(cli, ["dispatch", "N1", "R1", "--on", "2024-03-01", "--format", "json"] + s)
    assert r.exit_code == 0, r.output
    did = json.loads(r.stdout)[0]["dispatch_id"]
    r = runner.invoke(cli, ["accept", did, "--on", "2024-03-02"] + s)
    assert r.exit_code == 0 and "已接单" in r.stdout  # the status by its Chinese name, for people
    r = runner.invoke(cli, ["accept", did] + s)
    assert r.exit_code == 1 and "cannot accept it (allowed from accepted: fulfil, withdraw)" in r.output
    r = runner.invoke(cli, ["fulfil", did, "--quantity", "1", "--on", "2024-03-05", "--format", "csv"] + s)
    assert r.exit_code == 0 and "partial" in r.stdout
    r = runner.invoke(cli, ["fulfil", did, "--on", "2024-03-06", "--lang", "en"] + s)
    assert r.exit_code == 0 and "fulfilled" in r.stdout
    r = runner.invoke(cli, ["history", "N1", "--format", "json"] + s)
    rows = json.loads(r.stdout)
    assert [x["step"] for x in rows] == ["dispatch", "accept", "fulfil", "fulfil"]
    assert rows[0]["on_date"] == "2024-03-01" and rows[-1]["status_after"] == "fulfilled"
    r = runner.invoke(cli, ["close", "N1"] + s)
    assert r.exit_code == 1 and "close is allowed from" in r.output


@pytest.mark.parametrize("args, code, message", [
    (["dispatch", "N1", "R1", "--on", "2024-02-30"], 2, "Invalid value for '--on': '2024-02-30' is not a date in the form YYYY-MM-DD"),
    (["dispatch", "N1", "R1", "--quantity", "0"], 2, "0 is not in the range x>=1"),
    (["dispatch", "N9", "R1"], 1, "need 'N9' is not in the store"),
    (["accept", "D404"], 1, "dispatch 'D404' is not in the store"),
    (["history", "N9"], 1, "need 'N9' is not in the store"),
])
def test_cli_exit_codes(store, args, code, message):
    path = str(store.path)
    store.close()
    r = CliRunner().invoke(cli, args + ["--store", path])
    assert r.exit_code == code, r.output
    assert message in r.output
    assert "Traceback" not in r.output


def test_coordinator_walk_on_the_sample(sample_store, tmp_path):
    """Pick a need, see ranked resources with reasons and a broker, assign all, walk one need through."""
    path = tmp_path / "sample.lbdb"
    shutil.copy2(sample_store.path, path)
    store = open_store(path)
    ctx = matching.build_context(store)
    need = ctx.needs.loc[ctx.needs["status"] == "open", "id"].iloc[0]
    ranked = matching.match_need(None, need, context=ctx)
    assert len(ranked) and ranked["score"].is_monotonic_decreasing
    assert all(len(r) >= 4 for r in ranked["reasons"])
    stats = {}
    assignments, unmatched = matching.assign_all(None, context=ctx, stats=stats)
    assert len(assignments) > 0 and assignments["broker_id"].notna().any()
    assert stats["greedy_score"] <= stats["total_score"] + 1e-9
    used = assignments.groupby("resource_id")["units"].sum()
    assert (used <= ctx.resources.set_index("id")["remaining"][used.index]).all()
    top = ranked.iloc[0]
    d = lifecycle.dispatch(store, need, top["resource_id"], quantity=1, on=DAY, broker_id=top["broker_id"],
                           score=top["score"])
    lifecycle.accept(store, d["id"], on=DAY)
    done = lifecycle.fulfil(store, d["id"], on=DAY)
    assert done["status"] == "fulfilled"
    assert list(lifecycle.history(store, need)["step"]) == ["dispatch", "accept", "fulfil"]
    store.close()


def test_lifecycle_cypher_passes_neo4j_linter(cypher_linter):
    """The loop's Cypher is plain Neo4j Cypher over graphgov's schema (labels, types, properties)."""
    import re

    queries = []
    for name in dir(lifecycle):
        text = getattr(lifecycle, name)
        if name.startswith(("_Q_", "_C_", "_U_", "_B_")) and isinstance(text, str):
            params = {p: "x" for p in re.findall(r"\$(\w+)", text)}
            queries.append((name, text, params))
    assert len(queries) >= 12
    assert cypher_linter.check(queries) == {}


def test_recording_an_assignment_is_all_or_nothing(store):
    rows = pd.DataFrame([
        {"need_id": "N2", "resource_id": "R1", "units": 1, "score": 0.5, "broker_id": None},
        {"need_id": "N1", "resource_id": "R1", "units": 2, "score": 0.9, "broker_id": "U2"},  # R1 has 1 left
    ])
    before = snapshot(store)
    with pytest.raises(TransitionError, match="R1 has 1 of 2 units left"):
        lifecycle.dispatch_assignments(store, rows, on=DAY)
    assert snapshot(store) == before
    made = lifecycle.dispatch_assignments(store, rows.assign(units=[1, 1]), on=DAY)
    assert list(made["quantity"]) == [1, 1] and list(made["need_status"]) == ["dispatched", "dispatched"]
    tables = store.read_tables()
    d = tables["dispatches"].set_index("id")
    assert d.loc[made["dispatch_id"], "broker_id"].tolist()[1] == "U2"
    assert pd.isna(d.loc[made["dispatch_id"], "broker_id"].tolist()[0])
    # the links exist: history goes through EVENT_OF and shows the resource
    assert list(lifecycle.history(store, "N1")["resource_id"]) == ["R1"]
    assert store.query("MATCH (:Dispatch)-[r:USES]->(:Resource) RETURN count(r) AS n")["n"].iloc[0] == 2
    # the single-step path continues the numbering
    assert lifecycle.dispatch(store, "N1", "R2", on=DAY)["id"] == "D000003"


# ---- reloading a list keeps what the loop recorded ---------------------------------------------------

@pytest.mark.parametrize("replace", [False, True], ids=["merge", "replace"])
def test_reloading_the_list_keeps_the_status_the_loop_recorded(tmp_path, replace):
    from conftest import write_dataset

    tables = {**TABLES, "needs": TABLES["needs"] + [{"id": "N4", "title": "候车秩序", "category": "safety",
                                                      "unit_id": "U1", "status": "open"}]}
    folder = write_dataset(tmp_path / "data", tables)
    path = tmp_path / "s.lbdb"
    runner = CliRunner()

    def run(*args):
        result = runner.invoke(cli, [str(a) for a in args] + ["--store", str(path)], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result

    run("load", folder)
    run("dispatch", "N1", "R1", "--quantity", "1", "--on", "2024-03-01")
    run("dispatch", "N2", "R1", "--on", "2024-03-01")
    run("accept", "D000002", "--on", "2024-03-02")
    run("close", "N4", "--on", "2024-03-03")  # the list says open; closed by hand since
    with open_store(path) as s:
        before = snapshot(s)
        statuses = dict(zip(s.read_tables()["needs"]["id"], s.read_tables()["needs"]["status"]))
    assert statuses == {"N1": "dispatched", "N2": "accepted", "N3": "fulfilled", "N4": "closed"}
    for _ in range(2):  # the list (still 'open' but for N3) loaded again, twice
        result = run("load", folder, *(["--replace"] if replace else []))
        assert "needs 4 (+0, ~0)" in result.output
        with open_store(path) as s:
            assert snapshot(s) == before
    run("withdraw", "D000001", "--on", "2024-03-04")  # the loop goes on from where it was
    with open_store(path) as s:
        assert s.query("MATCH (n:Need {id: 'N1'}) RETURN n.status AS s")["s"].tolist() == ["open"]


# ---- every refusal says exactly what is wrong and what to do (mutation testing, issue 18) -------------
# The messages are the user's interface (the CLI prints them as they are); each is written out
# here from the situation set up, not read from the code.
D1, D2 = "D000001", "D000002"  # the ids the loop gives the first dispatches of a fresh store


def _two_pending_on_n1(s):
    lifecycle.dispatch(s, "N1", "R1", quantity=1, on=DAY)
    lifecycle.dispatch(s, "N1", "R2", quantity=1, on=DAY)


@pytest.mark.parametrize("setup, action, error, message", [
    # dispatch (派单)
    (None, lambda s: lifecycle.dispatch(s, "N9", "R1", on=DAY), NotFoundError,
     "need 'N9' is not in the store; 'graphgov match --all' lists the needs waiting for a resource"),
    (None, lambda s: lifecycle.dispatch(s, "N1", "R9", on=DAY), NotFoundError,
     "resource 'R9' is not in the store; 'graphgov match NEED_ID' lists the resources that fit a need"),
    ("fulfilled", lambda s: lifecycle.dispatch(s, "N1", "R2", on=DAY), TransitionError,
     "need N1 is fulfilled; it cannot be dispatched (dispatch is allowed from open, dispatched, accepted, partial)"),
    ("closed", lambda s: lifecycle.dispatch(s, "N2", "R1", on=DAY), TransitionError,
     "need N2 is closed; it cannot be dispatched (dispatch is allowed from open, dispatched, accepted, partial; "
     "'graphgov reopen' reopens it first)"),
    ("dispatched", lambda s: lifecycle.dispatch(s, "N1", "R2", on=DAY), TransitionError,
     "need N1 is already covered by its dispatches (2 units asked); withdraw or decline one before dispatching again"),
    (None, lambda s: lifecycle.dispatch(s, "N2", "R2", on=dt.date(2024, 7, 1)), TransitionError,
     "resource R2 was available until 2024-06-30, before 2024-07-01"),
    ("dispatched", lambda s: lifecycle.dispatch(s, "N2", "R1", on=DAY), TransitionError,
     "resource R1 has no capacity left (2 units, all held by dispatches)"),
    (None, lambda s: lifecycle.dispatch(s, "N1", "R1", quantity=0, on=DAY), OptionError,
     "quantity must be at least 1, not 0"),
    (None, lambda s: lifecycle.dispatch(s, "N1", "R2", quantity=2, on=DAY), TransitionError,
     "resource R2 has 1 of 1 units left; cannot dispatch 2"),
    (None, lambda s: lifecycle.dispatch(s, "N2", "R1", quantity=2, on=DAY), TransitionError,
     "need N2 asks for 1 more units; cannot dispatch 2"),
    # the steps of a dispatch
    (None, lambda s: lifecycle.accept(s, "D9", on=DAY), NotFoundError,
     "dispatch 'D9' is not in the store; 'graphgov history NEED' lists a need's dispatches"),
    ("fulfilled", lambda s: lifecycle.withdraw(s, D1, on=DAY), TransitionError,
     "dispatch D000001 is fulfilled; cannot withdraw it (a fulfilled dispatch is final; nothing more can be done "
     "with it)"),
    ("dispatched", lambda s: lifecycle.fulfil(s, D1, on=DAY), TransitionError,
     "dispatch D000001 is dispatched; cannot fulfil it (allowed from dispatched: accept, decline, withdraw)"),
    ("dispatched", lambda s: lifecycle.accept(s, D1, on=DAY - dt.timedelta(days=1)), TransitionError,
     "accept on 2024-02-29 is earlier than the dispatch's last step on 2024-03-01"),
    ("accepted", lambda s: lifecycle.fulfil(s, D1, quantity=0, on=DAY), OptionError,
     "quantity must be at least 1, not 0"),
    ("partial", lambda s: lifecycle.fulfil(s, D1, quantity=2, on=DAY), TransitionError,
     "dispatch D000001 has 1 of 2 units still to deliver; cannot fulfil 2"),
    # the steps of a need
    (None, lambda s: lifecycle.close_need(s, "N9", on=DAY), NotFoundError,
     "need 'N9' is not in the store; 'graphgov match --all' lists the needs waiting for a resource"),
    (None, lambda s: lifecycle.reopen_need(s, "N1", on=DAY), TransitionError,
     "need N1 is open; cannot reopen it (reopen is allowed from closed)"),
    ("closed", lambda s: lifecycle.close_need(s, "N2", on=DAY), TransitionError,
     "need N2 is closed; cannot close it (close is allowed from open, dispatched, accepted, partial)"),
    (_two_pending_on_n1, lambda s: lifecycle.close_need(s, "N1", on=DAY), TransitionError,
     "need N1 has pending dispatches (D000001, D000002); withdraw them before closing it"),
], ids=lambda v: v if isinstance(v, str) and len(v) < 12 else None)
def test_every_refusal_says_exactly_why_and_changes_nothing(store, setup, action, error, message):
    if setup == "closed":
        lifecycle.close_need(store, "N2", on=DAY)
    elif callable(setup):
        setup(store)
    elif setup:
        bring_to(store, setup)
    before = snapshot(store)
    with pytest.raises(error) as err:
        action(store)
    assert str(err.value) == message
    assert snapshot(store) == before


def test_a_dispatch_takes_what_the_need_lacks_up_to_what_the_resource_has_left(store):
    # N1 asks for 2, R2 has 1 unit: 1 unit; then N1 lacks 1 and R1 has 2: 1 unit
    assert lifecycle.dispatch(store, "N1", "R2", on=DAY)["quantity"] == 1
    second = lifecycle.dispatch(store, "N1", "R1", on=DAY)
    assert second["quantity"] == 1 and second["need_status"] == "dispatched"
    # R1 has 1 left for N2 (1 unit)
    assert lifecycle.dispatch(store, "N2", "R1", on=DAY)["quantity"] == 1


def test_a_resource_can_be_dispatched_on_its_last_day(store):
    d = lifecycle.dispatch(store, "N2", "R2", on=dt.date(2024, 6, 30))  # available until 2024-06-30, inclusive
    assert d["quantity"] == 1 and d["dispatched"] == dt.date(2024, 6, 30)


def test_a_later_step_may_not_be_dated_before_the_last_one(store):
    did = lifecycle.dispatch(store, "N1", "R1", on=DAY)["id"]
    lifecycle.accept(store, did, on=DAY + dt.timedelta(days=2))
    with pytest.raises(TransitionError, match="last step on 2024-03-03"):
        lifecycle.fulfil(store, did, quantity=1, on=DAY + dt.timedelta(days=1))
    lifecycle.fulfil(store, did, quantity=1, on=DAY + dt.timedelta(days=5))  # partial on 03-06
    with pytest.raises(TransitionError, match="last step on 2024-03-06"):
        lifecycle.withdraw(store, did, on=DAY + dt.timedelta(days=4))
    assert lifecycle.withdraw(store, did, on=DAY + dt.timedelta(days=5))["status"] == "withdrawn"  # same day is fine


def test_each_step_records_its_date_units_and_statuses(store):
    """The events of one need walked by hand: N1 asks for 2 units."""
    did = lifecycle.dispatch(store, "N1", "R1", on=DAY)["id"]
    lifecycle.accept(store, did, on="2024-03-02")
    lifecycle.fulfil(store, did, quantity=1, on="2024-03-03", note="第一批")
    lifecycle.withdraw(store, did, on="2024-03-04")  # 1 unit delivered, 1 goes back to R1
    lifecycle.close_need(store, "N1", on="2024-03-05", note="够用了")
    assert lifecycle.reopen_need(store, "N1", on="2024-03-06") == {"id": "N1", "status": "partial"}
    h = lifecycle.history(store, "N1")
    assert list(h["step"]) == ["dispatch", "accept", "fulfil", "withdraw", "close", "reopen"]
    assert [d.isoformat() for d in h["on_date"]] == [f"2024-03-0{k}" for k in range(1, 7)]
    assert list(h["status_before"]) == ["open", "dispatched", "accepted", "partial", "partial", "closed"]
    assert list(h["status_after"]) == ["dispatched", "accepted", "partial", "partial", "closed", "partial"]
    assert list(h["quantity"].fillna(-1)) == [2, -1, 1, 1, -1, -1]
    assert list(h["dispatch_id"].fillna("")) == [did] * 4 + ["", ""]
    assert list(h["note"].fillna("")) == ["", "", "第一批", "", "够用了", ""]
    row = dispatch_row(store, did)
    assert (row["status"], row["quantity"], row["fulfilled_quantity"]) == ("withdrawn", 2, 1)
    assert (row["accepted"].date(), row["fulfilled"].date()) == (dt.date(2024, 3, 2), dt.date(2024, 3, 3))
    assert matching.build_context(store, as_of=DAY).resources.set_index("id").at["R1", "remaining"] == 1


def test_a_need_keeps_the_status_its_list_gave_it_until_the_loop_dispatches_it(store):
    # N3 is fulfilled by its list (no dispatch): closing is refused from fulfilled
    with pytest.raises(TransitionError, match="need N3 is fulfilled; cannot close it"):
        lifecycle.close_need(store, "N3", on=DAY)
    # N2 has no status in its list: open
    assert lifecycle.close_need(store, "N2", on=DAY)["status"] == "closed"


def test_need_status_at_the_edges():
    assert lifecycle.need_status(1, [{"status": "fulfilled", "fulfilled_quantity": 1}]) == "fulfilled"  # exactly
    assert lifecycle.need_status(3, [{"status": "fulfilled", "fulfilled_quantity": 1},
                                     {"status": "partial", "fulfilled_quantity": 1}]) == "partial"  # 2 of 3
    assert lifecycle.need_status(3, [{"status": "fulfilled", "fulfilled_quantity": 1},
                                     {"status": "partial", "fulfilled_quantity": 2}]) == "fulfilled"  # 3 of 3
    assert lifecycle.need_status(1, [{"status": "dispatched", "fulfilled_quantity": 0},
                                     {"status": "declined"}]) == "dispatched"
    assert lifecycle.need_status(1, [{"status": "declined", "fulfilled_quantity": None}]) == "open"


def test_a_need_closed_while_partly_served_and_then_fulfilled_is_fulfilled_when_reopened(store):
    """Closing waits only for pending dispatches (dispatched, accepted), so a partial one may still
    deliver its last unit while the need is closed: the need stays closed, and reopening it finds it
    fulfilled; its fulfilment date is the day its status became fulfilled, the reopening."""
    did = bring_to(store, "partial")  # N1: 1 of 2 units delivered
    lifecycle.close_need(store, "N1", on="2024-03-02")
    assert lifecycle.fulfil(store, did, on="2024-03-03")["need_status"] == "closed"
    assert lifecycle.reopen_need(store, "N1", on="2024-03-04") == {"id": "N1", "status": "fulfilled"}
    need = store.query("MATCH (n:Need {id: 'N1'}) RETURN n.status AS s, n.fulfilled_on AS f, n.closed_on AS c")
    assert need["s"].iloc[0] == "fulfilled" and pd.isna(need["c"].iloc[0])
    assert pd.Timestamp(need["f"].iloc[0]).date() == dt.date(2024, 3, 4)


def test_each_step_is_stamped_with_the_clock_it_is_given(store):
    """``now`` is the clock of the recording (passed in, so the stamp can be checked): every step's event
    carries it, to the second."""
    clock = iter(dt.datetime(2024, 3, 1, 9, m, 30, 999) for m in range(10))
    did = lifecycle.dispatch(store, "N1", "R1", on=DAY, now=next(clock))["id"]
    lifecycle.accept(store, did, on=DAY, now=next(clock))
    lifecycle.fulfil(store, did, quantity=1, on=DAY, now=next(clock))
    lifecycle.withdraw(store, did, on=DAY, now=next(clock))
    lifecycle.close_need(store, "N1", on=DAY, now=next(clock))
    lifecycle.reopen_need(store, "N1", on=DAY, now=next(clock))
    lifecycle.dispatch_assignments(store, pd.DataFrame([{"need_id": "N2", "resource_id": "R1", "units": 1,
                                                        "score": 0.5, "broker_id": None}]), on=DAY, now=next(clock))
    stamps = list(lifecycle.history(store, "N1")["recorded_at"]) + list(lifecycle.history(store, "N2")["recorded_at"])
    assert stamps == [f"2024-03-01T09:0{m}:30" for m in range(7)]


def test_a_step_on_a_dispatch_whose_need_was_deleted_says_so(store):
    """A need deleted behind graphgov's back (by hand, in the database): the step is refused, not crashed."""
    did = lifecycle.dispatch(store, "N1", "R1", on=DAY)["id"]
    with store.transaction():
        store.query("MATCH (n:Need {id: 'N1'}) DETACH DELETE n")
    with pytest.raises(NotFoundError) as err:
        lifecycle.accept(store, did, on=DAY)
    assert str(err.value) == "need 'N1' is not in the store; the dispatch points to a need that is gone"
    assert dispatch_row(store, did)["status"] == "dispatched"


def test_a_need_served_by_two_dispatches_follows_both(store):
    """N1 asks for 2: one unit from R1 and one from R2. Delivering R1's unit leaves N1 partial (1 of 2);
    withdrawing R2's then leaves it partial; dispatching again and delivering makes it fulfilled."""
    d1 = lifecycle.dispatch(store, "N1", "R1", quantity=1, on=DAY)["id"]
    d2 = lifecycle.dispatch(store, "N1", "R2", quantity=1, on=DAY)["id"]
    lifecycle.accept(store, d1, on=DAY)
    assert lifecycle.fulfil(store, d1, on=DAY)["need_status"] == "partial"
    assert lifecycle.withdraw(store, d2, on=DAY)["need_status"] == "partial"
    d3 = lifecycle.dispatch(store, "N1", "R1", on=DAY)  # R1 (2 units) has one left, N1 lacks one
    assert (d3["quantity"], d3["need_status"]) == (1, "partial")
    lifecycle.accept(store, d3["id"], on=DAY)
    assert lifecycle.fulfil(store, d3["id"], on=DAY)["need_status"] == "fulfilled"
    assert need_of(store, "N1") == "fulfilled"


def test_a_need_without_a_quantity_asks_for_one_unit(store):
    with store.transaction():
        store.query("MATCH (n:Need {id: 'N2'}) SET n.quantity = NULL")
    d = lifecycle.dispatch(store, "N2", "R1", on=DAY)  # R1 has 2 units; the need asks for 1
    assert d["quantity"] == 1
    lifecycle.accept(store, d["id"], on=DAY)
    assert lifecycle.fulfil(store, d["id"], on=DAY)["need_status"] == "fulfilled"


def test_a_resource_without_a_capacity_offers_the_default(store):
    with store.transaction():
        store.query("MATCH (r:Resource {id: 'R1'}) SET r.capacity = NULL")
    assert lifecycle.dispatch(store, "N1", "R1", on=DAY)["quantity"] == 1  # the default capacity is 1
    with pytest.raises(TransitionError, match="R1 has no capacity left"):
        lifecycle.dispatch(store, "N2", "R1", on=DAY)
    assert lifecycle.dispatch(store, "N2", "R1", on=DAY, default_capacity=2)["quantity"] == 1
