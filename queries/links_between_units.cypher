// name: links_between_units
// description: Everything that links two units: committees both sit on, agreements between
//   them, projects both lead or join, a shared area, party organizations in a reporting line,
//   needs of one addressed by a project of the other, and partners both have agreements with.
// 说明: 两个单位之间的所有联系：共同所在的委员会、双方共建协议、共同项目、同一区域、党组织上下级关系、一方的需求由另一方参与的项目对接、共同的共建伙伴。
// param: a  -- the first unit's id (required)
// param: b  -- the second unit's id (required)
MATCH (:Unit {id: $a})-[:MEMBER_OF]->(c:Committee)<-[:MEMBER_OF]-(:Unit {id: $b})
RETURN 'committee' AS link, c.id AS via_id, c.name AS via
UNION
MATCH (:Unit {id: $a})-[g:AGREEMENT]-(:Unit {id: $b})
RETURN 'agreement' AS link, coalesce(g.kind, '') AS via_id, coalesce(g.kind, '') AS via
UNION
MATCH (:Unit {id: $a})-[:LEADS|PARTICIPATES_IN]->(p:Project)<-[:LEADS|PARTICIPATES_IN]-(:Unit {id: $b})
RETURN 'project' AS link, p.id AS via_id, p.title AS via
UNION
MATCH (:Unit {id: $a})-[:LOCATED_IN]->(ar:Area)<-[:LOCATED_IN]-(:Unit {id: $b})
RETURN 'area' AS link, ar.id AS via_id, ar.name AS via
UNION
MATCH (:Unit {id: $a})<-[:BELONGS_TO]-(o1:PartyOrg)-[:REPORTS_TO]-(o2:PartyOrg)-[:BELONGS_TO]->(:Unit {id: $b})
RETURN 'party_org' AS link, o1.id + ' - ' + o2.id AS via_id, o1.name + ' - ' + o2.name AS via
UNION
MATCH (:Unit {id: $a})-[:RAISES]->(n:Need)<-[:ADDRESSES]-(:Project)<-[:LEADS|PARTICIPATES_IN]-(:Unit {id: $b})
RETURN 'need_of_a_served_by_b' AS link, n.id AS via_id, n.title AS via
UNION
MATCH (:Unit {id: $b})-[:RAISES]->(n:Need)<-[:ADDRESSES]-(:Project)<-[:LEADS|PARTICIPATES_IN]-(:Unit {id: $a})
RETURN 'need_of_b_served_by_a' AS link, n.id AS via_id, n.title AS via
UNION
MATCH (x:Unit {id: $a})-[:AGREEMENT]-(m:Unit)-[:AGREEMENT]-(y:Unit {id: $b})
WHERE m.id <> x.id AND m.id <> y.id
RETURN 'common_partner' AS link, m.id AS via_id, m.name AS via
