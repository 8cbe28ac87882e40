"""'graphgov --help': the commands in sections, every command once, loaded lazily."""
from __future__ import annotations

import re
import subprocess
import sys

from click.testing import CliRunner

from conftest import ROOT, python_env
from graphgov.cli import COMMANDS, SECTIONS, cli

HEADINGS = ["Data (数据)", "Analysis (分析)", "Matching and the dispatch loop (匹配与点单-派单-接单)",
            "Maps and reports (网络图与报告)", "Cypher reports (查询报表)"]


def test_help_lists_the_commands_in_sections():
    result = CliRunner().invoke(cli, ["--help"], terminal_width=100)
    assert result.exit_code == 0
    text = result.output
    assert "Commands:" not in text  # no alphabetical list of them all
    at = [text.index(f"\n{h}:\n") for h in HEADINGS]
    assert at == sorted(at)
    sections = re.split(r"\n(?=[A-Z][^\n]*:\n)", text[at[0] + 1:])
    listed = {h: re.findall(r"^  (\S+) ", s, flags=re.M) for h, s in zip(HEADINGS, sections)}
    assert listed["Analysis (分析)"] == ["central", "gaps", "trends", "compare"]
    assert listed["Data (数据)"][:3] == ["check", "load", "info"]
    everything = [name for names in listed.values() for name in names]
    assert sorted(everything) == sorted(COMMANDS) and len(everything) == len(COMMANDS)


def test_every_command_is_in_one_section():
    names = [name for _, names in SECTIONS for name in names]
    assert sorted(names) == sorted(COMMANDS) and len(set(names)) == len(names)


def test_help_does_not_load_the_heavy_libraries():
    code = ("import sys\nfrom graphgov.cli import cli\ntry:\n    cli(['--help'])\nexcept SystemExit:\n    pass\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'igraph', 'scipy', 'ortools', 'pyvis', "
            "'ladybug', 'networkx', 'openpyxl', 'neo4j'}))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=python_env(), capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"
