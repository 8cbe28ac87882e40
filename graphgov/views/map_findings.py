"""What the gaps and matches views add to a map: marked findings, bridges, proposed pairs and their brokers.

:func:`mark_findings` turns the findings of :func:`graphgov.analysis.gaps.find_gaps` into marks
on nodes (single brokers, paper members, idle committees, unmet needs, and every member of
a silo) with the finding's message for the detail panel, and suggested ties into edges.
:func:`find_bridges` finds the ties whose loss cuts a part of the drawn network off.
:func:`match_edges` draws proposed need → resource pairs and the unit that brokers each.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass, field

import igraph as ig
import networkx as nx
import pandas as pd

from graphgov.analysis.gaps import KIND_ZH
from graphgov.dataset import schema
from graphgov.errors import OptionError
from graphgov.views.map_scope import committee_scope, resolve_subject
from graphgov.views.map_style import as_text, format_evidence

__all__ = ["Marks", "mark_findings", "find_bridges", "match_edges", "SEVERITY_ORDER"]

SEVERITY_ORDER = ("high", "medium", "low")


@dataclass
class Marks:
    """Findings placed on a map: ``flags`` node → findings that mark it, ``notes`` node → findings
    shown in its panel only, ``edges`` extra (from, to, type, props), ``kinds`` the counts per kind
    (Chinese name, found, shown), ``silos`` closed groups (name, message, severity, members) drawn as one outline."""

    flags: dict[str, list[dict]] = field(default_factory=dict)
    notes: dict[str, list[dict]] = field(default_factory=dict)
    edges: list[tuple[str, str, str, dict]] = field(default_factory=list)
    kinds: dict[str, list] = field(default_factory=dict)
    silos: list[dict] = field(default_factory=list)


def _evidence_dict(value) -> dict:
    """A finding's evidence as a dict (a saved findings file holds it as text)."""
    if isinstance(value, dict):
        return value
    if isinstance(value, str) and value.startswith("{"):
        try:
            parsed = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            return {}
        return parsed if isinstance(parsed, dict) else {}
    return {}


def mark_findings(g: nx.MultiDiGraph, findings: pd.DataFrame | None, keep: set[str]) -> Marks:
    """Marks for the findings whose subjects are in ``keep``.

    A silo's members (``evidence["members"]``, unit ids) are each marked with it, so the
    planner sees the whole closed group. Raises OptionError when ``kind`` or ``subject`` is missing.
    """
    marks = Marks()
    if findings is None:
        findings = pd.DataFrame(columns=["kind", "subject", "severity", "evidence", "suggestion"])
    missing = {"kind", "subject"} - set(findings.columns)
    if missing:
        raise OptionError(f"findings lack the columns {sorted(missing)}")
    for rec in findings.to_dict("records"):
        kind = as_text(rec.get("kind"))
        subject = rec.get("subject_id") if as_text(rec.get("subject_id")) else rec.get("subject")
        found = {"kind": kind, "kindZh": as_text(rec.get("kind_zh")) or KIND_ZH.get(kind, kind),
                 "severity": as_text(rec.get("severity")), "message": as_text(rec.get("message")),
                 "evidence": format_evidence(rec.get("evidence")), "suggestion": as_text(rec.get("suggestion"))}
        evidence = _evidence_dict(rec.get("evidence"))
        if kind == "silo" and (evidence.get("members") or evidence.get("through")):
            # a closed group: all its members; blocks joined through one unit only: that unit
            ids = evidence.get("members") or [evidence["through"]]
            keys = [k for k in (schema.node_key("Unit", str(m)) for m in ids) if k in keep]
        else:
            keys = [k for k in resolve_subject(g, subject, kind, rec.get("subject_type")) if k in keep]
        counts = marks.kinds.setdefault(kind, [found["kindZh"], 0, 0])
        counts[1] += 1
        counts[2] += bool(keys)
        if kind == "silo" and evidence.get("members") and keys:
            marks.silos.append({"name": as_text(evidence.get("group") or rec.get("subject")), "message": found["message"],
                                "severity": found["severity"], "members": keys})
        if kind == "suggested_tie" and len(keys) == 2:
            # a suggestion is a tie to make, not a fault of either unit: draw it as an edge
            marks.edges.append((keys[0], keys[1], "SUGGESTED_TIE", {"title": found["message"]}))
            for key in keys:
                marks.notes.setdefault(key, []).append(found)
            continue
        for key in keys:
            marks.flags.setdefault(key, []).append(found)
    return marks


def worst(findings: list[dict]) -> str:
    """The most severe severity among ``findings`` (``""`` when none says)."""
    ranked = sorted(f["severity"] for f in findings if f["severity"] in SEVERITY_ORDER)
    return min(ranked, key=SEVERITY_ORDER.index) if ranked else ""


def find_bridges(keys: list[str], pairs: list[tuple[str, str]], limit: int = 200) -> dict[tuple[str, str], int]:
    """Ties whose removal cuts at least two nodes off the rest: pair → nodes cut off (the smaller side).

    A unit with a single tie is cut off by losing it, but that says nothing about the
    network: only bridges with at least two nodes on each side count. At most ``limit``
    bridges, those cutting off most first.
    """
    index = {k: i for i, k in enumerate(keys)}
    edges = sorted({(min(index[a], index[b]), max(index[a], index[b])) for a, b in pairs
                    if a in index and b in index and a != b})
    if not edges:
        return {}
    h = ig.Graph(n=len(keys), edges=edges)
    out = {}
    for eid in h.bridges():
        a, b = h.es[eid].tuple
        if h.degree(a) < 2 or h.degree(b) < 2:
            continue
        cut = h.copy()
        cut.delete_edges([eid])
        side_a = len(cut.subcomponent(a))
        side_b = len(cut.subcomponent(b))
        smaller = min(side_a, side_b)
        if smaller >= 2:
            out[(keys[a], keys[b])] = smaller
    return dict(sorted(out.items(), key=lambda kv: -kv[1])[:limit])


def match_edges(g: nx.MultiDiGraph, matches: pd.DataFrame | None, committee: str | None):
    """Edges of proposed matches: (keep set, edges). A MATCH edge need → resource with its score,
    and a BROKER edge from the brokering unit to the need. Raises OptionError for missing columns."""
    if matches is None:
        matches = pd.DataFrame(columns=["need_id", "resource_id", "score"])
    missing = {"need_id", "resource_id"} - set(matches.columns)
    if missing:
        raise OptionError(f"matches lack the columns {sorted(missing)}")
    scope = committee_scope(g, committee) if committee else None
    keep: set[str] = set()
    edges: list[tuple[str, str, str, dict]] = []
    for rec in matches.to_dict("records"):
        n_key = schema.node_key("Need", as_text(rec["need_id"]))
        r_key = schema.node_key("Resource", as_text(rec["resource_id"]))
        if n_key not in g or r_key not in g:
            continue
        if scope is not None and n_key not in scope and r_key not in scope:
            continue
        keep.update((n_key, r_key))
        for k2 in (n_key, r_key):
            keep.update(m for m in nx.all_neighbors(g, k2) if m.startswith("Unit:"))
        score = rec.get("score")
        props = {"score": round(float(score), 3)} if score is not None and not pd.isna(score) else {}
        broker = rec.get("broker_id")
        b_key = schema.node_key("Unit", str(broker)) if broker is not None and not pd.isna(broker) else None
        if b_key in g:
            props["broker"] = as_text(g.nodes[b_key].get("name", broker))
            keep.add(b_key)
            edges.append((b_key, n_key, "BROKER", {"title": f"引荐单位：{props['broker']}"}))
        edges.append((n_key, r_key, "MATCH", props))
    return keep, edges
