// name: committee_roster
// description: Member units of each committee with their role, joining date and what each
//   brings: needs raised, resources offered, distinct projects led or joined.
// 说明: 委员会成员单位名单：角色、加入日期，以及各单位提出的需求数、提供的资源数、牵头或参与的项目数。
// param: committee = ''  -- a committee id; empty for every committee
MATCH (u:Unit)-[m:MEMBER_OF]->(c:Committee)
WHERE $committee = '' OR c.id = $committee
OPTIONAL MATCH (u)-[:LEADS|PARTICIPATES_IN]->(p:Project)
WITH c, u, m.role AS role, m.since AS since, count(DISTINCT p.id) AS projects
RETURN c.id AS committee_id, c.name AS committee, u.id AS unit_id, u.name AS unit,
       u.type AS unit_type, u.sector AS sector, role, since,
       COUNT { MATCH (u)-[:RAISES]->(:Need) } AS needs,
       COUNT { MATCH (u)-[:OFFERS]->(:Resource) } AS resources,
       projects
ORDER BY committee_id, unit_id
