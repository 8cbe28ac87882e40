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
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
