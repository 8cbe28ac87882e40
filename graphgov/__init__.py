"""graphgov: the networks of party-building coordination committees, as a graph.

Data flows one way: spreadsheet/CSV files → checked tables (:mod:`graphgov.dataset.checks`)
→ graph store (:mod:`graphgov.store`) → analyses → outputs.
"""
import os

__version__ = "0.1.0"

# graphgov runs analyses on several cores with forked processes (graphgov.analysis.parallel);
# igraph's OpenMP runtime hangs in a child forked after it started threads, so it gets one.
# Set before igraph is first loaded; a user's own value is respected (and then no forks).
os.environ.setdefault("OMP_NUM_THREADS", "1")
