// name: unused_resources
// description: Resources still available on the given date that no dispatch has used (no
//   dispatch of it accepted, partly done or fulfilled), with the number of unmet needs in the
//   same category that might use them.
// 说明: 截至指定日期仍有效、但从未被使用（没有已接单、部分完成或已完成的派单）的资源，以及同类别未满足需求的数量。
// param: as_of = today  -- resources whose availability ended before this date are left out
MATCH (u:Unit)-[:OFFERS]->(r:Resource)
WHERE (r.available_until IS NULL OR r.available_until >= $as_of)
  AND NOT EXISTS {
    MATCH (d:Dispatch)-[:USES]->(r) WHERE d.status IN ['accepted', 'partial', 'fulfilled']
  }
RETURN r.id AS resource_id, r.title AS title, r.category AS category, r.capacity AS capacity,
       r.available_until AS available_until, u.id AS unit_id, u.name AS unit,
       COUNT {
         MATCH (n:Need)
         WHERE n.category = r.category AND NOT coalesce(n.status, 'open') IN ['fulfilled', 'closed']
       } AS unmet_needs_same_category
ORDER BY unmet_needs_same_category DESC, resource_id
