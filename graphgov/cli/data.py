"""Commands that move data: check, load, info, export, schema."""
from __future__ import annotations

from pathlib import Path

import click

from graphgov.cli.common import (Progress, check_out, echo_err, emit_table, handle_errors, open_cli_store, output_lang,
                                 output_options, plural, print_warnings, refuse_store, set_output_lang, store_option)


_strict_option = click.option("--strict", is_flag=True, help="Refuse the dataset if there are warnings "
                              "(an unknown column or category, a project for a need in an area apart).")


@click.command()
@click.argument("dataset", type=click.Path(exists=True))
@click.option("--partial", is_flag=True, help="The dataset holds only some tables (an update); "
              "references may point to ids already in the store.")
@_strict_option
@store_option
@handle_errors
def check(dataset, partial, strict, store_path):
    """Check a dataset and report every error as file:row:column.

    DATASET is a folder of CSV files or one .xlsx workbook (Chinese or English sheet
    names and headers). Nothing is written. Exit code 1 when there are errors.

    \b
    Example:
      graphgov check data/sample
      graphgov check data/sample.xlsx                 # one workbook, Chinese or English sheets
    """
    known = parents = None
    if partial:
        with open_cli_store(store_path) as store:
            if store.exists():
                known, parents = store.known_ids(), store.parents()
    ds = _read_and_check(dataset, known_ids=known, partial=partial, strict=strict, known_parents=parents)
    counts = ", ".join(f"{n} {name}" for name, n in ds.counts().items())
    click.echo(f"{dataset}: OK ({counts}; {plural(len(ds.warnings), 'warning')})")


def _read_and_check(dataset, **options):
    """The checked dataset, its warnings shown; with errors, the warnings are shown before them too."""
    from graphgov.dataset.checks import read_and_check
    from graphgov.errors import DataError

    try:
        ds = read_and_check(dataset, **options)
    except DataError as err:
        if not options.get("strict"):  # with --strict the warnings are among the errors already
            print_warnings(err.warnings)
        raise
    print_warnings(ds.warnings)
    return ds


@click.command()
@click.argument("dataset", type=click.Path(exists=True))
@click.option("--replace", is_flag=True, help="Make the store hold exactly this dataset "
              "(rows not in it are removed). Default: add new rows and update known ones by id.")
@click.option("--partial", is_flag=True, help="The dataset holds only some tables (e.g. next month's needs list).")
@click.option("--transaction", type=click.Choice(["auto", "one", "staged"]), default="auto", show_default=True,
              help="On Neo4j: 'one' transaction; 'staged': the nodes the load adds written first in batches "
              "under a hidden label, then switched in by one final transaction; 'auto': one transaction, staged "
              "if the server refuses it for memory. Readers see the graph before or after either way. "
              "The embedded store is always swapped in whole.")
@_strict_option
@store_option
@handle_errors
def load(dataset, replace, partial, transaction, strict, store_path):
    """Check a dataset and load it into the graph store, all or nothing.

    Everything is checked first; if any check fails nothing is written. Loading the
    same dataset twice gives the same graph; an updated list updates rows in place by
    id. The store is the embedded LadybugDB file given by --store (default
    ./graphgov.lbdb, or $GRAPHGOV_STORE), or a Neo4j server (--store neo4j://…),
    where the load is one transaction, or staged and switched in by one final
    transaction when the server cannot hold it in one (--transaction).

    \b
    Example:
      graphgov load data/sample
      graphgov load 三月需求清单/ --partial           # a folder holding next month's needs.csv
      graphgov load data/sample --store city.lbdb
      NEO4J_PASSWORD=… graphgov load data/sample --neo4j neo4j://server:7687
      NEO4J_PASSWORD=… graphgov load data/sample --neo4j neo4j://server:7687 --transaction staged
    """
    from graphgov.errors import DataError

    with open_cli_store(store_path) as store:
        known = store.known_ids() if partial and store.exists() else None
        # the hierarchy a merge would leave is checked with the stored parents (--replace keeps none)
        parents = store.parents() if store.exists() and not replace else None
        try:
            ds = _read_and_check(dataset, known_ids=known, partial=partial, strict=strict, known_parents=parents)
        except DataError as err:
            raise _unchanged(err, store.location) from None
        bar = Progress("loading")
        try:
            result = store.load(ds, replace=replace, progress=bar, transaction=transaction)
        except DataError as err:
            raise _unchanged(err, store.location) from None
        finally:
            bar.close()
    for note in result.notes:
        echo_err(f"Note: {note}")
    parts = []
    for name in ds.tables:
        a, c = result.added.get(name, 0), result.changed.get(name, 0)
        parts.append(f"{name} {result.after[name]} (+{a}, ~{c})")
    gone = [f"{name} -{n}" for name, n in result.removed.items() if n]
    click.echo(f"loaded {dataset} into {store.location} in {result.seconds:.2f} s: " + ", ".join(parts + gone))


def _unchanged(err, path):
    """The same DataError, saying the store was left as it was."""
    err.args = (f"{err.args[0]}\nNothing was loaded; the store {path} is unchanged.",)
    return err


@click.command()
@store_option
@output_options
@handle_errors
def info(store_path, fmt, out, top):
    """Counts of nodes by label and relationships by type in the store.

    \b
    Example:
      graphgov info
      graphgov info --format json
      graphgov info --neo4j neo4j://server:7687
    """
    with open_cli_store(store_path) as store:
        df = store.counts()
    if fmt in ("table", "xlsx") and output_lang() == "zh":
        df = df.assign(kind=df["kind"].map({"node": "节点", "relationship": "关系"}).fillna(df["kind"]))
    emit_table(df, fmt, out, top, labels={"kind": "类型"}, title=(f"graphgov 存储 {store.location}",
                                                                 f"graphgov store {store.location}"),
               about={"store": store.location})


@click.command()
@click.argument("out", type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default=None,
              help="csv: a folder of CSV files; xlsx: one workbook. Default: from OUT's ending.")
@click.option("--lang", type=click.Choice(["en", "zh"]), default=None,
              help="Table and column names in English or Chinese. Default: Chinese in a workbook (with a first "
                   "sheet saying what it holds), English in CSV files.")
@click.option("--from", "source", type=click.Path(exists=True), default=None,
              help="Convert this dataset instead of exporting the store.")
@click.option("--include-personal", is_flag=True, help="Keep phone numbers and contact names (left out by default).")
@store_option
@handle_errors
def export(out, fmt, lang, source, include_personal, store_path):
    """Write the store (or a dataset) in the dataset format: CSV folder or .xlsx.

    \b
    Example:
      graphgov export backup/                         # the store as CSV files
      graphgov export 三张清单.xlsx                     # one workbook, Chinese names
      graphgov export sample.xlsx --from data/sample --lang zh --include-personal
    """
    from graphgov.dataset.checks import read_and_check
    from graphgov.dataset import schema
    from graphgov.dataset.reader import write_dataset

    fmt = fmt or ("xlsx" if str(out).lower().endswith(".xlsx") else "csv")
    lang = lang or ("zh" if fmt == "xlsx" else "en")
    check_out(out, store_path, fmt=fmt, what="OUT", folder=fmt == "csv")
    if fmt == "csv":  # every file the folder will hold: none may be a store
        for t in schema.TABLES:
            for name in (t.name, *t.zh[:1]):
                refuse_store(Path(out) / f"{name}.csv", store_path, what="OUT")
    if source:
        tables = read_and_check(source).tables
        where = str(source)
    else:
        with open_cli_store(store_path) as store:
            tables = store.read_tables(include_internal=False)
        where = store.location
    if fmt == "csv" and not Path(out).exists():
        echo_err(f"creating the folder {out}")
    write_dataset(tables, out, fmt=fmt, lang=lang, personal=include_personal, source=where)
    click.echo(f"wrote {out}")


@click.command()
@click.option("--format", "fmt", type=click.Choice(["markdown", "table"]), default="table", show_default=True)
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language of the table's headers.")
@handle_errors
def schema(fmt, lang):
    """The dataset format: tables, columns (English and Chinese names), types.

    \b
    Example:
      graphgov schema --format markdown > docs/dataset-format.md
    """
    from graphgov.dataset.docs import schema_markdown, schema_frame

    set_output_lang(lang)
    if fmt == "markdown":
        click.echo(schema_markdown())
    else:
        emit_table(schema_frame(), "table", None, title=("数据集格式", "the dataset format"),
                   labels={"table": "表", "table_zh": "中文表名", "column": "列", "column_zh": "其他列名",
                           "required": "必填", "type": "类型", "personal": "个人信息"})
