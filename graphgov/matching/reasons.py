"""Explanations of matches: short reasons per pair, the broker on a two-step path, output rows.

Each scored pair becomes one output row (:func:`present_pairs`) with ids, titles, the
score and its parts, the broker who can make the introduction and a list of reasons, in
Chinese (or English): category, shared text, area, capacity and the tie between the units.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from graphgov.dataset import vocab
from graphgov.errors import OptionError
from graphgov.matching.scoring import MAX_TRUST_STEPS, PARTS, MatchContext

__all__ = ["present_pairs"]

_LEVEL_ZH = {"grid": "网格", "community": "社区", "station_area": "站区", "street": "街乡", "district": "区", "city": "市"}


def _shared_terms(need, res, need_row: int, res_row: int, k: int = 3) -> list[str]:
    """The longest runs of text need and resource share (two characters or more), longest first."""
    def text(cols, i):
        return " ".join(v for v in (cols(i, "title"), cols(i, "description")) if isinstance(v, str))

    return shared_runs(text(need, need_row), text(res, res_row), k)


def shared_runs(a: str, b: str, k: int = 3, longest: int = 24) -> list[str]:
    """Up to ``k`` texts of two or more characters found in both ``a`` and ``b``, longest first,
    none inside another; runs are cut at ``longest`` characters.

    >>> shared_runs("春运安保志愿服务", "安保巡逻志愿者")
    ['安保', '志愿']
    """
    strip = " ,.;:，。；：、"
    pieces = {b[i:j] for i in range(len(b) - 1) for j in range(i + 2, min(len(b), i + longest) + 1)}
    runs = []
    i = 0
    while i < len(a) - 1:
        j = i + 1
        while j < len(a) and j - i < longest and a[i:j + 1] in pieces:
            j += 1
        if j - i >= 2:
            runs.append(a[i:j])
            i = j
        else:
            i += 1
    found: list[str] = []
    for run in sorted((r.strip(strip) for r in runs), key=len, reverse=True):
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


def _reasons(ctx: MatchContext, row, need: _Columns, res: _Columns, link: str, lang: str) -> list[str]:
    n, r = int(row.n), int(row.r)
    zh = lang == "zh"
    out = []
    ncat, rcat = need(n, "category"), res(r, "category")
    cat = (lambda c: vocab.zh_label("category", c)) if zh else (lambda c: c)
    if ncat == rcat:
        out.append(f"同类别：{cat(ncat)}" if zh else f"same category: {ncat}")
    else:
        out.append(f"相关类别：以{cat(rcat)}满足{cat(ncat)}（{row.category:.1f}）" if zh
                   else f"related category: {rcat} for {ncat} ({row.category:.1f})")
    if row.text > 0:
        terms = _shared_terms(need, res, n, r)
        if zh:
            out.append(f"文本相似 {row.text:.2f}" + (f"：{'、'.join(terms)}" if terms else ""))
        else:
            out.append(f"similar text {row.text:.2f}" + (f": {', '.join(terms)}" if terms else ""))
    lv = row.area_level
    nd, rd = need(n, "anc_district"), res(r, "anc_district")
    if nd and rd and nd != rd:
        there, here = ctx.area_names.get(rd, rd), ctx.area_names.get(nd, nd)
        out.append(f"跨区：资源在{there}，需求在{here}" if zh else f"other district: {there} (need in {here})")
    elif lv:
        aid = need(n, "area") if lv == "same" else need(n, f"anc_{lv}")
        name = ctx.area_names.get(aid, aid)
        if zh:
            out.append(f"同一{'区域' if lv == 'same' else _LEVEL_ZH[lv]}：{name}")
        else:
            out.append(f"same {'area' if lv == 'same' else lv.replace('_', ' ')}: {name}")
    else:
        out.append("区域不明" if zh else "area unknown")
    left, asked = int(res(r, "remaining") or 0), int(need(n, "outstanding") or 0)
    if zh:
        out.append(f"容量{'不足' if row.capacity < 1 else '充足'}：剩余 {left}，需要 {asked}")
    else:
        out.append(f"capacity {'short' if row.capacity < 1 else 'enough'}: {left} left for {asked} asked")
    out.append(link)
    return out


_KIND_WORDS = {"zh": {"Unit": "单位", "Committee": "委员会", "Project": "项目"},
               "en": {"Unit": "unit", "Committee": "committee", "Project": "project"}}


def _node_text(ctx: MatchContext, i: int, lang: str = "zh") -> str:
    return f"{_KIND_WORDS[lang][ctx.node_kind[i]]} {ctx.node_name[i]} ({ctx.node_ids[i]})"


def _row(m: sp.csr_matrix, i: int) -> np.ndarray:
    return m.indices[m.indptr[i]:m.indptr[i + 1]]


def _tie_text(ctx: MatchContext, a: int, b: int, lang: str) -> str:
    """How two tied units know each other: their agreement, or a committee/project they share."""
    if b in set(_row(ctx.agree, a).tolist()):
        return "共建协议" if lang == "zh" else "agreement"
    shared = set(_row(ctx.groups, a).tolist()) & set(_row(ctx.groups, b).tolist())
    return _node_text(ctx, min(shared), lang) if shared else "?"


def _broker_of(ctx: MatchContext, u: int, v: int) -> int:
    """A unit tied to both ``u`` and ``v`` (preferring one with an agreement with either), or -1."""
    common = sorted(set(_row(ctx.ties, u).tolist()) & set(_row(ctx.ties, v).tolist()))
    if not common:
        return -1
    agreed = set(_row(ctx.agree, u).tolist()) | set(_row(ctx.agree, v).tolist())
    strong = [w for w in common if w in agreed]
    return int(strong[0] if strong else common[0])


def _trust_link(ctx: MatchContext, need_unit, res_unit, steps: float, lang: str) -> tuple[int, str]:
    """(broker unit index or -1, the reason text) for a pair ``steps`` apart."""
    zh = lang == "zh"
    if not np.isfinite(steps):
        return -1, (f"无网络联系：两单位 {MAX_TRUST_STEPS} 步之内没有联系" if zh
                    else f"no tie within {MAX_TRUST_STEPS} steps between the units")
    if steps == 0:
        return -1, "本单位资源" if zh else "offered by the need's own unit"
    u, v = ctx.unit_index[need_unit], ctx.unit_index[res_unit]
    if steps == 1:
        return -1, (f"直接联系：{_tie_text(ctx, u, v, lang)}" if zh else f"direct tie: {_tie_text(ctx, u, v, lang)}")
    w = _broker_of(ctx, u, v)
    path = f"{_tie_text(ctx, u, w, lang)} → {_node_text(ctx, w, lang)} → {_tie_text(ctx, w, v, lang)}"
    return w, (f"经两步联系：{path}；介绍人 {ctx.node_name[w]}" if zh
               else f"2 steps: {path}; broker {ctx.node_name[w]}")


def present_pairs(ctx: MatchContext, scored: pd.DataFrame, extra: dict | None = None,
                  lang: str = "zh") -> pd.DataFrame:
    """Scored pairs as output rows: ids, names, score, parts, broker and reasons (in Chinese, or ``lang="en"``)."""
    if lang not in ("zh", "en"):
        raise OptionError(f"unknown language {lang!r}; choose zh or en")
    n, r = scored["n"].to_numpy(np.int64), scored["r"].to_numpy(np.int64)
    links = [_trust_link(ctx, u, v, d, lang) for u, v, d in
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
    out["reasons"] = [_reasons(ctx, row, need_cols, res_cols, text, lang)
                      for row, (_, text) in zip(scored.itertuples(index=False), links)]
    return out
