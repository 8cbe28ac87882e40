// name: dispatch_funnel
// description: The order–dispatch–accept funnel per category: of the needs raised between two dates,
//   how many were dispatched, accepted and fulfilled (by a dated step or a status at or past it),
//   and how many were closed unfulfilled.
// 说明: 点单-派单-接单漏斗（按类别）：在两个日期之间提出的需求中，已派单、已接单、已办结（有日期或状态已到该步）的数量，以及未办结即关闭的数量。
// param: since = 2000-01-01  -- raised on or after this date
// param: until = today  -- raised on or before this date
// param: committee = ''  -- only needs raised by member units of this committee; empty for all
MATCH (u:Unit)-[:RAISES]->(n:Need)
WHERE n.raised >= $since AND n.raised <= $until
  AND ($committee = '' OR EXISTS { MATCH (u)-[:MEMBER_OF]->(c:Committee) WHERE c.id = $committee })
WITH DISTINCT n, coalesce(n.status, 'open') AS status
WITH n, status,
     n.fulfilled_on IS NOT NULL OR status = 'fulfilled' AS is_fulfilled,
     n.accepted_on IS NOT NULL OR n.fulfilled_on IS NOT NULL OR status IN ['accepted', 'partial', 'fulfilled']
       AS is_accepted,
     n.dispatched_on IS NOT NULL OR n.accepted_on IS NOT NULL OR n.fulfilled_on IS NOT NULL
       OR status IN ['dispatched', 'accepted', 'partial', 'fulfilled'] AS is_dispatched
WITH n.category AS category, count(n) AS raised,
     count(CASE WHEN is_dispatched THEN 1 END) AS dispatched,
     count(CASE WHEN is_accepted THEN 1 END) AS accepted,
     count(CASE WHEN is_fulfilled THEN 1 END) AS fulfilled,
     count(CASE WHEN status = 'closed' AND NOT is_fulfilled THEN 1 END) AS closed
RETURN category, raised, dispatched, accepted, fulfilled, closed,
       round(1.0 * fulfilled / raised, 3) AS fulfilled_share
ORDER BY category
