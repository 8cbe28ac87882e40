// name: findings_by_area
// description: Findings of graphgov gaps stored in the store, counted by the area they are located
//   in (the smallest area holding what they are about) and kind, with how many are high, medium
//   and low severity. Findings about no place (a whole sector, the whole scope) have no area.
// 说明: 按所在区域（所涉单位、需求、委员会共同所在的最小区域）和类型统计 graphgov gaps 保存在库中的薄弱环节，含高、中、低严重程度的数量；不涉及具体地点的（整个行业、全部范围）区域为空。
// param: area = ''  -- only findings located in this area or below it; empty for all
// param: kind = ''  -- only this kind (e.g. unmet_need, bridge); empty for all
MATCH (f:Finding)
WHERE $kind = '' OR f.kind = $kind
OPTIONAL MATCH (f)-[:LOCATED_IN]->(a:Area)
WITH f, a
WHERE $area = '' OR a.id = $area OR EXISTS { MATCH (a)-[:PART_OF*1..8]->(up:Area) WHERE up.id = $area }
RETURN a.id AS area_id, a.name AS area, a.level AS level, f.kind AS kind, f.kind_zh AS kind_zh,
       count(f) AS findings, count(CASE WHEN f.severity = 'high' THEN 1 END) AS high,
       count(CASE WHEN f.severity = 'medium' THEN 1 END) AS medium,
       count(CASE WHEN f.severity = 'low' THEN 1 END) AS low
ORDER BY findings DESC, area_id, kind
