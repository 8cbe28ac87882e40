"""Group-in-a-box layout: each group of units gets its own rectangle, groups of one parent sit together.

A planner reads a coordination map by its blocks: the members of one committee (or one
street) should sit together, and committees under one parent next to each other. The
layout here is a nested squarified treemap (Bruls, Huizing & van Wijk 2000) over the group
hierarchy (committees by REPORTS_TO, areas by PART_OF), one box per group sized by its
node count, then a force-directed layout of each group's own nodes inside its box
(the "group-in-a-box" meta-layout of Rodrigues et al. 2011). Ties between groups are
then drawn across boxes, which is what shows the bridges between blocks.

Everything is seeded: the same groups and ties give the same picture.
"""
from __future__ import annotations

import math
import random

import igraph as ig
import numpy as np

__all__ = ["CELL", "HEADER", "squarify", "group_boxes", "layout_in_box", "boxed_layout"]

CELL = 100.0  # canvas pixels of box area per node, as a square's side
HEADER = 34.0  # room for the group's name at the top of its box
PAD = 18.0  # gap between boxes

Rect = tuple[float, float, float, float]  # x0, y0, x1, y1


def squarify(weights: list[float], rect: Rect) -> list[Rect]:
    """Rectangles tiling ``rect`` with areas proportional to ``weights`` (in the given order).

    >>> [tuple(round(v) for v in r) for r in squarify([2, 1, 1], (0, 0, 4, 2))]
    [(0, 0, 2, 2), (2, 0, 4, 1), (2, 1, 4, 2)]
    """
    x0, y0, x1, y1 = rect
    total = float(sum(weights))
    if not weights:
        return []
    if total <= 0:
        weights, total = [1.0] * len(weights), float(len(weights))
    scale = (x1 - x0) * (y1 - y0) / total
    areas = [w * scale for w in weights]
    out: list[Rect] = []
    i = 0
    while i < len(areas):
        w, h = x1 - x0, y1 - y0
        side = min(w, h)
        row = [areas[i]]
        j = i + 1
        while j < len(areas) and _worst(row + [areas[j]], side) <= _worst(row, side):
            row.append(areas[j])
            j += 1
        s = sum(row)
        if w >= h:  # the row is a column on the left
            cw = s / h if h > 0 else 0.0
            y = y0
            for a in row:
                rh = a / cw if cw > 0 else 0.0
                out.append((x0, y, x0 + cw, y + rh))
                y += rh
            x0 += cw
        else:  # a row along the top
            rh = s / w if w > 0 else 0.0
            x = x0
            for a in row:
                cw = a / rh if rh > 0 else 0.0
                out.append((x, y0, x + cw, y0 + rh))
                x += cw
            y0 += rh
        i = j
    return out


def _worst(row: list[float], side: float) -> float:
    s = sum(row)
    if s <= 0 or side <= 0:
        return math.inf
    return max(max(side * side * r / (s * s), s * s / (side * side * r)) for r in row)


def _weight(n: int, room: float | None = None) -> float:
    """Box area for a group of ``n`` nodes needing ``room`` (their own squares) together, plus a
    header row, never less than a box of 2.6 cells a side (a small group beside a large one is not
    squeezed into a strip); a group of none (a district above its streets) takes no room."""
    if not n:
        return 0.0
    need = room if room is not None else n * CELL * CELL
    return max(need * 1.15 + HEADER * CELL * 2, (2.6 * CELL) ** 2) + (2 * PAD) ** 2


def group_boxes(sizes: dict[str, int], parent: dict[str, str | None], aspect: float = 1.4,
                room: dict[str, float] | None = None) -> dict[str, Rect]:
    """One box per group, groups nested by ``parent`` so that siblings are adjacent.

    ``sizes``: nodes per group (a group may also have child groups); ``parent``: the
    group's parent group, or None; ``room``: the area a group's nodes need (default a
    :data:`CELL` square each). Returns group → (x0, y0, x1, y1) in canvas pixels,
    centred on (0, 0), gaps of :data:`PAD` between boxes.
    """
    children: dict[str | None, list[str]] = {}
    for gid in sizes:
        p = parent.get(gid)
        if p not in sizes or p == gid:
            p = None
        children.setdefault(p, []).append(gid)
    total: dict[str, float] = {}

    def subtree(gid: str, seen: frozenset) -> float:
        if gid in total:
            return total[gid]
        kids = [k for k in children.get(gid, []) if k not in seen]
        total[gid] = _weight(sizes[gid], (room or {}).get(gid)) + sum(subtree(k, seen | {gid}) for k in kids)
        return total[gid]

    roots = sorted(children.get(None, []))
    # a cycle in the parents leaves groups without a root: treat them as roots
    reached: set[str] = set()

    def mark(gid: str) -> None:
        if gid in reached:
            return
        reached.add(gid)
        for k in children.get(gid, []):
            mark(k)

    for r in roots:
        mark(r)
    roots += sorted(g for g in sizes if g not in reached)
    for r in roots:
        mark(r)
        subtree(r, frozenset())
    area = sum(total[r] for r in roots)
    width = math.sqrt(area * aspect)
    height = area / width
    boxes: dict[str, Rect] = {}

    def place(items: list[tuple[str, str]], rect: Rect) -> None:
        # items: ("self", gid) for a group's own box, ("tree", gid) for a subtree
        weights = [(_weight(sizes[g], (room or {}).get(g)) if kind == "self" else total[g]) for kind, g in items]
        if len(weights) <= 3:
            # two or three boxes side by side: none thinner than about a quarter of the largest, or it is a strip
            weights = [max(w, 0.3 * max(weights)) for w in weights]
        order = sorted(range(len(items)), key=lambda i: (-weights[i], items[i][1]))
        rects = squarify([weights[i] for i in order], rect)
        for i, r in zip(order, rects):
            kind, gid = items[i]
            if kind == "self":
                boxes[gid] = (r[0] + PAD / 2, r[1] + PAD / 2, r[2] - PAD / 2, r[3] - PAD / 2)
            else:
                kids = [k for k in children.get(gid, []) if k not in boxes and k != gid]
                sub = [("self", gid)] if sizes[gid] else []
                sub += [("tree", k) for k in sorted(kids)]
                if sub:
                    place(sub, r)

    place([("tree", r) for r in roots], (-width / 2, -height / 2, width / 2, height / 2))
    return boxes


def layout_in_box(n: int, pairs: list[tuple[int, int]], box: Rect, seed: int = 7,
                  centre: int | None = None, radii: np.ndarray | None = None) -> np.ndarray:
    """Positions of ``n`` nodes (edges ``pairs`` between their indices) spread over ``box``.

    Kamada–Kawai up to 60 nodes, Fruchterman–Reingold above; the coordinates are then
    stretched to the box below its header and half evened out by rank, so that no part
    of the box is crowded while the structure stays recognisable. ``centre``: a node
    (the group's committee) put in the middle; ``radii``: node sizes, so that big nodes
    keep clear of each other.
    """
    x0, y0, x1, y1 = box
    inner = (x0 + CELL * 0.45, y0 + HEADER + CELL * 0.35, x1 - CELL * 0.45, y1 - CELL * 0.35)
    cx, cy = (inner[0] + inner[2]) / 2, (inner[1] + inner[3]) / 2
    if n == 1:
        return np.array([[cx, cy]])
    if n == 0:
        return np.zeros((0, 2))
    g = ig.Graph(n=n, edges=sorted(set(pairs)))
    ig.set_random_number_generator(random.Random(seed))
    try:
        coords = np.array((g.layout_kamada_kawai() if n <= 60 else g.layout_fruchterman_reingold(niter=300)).coords)
    finally:
        ig.set_random_number_generator(random)
    out = np.empty_like(coords)
    for axis in (0, 1):
        v = coords[:, axis]
        span = v.max() - v.min()
        lin = (v - v.min()) / span if span > 0 else np.full(n, 0.5)
        rank = np.argsort(np.argsort(v, kind="stable"), kind="stable") / max(n - 1, 1)
        out[:, axis] = 0.5 * lin + 0.5 * rank
    if centre is not None and n > 2:
        # the committee in the middle, the node that was there takes its old place
        mid = int(np.argmin(((out - 0.5) ** 2).sum(axis=1)))
        out[[centre, mid]] = out[[mid, centre]]
    w, h = max(inner[2] - inner[0], 1.0), max(inner[3] - inner[1], 1.0)
    out[:, 0] = inner[0] + out[:, 0] * w
    out[:, 1] = inner[1] + out[:, 1] * h
    if n <= 800:
        r = np.asarray(radii, dtype=float) if radii is not None else np.full(n, 10.0)
        room = 0.9 * math.sqrt(w * h / n)
        out = _spread(out, np.minimum(r[:, None] + r[None, :] + 30.0, max(room, 40.0)), inner)
    return out


def _spread(pos: np.ndarray, gap: np.ndarray, rect: Rect, rounds: int = 60) -> np.ndarray:
    """Push apart nodes closer than ``gap`` (a matrix of least distances), keeping them inside ``rect``."""
    pos = pos.copy()
    n = len(pos)
    for _ in range(rounds):
        d = pos[:, None, :] - pos[None, :, :]
        dist = np.sqrt((d ** 2).sum(axis=2)) + np.eye(n) * 1e9
        close = dist < gap
        if not close.any():
            break
        push = np.where(close, (gap - dist) / np.maximum(dist, 1e-6), 0.0)[:, :, None] * d
        pos += 0.5 * push.sum(axis=1)
        pos[:, 0] = pos[:, 0].clip(rect[0], rect[2])
        pos[:, 1] = pos[:, 1].clip(rect[1], rect[3])
    return pos


def boxed_layout(groups: dict[str, list[str]], parent: dict[str, str | None], edges: list[tuple[str, str]],
                 hub: dict[str, str] | None = None, sizes: dict[str, float] | None = None, seed: int = 7):
    """Positions of every member of ``groups`` and the box of each group.

    ``groups``: group → its node keys; ``parent``: group → parent group (or None);
    ``edges``: node pairs (ties inside a group shape its layout); ``hub``: group → the
    node put at the box's centre (its committee); ``sizes``: node radii. Returns ``(pos, boxes)``:
    node → (x, y) and group → (x0, y0, x1, y1), rounded to 0.1 px.
    """
    counts = {g: 0 for g in parent} | {g: len(m) for g, m in groups.items()}
    # a node needs a square of its diameter and room for a label, at least a cell
    room = {g: sum(max(CELL, 2 * (sizes or {}).get(k, 10.0) + 50.0) ** 2 for k in m) for g, m in groups.items()}
    boxes = group_boxes(counts, parent, room=room)
    where = {k: g for g, members in groups.items() for k in members}
    inside: dict[str, list[tuple[str, str]]] = {}
    for a, b in edges:
        ga, gb = where.get(a), where.get(b)
        if ga is not None and ga == gb and a != b:
            inside.setdefault(ga, []).append((a, b))
    pos: dict[str, tuple[float, float]] = {}
    for gid in sorted(groups):
        members = groups[gid]
        index = {k: i for i, k in enumerate(members)}
        pairs = [(min(index[a], index[b]), max(index[a], index[b])) for a, b in inside.get(gid, [])]
        centre = index.get((hub or {}).get(gid)) if hub else None
        radii = np.array([(sizes or {}).get(k, 10.0) for k in members])
        coords = layout_in_box(len(members), pairs, boxes[gid], seed, centre, radii)
        for k, (x, y) in zip(members, coords):
            pos[k] = (round(float(x), 1), round(float(y), 1))
    return pos, {g: tuple(round(v, 1) for v in r) for g, r in boxes.items()}
