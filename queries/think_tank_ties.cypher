// name: think_tank_ties
// description: Ties of universities and research institutes ("party building + think tank"):
//   their co-building agreements and the projects they share with other units.
// 说明: 高校和科研院所的“党建+智库”联系：共建协议，以及与其他单位共同参与的项目。
MATCH (s:Unit)-[g:AGREEMENT]-(o:Unit)
WHERE s.type IN ['university', 'research_institute']
RETURN s.id AS university_id, s.name AS university, o.id AS partner_id, o.name AS partner,
       o.type AS partner_type, 'agreement' AS tie, g.kind AS detail, g.signed AS since
ORDER BY university_id, partner_id
UNION ALL
MATCH (s:Unit)-[:LEADS|PARTICIPATES_IN]->(p:Project)<-[:LEADS|PARTICIPATES_IN]-(o:Unit)
WHERE s.type IN ['university', 'research_institute'] AND o.id <> s.id
RETURN DISTINCT s.id AS university_id, s.name AS university, o.id AS partner_id, o.name AS partner,
       o.type AS partner_type, 'project' AS tie, p.title AS detail, p.start_date AS since
ORDER BY university_id, partner_id
