// name: committee_rollup
// description: Each committee with everything below it in the committee tree (REPORTS_TO): the
//   committees, their member units, the needs those units raised (fulfilled, closed, unmet, named by
//   a project) and the projects they lead or take part in.
// 说明: 沿委员会层级（REPORTS_TO）汇总：每个委员会连同其下级委员会、成员单位，这些单位提出的需求（已办结、已关闭、未满足、有项目对接）和牵头或参与的项目数。
MATCH (c:Committee)
OPTIONAL MATCH (sub:Committee)-[:REPORTS_TO*0..10]->(c)
WITH c, count(DISTINCT sub.id) AS committees
OPTIONAL MATCH (u:Unit)-[:MEMBER_OF]->(:Committee)-[:REPORTS_TO*0..10]->(c)
WITH c, committees, count(DISTINCT u.id) AS units
OPTIONAL MATCH (r:Unit)-[:MEMBER_OF]->(:Committee)-[:REPORTS_TO*0..10]->(c)
OPTIONAL MATCH (r)-[:RAISES]->(n:Need)
OPTIONAL MATCH (pr:Project)-[:ADDRESSES]->(n)
WITH c, committees, units, count(DISTINCT n.id) AS needs,
     count(DISTINCT CASE WHEN n.status = 'fulfilled' THEN n.id END) AS fulfilled,
     count(DISTINCT CASE WHEN n.status = 'closed' THEN n.id END) AS closed,
     count(DISTINCT CASE WHEN pr IS NOT NULL THEN n.id END) AS needs_in_projects
OPTIONAL MATCH (w:Unit)-[:MEMBER_OF]->(:Committee)-[:REPORTS_TO*0..10]->(c)
OPTIONAL MATCH (w)-[:LEADS|PARTICIPATES_IN]->(q:Project)
WITH c, committees, units, needs, fulfilled, closed, needs_in_projects, count(DISTINCT q.id) AS projects
RETURN c.id AS committee_id, c.name AS committee, c.level AS level, committees, units, needs, fulfilled, closed,
       needs - fulfilled - closed AS unmet, needs_in_projects, projects
ORDER BY committee_id
