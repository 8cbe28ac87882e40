"""Hierarchies by ``parent_id`` (areas, committees, party organizations): circles found in linear time.

Each row names at most one parent, so a hierarchy is a set of chains; a circle is a chain
that comes back to itself. :func:`find_cycles` walks every chain once, marking what it has
seen (an iterative colouring), so a chain of 20,000 areas costs 20,000 steps, not 20,000²,
and each circle is found once, however many rows hang below it. :func:`roots` gives each
node the top of its chain the same way (used to tell whether two areas share an ancestor).
"""
from __future__ import annotations

from typing import Hashable, Mapping

__all__ = ["HIERARCHIES", "find_cycles", "roots", "cycle_message"]

# the tables whose parent_id points into the same table
HIERARCHIES = ("areas", "committees", "party_orgs")


def find_cycles(parent: Mapping[Hashable, Hashable | None]) -> list[list]:
    """Every circle in ``parent`` (node → its parent, or None), each once, in order of discovery.

    A circle is listed from the node where a walk first met it, following parents.

    >>> find_cycles({"a": "b", "b": "c", "c": "a", "d": "a", "e": "e", "f": None})
    [['a', 'b', 'c'], ['e']]
    """
    done: set = set()
    cycles: list[list] = []
    for start in parent:
        if start in done:
            continue
        path: list = []
        at: dict = {}  # node → its position on the current walk
        node = start
        while node is not None and node not in done and node not in at:
            at[node] = len(path)
            path.append(node)
            node = parent.get(node)
        if node is not None and node in at:  # the walk came back to itself
            cycles.append(path[at[node]:])
        done.update(path)
    return cycles


def roots(parent: Mapping[Hashable, Hashable | None]) -> dict:
    """Each node's topmost ancestor (itself when it has no parent); nodes on a circle get the circle's first node.

    >>> roots({"a": None, "b": "a", "c": "b", "x": "y", "y": "x"})
    {'a': 'a', 'b': 'a', 'c': 'a', 'x': 'x', 'y': 'x'}
    """
    top: dict = {}
    for start in parent:
        if start in top:
            continue
        path: list = []
        on_path: set = set()
        node = start
        while node not in top and node not in on_path:
            path.append(node)
            on_path.add(node)
            up = parent.get(node)
            if up is None:
                break
            node = up
        if node in top:
            found = top[node]
        else:  # the chain's top, or the node where it closes into a circle
            found = node
        for n in path:
            top[n] = found
    return top


def cycle_message(cycle: list) -> tuple[str, str]:
    """The message and the fix for one circle."""
    if len(cycle) == 1:
        return f"{cycle[0]!r} is its own parent", "clear parent_id or set the real parent"
    shown = cycle if len(cycle) <= 12 else cycle[:5] + ["…"] + cycle[-5:]
    return ("the parent_id chain goes round in a circle: " + " → ".join(map(str, shown + [cycle[0]]))
            + (f" ({len(cycle)} rows)" if len(cycle) > 12 else ""),
            "break the circle: one of them must have another parent or none")
