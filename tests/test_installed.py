"""Which graphgov the tests import: the installed package when CI says so.

Run from the repository root, ``python -m pytest`` puts the source tree first on the path,
so a file missing from the wheel (a template, a bundled report) goes unnoticed. CI installs
the package and runs the tests from a folder where the source tree is not importable, with
``GRAPHGOV_TEST_INSTALLED=1``; then this test proves the suite ran against the installed
copy, and that the copy is this tree's code (not a stale install).
"""
from __future__ import annotations

import hashlib
import importlib.metadata
import os
from pathlib import Path

import pytest

import graphgov

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(os.environ.get("GRAPHGOV_TEST_INSTALLED") != "1",
                                reason="set GRAPHGOV_TEST_INSTALLED=1 when the tests run against an installed graphgov")


def _digests(package: Path) -> dict[str, str]:
    return {str(p.relative_to(package)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(package.rglob("*")) if p.is_file() and p.suffix in (".py", ".html", ".css", ".js")}


def test_graphgov_is_imported_from_the_installed_package():
    imported = Path(graphgov.__file__).resolve()
    assert ROOT not in imported.parents, f"graphgov was imported from the source tree: {imported}"
    dist = importlib.metadata.distribution("graphgov")
    assert imported == Path(dist.locate_file("graphgov/__init__.py")).resolve()


def test_the_installed_package_is_this_trees_code():
    installed = _digests(Path(graphgov.__file__).resolve().parent)
    source = _digests(ROOT / "graphgov")
    assert installed == source, sorted(k for k in set(installed) | set(source) if installed.get(k) != source.get(k))
