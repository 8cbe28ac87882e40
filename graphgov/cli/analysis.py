"""Analysis commands: central (central actors) and gaps (coordination gaps)."""
from __future__ import annotations

import click

from graphgov.cli.common import (as_of_option, echo_err, emit_table, handle_errors, open_cli_store, output_lang,
                                 output_options, plural, store_option)

# what a reader needs in a 100-column terminal; --all-columns, csv, json and xlsx have the rest
TABLE_COLUMNS_CENTRAL = ["rank", "id", "name", "type_zh", "degree", "betweenness", "pagerank", "articulation",
                         "sector_brokerage", "block_brokerage"]
_SORT_ZH = {"degree": "联系单位数", "weighted_degree": "加权联系度", "betweenness": "中介中心度", "pagerank": "PageRank",
            "closeness": "接近中心度", "harmonic": "调和中心度", "constraint": "结构约束（由低到高）",
            "effective_size": "有效规模", "sector_brokerage": "跨条中介", "block_brokerage": "跨块中介"}


GAPS_SHEET_ORDER = ["severity", "kind_zh", "subject", "message", "suggestion", "evidence", "score", "kind",
                    "subject_type", "subject_id"]


def scope_options(func):
    """``--committee``, ``--area``, ``--layers``, ``--hub-threshold``, ``--block-level``."""
    func = click.option("--block-level", type=click.Choice(["district", "street", "community", "station_area"]),
                        default="street", show_default=True,
                        help="Area level that makes a unit's block (块) for brokerage roles and silos.")(func)
    func = click.option("--hub-threshold", type=click.IntRange(min=0), default=50, show_default=True,
                        help="Committees/projects with more members become one hub node instead of all "
                             "their pairs (0: expand every group).")(func)
    func = click.option("--layers", default="committee,project,agreement,party", show_default=True,
                        help="Tie layers to use, comma-separated: committee, project, agreement, party.")(func)
    func = click.option("--area", "area", metavar="ID", default=None,
                        help="Only this area and the areas below it (PART_OF).")(func)
    func = click.option("--committee", "committee", metavar="ID", default=None,
                        help="Only the members of this committee and the committees below it.")(func)
    return func


def save_option(func):
    """``--save/--no-save``: keep the results in the store (whole network only)."""
    return click.option("--save/--no-save", default=True, show_default=True,
                        help="Keep the results in the store, stamped with the data they were computed on, for the "
                             "report, the map and Cypher reports (runs on the whole network only).")(func)


def _hub(value: int) -> int | None:
    return None if value == 0 else value


def _check_hub(value: int) -> None:
    if value == 1:
        raise click.BadParameter("must be 0 (expand all) or at least 2", param_hint="--hub-threshold")


@click.command()
@store_option
@scope_options
@click.option("--exact", is_flag=True, help="Exact betweenness and closeness even on large networks (slow at city scale).")
@click.option("--samples", type=click.IntRange(min=1), default=256, show_default=True,
              help="On networks above --exact-limit units: sampled sources for closeness, and the least for "
                   "betweenness, which is sampled further until its top 50 is settled.")
@click.option("--max-samples", type=click.IntRange(min=1), default=4096, show_default=True,
              help="The most sources betweenness is sampled from (--samples or less: exactly --samples).")
@click.option("--exact-limit", type=click.IntRange(min=0), default=2000, show_default=True,
              help="Networks up to this many units get exact betweenness/closeness.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the sampling.")
@click.option("--sort", "sort_by", default="betweenness", show_default=True,
              type=click.Choice(["degree", "weighted_degree", "betweenness", "pagerank", "closeness", "harmonic",
                                 "constraint", "effective_size", "sector_brokerage", "block_brokerage"]),
              help="Rank units by this column (constraint: lowest first).")
@click.option("--engine", type=click.Choice(["igraph", "networkx", "gds"]), default="igraph", show_default=True,
              help="igraph (C-backed, default), networkx (the reference), or gds: run degree, PageRank and "
                   "sampled betweenness inside Neo4j with Graph Data Science (needs a Neo4j --store).")
@save_option
@output_options
@handle_errors
def central(store_path, committee, area, layers, hub_threshold, block_level, exact, samples, max_samples, exact_limit,
            seed, sort_by, engine, save, fmt, out, top):
    """Central actors (核心单位): units ranked by centrality and brokerage.

    Builds the coordination network (ties from shared committees, joint projects,
    co-building agreements and the party-organization hierarchy) and ranks units by
    degree, weighted degree, betweenness, PageRank, closeness/harmonic centrality,
    Burt's constraint and effective size; marks articulation points (关键节点) and
    counts Gould–Fernandez brokerage roles (协调者, 守门者, 代表者, 咨询者, 联络者)
    by sector (条) and by block (块). See docs/analysis.md.

    \b
    Example:
      graphgov central --top 20
      graphgov central --committee C07 --layers committee,project
      graphgov central --area BJ-CY --format xlsx --out 朝阳核心单位.xlsx
      graphgov central --sort block_brokerage --format json --top 10
      graphgov central --engine gds --neo4j neo4j://server:7687 --top 50
    """
    if engine == "gds":
        return _central_gds(store_path, committee, area, samples, seed, hub_threshold, save, fmt, out, top)
    # results are stored on the units (central_rank, betweenness, …) for the report, the map and Cypher
    from graphgov.results import Results

    _check_hub(hub_threshold)
    with open_cli_store(store_path) as store:
        # a scope's analysis reads only the scope's rows; scoped results are not kept
        results = Results(store, tables=store.read_scope(committee, area), save=save, note=echo_err)
        df = results.compute_central(layers=layers, committee=committee, area=area, exact=exact, samples=samples,
                                     max_samples=max_samples, seed=seed, exact_limit=exact_limit, sort_by=sort_by,
                                     hub_threshold=_hub(hub_threshold), block_level=block_level, engine=engine)
    if not df.attrs.get("betweenness_exact", True):
        echo_err(sampling_note(df.attrs, len(df), seed))
    emit_table(df, fmt, out, top, columns=TABLE_COLUMNS_CENTRAL, title=_central_title(len(df), sort_by, committee, area),
               about={"store": store.location})


def _central_title(n: int, sort_by: str, committee=None, area=None, engine: str = "") -> tuple[str, str]:
    scope_zh = f"委员会 {committee} " if committee else (f"区域 {area} " if area else "")
    scope_en = f"committee {committee}, " if committee else (f"area {area}, " if area else "")
    return (f"核心单位（{scope_zh}{engine}{n} 个单位，按{_SORT_ZH.get(sort_by, sort_by)}排序）",
            f"central actors ({scope_en}{engine}{n} units, sorted by {sort_by})")


def _central_gds(store_path, committee, area, samples, seed, hub_threshold, save, fmt, out, top):
    """``central --engine gds``: the whole graph in Neo4j, ranked by Graph Data Science, and (with
    --save) the three measures kept on the units, stamped, for Cypher reports and Bloom."""
    if committee or area:
        raise click.UsageError("--engine gds ranks the whole graph in Neo4j; --committee/--area are not supported")
    from graphgov.results import Results
    from graphgov.results.stamp import INPUTS
    from graphgov.store import is_server

    if not is_server(store_path):
        raise click.UsageError("--engine gds runs inside Neo4j: give --store neo4j://HOST:7687 (or --neo4j)")
    with open_cli_store(store_path) as store:
        # the stamp's data version reads only the network's tables, not the lists
        results = Results(store, tables=store.read_tables(names=INPUTS["central"]), save=save, note=echo_err)
        df = results.compute_central_gds(samples=samples, seed=seed, hub_threshold=hub_threshold)
    echo_err(f"computed in Neo4j Graph Data Science; betweenness sampled from {samples} sources (seed {seed})"
             + ("; kept on the units (betweenness, pagerank, weighted_degree, central_rank)" if save else ""))
    emit_table(df, fmt, out, top, columns=TABLE_COLUMNS_CENTRAL, title=_central_title(len(df), "pagerank", engine="GDS "),
               about={"store": store.location})


@click.command()
@store_option
@scope_options
@as_of_option("Reference date for ages and expiry (YYYY-MM-DD). Default: the dataset's own date, else today.")
@click.option("--kind", "kinds", default=None, metavar="KIND[,KIND]",
              help="Only these kinds: inactive_member, unmet_need, supply_gap, silo, single_broker, bridge, "
                   "idle_committee, suggested_tie.")
@click.option("--severity", "min_severity", type=click.Choice(["high", "medium", "low"]), default="low",
              show_default=True, help="Only findings of at least this severity.")
@click.option("--stale-days", type=click.IntRange(min=0), default=90, show_default=True,
              help="An open need with supply in reach counts as unmet once this old.")
@click.option("--suggestions", type=click.IntRange(min=0), default=30, show_default=True,
              help="How many suggested ties (建议结对) to keep.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of community detection.")
@save_option
@output_options
@handle_errors
def gaps(store_path, committee, area, layers, hub_threshold, block_level, as_of, kinds, min_severity, stale_days,
         suggestions, seed, save, fmt, out, top):
    """Coordination gaps (薄弱环节), each with its evidence and a suggestion.

    \b
    Kinds:
      inactive_member  挂名成员: a member with no project, agreement, need or resource
      unmet_need       无人回应的需求: no project, no dispatch; with its age
      supply_gap       供给缺口: a category (and area) where needs outnumber resources
      silo             孤岛: a group with few outside ties (E-I index), or two groups joined through one unit
      single_broker    单点依赖: a unit whose removal cuts units (and their needs) off
      bridge           单线联系: a single tie whose loss splits the network
      idle_committee   空转的委员会: no member in any project, or fewer meetings than its cadence
      suggested_tie    建议结对: unit pairs whose tie would serve open needs across a structural hole

    \b
    Example:
      graphgov gaps --as-of 2025-12-31
      graphgov gaps --kind unmet_need,supply_gap --severity medium
      graphgov gaps --area BJ-CY --format json --out gaps.json
      graphgov gaps --committee C07 --format xlsx --out 朝阳站区薄弱环节.xlsx
    """
    from graphgov.analysis.gaps import SEVERITIES
    from graphgov.results import Results

    _check_hub(hub_threshold)
    lang = output_lang()
    with open_cli_store(store_path) as store:
        # a scope's analysis reads only the scope's rows; scoped results are not kept
        results = Results(store, tables=store.read_scope(committee, area), save=save, note=echo_err)
        df = results.compute_findings(as_of=as_of, kinds=kinds, layers=layers,
                                      committee=committee, area=area, hub_threshold=_hub(hub_threshold),
                                      block_level=block_level, stale_days=stale_days, suggestions=suggestions,
                                      seed=seed, lang=lang)
    echo_err(communities_note(df.attrs.get("communities"), seed))
    if not df.empty:
        allowed = SEVERITIES[: SEVERITIES.index(min_severity) + 1]
        df = df[df["severity"].isin(allowed)].reset_index(drop=True)
    day = df.attrs.get("as_of")
    if fmt == "table":
        text = gaps_text(df.head(top) if top else df, as_of=day, lang=lang)
        if out:
            from pathlib import Path

            Path(out).write_text(text + "\n", encoding="utf-8")
            echo_err(f"wrote {plural(len(df.head(top) if top else df), 'finding')} to {out}")
        else:
            click.echo(text)
        return
    if fmt == "xlsx":  # what a reader looks at first, then the codes and ids for sorting and lookups
        df = df[[c for c in GAPS_SHEET_ORDER if c in df.columns] + [c for c in df.columns if c not in GAPS_SHEET_ORDER]]
    emit_table(df, fmt, out, top, title=("薄弱环节", "coordination gaps"),
               about={"as_of": day, "store": store.location})


def gaps_text(df, as_of: str | None = None, lang: str = "zh", width: int = 100) -> str:
    """Findings for the terminal, one block per finding, wrapped at ``width``, in one language.

    ``lang="en"`` gives the headings, kinds and severities in English; the messages and
    suggestions come in the language ``find_gaps`` wrote them in (its ``lang``).
    """
    from graphgov.analysis.gaps import SEVERITY_ZH
    from graphgov.views.tables import wrap_text

    if lang == "zh":
        lines = [f"薄弱环节：{len(df)} 条" + (f"（截至 {as_of}）" if as_of else "")]
    else:
        lines = [f"coordination gaps: {plural(len(df), 'finding')}" + (f" (as of {as_of})" if as_of else "")]
    if df.empty:
        lines.append("（没有发现）" if lang == "zh" else "(no findings)")
    for i, row in enumerate(df.itertuples(index=False), start=1):
        lines.append("")
        if lang == "zh":
            head = f"{i}. [{SEVERITY_ZH[row.severity]}] {row.kind_zh} · {row.subject}"
            parts = [row.message, f"建议：{row.suggestion}"]
        else:
            head = f"{i}. [{row.severity}] {row.kind} · {row.subject}"
            parts = [row.message, f"suggestion: {row.suggestion}"]
        lines.extend(wrap_text(head, width))
        for part in parts:
            lines.extend("   " + ln for ln in wrap_text(str(part), width - 3))
    return "\n".join(lines)


def communities_note(summary: dict | None, seed: int) -> str:
    """How stable the detected communities are, for stderr."""
    if not summary:
        return "communities: none (no ties)"
    return (f"communities: {summary['communities']} tightly knit groups, the consensus of {summary['runs']} Leiden runs "
            f"(seed {seed}); single runs agree NMI {summary['agreement']:.2f}, the consensus of half the runs with the "
            f"other half's {summary['stability']:.2f} (1 = the same partition)")


def sampling_note(attrs: dict, n: int, seed: int) -> str:
    """How sure a sampled betweenness ranking is, for stderr."""
    top = attrs.get("betweenness_top", 50)
    wrong = attrs.get("betweenness_expected_wrong")
    why = {"settled": "settled", "max_sources": "stopped at --max-samples",
           "budget": "stopped at the time budget"}.get(attrs.get("betweenness_stopped"), "")
    sure = (f"of the top {top} by betweenness, about {wrong:.1f} units are expected to be wrong "
            f"(standard errors from the spread of the sampled batches; {why}); " if wrong is not None else "")
    return (f"betweenness sampled from {attrs['betweenness_sources']} of {n} units, closeness and harmonic from "
            f"{attrs.get('closeness_sources', attrs['betweenness_sources'])} (seed {seed}): {sure}with 95% probability "
            f"every normalized betweenness is within ±{attrs['betweenness_error']:.3f} of the exact value; "
            f"--exact computes it exactly")
