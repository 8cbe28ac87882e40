"""Scores for need–resource pairs: weights, text tokens and TF-IDF, the match context, ``score_pairs``.

Every candidate pair (need, resource) gets a score in [0, 1], the weighted mean of five
parts, each in [0, 1]:

``category``
    1 for the same category, the weight of :data:`graphgov.dataset.vocab.RELATED_CATEGORIES`
    for a related one; pairs with no relation are never candidates.
``text``
    cosine similarity of TF-IDF vectors of title (counted twice) and description, over
    Chinese character bigrams and Latin words; no model, no segmenter.
``area``
    proximity through the area hierarchy (``areas.parent_id``): the deepest level at
    which the need's area and the resource's area share an ancestor (see
    :data:`AREA_LEVEL_SCORES`). A need or resource without an area takes its unit's.
``capacity``
    ``min(1, remaining capacity / outstanding quantity)``; capacity already reserved by
    dispatches is taken off, and so is quantity already covered.
``trust``
    ``1 - d / 3`` for the shortest path of ``d`` unit-steps (0–2) between the unit that
    raised the need and the unit that offers the resource, where one step is a
    co-building agreement, a shared committee or a shared project. On a two-step path
    the unit in between is the *broker*: who can make the introduction.

The pairs scored are the candidates of :func:`graphgov.matching.candidates.candidate_pairs`;
the :class:`MatchContext` holds the store's tables prepared once for all of them.
"""
from __future__ import annotations

import datetime as dt
import math
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

from graphgov.errors import OptionError

__all__ = [
    "DEFAULT_WEIGHTS",
    "PARTS",
    "AREA_LEVEL_SCORES",
    "LIVE_DISPATCH",
    "IN_PROGRESS_NEED",
    "MAX_TRUST_STEPS",
    "MatchContext",
    "parse_weights",
    "text_tokens",
    "dispatch_usage",
    "build_context",
    "score_pairs",
]

DEFAULT_WEIGHTS: dict[str, float] = {"category": 0.30, "text": 0.25, "area": 0.20, "capacity": 0.10, "trust": 0.15}
PARTS = tuple(DEFAULT_WEIGHTS)

# Score of the deepest area level a need and a resource share (same area id: 1.0).
AREA_LEVEL_SCORES: dict[str, float] = {
    "grid": 1.0,
    "community": 0.85,
    "station_area": 0.75,
    "street": 0.6,
    "district": 0.4,
    "city": 0.15,
}

# Dispatch statuses whose reserved quantity still holds capacity (declined and withdrawn
# dispatches hold only what they delivered).
LIVE_DISPATCH = ("dispatched", "accepted", "partial", "fulfilled")

# Need statuses of a need being served: a needs list may state them for a dispatch made before
# (or outside) graphgov's loop, with no Dispatch behind them in the store.
IN_PROGRESS_NEED = ("dispatched", "accepted", "partial")

MAX_TRUST_STEPS = 2


# --------------------------------------------------------------------------- weights
def parse_weights(items=(), path: str | Path | None = None) -> dict[str, float]:
    """Weights from the defaults, then a TOML file, then ``name=value`` items.

    The TOML file holds the weights at top level or in a ``[weights]`` table, e.g.
    ``text = 0.4``. Weights need not sum to 1 (the score divides by their sum).

    Raises OptionError for an unknown part, a value that is not a number, a negative
    weight, or weights that are all zero.
    """
    weights = dict(DEFAULT_WEIGHTS)
    if path is not None:
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as err:
            raise OptionError(f"{path}: cannot read weights: {err}") from err
        data = data.get("weights", data)
        for name, value in data.items():
            _set_weight(weights, name, value, str(path))
    for item in items:
        name, sep, value = str(item).partition("=")
        if not sep:
            raise OptionError(f"--weight {item!r}: write NAME=VALUE, e.g. text=0.3 (names: {', '.join(PARTS)})")
        _set_weight(weights, name.strip(), value.strip(), "--weight")
    if sum(weights.values()) <= 0:
        raise OptionError("the weights are all zero; give at least one part a positive weight")
    return weights


def _set_weight(weights: dict, name: str, value, where: str) -> None:
    if name not in DEFAULT_WEIGHTS:
        raise OptionError(f"{where}: unknown weight {name!r}; the parts are {', '.join(PARTS)}")
    try:
        number = float(value)
    except (TypeError, ValueError) as err:
        raise OptionError(f"{where}: weight {name} must be a number, not {value!r}") from err
    if not math.isfinite(number) or number < 0:
        raise OptionError(f"{where}: weight {name} must be a non-negative number, not {value!r}")
    weights[name] = number


# --------------------------------------------------------------------------- text
_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+|[0-9a-z]+")


def text_tokens(text) -> list[str]:
    """Character bigrams of Chinese runs (a lone character stays itself) and Latin words.

    >>> text_tokens("春运安保 guards")
    ['春运', '运安', '安保', 'guards']
    """
    if not isinstance(text, str) or not text:
        return []
    text = unicodedata.normalize("NFKC", text).lower()
    out: list[str] = []
    for run in _RUN.findall(text):
        if run[0].isascii():
            out.append(run)
        elif len(run) == 1:
            out.append(run)
        else:
            out += [run[i:i + 2] for i in range(len(run) - 1)]
    return out


def _tfidf(docs: list[list[str]]) -> tuple[sp.csr_matrix, dict[str, int], np.ndarray]:
    """L2-normalised TF-IDF rows for token lists; returns (matrix, vocabulary, idf)."""
    lengths = np.fromiter((len(d) for d in docs), dtype=np.int64, count=len(docs))
    flat = [t for d in docs for t in d]
    codes, vocabulary = pd.factorize(pd.Series(flat, dtype=object))
    rows = np.repeat(np.arange(len(docs)), lengths)
    m = sp.csr_matrix((np.ones(len(flat)), (rows, codes)), shape=(len(docs), max(len(vocabulary), 1)))
    m.sum_duplicates()
    df = np.bincount(m.indices, minlength=m.shape[1])
    idf = np.log((1 + len(docs)) / (1 + df)) + 1.0
    m = m.multiply(idf).tocsr()
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    m = sp.diags(1.0 / norms) @ m
    return m.tocsr(), {t: i for i, t in enumerate(vocabulary)}, idf


def _doc_tokens(title, description) -> list[str]:
    toks = text_tokens(title)
    return toks + toks + text_tokens(description)


# --------------------------------------------------------------------------- context
@dataclass
class MatchContext:
    """Everything matching needs, prepared once from the store's tables."""

    # index 0..n-1; id, title, category, unit_id, area, outstanding, status, dispatched_on,
    # in_progress_by_list, anc_*
    needs: pd.DataFrame
    resources: pd.DataFrame  # index 0..m-1; id, title, category, unit_id, area, remaining, capacity, anc_*
    need_vec: sp.csr_matrix
    res_vec: sp.csr_matrix
    idf: dict[str, float]
    ties: sp.csr_matrix  # unit x unit: 1 where two units share an agreement, committee or project
    groups: sp.csr_matrix  # unit x node: 1 where the unit sits on the committee / takes part in the project
    agree: sp.csr_matrix  # unit x unit: 1 where the units signed an agreement
    node_ids: np.ndarray  # node index (units first, then committees, projects) -> id
    node_kind: np.ndarray  # node index -> "Unit" | "Committee" | "Project"
    node_name: np.ndarray
    unit_index: dict[str, int]
    area_names: dict[str, str]
    weights: dict[str, float]
    default_capacity: int = 1
    as_of: dt.date | None = None


def _tables(source) -> dict[str, pd.DataFrame]:
    from graphgov.analysis.graph import tables_of

    return tables_of(source)


def _int_or(series: pd.Series, default: int) -> pd.Series:
    s = pd.to_numeric(series, errors="coerce")
    return s.fillna(default).astype("int64")


def _area_ancestors(areas: pd.DataFrame) -> pd.DataFrame:
    """One row per area with its ancestor id at every level (itself included)."""
    parent = dict(zip(areas["id"], areas["parent_id"]))
    level = dict(zip(areas["id"], areas["level"]))
    rows = []
    for aid in areas["id"]:
        row = {"area": aid}
        cur, seen = aid, set()
        while isinstance(cur, str) and cur not in seen and cur in level:
            seen.add(cur)
            row.setdefault(f"anc_{level[cur]}", cur)
            cur = parent.get(cur)
        rows.append(row)
    out = pd.DataFrame(rows, columns=["area"] + [f"anc_{lv}" for lv in AREA_LEVEL_SCORES])
    return out.astype(object)


def dispatch_usage(dispatches: pd.DataFrame) -> pd.DataFrame:
    """Units each dispatch holds: its quantity while live, what it delivered otherwise."""
    d = dispatches
    if d is None or d.empty:
        return pd.DataFrame({"need_id": [], "resource_id": [], "used": []})
    qty = pd.to_numeric(d["quantity"], errors="coerce").fillna(0)
    done = pd.to_numeric(d["fulfilled_quantity"], errors="coerce").fillna(0)
    used = np.where(d["status"].isin(LIVE_DISPATCH), np.maximum(qty, done), done)
    return pd.DataFrame({"need_id": d["need_id"].values, "resource_id": d["resource_id"].values, "used": used})


def build_context(source, weights: dict[str, float] | None = None, default_capacity: int = 1,
                  as_of: dt.date | None = None) -> MatchContext:
    """Prepare matching for a store, a checked Dataset or a dict of tables.

    ``as_of`` (a date) leaves out resources whose ``available_until`` is earlier.
    """
    if default_capacity < 0:
        raise OptionError(f"default capacity must be 0 or more, not {default_capacity}")
    t = _tables(source)
    weights = dict(DEFAULT_WEIGHTS if weights is None else weights)
    units, areas = t["units"], t["areas"]
    unit_area = dict(zip(units["id"], units["area_id"]))
    anc = _area_ancestors(areas)
    usage = dispatch_usage(t.get("dispatches"))
    used_by_need = usage.groupby("need_id")["used"].sum() if len(usage) else pd.Series(dtype=float)
    used_by_res = usage.groupby("resource_id")["used"].sum() if len(usage) else pd.Series(dtype=float)

    needs = t["needs"].reindex(columns=["id", "title", "category", "unit_id", "description", "area_id", "quantity",
                                        "status", "urgency", "dispatched_on"]).copy()
    needs["area"] = needs["area_id"].where(needs["area_id"].notna(), needs["unit_id"].map(unit_area))
    needs["quantity"] = _int_or(needs["quantity"], 1).clip(lower=1)
    needs["status"] = needs["status"].where(needs["status"].notna(), "open")
    # The list says the need is dispatched, accepted or partly fulfilled and graphgov recorded no
    # dispatch for it: it is being served outside the loop, by a dispatch whose units the list
    # does not give, so it is not waiting (see waiting_needs). A need with a dispatch recorded
    # here has the loop's status, and its units are counted from its dispatches.
    needs["in_progress_by_list"] = needs["status"].isin(IN_PROGRESS_NEED) & ~needs["id"].isin(set(usage["need_id"]))
    needs["outstanding"] = (needs["quantity"] - needs["id"].map(used_by_need).fillna(0)).clip(lower=0).astype("int64")
    # sorted by id so that ties between equal scores break the same way on every run
    needs = needs.merge(anc, on="area", how="left").sort_values("id", kind="stable").reset_index(drop=True)

    res = t["resources"][["id", "title", "category", "unit_id", "description", "area_id", "capacity",
                          "available_until"]].copy()
    res["area"] = res["area_id"].where(res["area_id"].notna(), res["unit_id"].map(unit_area))
    res["capacity"] = _int_or(res["capacity"], default_capacity).clip(lower=0)
    res["remaining"] = (res["capacity"] - res["id"].map(used_by_res).fillna(0)).clip(lower=0).astype("int64")
    res["expired"] = False
    if as_of is not None:
        until = pd.to_datetime(res["available_until"], errors="coerce")
        res["expired"] = (until < pd.Timestamp(as_of)).fillna(False).astype(bool)
    res = res.merge(anc, on="area", how="left").sort_values("id", kind="stable").reset_index(drop=True)

    docs = [_doc_tokens(a, b) for a, b in zip(needs["title"], needs["description"])]
    docs += [_doc_tokens(a, b) for a, b in zip(res["title"], res["description"])]
    vec, index, idf = _tfidf(docs)
    inv = {k: float(idf[v]) for k, v in index.items()}

    ties, groups, agree, ids, kinds, names, unit_index = _unit_graph(t)
    return MatchContext(needs, res, vec[:len(needs)], vec[len(needs):], inv, ties, groups, agree, ids, kinds, names,
                        unit_index,
                        dict(zip(areas["id"], areas["name"])), weights, default_capacity, as_of)


def _unit_graph(t: dict[str, pd.DataFrame]):
    """The ties between units: agreements, shared committees and shared projects.

    Returns (ties, groups, agree, node ids, node kinds, node names, unit index): ``ties``
    is the unit x unit matrix of one-step ties, ``groups`` the unit x node incidence of
    committees and projects (membership, participation, lead), ``agree`` the agreements.
    """
    units, committees, projects = t["units"], t["committees"], t["projects"]
    ids = np.concatenate([units["id"].to_numpy(object), committees["id"].to_numpy(object),
                          projects["id"].to_numpy(object)])
    kinds = np.array(["Unit"] * len(units) + ["Committee"] * len(committees) + ["Project"] * len(projects), dtype=object)
    names = np.concatenate([units["name"].to_numpy(object), committees["name"].to_numpy(object),
                            projects["title"].to_numpy(object)])
    nu, n = len(units), len(ids)
    unit_index = {u: i for i, u in enumerate(units["id"])}
    com_index = {c: i + nu for i, c in enumerate(committees["id"])}
    prj_index = {p: i + nu + len(committees) for i, p in enumerate(projects["id"])}

    def pairs(a, b, idx_b):
        ea, eb = a.map(unit_index), b.map(idx_b)
        ok = ea.notna() & eb.notna()
        return ea[ok].astype("int64").to_numpy(), eb[ok].astype("int64").to_numpy()

    rows, cols = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
    for df, ucol, gcol, idx in ((t["memberships"], "unit_id", "committee_id", com_index),
                                (t["participations"], "unit_id", "project_id", prj_index),
                                (projects, "lead_unit_id", "id", prj_index)):
        if len(df):
            a, b = pairs(df[ucol], df[gcol], idx)
            rows.append(a)
            cols.append(b)
    r, c = np.concatenate(rows), np.concatenate(cols)
    groups = sp.csr_matrix((np.ones(len(r)), (r, c)), shape=(nu, n))
    groups.data[:] = 1.0
    ag = t.get("agreements")
    if ag is not None and len(ag):
        a, b = pairs(ag["unit_a"], ag["unit_b"], unit_index)
        agree = sp.csr_matrix((np.ones(2 * len(a)), (np.concatenate([a, b]), np.concatenate([b, a]))), shape=(nu, nu))
    else:
        agree = sp.csr_matrix((nu, nu))
    ties = (groups @ groups.T + agree).tocsr()
    ties.setdiag(0)
    ties.eliminate_zeros()
    ties.data[:] = 1.0
    agree.data[:] = 1.0
    return ties, groups.tocsr(), agree.tocsr(), ids, kinds, names, unit_index


# --------------------------------------------------------------------------- scoring
def _row_cosine(a: sp.csr_matrix, b: sp.csr_matrix, ia: np.ndarray, ib: np.ndarray, chunk: int = 200_000) -> np.ndarray:
    out = np.empty(len(ia))
    for s in range(0, len(ia), chunk):
        x, y = a[ia[s:s + chunk]], b[ib[s:s + chunk]]
        out[s:s + chunk] = np.asarray(x.multiply(y).sum(axis=1)).ravel()
    return np.clip(out, 0.0, 1.0)


def _area_scores(ctx: MatchContext, n: np.ndarray, r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Proximity and the level at which need and resource meet ('' when they do not)."""
    score = np.zeros(len(n))
    level = np.full(len(n), "", dtype=object)
    for lv, value in sorted(AREA_LEVEL_SCORES.items(), key=lambda kv: kv[1]):
        a = ctx.needs[f"anc_{lv}"].to_numpy(object)[n]
        b = ctx.resources[f"anc_{lv}"].to_numpy(object)[r]
        hit = pd.notna(a) & (a == b)
        better = hit & (value > score)
        score[better] = value
        level[better] = lv
    same = (ctx.needs["area"].to_numpy(object)[n] == ctx.resources["area"].to_numpy(object)[r]) & \
        pd.notna(ctx.needs["area"].to_numpy(object)[n])
    score[same] = 1.0
    level[same & (level == "")] = "same"
    return score, level


def _has_entries(m: sp.csr_matrix, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Whether ``m[rows[k], cols[k]]`` is stored, for many k at once (sorted-key search)."""
    m = m.tocsr()
    m.sort_indices()
    width = np.int64(m.shape[1])
    keys = np.repeat(np.arange(m.shape[0], dtype=np.int64), np.diff(m.indptr)) * width + m.indices
    want = rows.astype(np.int64) * width + cols
    pos = np.searchsorted(keys, want)
    found = pos < len(keys)
    found[found] = keys[pos[found]] == want[found]
    return found


def _trust(ctx: MatchContext, n: np.ndarray, r: np.ndarray, chunk: int = 2048) -> np.ndarray:
    """Unit-steps (0, 1, 2) between the need's unit and the resource's unit; inf beyond."""
    src = ctx.needs["unit_id"].map(ctx.unit_index).to_numpy(float)[n]
    dst = ctx.resources["unit_id"].map(ctx.unit_index).to_numpy(float)[r]
    steps = np.full(len(n), np.inf)
    idx = np.flatnonzero(~np.isnan(src) & ~np.isnan(dst))
    if not len(idx):
        return steps
    idx = idx[np.argsort(src[idx], kind="stable")]  # pairs grouped by source unit
    s_all, d_all = src[idx].astype(np.int64), dst[idx].astype(np.int64)
    sources, first = np.unique(s_all, return_index=True)
    bounds = np.append(first, len(s_all))
    for c in range(0, len(sources), chunk):
        srcs = sources[c:c + chunk]
        lo, hi = bounds[c], bounds[min(c + chunk, len(sources))]
        one = ctx.ties[srcs]
        two = (one @ ctx.ties).tocsr()  # units two steps away (a unit in between)
        rows, tgt = np.searchsorted(srcs, s_all[lo:hi]), d_all[lo:hi]
        d = np.full(hi - lo, np.inf)
        d[_has_entries(two, rows, tgt)] = 2
        d[_has_entries(one, rows, tgt)] = 1
        d[s_all[lo:hi] == tgt] = 0
        steps[idx[lo:hi]] = d
    return steps


def score_pairs(ctx: MatchContext, pairs: pd.DataFrame) -> pd.DataFrame:
    """Add the five parts, ``score``, ``steps`` and ``area_level`` to candidate pairs."""
    out = pairs.copy()
    n, r = out["n"].to_numpy(np.int64), out["r"].to_numpy(np.int64)
    out["category"] = out["category_fit"].astype(float)
    out["text"] = _row_cosine(ctx.need_vec, ctx.res_vec, n, r) if len(out) else np.zeros(0)
    out["area"], out["area_level"] = _area_scores(ctx, n, r)
    need_q = ctx.needs["outstanding"].to_numpy(float)[n]
    remaining = ctx.resources["remaining"].to_numpy(float)[r]
    out["capacity"] = np.where(need_q > 0, np.minimum(1.0, remaining / np.maximum(need_q, 1)), 1.0)
    steps = _trust(ctx, n, r)
    out["steps"] = steps
    out["trust"] = np.where(np.isfinite(steps), np.clip(1 - np.round(steps) / (MAX_TRUST_STEPS + 1), 0, 1), 0.0)
    total = sum(ctx.weights.values())
    out["score"] = sum(ctx.weights[p] * out[p] for p in PARTS) / total
    return out
