// name: central_units
// description: The most central member units of each committee, from the stored results of
//   graphgov central (betweenness in the whole network), with their open needs: how many and
//   the oldest. Empty until graphgov central has been run on the store.
// 说明: 各委员会中介中心度最高的成员单位（取自 graphgov central 保存在库中的结果），以及这些单位未办结的需求数和最早提出日期；须先运行 graphgov central。
// param: committee = ''  -- a committee id; empty for every committee
// param: top = 5  -- units per committee
MATCH (u:Unit)-[:MEMBER_OF]->(c:Committee)
WHERE ($committee = '' OR c.id = $committee) AND u.central_rank IS NOT NULL
WITH c, u, COUNT { MATCH (v:Unit)-[:MEMBER_OF]->(c) WHERE v.central_rank < u.central_rank } AS ahead
WHERE ahead < $top
OPTIONAL MATCH (u)-[:RAISES]->(n:Need)
WHERE NOT coalesce(n.status, 'open') IN ['fulfilled', 'closed']
RETURN c.id AS committee_id, c.name AS committee, ahead + 1 AS place, u.id AS unit_id, u.name AS unit,
       u.central_rank AS city_rank, u.betweenness AS betweenness, u.pagerank AS pagerank, u.degree AS degree,
       u.articulation = 1 AS articulation, count(n) AS open_needs, min(n.raised) AS oldest_open_need
ORDER BY committee_id, place
