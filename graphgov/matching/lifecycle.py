"""The order–dispatch–accept loop (点单-派单-接单): dispatches, their steps and a need's history.

A need (its quantity: units asked, 1 when not stated) is served by one or more
*dispatches* (派单), each reserving units of one resource's capacity. A dispatch moves

    dispatched ──accept──▶ accepted ──fulfil──▶ fulfilled
        │                     │  └──fulfil (fewer units)──▶ partial ──fulfil──▶ fulfilled
        ├──decline──▶ declined │                               │
        └──withdraw─▶ withdrawn ◀──────withdraw────────────────┘

and the need's status follows from its dispatches: ``fulfilled`` when the units
delivered reach its quantity, else ``partial`` when some were delivered, else
``accepted`` / ``dispatched`` when a dispatch is at that step, else ``open``. A need
can also be ``closed`` (关闭) by hand when no dispatch is pending, and reopened.
Each step also keeps the need's milestone dates (``dispatched_on``, ``accepted_on``,
``fulfilled_on``, ``closed_on``: the first of each) and, on fulfilling or closing, the
raising unit's satisfaction ``rating``, which trends and reports read.

Every step is one store transaction that writes the dispatch, a NeedEvent (step, date,
statuses before and after) and the need's status; a refused step raises
:class:`~graphgov.errors.TransitionError` before anything is written, and any error
rolls the transaction back.
"""
from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from graphgov.errors import NotFoundError, OptionError, TransitionError
from graphgov.matching.milestones import milestones as _milestones, rating_code as _rating
from graphgov.matching.scoring import LIVE_DISPATCH

__all__ = [
    "DISPATCH_ACTIONS",
    "NEED_ACTIONS",
    "dispatch",
    "dispatch_assignments",
    "accept",
    "decline",
    "fulfil",
    "withdraw",
    "close_need",
    "reopen_need",
    "history",
    "need_status",
]

# What each dispatch status allows, and where the step leads ("fulfil" may lead to
# partial or fulfilled depending on the units delivered).
DISPATCH_ACTIONS: dict[str, dict[str, str]] = {
    "dispatched": {"accept": "accepted", "decline": "declined", "withdraw": "withdrawn"},
    "accepted": {"fulfil": "fulfilled", "withdraw": "withdrawn"},
    "partial": {"fulfil": "fulfilled", "withdraw": "withdrawn"},
    "fulfilled": {},
    "declined": {},
    "withdrawn": {},
}
# Need-level steps and the need statuses they are allowed from.
NEED_ACTIONS: dict[str, tuple[str, ...]] = {
    "dispatch": ("open", "dispatched", "accepted", "partial"),
    "close": ("open", "dispatched", "accepted", "partial"),
    "reopen": ("closed",),
}
_PENDING = ("dispatched", "accepted")

_DISPATCH_COLS = ("id", "need_id", "resource_id", "status", "quantity", "fulfilled_quantity", "score", "broker_id",
                  "dispatched", "accepted", "fulfilled")
_EVENT_COLS = ("id", "need_id", "dispatch_id", "step", "on_date", "status_before", "status_after", "quantity", "note",
               "recorded_at")

_Q_NEED = "MATCH (n:Need {id: $id}) RETURN n.id AS id, n.title AS title, n.status AS status, n.quantity AS quantity"
_Q_RESOURCE = ("MATCH (r:Resource {id: $id}) RETURN r.id AS id, r.title AS title, r.capacity AS capacity, "
               "r.available_until AS available_until")
_Q_UNIT = "MATCH (u:Unit {id: $id}) RETURN u.id AS id"
_RETURN_D = ", ".join(f"d.{c} AS {c}" for c in _DISPATCH_COLS)
_Q_DISPATCH = f"MATCH (d:Dispatch {{id: $id}}) RETURN {_RETURN_D}"
_Q_NEED_DISPATCHES = f"MATCH (d:Dispatch) WHERE d.need_id = $id RETURN {_RETURN_D}"
_Q_RESOURCE_DISPATCHES = f"MATCH (d:Dispatch) WHERE d.resource_id = $id RETURN {_RETURN_D}"
_Q_IDS = "MATCH (d:Dispatch) RETURN d.id AS id"
_Q_EVENT_IDS = "MATCH (e:NeedEvent) RETURN e.id AS id"
_C_DISPATCH = ("CREATE (d:Dispatch {id: $id, need_id: $need_id, resource_id: $resource_id, status: $status, "
               "quantity: $quantity, fulfilled_quantity: $fulfilled_quantity, score: $score, broker_id: $broker_id, "
               "dispatched: $dispatched, accepted: $accepted, fulfilled: $fulfilled})")
_C_FOR_NEED = "MATCH (d:Dispatch {id: $d}) WITH d MATCH (n:Need {id: $n}) CREATE (d)-[:FOR_NEED]->(n)"
_C_USES = "MATCH (d:Dispatch {id: $d}) WITH d MATCH (r:Resource {id: $r}) CREATE (d)-[:USES]->(r)"
_U_DISPATCH = ("MATCH (d:Dispatch {id: $id}) SET d.status = $status, d.quantity = $quantity, "
               "d.fulfilled_quantity = $fulfilled_quantity, d.accepted = $accepted, d.fulfilled = $fulfilled")
_C_EVENT = ("CREATE (e:NeedEvent {id: $id, need_id: $need_id, dispatch_id: $dispatch_id, step: $step, "
            "on_date: $on_date, status_before: $status_before, status_after: $status_after, quantity: $quantity, "
            "note: $note, recorded_at: $recorded_at})")
_C_EVENT_OF = "MATCH (e:NeedEvent {id: $e}) WITH e MATCH (n:Need {id: $n}) CREATE (e)-[:EVENT_OF]->(n)"
_U_NEED = "MATCH (n:Need {id: $id}) SET n.status = $status"
_Q_ALL_NEEDS = "MATCH (n:Need) RETURN n.id AS id, n.status AS status, n.quantity AS quantity"
_Q_ALL_RESOURCES = ("MATCH (r:Resource) RETURN r.id AS id, r.capacity AS capacity, "
                    "r.available_until AS available_until")
_Q_ALL_UNITS = "MATCH (u:Unit) RETURN u.id AS id"
_Q_ALL_DISPATCHES = f"MATCH (d:Dispatch) RETURN {_RETURN_D}"
_B_DISPATCH = ("UNWIND $rows AS r CREATE (d:Dispatch {id: r.id, need_id: r.need_id, resource_id: r.resource_id, "
               "status: r.status, quantity: r.quantity, fulfilled_quantity: r.fulfilled_quantity, score: r.score, "
               "broker_id: r.broker_id, dispatched: r.dispatched, accepted: r.accepted, fulfilled: r.fulfilled})")
_B_LINKS = ("UNWIND $rows AS r MATCH (d:Dispatch {id: r.id}) MATCH (n:Need {id: r.need_id}) "
            "MATCH (x:Resource {id: r.resource_id}) "
            "CREATE (d)-[:FOR_NEED]->(n) CREATE (d)-[:USES]->(x)")
_B_EVENT = ("UNWIND $rows AS r CREATE (e:NeedEvent {id: r.id, need_id: r.need_id, dispatch_id: r.dispatch_id, "
            "step: r.step, on_date: r.on_date, status_before: r.status_before, status_after: r.status_after, "
            "quantity: r.quantity, note: r.note, recorded_at: r.recorded_at}) "
            "WITH e, r MATCH (n:Need {id: r.need_id}) CREATE (e)-[:EVENT_OF]->(n)")
_B_NEED_STATUS = ("UNWIND $rows AS r MATCH (n:Need {id: r.id}) SET n.status = r.status, "
                  "n.dispatched_on = coalesce(n.dispatched_on, r.day)")
_BATCH = 2000
_Q_HISTORY = ("MATCH (e:NeedEvent)-[:EVENT_OF]->(n:Need {id: $id}) "
              "OPTIONAL MATCH (d:Dispatch {id: e.dispatch_id}) "
              "RETURN e.id AS event_id, e.on_date AS on_date, e.step AS step, e.dispatch_id AS dispatch_id, "
              "d.resource_id AS resource_id, e.quantity AS quantity, e.status_before AS status_before, "
              "e.status_after AS status_after, e.note AS note, e.recorded_at AS recorded_at")


# --------------------------------------------------------------------------- helpers
def _value(v):
    if v is None:
        return None
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(v, pd.Timestamp):
        return v.date()
    if hasattr(v, "item"):
        return v.item()
    return v


def _rows(df: pd.DataFrame) -> list[dict]:
    return [{k: _value(v) for k, v in r.items()} for r in df.to_dict("records")]


def _one(store, cypher: str, key: str, what: str, hint: str) -> dict:
    rows = _rows(store.query(cypher, {"id": key}))
    if not rows:
        raise NotFoundError(f"{what} {key!r} is not in the store; {hint}")
    return rows[0]


def _units(v) -> int:
    return int(v) if v is not None else 0


def _used(d: dict) -> int:
    """Units a dispatch holds: its reservation while live, what it delivered otherwise."""
    done = _units(d.get("fulfilled_quantity"))
    if d["status"] in LIVE_DISPATCH:
        return max(_units(d.get("quantity")), done)
    return done


def need_status(quantity: int, dispatches: list[dict], closed: bool = False) -> str:
    """The status a need has given its quantity and its dispatches (see the module doc)."""
    if closed:
        return "closed"
    delivered = sum(_units(d.get("fulfilled_quantity")) for d in dispatches)
    if delivered >= quantity:
        return "fulfilled"
    if delivered > 0:
        return "partial"
    states = {d["status"] for d in dispatches}
    if "accepted" in states:
        return "accepted"
    if "dispatched" in states:
        return "dispatched"
    return "open"


def _quantity(need: dict) -> int:
    q = need.get("quantity")
    return max(1, int(q)) if q is not None else 1


def _next_id(store, cypher: str, prefix: str, taken: set[str] = frozenset()) -> str:
    ids = list(store.query(cypher)["id"]) + list(taken)  # ids of another form (imported) are skipped
    numbers = [int(m.group(1)) for i in ids if isinstance(i, str) and (m := re.fullmatch(rf"{prefix}(\d+)", i))]
    return f"{prefix}{max(numbers, default=0) + 1:06d}"


def _today(on) -> dt.date:
    if on is None:
        return dt.date.today()
    if isinstance(on, dt.datetime):
        return on.date()
    if isinstance(on, dt.date):
        return on
    try:
        return dt.date.fromisoformat(str(on))
    except ValueError as err:
        raise OptionError(f"date {on!r} is not YYYY-MM-DD") from err


def _allowed_text(status: str) -> str:
    allowed = DISPATCH_ACTIONS.get(status, {})
    if not allowed:
        return f"a {status} dispatch is final; nothing more can be done with it"
    return "allowed from " + status + ": " + ", ".join(allowed)


def _record_event(store, need_id: str, dispatch_id: str | None, step: str, on: dt.date, before: str, after: str,
                  quantity: int | None, note: str | None, now: dt.datetime | None, taken: set[str]) -> str:
    eid = _next_id(store, _Q_EVENT_IDS, "E", taken)
    taken.add(eid)
    stamp = (now or dt.datetime.now()).isoformat(timespec="seconds")
    store.query(_C_EVENT, {"id": eid, "need_id": need_id, "dispatch_id": dispatch_id, "step": step, "on_date": on,
                           "status_before": before, "status_after": after, "quantity": quantity, "note": note,
                           "recorded_at": stamp})
    store.query(_C_EVENT_OF, {"e": eid, "n": need_id})
    return eid


def _set_need_status(store, need: dict, dispatches: list[dict]) -> str:
    status = need_status(_quantity(need), dispatches, closed=need.get("status") == "closed")
    store.query(_U_NEED, {"id": need["id"], "status": status})
    return status


def _current_need_status(need: dict, dispatches: list[dict]) -> str:
    # a need graphgov has not dispatched keeps the status its list gave it (e.g. fulfilled)
    if not dispatches:
        return need.get("status") or "open"
    return need_status(_quantity(need), dispatches, closed=need.get("status") == "closed")


# --------------------------------------------------------------------------- dispatch
def _check_dispatch(need: dict, res: dict, need_ds: list[dict], res_ds: list[dict], quantity: int | None,
                    on: dt.date, default_capacity: int) -> tuple[int, str]:
    """The units a new dispatch may reserve and the need's status before it; raises when refused."""
    need_id, resource_id = need["id"], res["id"]
    before = _current_need_status(need, need_ds)
    if before not in NEED_ACTIONS["dispatch"]:
        raise TransitionError(f"need {need_id} is {before}; it cannot be dispatched (dispatch is allowed from "
                              f"{', '.join(NEED_ACTIONS['dispatch'])}"
                              + ("; 'graphgov reopen' reopens it first)" if before == "closed" else ")"))
    outstanding = _quantity(need) - sum(_used(d) for d in need_ds)
    if outstanding <= 0:
        raise TransitionError(f"need {need_id} is already covered by its dispatches "
                              f"({_quantity(need)} units asked); withdraw or decline one before dispatching again")
    until = _value(res.get("available_until"))
    if until is not None and until < on:
        raise TransitionError(f"resource {resource_id} was available until {until}, before {on}")
    cap = res.get("capacity")
    capacity = int(cap) if cap is not None else default_capacity
    remaining = capacity - sum(_used(d) for d in res_ds)
    if remaining <= 0:
        raise TransitionError(f"resource {resource_id} has no capacity left ({capacity} units, all held by dispatches)")
    if quantity is None:
        quantity = min(outstanding, remaining)
    if quantity < 1:
        raise OptionError(f"quantity must be at least 1, not {quantity}")
    if quantity > remaining:
        raise TransitionError(f"resource {resource_id} has {remaining} of {capacity} units left; "
                              f"cannot dispatch {quantity}")
    if quantity > outstanding:
        raise TransitionError(f"need {need_id} asks for {outstanding} more units; cannot dispatch {quantity}")
    return quantity, before


def _dispatch_row(did, need_id, resource_id, quantity, on, broker_id, score) -> dict:
    return {"id": did, "need_id": need_id, "resource_id": resource_id, "status": "dispatched", "quantity": quantity,
            "fulfilled_quantity": 0, "score": None if score is None else float(score), "broker_id": broker_id,
            "dispatched": on, "accepted": None, "fulfilled": None}


def _create_dispatch(store, need_id: str, resource_id: str, quantity: int | None, on: dt.date, broker_id, score,
                     note, now, default_capacity: int) -> dict:
    need = _one(store, _Q_NEED, need_id, "need", "'graphgov match --all' lists the needs waiting for a resource")
    res = _one(store, _Q_RESOURCE, resource_id, "resource", "'graphgov match NEED_ID' lists the resources that fit a need")
    broker_id = _value(broker_id)  # NaN from a DataFrame cell means none
    if broker_id is not None:
        _one(store, _Q_UNIT, broker_id, "broker unit", "give a unit id from the units list")
    # capacity is read under the resource's write lock, so two coordinators cannot both take its last unit
    store.lock("Resource", resource_id)
    need_ds = _rows(store.query(_Q_NEED_DISPATCHES, {"id": need_id}))
    res_ds = _rows(store.query(_Q_RESOURCE_DISPATCHES, {"id": resource_id}))
    quantity, before = _check_dispatch(need, res, need_ds, res_ds, quantity, on, default_capacity)
    did = _next_id(store, _Q_IDS, "D")
    row = _dispatch_row(did, need_id, resource_id, quantity, on, broker_id, score)
    store.query(_C_DISPATCH, row)
    store.query(_C_FOR_NEED, {"d": did, "n": need_id})
    store.query(_C_USES, {"d": did, "r": resource_id})
    after = _set_need_status(store, need, need_ds + [row])
    _milestones(store, need_id, "dispatch", after, on)
    _record_event(store, need_id, did, "dispatch", on, before, after, quantity, note, now, set())
    return {**row, "need_status": after}


def dispatch(store, need_id: str, resource_id: str, quantity: int | None = None, on=None, broker_id: str | None = None,
             score: float | None = None, note: str | None = None, now: dt.datetime | None = None,
             default_capacity: int = 1) -> dict:
    """Dispatch a need to a resource (派单), reserving ``quantity`` units of its capacity.

    ``quantity`` defaults to what the need still lacks, capped by the resource's
    capacity left. Returns the new dispatch as a dict (with ``need_status``).

    Raises NotFoundError for an unknown need, resource or broker; TransitionError when
    the need is fulfilled or closed, already covered, or the resource lacks capacity.
    """
    on = _today(on)
    with store.transaction():
        return _create_dispatch(store, need_id, resource_id, quantity, on, broker_id, score, note, now,
                                default_capacity)


def dispatch_assignments(store, assignments: pd.DataFrame, on=None, note: str | None = None,
                         now: dt.datetime | None = None, default_capacity: int = 1) -> pd.DataFrame:
    """Record a whole assignment (:func:`graphgov.matching.assign.assign_all`) as dispatches, all or nothing.

    Every row is checked as :func:`dispatch` checks one (against the store and the rows
    before it); the first refusal raises and nothing is written. The writes are batched
    (``UNWIND``) so that a city's assignment is recorded in seconds.

    Returns one row per dispatch created: ``dispatch_id``, ``need_id``, ``resource_id``,
    ``quantity``, ``need_status``.
    """
    on = _today(on)
    cols = ["dispatch_id", "need_id", "resource_id", "quantity", "need_status"]
    if assignments.empty:
        return pd.DataFrame(columns=cols)
    stamp = (now or dt.datetime.now()).isoformat(timespec="seconds")
    with store.transaction():
        needs = {r["id"]: r for r in _rows(store.query(_Q_ALL_NEEDS))}
        resources = {r["id"]: r for r in _rows(store.query(_Q_ALL_RESOURCES))}
        units = set(store.query(_Q_ALL_UNITS)["id"])
        known = _rows(store.query(_Q_ALL_DISPATCHES))
        by_need, by_res = {}, {}
        for d in known:
            by_need.setdefault(d["need_id"], []).append(d)
            by_res.setdefault(d["resource_id"], []).append(d)
        first_d = int(_next_id(store, _Q_IDS, "D")[1:])
        first_e = int(_next_id(store, _Q_EVENT_IDS, "E")[1:])
        created, events, before_of = [], [], {}
        for k, a in enumerate(assignments.itertuples(index=False)):
            need, res = needs.get(a.need_id), resources.get(a.resource_id)
            if need is None:
                raise NotFoundError(f"need {a.need_id!r} is not in the store")
            if res is None:
                raise NotFoundError(f"resource {a.resource_id!r} is not in the store")
            broker = _value(a.broker_id)
            if broker is not None and broker not in units:
                raise NotFoundError(f"broker unit {broker!r} is not in the store")
            need_ds, res_ds = by_need.setdefault(a.need_id, []), by_res.setdefault(a.resource_id, [])
            quantity, before = _check_dispatch(need, res, need_ds, res_ds, int(a.units), on, default_capacity)
            row = _dispatch_row(f"D{first_d + k:06d}", a.need_id, a.resource_id, quantity, on, broker, a.score)
            need_ds.append(row)
            res_ds.append(row)
            created.append(row)
            before_of.setdefault(a.need_id, before)
            after = _current_need_status(need, need_ds)
            events.append({"id": f"E{first_e + k:06d}", "need_id": a.need_id, "dispatch_id": row["id"],
                           "step": "dispatch", "on_date": on, "status_before": before, "status_after": after,
                           "quantity": quantity, "note": note, "recorded_at": stamp})
        status = [{"id": n, "status": _current_need_status(needs[n], by_need[n]), "day": on} for n in before_of]
        for chunk in range(0, len(created), _BATCH):
            part, ev = created[chunk:chunk + _BATCH], events[chunk:chunk + _BATCH]
            store.query(_B_DISPATCH, {"rows": part})
            store.query(_B_LINKS, {"rows": [{k: d[k] for k in ("id", "need_id", "resource_id")} for d in part]})
            store.query(_B_EVENT, {"rows": ev})
        for chunk in range(0, len(status), _BATCH):
            store.query(_B_NEED_STATUS, {"rows": status[chunk:chunk + _BATCH]})
    final = {s_["id"]: s_["status"] for s_ in status}
    return pd.DataFrame([{"dispatch_id": d["id"], "need_id": d["need_id"], "resource_id": d["resource_id"],
                          "quantity": d["quantity"], "need_status": final[d["need_id"]]} for d in created], columns=cols)


# --------------------------------------------------------------------------- steps
def _step(store, dispatch_id: str, step: str, on, note, now, quantity: int | None = None, rating=None) -> dict:
    on = _today(on)
    rating = _rating(rating)
    with store.transaction():
        d = _one(store, _Q_DISPATCH, dispatch_id, "dispatch", "'graphgov history NEED' lists a need's dispatches")
        allowed = DISPATCH_ACTIONS.get(d["status"], {})
        if step not in allowed:
            raise TransitionError(f"dispatch {dispatch_id} is {d['status']}; cannot {step} it ({_allowed_text(d['status'])})")
        last = max((x for x in (d.get("dispatched"), d.get("accepted"), d.get("fulfilled")) if x is not None),
                   default=None)
        if last is not None and on < last:
            raise TransitionError(f"{step} on {on} is earlier than the dispatch's last step on {last}")
        need = _one(store, _Q_NEED, d["need_id"], "need", "the dispatch points to a need that is gone")
        need_ds = _rows(store.query(_Q_NEED_DISPATCHES, {"id": d["need_id"]}))
        before = _current_need_status(need, need_ds)
        new = dict(d)
        reserved, done = _units(d.get("quantity")), _units(d.get("fulfilled_quantity"))
        moved = None
        if step == "accept":
            new.update(status="accepted", accepted=on)
        elif step == "decline":
            new.update(status="declined")
        elif step == "withdraw":
            new.update(status="withdrawn")
            moved = reserved - done
        elif step == "fulfil":
            left = reserved - done
            moved = left if quantity is None else quantity
            if moved < 1:
                raise OptionError(f"quantity must be at least 1, not {moved}")
            if moved > left:
                raise TransitionError(f"dispatch {dispatch_id} has {left} of {reserved} units still to deliver; "
                                      f"cannot fulfil {moved}")
            new.update(fulfilled_quantity=done + moved, fulfilled=on,
                       status="fulfilled" if done + moved == reserved else "partial")
        store.query(_U_DISPATCH, {k: new[k] for k in ("id", "status", "quantity", "fulfilled_quantity", "accepted",
                                                      "fulfilled")})
        ds = [new if x["id"] == dispatch_id else x for x in need_ds]
        after = _set_need_status(store, need, ds)
        _milestones(store, d["need_id"], step, after, on, rating)
        _record_event(store, d["need_id"], dispatch_id, step, on, before, after, moved, note, now, set())
        return {**new, "need_status": after}


def accept(store, dispatch_id: str, on=None, note: str | None = None, now: dt.datetime | None = None) -> dict:
    """The provider accepts a dispatch (接单). Returns the dispatch (with ``need_status``).

    Raises NotFoundError for an unknown dispatch, TransitionError unless it is dispatched.
    """
    return _step(store, dispatch_id, "accept", on, note, now)


def decline(store, dispatch_id: str, on=None, note: str | None = None, now: dt.datetime | None = None) -> dict:
    """The provider declines a dispatch (拒单); its units go back to the resource."""
    return _step(store, dispatch_id, "decline", on, note, now)


def withdraw(store, dispatch_id: str, on=None, note: str | None = None, now: dt.datetime | None = None) -> dict:
    """The committee withdraws a dispatch (撤回); undelivered units go back to the resource."""
    return _step(store, dispatch_id, "withdraw", on, note, now)


def fulfil(store, dispatch_id: str, quantity: int | None = None, on=None, note: str | None = None,
           now: dt.datetime | None = None, rating=None) -> dict:
    """Record delivery (完成) of ``quantity`` units (default: all still due) on an accepted dispatch.

    Fewer units than due leave the dispatch ``partial``; a later fulfil can finish it.
    ``rating`` (满意 / 基本满意 / 不满意, or a score 1–5) records the raising unit's rating.
    """
    return _step(store, dispatch_id, "fulfil", on, note, now, quantity, rating)


def _need_step(store, need_id: str, step: str, on, note, now, rating=None) -> dict:
    on = _today(on)
    rating = _rating(rating)
    with store.transaction():
        need = _one(store, _Q_NEED, need_id, "need", "'graphgov match --all' lists the needs waiting for a resource")
        ds = _rows(store.query(_Q_NEED_DISPATCHES, {"id": need_id}))
        before = _current_need_status(need, ds)
        if before not in NEED_ACTIONS[step]:
            raise TransitionError(f"need {need_id} is {before}; cannot {step} it ({step} is allowed from "
                                  f"{', '.join(NEED_ACTIONS[step])})")
        pending = [d["id"] for d in ds if d["status"] in _PENDING]
        if step == "close" and pending:
            raise TransitionError(f"need {need_id} has pending dispatches ({', '.join(pending)}); withdraw them "
                                  f"before closing it")
        after = "closed" if step == "close" else need_status(_quantity(need), ds)
        store.query(_U_NEED, {"id": need_id, "status": after})
        _milestones(store, need_id, step, after, on, rating)
        _record_event(store, need_id, None, step, on, before, after, None, note, now, set())
        return {"id": need_id, "status": after}


def close_need(store, need_id: str, on=None, note: str | None = None, now: dt.datetime | None = None,
               rating=None) -> dict:
    """Close a need by hand (关闭): no longer to be served. Refused while a dispatch is pending.

    ``rating`` (满意 / 基本满意 / 不满意, or a score 1–5) records the raising unit's rating.
    """
    return _need_step(store, need_id, "close", on, note, now, rating)


def reopen_need(store, need_id: str, on=None, note: str | None = None, now: dt.datetime | None = None) -> dict:
    """Reopen a closed need; its status follows from its dispatches again."""
    return _need_step(store, need_id, "reopen", on, note, now)


def history(store, need_id: str) -> pd.DataFrame:
    """Every recorded step of a need, in date order (then order of recording).

    Raises NotFoundError for an unknown need.
    """
    _one(store, _Q_NEED, need_id, "need", "'graphgov match --all' lists the needs waiting for a resource")
    df = store.query(_Q_HISTORY, {"id": need_id})
    cols = ["event_id", "on_date", "step", "dispatch_id", "resource_id", "quantity", "status_before", "status_after",
            "note", "recorded_at"]
    if df.empty:
        return pd.DataFrame(columns=cols)
    df = df.sort_values(["on_date", "event_id"]).reset_index(drop=True)
    df["on_date"] = pd.to_datetime(df["on_date"]).dt.date
    df["quantity"] = pd.to_numeric(df["quantity"], errors="coerce").astype("Int64")
    return df[cols]
