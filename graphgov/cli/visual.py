"""Commands that draw: map, report, and demo (the sample's map and report in one go)."""
from __future__ import annotations

import contextlib
from datetime import date
from pathlib import Path

import click

from graphgov.cli.common import echo_err, handle_errors, open_cli_store, store_option
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


def _stamped_date(stamp):
    """The date a stored result was judged on, else today."""
    import json

    if stamp is None:
        return date.today()
    return json.loads(stamp.params).get("as_of") or date.today()



def _recompute_option(func):
    return click.option("--recompute", is_flag=True,
                        help="Compute central actors, gaps and matches again even where the store holds fresh "
                             "results (computed on the same data with the same parameters).")(func)


def _unit_scores(central, size_by: str) -> dict[str, float]:
    """Node sizes from a central table: ``"Unit:ID"`` → the measure."""
    return {f"Unit:{i}": float(v) for i, v in zip(central["id"], central[size_by].fillna(0))}


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
        return pd.read_excel(p, dtype=object)
    return pd.read_csv(p, dtype=str, keep_default_na=False)


def _sample_folder() -> Path:
    here = Path("data/sample")
    if here.is_dir():
        return here
    import graphgov

    beside = Path(graphgov.__file__).resolve().parent.parent / "data" / "sample"
    if beside.is_dir():
        return beside
    raise OptionError("no data/sample folder here or beside the package; pass --data DATASET")


@click.command("map")
@click.option("--view", type=click.Choice(["network", "committee", "unit", "category", "gaps", "matches"]),
              default="network", show_default=True, help="What the map shows.")
@click.option("--committee", default=None, metavar="ID", help="The committee view's committee; narrows other views.")
@click.option("--unit", default=None, metavar="ID", help="The unit view's unit.")
@click.option("--radius", type=click.IntRange(min=1), default=1, show_default=True,
              help="Steps from the unit in the unit view.")
@click.option("--category", default=None, help="The category view's category (code or Chinese, e.g. 交通出行).")
@click.option("--area", default=None, metavar="ID", help="Only this area and everything below it.")
@click.option("--size-by", type=click.Choice(["degree", "pagerank", "betweenness"]), default="degree",
              show_default=True, help="Node size by this centrality.")
@click.option("--max-nodes", type=click.IntRange(min=1), default=3000, show_default=True,
              help="Above this many nodes, draw groups instead of nodes.")
@click.option("--group-by", type=click.Choice(["auto", "committee", "area", "none"]), default="auto",
              show_default=True, help="How large maps are grouped ('none': draw every node).")
@click.option("--findings", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Gaps view: findings from 'graphgov gaps --out F' (default: computed now).")
@click.option("--matches", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Matches view: assignments from 'graphgov match --all --assign --out F' (default: computed now).")
@click.option("--include-personal", is_flag=True, help="Show phone numbers and contact names (left out by default).")
@click.option("--date", "map_date", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Gaps and matches views: the date findings and matches are judged on (default: that of the "
                   "stored results, else today).")
@click.option("--title", default=None, help="The page title.")
@click.option("--out", "out", type=click.Path(dir_okay=False), default="visualizations/map.html", show_default=True,
              help="The HTML file to write.")
@_recompute_option
@_source_option
@store_option
@handle_errors
def map_command(view, committee, unit, radius, category, area, size_by, max_nodes, group_by, findings, matches,
                include_personal, map_date, title, out, recompute, dataset, store_path):
    """Write an interactive network map: one HTML file that works offline.

    The page needs no network: vis-network and the page's own script are inside it.
    It has a legend, a search box (Chinese names), filters by node type, committee,
    area and category, and a detail panel (click a unit: its committees, needs,
    resources and projects). Layout is computed before writing; large maps are grouped.

    \b
    Example:
      graphgov map --out 网络图.html
      graphgov map --view committee --committee C01
      graphgov map --view unit --unit U001 --radius 2
      graphgov map --view category --category 交通出行
      graphgov map --view gaps
      graphgov map --view matches --matches assign.csv
    """
    from graphgov.results import central_params
    from graphgov.views import maps
    from graphgov.views.report_map import map_size

    findings_df = _read_frame(findings)
    matches_df = _read_frame(matches)
    with _open_results(dataset, store_path, recompute) as results:
        stamps = results.stamps()
        if view == "gaps" and findings_df is None:
            as_of = map_date.date() if map_date else _stamped_date(stamps.get("gaps"))
            findings_df = results.findings(as_of=as_of)
        if view == "matches" and matches_df is None:
            as_of = map_date.date() if map_date else _stamped_date(stamps.get("match"))
            matches_df = results.assignments(as_of=as_of)
        # sizes from the stored central actors when they are fresh; else the map's own quick measure
        # (a city map drawn as groups has no unit sizes)
        whole = view in ("network", "gaps") and not committee and not area and group_by != "none" and \
            map_size(results.tables) > max_nodes
        scores = None if whole or not results.fresh("central", central_params()) else \
            _unit_scores(results.central(), size_by)
        data = maps.write_map(
            out, results.tables, view=view, committee=committee, unit=unit, radius=radius, category=category,
            area=area, size_by=size_by, findings=findings_df, matches=matches_df, include_personal=include_personal,
            max_nodes=max_nodes, group_by=group_by, title=title, unit_scores=scores,
        )
    if data.grouped:
        echo_err(data.notice)
    click.echo(f"wrote {out}: {len(data.nodes)} nodes, {len(data.edges)} edges ({data.title})")


@click.command()
@click.option("--committee", default=None, metavar="ID", help="Report on this committee and those below it.")
@click.option("--area", default=None, metavar="ID", help="Report on this area and everything below it.")
@click.option("--date", "report_date", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="The report date, for the age of open needs (default: today).")
@click.option("--top", type=click.IntRange(min=1), default=15, show_default=True, help="Central units listed.")
@click.option("--no-map", is_flag=True, help="Leave the embedded network map out (a smaller file).")
@click.option("--findings", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Findings from 'graphgov gaps --out F' (default: computed now).")
@click.option("--matches", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Assignments from 'graphgov match --all --assign --out F' (default: computed now).")
@click.option("--out", "out", type=click.Path(dir_okay=False), default="visualizations/report.html",
              show_default=True, help="The HTML file to write.")
@_recompute_option
@_source_option
@store_option
@handle_errors
def report(committee, area, report_date, top, no_map, findings, matches, out, recompute, dataset, store_path):
    """Write the planner's report: key figures, charts, central units, gaps, matches, map.

    One HTML file that works offline (charts are inline SVG). Figures: member units,
    needs collected, share turned into projects, open needs by age, fulfilment rate.

    \b
    Example:
      graphgov report --out 朝阳站区报告.html --committee C01
      graphgov report --area A001 --date 2024-12-31
    """
    from graphgov.views.report import scoped_matches, write_report

    today = report_date.date() if report_date else date.today()
    findings_df, matches_df = _read_frame(findings), _read_frame(matches)
    with _open_results(dataset, store_path, recompute) as results:
        central = results.central(committee=committee, area=area)
        if findings_df is None:
            findings_df = results.findings(as_of=today, committee=committee, area=area)
        if matches_df is None:
            matches_df = scoped_matches(results.tables, results.assignments(as_of=today), committee, area)
        write_report(out, results.tables, committee=committee, area=area, today=today, top=top,
                     embed_map=not no_map, findings=findings_df, matches=matches_df, central=central,
                     map_options={"unit_scores": _unit_scores(central, "degree")} if committee is None and
                     area is None else None)
    click.echo(f"wrote {out}")


def _brokerage_role(row) -> str:
    """The brokerage role a unit plays most often across sectors (条), with its count."""
    from graphgov.analysis.brokerage import ROLE_ZH, ROLES

    counts = {role: int(row[f"sector_{role}"]) for role in ROLES}
    role = max(ROLES, key=lambda r: counts[r])
    return f"{ROLE_ZH[role]} {counts[role]}" if counts[role] else ""


def _demo_summary(central, findings, assignments, summary: dict) -> str:
    """What the demo prints: top central actors, gaps by kind, the matching totals."""
    from graphgov.views.tables import write_table
    from graphgov.analysis.gaps import KIND_ZH, SEVERITY_ZH

    top = central.head(10)
    actors = top[["rank", "name", "type_zh", "degree", "betweenness"]].copy()
    actors["betweenness"] = actors["betweenness"].round(3)
    actors["role"] = [_brokerage_role(row) for _, row in top.iterrows()]
    actors.columns = ["排名", "单位", "类型", "联系单位数", "中介中心度", "主要中介角色"]
    lines = [write_table(actors, "table", title="核心单位 central actors (top 10 by betweenness)"), ""]

    by_kind = findings["kind"].value_counts()
    kinds = "，".join(f"{KIND_ZH.get(k, k)} {n}" for k, n in by_kind.items())
    lines.append(f"薄弱环节 gaps: {len(findings)} findings — {kinds or '无'}")
    for rec in findings.head(5).to_dict("records"):
        lines.append(f"  [{SEVERITY_ZH.get(rec['severity'], rec['severity'])}] {rec['message']}")
    lines.append("")
    lines.append(f"拟匹配 matching: {assignments['need_id'].nunique()} needs assigned "
                 f"({len(assignments)} need-resource pairs), {summary.get('unmatched', 0)} unmatched, "
                 f"total score {summary.get('total_score', 0.0):.2f}")
    return "\n".join(lines)


@click.command()
@click.option("--data", "dataset", type=click.Path(exists=True), default=None,
              help="The dataset to show (default: data/sample here, else the sample beside the package).")
@click.option("--out-dir", type=click.Path(file_okay=False), default="visualizations", show_default=True,
              help="Where the map and report go.")
@click.option("--load/--no-load", "do_load", default=True, show_default=True,
              help="Load the dataset into the store given by --store (merged by id).")
@click.option("--date", "report_date", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="The report date, for the age of open needs and gaps (default: today).")
@_recompute_option
@store_option
@handle_errors
def demo(dataset, out_dir, do_load, report_date, recompute, store_path):
    """The main job on the bundled sample: check it, load it, print the central
    actors, the gaps and the matching totals, and write its map and report.

    Writes OUT_DIR/sample_map.html and OUT_DIR/sample_report.html and prints where
    they are; open them in any browser, no network needed. The analyses are kept in the
    store; run again on the same data, it reuses them (--recompute computes them again).

    \b
    Example:
      graphgov demo
      graphgov demo --store sample.lbdb --date 2025-12-31
      graphgov demo --no-load
    """
    from graphgov.analysis.graph import tables_of
    from graphgov.dataset.checks import read_and_check
    from graphgov.results import Results
    from graphgov.views.maps import write_map
    from graphgov.views.report import write_report

    if dataset is None:
        dataset = _sample_folder()
    today = report_date.date() if report_date else date.today()
    ds = read_and_check(dataset)
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
        tables = results.tables
    click.echo("")
    click.echo(_demo_summary(central, findings, assignments, summary))
    click.echo("")

    out = Path(out_dir)
    map_path = out / "sample_map.html"
    data = write_map(map_path, tables, unit_scores=_unit_scores(central, "degree"))
    click.echo(f"map:    {map_path.resolve()} ({len(data.nodes)} nodes, {len(data.edges)} edges)")
    # a grouped city map stays in its own file; the report draws what it shows
    report_path = write_report(out / "sample_report.html", tables, today=today, central=central,
                               findings=findings, matches=assignments, map_data=None if data.grouped else data,
                               map_options={"unit_scores": _unit_scores(central, "degree")})
    click.echo(f"report: {report_path.resolve()}")
