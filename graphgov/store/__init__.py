"""Graph stores behind one interface: the embedded LadybugDB store (default) and Neo4j.

One value chooses the store: a path (``./graphgov.lbdb``) for LadybugDB, or a server
address (``neo4j://host:7687``, ``bolt+s://…``) for Neo4j. Everything above this package
uses :class:`~graphgov.store.base.Store` only, so every command runs on either store.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

from graphgov.store.base import LoadResult, Store
from graphgov.store.ladybug_store import LadybugStore

__all__ = ["open_store", "Store", "LadybugStore", "LoadResult", "DEFAULT_STORE", "STORE_ENV", "store_path",
           "is_server"]

DEFAULT_STORE = "graphgov.lbdb"
STORE_ENV = "GRAPHGOV_STORE"


def store_path(path: str | os.PathLike | None = None) -> Path:
    """The embedded store's path: the argument, else $GRAPHGOV_STORE, else ./graphgov.lbdb."""
    return Path(path or os.environ.get(STORE_ENV) or DEFAULT_STORE)


def is_server(spec: str | os.PathLike | None) -> bool:
    """Whether a store value names a Neo4j server rather than a file."""
    from graphgov.store.neo4j_store import is_neo4j_uri

    return is_neo4j_uri(spec)


def open_store(spec: str | os.PathLike | None = None, read_only: bool = True,
               ask_password: Callable[[], str] | None = None, warn: Callable[[str], None] | None = None) -> Store:
    """Open the store named by ``spec``: a Neo4j address, else a LadybugDB path (see :func:`store_path`).

    For Neo4j the user, password and database come from ``NEO4J_USERNAME``,
    ``NEO4J_PASSWORD`` (or ``ask_password()``) and ``NEO4J_DATABASE``; ``warn`` receives
    the server's notifications on reports. Raises OptionError without a password.
    """
    spec = spec if spec is not None else os.environ.get(STORE_ENV)
    if is_server(spec):
        from graphgov.store.neo4j_store import Neo4jSettings, Neo4jStore

        return Neo4jStore(Neo4jSettings.from_env(uri=str(spec), ask_password=ask_password), warn=warn)
    return LadybugStore(store_path(spec), read_only=read_only)
