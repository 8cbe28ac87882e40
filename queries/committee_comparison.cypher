// name: committee_comparison
// description: Committees side by side over a period: the needs their member units raised in it, how
//   many a project names (conversion) and were fulfilled (resolution: fulfilled ÷ (needs − closed)),
//   and the projects members lead or join that started or were completed in it.
// 说明: 各委员会在一段时间内的对比：成员单位在此期间提出的需求、其中有项目对接的（转化率）和已办结的（解决率：已办结 ÷（需求 − 已关闭）），以及成员牵头或参与、在此期间启动或完成的项目数。
// param: since = 2000-01-01  -- the first day of the period
// param: until = today  -- the last day of the period
MATCH (c:Committee)
OPTIONAL MATCH (m:Unit)-[:MEMBER_OF]->(c)
WITH c, count(DISTINCT m.id) AS members
OPTIONAL MATCH (u:Unit)-[:MEMBER_OF]->(c)
OPTIONAL MATCH (u)-[:RAISES]->(n:Need)
WHERE n.raised >= $since AND n.raised <= $until
OPTIONAL MATCH (pr:Project)-[:ADDRESSES]->(n)
WITH c, members, count(DISTINCT n.id) AS needs,
     count(DISTINCT CASE WHEN pr IS NOT NULL THEN n.id END) AS converted,
     count(DISTINCT CASE WHEN n.status = 'fulfilled' THEN n.id END) AS fulfilled,
     count(DISTINCT CASE WHEN n.status = 'closed' THEN n.id END) AS closed
OPTIONAL MATCH (w:Unit)-[:MEMBER_OF]->(c)
OPTIONAL MATCH (w)-[:LEADS|PARTICIPATES_IN]->(q:Project)
WITH c, members, needs, converted, fulfilled, closed,
     count(DISTINCT CASE WHEN q.start_date >= $since AND q.start_date <= $until THEN q.id END) AS projects_started,
     count(DISTINCT CASE WHEN q.status = 'completed' AND q.end_date >= $since AND q.end_date <= $until
                         THEN q.id END) AS projects_completed
RETURN c.id AS committee_id, c.name AS committee, c.level AS level, members, needs, converted,
       CASE WHEN needs = 0 THEN NULL ELSE round(1.0 * converted / needs, 3) END AS conversion_rate,
       fulfilled, closed,
       CASE WHEN needs = closed THEN NULL ELSE round(1.0 * fulfilled / (needs - closed), 3) END AS resolution_rate,
       projects_started, projects_completed
ORDER BY committee_id
