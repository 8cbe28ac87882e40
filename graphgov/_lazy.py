"""Lazy re-exports for the packages' ``__init__``: public names without importing every module.

A package lists which of its modules holds which public name; the module is imported the
first time one of its names is asked for, so ``graphgov --help`` and quick commands do not
pay for igraph, scipy or the map templates.
"""
from __future__ import annotations

import importlib
from typing import Callable, Mapping

__all__ = ["lazy_exports"]


def lazy_exports(package: str, exports: Mapping[str, tuple[str, ...]]) -> tuple[list[str], Callable[[str], object]]:
    """``(__all__, __getattr__)`` for a package whose ``exports`` map module → public names.

    Raises
    ------
    AttributeError
        From ``__getattr__`` for a name no module of the package exports.
    """
    where = {name: module for module, names in exports.items() for name in names}

    def __getattr__(name: str):
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f"{package}.{module}"), name)

    return sorted(where), __getattr__
