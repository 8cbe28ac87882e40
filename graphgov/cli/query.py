"""``graphgov query``: list, show and run the named Cypher reports (queries/*.cypher)."""
from __future__ import annotations

import click
import pandas as pd

from graphgov.cli.common import (echo_err, emit_table, handle_errors, open_cli_store, output_lang, output_options, plural,
                                 store_option)

__all__ = ["query"]


def _queries_option(func):
    return click.option(
        "--queries", "folders", multiple=True, type=click.Path(file_okay=False),
        help="A folder of your own .cypher reports (repeatable); they join the bundled ones.",
    )(func)


def _split_params(values: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in values:
        key, eq, value = item.partition("=")
        if not eq or not key.strip():
            raise click.BadParameter(f"{item!r} is not KEY=VALUE", param_hint="--param")
        out[key.strip()] = value
    return out


def _value_text(value) -> str:
    """A parameter's value as it would be typed: 365 days, 2025-12-31, true."""
    import datetime as dt

    if isinstance(value, dt.timedelta):
        return f"{value.days} days"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _param_summary(report) -> str:
    parts = []
    for p in report.params:
        parts.append(f"{p.name} (required)" if p.required else f"{p.name}={p.default_text}")
    return ", ".join(parts)


@click.group()
def query():
    """Named Cypher reports: the bundled ones and your own folders of .cypher files.

    Each report is a .cypher file whose header gives its name, description (English
    and Chinese) and parameters with defaults; see docs/queries.md.

    \b
    Example:
      graphgov query list
      graphgov query run unmet_needs
      graphgov query run stale_needs --param min_age=180 --format csv --out stale.csv
      graphgov query run links_between_units --param a=U001 --param b=U017
    """


@query.command("list")
@_queries_option
@output_options
@handle_errors
def list_reports(folders, fmt, out, top):
    """List the reports with their parameters and descriptions.

    \b
    Example:
      graphgov query list
      graphgov query list --queries my_reports/ --format json
    """
    from graphgov.queries.library import load_reports

    reports = load_reports(folders)
    rows = [
        {
            "name": r.name,
            "parameters": _param_summary(r),
            "description_zh": r.description_zh,
            "description": r.description,
            "source": "bundled" if r.bundled else str(r.path),
        }
        for r in reports.values()
    ]
    df = pd.DataFrame(rows, columns=["name", "parameters", "description_zh", "description", "source"])
    # one language for people: the Chinese description, or the English one with --lang en
    shown = ["name", "parameters", "description_zh" if output_lang() == "zh" else "description"]
    emit_table(df, fmt, out, top, columns=shown, labels={"name": "报表名"},
               title=(f"{len(df)} 个报表", plural(len(df), "report")))


@query.command("show")
@click.argument("name")
@_queries_option
@handle_errors
def show(name, folders):
    """Print a report's file: header and Cypher.

    \b
    Example:
      graphgov query show paper_members
    """
    from graphgov.queries.library import find_report, load_reports

    report = find_report(name, load_reports(folders))
    click.echo(f"// file: {report.path}")
    click.echo(report.path.read_text(encoding="utf-8").rstrip("\n"))


@query.command("run")
@click.argument("name")
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE",
              help="A parameter value (repeatable); dates as YYYY-MM-DD or today, durations as days.")
@_queries_option
@store_option
@click.option("--include-personal", is_flag=True,
              help="Keep columns with phone numbers and contact names (left out by default).")
@output_options
@handle_errors
def run(name, params, folders, store_path, include_personal, fmt, out, top):
    """Run the report NAME on the store and print or write its table.

    Parameters left out take the defaults the report declares ('graphgov query list'
    shows them); a date parameter whose default is 'today' takes the dataset's own date
    (meta.as_of) when the store has one.

    \b
    Example:
      graphgov query run committee_roster --param committee=C01
      graphgov query run supply_demand --param as_of=2025-06-30 --format xlsx --out 供需.xlsx
      graphgov query run my_report --queries my_reports/
      graphgov query run unmet_needs --neo4j neo4j://server:7687
    """
    from graphgov.dataset.meta import reference_date
    from graphgov.queries.library import find_report, load_reports, run_report

    given = _split_params(params)
    report = find_report(name, load_reports(folders))
    report.bind(given)  # bad parameters fail before the store is opened
    dropped: list[str] = []
    with open_cli_store(store_path) as store:
        # 'today' in a report's defaults is the dataset's own date when it states one
        values = report.bind(given, today=reference_date(store))
        df = run_report(store.report_query, report, values)
        if not include_personal:
            from graphgov.views.privacy import personal_values, strip_personal

            # by name, and by the store's own personal values wherever an alias hides them
            df, dropped = strip_personal(df, personal_values(store))
    if dropped:
        echo_err(f"left out personal data: {', '.join(dropped)} (--include-personal keeps it)")
    about = {"what": f"{report.name}: {report.description_zh}" if output_lang() == "zh"
             else f"{report.name}: {report.description}",
             "as_of": values.get("as_of"), "store": store.location,
             "params": "; ".join(f"{k} = {_value_text(v)}" for k, v in values.items()) or None}
    emit_table(df, fmt, out, top, title=(f"{report.name}：{report.description_zh}", f"{report.name}: {report.description}"),
               about=about)
