// name: party_org_tree
// description: The party organization tree around a unit: its own party organizations, the
//   organizations they report to (up the line, in any unit) and those reporting to them.
// 说明: 某单位的党组织树：本单位的党组织、其上级党组织（逐级向上，可属其他单位）和下级党组织。
// param: unit  -- the unit's id (required)

// Separate MATCH clauses: within one pattern Neo4j never uses a relationship twice, which
// would drop the unit's own organizations (their BELONGS_TO appears at both ends).
MATCH (:Unit {id: $unit})<-[:BELONGS_TO]-(own:PartyOrg)
MATCH (own)-[:REPORTS_TO*0..10]->(o:PartyOrg)
MATCH (o)-[:BELONGS_TO]->(ou:Unit)
OPTIONAL MATCH (o)-[:REPORTS_TO]->(parent:PartyOrg)
RETURN DISTINCT CASE WHEN ou.id = $unit THEN 'own' ELSE 'superior' END AS relation,
       o.id AS org_id, o.name AS org, o.type AS org_type, o.members AS members,
       coalesce(parent.id, '') AS parent_id, ou.id AS unit_id, ou.name AS unit
UNION
MATCH (:Unit {id: $unit})<-[:BELONGS_TO]-(own:PartyOrg)
MATCH (own)<-[:REPORTS_TO*1..10]-(o:PartyOrg)
MATCH (o)-[:BELONGS_TO]->(ou:Unit)
OPTIONAL MATCH (o)-[:REPORTS_TO]->(parent:PartyOrg)
RETURN DISTINCT CASE WHEN ou.id = $unit THEN 'own' ELSE 'subordinate' END AS relation,
       o.id AS org_id, o.name AS org, o.type AS org_type, o.members AS members,
       coalesce(parent.id, '') AS parent_id, ou.id AS unit_id, ou.name AS unit
