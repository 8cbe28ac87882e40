// name: expiring_resources
// description: Resources whose availability ends within the given number of days of the reference
//   date (still available on it), soonest first, with the dispatches still holding each.
// 说明: 自参考日期起指定天数内到期（参考日期当天仍有效）的资源，最早到期的在前，以及仍占用每项资源的派单数。
// param: as_of = today  -- the reference date
// param: days = 30 days  -- how far ahead to look
MATCH (u:Unit)-[:OFFERS]->(r:Resource)
WHERE r.available_until >= $as_of AND r.available_until <= $as_of + $days
RETURN r.id AS resource_id, r.title AS title, r.category AS category, r.capacity AS capacity,
       r.available_until AS available_until, u.id AS unit_id, u.name AS unit,
       COUNT {
         MATCH (d:Dispatch)-[:USES]->(r) WHERE d.status IN ['dispatched', 'accepted', 'partial']
       } AS live_dispatches
ORDER BY available_until, resource_id
