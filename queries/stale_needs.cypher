// name: stale_needs
// description: Needs still unmet (not fulfilled or closed) that were raised at least the given
//   number of days before the reference date, oldest first, with the number of projects that
//   address each; only_unaddressed = true keeps those no project addresses.
// 说明: 提出时间早于参考日期前指定天数、仍未完成或关闭的需求（最早的在前），以及对接每项需求的项目数；only_unaddressed 为 true 时只列没有项目对接的需求。
// param: as_of = today  -- the reference date
// param: min_age = 365 days  -- how old a need must be
// param: only_unaddressed = false  -- leave out needs a project addresses
MATCH (u:Unit)-[:RAISES]->(n:Need)
WHERE n.raised <= $as_of - $min_age
  AND NOT coalesce(n.status, 'open') IN ['fulfilled', 'closed']
WITH u, n, COUNT { MATCH (:Project)-[:ADDRESSES]->(n) } AS projects
WHERE NOT $only_unaddressed OR projects = 0
RETURN n.id AS need_id, n.title AS title, n.category AS category, n.urgency AS urgency,
       n.status AS status, n.raised AS raised, u.id AS unit_id, u.name AS unit, projects
ORDER BY raised, need_id
