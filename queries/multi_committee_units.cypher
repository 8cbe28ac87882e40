// name: multi_committee_units
// description: Units sitting on several committees: potential brokers between committees.
// 说明: 同时参加多个委员会的单位，可能是委员会之间的桥梁。
// param: min_committees = 2  -- at least this many committees
MATCH (u:Unit)-[:MEMBER_OF]->(c:Committee)
// committees in name order on both stores (LadybugDB takes ORDER BY in WITH only with SKIP or LIMIT)
WITH u, c ORDER BY c.name SKIP 0
WITH u, count(DISTINCT c.id) AS committees, collect(DISTINCT c.name) AS committee_names
WHERE committees >= $min_committees
RETURN u.id AS unit_id, u.name AS unit, u.type AS unit_type, u.sector AS sector,
       committees, committee_names
ORDER BY committees DESC, unit_id
