"""Graph stores: the embedded LadybugDB store (default) and Neo4j.

Both answer ``query(cypher, params) -> DataFrame`` and ``read_tables()``, so analyses
and Cypher reports run unchanged on either.
"""
from __future__ import annotations

import os
from pathlib import Path

from graphgov.store.ladybug_store import LadybugStore, LoadResult

__all__ = ["open_store", "LadybugStore", "LoadResult", "DEFAULT_STORE", "STORE_ENV", "store_path"]

DEFAULT_STORE = "graphgov.lbdb"
STORE_ENV = "GRAPHGOV_STORE"


def store_path(path: str | os.PathLike | None = None) -> Path:
    """The store's path: the argument, else $GRAPHGOV_STORE, else ./graphgov.lbdb."""
    return Path(path or os.environ.get(STORE_ENV) or DEFAULT_STORE)


def open_store(path: str | os.PathLike | None = None, read_only: bool = True) -> LadybugStore:
    """Open the embedded store at ``path`` (see :func:`store_path`)."""
    return LadybugStore(store_path(path), read_only=read_only)
