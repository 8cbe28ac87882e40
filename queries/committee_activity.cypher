// name: committee_activity
// description: One row per committee: members, meetings held against the cadence's yearly
//   expectation, and the needs, unmet needs, resources and projects of its member units.
// 说明: 各委员会活跃度：成员单位数、年度会议次数与例会周期应开次数对比，以及成员单位的需求、未满足需求、资源和项目数。
MATCH (c:Committee)
OPTIONAL MATCH (u:Unit)-[:MEMBER_OF]->(c)
WITH c, count(DISTINCT u.id) AS members
OPTIONAL MATCH (c)<-[:MEMBER_OF]-(:Unit)-[:RAISES]->(n:Need)
WITH c, members, count(DISTINCT n.id) AS needs,
     count(DISTINCT CASE WHEN NOT coalesce(n.status, 'open') IN ['fulfilled', 'closed'] THEN n.id END) AS unmet_needs
OPTIONAL MATCH (c)<-[:MEMBER_OF]-(:Unit)-[:OFFERS]->(r:Resource)
WITH c, members, needs, unmet_needs, count(DISTINCT r.id) AS resources
OPTIONAL MATCH (c)<-[:MEMBER_OF]-(:Unit)-[:LEADS|PARTICIPATES_IN]->(p:Project)
WITH c, members, needs, unmet_needs, resources, count(DISTINCT p.id) AS projects
RETURN c.id AS committee_id, c.name AS committee, c.level AS level, c.cadence AS cadence,
       CASE c.cadence WHEN 'weekly' THEN 52 WHEN 'monthly' THEN 12 WHEN 'quarterly' THEN 4
                      WHEN 'half_yearly' THEN 2 WHEN 'yearly' THEN 1 END AS meetings_expected,
       c.meetings AS meetings, members, needs, unmet_needs, resources, projects
ORDER BY committee_id
