"""What an installed graphgov carries and needs: the sample and reports inside, no test tools at run time."""
from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from conftest import python_env
ROOT = Path(__file__).resolve().parent.parent


def _setup_cfg() -> configparser.ConfigParser:
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg", encoding="utf-8")
    return cfg


def _names(text: str) -> list[str]:
    return [line.split(">")[0].split("=")[0].split("<")[0].strip() for line in text.splitlines() if line.strip()]


def test_pytest_is_a_test_extra_not_a_runtime_dependency():
    cfg = _setup_cfg()
    assert "pytest" not in _names(cfg["options"]["install_requires"])
    assert "pytest" in _names(cfg["options.extras_require"]["test"])


def test_pyvis_stays_and_the_maps_doc_says_why():
    assert "pyvis" in _names(_setup_cfg()["options"]["install_requires"])
    doc = (ROOT / "docs" / "maps.md").read_text(encoding="utf-8")
    assert "## Why graphgov depends on pyvis" in doc and "notebook" in doc


def test_the_analyses_never_import_pyvis(sample_store):
    """docs/maps.md promises that only the map code reads pyvis (and its IPython)."""
    code = ("import sys\nfrom click.testing import CliRunner\nfrom graphgov.cli import cli\n"
            f"store = {str(sample_store.path)!r}\n"
            "for args in (['info'], ['central', '--top', '3'], ['gaps', '--as-of', '2025-12-31', '--top', '3'],\n"
            "             ['match', 'N0012', '--on', '2025-12-31'], ['query', 'run', 'unmet_needs']):\n"
            "    assert CliRunner().invoke(cli, args + ['--store', store]).exit_code == 0, args\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pyvis', 'IPython', 'jedi')))\n")
    sample_store.close()
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=python_env(), capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_the_sample_is_installed_with_the_package():
    files = _setup_cfg()["options.data_files"]["share/graphgov/sample"]
    assert "data/sample/*.csv" in files


@pytest.mark.slow
def test_demo_runs_from_an_installed_package_outside_the_checkout(tmp_path):
    """pip install the checkout into a fresh environment, then run 'graphgov demo' far from the checkout."""
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(system_site_packages=True, with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "GRAPHGOV_STORE")}
    # a copy of the source, so the build writes nothing into the checkout
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(".git", "node_modules", "tests", "benchmarks",
                                                                 "build", "*.egg-info", "*.lbdb*", "__pycache__"))
    # the dependencies come from the system; only graphgov itself goes into the environment
    install = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--ignore-installed",
                              str(source)], cwd=tmp_path, env=clean, capture_output=True, text=True, timeout=600)
    assert install.returncode == 0, install.stderr
    work = tmp_path / "elsewhere"
    work.mkdir()
    where = subprocess.run([str(python), "-c", "import graphgov; print(graphgov.__file__)"], cwd=work, env=clean,
                           capture_output=True, text=True, timeout=60)
    assert str(env_dir) in where.stdout, where.stdout + where.stderr  # the installed copy, not the checkout
    demo = subprocess.run([str(env_dir / "bin" / "graphgov"), "demo"], cwd=work, env=clean, capture_output=True,
                          text=True, timeout=600)
    assert demo.returncode == 0, demo.stderr
    assert "share/graphgov/sample" in demo.stdout  # checked and loaded from the installed copy
    for name in ("sample_map.html", "sample_report.html"):
        assert (work / "graphgov-demo" / name).stat().st_size > 10_000
    assert (work / "graphgov.lbdb").exists()
    assert "报告日期 2025-12-31" in (work / "graphgov-demo" / "sample_report.html").read_text(encoding="utf-8")
