"""Synthetic datasets in the standard format, at station, district and Beijing scale.

The shapes follow the published figures (docs/generate.md): Beijing has committees in
16 districts, 343 streets/townships and 3,400+ communities, 17,000+ member units, and in
one year 13,500+ needs and 9,800 projects (a generated dataset holds two such years
and states its own date, the reference date). Participation is heavy-tailed (a few hub units
sit on many committees and take part in many projects), most ties stay inside a street or
district, some members never do anything (paper members), some needs find nobody, and in
a few districts one category of resource is scarce.

Everything is drawn from one ``numpy.random.default_rng(seed)`` in a fixed order and dates
are counted back from :data:`REFERENCE_DATE`, so the same preset and seed give the same
bytes on every machine and every day.

The package builds one kind of table per module, in this order: :mod:`.geo` (areas),
:mod:`.units`, :mod:`.committees` (committees, memberships, party organizations,
agreements), :mod:`.lists` (needs, resources, projects, participations) and
:mod:`.history` (the year before, each need's dated steps, the meetings); :mod:`.names`
holds the Chinese name pools and text, :mod:`.presets` the sizes, :mod:`.draw` the shared
random helpers. The order of the draws is part of the output: keep it when editing.

>>> tables = generate("station", seed=1)
>>> len(tables["units"])
55
"""
from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from graphgov.dataset import schema
from graphgov.dataset.generate.committees import build_agreements, build_committees, build_party_orgs
from graphgov.dataset.generate.draw import REFERENCE_DATE
from graphgov.dataset.generate.geo import build_geo
from graphgov.dataset.generate.history import build_history
from graphgov.dataset.generate.lists import build_lists
from graphgov.dataset.generate.presets import PRESETS, Preset
from graphgov.dataset.generate.units import build_units
from graphgov.dataset.reader import write_dataset
from graphgov.errors import OptionError

__all__ = ["PRESETS", "REFERENCE_DATE", "Preset", "Truth", "generate", "generate_with_truth", "write_generated"]


@dataclass(frozen=True)
class Truth:
    """What the generator built in on purpose, for checking analyses against.

    ``paper_units``: units drawn as paper members (on committees, never raise, offer or
    join anything; a few more units end up idle by chance). ``shortages``: (district id,
    category) pairs where 90% of the resources of that category were taken away.
    ``hubs``: the units placed on many committees (district organization departments
    and city-wide service companies).
    """

    paper_units: tuple[str, ...]
    shortages: tuple[tuple[str, str], ...]
    hubs: tuple[str, ...]


def generate(preset: str, seed: int = 0) -> dict[str, pd.DataFrame]:
    """Generate a synthetic dataset; return one DataFrame per table in the schema's order.

    Parameters
    ----------
    preset : "station", "district" or "beijing"
    seed : the random seed; the same preset and seed always give the same tables.

    Raises
    ------
    OptionError
        For an unknown preset or a negative seed.

    Examples
    --------
    >>> t = generate("district", seed=3)
    >>> sorted(t["areas"]["level"].unique())
    ['community', 'district', 'grid', 'station_area', 'street']
    """
    return generate_with_truth(preset, seed)[0]


def generate_with_truth(preset: str, seed: int = 0) -> tuple[dict[str, pd.DataFrame], Truth]:
    """Like :func:`generate`, and also the :class:`Truth` built into the dataset.

    >>> tables, truth = generate_with_truth("station", seed=1)
    >>> set(truth.paper_units) & set(tables["needs"]["unit_id"])
    set()
    """
    if preset not in PRESETS:
        raise OptionError(f"unknown preset {preset!r}; choose one of {', '.join(PRESETS)}")
    if seed < 0:
        raise OptionError(f"the seed must be 0 or more, not {seed}")
    p = PRESETS[preset]
    rng = np.random.default_rng(seed)
    geo = build_geo(rng, p)
    units = build_units(rng, p, geo)
    committees, memberships = build_committees(rng, p, geo, units)
    party_orgs = build_party_orgs(rng, units)
    agreements = build_agreements(rng, p, units)
    needs, resources, projects, participations, shortages = build_lists(rng, p, geo, units)
    needs, projects, participations, meetings = build_history(rng, p, geo, units, committees, memberships, needs,
                                                              resources, projects, participations)
    meta = pd.DataFrame({"id": [schema.META_ID], "as_of": [str(REFERENCE_DATE)], "title": [f"合成数据：{p.name}（seed {seed}）"],
                         "source": [f"graphgov generate --preset {p.name} --seed {seed}"],
                         "description": [p.description]})
    tables = {
        "areas": geo.areas,
        "committees": committees,
        "units": units,
        "party_orgs": party_orgs,
        "memberships": memberships,
        "agreements": agreements,
        "needs": needs,
        "resources": resources,
        "projects": projects,
        "participations": participations,
        "meetings": meetings,
        "meta": meta,
    }
    out = {}
    for t in schema.TABLES:
        cols = [c.name for c in t.columns if c.name in tables[t.name].columns and not c.personal]
        out[t.name] = tables[t.name][cols].reset_index(drop=True)
    truth = Truth(
        paper_units=tuple(units.loc[units["paper"], "id"]),
        shortages=shortages,
        hubs=tuple(units.loc[units["tag"].isin(["hub", "org_dept"]), "id"]),
    )
    return out, truth


def write_generated(preset: str, seed: int, out: str | Path, force: bool = False) -> dict[str, int]:
    """Generate a dataset and write it as ``<table>.csv`` files in the folder ``out``.

    The files are written to a temporary folder beside ``out`` and moved into place at
    the end, so an interrupted run leaves nothing half-written. Returns the row count of
    each table.

    Raises
    ------
    OptionError
        For an unknown preset, or when ``out`` exists and is not an empty folder
        (unless ``force``; then its ``<table>.csv`` files are replaced).
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise OptionError(f"{out} is a file; give a folder for the dataset")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise OptionError(f"{out} is not empty; give a new folder or use --force to replace its tables")
    tables = generate(preset, seed)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        write_dataset(tables, tmp, fmt="csv")
        out.mkdir(exist_ok=True)
        for name in tables:
            os.replace(tmp / f"{name}.csv", out / f"{name}.csv")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return {name: len(df) for name, df in tables.items()}
