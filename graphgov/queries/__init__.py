"""The named Cypher report library: ``queries/*.cypher`` files with a header, found, checked and run
on either store.
"""
from graphgov._lazy import lazy_exports

__all__, __getattr__ = lazy_exports(__name__, {
    'library': ('Param', 'Report', 'QueryFileError', 'bundled_dir', 'parse_report', 'load_report', 'load_reports', 'find_report', 'parse_value', 'parameters_used', 'run_report'),
})
