"""The dataset: the one schema, vocabularies, reading CSV/xlsx, checks, the schema's docs, the bundled sample
and the synthetic generator.

First step of the flow: files → checked tables.
"""
from graphgov._lazy import lazy_exports

__all__, __getattr__ = lazy_exports(__name__, {
    'schema': ('Column', 'Table', 'Relation', 'TABLES', 'DATASET_TABLES', 'INTERNAL_TABLES', 'RELATIONS', 'table', 'node_tables', 'label_of', 'node_key', 'split_node_key', 'META_ID'),
    'vocab': ('VOCABULARIES', 'CATEGORIES', 'RELATED_CATEGORIES', 'normalise', 'label', 'closest', 'zh_label'),
    'reader': ('RawTable', 'RawDataset', 'read_dataset', 'write_dataset', 'MAX_ROWS', 'MAX_CELL', 'MAX_COLUMNS', 'MAX_FILE_BYTES', 'fold'),
    'checks': ('Dataset', 'check_dataset', 'read_and_check', 'normalise_id'),
    'docs': ('schema_frame', 'schema_markdown'),
    'sample': ('sample_dir',),
    'meta': ('dataset_meta', 'dataset_date', 'reference_date'),
    'generate': ('PRESETS', 'REFERENCE_DATE', 'Preset', 'Truth', 'generate', 'generate_with_truth', 'write_generated'),
})
