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
from graphgov.analysis import parallel
from graphgov.analysis.gap_context import COLUMNS, KIND_ZH, KINDS, LANGS, SEVERITIES, SEVERITY_ZH, GapContext
from graphgov.analysis.gap_rules import idle_committees, inactive_members, supply_gaps, suggested_ties, unmet_needs
from graphgov.analysis.gap_structure import bridges, silos, single_brokers
from graphgov.analysis.network import DEFAULT_HUB_THRESHOLD, CoordinationNetwork, area_descendants, build_network

__all__ = ["KINDS", "KIND_ZH", "SEVERITIES", "SEVERITY_ZH", "COLUMNS", "find_gaps", "gaps_and_context", "GapContext"]


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
    seed : master seed of community detection (the seeds of its Leiden runs are drawn from it).
    lang : ``"zh"`` (default) or ``"en"``: the language of ``message`` and ``suggestion``.

    Returns
    -------
    DataFrame with :data:`COLUMNS`, ordered by severity, kind and score. ``attrs`` holds
    ``as_of`` and ``communities`` (runs, agreement of single runs and stability of their
    consensus as NMI, number of communities; see :mod:`graphgov.analysis.communities`).

    Raises
    ------
    OptionError for an unknown kind, layer, language or a bad date; NotFoundError for an
    unknown committee or area.
    """
    df, _ = gaps_and_context(source, as_of, kinds, layers, committee, area, hub_threshold, block_level, stale_days,
                             min_needs, silo_threshold, community_threshold, suggestions, seed, lang=lang)
    return df


def _rule_task(rule, args) -> list[dict]:
    return rule(parallel.shared("cx"), *args)


def gaps_and_context(source, as_of=None, kinds=None, layers=None, committee=None, area=None,
                     hub_threshold=DEFAULT_HUB_THRESHOLD, block_level="street", stale_days=90, min_needs=2,
                     silo_threshold=-0.5, community_threshold=-0.8, suggestions=30,
                     seed=0, workers: int | None = None, lang: str = "zh") -> tuple[pd.DataFrame, GapContext]:
    """:func:`find_gaps` and the :class:`GapContext` it worked on (its components and communities).
    ``workers``: processes for the rules (default: every core)."""
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
    rules = {
        "inactive_member": (inactive_members, (committees,)), "unmet_need": (unmet_needs, (stale_days,)),
        "supply_gap": (supply_gaps, (min_needs,)), "silo": (silos, (silo_threshold, community_threshold)),
        "single_broker": (single_brokers, ()), "bridge": (bridges, ()),
        "idle_committee": (idle_committees, (committees,)), "suggested_tie": (suggested_ties, (suggestions,)),
    }
    # the rules only read the context: on a large network they run side by side, silos (the
    # slowest) first, the others after it on the other core
    order = sorted((k for k in KINDS if k in kinds), key=lambda k: k != "silo")
    with parallel.Pool({"cx": cx}, workers if len(net.units) >= 300 else 1) as pool:
        futures = {k: pool.submit(_rule_task, rules[k][0], rules[k][1]) for k in order}
        found: list[dict] = [f for k in KINDS if k in futures for f in futures[k].result()]
    df = pd.DataFrame(found, columns=COLUMNS)
    df.attrs["as_of"] = as_of.isoformat()
    df.attrs["communities"] = cx.communities.summary()
    if df.empty:
        return df, cx
    df["_s"] = df["severity"].map({s: i for i, s in enumerate(SEVERITIES)})
    df["_k"] = df["kind"].map({k: i for i, k in enumerate(KINDS)})
    df = df.sort_values(["_s", "_k", "score", "subject_id"], ascending=[True, True, False, True], kind="stable")
    attrs = dict(df.attrs)
    df = df.drop(columns=["_s", "_k"]).reset_index(drop=True)
    df.attrs.update(attrs)
    return df, cx
