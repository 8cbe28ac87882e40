"""Which graphgov the tests import: the installed package when CI says so.

Run from the repository root, ``python -m pytest`` puts the source tree first on the path,
so a file missing from the wheel (a template, a bundled report) goes unnoticed. The README's
test command (``tests/run_all.sh``, run by CI) installs the package and runs the tests with
``GRAPHGOV_TEST_INSTALLED=1`` and ``PYTHONSAFEPATH=1``, so neither the test process nor the
Python processes the tests start put the checkout on the path. Then these tests prove the
suite ran against the installed copy, that the copy is this tree's code (not a stale install),
and that it carries what the code reads at run time: the map and report templates, the
bundled Cypher reports and the sample. The repository's own files the tests read (``data/``,
``docs/``, ``README.md``, ``tests/``) are still found through the tests' folder.
"""
from __future__ import annotations

import hashlib
import importlib.metadata
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import graphgov
from conftest import ROOT, TESTING_INSTALLED, python_env

installed_only = pytest.mark.skipif(not TESTING_INSTALLED,
                                    reason="set GRAPHGOV_TEST_INSTALLED=1 when the tests run against an installed graphgov")


def _digests(folder: Path, suffixes: tuple[str, ...]) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.suffix in suffixes and "__pycache__" not in p.parts}


def _differences(installed: dict[str, str], source: dict[str, str]) -> list[str]:
    return sorted(k for k in set(installed) | set(source) if installed.get(k) != source.get(k))


def _installed_package() -> Path:
    """The package folder of the first graphgov installed on the path (``pip install .`` leaves a
    ``graphgov.egg-info`` in the checkout too: that one does not count)."""
    for dist in importlib.metadata.distributions(name="graphgov"):
        package = Path(dist.locate_file("graphgov/__init__.py")).resolve().parent
        if ROOT not in package.parents and (package / "__init__.py").is_file():
            return package
    pytest.fail("graphgov is not installed: pip install . first", pytrace=False)


@installed_only
def test_graphgov_is_imported_from_the_installed_package():
    imported = Path(graphgov.__file__).resolve()
    assert ROOT not in imported.parents, f"graphgov was imported from the source tree: {imported}"
    assert imported.parent == _installed_package()


@installed_only
def test_every_graphgov_module_loaded_so_far_is_the_installed_one():
    """Modules imported by the tests before this one (the CLI, the stores, the analyses …)."""
    package = _installed_package()
    loaded = {name: Path(m.__file__).resolve() for name, m in list(sys.modules.items())
              if name.split(".")[0] == "graphgov" and getattr(m, "__file__", None)}
    assert len(loaded) > 1
    assert [name for name, path in loaded.items() if package not in path.parents] == []


@installed_only
def test_no_test_put_the_checkout_on_the_path():
    """Collecting the tests imports every test module (and the benchmark scripts some of them
    drive) first: none may have put the checkout on sys.path, where the rest of the run, and
    importlib.metadata (the checkout's graphgov.egg-info), would find it."""
    assert not {"", str(ROOT)} & {str(Path(p).resolve()) if p else "" for p in sys.path}


@installed_only
def test_python_started_by_the_tests_in_the_checkout_imports_the_installed_package():
    """The tests start Python (``-c``, ``-m graphgov``) with python_env(), often with the checkout as
    their working folder, which Python would otherwise put first on the path."""
    code = "import json, sys, graphgov; print(graphgov.__file__); print(json.dumps(sys.path))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=python_env(), capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    imported, path = out.stdout.splitlines()
    assert Path(imported).resolve().parent == _installed_package()
    assert not {"", str(ROOT)} & set(json.loads(path))


@installed_only
def test_the_installed_package_is_this_trees_code():
    suffixes = (".py", ".html", ".css", ".js")
    installed = _digests(_installed_package(), suffixes)
    source = _digests(ROOT / "graphgov", suffixes)
    assert _differences(installed, source) == []


@installed_only
def test_the_installed_package_carries_the_map_and_report_templates():
    from graphgov.views.map_render import APP_SCRIPTS, vis_network_js

    templates = _installed_package() / "views" / "templates"
    for name in ("map.html", "map.css", "report.html", *APP_SCRIPTS):
        assert (templates / name).stat().st_size > 0, name
    # vis-network comes with pyvis (a dependency), read from its installed package, never fetched
    assert "vis-network" in vis_network_js()[:2_000] and len(vis_network_js()) > 100_000


@installed_only
def test_the_bundled_reports_are_the_installed_copies_of_queries():
    from graphgov.queries.library import bundled_dir, load_reports

    folder = bundled_dir()
    assert ROOT not in folder.parents and folder.parts[-3:] == ("share", "graphgov", "queries")
    assert _differences(_digests(folder, (".cypher",)), _digests(ROOT / "queries", (".cypher",))) == []
    assert len(load_reports()) == len(list((ROOT / "queries").glob("*.cypher")))


@installed_only
def test_the_installed_data_is_found_with_another_graphgov_first_on_the_path(tmp_path, monkeypatch):
    """Another graphgov's metadata first on the path (what 'pip install .' leaves in a checkout:
    graphgov.egg-info, listing no share/ files) must not hide this installation's data files."""
    from graphgov.dataset.sample import installed_data_dir

    other = tmp_path / "graphgov.egg-info"
    other.mkdir()
    (other / "PKG-INFO").write_text("Metadata-Version: 2.1\nName: graphgov\nVersion: 0.0.1\n", encoding="utf-8")
    (other / "SOURCES.txt").write_text("graphgov/__init__.py\nqueries/unmet_needs.cypher\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert importlib.metadata.distribution("graphgov").version == "0.0.1"  # the other one comes first
    for name, probe in (("queries", ".cypher"), ("sample", "units.csv")):
        folder = installed_data_dir(name, probe)
        assert folder is not None and folder.parts[-3:] == ("share", "graphgov", name)


@installed_only
def test_the_sample_is_the_installed_copy_of_data_sample():
    from graphgov.dataset.sample import sample_dir

    folder = sample_dir()
    assert ROOT not in folder.parents and folder.parts[-3:] == ("share", "graphgov", "sample")
    installed = _digests(folder, (".csv", ".md"))
    assert _differences(installed, _digests(ROOT / "data" / "sample", (".csv", ".md"))) == []
    assert "units.csv" in installed and "README.md" in installed


def test_the_readme_test_command_runs_these_tests_on_the_installed_package():
    """Run from a checkout too: CI's command must keep these tests from skipping."""
    assert "bash tests/run_all.sh" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "bash tests/run_all.sh" in (ROOT / "README.md").read_text(encoding="utf-8")
    script = [line.strip() for line in (ROOT / "tests" / "run_all.sh").read_text(encoding="utf-8").splitlines()
              if line.strip() and not line.lstrip().startswith("#")]
    install = next(i for i, line in enumerate(script) if re.match(r'python3 -m pip install .*"\.\[test\]"$', line))
    exported = next(i for i, line in enumerate(script) if line.startswith("export ") and
                    {"GRAPHGOV_TEST_INSTALLED=1", "PYTHONSAFEPATH=1"} <= set(line.split()[1:]))
    pytest_run = next(i for i, line in enumerate(script) if line.startswith("python3 -m pytest"))
    assert install < exported < pytest_run
    assert not any("cd " in line for line in script[install:pytest_run])  # '$@' paths stay relative to the root
