"""Lint Cypher with Neo4j's own Cypher front end, for the tests.

No Neo4j server runs here, so every Cypher string graphgov sends to Neo4j is checked by
the npm package ``@neo4j-cypher/language-support`` (the parser and semantic analysis of
Neo4j's editors) under Node.js: ``tests/cypherlint/lint.js`` lints many queries in one
Node process against a schema built from :mod:`graphgov.dataset.schema`. Loading the package
takes Node seconds, so one Node process (``lint.js --serve``) answers every linter of a test
run, whatever its schema, and is stopped when the run ends.

Install once (CI does the same)::

    npm ci --prefix tests/cypherlint

Use in a test::

    from cypherlint import cypher_linter  # noqa: F401  (the fixture)

    def test_x(cypher_linter):
        found = cypher_linter.lint([("q", "MATCH (u:Unit) RETURN u.id", {})])
        assert found["q"] == []

What counts as a problem: every diagnostic, errors (syntax, undefined variable, unknown
function or procedure, undeclared parameter) and warnings alike; the linter only *warns*
about a label, relationship type or property key missing from the schema, or a pattern
the schema does not allow (``(:Need)-[:RAISES]->(:Unit)``), and for graphgov those are
mistakes too.
"""
from __future__ import annotations

import atexit
import json
import shutil
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

from graphgov.dataset import schema as gs

__all__ = [
    "LINTER_DIR",
    "INSTALL_HINT",
    "GDS_PROCEDURES",
    "GDS_FUNCTIONS",
    "Diagnostic",
    "CypherLinter",
    "LinterMissing",
    "linter_schema",
    "cypher_linter",
]

LINTER_DIR = Path(__file__).resolve().parent / "cypherlint"
PACKAGE = "@neo4j-cypher/language-support"
INSTALL_HINT = (
    "Neo4j's Cypher linter is not installed: install Node.js (Debian: apt-get install nodejs npm) "
    "and run `npm ci --prefix tests/cypherlint` from the repository root"
)

# The Graph Data Science procedures and functions graphgov calls on Neo4j (graphgov.analysis.gds). Any
# other function outside Neo4j's built-in ones is an unknown function to the linter.
from graphgov.analysis.gds import GDS_FUNCTIONS, GDS_PROCEDURES  # noqa: E402


class LinterMissing(RuntimeError):
    """Node.js or the npm package is not installed."""


@dataclass(frozen=True)
class Diagnostic:
    level: str  # "error" | "warning" | "info"
    message: str
    line: int  # 1-based, within the linted text
    column: int

    def __str__(self) -> str:
        return f"{self.line}:{self.column}: {self.level}: {self.message}"


def linter_schema(procedures=GDS_PROCEDURES, functions=GDS_FUNCTIONS) -> dict:
    """The linter's view of graphgov's graph: labels, relationship types, property keys,
    which relationship joins which labels, and the procedures/functions we call."""
    labels = [t.label for t in gs.node_tables()]
    rel_types = list(dict.fromkeys(r.type for r in gs.RELATIONS))
    keys = list(dict.fromkeys(c.name for t in gs.ALL_TABLES for c in (*t.columns, *t.computed_columns)))
    graph = [
        {"from": a, "to": b, "relType": rel}
        for rel, pairs in gs.relation_endpoints().items()
        for a, b in pairs
    ]
    return {
        "labels": labels,
        "relationshipTypes": rel_types,
        "propertyKeys": keys,
        "graphSchema": graph,
        "procedures": list(procedures),
        "functions": list(functions),
    }


def _check_installed(directory: Path) -> str:
    node = shutil.which("node")
    if node is None:
        raise LinterMissing(f"`node` is not on PATH. {INSTALL_HINT}")
    if not (directory / "node_modules" / PACKAGE / "package.json").is_file():
        raise LinterMissing(f"{PACKAGE} is missing from {directory / 'node_modules'}. {INSTALL_HINT}")
    return node


class _Server:
    """One ``node lint.js --serve`` process: a request per line in, an answer per line out."""

    _running: dict[Path, "_Server"] = {}
    _guard = threading.Lock()

    def __init__(self, node: str, directory: Path):
        self.proc = subprocess.Popen([node, str(directory / "lint.js"), "--serve"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=directory)
        self.lock = threading.Lock()

    @classmethod
    def shared(cls, node: str, directory: Path) -> "_Server":
        with cls._guard:
            server = cls._running.get(directory)
            if server is None or server.proc.poll() is not None:
                server = cls._running[directory] = cls(node, directory)
            return server

    def ask(self, request: dict) -> dict:
        with self.lock:
            self.proc.stdin.write(json.dumps(request, default=str) + "\n")
            self.proc.stdin.flush()
            line = self.proc.stdout.readline()
        if not line:
            self.proc.wait()
            raise RuntimeError(f"lint.js failed (exit {self.proc.returncode}):\n{self.proc.stderr.read()}")
        return json.loads(line)

    @classmethod
    def stop_all(cls) -> None:
        for server in cls._running.values():
            if server.proc.poll() is None:
                server.proc.stdin.close()
                try:
                    server.proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    server.proc.kill()
        cls._running.clear()


atexit.register(_Server.stop_all)


class CypherLinter:
    """Lints with ``lint.js`` in the one Node process shared by every linter of the run."""

    def __init__(self, schema: dict | None = None, directory: Path = LINTER_DIR):
        self.directory = directory
        self.node = _check_installed(directory)
        self.schema = linter_schema() if schema is None else schema
        self.version = None

    def lint(self, queries) -> dict[str, list[Diagnostic]]:
        """Lint ``(name, text, parameters)`` triples; return each name's diagnostics.

        ``parameters`` maps each ``$name`` the text may use to an example value: a
        parameter not given is reported as an error.
        """
        queries = list(queries)
        request = {
            "schema": self.schema,
            "queries": [{"name": n, "text": t, "parameters": p or {}} for n, t, p in queries],
        }
        answer = _Server.shared(self.node, self.directory).ask(request)
        self.version = answer["linter"]
        if answer["unknown"]:
            raise ValueError(f"procedures/functions unknown to Neo4j 5 with GDS: {answer['unknown']}")
        return {
            r["name"]: [Diagnostic(d["level"], d["message"], d["line"], d["column"]) for d in r["diagnostics"]]
            for r in answer["results"]
        }

    def check(self, queries) -> dict[str, list[Diagnostic]]:
        """Like :meth:`lint`, keeping only the queries that have diagnostics."""
        return {name: diags for name, diags in self.lint(queries).items() if diags}


@pytest.fixture(scope="session")
def cypher_linter() -> CypherLinter:
    """The linter with graphgov's schema. Fails (never skips) when it is not installed."""
    try:
        return CypherLinter()
    except LinterMissing as err:
        pytest.fail(str(err), pytrace=False)
