// name: paper_members
// description: "Paper" members: units on a committee that raise no need, offer no resource,
//   lead or join no project and have no co-building agreement.
// 说明: “挂名”成员单位：在委员会中，但没有提出需求、没有提供资源、没有牵头或参与项目、也没有共建协议。
// param: committee = ''  -- a committee id; empty for every committee
MATCH (u:Unit)-[m:MEMBER_OF]->(c:Committee)
WHERE ($committee = '' OR c.id = $committee)
  AND NOT EXISTS { MATCH (u)-[:RAISES]->(:Need) }
  AND NOT EXISTS { MATCH (u)-[:OFFERS]->(:Resource) }
  AND NOT EXISTS { MATCH (u)-[:LEADS|PARTICIPATES_IN]->(:Project) }
  AND NOT EXISTS { MATCH (u)-[:AGREEMENT]-(:Unit) }
RETURN c.id AS committee_id, c.name AS committee, u.id AS unit_id, u.name AS unit,
       u.type AS unit_type, m.role AS role, m.since AS since
ORDER BY committee_id, unit_id
