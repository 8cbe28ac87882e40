// name: cross_ties
// description: How far each committee bridges sectors and areas (条块): its members' distinct
//   types, sectors and areas, and the ties between pairs of members (a co-building agreement or
//   a shared project), with how many of those ties join different sectors or different areas.
//   A member with no sector or area is not counted as crossing.
// 说明: 各委员会跨行业、跨区域联系：成员单位的类型数、行业数、区域数，成员之间的联系（共建协议或共同项目）对数，以及其中跨行业、跨区域的对数。
MATCH (c:Committee)
OPTIONAL MATCH (u:Unit)-[:MEMBER_OF]->(c)
WITH c, count(DISTINCT u.id) AS members, count(DISTINCT u.type) AS types,
     count(DISTINCT u.sector) AS sectors, count(DISTINCT u.area_id) AS areas
OPTIONAL MATCH (a:Unit)-[:MEMBER_OF]->(c)<-[:MEMBER_OF]-(b:Unit)
WHERE a.id < b.id
  AND (EXISTS { MATCH (a)-[:AGREEMENT]-(b) }
       OR EXISTS { MATCH (a)-[:LEADS|PARTICIPATES_IN]->(:Project)<-[:LEADS|PARTICIPATES_IN]-(b) })
WITH c, members, types, sectors, areas, a, b
RETURN c.id AS committee_id, c.name AS committee, members, types, sectors, areas,
       count(b) AS ties,
       count(CASE WHEN a.sector <> b.sector THEN 1 END) AS cross_sector_ties,
       count(CASE WHEN a.area_id <> b.area_id THEN 1 END) AS cross_area_ties
ORDER BY committee_id
