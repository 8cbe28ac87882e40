// name: unserved_needs
// description: Unmet needs that no resource of the same category, still available on the given
//   date, could serve; with same_area = true only resources in the need's own area count. These
//   are the gaps a committee has to recruit for.
// 说明: 没有同类别有效资源可以对接的未满足需求；same_area 为 true 时只计同一区域的资源。这些是委员会需要补充资源的缺口。
// param: as_of = today  -- resources whose availability ended before this date do not count
// param: same_area = false  -- only resources located in the need's area count
MATCH (u:Unit)-[:RAISES]->(n:Need)
WHERE NOT coalesce(n.status, 'open') IN ['fulfilled', 'closed']
// A list test rather than "(NOT $same_area OR r.area_id = n.area_id)" in the match: LadybugDB
// 0.22 drops rows when a condition linking the two nodes sits inside an OR.
OPTIONAL MATCH (r:Resource)
WHERE r.category = n.category AND (r.available_until IS NULL OR r.available_until >= $as_of)
WITH u, n, count(r) AS resources, collect(r.area_id) AS resource_areas
WHERE resources = 0 OR ($same_area AND NOT coalesce(n.area_id IN resource_areas, false))
RETURN n.id AS need_id, n.title AS title, n.category AS category, n.area_id AS area_id,
       n.urgency AS urgency, n.raised AS raised, u.id AS unit_id, u.name AS unit
ORDER BY category, need_id
