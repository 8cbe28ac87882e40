"""Options and helpers shared by the CLI's commands."""
from __future__ import annotations

import functools
import os
import sys
import time
from pathlib import Path

import click

from graphgov.errors import GraphGovError
from graphgov.views.tables import FORMATS, write_table
from graphgov.store import DEFAULT_STORE, STORE_ENV

__all__ = ["store_option", "output_options", "output_lang", "set_output_lang", "handle_errors", "emit_table", "echo_err",
           "print_warnings", "plural", "Progress", "open_cli_store", "check_out", "refuse_store", "given", "as_of_option",
           "date_value"]


def echo_err(message: str) -> None:
    click.echo(message, err=True)


def handle_errors(func):
    """Turn a GraphGovError into a message on stderr and its exit code; no traceback."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except GraphGovError as err:
            echo_err(f"Error: {err}")
            sys.exit(err.exit_code)

    return wrapper


def store_option(func):
    """``--store PATH|URL`` (and the shorthand ``--neo4j [URL]``): the store every command uses.

    The command receives one value, ``store_path``: a LadybugDB file or a Neo4j address.
    """

    @functools.wraps(func)
    def wrapper(*args, neo4j_uri=None, store_path=None, **kwargs):
        if neo4j_uri is not None:
            store_path = neo4j_uri or os.environ.get("NEO4J_URI") or ""
            if not store_path:
                raise click.UsageError("--neo4j needs a server address, or NEO4J_URI set (e.g. neo4j://localhost:7687)")
        return func(*args, store_path=store_path, **kwargs)

    wrapper = click.option(
        "--neo4j", "neo4j_uri", default=None, metavar="URL", is_flag=False, flag_value="",
        help="Shorthand for --store on a Neo4j server: the URL, or just --neo4j to use NEO4J_URI.",
    )(wrapper)
    return click.option(
        "--store",
        "store_path",
        envvar=STORE_ENV,
        default=DEFAULT_STORE,
        show_default=True,
        metavar="PATH|URL",
        help=f"The store: a LadybugDB file, or a Neo4j server (neo4j://host:7687, bolt+s://…; user and "
             f"password from NEO4J_USERNAME and NEO4J_PASSWORD). Environment variable: {STORE_ENV}.",
    )(wrapper)


def open_cli_store(store_path, read_only: bool = True):
    """The store a command names, with a hidden password prompt at a terminal and notifications as warnings."""
    from graphgov.store import open_store

    ask = None
    if sys.stdin is not None and sys.stdin.isatty():
        def ask():
            return click.prompt("Neo4j password", hide_input=True, err=True)
    return open_store(store_path, read_only=read_only, ask_password=ask, warn=lambda m: echo_err(f"Warning: {m}"))


def _stores_to_protect(store_path) -> list[Path]:
    """The store files an output must never overwrite: --store's, $GRAPHGOV_STORE's and ./graphgov.lbdb."""
    from graphgov.store import is_server

    specs = [store_path, os.environ.get(STORE_ENV), DEFAULT_STORE]
    return [Path(s) for s in dict.fromkeys(specs) if s and not is_server(s)]


def refuse_store(path, store_path=None, what: str = "--out") -> None:
    """click.UsageError when writing ``path`` would overwrite a store, one of its files or any LadybugDB file."""
    from graphgov.store.ladybug_store import belongs_to_store, is_database_file

    for store in _stores_to_protect(store_path):
        if belongs_to_store(path, store):
            raise click.UsageError(f"{what} {path} would overwrite the store {store} or one of its files; "
                                   f"write to another file")
    if Path(path).is_file() and is_database_file(path):
        raise click.UsageError(f"{what} {path} is a LadybugDB database; write to another file")


def check_out(out, store_path=None, *, fmt: str | None = None, what: str = "--out", folder: bool = False,
              create_parent: bool = False) -> None:
    """Refuse an output path before anything is computed or written; click.UsageError (exit 2).

    Refused: the store or one of its side files (the one in use, $GRAPHGOV_STORE's and
    ./graphgov.lbdb), any LadybugDB database file, a folder where a file is meant (or a
    file where a ``folder`` is), a name not ending in .xlsx for ``fmt="xlsx"``, and a
    parent folder that does not exist (unless ``create_parent``: then it is created,
    and said so).
    """
    if out is None:
        return
    path = Path(out)
    refuse_store(path, store_path, what)
    if folder and path.exists() and not path.is_dir():
        raise click.UsageError(f"{what} {out} is a file, and this writes a folder of CSV files: give a folder "
                               f"name (or a name ending in .xlsx for one workbook)")
    if not folder and path.is_dir():
        raise click.UsageError(f"{what} {out} is a folder; give a file name")
    if fmt == "xlsx" and path.suffix.lower() != ".xlsx":
        raise click.UsageError(f"--format xlsx writes an Excel workbook: give {what} a name ending in .xlsx "
                               f"(not {out})")
    parent = path.parent
    if not parent.is_dir():
        if parent.exists():
            raise click.UsageError(f"{what} {out}: {parent} is a file, not a folder")
        if not create_parent:
            raise click.UsageError(f"{what} {out}: the folder {parent} does not exist; create it first "
                                   f"(mkdir -p {parent}) or write elsewhere")
        echo_err(f"creating the folder {parent}")


def given(name: str) -> bool:
    """Whether the user gave the option ``name`` (rather than its default) to the running command."""
    from click.core import ParameterSource

    ctx = click.get_current_context(silent=True)
    return ctx is not None and ctx.get_parameter_source(name) not in (ParameterSource.DEFAULT, None)


def date_value(ctx, param, value):
    """A click callback: ``YYYY-MM-DD`` text as a ``datetime.date`` (None stays None), else a usage error."""
    if value is None:
        return None
    import datetime as dt

    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date in the form YYYY-MM-DD") from None


AS_OF_HELP = "The date the answer is for (YYYY-MM-DD). Default: the dataset's own date (meta.as_of), else today."


def as_of_option(help: str = AS_OF_HELP):
    """``--as-of YYYY-MM-DD``: the one name for a command's reference date.

    The names commands used before (``--date``, ``--on``) still work, hidden. The
    command receives ``as_of``: a ``datetime.date``, or None when no date was given (the
    command then takes the dataset's own date, else today: see
    :func:`graphgov.dataset.meta.reference_date`).
    """

    def decorate(func):
        @functools.wraps(func)
        def wrapper(*args, as_of=None, as_of_date_alias=None, as_of_on_alias=None, **kwargs):
            given = {v for v in (as_of, as_of_date_alias, as_of_on_alias) if v is not None}
            if len(given) > 1:
                raise click.UsageError("two different dates given; use --as-of once")
            return func(*args, as_of=given.pop() if given else None, **kwargs)

        wrapper = click.option("--on", "as_of_on_alias", callback=date_value, default=None, hidden=True)(wrapper)
        wrapper = click.option("--date", "as_of_date_alias", callback=date_value, default=None, hidden=True)(wrapper)
        return click.option("--as-of", "as_of", callback=date_value, default=None, metavar="YYYY-MM-DD",
                            help=help)(wrapper)

    return decorate


_LANG, _ALL_COLUMNS = "graphgov.lang", "graphgov.all_columns"


def output_options(func):
    """``--format``, ``--out``, ``--top``, ``--lang`` and ``--all-columns``, shared by every command that prints a table.

    ``--out`` is checked (:func:`check_out`) before the command runs, so a refused name
    costs nothing and a writing command (dispatch …) writes nothing. The command receives
    ``fmt``, ``out`` and ``top``; the language and the column choice are kept on the click
    context for :func:`emit_table` (and :func:`output_lang`).
    """

    @functools.wraps(func)
    def wrapper(*args, lang="zh", all_columns=False, **kwargs):
        ctx = click.get_current_context()
        ctx.meta[_LANG], ctx.meta[_ALL_COLUMNS] = lang, all_columns
        check_out(kwargs.get("out"), kwargs.get("store_path"), fmt=kwargs.get("fmt"))
        return func(*args, **kwargs)

    command = click.option("--all-columns", is_flag=True,
                           help="Every column in the terminal table (csv, json and xlsx always have all).")(wrapper)
    command = click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
                           help="Language of the table and workbook people read: headers, names of codes, reasons "
                                "(csv and json keep English keys).")(command)
    command = click.option("--top", type=click.IntRange(min=1), default=None, help="Only the first N rows.")(command)
    command = click.option(
        "--out", "out", type=click.Path(dir_okay=False, writable=True), default=None,
        help="Write to this file instead of the terminal (xlsx needs --out).",
    )(command)
    command = click.option(
        "--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
        help="Output format.",
    )(command)
    return command


def set_output_lang(lang: str) -> None:
    """For a command with its own --lang (not :func:`output_options`): the language :func:`emit_table` uses."""
    click.get_current_context().meta[_LANG] = lang


def output_lang() -> str:
    """The --lang of the running command: "zh" (the default) or "en"."""
    ctx = click.get_current_context(silent=True)
    return ctx.meta.get(_LANG, "zh") if ctx is not None else "zh"


def _sheet_name(title: str | None) -> str:
    """A short sheet name from a title: the words before its first bracket or colon (核心单位（…） → 核心单位)."""
    import re

    return re.split(r"[（(：:]", title or "")[0].strip() or "表"


def emit_table(df, fmt: str, out: str | None, top: int | None = None, title=None, *, columns=None, labels=None,
               sheets=(), about=None) -> None:
    """Print or write a DataFrame in the chosen format.

    ``title`` is one text or a (Chinese, English) pair chosen by --lang. ``columns`` are those a
    reader needs in the terminal (--all-columns shows the rest). ``sheets`` (Excel sheets,
    :class:`graphgov.views.excel.Sheet`) replace ``df`` in an xlsx workbook, whose first sheet
    says ``about`` it (what, as of when, from which store).
    """
    lang = output_lang()
    if isinstance(title, tuple):
        title = title[0] if lang == "zh" else title[1]
    if top is not None:
        df = df.head(top)
        for sheet in sheets:
            sheet.frame = sheet.frame.head(top)
    if fmt == "xlsx" and not out:
        raise click.UsageError("--format xlsx needs --out FILE.xlsx")
    if fmt == "table" and columns is not None and not click.get_current_context().meta.get(_ALL_COLUMNS):
        df = df[[c for c in columns if c in df.columns]]
    about = {"what": title, **(about or {})}
    if fmt == "xlsx" and not sheets:
        from graphgov.views.excel import Sheet

        sheets = [Sheet(_sheet_name(title), df, title or "", dict(labels or {}))]
    try:
        text = write_table(df, fmt, out, title=title, lang=lang, labels=labels, sheets=sheets, about=about)
    except OSError as err:
        raise click.UsageError(f"--out {out}: cannot write it ({err.strerror or err})") from None
    if text is not None:
        click.echo(text)
    elif out:
        echo_err(f"wrote {plural(len(df), 'row')} to {out}")


def plural(n: int, word: str) -> str:
    """``1 warning``, ``2 warnings``."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def print_warnings(warnings, limit: int = 20) -> None:
    for w in warnings[:limit]:
        echo_err(str(w))
    if len(warnings) > limit:
        echo_err(f"… and {plural(len(warnings) - limit, 'more warning')}")


class Progress:
    """A progress bar on stderr that appears only once a load has taken a second."""

    def __init__(self, label: str, clock=time.perf_counter):
        self.label = label
        self.clock = clock
        self.start = clock()
        self.bar = None

    def __call__(self, step: str, done: int, total: int) -> None:
        if self.bar is None:
            if self.clock() - self.start < 1.0:
                return
            self.bar = click.progressbar(length=total, label=self.label, file=click.get_text_stream("stderr"),
                                         show_pos=True)
            self.bar.__enter__()
            self.done = 0
        self.bar.update(done - self.done, current_item=step)
        self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
