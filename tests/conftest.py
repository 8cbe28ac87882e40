"""Shared test helpers: small datasets written as real CSV files, loaded into a real store."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import settings

# In CI the property and fuzz tests replay the same examples every run, so a landing is never
# decided by a lucky draw; on a developer's machine they keep exploring new ones.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

from graphgov.dataset import schema
from graphgov.dataset.checks import read_and_check
from graphgov.store import open_store

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
# tests/run_all.sh sets it after 'pip install .': the suite then tests the installed package
TESTING_INSTALLED = os.environ.get("GRAPHGOV_TEST_INSTALLED") == "1"


def python_env(**extra: str) -> dict[str, str]:
    """The environment for a Python subprocess that imports graphgov: the copy this run tests.

    From a checkout that is the source tree, put first on ``PYTHONPATH``. When the tests run
    against the installed package (``GRAPHGOV_TEST_INSTALLED=1``) the tree is kept off the path:
    ``PYTHONSAFEPATH=1`` stops ``python -c`` and ``python -m`` from putting their working folder
    (often the checkout) first, so the child imports what the test process imports.
    """
    env = {**os.environ, **extra}
    if TESTING_INSTALLED:
        env["PYTHONSAFEPATH"] = "1"
        kept = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p and Path(p).resolve() != ROOT]
        if kept:
            env["PYTHONPATH"] = os.pathsep.join(kept)
        else:
            env.pop("PYTHONPATH", None)
    else:
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
    return env


def shared_scope(fixture_name: str, config) -> str:
    """The scope of a fixture whose result several tests check: "module", but "function" in a
    mutation run (benchmarks/mutation.py sets GRAPHGOV_MUTATION). mutmut credits a call to the test
    whose setup made it and runs only those tests for a mutant, so a result computed once and checked
    by later tests would hide every kill of those later tests."""
    return "function" if os.environ.get("GRAPHGOV_MUTATION") else "module"


def write_dataset(folder: Path, tables: dict[str, list[dict]], encoding: str = "utf-8") -> Path:
    """Write ``tables`` (table name -> list of row dicts) as CSV files in ``folder``.

    Every table of the schema gets a file (empty tables get just their required
    headers), so the result is a complete dataset.
    """
    folder.mkdir(parents=True, exist_ok=True)
    for t in schema.TABLES:
        rows = tables.get(t.name, [])
        cols = list(t.required_columns) or list(t.column_names)  # a table with no required column (meta)
        for r in rows:
            for c in r:
                if c not in cols:
                    cols.append(c)
        df = pd.DataFrame(rows, columns=cols)
        df.to_csv(folder / f"{t.name}.csv", index=False, encoding=encoding)
    return folder


def load_tables(tmp_path: Path, tables: dict[str, list[dict]], name: str = "g"):
    """Write, check and load ``tables``; return the opened (read-only) store."""
    folder = write_dataset(tmp_path / f"{name}-data", tables)
    store = open_store(tmp_path / f"{name}.lbdb")
    store.load(read_and_check(folder))
    return store


@pytest.fixture
def make_store(tmp_path):
    """A factory: ``make_store({"units": [...], ...})`` → loaded LadybugStore."""
    opened = []

    def make(tables, name="g"):
        store = load_tables(tmp_path, tables, name)
        opened.append(store)
        return store

    yield make
    for s in opened:
        s.close()


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory):
    """The bundled sample dataset loaded once per test session (read-only use)."""
    path = tmp_path_factory.mktemp("sample") / "sample.lbdb"
    store = open_store(path)
    store.load(read_and_check(SAMPLE))
    yield store
    store.close()


@pytest.fixture
def sample_store_copy(sample_store, tmp_path):
    """A writable copy of the loaded sample store: its path, for commands that record steps."""
    sample_store.close()  # the copy must not catch a half-written file
    path = tmp_path / "sample-copy.lbdb"
    shutil.copyfile(sample_store.path, path)
    return path


# -- a real Neo4j 5 server with Graph Data Science, on loopback ---------------------------------

@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory):
    """A Neo4j 5.26 + GDS server for the session: built from Maven Central and started here
    (tests/neo4j/), or the server named by GRAPHGOV_TEST_NEO4J_URI (with NEO4J_USERNAME and
    NEO4J_PASSWORD) — a scratch database, since the tests empty it. It never skips: a missing
    Java or Maven fails the tests that need it, naming what failed."""
    import sys

    uri = os.environ.get("GRAPHGOV_TEST_NEO4J_URI")
    if uri:
        yield _ExternalServer(uri, os.environ.get("NEO4J_USERNAME", "neo4j"), os.environ["NEO4J_PASSWORD"])
        return
    sys.path.insert(0, str(ROOT / "tests" / "neo4j"))
    import server

    try:
        srv = server.start(tmp_path_factory.mktemp("neo4j"))
    except RuntimeError as err:
        pytest.fail(f"the Neo4j test server could not be started: {err}", pytrace=False)
    yield srv
    srv.stop()


class _ExternalServer:
    """A server the user runs; it cannot be killed or restarted by the tests."""

    def __init__(self, uri, user, password):
        self.uri, self.user, self.password = uri, user, password

    def env(self):
        return {"NEO4J_URI": self.uri, "NEO4J_USERNAME": self.user, "NEO4J_PASSWORD": self.password}
