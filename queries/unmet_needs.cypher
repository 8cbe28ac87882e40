// name: unmet_needs
// description: Needs not yet fulfilled or closed, counted by category and area (the need's own
//   area, else the area of the unit that raised it), with how many are urgent and the oldest date.
// 说明: 按类别和区域统计尚未完成或关闭的需求（区域取需求所在区域，缺失时取提出单位所在区域），含紧急需求数和最早提出日期。
// param: category = ''  -- only this category (English code, e.g. parking); empty for all
MATCH (u:Unit)-[:RAISES]->(n:Need)
WHERE NOT coalesce(n.status, 'open') IN ['fulfilled', 'closed']
  AND ($category = '' OR n.category = $category)
OPTIONAL MATCH (n)-[:LOCATED_IN]->(na:Area)
OPTIONAL MATCH (u)-[:LOCATED_IN]->(ua:Area)
WITH n, coalesce(na.id, ua.id) AS area_id, coalesce(na.name, ua.name) AS area
RETURN n.category AS category, area_id, area, count(n) AS unmet,
       count(CASE WHEN n.urgency = 'high' THEN 1 END) AS urgent, min(n.raised) AS oldest
ORDER BY unmet DESC, category, area_id
