"""Analysis results kept in the store, stamped with the data and parameters they were computed on.

Between the analyses and the outputs: ``central``, ``gaps`` and ``match --all --assign``
write what they find into the store (:mod:`graphgov.results.stored`), each result stamped
(:mod:`graphgov.results.stamp`); the report, the map and the demo reuse fresh results and
compute only stale ones (:mod:`graphgov.results.reuse`). Cypher reports read them too.
"""
from graphgov._lazy import lazy_exports

__all__, __getattr__ = lazy_exports(__name__, {
    'stamp': ('ANALYSES', 'INPUTS', 'Stamp', 'data_version', 'table_digest'),
    'stored': ('read_stamps', 'write_central', 'read_central', 'write_findings', 'read_findings', 'write_proposals',
               'read_proposals'),
    'reuse': ('Results', 'central_params', 'gaps_params', 'match_params'),
})
