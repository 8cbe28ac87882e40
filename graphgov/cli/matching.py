"""Commands for matching and the order–dispatch–accept loop (点单-派单-接单).

``match``, ``dispatch``, ``accept``, ``decline``, ``fulfil``, ``withdraw``, ``close``,
``reopen`` and ``history``. Each parses options, calls one library function of
:mod:`graphgov.matching` or :mod:`graphgov.matching.lifecycle` and prints the result.
"""
from __future__ import annotations

import click
import pandas as pd

from graphgov.cli.common import (as_of_option, echo_err, emit_table, handle_errors, open_cli_store, output_lang,
                                 output_options, plural, store_option)
from graphgov.errors import OptionError
from graphgov.views.labels import MATCH_PARTS_ZH


on_option = as_of_option("Date of the step (YYYY-MM-DD). Default: the dataset's own date, else today.")


def _step_date(store, as_of):
    """The date a step is recorded on: --as-of, else the dataset's own date (said on stderr), else today."""
    from graphgov.dataset.meta import dataset_date

    if as_of is not None:
        return as_of
    own = dataset_date(store)
    if own is not None:
        echo_err(f"recorded on {own.isoformat()}, the dataset's own date (--as-of gives another date)")
    return own


def rating_option(func):
    return click.option("--rating", default=None, metavar="RATING",
                        help="The raising unit's rating: 满意, 基本满意, 不满意 (or a score 1–5).")(func)


def note_option(func):
    return click.option("--note", default=None, help="A note kept with the step.")(func)


def _open(store_path):
    return open_cli_store(store_path)


# the columns a reader needs in a 100-column terminal (--all-columns shows the score's parts too)
COLUMNS_ONE = ["rank", "resource_id", "resource_title", "score", "broker_name", "reasons"]
COLUMNS_ALL = ["need_id", "rank", "resource_id", "resource_title", "score", "reasons"]
COLUMNS_ASSIGNED = ["need_id", "resource_id", "resource_title", "units", "score", "broker_name", "reasons"]
COLUMNS_UNMATCHED = ["need_id", "need_title", "units_short", "reason"]


def _reasons_text(df: pd.DataFrame, fmt: str) -> pd.DataFrame:
    """Reasons as text: one per line in the terminal and Excel, ``; ``-joined in CSV; lists stay lists in JSON."""
    if fmt == "json" or "reasons" not in df.columns:
        return df
    out = df.copy()
    sep = "; " if fmt == "csv" else "\n"
    out["reasons"] = out["reasons"].map(lambda r: sep.join(r) if isinstance(r, list) else r)
    return out


@click.command()
@click.argument("need_id", required=False)
@click.option("--all", "all_needs", is_flag=True, help="Every need still waiting (not fulfilled or closed).")
@click.option("--assign", is_flag=True, help="With --all: assign needs to resources, maximising the total score "
              "without exceeding any resource's capacity.")
@click.option("--dispatch", "record", is_flag=True, help="With --assign: record the assignment as dispatches "
              "(派单) in one transaction.")
@click.option("--greedy", is_flag=True, help="With --assign: use the greedy baseline instead of the optimum.")
@click.option("--unmatched", "show_unmatched", is_flag=True,
              help="With --assign: output the needs left unmatched (with why) instead of the dispatch list.")
@click.option("-k", "--limit", type=click.IntRange(min=1), default=None,
              help="Resources per need (default 10 for one need, 3 with --all).")
@click.option("--weight", "weight_items", multiple=True, metavar="PART=VALUE",
              help="Change one weight: category, text, area, capacity, trust (repeatable), e.g. --weight text=0.4.")
@click.option("--weights", "weights_file", type=click.Path(exists=True, dir_okay=False), default=None,
              help="A TOML file of weights (top level or a [weights] table).")
@click.option("--min-score", type=click.FloatRange(0, 1), default=0.0, show_default=True,
              help="Leave out pairs scoring below this.")
@click.option("--scope", type=click.Choice(["district", "city"]), default="district", show_default=True,
              help="With --all: look for resources in the need's district first (city: everywhere at once).")
@click.option("--default-capacity", type=click.IntRange(min=0), default=1, show_default=True,
              help="Capacity of a resource whose capacity is not stated.")
@click.option("--save/--no-save", default=True, show_default=True,
              help="With --assign: keep the assignment in the store as proposals (拟匹配), stamped with the data "
                   "it was computed on, for the report, the map and Cypher reports.")
@as_of_option("The date matches are made for: resources that ran out before it are left out, and --dispatch "
              "records the dispatches on it (YYYY-MM-DD). Default: the dataset's own date, else today.")
@store_option
@output_options
@handle_errors
def match(need_id, all_needs, assign, record, greedy, show_unmatched, limit, weight_items, weights_file, min_score,
          scope, default_capacity, save, as_of, store_path, fmt, out, top):
    """Match needs to resources (需求-资源匹配), with reasons and a broker.

    NEED_ID: the best resources for one need, ranked, with the score's parts
    (category, text, area, capacity, trust), who can make the introduction
    (broker_id) and why. --all: the best few for every waiting need. --all --assign:
    one exact assignment of all waiting needs; the dispatch list goes to the output,
    the needs left unmatched follow (or alone with --unmatched), and a summary with
    the greedy baseline's total goes to stderr.

    \b
    Example:
      graphgov match N0012 --as-of 2025-12-31
      graphgov match N0012 --weight text=0.5 --format json
      graphgov match --all --assign --format csv --out dispatch.csv
      graphgov match --all --assign --dispatch --as-of 2025-12-31
    """
    from graphgov import matching

    if bool(need_id) == bool(all_needs):
        raise OptionError("give one NEED_ID or --all")
    if (assign or record or greedy or show_unmatched) and not all_needs:
        raise OptionError("--assign, --dispatch, --greedy and --unmatched go with --all")
    if (record or greedy or show_unmatched) and not assign:
        raise OptionError("--dispatch, --greedy and --unmatched go with --assign")
    weights = matching.parse_weights(weight_items, weights_file)
    from graphgov.dataset.meta import reference_date

    lang = output_lang()
    store = _open(store_path)
    try:
        tables = store.read_tables()
        on = reference_date(tables, as_of)  # one date for the whole command: what is proposed may be dispatched
        about = {"as_of": on, "store": store.location}
        ctx = matching.build_context(tables, weights, default_capacity, on)
        _say_in_progress_by_list(matching.in_progress_by_list(ctx), need_id)
        if need_id:
            df = matching.match_need(None, need_id, top=limit or 10, min_score=min_score, context=ctx, lang=lang)
            emit_table(_reasons_text(df, fmt), fmt, out, top, columns=COLUMNS_ONE, labels=MATCH_PARTS_ZH,
                       title=(f"需求 {need_id} 的候选资源（{on}）", f"resources for need {need_id} ({on})"),
                       about=about)
            return
        if not assign:
            df = matching.match_all(None, per_need=limit or 3, min_score=min_score, scope=scope, context=ctx,
                                    lang=lang)
            emit_table(_reasons_text(df, fmt), fmt, out, top, columns=COLUMNS_ALL, labels=MATCH_PARTS_ZH,
                       title=(f"各需求的候选资源（{on}）", f"the best resources for every waiting need ({on})"),
                       about=about)
            return
        from graphgov.results import Results

        results = Results(store, tables=tables, save=save, note=echo_err)
        assignments, unmatched, stats = results.compute_assignments(
            context=ctx, as_of=on, weights=weights, min_score=min_score, scope=scope,
            method="greedy" if greedy else "optimal", default_capacity=default_capacity, lang=lang)
        if record:
            from graphgov.matching import lifecycle

            made = lifecycle.dispatch_assignments(store, assignments, on=on, default_capacity=default_capacity)
            ids = dict(zip(zip(made["need_id"], made["resource_id"]), made["dispatch_id"]))
            assignments.insert(0, "dispatch_id", [ids.get(k) for k in zip(assignments["need_id"],
                                                                          assignments["resource_id"])])
    finally:
        store.close()
    dispatch_title = ("派单清单", "dispatch list")
    unmatched_title = ("未匹配需求", "needs left unmatched")
    if show_unmatched:
        emit_table(unmatched, fmt, out, top, columns=COLUMNS_UNMATCHED, title=unmatched_title, about=about)
    elif fmt == "xlsx":
        from graphgov.views.excel import Sheet

        pick = 0 if lang == "zh" else 1
        emit_table(assignments, fmt, out, top, title=dispatch_title, about=about, sheets=[
            Sheet(dispatch_title[pick], _reasons_text(assignments, fmt), dispatch_title[pick], MATCH_PARTS_ZH),
            Sheet(unmatched_title[pick], unmatched, unmatched_title[pick])])
    else:
        emit_table(_reasons_text(assignments, fmt), fmt, out, top, columns=COLUMNS_ASSIGNED, labels=MATCH_PARTS_ZH,
                   title=dispatch_title, about=about)
        if fmt == "table" and not out and len(unmatched):
            click.echo("")
            emit_table(unmatched, fmt, None, top, columns=COLUMNS_UNMATCHED, title=unmatched_title)
    total, base = stats["total_score"], stats["greedy_score"]
    ratio = f" ({100 * base / total:.1f}% of it)" if total > 0 else ""
    versus = "(greedy method)" if greedy else f"(optimum); greedy baseline {base:.3f}{ratio}"
    echo_err(f"{len(assignments)} dispatches for {assignments['need_id'].nunique()} needs, "
             f"{int(assignments['units'].sum()) if len(assignments) else 0} units; "
             f"{plural(len(unmatched), 'need')} short; total score {total:.3f} {versus}; "
             f"{stats['candidates']} candidate pairs"
             + ("; recorded as dispatches" if record else ""))


def _say_in_progress_by_list(listed: pd.DataFrame, need_id: str | None) -> None:
    """Say on stderr which needs the needs list has in progress with no dispatch recorded here:
    left out of --all and the assignment; ranked for one need, for a further dispatch."""
    if need_id is not None:
        row = listed[listed["id"] == need_id]
        if len(row):
            status, since = row["status"].iloc[0], row["dispatched_on"].iloc[0]
            when = "" if since is None or pd.isna(since) or since == "" else \
                f" (dispatched on {pd.Timestamp(since).date().isoformat()})"
            echo_err(f"{need_id} is {status} in the needs list{when}, with no dispatch recorded here: "
                     "'match --all' leaves it out; the resources below are for a further dispatch")
        return
    if len(listed):
        ids = list(listed["id"])
        shown = ", ".join(ids[:8]) + (", …" if len(ids) > 8 else "")
        echo_err(f"left out {plural(len(ids), 'need')} the needs list has as dispatched, accepted or partial, "
                 f"with no dispatch recorded here ({shown}); 'graphgov match NEED_ID' ranks resources for one")


def _emit_step(row: dict, fmt, out, top) -> None:
    keys = ["id", "need_id", "resource_id", "status", "quantity", "fulfilled_quantity", "need_status"]
    df = pd.DataFrame([{("dispatch_id" if k == "id" else k): row.get(k) for k in keys}])
    emit_table(df, fmt, out, top, labels={"status": "派单状态"})


@click.command("dispatch")
@click.argument("need_id")
@click.argument("resource_id")
@click.option("--quantity", type=click.IntRange(min=1), default=None,
              help="Units to reserve (default: what the need still lacks, up to the capacity left).")
@click.option("--broker", "broker_id", default=None, metavar="UNIT_ID", help="The unit making the introduction.")
@click.option("--default-capacity", type=click.IntRange(min=0), default=1, show_default=True,
              help="Capacity of a resource whose capacity is not stated.")
@on_option
@note_option
@store_option
@output_options
@handle_errors
def dispatch_command(need_id, resource_id, quantity, broker_id, default_capacity, as_of, note, store_path, fmt, out,
                     top):
    """Dispatch a need to a resource (派单). Prints the new dispatch's id.

    \b
    Example:
      graphgov dispatch N0012 R0004 --as-of 2025-12-31
    """
    from graphgov.matching import lifecycle

    store = _open(store_path)
    try:
        row = lifecycle.dispatch(store, need_id, resource_id, quantity=quantity, on=_step_date(store, as_of),
                                 broker_id=broker_id, note=note,
                                 default_capacity=default_capacity)
    finally:
        store.close()
    _emit_step(row, fmt, out, top)


def _step_command(name: str, zh: str, doc: str):
    @click.command(name)
    @click.argument("dispatch_id")
    @on_option
    @note_option
    @store_option
    @output_options
    @handle_errors
    def command(dispatch_id, as_of, note, store_path, fmt, out, top):
        from graphgov.matching import lifecycle

        store = _open(store_path)
        try:
            row = getattr(lifecycle, name)(store, dispatch_id, on=_step_date(store, as_of), note=note)
        finally:
            store.close()
        _emit_step(row, fmt, out, top)

    command.help = (f"{doc} ({zh}).\n\n\b\nExample:\n  graphgov dispatch N0012 R0004 --as-of 2025-12-31"
                    f"\n  graphgov {name} D000001 --as-of 2026-01-02")
    return command


accept = _step_command("accept", "接单", "The provider accepts a dispatch")
decline = _step_command("decline", "拒单", "The provider declines a dispatch; its units go back to the resource")
withdraw = _step_command("withdraw", "撤回", "Withdraw a dispatch; undelivered units go back to the resource")


@click.command()
@click.argument("dispatch_id")
@click.option("--quantity", type=click.IntRange(min=1), default=None,
              help="Units delivered now (default: all still due); fewer leave the dispatch partial.")
@rating_option
@on_option
@note_option
@store_option
@output_options
@handle_errors
def fulfil(dispatch_id, quantity, rating, as_of, note, store_path, fmt, out, top):
    """Record delivery on an accepted dispatch (完成).

    \b
    Example:
      graphgov dispatch N0012 R0004 --as-of 2025-12-31
      graphgov accept D000001 --as-of 2026-01-02
      graphgov fulfil D000001 --quantity 2 --as-of 2026-01-10
      graphgov fulfil D000001 --rating 满意 --as-of 2026-01-20
    """
    from graphgov.matching import lifecycle

    store = _open(store_path)
    try:
        row = lifecycle.fulfil(store, dispatch_id, quantity=quantity, on=_step_date(store, as_of), note=note,
                               rating=rating)
    finally:
        store.close()
    _emit_step(row, fmt, out, top)


def _need_command(name: str, func: str, doc: str, rated: bool = False):
    @click.command(name)
    @click.argument("need_id")
    @on_option
    @note_option
    @store_option
    @output_options
    @handle_errors
    def command(need_id, as_of, note, store_path, fmt, out, top, rating=None):
        from graphgov.matching import lifecycle

        store = _open(store_path)
        try:
            extra = {"rating": rating} if rated else {}
            row = getattr(lifecycle, func)(store, need_id, on=_step_date(store, as_of), note=note, **extra)
        finally:
            store.close()
        emit_table(pd.DataFrame([{"need_id": row["id"], "status": row["status"]}]), fmt, out, top)

    step = f"graphgov close N0017 --note 需求方已自行解决" + (" --rating 基本满意" if name == "close" else "")
    lines = [step, "graphgov reopen N0017"] if name == "reopen" else [step]
    command.help = f"{doc}\n\n\b\nExample:\n" + "\n".join(f"  {line}" for line in lines)
    return rating_option(command) if rated else command


close = _need_command("close", "close_need", "Close a need by hand (关闭); refused while a dispatch is pending.",
                      rated=True)
reopen = _need_command("reopen", "reopen_need", "Reopen a closed need (重新开放).")


@click.command()
@click.argument("need_id")
@store_option
@output_options
@handle_errors
def history(need_id, store_path, fmt, out, top):
    """The history of a need (办理记录): every step with its date.

    \b
    Example:
      graphgov dispatch N0012 R0004 --as-of 2025-12-31
      graphgov history N0012
    """
    from graphgov.matching import lifecycle

    store = _open(store_path)
    try:
        df = lifecycle.history(store, need_id)
    finally:
        store.close()
    emit_table(df, fmt, out, top, title=(f"需求 {need_id} 的办理记录", f"history of need {need_id}"),
               about={"store": store.location})
