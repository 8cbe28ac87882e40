"""Commands that draw: map, report, and demo (the sample's map and report in one go)."""
from __future__ import annotations

import contextlib
from pathlib import Path

import click

from graphgov.cli.common import as_of_option, check_out, echo_err, given, handle_errors, open_cli_store, store_option
from graphgov.errors import OptionError


def _source_option(func):
    return click.option(
        "--from", "dataset", type=click.Path(exists=True), default=None,
        help="Draw this dataset (folder of CSV files or .xlsx) instead of the store.",
    )(func)


@contextlib.contextmanager
def _open_results(dataset, store_path, recompute: bool = False):
    """The analyses to draw (:class:`graphgov.results.Results`): of a checked dataset (computed, not
    stored), or of the store (stored results reused while fresh)."""
    from graphgov.analysis.graph import tables_of
    from graphgov.dataset.checks import read_and_check
    from graphgov.results import Results

    if dataset:
        yield Results(None, tables_of(read_and_check(dataset)))
        return
    store = open_cli_store(store_path)
    if not store.exists():
        raise OptionError(f"no store at {store.location}; run 'graphgov load DATASET' first or pass --from DATASET")
    with store:
        yield Results(store, recompute=recompute, note=echo_err)


def _stamped_date(stamp, tables):
    """The date a stored result was judged on, else the dataset's own date, else today."""
    import json

    from graphgov.dataset.meta import reference_date

    given = json.loads(stamp.params).get("as_of") if stamp is not None else None
    return reference_date(tables, given)



def _recompute_option(func):
    return click.option("--recompute", is_flag=True,
                        help="Compute central actors, gaps and matches again even where the store holds fresh "
                             "results (computed on the same data with the same parameters).")(func)


def _read_frame(path: str | None):
    """A findings or matches table written by 'graphgov gaps/match --out' (csv, json or xlsx)."""
    if path is None:
        return None
    import pandas as pd

    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".json":
        return pd.read_json(p, dtype=False)
    if suffix == ".xlsx":
        from graphgov.views.excel import read_workbook_table

        return read_workbook_table(p)
    return pd.read_csv(p, dtype=str, keep_default_na=False)


@click.command("map")
@click.option("--view", type=click.Choice(["network", "committee", "unit", "category", "gaps", "matches"]),
              default="network", show_default=True, help="What the map shows.")
@click.option("--committee", default=None, metavar="ID", help="The committee view's committee; narrows other views.")
@click.option("--unit", default=None, metavar="ID", help="The unit view's unit.")
@click.option("--radius", type=click.IntRange(min=1), default=1, show_default=True,
              help="Steps from the unit in the unit view.")
@click.option("--category", default=None, help="The category view's category (code or Chinese, e.g. 交通出行).")
@click.option("--area", default=None, metavar="ID", help="Only this area and everything below it.")
@click.option("--size-by", type=click.Choice(["betweenness", "degree", "pagerank"]), default="betweenness",
              show_default=True, help="Unit size (and which units are always labelled) by this centrality.")
@click.option("--layers", default=None, metavar="LIST",
              help="Shown when the page opens: need,resource,project,party_org,area or all "
                   "(default: what the view is about; the planner switches them on in the page).")
@click.option("--max-nodes", type=click.IntRange(min=1), default=3000, show_default=True,
              help="Above this many units and committees, the page opens on the grouped overview.")
@click.option("--group-by", type=click.Choice(["auto", "committee", "area", "none"]), default="auto",
              show_default=True, help="The layout's boxes: committee, area (street), or none (no boxes, no grouped start).")
@click.option("--findings", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Gaps view: findings from 'graphgov gaps --out F' (default: those stored when fresh, else computed now).")
@click.option("--matches", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Matches view: assignments from 'graphgov match --all --assign --out F' (default: those stored when "
                   "fresh, else computed now).")
@click.option("--include-personal", is_flag=True, help="Show phone numbers and contact names (left out by default).")
@click.option("--title", default=None, help="The page title.")
@click.option("--out", "out", type=click.Path(dir_okay=False), default="visualizations/map.html", show_default=True,
              help="The HTML file to write.")
@as_of_option("Gaps and matches views: the date they are computed for (YYYY-MM-DD). "
              "Default: that of the stored results, else the dataset's own date, else today.")
@_recompute_option
@_source_option
@store_option
@handle_errors
def map_command(view, committee, unit, radius, category, area, size_by, layers, max_nodes, group_by, findings,
                matches, include_personal, title, out, as_of, recompute, dataset, store_path):
    """Write an interactive network map: one HTML file that works offline.

    The page needs no network: vis-network and the page's own script are inside it.
    It opens on the coordination network: units and committees, each committee's members
    in a box, the most central units named. Needs, resources, projects, party
    organizations and areas are layers. A grouped overview (by committee, district or
    street) opens a group on click; the URL keeps the view. Legend, search, filters, a
    detail panel, and PNG/SVG export and A3 print of the current view.

    \b
    Example:
      graphgov map --out 网络图.html
      graphgov map --view committee --committee C01
      graphgov map --view unit --unit U001 --radius 2
      graphgov map --view category --category 交通出行
      graphgov map --view gaps
      graphgov match --all --assign --format csv --out assign.csv
      graphgov map --view matches --matches assign.csv
      graphgov map --layers need,resource
    """
    from graphgov.results import central_params
    from graphgov.views import maps
    from graphgov.views.report_map import map_size

    check_out(out, store_path, create_parent=not given("out"))  # the default folder is made when missing
    findings_df = _read_frame(findings)
    matches_df = _read_frame(matches)
    with _open_results(dataset, store_path, recompute) as results:
        stamps = results.stamps()
        if view == "gaps" and findings_df is None:
            findings_df = results.findings(as_of=as_of or _stamped_date(stamps.get("gaps"), results.tables))
        if view == "matches" and matches_df is None:
            matches_df = results.assignments(as_of=as_of or _stamped_date(stamps.get("match"), results.tables))
        # sizes from the stored central actors when they are fresh; else the map's own quick measure
        # (a city map drawn as groups has no unit sizes)
        whole = view in ("network", "gaps") and not committee and not area and group_by != "none" and \
            map_size(results.tables) > max_nodes
        central = None if whole or not results.fresh("central", central_params()) else results.central()
        data = maps.write_map(
            out, results.tables, view=view, committee=committee, unit=unit, radius=radius, category=category,
            area=area, size_by=size_by, findings=findings_df, matches=matches_df, include_personal=include_personal,
            max_nodes=max_nodes, group_by=group_by, title=title, layers=layers, central=central,
        )
    if data.grouped:
        echo_err(data.notice)
    click.echo(f"wrote {out}: {len(data.nodes)} nodes, {len(data.edges)} edges ({data.title})")


@click.command()
@click.option("--committee", default=None, metavar="ID", help="Report on this committee and those below it.")
@click.option("--area", default=None, metavar="ID", help="Report on this area and everything below it.")
@as_of_option("The report date, for the age of open needs, gaps and trends (YYYY-MM-DD). "
              "Default: the dataset's own date, else today.")
@click.option("--top", type=click.IntRange(min=1), default=15, show_default=True, help="Central units listed.")
@click.option("--no-map", is_flag=True, help="Leave the embedded network map out (a smaller file).")
@click.option("--findings", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Findings from 'graphgov gaps --out F' (default: those stored when fresh, else computed now).")
@click.option("--matches", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Assignments from 'graphgov match --all --assign --out F' (default: those stored when fresh, else "
                   "computed now).")
@click.option("--out", "out", type=click.Path(dir_okay=False), default="visualizations/report.html",
              show_default=True, help="The HTML file to write.")
@_recompute_option
@_source_option
@store_option
@handle_errors
def report(committee, area, as_of, top, no_map, findings, matches, out, recompute, dataset, store_path):
    """Write the planner's report: key figures, charts, central units, gaps, matches, map.

    One HTML file that works offline (charts are inline SVG). Figures: member units,
    needs collected, share turned into projects, open needs by age, fulfilment rate.

    \b
    Example:
      graphgov report --out 朝阳站区报告.html --committee C01
      graphgov report --area BJ-CY --as-of 2025-12-31
    """
    from graphgov.dataset.meta import reference_date
    from graphgov.views.report import scoped_matches, write_report

    check_out(out, store_path, create_parent=not given("out"))  # the default folder is made when missing
    findings_df, matches_df = _read_frame(findings), _read_frame(matches)
    with _open_results(dataset, store_path, recompute) as results:
        today = reference_date(results.tables, as_of)
        central = results.central(committee=committee, area=area)
        if findings_df is None:
            findings_df = results.findings(as_of=today, committee=committee, area=area)
        if matches_df is None:
            matches_df = scoped_matches(results.tables, results.assignments(as_of=today), committee, area)
        write_report(out, results.tables, committee=committee, area=area, today=today, top=top,
                     embed_map=not no_map, findings=findings_df, matches=matches_df, central=central,
                     map_options={"central": central} if committee is None and area is None else None)
    click.echo(f"wrote {out}")


def _brokerage_role(row) -> str:
    """The brokerage role a unit plays most often across sectors (条), with its count."""
    from graphgov.analysis.brokerage import ROLE_ZH, ROLES

    counts = {role: int(row[f"sector_{role}"]) for role in ROLES}
    role = max(ROLES, key=lambda r: counts[r])
    return f"{ROLE_ZH[role]} {counts[role]}" if counts[role] else ""


def _demo_summary(central, findings, assignments, summary: dict) -> str:
    """What the demo prints: top central actors, gaps by kind, the matching totals."""
    from graphgov.views.tables import TERMINAL_WIDTH, wrap_text, write_table
    from graphgov.analysis.gaps import KIND_ZH, SEVERITY_ZH

    top = central.head(10)
    actors = top[["rank", "name", "type_zh", "degree", "betweenness"]].copy()
    actors["betweenness"] = actors["betweenness"].round(3)
    actors["role"] = [_brokerage_role(row) for _, row in top.iterrows()]
    actors.columns = ["排名", "单位", "类型", "联系单位数", "中介中心度", "主要中介角色"]
    lines = [write_table(actors, "table", title="核心单位（按中介中心度前 10 名）"), ""]

    by_kind = findings["kind"].value_counts()
    kinds = "，".join(f"{KIND_ZH.get(k, k)} {n}" for k, n in by_kind.items())
    lines.extend(wrap_text(f"薄弱环节：共 {len(findings)} 条 —— {kinds or '无'}", TERMINAL_WIDTH))
    for rec in findings.head(5).to_dict("records"):
        head = f"  [{SEVERITY_ZH.get(rec['severity'], rec['severity'])}] "
        body = wrap_text(rec["message"], TERMINAL_WIDTH - 6)
        lines.extend([head + body[0]] + ["      " + ln for ln in body[1:]])
    lines.append("")
    lines.append(f"拟匹配：{assignments['need_id'].nunique()} 项需求得到分配（{len(assignments)} 组需求–资源配对），"
                 f"{summary.get('unmatched', 0)} 项未能匹配，总分 {summary.get('total_score', 0.0):.2f}")
    return "\n".join(lines)


@click.command()
@click.option("--data", "dataset", type=click.Path(exists=True), default=None,
              help="The dataset to show (default: the sample bundled with graphgov).")
@click.option("--out-dir", type=click.Path(file_okay=False), default="graphgov-demo", show_default=True,
              help="The folder the map and report go to (created if needed).")
@click.option("--load/--no-load", "do_load", default=True, show_default=True,
              help="Load the dataset into the store given by --store (merged by id).")
@as_of_option("The report date, for the age of open needs, gaps, expired resources and trends (YYYY-MM-DD). "
              "Default: the dataset's own date (the bundled sample states 2025-12-31, so the pages do not change "
              "from day to day), else today.")
@_recompute_option
@store_option
@handle_errors
def demo(dataset, out_dir, do_load, as_of, recompute, store_path):
    """The main job on the bundled sample: check it, load it, print the central
    actors, the gaps and the matching totals, and write its map and report.

    Writes OUT_DIR/sample_map.html and OUT_DIR/sample_report.html (OUT_DIR is
    ./graphgov-demo unless --out-dir says otherwise) and prints where they are;
    open them in any browser, no network needed. Works from an installed package:
    the sample ships with it. The analyses are kept in the store; run again on the
    same data, it reuses them (--recompute computes them again).

    \b
    Example:
      graphgov demo
      graphgov demo --store sample.lbdb --out-dir 演示
      graphgov demo --no-load --as-of 2026-06-30
    """
    from graphgov.dataset.meta import reference_date
    from graphgov.analysis.graph import tables_of
    from graphgov.dataset.checks import read_and_check
    from graphgov.results import Results
    from graphgov.views.maps import write_map
    from graphgov.views.report import write_report
    from graphgov.dataset.sample import sample_dir

    if dataset is None:
        dataset = sample_dir()
    ds = read_and_check(dataset)
    today = reference_date(ds, as_of)
    counts = ", ".join(f"{n} {name}" for name, n in ds.counts().items())
    click.echo(f"checked {dataset}: {counts}")
    store = open_cli_store(store_path) if do_load else None
    with store if store is not None else contextlib.nullcontext():
        if store is not None:
            result = store.load(ds)
            click.echo(f"loaded into {store.location} in {result.seconds:.2f} s")
            results = Results(store, recompute=recompute, note=echo_err)
        else:
            results = Results(None, tables_of(ds))
        # each analysis once (or reused from the store), shared by the summary, the map and the report
        central = results.central()
        findings = results.findings(as_of=today)
        assignments = results.assignments(as_of=today)
        summary = dict(assignments.attrs)
    # the pages draw the dataset as checked, loaded or not, so they are the same either way
    tables = tables_of(ds)
    click.echo("")
    click.echo(_demo_summary(central, findings, assignments, summary))
    click.echo("")

    out = Path(out_dir)
    map_path = out / "sample_map.html"
    data = write_map(map_path, tables, central=central)
    click.echo(f"map:    {map_path.resolve()} ({len(data.nodes)} nodes, {len(data.edges)} edges)")
    # a grouped city map stays in its own file; the report draws what it shows
    report_path = write_report(out / "sample_report.html", tables, today=today, central=central,
                               findings=findings, matches=assignments, map_data=None if data.grouped else data,
                               map_options={"central": central})
    click.echo(f"report: {report_path.resolve()}")
