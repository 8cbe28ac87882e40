"""Need–resource matching: ranked resources for one need or all, and an exact assignment of all.

The assignment (:func:`assign_all`) counts capacity in units: a need asks for
``quantity`` units (1 when not stated), a resource offers ``capacity`` units
(``default_capacity`` when not stated), and a need may be served by several
resources. A unit of need *i* served by resource *j* is worth ``score_ij / quantity_i``,
so a need served in full adds its score once. The optimum is an exact min-cost flow
(:mod:`graphgov.matching.solvers`); scores are those of :mod:`graphgov.matching.scoring`.
"""
from __future__ import annotations

import datetime as dt
import difflib
import re

import numpy as np
import pandas as pd

from graphgov.errors import NotFoundError, OptionError
from graphgov.matching.candidates import candidate_pairs, category_relations
from graphgov.matching.reasons import present_pairs
from graphgov.matching.scoring import PARTS, MatchContext, build_context, score_pairs
from graphgov.matching.solvers import greedy_assign, solve_assignment

__all__ = ["match_need", "match_all", "waiting_needs", "in_progress_by_list", "assign_all"]

CLOSED_NEED = ("fulfilled", "closed")


def match_need(source, need_id: str, top: int = 10, weights: dict[str, float] | None = None,
               min_score: float = 0.0, default_capacity: int = 1, as_of: dt.date | None = None,
               context: MatchContext | None = None, lang: str = "zh") -> pd.DataFrame:
    """The best resources for one need, best first, with score, parts, broker and reasons.

    Every resource in the same or a related category with capacity left is
    considered, in any district.

    Returns
    -------
    DataFrame with ``rank``, ``need_id``, ``resource_id``, ``provider_id``, ``score``,
    the parts (``category``, ``text``, ``area``, ``capacity``, ``trust``),
    ``broker_id``, ``broker_name`` and ``reasons`` (a list of short texts, in Chinese, or
    English with ``lang="en"``). ``as_of`` leaves out resources expired on that day.

    Raises NotFoundError when the need is not in the store.

    Examples
    --------
    >>> match_need(store, "N001", top=3)[["resource_id", "score", "broker_id"]]  # doctest: +SKIP
    """
    ctx = context or build_context(source, weights, default_capacity, as_of)
    hit = np.flatnonzero(ctx.needs["id"].to_numpy(object) == need_id)
    if not len(hit):
        close = _close_ids(str(need_id), list(ctx.needs["id"]))
        hint = f"did you mean {', '.join(close)}? " if close else ""
        raise NotFoundError(f"need {need_id!r} is not in the store; {hint}'graphgov match --all' lists the needs "
                            f"waiting for a resource with their ids")
    pairs = candidate_pairs(ctx, need_rows=hit, scope="city")
    scored = score_pairs(ctx, pairs)
    scored = scored[scored["score"] >= min_score]
    scored = scored.sort_values(["score", "r"], ascending=[False, True]).head(top)
    out = present_pairs(ctx, scored, lang=lang)
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    return out.reset_index(drop=True)


def _close_ids(given: str, ids: list[str]) -> list[str]:
    """Ids a user may have meant: the same number written with other zeros first, then similar spellings."""
    def key(text):
        m = re.fullmatch(r"(\D*)0*(\d+)", text.strip().upper())
        return (m[1], m[2]) if m else None

    same = [i for i in ids if key(i) is not None and key(i) == key(given)]
    return (same + [i for i in difflib.get_close_matches(given, ids, n=3) if i not in same])[:3]


def match_all(source, per_need: int = 3, weights: dict[str, float] | None = None, min_score: float = 0.0,
              scope: str = "district", default_capacity: int = 1, as_of: dt.date | None = None,
              context: MatchContext | None = None, lang: str = "zh") -> pd.DataFrame:
    """The best ``per_need`` candidates of every need still waiting, without assigning."""
    ctx = context or build_context(source, weights, default_capacity, as_of)
    rows = waiting_needs(ctx)
    scored = score_pairs(ctx, candidate_pairs(ctx, need_rows=rows, scope=scope))
    scored = scored[scored["score"] >= min_score]
    scored = scored.sort_values(["n", "score", "r"], ascending=[True, False, True])
    scored = scored.groupby("n", sort=False).head(per_need)
    out = present_pairs(ctx, scored, lang=lang)
    out.insert(1, "rank", scored.groupby("n").cumcount().to_numpy() + 1)
    return out.reset_index(drop=True)


def waiting_needs(ctx: MatchContext) -> np.ndarray:
    """Rows of ``ctx.needs`` still waiting: not fulfilled or closed, with units outstanding, and
    not in progress by the needs list alone (see :func:`in_progress_by_list`)."""
    nd = ctx.needs
    waiting = ~nd["status"].isin(CLOSED_NEED) & (nd["outstanding"] > 0) & ~nd["in_progress_by_list"]
    return nd.index[waiting].to_numpy()


def in_progress_by_list(ctx: MatchContext) -> pd.DataFrame:
    """Needs the needs list marks dispatched, accepted or partial with no dispatch recorded in the
    store: a dispatch made outside graphgov's loop serves them, so ``match --all`` and the
    assignment leave them out. Columns ``id``, ``status``, ``dispatched_on``, by id."""
    nd = ctx.needs
    return nd.loc[nd["in_progress_by_list"], ["id", "status", "dispatched_on"]].reset_index(drop=True)


def assign_all(source, weights: dict[str, float] | None = None, min_score: float = 0.0, scope: str = "district",
               method: str = "optimal", solver: str = "auto", default_capacity: int = 1,
               as_of: dt.date | None = None, context: MatchContext | None = None,
               stats: dict | None = None, lang: str = "zh") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Assign every waiting need to resources, maximising the total score.

    A need waits when it is not fulfilled or closed and part of its quantity is not yet
    covered by dispatches. With ``scope="district"`` candidates come from the need's
    district (every district when it has none there); needs still short after that
    pass get a second pass over every district with the capacity left.
    ``method="greedy"`` runs the baseline instead of the exact optimum.

    Returns
    -------
    (assignments, unmatched):
        ``assignments``: one row per (need, resource) with ``units``, ``score`` (the
        pair's), ``contribution`` (``score * units / quantity``), provider, broker and
        reasons, best first; ``unmatched``: needs with units left unserved, with
        ``units_short`` and ``reason``.

    ``stats`` (a dict), when given, receives ``total_score``, ``candidates``, the
    greedy baseline's total for the same candidates (``greedy_score``) and the ids of the
    needs left out as in progress by the needs list alone (``in_progress_by_list``).
    """
    if method not in ("optimal", "greedy"):
        raise OptionError(f"method must be 'optimal' or 'greedy', not {method!r}")
    ctx = context or build_context(source, weights, default_capacity, as_of)
    waiting = waiting_needs(ctx)
    demand = ctx.needs["outstanding"].to_numpy(np.int64).copy()
    supply = ctx.resources["remaining"].to_numpy(np.int64).copy()
    supply[ctx.resources["expired"].to_numpy(bool)] = 0
    quantity = ctx.needs["quantity"].to_numpy(float)
    mask = np.zeros(len(demand), bool)
    mask[waiting] = True
    demand[~mask] = 0
    stats = {} if stats is None else stats
    stats.update(total_score=0.0, greedy_score=0.0, candidates=0,
                 in_progress_by_list=list(in_progress_by_list(ctx)["id"]))

    results = []
    passes = [("district", waiting)] if scope == "district" else [("city", waiting)]
    seen_pairs = None
    for i in range(2):
        pass_scope, rows = passes[i]
        pairs = candidate_pairs(ctx, need_rows=rows, scope=pass_scope)
        if seen_pairs is not None and len(pairs):
            pairs = pairs.merge(seen_pairs, on=["n", "r"], how="left", indicator=True)
            pairs = pairs[pairs["_merge"] == "left_only"].drop(columns="_merge")
        pairs = pairs[supply[pairs["r"].to_numpy(np.int64)] > 0] if len(pairs) else pairs
        scored = score_pairs(ctx, pairs.reset_index(drop=True))
        scored = scored[scored["score"] >= min_score].reset_index(drop=True)
        scored["value"] = scored["score"] / quantity[scored["n"].to_numpy(np.int64)]
        stats["candidates"] += len(scored)
        greedy = greedy_assign(scored, demand, supply)
        units = greedy if method == "greedy" else solve_assignment(scored, demand, supply, solver)
        stats["greedy_score"] += float((greedy * scored["value"]).sum())
        stats["total_score"] += float((units * scored["value"]).sum())
        got = scored[units > 0].copy()
        got["units"] = units[units > 0]
        np.subtract.at(demand, got["n"].to_numpy(np.int64), got["units"].to_numpy(np.int64))
        np.subtract.at(supply, got["r"].to_numpy(np.int64), got["units"].to_numpy(np.int64))
        results.append(got)
        short = np.flatnonzero(demand > 0)
        seen_pairs = scored.loc[np.isin(scored["n"].to_numpy(np.int64), short), ["n", "r"]]
        if pass_scope == "city" or not len(short) or not (supply > 0).any():
            break
        passes.append(("city", short))

    got = pd.concat(results, ignore_index=True) if results else pd.DataFrame()
    got = got.sort_values(["score", "n", "r"], ascending=[False, True, True]).reset_index(drop=True)
    q = quantity[got["n"].to_numpy(np.int64)] if len(got) else np.zeros(0)
    contribution = (got["score"] * got["units"] / q).round(6).to_numpy() if len(got) else np.zeros(0)
    assignments = present_pairs(ctx, got, {"units": got["units"].to_numpy() if len(got) else np.zeros(0, np.int64),
                                      "contribution": contribution}, lang=lang)
    assignments = assignments[["need_id", "need_title", "resource_id", "resource_title", "provider_id", "units",
                               "score", "contribution", *PARTS, "broker_id", "broker_name", "reasons"]]
    unmatched = _unmatched(ctx, waiting, demand, min_score, lang)
    return assignments, unmatched


def _unmatched(ctx: MatchContext, waiting: np.ndarray, demand: np.ndarray, min_score: float,
               lang: str = "zh") -> pd.DataFrame:
    short = np.array([i for i in waiting if demand[i] > 0], dtype=np.int64)
    cols = ["need_id", "need_title", "category", "quantity", "units_short", "reason"]
    if not len(short):
        return pd.DataFrame(columns=cols)
    nd = ctx.needs
    res = ctx.resources
    rel = category_relations(pd.concat([nd["category"], res["category"]]))
    offered = res.groupby("category").agg(total=("id", "size"), left=("remaining", "sum"))
    reasons = []
    for i in short:
        cats = rel.loc[rel["need_category"] == nd.at[i, "category"], "res_category"]
        have = offered.reindex(cats).dropna()
        q, s = int(nd.at[i, "outstanding"]), int(demand[i])
        zh = lang == "zh"
        if have.empty or have["total"].sum() == 0:
            why = "没有同类或相关类别的资源" if zh else "no resource in the same or a related category"
        elif have["left"].sum() == 0:
            why = ("相关类别资源的容量已被派单占满" if zh
                   else "every resource of a fitting category is at capacity (dispatches hold it)")
        elif s < q:
            why = (f"部分满足：已分配 {q - s} / {q} 份，相关资源没有更多容量" if zh
                   else f"{q - s} of {q} units assigned; fitting resources had no more capacity")
        elif zh:
            why = ("候选资源已分配给每份得分更高的其他需求"
                   + (f"，或得分低于下限 {min_score:g}" if min_score > 0 else ""))
        else:
            why = ("fitting resources went to needs with higher scores per unit asked"
                   + (f", or scored below the minimum {min_score:g}" if min_score > 0 else ""))
        reasons.append(why)
    return pd.DataFrame({"need_id": nd["id"].to_numpy(object)[short], "need_title": nd["title"].to_numpy(object)[short],
                         "category": nd["category"].to_numpy(object)[short],
                         "quantity": nd["quantity"].to_numpy()[short], "units_short": demand[short],
                         "reason": reasons})[cols]
