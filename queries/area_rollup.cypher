// name: area_rollup
// description: Needs rolled up the area hierarchy (PART_OF): for each area, the needs placed in it or
//   in any area below it (a need's own area, else its raising unit's), fulfilled, closed, unmet,
//   and the resolution rate (fulfilled ÷ (needs − closed)).
// 说明: 沿区域层级（PART_OF）汇总需求：每个区域及其下级区域内的需求（按需求所在区域，没有则按提出单位所在区域），以及已办结、已关闭、未满足的数量和解决率（已办结 ÷（需求 − 已关闭））。
// param: level = ''  -- only areas of this level (district, street, community, station_area, grid); empty for all
MATCH (u:Unit)-[:RAISES]->(n:Need)
OPTIONAL MATCH (n)-[:LOCATED_IN]->(own:Area)
OPTIONAL MATCH (u)-[:LOCATED_IN]->(home:Area)
WITH n, coalesce(own.id, home.id) AS place
WHERE place IS NOT NULL
MATCH (p:Area)-[:PART_OF*0..10]->(a:Area)
WHERE p.id = place AND ($level = '' OR a.level = $level)
WITH a, n, coalesce(n.status, 'open') AS status
WITH a, count(DISTINCT n.id) AS needs,
     count(DISTINCT CASE WHEN status = 'fulfilled' THEN n.id END) AS fulfilled,
     count(DISTINCT CASE WHEN status = 'closed' THEN n.id END) AS closed
RETURN a.id AS area_id, a.name AS area, a.level AS level, needs, fulfilled, closed,
       needs - fulfilled - closed AS unmet,
       CASE WHEN needs = closed THEN NULL ELSE round(1.0 * fulfilled / (needs - closed), 3) END AS resolution_rate
ORDER BY area_id
