"""The ``graphgov`` command.

Subcommands live in modules of this package by concern and are imported only when
used, so ``graphgov --help`` and quick commands start fast.
"""
from __future__ import annotations

import importlib

import click

from graphgov import __version__

# name -> "module:attribute" of a click command
COMMANDS: dict[str, str] = {
    "match": "graphgov.cli.matching:match",
    "dispatch": "graphgov.cli.matching:dispatch_command",
    "accept": "graphgov.cli.matching:accept",
    "decline": "graphgov.cli.matching:decline",
    "fulfil": "graphgov.cli.matching:fulfil",
    "withdraw": "graphgov.cli.matching:withdraw",
    "close": "graphgov.cli.matching:close",
    "reopen": "graphgov.cli.matching:reopen",
    "history": "graphgov.cli.matching:history",
    "map": "graphgov.cli.visual:map_command",
    "report": "graphgov.cli.visual:report",
    "demo": "graphgov.cli.visual:demo",
    "check": "graphgov.cli.data:check",
    "load": "graphgov.cli.data:load",
    "info": "graphgov.cli.data:info",
    "export": "graphgov.cli.data:export",
    "schema": "graphgov.cli.data:schema",
    "query": "graphgov.cli.query:query",
    "generate": "graphgov.cli.generate:generate",
    "central": "graphgov.cli.analysis:central",
    "gaps": "graphgov.cli.analysis:gaps",
    "doctor": "graphgov.cli.doctor:doctor",
    "trends": "graphgov.cli.time:trends",
    "compare": "graphgov.cli.time:compare",
}


# how 'graphgov --help' groups the commands, in the order a new user meets them (as the README does)
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Data (数据)", ("check", "load", "info", "doctor", "export", "schema", "generate")),
    ("Analysis (分析)", ("central", "gaps", "trends", "compare")),
    ("Matching and the dispatch loop (匹配与点单-派单-接单)",
     ("match", "dispatch", "accept", "decline", "fulfil", "withdraw", "close", "reopen", "history")),
    ("Maps and reports (网络图与报告)", ("map", "report", "demo")),
    ("Cypher reports (查询报表)", ("query",)),
)


class LazyGroup(click.Group):
    """Commands imported when used, listed in sections."""

    def list_commands(self, ctx):
        return [name for _, names in SECTIONS for name in names]

    def format_commands(self, ctx, formatter):
        wide = max(len(name) for name in COMMANDS)  # one column width for every section
        limit = formatter.width - 6 - wide
        for title, names in SECTIONS:
            rows = [(name.ljust(wide), self.get_command(ctx, name).get_short_help_str(limit)) for name in names]
            with formatter.section(title):
                formatter.write_dl(rows)

    def get_command(self, ctx, name):
        target = COMMANDS.get(name)
        if target is None:
            return None
        module, _, attr = target.partition(":")
        return getattr(importlib.import_module(module), attr)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="graphgov")
def cli():
    """graphgov: party-building coordination committees (党建工作协调委员会) as a graph.

    Load a committee's member roster and three lists (需求/资源/项目清单) into an
    embedded graph store, then find central actors and gaps, match needs to
    resources, and draw offline maps and reports.

    \b
    Example:
      graphgov check data/sample
      graphgov load data/sample
      graphgov info
    """


def main():
    cli(prog_name="graphgov")
