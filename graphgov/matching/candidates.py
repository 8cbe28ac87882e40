"""Candidate blocking: which need–resource pairs are scored at all, never a full cross product.

A pair is a candidate when the resource is in the need's category or a related one
(:data:`graphgov.dataset.vocab.RELATED_CATEGORIES`), has capacity left and has not
expired; by default it must also be in the need's district.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from graphgov.dataset import vocab
from graphgov.errors import OptionError
from graphgov.matching.scoring import MatchContext

__all__ = ["category_relations", "candidate_pairs"]


def _related_table() -> pd.DataFrame:
    rows = [(c, c, 1.0) for c in vocab.CATEGORIES]
    for (a, b), w in vocab.RELATED_CATEGORIES.items():
        rows += [(a, b, w), (b, a, w)]
    return pd.DataFrame(rows, columns=["need_category", "res_category", "category_fit"])


def category_relations(categories) -> pd.DataFrame:
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
    rel = category_relations(pd.concat([n["need_category"], r["res_category"]]))
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
