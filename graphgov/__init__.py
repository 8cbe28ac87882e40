"""graphgov: the networks of party-building coordination committees, as a graph.

Data flows one way: spreadsheet/CSV files → checked tables (:mod:`graphgov.dataset.checks`)
→ graph store (:mod:`graphgov.store`) → analyses → outputs.

For notebooks, ``import graphgov`` gives a small API (:mod:`graphgov.api`, docs/api.md):
``open_store``, ``load``, ``network``, ``central``, ``gaps``, ``match``, ``assign``,
``report`` and ``write_map``, each returning a pandas DataFrame or a file path.
"""
import os

__version__ = "0.1.0"

from graphgov._lazy import lazy_exports

# the notebook API (graphgov/api.py, docs/api.md), imported the first time a name is used, so that
# `import graphgov` and `graphgov --help` stay light
__all__, __getattr__ = lazy_exports(__name__, {
    "api": ("open_store", "load", "network", "central", "gaps", "match", "assign", "report", "write_map"),
})
__all__ = ["__version__", *__all__]
# graphgov runs analyses on several cores with forked processes (graphgov.analysis.parallel);
# igraph's OpenMP runtime hangs in a child forked after it started threads, so it gets one.
# Set before igraph is first loaded; a user's own value is respected (and then no forks).
os.environ.setdefault("OMP_NUM_THREADS", "1")
