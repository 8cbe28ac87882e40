"""graphgov for notebooks: the CLI's answers as pandas DataFrames or file paths.

Each function takes the store as a :class:`~graphgov.store.base.Store` (from
:func:`open_store`), as its location — a LadybugDB file or a ``neo4j://`` address — or
(for the analyses) as tables already read, and gives what the command of the same name
prints, with the same defaults::

    >>> import graphgov
    >>> store = graphgov.open_store("graphgov.lbdb")          # doctest: +SKIP
    >>> graphgov.central(store).head(10)                       # doctest: +SKIP
    >>> graphgov.match(store, "N0012", on="2025-12-31")        # doctest: +SKIP

Dates (``as_of``, ``on``) are ``datetime.date`` or ``"YYYY-MM-DD"``; left out, they are the
dataset's own date (its ``meta`` table), else today, as on the command line. Errors are :mod:`graphgov.errors` classes. See docs/api.md.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import os
from pathlib import Path
from typing import Iterator

import pandas as pd

__all__ = ["open_store", "load", "network", "central", "gaps", "match", "assign", "report", "write_map"]


def _day(value, source=None) -> dt.date:
    """``value`` as a date; left out, the dataset's own date (its meta table), else today, as the CLI."""
    if value is None:
        from graphgov.dataset.meta import reference_date

        return reference_date(source, None) if source is not None else dt.date.today()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    from graphgov.errors import OptionError

    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise OptionError(f"{value!r} is not a date in the form YYYY-MM-DD") from None


def open_store(store: str | os.PathLike | None = None, read_only: bool = True):
    """The store at ``store``: a LadybugDB file or a Neo4j address (``neo4j://host:7687``).

    Default: ``$GRAPHGOV_STORE``, else ``./graphgov.lbdb`` (as the CLI). Use it in a
    ``with`` block, or call ``close()``, to let another process write the store.

    Raises
    ------
    graphgov.errors.StoreError
        When the store cannot be opened (a server also raises StoreUnavailableError or
        StoreAuthError).
    """
    from graphgov.store import DEFAULT_STORE, STORE_ENV
    from graphgov.store import open_store as _open

    where = store if store is not None else os.environ.get(STORE_ENV, DEFAULT_STORE)
    return _open(where, read_only=read_only)


@contextlib.contextmanager
def _opened(store) -> Iterator:
    """What to read: the store (or tables) given, or a store opened from a location and closed afterwards."""
    if store is not None and not isinstance(store, (str, os.PathLike)):
        yield store  # a Store, or tables already read (a dict of DataFrames, a checked Dataset)
        return
    opened = open_store(store)
    try:
        yield opened
    finally:
        opened.close()


def load(dataset: str | os.PathLike, store=None, replace: bool = False, partial: bool = False,
         strict: bool = False, transaction: str = "auto") -> pd.DataFrame:
    """Check ``dataset`` (a folder of CSV files or an .xlsx) and load it into ``store``, all or nothing.

    Returns one row per table: ``table``, ``before``, ``after``, ``added``, ``changed``,
    ``removed`` (the counts ``graphgov load`` prints). The checks' warnings are in
    ``.attrs["warnings"]``. ``transaction``: how a Neo4j store writes it ("auto", "one",
    "staged"; see :meth:`graphgov.store.neo4j_store.Neo4jStore.load`).

    Raises
    ------
    graphgov.errors.DataError
        With every problem found (``.problems``); nothing is written.
    """
    from graphgov.dataset.checks import read_and_check

    with _opened(store) as opened:
        known = opened.known_ids() if partial and opened.exists() else None
        ds = read_and_check(dataset, known_ids=known, partial=partial, strict=strict)
        result = opened.load(ds, replace=replace, transaction=transaction)
    df = pd.DataFrame([{"table": name, "before": result.before.get(name, 0), "after": result.after.get(name, 0),
                        "added": result.added.get(name, 0), "changed": result.changed.get(name, 0),
                        "removed": result.removed.get(name, 0)} for name in ds.tables])
    df.attrs["warnings"] = [str(w) for w in ds.warnings]
    return df


def network(store=None, committee: str | None = None, area: str | None = None,
            layers: str = "committee,project,agreement,party", hub_threshold: int | None = 50) -> pd.DataFrame:
    """The coordination network as an edge list: who is tied to whom, by which layers.

    Returns ``source``, ``target`` (``Unit:U001``; a committee or project larger than
    ``hub_threshold`` members is one hub node, ``Committee:C01``), ``source_name``,
    ``target_name``, ``weight``, ``distance``, one weight column per layer, and ``hub``
    (True for a unit–hub edge). ``.attrs["units"]`` holds the units in scope.
    """
    from graphgov.analysis.network import build_network

    with _opened(store) as opened:
        net = build_network(opened, layers=layers, committee=committee, area=area, hub_threshold=hub_threshold)
    names = {**dict(zip(net.units.index, net.units["name"])), **dict(zip(net.hubs["key"], net.hubs["name"]))}
    edges = net.edges.copy()
    edges.insert(2, "source_name", edges["source"].map(names))
    edges.insert(3, "target_name", edges["target"].map(names))
    edges.attrs["units"] = net.units.reset_index(drop=True)
    return edges.reset_index(drop=True)


def central(store=None, committee: str | None = None, area: str | None = None,
            layers: str = "committee,project,agreement,party", sort_by: str = "betweenness", exact: bool = False,
            samples: int = 256, exact_limit: int = 2000, seed: int = 0, hub_threshold: int | None = 50,
            block_level: str = "street", engine: str = "igraph") -> pd.DataFrame:
    """Central actors, as ``graphgov central --format json``: one row per unit, ranked by ``sort_by``.

    Columns: ``rank``, ``id``, ``name``, ``type``, ``type_zh``, ``sector``, ``block``, the
    centralities, ``articulation`` and the brokerage role counts (docs/analysis.md).
    """
    from graphgov.analysis.central import central_table

    with _opened(store) as opened:
        return central_table(opened, layers=layers, committee=committee, area=area, exact=exact, samples=samples,
                             seed=seed, exact_limit=exact_limit, sort_by=sort_by, hub_threshold=hub_threshold,
                             block_level=block_level, engine=engine)


def gaps(store=None, as_of=None, kinds: str | None = None, severity: str = "low", committee: str | None = None,
         area: str | None = None, stale_days: int = 90, suggestions: int = 30, seed: int = 0,
         lang: str = "zh") -> pd.DataFrame:
    """Coordination gaps as of ``as_of`` (default: the dataset's date, else today), as ``graphgov gaps --format json``.

    One row per finding with ``kind``, ``kind_zh``, ``severity``, ``subject``, ``message``,
    ``evidence`` (a dict) and ``suggestion``; ``severity`` keeps findings at least that severe.
    ``message`` and ``suggestion`` are in Chinese, or in English with ``lang="en"``.
    """
    from graphgov.analysis.gaps import SEVERITIES, find_gaps

    with _opened(store) as opened:
        df = find_gaps(opened, as_of=_day(as_of, opened), kinds=kinds, committee=committee, area=area,
                       stale_days=stale_days, suggestions=suggestions, seed=seed, lang=lang)
    if not df.empty:
        df = df[df["severity"].isin(SEVERITIES[: SEVERITIES.index(severity) + 1])].reset_index(drop=True)
    return df


def match(store, need_id: str, on=None, top: int = 10, weights: dict[str, float] | None = None,
          min_score: float = 0.0, default_capacity: int = 1, lang: str = "zh") -> pd.DataFrame:
    """The best resources for one need on the day ``on`` (default: the dataset's date, else today), as ``match NEED_ID``.

    Resources expired on that day are left out. Columns: ``rank``, ``resource_id``,
    ``score``, its parts, ``broker_id``, ``broker_name``, ``reasons`` (a list; English with
    ``lang="en"``).

    Raises
    ------
    graphgov.errors.NotFoundError
        For a need that is not in the store.
    """
    from graphgov.matching.assign import match_need

    with _opened(store) as opened:
        return match_need(opened, need_id, top=top, weights=weights, min_score=min_score,
                          default_capacity=default_capacity, as_of=_day(on, opened), lang=lang)


def assign(store=None, on=None, unmatched: bool = False, scope: str = "district", greedy: bool = False,
           weights: dict[str, float] | None = None, min_score: float = 0.0, default_capacity: int = 1,
           lang: str = "zh") -> pd.DataFrame:
    """One capacity-respecting assignment of every waiting need on the day ``on``, as ``match --all --assign``.

    Returns the dispatch list (``need_id``, ``resource_id``, ``units``, ``score``, …), or with
    ``unmatched=True`` the needs left short (``units_short``, ``reason``). The totals (score
    and the greedy baseline's) are in ``.attrs["stats"]``. Nothing is recorded: dispatching
    is the CLI's ``--dispatch``.
    """
    from graphgov.matching.assign import assign_all

    stats: dict = {}
    with _opened(store) as opened:
        assignments, short = assign_all(opened, weights=weights, min_score=min_score, scope=scope,
                                        method="greedy" if greedy else "optimal", default_capacity=default_capacity,
                                        as_of=_day(on, opened), stats=stats, lang=lang)
    df = short if unmatched else assignments
    df.attrs["stats"] = stats
    return df


def report(store, name: str, include_personal: bool = False, queries: tuple[str | os.PathLike, ...] = (),
           **params) -> pd.DataFrame:
    """Run the named Cypher report ``name`` (``graphgov query list``) with ``params``, as ``graphgov query run``.

    Parameters left out take the report's defaults; values may be typed (a date, an int)
    or text as on the command line. Personal columns are left out unless ``include_personal``.
    ``queries`` adds folders of your own reports.

    Raises
    ------
    graphgov.errors.OptionError
        For an unknown report or parameter, or a bad value.
    graphgov.queries.library.QueryFileError
        For a report file the store does not accept (named at file:line:column).
    """
    from graphgov.queries.library import find_report, load_reports, run_report
    from graphgov.views.privacy import strip_personal

    found = find_report(name, load_reports(queries))
    with _opened(store) as opened:
        df = run_report(opened.report_query, found, params)
    return df if include_personal else strip_personal(df)[0]


def write_map(store, out: str | os.PathLike, view: str = "network", **options) -> Path:
    """Write an offline network map (one HTML file) and return its path, as ``graphgov map``.

    ``options`` are those of :func:`graphgov.views.maps.build_map`: ``committee``, ``unit``,
    ``radius``, ``category``, ``area``, ``size_by``, ``findings``, ``matches``,
    ``include_personal``, ``max_nodes``, ``group_by``, ``title``. In Jupyter, show it with
    ``IPython.display.IFrame(str(path), width="100%", height=600)``.
    """
    from graphgov.views.maps import write_map as _write_map

    with _opened(store) as opened:
        tables = opened.read_tables(include_internal=False)
    if view == "gaps" and options.get("findings") is None:
        options["findings"] = gaps(tables)
    if view == "matches" and options.get("matches") is None:
        options["matches"] = assign(tables)
    _write_map(out, tables, view=view, **options)
    return Path(out)
