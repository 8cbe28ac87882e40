"""Neo4j connection for the CLI: --neo4j URI or Neo4j's own environment variables."""
from __future__ import annotations

import sys

import click

from graphgov.cli.common import Progress, echo_err, print_warnings


def neo4j_settings(uri: str | None):
    """Settings from --neo4j/NEO4J_*; the password from NEO4J_PASSWORD or a hidden prompt."""
    from graphgov.store.neo4j_store import Neo4jSettings

    ask = None
    if sys.stdin is not None and sys.stdin.isatty():
        def ask():
            return click.prompt("Neo4j password", hide_input=True, err=True)
    return Neo4jSettings.from_env(uri=uri, ask_password=ask)


def open_neo4j(uri: str | None):
    from graphgov.store.neo4j_store import Neo4jStore

    return Neo4jStore(neo4j_settings(uri))


def load_neo4j(dataset: str, uri: str, partial: bool, strict: bool = False) -> None:
    """``graphgov load DATASET --neo4j URI``: check, then load in batches with a progress bar."""
    from graphgov.dataset.checks import read_and_check

    store = open_neo4j(uri or None)
    with store:
        known = None
        if partial:
            known = {t: set(df["id"]) for t, df in store.read_tables(include_internal=False).items() if "id" in df}
        ds = read_and_check(dataset, known_ids=known, partial=partial, strict=strict)
        print_warnings(ds.warnings)
        bar = Progress("loading into Neo4j")
        try:
            sent = store.load(ds, progress=bar)
        finally:
            bar.close()
    echo_err(f"loaded {dataset} into Neo4j at {store.settings.uri}: " + ", ".join(f"{n} {c}" for n, c in sent.items()))
