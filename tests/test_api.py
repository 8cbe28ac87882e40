"""The notebook API: `import graphgov` stays light, the example script runs, and its answers equal the CLI's."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from conftest import ROOT, python_env
import graphgov
from graphgov.cli import cli
from graphgov.errors import NotFoundError, OptionError

DAY = "2025-12-31"
SCRIPT = ROOT / "docs" / "examples" / "api_tour.py"


def test_import_graphgov_is_light_and_lists_the_api():
    code = ("import sys, graphgov\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'pandas', 'numpy', 'igraph', 'click', 'scipy'}))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=python_env(), capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
    assert set(graphgov.__all__) == {"__version__", "open_store", "load", "network", "central", "gaps", "match",
                                     "assign", "report", "write_map"}


def test_every_function_is_documented():
    doc = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    for name in graphgov.__all__:
        if name != "__version__":
            assert f"`graphgov.{name}(" in doc, name
            assert getattr(graphgov, name).__doc__, name


@pytest.fixture(scope="module")
def tour(tmp_path_factory):
    """The example script, run as a user runs it, in a folder of its own."""
    here = tmp_path_factory.mktemp("tour")
    env = python_env()
    env.pop("GRAPHGOV_STORE", None)
    out = subprocess.run([sys.executable, str(SCRIPT), "tour.lbdb", "answers"], cwd=here, env=env,
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    return here


def cli_json(*args) -> list[dict]:
    result = CliRunner().invoke(cli, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("name, args", [
    ("central", ["central"]),
    ("gaps", ["gaps", "--as-of", DAY]),
    ("match_N0012", ["match", "N0012", "--on", DAY]),
    ("assign", ["match", "--all", "--assign", "--on", DAY]),
    ("unmatched", ["match", "--all", "--assign", "--unmatched", "--on", DAY]),
    ("committee_roster_C07", ["query", "run", "committee_roster", "--param", "committee=C07"]),
])
def test_the_example_script_answers_as_the_cli(tour, name, args):
    saved = json.loads((tour / "answers" / f"{name}.json").read_text(encoding="utf-8"))
    assert saved and saved == cli_json(*args, "--store", str(tour / "tour.lbdb"))


def test_the_example_script_writes_the_network_and_a_map(tour):
    edges = json.loads((tour / "answers" / "network.json").read_text(encoding="utf-8"))
    assert {"source", "target", "source_name", "target_name", "weight", "hub"} <= set(edges[0])
    assert any(e["source"] == "Unit:U009" or e["target"] == "Unit:U009" for e in edges)
    page = (tour / "answers" / "map.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "朝阳站地区党建工作协调委员会" in page


def test_a_store_may_be_given_by_its_location(sample_store):
    path = str(sample_store.path)
    sample_store.close()
    by_path = graphgov.match(path, "N0012", on=DAY, top=3)
    with graphgov.open_store(path) as store:
        by_store = graphgov.match(store, "N0012", on=DAY, top=3)
    assert list(by_path["resource_id"]) == list(by_store["resource_id"]) == ["R0004", "R0198", "R0189"]
    assert graphgov.match(path, "N0012", on=DAY, top=1, lang="en")["reasons"][0][0] == "same category: volunteering"


def test_errors_are_graphgov_errors(sample_store):
    path = str(sample_store.path)
    sample_store.close()
    with pytest.raises(NotFoundError, match="did you mean N0012"):
        graphgov.match(path, "n12")
    with pytest.raises(OptionError, match="not a date"):
        graphgov.gaps(path, as_of="31.12.2025")
    with pytest.raises(OptionError, match="no report named"):
        graphgov.report(path, "nosuch")
