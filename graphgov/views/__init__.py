"""Outputs: tables (terminal, CSV, JSON, Excel), offline HTML maps, the planner's report, SVG charts.

Last step of the flow: analyses → outputs. Every value from data is escaped here.
"""
from graphgov._lazy import lazy_exports

__all__, __getattr__ = lazy_exports(__name__, {
    'tables': ('FORMATS', 'write_table', 'write_workbook', 'to_records', 'neutralise', 'format_text_table', 'display_width'),
    'privacy': ('PERSONAL_NAMES', 'is_personal', 'strip_personal'),
    'map_style': ('VIEWS', 'SIZE_BY', 'GROUP_BY', 'DEFAULT_MAX_NODES', 'LABEL_ZH', 'LABEL_SHAPE', 'LABEL_COLOUR', 'UNIT_TYPE_COLOUR', 'UNIT_OTHER_COLOUR', 'RELATION_STYLE', 'SEVERITY_COLOUR', 'as_text', 'format_evidence', 'display_value', 'column_zh', 'node_type', 'type_zh', 'type_colour', 'short', 'node_details', 'legend_order'),
    'map_scope': ('Index', 'committee_scope', 'unit_scope', 'category_scope', 'area_scope', 'resolve_subject', 'filter_choices'),
    'map_layout': ('centrality', 'node_sizes', 'layout'),
    'map_render': ('MapData', 'json_for_script', 'vis_network_js', 'fill_template', 'render_map'),
    'maps': ('build_map', 'write_map'),
    'report': ('AGE_BUCKETS', 'report_figures', 'render_report', 'write_report', 'age_bucket'),
    'svg': ('grouped_bars', 'bars', 'histogram', 'lines'),
    'report_trends': ('trends_section', 'YEAR_COLUMNS', 'YEARS_SHOWN'),
    'map_changes': ('build_change_map', 'write_change_map', 'CHANGE_STYLE', 'MAX_UNITS'),
})
