"""Commands about the network over time: trends (indicators per period) and compare (what changed)."""
from __future__ import annotations

import json
from pathlib import Path

import click
import pandas as pd

from graphgov.cli.common import (as_of_option, date_value, echo_err, emit_table, handle_errors, open_cli_store,
                                 output_options, store_option)
from graphgov.errors import OptionError

__all__ = ["trends", "compare"]

# terminal columns of the trends table: the rest are in csv, json and xlsx
_RATES = ("response_rate", "resolution_rate", "satisfaction_rate")
_SHOWN_PERIODS = 8


def _store_tables(store_path):
    store = open_cli_store(store_path)
    if not store.exists():
        raise OptionError(f"no store at {store.location}; run 'graphgov load DATASET' first")
    with store:
        return store.read_tables()


def _source_tables(spec: str, store_path):
    """Tables of a dataset (folder of CSV files, .xlsx) or a store (a LadybugDB file, a Neo4j address)."""
    from graphgov.analysis.graph import tables_of
    from graphgov.dataset.checks import read_and_check
    from graphgov.store import is_server

    path = Path(spec)
    if not is_server(spec) and (path.suffix.lower() in (".xlsx", ".xlsm") or path.is_dir()):
        return tables_of(read_and_check(path))
    if not is_server(spec) and not path.exists():
        raise OptionError(f"{spec}: no such dataset or store")
    return _store_tables(spec)


def _cell(value, column: str) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "—"
    if column in _RATES:
        return f"{100 * float(value):.1f}%"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def trends_text(df: pd.DataFrame) -> str:
    """The indicators as rows and the periods as columns (the last few), then the definitions."""
    from graphgov.analysis.trends import DEFINITIONS
    from graphgov.views.tables import format_text_table

    shown = df.tail(_SHOWN_PERIODS)
    rows = [c for c in df.columns if c not in ("period", "start", "end")]
    table = pd.DataFrame({"指标": [DEFINITIONS[c][0] for c in rows], "indicator": rows})
    for _, rec in shown.iterrows():
        table[rec["period"]] = [_cell(rec[c], c) for c in rows]
    a = df.attrs
    title = (f"趋势 trends · {a.get('scope', '')} · by {a.get('by')} · as of {a.get('as_of')} · "
             f"响应时限 {a.get('response_days')} 天")
    lines = [format_text_table(table, title=title)]
    if len(df) > len(shown):
        lines.append(f"(the last {len(shown)} of {len(df)} periods; --format csv, json or xlsx has them all)")
    lines += ["", "定义 definitions:"]
    lines += [f"  {DEFINITIONS[c][0]} {c}: {DEFINITIONS[c][1]}" for c in rows]
    return "\n".join(lines)


@click.command()
@click.option("--by", type=click.Choice(["month", "quarter", "year"]), default="year", show_default=True,
              help="The period indicators are counted in.")
@click.option("--committee", default=None, metavar="ID", help="This committee and the committees below it.")
@click.option("--area", default=None, metavar="ID", help="This area and everything below it.")
@as_of_option()
@click.option("--since", default=None, metavar="YYYY-MM-DD", callback=date_value,
              help="The first period holds this date (default: the first need raised in scope).")
@click.option("--response-days", type=click.IntRange(min=0), default=7, show_default=True,
              help="A need counts as responded to (响应) when answered within this many days of being raised.")
@click.option("--channel", default=None, help="Only needs that came in through this channel "
              "(hotline 12345热线派单, market 党建超市点单, visit 走访, grid 网格上报, other 其他).")
@store_option
@output_options
@handle_errors
def trends(by, committee, area, as_of, since, response_days, channel, store_path, fmt, out, top):
    """Indicators over time (趋势): per month, quarter or year.

    Needs received, dispatched, fulfilled and closed; 响应率 (responded within the
    response days), 解决率 (fulfilled ÷ received, closed excluded), 满意率 (satisfied ÷
    rated); median days to the first dispatch and to fulfilment; projects started and
    completed; new member units and agreements; meetings held against the cadence.
    Every indicator's definition is printed with the table (a sheet in xlsx, a list in
    json) and written in docs/trends.md.

    \b
    Example:
      graphgov trends
      graphgov trends --by month --committee C07 --format xlsx --out 朝阳站区趋势.xlsx
      graphgov trends --by quarter --area BJ-CY --response-days 3
      graphgov trends --channel 12345 --as-of 2025-12-31 --format json
    """
    from graphgov.analysis.trends import trends as compute
    from graphgov.dataset import vocab
    from graphgov.views.tables import to_records, write_workbook

    if channel is not None:
        code = vocab.normalise("channel", channel)
        if code is None:
            raise click.BadParameter(f"{channel!r} is not a channel; use one of "
                                     + ", ".join(f"{c} ({vocab.zh_label('channel', c)})"
                                                 for c in vocab.codes("channel")), param_hint="--channel")
        channel = code
    df = compute(_store_tables(store_path), by=by, committee=committee, area=area, as_of=as_of, since=since,
                 response_days=response_days, channel=channel)
    shown = df.head(top) if top else df
    shown.attrs = df.attrs
    definitions = df.attrs["definitions"]
    if fmt == "table":
        text = trends_text(shown)
        if out:
            Path(out).write_text(text + "\n", encoding="utf-8")
            echo_err(f"wrote {len(shown)} periods to {out}")
        else:
            click.echo(text)
    elif fmt == "json":
        doc = {k: df.attrs[k] for k in ("as_of", "by", "response_days", "scope")}
        doc.update(periods=to_records(shown), definitions=to_records(definitions))
        text = json.dumps(doc, ensure_ascii=False, indent=2)
        if out:
            Path(out).write_text(text + "\n", encoding="utf-8")
            echo_err(f"wrote {len(shown)} periods to {out}")
        else:
            click.echo(text)
    elif fmt == "xlsx":
        if not out:
            raise click.UsageError("--format xlsx needs --out FILE.xlsx")
        write_workbook({"趋势 trends": shown, "指标说明 definitions": definitions}, out)
        echo_err(f"wrote {len(shown)} periods and the definitions to {out}")
    else:
        emit_table(shown, fmt, out)
        echo_err("definitions of the columns: graphgov trends --format table, or docs/trends.md")


def compare_text(changes: dict, summary: pd.DataFrame, limit: int | None) -> str:
    from graphgov.analysis.compare import CHANGE_KINDS
    from graphgov.views.tables import format_text_table

    first = next(iter(changes.values()))
    lines = [f"变化 what changed: {first.attrs.get('old_as_of')} → {first.attrs.get('new_as_of')}", ""]
    lines.append(format_text_table(summary, title="概况 summary"))
    for kind, df in changes.items():
        lines.append("")
        part = df[["change_zh", "subject", "old", "new", "detail"]]
        part = part.head(limit) if limit else part
        lines.append(format_text_table(part, max_width=50, title=f"{CHANGE_KINDS[kind]} {kind} ({len(df)})"))
    return "\n".join(lines)


@click.command()
@click.argument("old", required=False)
@click.argument("new", required=False)
@click.option("--from-date", default=None, metavar="YYYY-MM-DD", callback=date_value,
              help="The earlier date (required when comparing one store or dataset with itself).")
@click.option("--to-date", default=None, metavar="YYYY-MM-DD", callback=date_value,
              help="The later date (default: NEW's own date, else today).")
@click.option("--movers", type=click.IntRange(min=1), default=10, show_default=True,
              help="Units listed as rising and as falling most in centrality rank.")
@click.option("--map", "map_out", type=click.Path(dir_okay=False), default=None,
              help="Also write a map of the changes (new ties and members marked, lost ones faded).")
@store_option
@output_options
@handle_errors
def compare(old, new, from_date, to_date, movers, map_out, store_path, fmt, out, top):
    """What changed (变化) between two datasets, two stores, or two dates of one store.

    OLD and NEW are each a dataset (a folder of CSV files or an .xlsx workbook) or a
    store (a LadybugDB file or a Neo4j address). With one of them, or none (the store
    of --store), the same network is compared with itself at --from-date and
    --to-date. Reported: member units joined and left, ties gained and lost, units
    whose centrality rank rose or fell most, gaps closed and new, needs converted to
    projects, committees that went idle or woke up.

    \b
    Example:
      graphgov compare --from-date 2024-12-31 --to-date 2025-12-31
      graphgov compare 2024年清单/ 2025年清单.xlsx --format xlsx --out 变化.xlsx
      graphgov load 2024年清单/ --store old.lbdb
      graphgov compare old.lbdb graphgov.lbdb --map changes.html
    """
    from graphgov.analysis.compare import change_summary, changes_table
    from graphgov.analysis.compare import compare as compute
    from graphgov.views.tables import write_workbook

    if new is None and from_date is None:
        raise click.UsageError("comparing one network with itself needs --from-date (and --to-date, default its own "
                               "date), or give OLD and NEW")
    old_t = _source_tables(old, store_path) if old else _store_tables(store_path)
    new_t = _source_tables(new, store_path) if new else old_t
    changes = compute(old_t, new_t, from_date, to_date, movers=movers)
    summary = change_summary(changes)
    if map_out:
        from graphgov.views.map_changes import write_change_map

        data = write_change_map(map_out, old_t, new_t, changes)
        echo_err(f"wrote {map_out}: {len(data.nodes)} units, {len(data.edges)} ties ({data.title})")
    if fmt == "table":
        text = compare_text(changes, summary, top)
        if out:
            Path(out).write_text(text + "\n", encoding="utf-8")
            echo_err(f"wrote the changes to {out}")
        else:
            click.echo(text)
    elif fmt == "xlsx":
        if not out:
            raise click.UsageError("--format xlsx needs --out FILE.xlsx")
        write_workbook({"概况 summary": summary, **{k: df.head(top) if top else df for k, df in changes.items()}}, out)
        echo_err(f"wrote {int(summary['count'].sum())} changes to {out}, a sheet per kind")
    else:
        emit_table(changes_table(changes), fmt, out, top)
