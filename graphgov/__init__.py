"""graphgov: the networks of party-building coordination committees, as a graph.

Data flows one way: spreadsheet/CSV files → checked tables (:mod:`graphgov.dataset.checks`)
→ graph store (:mod:`graphgov.store`) → analyses → outputs.
"""
__version__ = "0.1.0"
