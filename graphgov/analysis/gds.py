"""Central actors computed inside Neo4j by Graph Data Science (``graphgov central --engine gds``).

For a graph that lives in Neo4j and is too large to pull out, GDS projects the same
coordination network graphgov builds in Python (:mod:`graphgov.analysis.network`: committee ties
weigh ``1/(n-1)`` per shared committee of n members, a shared project 1, an agreement 1,
a party-organization reporting line 0.5) and runs degree, PageRank and sampled
betweenness in the database. Only the ranked table comes back.
"""
from __future__ import annotations

import uuid

import pandas as pd

from graphgov.errors import StoreError
from graphgov.analysis.network import DEFAULT_HUB_THRESHOLD

__all__ = ["GDS_PROCEDURES", "GDS_FUNCTIONS", "gds_statements", "gds_central", "gds_available"]

GDS_PROCEDURES = ("gds.graph.drop", "gds.pageRank.stream", "gds.betweenness.stream", "gds.degree.stream")
GDS_FUNCTIONS = ("gds.version", "gds.graph.project", "gds.util.asNode")

VERSION = "RETURN gds.version() AS version"

# The coordination network as a Cypher projection (GDS 2.4+), one weighted undirected tie
# per pair of units, summed over the layers. As in graphgov.analysis.network, a committee of more
# than $hub_threshold members is one hub node tied to each member (weight 1: the member's
# whole tie strength through it) instead of all its pairs, which at a city-level committee
# would be millions of ties; the hubs are left out of the ranked results. Paths use
# distance = 1/weight, and (n-1)/2 to a hub, so member–hub–member is as long as the tie it
# stands for (see docs/analysis.md). (Scoped CALL () { … }: Neo4j 5.23 or later.)
PROJECT = """
CALL () {
  MATCH (a:Unit)-[:MEMBER_OF]->(c:Committee)<-[:MEMBER_OF]-(b:Unit)
  WHERE a.id < b.id
  WITH a, b, COUNT { (c)<-[:MEMBER_OF]-(:Unit) } AS size
  WHERE size <= $hub_threshold
  RETURN a, b, 1.0 / (size - 1) AS w, null AS hub_distance
  UNION ALL
  MATCH (a:Unit)-[:MEMBER_OF]->(c:Committee)
  WITH a, c, COUNT { (c)<-[:MEMBER_OF]-(:Unit) } AS size
  WHERE size > $hub_threshold
  RETURN a, c AS b, 1.0 AS w, (size - 1) / 2.0 AS hub_distance
  UNION ALL
  MATCH (a:Unit)-[:PARTICIPATES_IN]->(:Project)<-[:PARTICIPATES_IN]-(b:Unit)
  WHERE a.id < b.id
  RETURN a, b, 1.0 AS w, null AS hub_distance
  UNION ALL
  MATCH (a:Unit)-[:AGREEMENT]-(b:Unit)
  WHERE a.id < b.id
  RETURN a, b, 1.0 AS w, null AS hub_distance
  UNION ALL
  MATCH (a:Unit)<-[:BELONGS_TO]-(:PartyOrg)-[:REPORTS_TO]-(:PartyOrg)-[:BELONGS_TO]->(b:Unit)
  WHERE a.id < b.id
  RETURN a, b, 0.5 AS w, null AS hub_distance
}
WITH a, b, sum(w) AS weight, max(hub_distance) AS hub_distance
WITH a, b, weight, coalesce(hub_distance, 1.0 / weight) AS distance
WITH gds.graph.project($graph, a, b, {relationshipProperties: {weight: weight, distance: distance}},
                       {undirectedRelationshipTypes: ['*']}) AS g
RETURN g.graphName AS graph, g.nodeCount AS nodes, g.relationshipCount AS ties
""".strip()

DEGREE = """
CALL gds.degree.stream($graph, {relationshipWeightProperty: 'weight'})
YIELD nodeId, score
WITH gds.util.asNode(nodeId) AS u, score
WHERE u:Unit
RETURN u.id AS id, score AS weighted_degree
""".strip()

PAGERANK = """
CALL gds.pageRank.stream($graph, {relationshipWeightProperty: 'weight'})
YIELD nodeId, score
WITH gds.util.asNode(nodeId) AS u, score
WHERE u:Unit
RETURN u.id AS id, score AS pagerank
""".strip()

BETWEENNESS = """
CALL gds.betweenness.stream($graph, {samplingSize: $samples, samplingSeed: $seed,
                                     relationshipWeightProperty: 'distance'})
YIELD nodeId, score
WITH gds.util.asNode(nodeId) AS u, score
WHERE u:Unit
RETURN u.id AS id, score AS betweenness
""".strip()

UNITS = "MATCH (u:Unit) RETURN u.id AS id, u.name AS name, u.type AS type"

DROP = "CALL gds.graph.drop($graph, false) YIELD graphName RETURN graphName"


def gds_statements() -> list[tuple[str, str]]:
    """Every statement ``gds_central`` sends, named, for the linter tests."""
    return [("version", VERSION), ("project", PROJECT), ("degree", DEGREE), ("pagerank", PAGERANK),
            ("betweenness", BETWEENNESS), ("units", UNITS), ("drop", DROP)]


def gds_available(store) -> str:
    """The GDS version on the server; StoreError saying so when the plugin is missing."""
    try:
        return str(store.query(VERSION)["version"].iloc[0])
    except StoreError as err:
        if "gds.version" in str(err) or "Unknown function" in str(err):
            raise StoreError("the Neo4j server has no Graph Data Science plugin; install GDS on the server, or run "
                             "'graphgov central' without --engine gds to compute in Python") from None
        raise


def gds_central(store, samples: int = 256, seed: int = 42, hub_threshold: int = DEFAULT_HUB_THRESHOLD) -> pd.DataFrame:
    """Degree, PageRank and sampled betweenness of every unit, computed by GDS in Neo4j.

    Returns a DataFrame with ``id``, ``name``, ``type``, ``weighted_degree``,
    ``pagerank`` and ``betweenness`` (from ``samples`` sampled sources), sorted by
    PageRank. The in-memory projection is dropped afterwards, also on error.
    """
    gds_available(store)
    graph = f"graphgov-{uuid.uuid4().hex[:12]}"
    store.query(PROJECT, {"graph": graph, "hub_threshold": int(hub_threshold)})
    try:
        deg = store.query(DEGREE, {"graph": graph})
        pr = store.query(PAGERANK, {"graph": graph})
        bc = store.query(BETWEENNESS, {"graph": graph, "samples": int(samples), "seed": int(seed)})
    finally:
        store.query(DROP, {"graph": graph})
    units = store.query(UNITS)
    out = units.merge(deg, on="id", how="left").merge(pr, on="id", how="left").merge(bc, on="id", how="left")
    out = out.fillna({"weighted_degree": 0.0, "pagerank": 0.0, "betweenness": 0.0})
    return out.sort_values(["pagerank", "id"], ascending=[False, True]).reset_index(drop=True)
