"""The bundled sample dataset: where it is, in a checkout and in an installed package.

The sample's files live once, in the repository's ``data/sample/`` (written by
``data/sample/build_sample.py``). An installed package carries them as data files under
``share/graphgov/sample`` (``setup.cfg``), as it carries the bundled Cypher reports, so
``graphgov demo`` works with no checkout at hand. The sample states its own date (2025-12-31)
in its ``meta`` table, so what the demo writes does not change from one day to the next.
"""
from __future__ import annotations

import importlib.metadata
from pathlib import Path

from graphgov.errors import GraphGovError

__all__ = ["sample_dir", "installed_data_dir"]


def installed_data_dir(name: str, probe: str) -> Path | None:
    """The folder ``share/graphgov/<name>`` installed with the package, found by one of its files
    ending in ``probe``; None when graphgov is not installed that way.

    The files are looked up in the distribution this package was installed by first: another
    one on the path (a checkout's ``graphgov.egg-info`` left by ``pip install .``, an older
    install elsewhere) lists other files, and would hide this installation's data.
    """
    package = Path(__file__).resolve().parents[1]
    dists = list(importlib.metadata.distributions(name="graphgov"))
    dists.sort(key=lambda d: Path(d.locate_file("graphgov/__init__.py")).resolve().parent != package)
    for dist in dists:
        for f in dist.files or []:
            if f.name.endswith(probe) and tuple(f.parts[-4:-1]) == ("share", "graphgov", name):
                return Path(f.locate()).resolve().parent
    return None


def sample_dir() -> Path:
    """The sample dataset's folder: ``data/sample`` of a checkout, else the installed copy.

    Raises
    ------
    GraphGovError
        When neither is there (a broken installation).
    """
    checkout = Path(__file__).resolve().parents[2] / "data" / "sample"
    if (checkout / "units.csv").is_file() and (checkout.parent.parent / "graphgov" / "dataset").is_dir():
        return checkout
    installed = installed_data_dir("sample", "units.csv")
    if installed is not None:
        return installed
    raise GraphGovError("the bundled sample is missing: neither data/sample beside the package nor "
                        "share/graphgov/sample in its installation; reinstall graphgov or pass --data DATASET")
