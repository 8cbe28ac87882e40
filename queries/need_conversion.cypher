// name: need_conversion
// description: The share of needs turned into projects (a project addresses them), per
//   category, with a last row '(all)' for every category together.
// 说明: 需求转化为项目的比例（有项目对接的需求占比），按类别统计，最后一行“(all)”为全部类别合计。
// param: committee = ''  -- only needs raised by member units of this committee; empty for all
MATCH (u:Unit)-[:RAISES]->(n:Need)
WHERE $committee = '' OR EXISTS { MATCH (u)-[:MEMBER_OF]->(c:Committee) WHERE c.id = $committee }
WITH DISTINCT n
WITH n, COUNT { MATCH (:Project)-[:ADDRESSES]->(n) } AS projects
WITH n.category AS category, count(n) AS needs, count(CASE WHEN projects > 0 THEN 1 END) AS in_projects
RETURN category, needs, in_projects, round(1.0 * in_projects / needs, 3) AS share
ORDER BY category
UNION ALL
MATCH (u:Unit)-[:RAISES]->(n:Need)
WHERE $committee = '' OR EXISTS { MATCH (u)-[:MEMBER_OF]->(c:Committee) WHERE c.id = $committee }
WITH DISTINCT n
WITH n, COUNT { MATCH (:Project)-[:ADDRESSES]->(n) } AS projects
WITH '(all)' AS category, count(n) AS needs, count(CASE WHEN projects > 0 THEN 1 END) AS in_projects
RETURN category, needs, in_projects,
       CASE WHEN needs = 0 THEN 0.0 ELSE round(1.0 * in_projects / needs, 3) END AS share
