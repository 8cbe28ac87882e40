"""Compute an analysis once, keep it in the store, reuse it while the data stay the same.

:class:`Results` stands between a store and the commands that show analyses (report, map,
demo): asked for central actors, findings or assignments, it returns the stored ones when
their stamp matches the data and parameters (fresh), and otherwise computes them and, for
the whole network, stores them for next time. ``recompute=True`` ignores what is stored.
The analysis commands themselves (``central``, ``gaps``, ``match --all --assign``) always
compute and store, through :meth:`Results.compute_central` and its siblings.

A run scoped to a committee or an area is computed and not stored: the store keeps one
result per analysis, for the whole network, as Cypher reports and map tools expect.

Examples
--------
>>> from graphgov.store import open_store                      # doctest: +SKIP
>>> with open_store("graphgov.lbdb") as store:                  # doctest: +SKIP
...     r = Results(store)
...     top = r.central().head(10)                              # stored if fresh, else computed and stored
...     findings = r.findings(as_of="2025-12-31")
"""
from __future__ import annotations

import datetime as dt
import time
from typing import Callable

import pandas as pd

from graphgov.errors import StoreBusyError, StoreError
from graphgov.results import stored
from graphgov.results.stamp import Stamp, data_version

__all__ = ["Results", "central_params", "gaps_params", "match_params"]


def central_params(layers=None, committee=None, area=None, exact=False, samples=None, seed=0, exact_limit=None,
                   hub_threshold=50, block_level="street", engine="igraph", max_samples=4096) -> dict:
    """The parameters that decide :func:`~graphgov.analysis.central.central_table`'s values, normalised."""
    from graphgov.analysis.central import DEFAULT_EXACT_LIMIT, DEFAULT_SAMPLES
    from graphgov.analysis.network import parse_layers

    return {"layers": sorted(parse_layers(layers)), "committee": committee, "area": area, "exact": bool(exact),
            "samples": int(samples or DEFAULT_SAMPLES), "max_samples": int(max_samples), "seed": int(seed),
            "exact_limit": int(DEFAULT_EXACT_LIMIT if exact_limit is None else exact_limit),
            "hub_threshold": hub_threshold, "block_level": block_level, "engine": engine}


def gaps_params(as_of, kinds=None, layers=None, committee=None, area=None, hub_threshold=50, block_level="street",
                stale_days=90, min_needs=2, silo_threshold=-0.5, community_threshold=-0.8, suggestions=30,
                seed=0) -> dict:
    """The parameters that decide :func:`~graphgov.analysis.gaps.find_gaps`'s findings, normalised."""
    from graphgov.analysis.gaps import KINDS
    from graphgov.analysis.network import parse_layers

    if isinstance(kinds, str):
        kinds = [k.strip() for k in kinds.split(",") if k.strip()]
    return {"as_of": _date(as_of), "kinds": sorted(kinds or KINDS), "layers": sorted(parse_layers(layers)),
            "committee": committee, "area": area, "hub_threshold": hub_threshold, "block_level": block_level,
            "stale_days": stale_days, "min_needs": min_needs, "silo_threshold": silo_threshold,
            "community_threshold": community_threshold, "suggestions": suggestions, "seed": seed}


def match_params(as_of, weights=None, min_score=0.0, scope="district", method="optimal", default_capacity=1) -> dict:
    """The parameters that decide :func:`~graphgov.matching.assign.assign_all`'s assignments, normalised."""
    from graphgov.matching.scoring import DEFAULT_WEIGHTS

    return {"as_of": _date(as_of), "weights": dict(sorted((weights or DEFAULT_WEIGHTS).items())),
            "min_score": float(min_score), "scope": scope, "method": method, "default_capacity": default_capacity}


def _date(value) -> str:
    if value is None:
        return dt.date.today().isoformat()
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return dt.date.fromisoformat(str(value)).isoformat()


class Results:
    """Stored analyses of one store's tables, reused while fresh.

    Parameters
    ----------
    store : the store (or None: compute, store nothing).
    tables : the store's tables if already read.
    recompute : compute even what is fresh (and store it).
    save : store what is computed (for the whole network).
    note : called with a line when stored results are reused, or when results could not be stored.
    """

    def __init__(self, store=None, tables: dict[str, pd.DataFrame] | None = None, recompute: bool = False,
                 save: bool = True, note: Callable[[str], None] | None = None):
        self.store = store
        self.tables = tables if tables is not None else store.read_tables()
        self.recompute = recompute
        self.save = save and store is not None
        self.note = note or (lambda text: None)
        self._digests: dict = {}
        self._stamps: dict[str, Stamp] | None = None
        self.network = None
        self.context = None

    # -- stamps -------------------------------------------------------------------------------
    def version(self, analysis: str) -> str:
        return data_version(self.tables, analysis, self._digests)

    def stamps(self) -> dict[str, Stamp]:
        if self._stamps is None:
            self._stamps = stored.read_stamps(self.store) if self.store is not None else {}
        return self._stamps

    def fresh(self, analysis: str, params: dict) -> Stamp | None:
        """The stored stamp of ``analysis`` if it answers ``params`` on the current data."""
        stamp = self.stamps().get(analysis)
        return stamp if stamp is not None and stamp.fresh(params, self.version(analysis)) else None

    def status(self) -> pd.DataFrame:
        """One row per stored analysis: when, on which data version, with which parameters, fresh or stale."""
        rows = []
        for name, stamp in sorted(self.stamps().items()):
            rows.append({"analysis": name, "computed_at": stamp.computed_at, "data_version": stamp.data_version,
                         "current_version": self.version(name) if name in ("central", "gaps", "match") else None,
                         "rows": stamp.rows, "seconds": stamp.seconds, "params": stamp.params})
        df = pd.DataFrame(rows, columns=["analysis", "computed_at", "data_version", "current_version", "rows",
                                         "seconds", "params"])
        df.insert(1, "state", ["fresh" if a == b else "stale"
                               for a, b in zip(df["data_version"], df["current_version"])])
        return df

    def _dated(self, options: dict) -> dict:
        """``options`` with ``as_of`` filled in: the dataset's own date when none is given, else today."""
        from graphgov.dataset.meta import reference_date

        return {**options, "as_of": reference_date(self.tables, options.get("as_of"))}

    def _whole(self, params: dict) -> bool:
        return params.get("committee") is None and params.get("area") is None

    def _store(self, what: str, write) -> None:
        if not self.save:
            return
        try:
            write()
            self._stamps = None
        except (StoreBusyError, StoreError) as err:
            self.note(f"{what}: results not kept in the store ({err})")

    def _network(self, params: dict):
        from graphgov.analysis.network import build_network

        key = (tuple(params["layers"]), params["committee"], params["area"], params["hub_threshold"],
               params["block_level"])
        if self.network is None or self.network[0] != key:
            self.network = (key, build_network(self.tables, params["layers"], params["committee"], params["area"],
                                               params["hub_threshold"], params["block_level"]))
        return self.network[1]

    # -- central ------------------------------------------------------------------------------
    def central(self, **options) -> pd.DataFrame:
        """:func:`~graphgov.analysis.central.central_table` (options as there), stored if fresh."""
        params = central_params(**options)
        stamp = None if self.recompute else self.fresh("central", params)
        if stamp is not None and self._whole(params):
            from graphgov.analysis.network import unit_frame

            df = stored.read_central(self.store, unit_frame(self.tables, block_level=params["block_level"]))
            if len(df) == stamp.rows:
                df.attrs.update(stamp.summary)
                self.note(f"central: stored results of {stamp.computed_at} reused (data unchanged)")
                return df
        return self.compute_central(**options)

    def compute_central(self, sort_by: str = "betweenness", **options) -> pd.DataFrame:
        """Compute :func:`~graphgov.analysis.central.central_table` and store it (whole network only)."""
        from graphgov.analysis.central import central_table

        params = central_params(**options)
        started = time.perf_counter()
        net = self._network(params)
        df = central_table(net, exact=params["exact"], samples=params["samples"], seed=params["seed"],
                           exact_limit=params["exact_limit"], sort_by=sort_by, engine=params["engine"],
                           hub_threshold=params["hub_threshold"], block_level=params["block_level"],
                           max_samples=params["max_samples"])
        if self._whole(params):
            summary = {k: v for k, v in df.attrs.items() if isinstance(v, (int, float, str, bool, list, dict))}
            stamp = Stamp.make("central", params, self.version("central"), time.perf_counter() - started, len(df),
                               summary)
            self._store("central", lambda: stored.write_central(self.store, df, stamp))
        return df

    def compute_central_gds(self, samples: int = 256, seed: int = 0, hub_threshold: int | None = 50) -> pd.DataFrame:
        """``central --engine gds``: weighted degree, PageRank and sampled betweenness computed in Neo4j by
        Graph Data Science (:func:`~graphgov.analysis.gds.gds_central`), stored on the units as the
        Python engine's are, stamped with ``engine: gds`` (so the report, which asks for the Python
        engine's full table, computes its own rather than reuse these three measures)."""
        from graphgov.analysis.gds import gds_central

        params = central_params(samples=samples, seed=seed, hub_threshold=hub_threshold, engine="gds")
        started = time.perf_counter()
        df = gds_central(self.store, samples=samples, seed=seed, hub_threshold=hub_threshold or 10**9)
        stamp = Stamp.make("central", params, self.version("central"), time.perf_counter() - started, len(df),
                           {"engine": "gds", "betweenness_sources": int(samples)})
        self._store("central", lambda: stored.write_central(self.store, df, stamp))
        return df

    # -- gaps ---------------------------------------------------------------------------------
    def findings(self, **options) -> pd.DataFrame:
        """:func:`~graphgov.analysis.gaps.find_gaps` (options as there), stored if fresh."""
        params = gaps_params(**self._dated(options))
        stamp = None if self.recompute else self.fresh("gaps", params)
        if stamp is not None and self._whole(params):
            df = stored.read_findings(self.store, stamp)
            if len(df) == stamp.rows:
                self.note(f"gaps: stored findings of {stamp.computed_at} reused (data unchanged)")
                return df
        return self.compute_findings(**options)

    def compute_findings(self, lang: str = "zh", **options) -> pd.DataFrame:
        """Compute :func:`~graphgov.analysis.gaps.find_gaps` and store it (whole network only).

        ``lang``: the language of the messages; only Chinese findings are stored (the report's
        language), so ``gaps --lang en`` leaves the stored ones as they are."""
        from graphgov.analysis.gaps import gaps_and_context

        params = gaps_params(**self._dated(options))
        started = time.perf_counter()
        net = self._network(params)
        df, cx = gaps_and_context(net, as_of=params["as_of"], kinds=params["kinds"], stale_days=params["stale_days"],
                                  min_needs=params["min_needs"], silo_threshold=params["silo_threshold"],
                                  community_threshold=params["community_threshold"],
                                  suggestions=params["suggestions"], seed=params["seed"], lang=lang)
        self.context = cx
        if self._whole(params) and lang == "zh":
            summary = {"communities": df.attrs.get("communities"), "as_of": params["as_of"]}
            stamp = Stamp.make("gaps", params, self.version("gaps"), time.perf_counter() - started, len(df), summary)
            self._store("gaps", lambda: stored.write_findings(self.store, df, stamp, self.tables, cx.community))
        return df

    # -- match --------------------------------------------------------------------------------
    def assignments(self, **options) -> pd.DataFrame:
        """The assignments of :func:`~graphgov.matching.assign.assign_all` (options as there), stored if fresh."""
        params = match_params(**self._dated(options))
        stamp = None if self.recompute else self.fresh("match", params)
        if stamp is not None:
            df = stored.read_proposals(self.store, self.tables)
            if len(df) == stamp.rows:
                self.note(f"match: stored proposals of {stamp.computed_at} reused (data unchanged)")
                df.attrs.update(stamp.summary)
                return df
        assignments, _, _ = self.compute_assignments(**options)
        return assignments

    def compute_assignments(self, context=None, lang: str = "zh", **options) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
        """Compute :func:`~graphgov.matching.assign.assign_all` and store the assignments as proposals.

        Returns (assignments, unmatched, stats). ``context``: a matching context already built;
        ``lang``: the language of the reasons (only Chinese ones are stored, as for the findings).
        """
        from graphgov.matching.assign import assign_all

        params = match_params(**self._dated(options))
        started = time.perf_counter()
        stats: dict = {}
        assignments, unmatched = assign_all(None if context is not None else self.tables, weights=params["weights"],
                                            min_score=params["min_score"], scope=params["scope"],
                                            method=params["method"], default_capacity=params["default_capacity"],
                                            as_of=dt.date.fromisoformat(params["as_of"]), context=context,
                                            stats=stats, lang=lang)
        summary = {k: stats[k] for k in ("total_score", "greedy_score", "candidates") if k in stats}
        summary["unmatched"] = len(unmatched)
        assignments.attrs.update(summary)
        stamp = Stamp.make("match", params, self.version("match"), time.perf_counter() - started, len(assignments),
                           summary)
        if lang == "zh":  # stored reasons are in the report's language
            self._store("match", lambda: stored.write_proposals(self.store, assignments, stamp))
        return assignments, unmatched, stats
