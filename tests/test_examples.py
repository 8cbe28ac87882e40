"""Every command in the README, in the docs' examples and in every command's --help "Example:" block
runs, as written, on the sample; and every option they name is one that command's --help shows.

Each source (the README; each page of docs/ with examples in code blocks; each command's help) runs in a fresh folder of its own holding the
sample as a checkout has it (``data/sample``, ``data/sample.xlsx``) loaded into
``./graphgov.lbdb``, its commands in order, so a help example may build on the one above it
(a dispatch, then its acceptance). Some inputs stand for files a user has of their own and
are made from the sample: ``三月需求清单/`` (next month's needs list), ``my_reports/`` (a folder
of one report, ``my_report``), and last year's and this year's lists for ``compare``
(``2024年清单/``: the sample dated 2024-12-31; ``2025年清单.xlsx``: the sample's workbook; ``old.lbdb``:
last year's lists loaded into a store of their own).

The sample states its own date (2025-12-31, in its meta table), so the answers do not depend
on the day the tests run. What is changed, and only this: a Neo4j server address (``--neo4j URL``, ``--store neo4j://…``) is dropped so the command runs on the folder's store (a
``central --engine gds`` example needs a real server: it runs there when NEO4J_URI is set,
and otherwise must stop with its "runs inside Neo4j" message, exit 2);
``> FILE`` writes the command's output to FILE in the folder. A command that was renamed or
removed fails here (exit 2, no such command); a command without examples fails too.
"""
from __future__ import annotations

import os
import re
import shlex
import shutil
from pathlib import Path

import click
import pandas as pd
import pytest
from click.testing import CliRunner

from conftest import ROOT, SAMPLE
from graphgov.cli import COMMANDS, cli
from graphgov.dataset.checks import read_and_check
from graphgov.store import open_store
from graphgov.store.neo4j_store import is_neo4j_uri

MY_REPORT = """// name: my_report
// description: Units of one type, with their committees.
// 说明: 某类型的单位及其所在委员会。
// param: type = 'university'  -- a unit type code
MATCH (u:Unit) WHERE u.type = $type
OPTIONAL MATCH (u)-[:MEMBER_OF]->(c:Committee)
RETURN u.id AS unit_id, u.name AS unit, count(c) AS committees ORDER BY unit_id
"""


def _commands(text: str) -> list[str]:
    """The graphgov command lines of a text, with comments, prompts and ``pip install . &&`` taken off."""
    out = []
    for line in text.splitlines():
        line = line.strip()
        for part in line.split("&&"):
            part = re.sub(r"\s+#.*$", "", part.strip())
            if re.match(r"^([A-Z_]+=\S+\s+)*graphgov\s", part):
                out.append(part)
    return out


def block_examples(path: Path) -> list[str]:
    """The graphgov commands in the code blocks of a Markdown file."""
    text = path.read_text(encoding="utf-8")
    # every fenced block, so that a ```toml or ```python block is not read as prose between two others
    blocks = re.findall(r"```(\w*)\n(.*?)```", text, flags=re.S)
    return [cmd for lang, block in blocks if lang in ("", "bash", "sh", "console") for cmd in _commands(block)]


def readme_examples() -> list[str]:
    return block_examples(ROOT / "README.md")


DOCS = sorted((ROOT / "docs").glob("*.md"))


def _help_of(path: list[str]):
    command = cli
    for name in path:
        command = command.get_command(None, name)
    return command.help or ""


def help_sources() -> dict[str, str]:
    """``graphgov``, ``graphgov check``, …, ``graphgov query run`` → its help text."""
    sources = {"graphgov": cli.help}
    for name in COMMANDS:
        command = cli.get_command(None, name)
        sources[f"graphgov {name}"] = command.help or ""
        for sub in getattr(command, "commands", {}):
            sources[f"graphgov {name} {sub}"] = command.commands[sub].help or ""
    return sources


def help_examples(help_text: str) -> list[str]:
    block = help_text.split("Example:", 1)
    return _commands(block[1]) if len(block) == 2 else []


DOC_SOURCES = {f"docs/{p.name}": block_examples(p) for p in DOCS}
SOURCES = {"README.md": readme_examples(), **{k: v for k, v in DOC_SOURCES.items() if v},
           **{k: help_examples(v) for k, v in help_sources().items()}}


def test_every_source_has_examples():
    empty = [name for name, commands in SOURCES.items() if not commands]
    assert empty == [], "every command's --help needs an Example: block"
    used = {shlex.split(line)[1] for line in SOURCES["README.md"]}
    assert {"demo", "check", "load", "info", "central", "gaps", "match", "dispatch", "map", "report", "query"} <= used


@pytest.fixture(scope="module")
def workspace(tmp_path_factory, sample_store):
    """The folder every source starts from: the sample as in a checkout, loaded, and the user's own files."""
    base = tmp_path_factory.mktemp("workspace")
    shutil.copytree(SAMPLE, base / "data" / "sample", ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    shutil.copyfile(ROOT / "data" / "sample.xlsx", base / "data" / "sample.xlsx")
    sample_store.close()
    shutil.copyfile(sample_store.path, base / "graphgov.lbdb")
    month = base / "三月需求清单"
    month.mkdir()
    lines = (SAMPLE / "needs.csv").read_text(encoding="utf-8").splitlines()
    # next month: one need fulfilled since, and one new
    lines = [ln.replace(",medium,2,dispatched,", ",medium,2,fulfilled,") if ln.startswith("N0099,") else ln
             for ln in lines]
    lines.append("N0900,站前广场新增共享单车停放区,parking,U020,早晚高峰共享单车堆积，需要划定停放区。,BJ-ST-CY,"
                 "2026-03-02,medium,1,open,,")
    (month / "needs.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    last_year = base / "2024年清单"
    shutil.copytree(SAMPLE, last_year, ignore=shutil.ignore_patterns("*.py", "*.md", "__pycache__"))
    meta = pd.read_csv(last_year / "meta.csv", dtype=str, keep_default_na=False)
    meta["as_of"] = "2024-12-31"
    meta.to_csv(last_year / "meta.csv", index=False)
    shutil.copyfile(ROOT / "data" / "sample.xlsx", base / "2025年清单.xlsx")
    with open_store(base / "old.lbdb") as old:
        old.load(read_and_check(last_year))
    (base / "my_reports").mkdir()
    (base / "my_reports" / "my_report.cypher").write_text(MY_REPORT, encoding="utf-8")
    return base


def _prepared(line: str) -> tuple[dict, list[str], str | None, bool]:
    """(environment, arguments after 'graphgov', file of a '>' redirect, whether it needs a Neo4j server)."""
    words = shlex.split(line)
    env = {}
    while "=" in words[0] and words[0] != "graphgov":
        key, _, value = words.pop(0).partition("=")
        env[key] = value
    assert words[0] == "graphgov"
    args, redirect = words[1:], None
    if ">" in args:
        at = args.index(">")
        args, redirect = args[:at], args[at + 1]
    server = False
    if "--store" in args and is_neo4j_uri(args[args.index("--store") + 1]):
        at = args.index("--store")
        args[at:at + 2] = ["--neo4j"]
    if "--neo4j" in args:
        at = args.index("--neo4j")
        del args[at:at + (2 if at + 1 < len(args) and "://" in args[at + 1] else 1)]
        server = "gds" in args  # Graph Data Science runs inside the server: nothing to redirect it to
        if server and os.environ.get("NEO4J_URI"):
            args += ["--store", os.environ["NEO4J_URI"]]
            server = False
    return env, args, redirect, server


@pytest.mark.parametrize("source", list(SOURCES), ids=lambda s: s.replace(" ", "_"))
def test_examples_run_as_written(source, workspace, tmp_path, monkeypatch):
    here = tmp_path / "ws"
    shutil.copytree(workspace, here)
    monkeypatch.chdir(here)
    for var in ("GRAPHGOV_STORE", "NEO4J_URI", "NEO4J_PASSWORD", "NEO4J_USERNAME"):
        monkeypatch.delenv(var, raising=False)
    runner = CliRunner()
    for line in SOURCES[source]:
        env, args, redirect, server = _prepared(line)
        result = runner.invoke(cli, args, env={**env, "GRAPHGOV_STORE": None}, catch_exceptions=False)
        if server:  # without a server (NEO4J_URI), the command and its options must still be there
            assert result.exit_code == 2 and "runs inside Neo4j" in result.output, (line, result.output)
            continue
        assert result.exit_code == 0, f"{source}: `{line}` exited {result.exit_code}:\n{result.output}"
        assert "Traceback" not in result.output
        if redirect:
            Path(redirect).parent.mkdir(parents=True, exist_ok=True)
            Path(redirect).write_text(result.stdout, encoding="utf-8")


# -- options: what the docs name is what --help shows ---------------------------------------------------
# Options of other tools the docs name (pytest, the mutation script in benchmarks/).
NOT_GRAPHGOV = {"--strict-markers": "pytest", "--recheck": "benchmarks/mutation.py", "--list": "benchmarks/mutation.py",
                "--sample": "benchmarks/mutation.py"}
# The page that says which older option names are still accepted (hidden from --help).
OLD_NAMES_PAGE, OLD_NAMES = "docs/trends.md", {"--on", "--date"}
TEXTS = {"README.md": ROOT / "README.md", **{f"docs/{p.name}": p for p in DOCS}}


def _shown_options(command: click.Command) -> set[str]:
    """The options ``graphgov … --help`` lists for a command (hidden ones are not)."""
    shown = {"--help", "-h"}
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden:
            shown |= {*param.opts, *param.secondary_opts}
    return shown


def _command_of(words: list[str]) -> click.Command:
    command = cli
    while isinstance(command, click.Group) and words and command.get_command(click.Context(command), words[0]):
        command = command.get_command(click.Context(command), words.pop(0))
    return command


def _all_commands(command: click.Command = cli):
    yield command
    if isinstance(command, click.Group):
        ctx = click.Context(command)
        for name in command.list_commands(ctx):
            yield from _all_commands(command.get_command(ctx, name))


def mentioned_commands() -> list[tuple[str, str]]:
    """(source, command line): every graphgov command in a code block or in inline code of the README
    and the docs, and every --help example."""
    found = [(name, line) for name, lines in SOURCES.items() for line in lines]
    for name, path in TEXTS.items():
        found += [(name, m) for m in re.findall(r"`(graphgov [^`]+)`", path.read_text(encoding="utf-8"))]
    return found


def test_every_option_of_an_example_is_one_its_help_shows():
    wrong = []
    for source, line in mentioned_commands():
        words = line.split()
        while words and words[0] != "graphgov":
            words.pop(0)  # VAR=value before the command
        command = _command_of(words[1:])
        shown = _shown_options(command)
        for word in words:
            option = re.match(r"--?[A-Za-z][\w-]*", word)
            if option and word.startswith("-") and option.group(0) not in shown:
                wrong.append(f"{source}: `{line}`: {option.group(0)} is not in `graphgov {command.name} --help`")
    assert wrong == []


def test_every_option_the_docs_name_is_one_some_help_shows():
    """Options named on their own in the text (`--as-of DATE` leaves out …) exist and are shown."""
    shown = set().union(*(_shown_options(c) for c in _all_commands()))
    wrong = []
    for source, path in TEXTS.items():
        for option in re.findall(r"`(--[a-z][\w-]*)", path.read_text(encoding="utf-8")):
            if option in shown or option in NOT_GRAPHGOV or (source == OLD_NAMES_PAGE and option in OLD_NAMES):
                continue
            wrong.append(f"{source}: {option}")
    assert wrong == []


def test_the_old_option_names_still_work_and_help_leaves_them_out(sample_store):
    """docs/trends.md: --on and --date are still accepted, and --help shows only --as-of."""
    sample_store.close()
    for name in ("match", "gaps", "dispatch", "report"):
        command = _command_of([name])
        assert "--as-of" in _shown_options(command) and not OLD_NAMES & _shown_options(command)
        assert OLD_NAMES <= {o for p in command.params for o in p.opts}
    runner = CliRunner()
    for old in OLD_NAMES:
        result = runner.invoke(cli, ["match", "N0017", old, "2025-12-31", "--top", "1", "--store",
                                     str(sample_store.path)])
        assert result.exit_code == 0 and "R0146" in result.output, result.output
