// name: stale_needs
// description: Needs still unmet (not fulfilled or closed) that were raised at least the given
//   number of days before the reference date, oldest first.
// 说明: 提出时间早于参考日期前指定天数、仍未完成或关闭的需求，最早的排在前面。
// param: as_of = today  -- the reference date
// param: min_age = 90 days  -- how old a need must be
MATCH (u:Unit)-[:RAISES]->(n:Need)
WHERE n.raised <= $as_of - $min_age
  AND NOT coalesce(n.status, 'open') IN ['fulfilled', 'closed']
RETURN n.id AS need_id, n.title AS title, n.category AS category, n.urgency AS urgency,
       n.status AS status, n.raised AS raised, u.id AS unit_id, u.name AS unit
ORDER BY raised, need_id
