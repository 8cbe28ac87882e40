"""The package's layout as docs/architecture.md describes it: folders by step of the data flow, no
module that imports another which imports it back, modules of about 500 lines at most, each saying
what it is for."""
from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "graphgov"
MOST_LINES = 530  # "about 500"; the few above 500 are the schema's tables and the reader's formats


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def _imports(path: Path) -> set[str]:
    """The graphgov modules ``path`` imports, anywhere in it (a function's own imports too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("graphgov"):
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("graphgov"))
    return found


def test_no_two_modules_import_each_other():
    mods = _modules()
    deps = {name: _imports(path) & set(mods) for name, path in mods.items()}
    both = sorted((a, b) for a in deps for b in deps[a] if a < b and a in deps.get(b, ()))
    assert both == []


def test_the_packages_are_the_steps_of_the_data_flow():
    packages = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file())
    assert packages == ["analysis", "cli", "dataset", "matching", "queries", "results", "store", "views"]
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert all(f"**`{p}/`**" in text for p in packages if p != "cli") and "`cli/`" in text


def test_every_module_is_short_and_says_what_it_is_for():
    long, silent = [], []
    for name, path in _modules().items():
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > MOST_LINES:
            long.append(f"{name}: {text.count(chr(10))} lines")
        doc = ast.get_docstring(ast.parse(text))
        if not doc or not doc.strip():
            silent.append(name)
    assert long == [] and silent == []
