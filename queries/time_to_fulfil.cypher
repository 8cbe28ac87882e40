// name: time_to_fulfil
// description: How long fulfilled needs took, per category: the needs fulfilled between two dates
//   and how many of them within each of three limits of their raising (fast, normal, slow).
// 说明: 各类别需求的办结用时：在两个日期之间办结的需求，以及其中自提出起在快、中、慢三个时限内办结的数量。
// param: since = 2000-01-01  -- fulfilled on or after this date
// param: until = today  -- fulfilled on or before this date
// param: fast = 7 days  -- the first limit
// param: normal = 30 days  -- the second limit
// param: slow = 90 days  -- the third limit
MATCH (n:Need)
WHERE n.raised IS NOT NULL AND n.fulfilled_on >= $since AND n.fulfilled_on <= $until
WITH n.category AS category, count(n) AS fulfilled,
     count(CASE WHEN n.fulfilled_on <= n.raised + $fast THEN 1 END) AS within_fast,
     count(CASE WHEN n.fulfilled_on <= n.raised + $normal THEN 1 END) AS within_normal,
     count(CASE WHEN n.fulfilled_on <= n.raised + $slow THEN 1 END) AS within_slow
RETURN category, fulfilled, within_fast, within_normal, within_slow, fulfilled - within_slow AS longer,
       round(1.0 * within_normal / fulfilled, 3) AS share_within_normal
ORDER BY category
