// name: needs_by_month
// description: Needs raised, first dispatched, fulfilled and closed in each month of one year, by the
//   needs' own dates (imported with the lists or kept by the dispatch loop).
// 说明: 指定年份每月收集、首次派单、办结和关闭的需求数（按需求自身的日期：随清单导入或由派单流程记录）。
// param: year  -- the year, e.g. 2025
// param: committee = ''  -- only needs raised by member units of this committee; empty for all
UNWIND [{m: '01', edge: '02-01', last: false}, {m: '02', edge: '03-01', last: false},
        {m: '03', edge: '04-01', last: false}, {m: '04', edge: '05-01', last: false},
        {m: '05', edge: '06-01', last: false}, {m: '06', edge: '07-01', last: false},
        {m: '07', edge: '08-01', last: false}, {m: '08', edge: '09-01', last: false},
        {m: '09', edge: '10-01', last: false}, {m: '10', edge: '11-01', last: false},
        {m: '11', edge: '12-01', last: false}, {m: '12', edge: '12-31', last: true}] AS p
WITH $year + '-' + p.m AS month, date($year + '-' + p.m + '-01') AS first_day, date($year + '-' + p.edge) AS edge,
     p.last AS december
OPTIONAL MATCH (u:Unit)-[:RAISES]->(n:Need)
WHERE $committee = '' OR EXISTS { MATCH (u)-[:MEMBER_OF]->(c:Committee) WHERE c.id = $committee }
WITH DISTINCT month, first_day, edge, december, n
RETURN month,
       count(CASE WHEN n.raised >= first_day AND (n.raised < edge OR december AND n.raised = edge)
                  THEN 1 END) AS raised,
       count(CASE WHEN n.dispatched_on >= first_day AND (n.dispatched_on < edge OR december AND n.dispatched_on = edge)
                  THEN 1 END) AS dispatched,
       count(CASE WHEN n.fulfilled_on >= first_day AND (n.fulfilled_on < edge OR december AND n.fulfilled_on = edge)
                  THEN 1 END) AS fulfilled,
       count(CASE WHEN n.closed_on >= first_day AND (n.closed_on < edge OR december AND n.closed_on = edge)
                  THEN 1 END) AS closed
ORDER BY month
