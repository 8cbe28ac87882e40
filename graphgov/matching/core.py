"""Need–resource matching: ranked resources for one need, and an exact assignment of all.

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

The assignment (:func:`assign_all`) counts capacity in units: a need asks for
``quantity`` units (1 when not stated), a resource offers ``capacity`` units
(``default_capacity`` when not stated), and a need may be served by several
resources. A unit of need *i* served by resource *j* is worth ``score_ij / quantity_i``,
so a need served in full adds its score once. The optimum is an exact min-cost flow.
"""
from __future__ import annotations

import datetime as dt
import difflib
import math
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

from graphgov.dataset import vocab
from graphgov.errors import NotFoundError, OptionError

__all__ = [
    "DEFAULT_WEIGHTS",
    "AREA_LEVEL_SCORES",
    "MatchContext",
    "parse_weights",
    "build_context",
    "candidate_pairs",
    "score_pairs",
    "match_need",
    "match_all",
    "assign_all",
    "greedy_assign",
    "solve_assignment",
    "text_tokens",
    "LIVE_DISPATCH",
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
_LEVEL_ZH = {"grid": "网格", "community": "社区", "station_area": "站区", "street": "街乡", "district": "区", "city": "市"}

# Dispatch statuses whose reserved quantity still holds capacity (declined and withdrawn
# dispatches hold only what they delivered).
LIVE_DISPATCH = ("dispatched", "accepted", "partial", "fulfilled")
CLOSED_NEED = ("fulfilled", "closed")

MAX_TRUST_STEPS = 2
_SCALE = 1_000_000  # integer costs for the min-cost flow: scores to 1e-6


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

    needs: pd.DataFrame  # index 0..n-1; id, title, category, unit_id, area, outstanding, status, anc_*
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

    needs = t["needs"][["id", "title", "category", "unit_id", "description", "area_id", "quantity", "status",
                        "urgency"]].copy()
    needs["area"] = needs["area_id"].where(needs["area_id"].notna(), needs["unit_id"].map(unit_area))
    needs["quantity"] = _int_or(needs["quantity"], 1).clip(lower=1)
    needs["status"] = needs["status"].where(needs["status"].notna(), "open")
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


# --------------------------------------------------------------------------- candidates
def _related_table() -> pd.DataFrame:
    rows = [(c, c, 1.0) for c in vocab.CATEGORIES]
    for (a, b), w in vocab.RELATED_CATEGORIES.items():
        rows += [(a, b, w), (b, a, w)]
    return pd.DataFrame(rows, columns=["need_category", "res_category", "category_fit"])


def _related_for(categories) -> pd.DataFrame:
    """The relation table, plus identity rows for categories outside the vocabulary."""
    rel = _related_table()
    extra = sorted(set(c for c in categories if isinstance(c, str)) - set(vocab.CATEGORIES))
    if extra:
        rel = pd.concat([rel, pd.DataFrame({"need_category": extra, "res_category": extra, "category_fit": 1.0})],
                        ignore_index=True)
    return rel


def candidate_pairs(ctx: MatchContext, need_rows=None, scope: str = "district") -> pd.DataFrame:
    """Candidate (need row, resource row) pairs, found by blocking, never a full cross product.

    A need's candidates are resources with capacity left, not expired, in the same or
    a related category and (``scope="district"``) in the same district. A need with no
    candidate in its district gets candidates from every district instead.
    ``scope="city"`` ignores districts altogether.

    Returns columns ``n`` (need row), ``r`` (resource row), ``category_fit``.
    """
    if scope not in ("district", "city"):
        raise OptionError(f"scope must be 'district' or 'city', not {scope!r}")
    needs = ctx.needs if need_rows is None else ctx.needs.loc[need_rows]
    n = pd.DataFrame({"n": needs.index.values, "need_category": needs["category"].values,
                      "district": needs["anc_district"].fillna("").values})
    res = ctx.resources
    ok = (res["remaining"] > 0) & ~res["expired"]
    r = pd.DataFrame({"r": res.index[ok], "res_category": res.loc[ok, "category"].values,
                      "district": res.loc[ok, "anc_district"].fillna("").values})
    rel = _related_for(pd.concat([n["need_category"], r["res_category"]]))
    nr = n.merge(rel, on="need_category")
    if scope == "city":
        out = nr.merge(r.drop(columns="district"), on="res_category")
    else:
        out = nr.merge(r, on=["res_category", "district"])
        lonely = np.setdiff1d(n["n"].values, out["n"].unique())
        if len(lonely):
            wide = nr[nr["n"].isin(lonely)].drop(columns="district").merge(r.drop(columns="district"),
                                                                             on="res_category")
            out = pd.concat([out, wide], ignore_index=True)
    return out[["n", "r", "category_fit"]].reset_index(drop=True)


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


# --------------------------------------------------------------------------- explanation
def _shared_terms(need, res, need_row: int, res_row: int, k: int = 3) -> list[str]:
    """The longest runs of text need and resource share (two characters or more), longest first."""
    def text(cols, i):
        return " ".join(v for v in (cols(i, "title"), cols(i, "description")) if isinstance(v, str))

    a, b = text(need, need_row), text(res, res_row)
    blocks = difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()
    found: list[str] = []
    for blk in sorted(blocks, key=lambda m: -m.size):
        run = a[blk.a:blk.a + blk.size].strip(" ,.;:，。；：、")
        if len(run) >= 2 and run not in found and not any(run in f for f in found):
            found.append(run)
    return found[:k]


class _Columns:
    """Row access by position into plain arrays (pandas row lookups are slow in loops)."""

    def __init__(self, df: pd.DataFrame):
        self._cols = {c: df[c].to_numpy(object) for c in df.columns}

    def __call__(self, row: int, col: str):
        v = self._cols[col][row]
        return None if v is None or (isinstance(v, float) and v != v) else v


def _reasons(ctx: MatchContext, row, need: _Columns, res: _Columns, link: str) -> list[str]:
    n, r = int(row.n), int(row.r)
    out = []
    ncat, rcat = need(n, "category"), res(r, "category")
    if ncat == rcat:
        out.append(f"同类别 same category: {vocab.label('category', ncat)}")
    else:
        out.append(f"相关类别 related category: {vocab.label('category', rcat)} "
                   f"for {vocab.label('category', ncat)} ({row.category:.1f})")
    if row.text > 0:
        terms = _shared_terms(need, res, n, r)
        out.append(f"文本相似 similar text {row.text:.2f}" + (f": {'、'.join(terms)}" if terms else ""))
    lv = row.area_level
    nd, rd = need(n, "anc_district"), res(r, "anc_district")
    if nd and rd and nd != rd:
        out.append(f"跨区 other district: {ctx.area_names.get(rd, rd)} (need in {ctx.area_names.get(nd, nd)})")
    elif lv:
        aid = need(n, "area") if lv == "same" else need(n, f"anc_{lv}")
        zh, en = ("区域", "area") if lv == "same" else (_LEVEL_ZH[lv], lv.replace("_", " "))
        out.append(f"同一{zh} same {en}: {ctx.area_names.get(aid, aid)}")
    else:
        out.append("区域不明 area unknown")
    left, asked = int(res(r, "remaining") or 0), int(need(n, "outstanding") or 0)
    word = "容量不足 capacity short" if row.capacity < 1 else "容量充足 capacity enough"
    out.append(f"{word}: {left} left for {asked} asked")
    out.append(link)
    return out


def _node_text(ctx: MatchContext, i: int) -> str:
    kind = {"Unit": "单位", "Committee": "委员会", "Project": "项目"}[ctx.node_kind[i]]
    return f"{kind} {ctx.node_name[i]} ({ctx.node_ids[i]})"


def _row(m: sp.csr_matrix, i: int) -> np.ndarray:
    return m.indices[m.indptr[i]:m.indptr[i + 1]]


def _tie_text(ctx: MatchContext, a: int, b: int) -> str:
    """How two tied units know each other: their agreement, or a committee/project they share."""
    if b in set(_row(ctx.agree, a).tolist()):
        return "共建协议 agreement"
    shared = set(_row(ctx.groups, a).tolist()) & set(_row(ctx.groups, b).tolist())
    return _node_text(ctx, min(shared)) if shared else "?"


def _broker_of(ctx: MatchContext, u: int, v: int) -> int:
    """A unit tied to both ``u`` and ``v`` (preferring one with an agreement with either), or -1."""
    common = sorted(set(_row(ctx.ties, u).tolist()) & set(_row(ctx.ties, v).tolist()))
    if not common:
        return -1
    agreed = set(_row(ctx.agree, u).tolist()) | set(_row(ctx.agree, v).tolist())
    strong = [w for w in common if w in agreed]
    return int(strong[0] if strong else common[0])


def _trust_link(ctx: MatchContext, need_unit, res_unit, steps: float) -> tuple[int, str]:
    """(broker unit index or -1, the reason text) for a pair ``steps`` apart."""
    if not np.isfinite(steps):
        return -1, f"无网络联系 no tie within {MAX_TRUST_STEPS} steps between the units"
    if steps == 0:
        return -1, "本单位资源 offered by the need's own unit"
    u, v = ctx.unit_index[need_unit], ctx.unit_index[res_unit]
    if steps == 1:
        return -1, f"直接联系 direct tie: {_tie_text(ctx, u, v)}"
    w = _broker_of(ctx, u, v)
    return w, (f"经2步 2 steps: {_tie_text(ctx, u, w)} → {_node_text(ctx, w)} → {_tie_text(ctx, w, v)}; "
               f"介绍人 broker {ctx.node_name[w]}")


def _present(ctx: MatchContext, scored: pd.DataFrame, extra: dict | None = None) -> pd.DataFrame:
    """Scored pairs as output rows: ids, names, score, parts, broker and reasons."""
    n, r = scored["n"].to_numpy(np.int64), scored["r"].to_numpy(np.int64)
    links = [_trust_link(ctx, u, v, d) for u, v, d in
             zip(ctx.needs["unit_id"].to_numpy(object)[n], ctx.resources["unit_id"].to_numpy(object)[r],
                 scored["steps"].to_numpy(float))]
    broker = np.array([b for b, _ in links], dtype=np.int64)
    out = pd.DataFrame({
        "need_id": ctx.needs["id"].to_numpy(object)[n],
        "need_title": ctx.needs["title"].to_numpy(object)[n],
        "resource_id": ctx.resources["id"].to_numpy(object)[r],
        "resource_title": ctx.resources["title"].to_numpy(object)[r],
        "provider_id": ctx.resources["unit_id"].to_numpy(object)[r],
    })
    for k, v in (extra or {}).items():
        out[k] = v
    out["score"] = scored["score"].round(4).to_numpy()
    for p in PARTS:
        out[p] = scored[p].round(4).to_numpy()
    out["broker_id"] = [ctx.node_ids[b] if b >= 0 else None for b in broker]
    out["broker_name"] = [ctx.node_name[b] if b >= 0 else None for b in broker]
    need_cols, res_cols = _Columns(ctx.needs), _Columns(ctx.resources)
    out["reasons"] = [_reasons(ctx, row, need_cols, res_cols, text)
                      for row, (_, text) in zip(scored.itertuples(index=False), links)]
    return out


# --------------------------------------------------------------------------- one need
def match_need(source, need_id: str, top: int = 10, weights: dict[str, float] | None = None,
               min_score: float = 0.0, default_capacity: int = 1, as_of: dt.date | None = None,
               context: MatchContext | None = None) -> pd.DataFrame:
    """The best resources for one need, best first, with score, parts, broker and reasons.

    Every resource in the same or a related category with capacity left is
    considered, in any district.

    Returns
    -------
    DataFrame with ``rank``, ``need_id``, ``resource_id``, ``provider_id``, ``score``,
    the parts (``category``, ``text``, ``area``, ``capacity``, ``trust``),
    ``broker_id``, ``broker_name`` and ``reasons`` (a list of short texts).

    Raises NotFoundError when the need is not in the store.

    Examples
    --------
    >>> match_need(store, "N001", top=3)[["resource_id", "score", "broker_id"]]  # doctest: +SKIP
    """
    ctx = context or build_context(source, weights, default_capacity, as_of)
    hit = np.flatnonzero(ctx.needs["id"].to_numpy(object) == need_id)
    if not len(hit):
        raise NotFoundError(f"need {need_id!r} is not in the store; 'graphgov export needs' lists the needs")
    pairs = candidate_pairs(ctx, need_rows=hit, scope="city")
    scored = score_pairs(ctx, pairs)
    scored = scored[scored["score"] >= min_score]
    scored = scored.sort_values(["score", "r"], ascending=[False, True]).head(top)
    out = _present(ctx, scored)
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    return out.reset_index(drop=True)


def match_all(source, per_need: int = 3, weights: dict[str, float] | None = None, min_score: float = 0.0,
              scope: str = "district", default_capacity: int = 1, as_of: dt.date | None = None,
              context: MatchContext | None = None) -> pd.DataFrame:
    """The best ``per_need`` candidates of every need still waiting, without assigning."""
    ctx = context or build_context(source, weights, default_capacity, as_of)
    rows = _waiting(ctx)
    scored = score_pairs(ctx, candidate_pairs(ctx, need_rows=rows, scope=scope))
    scored = scored[scored["score"] >= min_score]
    scored = scored.sort_values(["n", "score", "r"], ascending=[True, False, True])
    scored = scored.groupby("n", sort=False).head(per_need)
    out = _present(ctx, scored)
    out.insert(1, "rank", scored.groupby("n").cumcount().to_numpy() + 1)
    return out.reset_index(drop=True)


def _waiting(ctx: MatchContext) -> np.ndarray:
    nd = ctx.needs
    return nd.index[~nd["status"].isin(CLOSED_NEED) & (nd["outstanding"] > 0)].to_numpy()


# --------------------------------------------------------------------------- assignment
def solve_assignment(pairs: pd.DataFrame, demand: np.ndarray, supply: np.ndarray, solver: str = "auto") -> np.ndarray:
    """Units on each pair maximising ``sum(value * units)`` under demand and supply limits.

    ``pairs`` has integer columns ``n`` and ``r`` (rows of ``demand`` and ``supply``)
    and ``value`` (worth of one unit). Exact: a min-cost flow (OR-tools), or the same
    linear program solved by HiGHS through scipy (its vertices are integral because
    the constraint matrix is a bipartite incidence matrix).

    Returns the units per pair (int array).
    """
    if solver == "auto":
        try:
            import ortools.graph.python.min_cost_flow  # noqa: F401

            solver = "ortools"
        except ImportError:
            solver = "scipy"
    if len(pairs) == 0:
        return np.zeros(0, dtype=np.int64)
    n, r = pairs["n"].to_numpy(np.int64), pairs["r"].to_numpy(np.int64)
    value = pairs["value"].to_numpy(float)
    cap = np.minimum(demand[n], supply[r]).astype(np.int64)
    if solver == "ortools":
        return _solve_ortools(n, r, value, cap, demand, supply)
    if solver == "scipy":
        return _solve_scipy(n, r, value, cap, demand, supply)
    raise OptionError(f"unknown solver {solver!r}; choose auto, ortools or scipy")


def _solve_ortools(n, r, value, cap, demand, supply) -> np.ndarray:
    from ortools.graph.python import min_cost_flow

    N, R = len(demand), len(supply)
    source, sink = N + R, N + R + 1
    total = int(demand.sum())
    mcf = min_cost_flow.SimpleMinCostFlow()
    pair_arcs = mcf.add_arcs_with_capacity_and_unit_cost(
        n, N + r, cap, -np.round(value * _SCALE).astype(np.int64))
    mcf.add_arcs_with_capacity_and_unit_cost(np.full(N, source), np.arange(N), demand.astype(np.int64),
                                             np.zeros(N, np.int64))
    mcf.add_arcs_with_capacity_and_unit_cost(N + np.arange(R), np.full(R, sink), supply.astype(np.int64),
                                             np.zeros(R, np.int64))
    mcf.add_arc_with_capacity_and_unit_cost(source, sink, total, 0)  # units left unserved
    mcf.set_node_supply(source, total)
    mcf.set_node_supply(sink, -total)
    status = mcf.solve()
    if status != mcf.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    return np.asarray(mcf.flows(pair_arcs), dtype=np.int64)


def _solve_scipy(n, r, value, cap, demand, supply) -> np.ndarray:
    from scipy.optimize import linprog

    P = len(n)
    cols = np.arange(P)
    a_need = sp.csr_matrix((np.ones(P), (n, cols)), shape=(len(demand), P))
    a_res = sp.csr_matrix((np.ones(P), (r, cols)), shape=(len(supply), P))
    res = linprog(-np.round(value * _SCALE) / _SCALE, A_ub=sp.vstack([a_need, a_res]).tocsc(),
                  b_ub=np.concatenate([demand, supply]).astype(float),
                  bounds=np.column_stack([np.zeros(P), cap]), method="highs-ds")
    if res.status != 0:
        raise RuntimeError(f"linear program failed: {res.message}")
    return np.round(res.x).astype(np.int64)


def greedy_assign(pairs: pd.DataFrame, demand: np.ndarray, supply: np.ndarray) -> np.ndarray:
    """The baseline: best pair first, as many units as both sides still allow.

    Returns the units per pair (int array), like :func:`solve_assignment`.
    """
    left_d, left_s = demand.astype(np.int64).tolist(), supply.astype(np.int64).tolist()
    units = [0] * len(pairs)
    order = np.lexsort((pairs["r"].to_numpy(), pairs["n"].to_numpy(), -pairs["score"].to_numpy())).tolist()
    n, r = pairs["n"].to_numpy(np.int64).tolist(), pairs["r"].to_numpy(np.int64).tolist()
    for k in order:
        i, j = n[k], r[k]
        u = left_d[i] if left_d[i] < left_s[j] else left_s[j]
        if u > 0:
            units[k] = u
            left_d[i] -= u
            left_s[j] -= u
    return np.asarray(units, dtype=np.int64)


def assign_all(source, weights: dict[str, float] | None = None, min_score: float = 0.0, scope: str = "district",
               method: str = "optimal", solver: str = "auto", default_capacity: int = 1,
               as_of: dt.date | None = None, context: MatchContext | None = None,
               stats: dict | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
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

    ``stats`` (a dict), when given, receives ``total_score``, ``candidates`` and the
    greedy baseline's total for the same candidates (``greedy_score``).
    """
    if method not in ("optimal", "greedy"):
        raise OptionError(f"method must be 'optimal' or 'greedy', not {method!r}")
    ctx = context or build_context(source, weights, default_capacity, as_of)
    waiting = _waiting(ctx)
    demand = ctx.needs["outstanding"].to_numpy(np.int64).copy()
    supply = ctx.resources["remaining"].to_numpy(np.int64).copy()
    supply[ctx.resources["expired"].to_numpy(bool)] = 0
    quantity = ctx.needs["quantity"].to_numpy(float)
    mask = np.zeros(len(demand), bool)
    mask[waiting] = True
    demand[~mask] = 0
    stats = {} if stats is None else stats
    stats.update(total_score=0.0, greedy_score=0.0, candidates=0)

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
    assignments = _present(ctx, got, {"units": got["units"].to_numpy() if len(got) else np.zeros(0, np.int64),
                                      "contribution": contribution})
    assignments = assignments[["need_id", "need_title", "resource_id", "resource_title", "provider_id", "units",
                               "score", "contribution", *PARTS, "broker_id", "broker_name", "reasons"]]
    unmatched = _unmatched(ctx, waiting, demand, min_score)
    return assignments, unmatched


def _unmatched(ctx: MatchContext, waiting: np.ndarray, demand: np.ndarray, min_score: float) -> pd.DataFrame:
    short = np.array([i for i in waiting if demand[i] > 0], dtype=np.int64)
    cols = ["need_id", "need_title", "category", "quantity", "units_short", "reason"]
    if not len(short):
        return pd.DataFrame(columns=cols)
    nd = ctx.needs
    res = ctx.resources
    rel = _related_for(pd.concat([nd["category"], res["category"]]))
    offered = res.groupby("category").agg(total=("id", "size"), left=("remaining", "sum"))
    reasons = []
    for i in short:
        cats = rel.loc[rel["need_category"] == nd.at[i, "category"], "res_category"]
        have = offered.reindex(cats).dropna()
        q, s = int(nd.at[i, "outstanding"]), int(demand[i])
        if have.empty or have["total"].sum() == 0:
            why = "无同类或相关类别资源 no resource in the same or a related category"
        elif have["left"].sum() == 0:
            why = "相关资源容量已用尽 every resource of a fitting category is at capacity (dispatches hold it)"
        elif s < q:
            why = f"部分满足 {q - s} of {q} units assigned; fitting resources had no more capacity"
        else:
            why = ("候选资源已分配给其他需求 fitting resources went to needs with higher scores per unit asked"
                   + (f", or scored below the minimum {min_score:g}" if min_score > 0 else ""))
        reasons.append(why)
    return pd.DataFrame({"need_id": nd["id"].to_numpy(object)[short], "need_title": nd["title"].to_numpy(object)[short],
                         "category": nd["category"].to_numpy(object)[short],
                         "quantity": nd["quantity"].to_numpy()[short], "units_short": demand[short],
                         "reason": reasons})[cols]
