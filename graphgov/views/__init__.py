"""Outputs: tables (terminal, CSV, JSON, Excel), offline HTML maps, the planner's report, SVG charts.

Last step of the flow: analyses → outputs. Every value from data is escaped here.
"""
from graphgov._lazy import lazy_exports

__all__, __getattr__ = lazy_exports(__name__, {
    'tables': ('FORMATS', 'write_table', 'to_records', 'neutralise', 'format_text_table', 'display_width'),
    'privacy': ('PERSONAL_NAMES', 'is_personal', 'strip_personal'),
    'maps': ('VIEWS', 'SIZE_BY', 'GROUP_BY', 'LABEL_ZH', 'RELATION_STYLE', 'MapData', 'build_map', 'render_map', 'write_map', 'json_for_script', 'vis_network_js'),
    'report': ('AGE_BUCKETS', 'report_figures', 'render_report', 'write_report', 'age_bucket'),
    'svg': ('grouped_bars', 'bars', 'histogram'),
})
