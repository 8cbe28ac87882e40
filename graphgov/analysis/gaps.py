"""Coordination gaps: where the network is thin, each finding with its evidence.

:func:`find_gaps` returns one row per finding with ``kind``, ``severity``
(high/medium/low), ``score`` (orders findings of one kind), the ``subject`` (ids and
names), a ``message`` stating the facts, ``evidence`` (the facts as a dict)
and a ``suggestion``; message and suggestion are in Chinese, or in English with ``lang="en"``
(names of units, needs and areas stay as the data has them). The kinds and their rules are in :data:`KINDS` and
``docs/analysis.md``. Dates are judged against ``as_of`` (default: the dataset's own date, else today),
so a result is reproducible when ``as_of`` is given or the dataset states its date.

The kinds, the shared :class:`GapContext` and the finding record are in
:mod:`graphgov.analysis.gap_context`; the rules in :mod:`graphgov.analysis.gap_rules`
(activity and supply) and :mod:`graphgov.analysis.gap_structure` (silos, single brokers).
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from graphgov.dataset.meta import reference_date
from graphgov.errors import OptionError
from graphgov.analysis.gap_context import COLUMNS, KIND_ZH, KINDS, LANGS, SEVERITIES, SEVERITY_ZH, GapContext
from graphgov.analysis.gap_rules import idle_committees, inactive_members, supply_gaps, suggested_ties, unmet_needs
from graphgov.analysis.gap_structure import silos, single_brokers
from graphgov.analysis.network import DEFAULT_HUB_THRESHOLD, CoordinationNetwork, area_descendants, build_network

__all__ = ["KINDS", "KIND_ZH", "SEVERITIES", "SEVERITY_ZH", "COLUMNS", "find_gaps", "GapContext"]


def _committees_in_scope(net: CoordinationNetwork) -> set[str]:
    t = net.tables
    comms = t.get("committees")
    if comms is None or comms.empty:
        return set()
    ids = set(comms["id"])
    if net.scope.get("committee"):
        ids &= area_descendants(comms, net.scope["committee"])
    if net.scope.get("area"):
        places = area_descendants(t["areas"], net.scope["area"])
        ids &= set(comms.loc[comms["area_id"].isin(places), "id"])
    return ids


def find_gaps(
    source,
    as_of: dt.date | str | None = None,
    kinds=None,
    layers=None,
    committee: str | None = None,
    area: str | None = None,
    hub_threshold: int | None = DEFAULT_HUB_THRESHOLD,
    block_level: str = "street",
    stale_days: int = 90,
    min_needs: int = 2,
    silo_threshold: float = -0.5,
    community_threshold: float = -0.8,
    suggestions: int = 30,
    seed: int = 0,
    lang: str = "zh",
) -> pd.DataFrame:
    """Find coordination gaps, each with its evidence.

    Parameters
    ----------
    source : a store, Dataset, dict of tables or :class:`CoordinationNetwork`.
    as_of : the reference date for ages and expiry (date or ``"YYYY-MM-DD"``; default the dataset's
        own date, else today).
    kinds : the kinds to look for (names from :data:`KINDS`, list or comma text); default all.
    layers, committee, area, hub_threshold, block_level : the network (see :func:`build_network`).
    stale_days : an open need with supply in reach is reported only once this old.
    min_needs : a supply gap in an area needs at least this many open needs.
    silo_threshold, community_threshold : the E-I index at or below which a sector/area
        group, or a detected community, is a silo.
    suggestions : how many suggested ties to keep.
    seed : seed of community detection.
    lang : ``"zh"`` (default) or ``"en"``: the language of ``message`` and ``suggestion``.

    Returns
    -------
    DataFrame with :data:`COLUMNS`, ordered by severity, kind and score.

    Raises
    ------
    OptionError for an unknown kind, layer, language or a bad date; NotFoundError for an
    unknown committee or area.
    """
    if lang not in LANGS:
        raise OptionError(f"unknown language {lang!r}; choose from {', '.join(LANGS)}")
    if kinds is None:
        kinds = KINDS
    elif isinstance(kinds, str):
        kinds = tuple(k.strip() for k in kinds.split(",") if k.strip())
    for k in kinds:
        if k not in KINDS:
            raise OptionError(f"unknown gap kind {k!r}; choose from {', '.join(KINDS)}")
    net = source if isinstance(source, CoordinationNetwork) else build_network(
        source, layers, committee, area, hub_threshold, block_level)
    as_of = reference_date(net.tables, as_of)
    cx = GapContext(net, as_of, seed, lang)
    committees = _committees_in_scope(net)
    found: list[dict] = []
    if "inactive_member" in kinds:
        found += inactive_members(cx, committees)
    if "unmet_need" in kinds:
        found += unmet_needs(cx, stale_days)
    if "supply_gap" in kinds:
        found += supply_gaps(cx, min_needs)
    if "silo" in kinds:
        found += silos(cx, silo_threshold, community_threshold)
    if "single_broker" in kinds:
        found += single_brokers(cx)
    if "idle_committee" in kinds:
        found += idle_committees(cx, committees)
    if "suggested_tie" in kinds:
        found += suggested_ties(cx, suggestions)
    df = pd.DataFrame(found, columns=COLUMNS)
    if df.empty:
        df.attrs["as_of"] = as_of.isoformat()
        return df
    df["_s"] = df["severity"].map({s: i for i, s in enumerate(SEVERITIES)})
    df["_k"] = df["kind"].map({k: i for i, k in enumerate(KINDS)})
    df = df.sort_values(["_s", "_k", "score", "subject_id"], ascending=[True, True, False, True], kind="stable")
    df = df.drop(columns=["_s", "_k"]).reset_index(drop=True)
    df.attrs["as_of"] = as_of.isoformat()
    return df
