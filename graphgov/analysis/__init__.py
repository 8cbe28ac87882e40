"""Analyses of the graph: the coordination network, central actors, brokerage, gaps, GDS, trends and changes.

Third step of the flow: graph store → analyses. Everything here reads tables from a store
(or a dataset) and returns pandas DataFrames.
"""
from graphgov._lazy import lazy_exports

__all__, __getattr__ = lazy_exports(__name__, {
    'graph': ('to_networkx', 'tables_of'),
    'network': ('LAYERS', 'LAYER_WEIGHTS', 'DEFAULT_HUB_THRESHOLD', 'CoordinationNetwork', 'build_network', 'coordination_network', 'parse_layers', 'shared_hub_weight', 'unit_frame'),
    'scope': ('scope_units', 'area_descendants', 'committee_descendants', 'block_of'),
    'central': ('METRICS', 'METRIC_ZH', 'DEFAULT_SAMPLES', 'DEFAULT_EXACT_LIMIT', 'unit_metrics', 'central_table', 'betweenness_error', 'effective_size', 'articulation_cuts'),
    'brokerage': ('ROLES', 'ROLE_ZH', 'brokerage_counts', 'brokerage_roles', 'brokerage_reference', 'network_brokerage'),
    'gap_context': ('KINDS', 'KIND_ZH', 'SEVERITIES', 'SEVERITY_ZH', 'COLUMNS', 'GapContext', 'finding', 'clean_text', 'as_date'),
    'gap_rules': ('inactive_members', 'unmet_needs', 'supply_gaps', 'idle_committees', 'suggested_ties'),
    'gap_structure': ('silos', 'single_brokers', 'bridges', 'bridge_ties'),
    'communities': ('Communities', 'stable_communities', 'nmi'),
    'gaps': ('find_gaps', 'gaps_and_context'),
    'gds': ('GDS_PROCEDURES', 'GDS_FUNCTIONS', 'gds_statements', 'gds_central', 'gds_available'),
    'timeline': ('MILESTONES', 'PERIOD_KINDS', 'need_timeline', 'scope_of', 'period_labels', 'periods_between'),
    'trends': ('DEFINITIONS', 'DEFAULT_RESPONSE_DAYS', 'SATISFIED', 'trends', 'definitions_frame', 'year_over_year'),
    'compare': ('CHANGE_KINDS', 'CHANGE_ZH', 'CHANGE_COLUMNS', 'snapshot', 'compare', 'changes_table', 'change_summary'),
})
